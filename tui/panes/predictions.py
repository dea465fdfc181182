"""The predictions pane: the test points by predicted class, with the learned decision boundary,
and the confusion matrix with precision and recall beside it; under the matrix, the plot's
legend one entry a line when the plot's title row is too narrow to give every glyph its words
(the same words, ``glyphs.WORDS``).

Refreshed by the workspace at 1-2 Hz while training and at once when the run changes (pause,
finish, reset, new data), from the run's views (``tui.run.evaluation``); a view already drawn is
not drawn again. The view depends on the plot's size (the surface is sampled once per cell), so
the pane draws again whenever it is resized: a pane shown after training elsewhere (the plot had
no size while it was hidden, so it got a view without surface), a terminal resize, a layout
switch.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

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
        # The run's views last shown (redrawn from on resize).
        self._views: Evaluator | None = None
        self._legend = ""  # the words beside the plot last shown

    def compose(self) -> ComposeResult:
        yield PredictionsPlot(id="scatter")
        with Vertical(id="predictions-side"):
            yield ConfusionView(id="confusion")
            yield Static(id="plot-legend")

    def show(self, views: Evaluator) -> None:
        """Draw the latest evaluation for the plot's size (nothing to do when it is drawn
        already); before there is one, the empty plot and the "no results" hint."""
        self._views = views
        plot = self.query_one(PredictionsPlot)
        size = (plot.size.width, plot.size.height)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        view = views.prediction_view(grid)
        ev = views.latest()
        # The legend is known once the plot is built for its size (now, or at its next render).
        self.call_after_refresh(self._show_legend)
        if view is None or ev is None:
            self._shown = None
            plot.clear()
            self.query_one(ConfusionView).show(None)
            return
        if view is self._shown:
            return
        # Hidden (no size yet): drawn, but not taken as shown, so the first resize (the pane
        # coming into view) draws the view made for the real size, surface included.
        self._shown = view if grid is not None else None
        plot.show(view)
        self.query_one(ConfusionView).show(ev.test)

    def on_resize(self) -> None:
        # Shown for the first time or resized: the plot has its new size only after this
        # layout, so the view for it is fetched after the refresh.
        self.call_after_refresh(self._redraw)

    def _show_legend(self) -> None:
        plot = self.query_one(PredictionsPlot)
        entries = [] if plot.legend_complete else plot.legend_entries
        text = "\n".join(f"{glyph} {words}" for _, glyph, words in entries)
        if text == self._legend:
            return  # every redraw while training asks; repainting the same words costs output
        self._legend = text
        legend = self.query_one("#plot-legend", Static)
        legend.update(Text(text))
        legend.display = bool(entries)

    def _redraw(self) -> None:
        if self._views is not None and self.is_attached:
            self.show(self._views)
