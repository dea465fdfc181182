"""Changes a person makes to the run by hand: parameters typed into the network pane.

The change waits until no thread trains (``TrainingThread.when_idle``), replaces the run's
trainer with one that continues from the edited parameters (``neuron_core.training.edit``:
same history, initial parameters and optimizer memory, so ``r`` still resets to the start),
and tells the person the cost at the new parameters. A run that was training trains on from
them; the evaluations are dropped, so the surface, the neuron outputs and the scores are
computed afresh at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from neuron_core.training.edit import ParamEdit, edited
from tui.run.controller import RunController


def edit_params(run: RunController, edits: Sequence[ParamEdit], label: str) -> None:
    """Apply ``edits`` to the parameters of ``run`` (the run controller) once idle; ``label``
    names the neuron for the notice (``h1.2``)."""
    if not edits:
        return

    def apply() -> None:
        trainer = run.trainer
        if trainer is None:
            run.notice("there is no model to edit yet", "error")
            return
        try:
            new, cost = edited(trainer, edits)
        except ValueError as exc:
            run.notice(f"{label}: {exc}", "error")
            return
        run.trainer = new
        run.evaluator.clear()
        run.rate.clear()
        what = "parameter" if len(edits) == 1 else "parameters"
        run.notice(f"{label}: {len(edits)} {what} set; cost now {cost:.6g}")
        run.changed()

    run.training.when_idle(apply)
