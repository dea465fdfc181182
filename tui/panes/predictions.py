"""The predictions pane: the test points by predicted class, with the learned decision boundary,
and the confusion matrix with precision and recall beside it.

Refreshed by the workspace at 1-2 Hz while training and at once when the run changes (pause,
finish, reset, new data), from the run's views (``tui.run.evaluation``); a view already drawn is
not drawn again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from tui.charts.predictions import PredictionsPlot
from tui.run.evaluation import Evaluator
from tui.views.predictions import PredictionView
from tui.widgets.confusion import ConfusionView


class PredictionsPane(Horizontal):
    """Scatter (left) and confusion matrix (right); focusable so the app's keys work here."""

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "4 Predictions"
        # The view drawn (the object itself: the evaluator hands out the same object until the
        # parameters or the plot size change).
        self._shown: PredictionView | None = None

    def compose(self) -> ComposeResult:
        yield PredictionsPlot(id="scatter")
        yield ConfusionView(id="confusion")

    def show(self, views: Evaluator) -> None:
        """Draw the latest evaluation for the plot's size (nothing to do when it is drawn
        already); before there is one, the empty plot and the "no results" hint."""
        plot = self.query_one(PredictionsPlot)
        size = (plot.size.width, plot.size.height)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        view = views.prediction_view(grid)
        ev = views.latest()
        if view is None or ev is None:
            self._shown = None
            plot.clear()
            self.query_one(ConfusionView).show(None)
            return
        if view is self._shown:
            return
        self._shown = view
        plot.show(view)
        self.query_one(ConfusionView).show(ev.test)
