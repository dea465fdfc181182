"""The predictions plot with the points placed by hand and a cursor to place them.

``PointsPlot`` is the predictions pane's scatter (``PredictionsPlot``) plus two things, drawn
over everything else and readable without colour:

========================  =========  ==========================================================
what                      character  notes
========================  =========  ==========================================================
placed by hand, class 0   ``O``      bold; training points (the test points are ``o x !``)
placed by hand, class 1   ``X``      bold
the cursor                ``╋``      bold, the theme's warning colour; ``#`` without Unicode
========================  =========  ==========================================================

The cursor sits on a cell of the plot area: ``move_cursor`` moves it one cell (and shows it at
the centre the first time), a click puts it under the mouse, ``hide_cursor`` hides it.
``cursor_point()`` is the cursor's position in the data's own units (the axes' values at the
centre of that cell): where a point is placed or the nearest one removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from textual import events

from tui.charts.base import estimate_area
from tui.charts.predictions import PredictionsPlot
from tui.charts.sketch import Sketch

CURSOR_MARK = "╋"
CURSOR_ASCII = "#"
HAND_MARKS = ("O", "X")  # class 0, class 1

# (xlo, xhi, ylo, yhi, columns, rows) of the plot area last sketched.
Grid = tuple[float, float, float, float, int, int]


class PointsPlot(PredictionsPlot):
    """The predictions scatter with hand-placed points and the cursor (see the module
    docstring)."""

    ROLES: ClassVar[Mapping[str, str]] = {**PredictionsPlot.ROLES, "cursor": "warning"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The cursor's cell (column, row from the top of the plot area), or None when hidden.
        self.cursor: tuple[int, int] | None = None
        self._grid: Grid | None = None

    @property
    def placeable(self) -> bool:
        """Whether points may be placed on the data shown (two features, two classes)."""
        view = self.view
        return view is not None and view.placeable and self._grid is not None

    def move_cursor(self, dx: int, dy: int) -> None:
        """Move the cursor ``dx`` columns right and ``dy`` rows down (clamped to the plot
        area); a hidden cursor appears at the centre instead."""
        grid = self._grid
        if grid is None:
            return
        cols, rows = grid[4], grid[5]
        if self.cursor is None:
            self.cursor = (cols // 2, rows // 2)
        else:
            col, row = self.cursor
            self.cursor = (min(max(col + dx, 0), cols - 1), min(max(row + dy, 0), rows - 1))
        self._update()

    def hide_cursor(self) -> None:
        """Hide the cursor."""
        if self.cursor is not None:
            self.cursor = None
            self._update()

    def cursor_point(self) -> tuple[float, float] | None:
        """The cursor's position in the data's units, or None when it is hidden."""
        grid, cursor = self._grid, self.cursor
        if grid is None or cursor is None:
            return None
        xlo, xhi, ylo, yhi, cols, rows = grid
        col, row = min(cursor[0], cols - 1), min(cursor[1], rows - 1)
        x = xlo + col * (xhi - xlo) / max(cols - 1, 1)
        y = yhi - row * (yhi - ylo) / max(rows - 1, 1)
        return float(x), float(y)

    def on_click(self, event: events.Click) -> None:
        """A click on the plot area puts the cursor there (when points can be placed)."""
        area = self.plot_area
        if area is None or not self.placeable:
            return
        col, row = event.x - area.x, event.y - area.y
        if 0 <= col < area.width and 0 <= row < area.height:
            self.cursor = (col, row)
            self._update()

    def sketch(self, width: int, height: int) -> Sketch | None:
        sk = super().sketch(width, height)
        view = self.view
        if sk is None or view is None:
            self._grid = None
            return sk
        args = {call.method: call.args for call in sk.calls}
        if "xlim" not in args or "yticks" not in args:
            self._grid = None
            return sk
        (xlo, xhi), (ylo, yhi) = args["xlim"], args["ylim"]
        ylabel_width = max((len(label) for label in args["yticks"][1]), default=0)
        cols, rows = estimate_area(width, height, ylabel_width)
        self._grid = (float(xlo), float(xhi), float(ylo), float(yhi), cols, rows)
        colors = self.role_colors()
        hand = view.hand
        if hand is not None and hand.shape[0] == 3:
            for label, mark in enumerate(HAND_MARKS):
                mine = hand[2] == float(label)
                role = f"class{label}"
                sk.points(hand[0, mine], hand[1, mine], mark, colors[role], bold=True)
        at = self.cursor_point() if view.placeable else None
        if at is not None:
            mark = CURSOR_MARK if self.unicode else CURSOR_ASCII
            sk.points(np.array([at[0]]), np.array([at[1]]), mark, colors["cursor"], bold=True)
        return sk
