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

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.charts.point_cursor import CURSOR_MARK, HAND_MARKS, PointsPlot
from tui.charts.predictions import PredictionsPlot
from tui.messages import PointEdited
from tui.run.evaluation import Evaluator
from tui.views.predictions import PredictionView
from tui.widgets.confusion import ConfusionView


class PredictionsPane(Horizontal):
    """Scatter (left) and confusion matrix (right); focusable so the app's keys work here."""

    can_focus = True
    # The point cursor (``tui.charts.point_cursor``): the arrows show and move it while the pane
    # has the focus, o / x place a point of class 0 / 1 there, Backspace removes the nearest
    # one, Escape hides it (and leaving the pane does).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move_point(-1, 0)", "Points", key_display="←↑↓→",
                tooltip="Predictions: a cursor to place points by hand (o, x; Backspace removes)",
                id="points.left"),
        Binding("right", "move_point(1, 0)", "Point right", show=False, id="points.right"),
        Binding("up", "move_point(0, -1)", "Point up", show=False, id="points.up"),
        Binding("down", "move_point(0, 1)", "Point down", show=False, id="points.down"),
        Binding("o", "place_point(0)", "class 0", tooltip="Place a point of class 0 at the cursor "
                "(it joins the training set)", id="points.class-0"),
        Binding("x", "place_point(1)", "class 1", tooltip="Place a point of class 1 at the cursor "
                "(it joins the training set)", id="points.class-1"),
        Binding("backspace", "remove_point", "remove", key_display="⌫",
                tooltip="Remove the point nearest to the cursor", id="points.remove"),
        Binding("escape", "hide_points", "Hide cursor", tooltip="Hide the point cursor",
                id="points.hide"),
    ]  # fmt: skip

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
        yield PointsPlot(id="scatter")
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
        self._cursor_changed()
        self.query_one(ConfusionView).show(ev.test)

    # -- the point cursor ------------------------------------------------------------------------
    @property
    def placing(self) -> bool:
        """True while the point cursor is shown (its keys are in the footer)."""
        return self.query_one(PointsPlot).cursor is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        plot = self.query_one(PointsPlot)
        if action == "move_point":
            return plot.placeable
        if action in ("place_point", "remove_point", "hide_points"):
            return plot.cursor is not None and plot.placeable
        return True

    def action_move_point(self, dx: int, dy: int) -> None:
        """Arrows: show the cursor (at the centre), then move it a cell."""
        plot = self.query_one(PointsPlot)
        shown = plot.cursor is not None
        plot.move_cursor(dx, dy)
        if not shown:
            self._cursor_changed()

    def action_place_point(self, label: int) -> None:
        """o / x: a point of class ``label`` at the cursor."""
        at = self.query_one(PointsPlot).cursor_point()
        if at is not None:
            self.post_message(PointEdited(at[0], at[1], label))

    def action_remove_point(self) -> None:
        """Backspace: remove the point nearest to the cursor."""
        at = self.query_one(PointsPlot).cursor_point()
        if at is not None:
            self.post_message(PointEdited(at[0], at[1], None))

    def action_hide_points(self) -> None:
        """Escape: hide the cursor."""
        self.query_one(PointsPlot).hide_cursor()
        self._cursor_changed()

    def on_click(self) -> None:
        # A click on the plot shows the cursor there (``PointsPlot.on_click``).
        self.call_after_refresh(self._cursor_changed)

    def on_blur(self) -> None:
        # Leaving the pane hides the cursor (its keys go with the focus).
        self.query_one(PointsPlot).hide_cursor()
        self._cursor_changed()

    def _cursor_changed(self) -> None:
        """The pane's subtitle names the cursor's mark while it is shown, and the footer's
        keys follow."""
        plot = self.query_one(PointsPlot)
        view = plot.view
        parts = [f"{CURSOR_MARK} cursor"] if plot.cursor is not None else []
        if view is not None and view.hand is not None and view.hand.shape[1]:
            parts.append(f"{' '.join(HAND_MARKS)} placed by hand")
        self.border_subtitle = "  ".join(parts)
        self.refresh_bindings()

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
