"""The mouse on the cost chart: a click shows the cursor there, a move drags it, leaving hides it.

``MouseCursor`` is the part of ``CostChart`` (``tui.charts.cost_chart``) that turns mouse events
into calls on its cursor (``show_cursor``, ``hide_cursor``); the keys reach the same calls
through the app (``tui.app_views``).
"""

from __future__ import annotations

from typing import Protocol

from textual import events
from textual.geometry import Region

from tui.charts.cost_cursor import column_iteration


class _Cursorable(Protocol):
    """What ``MouseCursor`` needs of the chart it is part of."""

    cursor: int | None

    @property
    def plot_area(self) -> Region | None: ...

    def x_range(self) -> tuple[int, int]: ...

    def show_cursor(self, iteration: int) -> None: ...

    def hide_cursor(self) -> None: ...


class MouseCursor:
    """The mouse handlers of the cost chart (see the module docstring)."""

    def on_click(self: _Cursorable, event: events.Click) -> None:
        """A click puts the cursor under the mouse (and, once shown, it follows the mouse)."""
        _mouse_at(self, event.x, show=True)

    def on_mouse_move(self: _Cursorable, event: events.MouseMove) -> None:
        _mouse_at(self, event.x, show=False)

    def on_leave(self: _Cursorable, event: events.Leave) -> None:
        """The mouse leaving the chart hides the cursor."""
        node: object = event.node
        if node is self:
            self.hide_cursor()


def _mouse_at(chart: _Cursorable, x: int, show: bool) -> None:
    area = chart.plot_area
    if area is not None and (show or chart.cursor is not None):
        chart.show_cursor(column_iteration(x - area.x, area.width, chart.x_range()))
