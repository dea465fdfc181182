"""The predictions pane: the test points by predicted class, with the learned decision boundary,
and the confusion matrix with precision and recall beside it.

Refreshed by the app at 1-2 Hz while training and at once when the run changes (pause, finish,
reset, new data); a refresh for the same parameters is skipped.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from neuron_core.training.trainer import Trainer
from tui.charts.predictions import PredictionsPlot
from tui.run.evaluation import Evaluation, prediction_view
from tui.widgets.confusion import ConfusionView


class PredictionsPane(Horizontal):
    """Scatter (left) and confusion matrix (right); focusable so the app's keys work here."""

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "4 Predictions"
        # The evaluation drawn and the plot size it was drawn for. The object itself, not its
        # id(): a freed evaluation's id can come back for the next one (after new data, both
        # at iteration 0), which would leave the old scatter on screen.
        self._shown: tuple[Evaluation, tuple[int, int]] | None = None

    def compose(self) -> ComposeResult:
        yield PredictionsPlot(id="scatter")
        yield ConfusionView(id="confusion")

    def show(self, trainer: Trainer | None, ev: Evaluation | None) -> None:
        """Draw the evaluated parameters (nothing to do when the same ones are shown); with no
        trainer or no evaluation, the empty plot and the "no results" hint."""
        plot = self.query_one(PredictionsPlot)
        if trainer is None or ev is None:
            self._shown = None
            plot.clear()
            self.query_one(ConfusionView).show(None)
            return
        size = (plot.size.width, plot.size.height)
        shown = self._shown
        if shown is not None and shown[0] is ev and shown[1] == size:
            return
        self._shown = (ev, size)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        plot.show(prediction_view(trainer, ev, grid))
        self.query_one(ConfusionView).show(ev.test)
