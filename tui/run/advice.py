"""Advice about a finished run, told once: a CSV classifier no better than the majority class.

The CLI prints the same advice with its results (``tui.cli.run``); the words and the test are
the engine's (``neuron_core.metrics.majority_note``).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from neuron_core.metrics import ClassificationReport, majority_note

if TYPE_CHECKING:
    from tui.run.controller import RunController

# The endings after which a run is judged (a diverged one already says why it stopped).
JUDGED = frozenset({"completed", "target_reached", "early_stopped"})


class RunAdvice:
    """Says, once per finished run, what went wrong in a known way (see the module docstring)."""

    def __init__(self) -> None:
        # The run last judged: (its trainer, weakly, so a replaced run is freed; its iteration).
        self._judged: tuple[weakref.ref[object], int] | None = None

    def check(self, controller: RunController) -> str | None:
        """The advice about the controller's run if it has just finished and needs some."""
        trainer, cfg = controller.trainer, controller.dataset_cfg
        if trainer is None or cfg is None or controller.running or trainer.status not in JUDGED:
            return None
        if cfg.source != "csv":
            return None
        judged = self._judged
        if judged is not None and judged[0]() is trainer and judged[1] == trainer.iteration:
            return None
        evaluation = controller.evaluate()
        if evaluation is None or not isinstance(evaluation.train, ClassificationReport):
            return None
        self._judged = (weakref.ref(trainer), trainer.iteration)
        how = "standardize: yes, in the dataset pane"
        return majority_note(evaluation.train, trainer.data.class_names, cfg.standardizes, how)
