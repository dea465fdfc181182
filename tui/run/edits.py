"""Changes a person makes to the run by hand: parameters typed into the network pane, points
placed or removed in the predictions pane.

The change waits until no thread trains (``TrainingThread.when_idle``), replaces the run's
trainer with one that continues from the edited parameters (``neuron_core.training.edit``:
same history, initial parameters and optimizer memory, so ``r`` still resets to the start),
and tells the person the cost at the new parameters. A run that was training trains on from
them; the evaluations are dropped, so the surface, the neuron outputs and the scores are
computed afresh at once.

Points (``edit_points``) change the run's data the same way: the run goes on from its current
parameters on the new data (``neuron_core.training.edit.with_data``), so the dataset summary,
the split and the scores follow. The rule, said once more for the person: a placed point joins
the training set; Backspace removes the nearest point shown (a test point or one placed by
hand).
"""

from __future__ import annotations

from collections.abc import Sequence

from neuron_core.data.hand_points import add_point, remove_nearest
from neuron_core.training.edit import ParamEdit, edited, with_data
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


def edit_points(run: RunController, x1: float, x2: float, label: int | None) -> None:
    """Place a point of class ``label`` at (x1, x2) (the data's own units) in the training set
    of ``run``, or remove the shown point nearest to it (``label`` None), once idle."""

    def apply() -> None:
        trainer = run.trainer
        if trainer is None:
            run.notice("there is no data to change yet", "error")
            return
        data = trainer.data
        try:
            new = (
                add_point(data, x1, x2, label)
                if label is not None
                else remove_nearest(data, x1, x2)
            )
        except ValueError as exc:
            run.notice(str(exc), "error")
            return
        if new is None:
            run.notice("there is no point here that can be removed", "warning")
            return
        run.dataset = new
        run.trainer = with_data(trainer, new)
        run.evaluator.clear()
        run.rate.clear()
        run.changed()

    run.training.when_idle(apply)
