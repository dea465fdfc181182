"""Undo: the run that a reset, new data or a new model replaced, kept so ``u`` brings it back.

``r`` (reset), ``g`` (new data), any other change of the data or the model, and opening a saved
run each replace the run; when the replaced run had progress, ``Undo`` keeps it and a notice says
"Reset — u to undo". ``u`` puts the kept run back exactly (it is the trainer itself: parameters,
history, iteration count, optimizer state, data, and the settings the forms show again) and keeps
the run it replaces in turn, so ``u`` again redoes. One level: a newer replacement drops the older
kept run.

A reset of a run with progress therefore starts a new trainer at the same initial parameters
(``restarted``) instead of resetting the trainer in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.training.trainer import Trainer


class _Clearable(Protocol):
    def clear(self) -> None: ...


class Run(Protocol):
    """What ``Undo`` uses of the run controller (``tui.run.controller``, which holds an
    ``Undo``: a protocol rather than an import, so the two modules form no cycle)."""

    trainer: Trainer | None
    dataset_cfg: DataConfig | None

    @property
    def rate(self) -> _Clearable: ...

    @property
    def evaluator(self) -> _Clearable: ...

    def notice(self, message: str) -> None: ...

    def changed(self, fresh: bool = False) -> None: ...

    def install(
        self, cfgs: tuple[DataConfig, ModelConfig, TrainConfig], dataset: Dataset,
        trainer: Trainer, what: str,
    ) -> None: ...  # fmt: skip


@dataclass(frozen=True)
class Kept:
    """A replaced run: its ``trainer`` (which holds its data and settings), the config its data
    was built from, and ``what`` replaced it ("Reset", "New data (seed 3)"...)."""

    what: str
    trainer: Trainer
    data_cfg: DataConfig


def restarted(trainer: Trainer) -> Trainer:
    """A new trainer on ``trainer``'s data and settings at its initial parameters, with an empty
    history: what ``trainer.reset()`` gives, leaving ``trainer`` as it is."""
    initial = [p.copy() for p in trainer.initial_params]
    fresh = Trainer(trainer.data, trainer.model_cfg, trainer.train_cfg, params=initial)
    fresh.restore(initial, "ready", "", 0.0)
    return fresh


class Undo:
    """The kept run of ``run`` (the run controller); see the module docstring."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self.kept: Kept | None = None

    def keep(self, what: str, *, tell: bool = True) -> bool:
        """Keep the controller's current run before ``what`` replaces it (call once idle), if it
        has progress and is not kept already; ``tell``: say so, and that ``u`` undoes it."""
        trainer, data_cfg = self._run.trainer, self._run.dataset_cfg
        if trainer is None or data_cfg is None or trainer.iteration == 0:
            return False
        if self.kept is not None and self.kept.trainer is trainer:
            return False
        self.kept = Kept(what, trainer, data_cfg)
        if tell:
            self._run.notice(f"{what} — u to undo (brings back iteration {trainer.iteration:,})")
        return True

    def reset(self) -> None:
        """``r``, once idle: back to the initial parameters with the same data and an empty
        history; a run with progress is kept (a new trainer takes its place)."""
        run = self._run
        if run.trainer is None:
            return
        if self.keep("Reset"):
            run.trainer = restarted(run.trainer)
        else:
            run.trainer.reset()
        run.rate.clear()
        run.evaluator.clear()
        run.changed(fresh=True)

    def undo(self) -> str | None:
        """``u``: put the kept run back (the current one is kept in turn, so ``u`` redoes);
        what to tell the person, or None when nothing is kept."""
        kept, self.kept = self.kept, None
        if kept is None:
            return None
        t = kept.trainer
        current = self._run.trainer
        redo = " — u to redo" if current is not None and current.iteration > 0 else ""
        self._run.install((kept.data_cfg, t.model_cfg, t.train_cfg), t.data, t, "Undo")
        return f"Undone ({kept.what.lower()}): back at iteration {t.iteration:,}{redo}"
