"""The few messages the app's parts send each other (never one per training iteration).

Forms post ``*ConfigChanged`` when a person applies a valid value; the run controller posts
``RunChanged`` when the run's state or data changed (start, pause, finish, reset, new data), and
``RunNotice`` for anything a person must be told (a file that cannot be read, a save that
succeeded). Progress during training is not a message: the app polls the controller.

The controller's thread workers hand their results back as messages too (``DataLoaded``,
``RunRestored``, ``TrainingStopped``, ``EvaluationReady``): posted to the controller from the
worker thread, handled by it on the UI thread, so only the UI thread changes the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.store.record import RunRecord
from neuron_core.training.edit import ParamEdit
from neuron_core.training.trainer import Trainer
from tui.run.scoring import Evaluation

Severity = Literal["information", "warning", "error"]


@dataclass
class DataConfigChanged(Message):
    """The dataset form holds a new valid ``DataConfig``: the data is drawn or read again."""

    config: DataConfig


@dataclass
class ModelConfigChanged(Message):
    """The model settings changed (layers, activation...): the run starts over."""

    config: ModelConfig


@dataclass
class TrainConfigChanged(Message):
    """The training settings changed (learning rate, iterations...): applied to the same run."""

    config: TrainConfig


# What a run change redraws, narrowest first: the state word and the progress; those and the
# cost chart (new training settings: the planned iterations, the rate drawn under the costs);
# every view (the scores, the pictures, the data summary too).
Redraw = Literal["state", "settings", "views"]
REDRAWS: tuple[Redraw, ...] = ("state", "settings", "views")


@dataclass
class RunChanged(Message):
    """The run's state, settings, data or model changed: ``redraw`` says which views that
    touches (``REDRAWS``); ``fresh`` is True when the history was cleared (new data, new model,
    reset, opened run), so views drop what they drew."""

    fresh: bool = False
    redraw: Redraw = "views"

    def can_replace(self, message: Message) -> bool:
        # Several changes queued before the UI gets to them need a single redraw: the newer
        # ``message`` supersedes this one and inherits its "fresh" bit and the wider redraw.
        if isinstance(message, RunChanged):
            message.fresh = message.fresh or self.fresh
            message.redraw = max(message.redraw, self.redraw, key=REDRAWS.index)
            return True
        return False


@dataclass
class RunNotice(Message):
    """Something to tell the person: ``field`` names the config field at fault (to mark it on
    its form), ``source`` which form it belongs to (``"data"``, ``"model"``, ``"train"``), if
    any."""

    message: str
    severity: Severity = "information"
    field: str | None = None
    source: str | None = None


@dataclass
class RunOpened(Message):
    """A saved run was opened: the forms show its settings (without applying them again)."""

    data_config: DataConfig
    model_config: ModelConfig
    train_config: TrainConfig


# -- results of the run controller's thread workers (posted to the controller itself) ----------


@dataclass
class DataLoaded(Message, bubble=False):
    """A data worker finished request ``token``: the ``dataset`` read or drawn for ``config``
    with a ``trainer`` already built for it (``None`` when the settings changed meanwhile or
    the engine refused them), or the ``error`` that stopped it."""

    token: int
    config: DataConfig
    dataset: Dataset | None
    trainer: Trainer | None
    error: BaseException | None = None


@dataclass
class RunRestored(Message, bubble=False):
    """A restore worker finished request ``token`` (``kind``: "open" a file or "resume" the
    session): the ``record`` with its data rebuilt and its trainer, or the ``error``."""

    token: int
    kind: Literal["open", "resume"]
    label: str
    record: RunRecord | None
    dataset: Dataset | None
    trainer: Trainer | None
    error: BaseException | None = None


@dataclass
class TrainingStopped(Message, bubble=False):
    """The training worker left the trainer (finished, paused, or failed with ``error``)."""

    error: BaseException | None = None


@dataclass
class EvaluationReady(Message, bubble=False):
    """A worker scored the parameters published under ``key`` (trainer, iteration, status)."""

    key: tuple[Trainer, int, str]
    evaluation: Evaluation | None


@dataclass
class WeightsEdited(Message):
    """A person set parameters of the neuron ``label`` (``h1.2``, ``out``) by hand: the run
    continues from them (``neuron_core.training.edit``)."""

    edits: tuple[ParamEdit, ...]
    label: str


@dataclass
class PointEdited(Message):
    """A person placed a point of class ``label`` (0 or 1) at (x1, x2) in the data's own units,
    or (``label`` None) removed the point nearest to it (``neuron_core.data.hand_points``)."""

    x1: float
    x2: float
    label: int | None
