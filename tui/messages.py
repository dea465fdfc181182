"""The few messages the app's parts send each other (never one per training iteration).

Forms post ``*ConfigChanged`` when a person applies a valid value; the run controller posts
``RunChanged`` when the run's state or data changed (start, pause, finish, reset, new data), and
``RunNotice`` for anything a person must be told (a file that cannot be read, a save that
succeeded). Progress during training is not a message: the app polls the controller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from neuron_core.config import DataConfig, ModelConfig, TrainConfig

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


@dataclass
class RunChanged(Message):
    """The run's state, data or model changed; ``fresh`` is True when the history was cleared
    (new data, new model, reset, opened run), so views drop what they drew."""

    fresh: bool = False

    def can_replace(self, message: Message) -> bool:
        # Several changes queued before the UI gets to them need a single redraw: the newer
        # ``message`` supersedes this one and inherits its "fresh" bit.
        if isinstance(message, RunChanged):
            message.fresh = message.fresh or self.fresh
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
