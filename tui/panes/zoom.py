"""Zoom: the chart a person is looking at gets the whole screen (key ``z``; ``z`` or Escape gives
it back; "Maximize" in the palette does the same).

Which chart: the one of the focused pane (cost chart, predictions plot, the network pane's neuron
output); else, in the tab layout, the visible pane's; else the chart of the last chart pane shown
(a form pane has no chart of its own). The screen's ``maximized`` holds the chart, so Textual lays
it out alone above the footer (and Escape minimizes, before any binding); the workspace watches
``maximized`` to follow every way in and out: while a chart is zoomed only its pane counts as
visible (the others are not redrawn), the chart itself has the focus (Textual blurs a widget
that is hidden, and the panes are, behind the zoom; the keys go from the chart up through its
pane to the app, so the arrow keys reach the cost chart's cursor), and on the way back the focus
returns to where it was. The charts redraw at their new size on their own (``ChartPlot.render``);
the views that are computed for a size (the decision surfaces) are asked for again after the new
layout.

Not through ``Screen.maximize``: it sets a class on the screen, and a class change restyles every
widget under it (the app's ~210; 100-200 ms of the UI thread per ``z`` and per unzoom, where a
pane switch costs 30-60). ``open`` sets ``maximized`` without its watcher (so without that class)
and gives the chart alone the ``-zoomed`` class that sizes it (``app.tcss``); Textual's own
``minimize`` (Escape) finds no class to take off the screen, so giving the chart back restyles
nothing but the chart either.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen
from textual.widget import Widget

from tui.charts.base import ChartPlot

# The class of the zoomed chart (``app.tcss`` sizes it to the screen).
ZOOMED = "-zoomed"
# The panes with a chart, and the chart's DOM id.
CHARTS: dict[str, str] = {
    "training": "#cost-chart",
    "predictions": "#scatter",
    "network": "#neuron-plot",
}


class Zoom:
    """The zoom state of the workspace: ``pane`` (the zoomed chart's pane, or None) and ``last``
    (the last chart pane shown). ``pane_of(name)`` gives a pane widget; ``focus_target(name)``
    the widget of a pane that takes the focus (where it goes back to when nothing else can)."""

    def __init__(
        self, pane_of: Callable[[str], Widget], focus_target: Callable[[str], Widget]
    ) -> None:
        self._pane_of = pane_of
        self._focus_target = focus_target
        self.pane: str | None = None
        self.last = "training"
        self._before: Widget | None = None

    def chart(self, pane: str) -> ChartPlot:
        """The chart widget of ``pane`` (one of ``CHARTS``)."""
        return self._pane_of(pane).query_one(CHARTS[pane], ChartPlot)

    def pane_holding(self, widget: Widget | None) -> str | None:
        """The chart pane ``widget`` is in (or is), if any."""
        if widget is None:
            return None
        for pane in CHARTS:
            if self._pane_of(pane) in widget.ancestors_with_self:
                return pane
        return None

    def target(
        self, focused: Widget | None, visible: Callable[[str], bool], tab: str | None
    ) -> str:
        """The chart pane to zoom: the focused one (if on screen), else the tab shown (``tab``,
        None in the wide layout) if it has a chart, else the last chart pane shown."""
        pane = self.pane_holding(focused)
        if pane is not None and visible(pane):
            return pane
        if tab in CHARTS:
            return tab
        return self.last

    def open(self, screen: Screen[object], pane: str) -> None:
        """Zoom the chart of ``pane`` on ``screen``; the chart takes the focus."""
        chart = self.chart(pane)
        self._before = screen.focused
        # What ``screen.maximize(chart)`` does, but for the screen's class (see the docstring).
        chart.add_class(ZOOMED)
        screen.set_reactive(Screen.maximized, chart)
        screen.refresh(layout=True)
        self.pane = self.last = pane
        chart.can_focus = True
        chart.focus()

    def closed(self) -> None:
        """After the zoom ended (any way): the focus goes back to where it was (or to the
        chart's pane), and the chart takes no focus any more."""
        pane, self.pane = self.pane, None
        before, self._before = self._before, None
        if before is None or not before.is_attached:
            before = self._focus_target(pane or self.last)
        before.focus()
        if pane is not None:
            chart = self.chart(pane)
            chart.can_focus = False
            chart.remove_class(ZOOMED)
