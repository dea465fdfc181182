"""Where the parts of a chart go: the plot area, its frame, the ticks and their labels, the title
and the axis labels, laid out as plotext 5 lays them out (the charts looked like this when
plotext drew them, and the tests read the plot area from the frame's corners).

From the top of a ``width`` x ``height`` chart::

    title row            the title (the legend), centred over the plot area
    ┌───────────┐        the frame's top line
    label ┤.....│        y tick labels right-aligned, ``┤`` at each tick, the plot area, ``│``
    └──┬────────┘        the frame's bottom line, ``┬`` at each x tick whose label fits
      label              x tick labels centred under their tick, moved in from the edges
    ylabel   xlabel      the y axis label from column 0, the x label centred under the area

An empty title or axis label (None here) gives up its row. A label that would touch another is
left out (and an x tick without a label gets no ``┬``). Rows are counted from the bottom, as in
``grid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui.charts.grid import Grid
from tui.charts.raster import to_bins

Ticks = Sequence[tuple[float, str]]


@dataclass(frozen=True)
class Area:
    """The plot area: its first column and first row (from the bottom) in the chart, and its
    size in cells. ``cols`` or ``rows`` may be zero or less in a chart too small to plot in."""

    col: int
    row: int
    cols: int
    rows: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(first column, first row, columns, rows)."""
        return self.col, self.row, self.cols, self.rows


def plot_area(
    size: tuple[int, int], title: bool, low_bar: bool, xticks: Ticks, yticks: Ticks
) -> Area:
    """The plot area of a chart of ``size`` = (width, height) with a title row or not, a row of
    axis labels (``low_bar``) or not, and these ticks: the frame takes a line on each side, the
    x tick labels a row (if there are any), the y tick labels their widest label's columns."""
    width, height = size
    label_width = max((len(label) for _, label in yticks), default=0)
    tick_row = 1 if xticks else 0
    cols = width - 2 - label_width
    rows = height - 2 - tick_row - int(title) - int(low_bar)
    return Area(label_width + 1, int(low_bar) + tick_row + 1, cols, rows)


def centred(grid: Grid, col: int, row: int, text: str, style: int) -> bool:
    """Write ``text`` centred on column ``col`` of ``row`` if it fits in the grid with a blank
    cell either side; returns whether it was written."""
    start = col - len(text) // 2
    return fitted(grid, start, row, text, style)


def fitted(grid: Grid, start: int, row: int, text: str, style: int) -> bool:
    """Write ``text`` from column ``start`` of ``row`` if it fits in the grid and the cells it
    takes, and one either side, are blank; returns whether it was written."""
    if not 0 <= row < grid.height:
        return False
    if start < 0 or start + len(text) > grid.width:
        return False
    if not grid.blank(start - 1 if start > 0 else 0, row, len(text) + 1 + (start > 0)):
        return False
    grid.put(start, row, text, style)
    return True


def label_start(grid: Grid, row: int, label: str, col: int) -> int:
    """Where a label for column ``col`` starts: centred on ``col``, moved so that it keeps within
    the blank cells around ``col`` and inside the row (plotext's "dynamic" alignment)."""
    n = len(label)
    lo = max(col - n + 1, 0)
    hi = max(min(col + n, grid.width - 1), lo)
    free = np.flatnonzero(grid.chars[row, lo:hi] == ord(" ")) + lo
    first = int(free[0]) if len(free) else col - n + 1
    last = int(free[-1]) if len(free) else col + n
    return (last + first - n + 1) // 2


def draw_frame(
    grid: Grid,
    area: Area,
    texts: tuple[str | None, str | None, str | None],
    ticks: tuple[Ticks, Ticks],
    limits: tuple[float, float, float, float],
    style: int,
) -> None:
    """Draw the frame of ``area`` on ``grid`` with its ticks, tick labels, ``texts`` = (title,
    x label, y label) (None: none) and ``ticks`` = (x ticks, y ticks), (value, label) pairs on
    axes spanning ``limits`` = (xlo, xhi, ylo, yhi), all in grid style ``style``."""
    title, xlabel, ylabel = texts
    xticks, yticks = ticks
    xlo, xhi, ylo, yhi = limits
    col, row, cols, rows = area.box
    end_col, end_row = col + cols, row + rows
    centre = col + cols // 2
    if title:
        centred(grid, centre, end_row + 1, title, style)
    # X tick labels, left to right; a tick gets its ``┬`` only if its label fits.
    tick_row = min(row - 2, grid.height - 1)
    xcells = to_bins(np.array([v for v, _ in xticks]), xlo, xhi, cols).tolist()
    shown = []
    for cell, (_, label) in zip(xcells, xticks if tick_row >= 0 else (), strict=False):
        at = col + int(cell)
        if fitted(grid, label_start(grid, tick_row, label, at), tick_row, label, style):
            shown.append(int(cell))
    if rows >= -1:
        grid.put(col, end_row, "─" * cols, style)
    # Y tick labels, right-aligned in the columns left of the frame.
    width = max((len(label) for _, label in yticks), default=0)
    ycells = to_bins(np.array([v for v, _ in yticks]), ylo, yhi, rows).tolist()
    if grid.width >= width:
        for cell, (_, label) in zip(ycells, yticks, strict=True):
            grid.put(0, row + int(cell), label.rjust(width), style)
    if grid.width >= width + 1:
        grid.put_column(width, row, _marks(rows, ycells, "│", "┤"), style)
    if grid.width >= width + 2:
        grid.put_column(end_col, row, "│" * max(rows, 0), style)
    if rows >= 0 and cols >= 0:
        for c, r, corner in ((col - 1, row - 1, "└"), (end_col, row - 1, "┘"),
                             (col - 1, end_row, "┌"), (end_col, end_row, "┐")):  # fmt: skip
            if 0 <= c < grid.width:
                grid.put(c, r, corner, style)
    if rows >= -1:
        grid.put(col, row - 1, _marks(cols, shown, "─", "┬"), style)
    if ylabel:
        fitted(grid, 0, 0, ylabel, style)
    if xlabel:
        centred(grid, centre, 0, xlabel, style)


def _marks(n: int, at: Sequence[float], line: str, tick: str) -> str:
    """``n`` cells of ``line`` with ``tick`` at the cells ``at`` (those in 0..n-1)."""
    cells = [line] * max(n, 0)
    for a in at:
        if 0 <= a < n:
            cells[int(a)] = tick
    return "".join(cells)


def draw_note(grid: Grid, area: Area, text: str, cell: tuple[int, int], style: int) -> None:
    """Write ``text`` centred on the plot cell ``cell`` = (column, row) of ``area`` (one line
    per line of the text, going down), only where it falls inside the plot area."""
    col, row, cols, rows = area.box
    for i, line in enumerate(text.split("\n")):
        r = row + cell[1] - i
        if not row <= r < row + rows:
            continue
        start = col + cell[0] - len(line) // 2
        a, b = max(start, col), min(start + len(line), col + cols)
        if a < b:
            grid.put(a, r, line[a - start : b - start], style)
