"""The pinned curves on the cost chart: their x span, their y values, markers and legend.

``PinLayer`` is the part of ``CostChart`` (``tui.charts.cost_chart``) that draws the pinned
runs (``tui.run.pins``): each as its digit marker, one per cell along its min/max per column
(``column_extrema``), under the live training line so that line stays on top. With pins the
full view spans at least the longest pinned run, so the current run races them on a fixed
axis; the legend row then names the current run "now" and each pin by what differs from it.

Plain data and NumPy: no widget here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import snap, to_cells
from tui.charts.base import fit_text
from tui.charts.cost_axes import TEST_MARK
from tui.charts.decimate import column_extrema
from tui.charts.glyphs import Entry, entries_shown, legend
from tui.charts.sketch import Color, Sketch
from tui.run.pins import Pin

F64 = NDArray[np.float64]


@dataclass
class PinLayer:
    """The pinned runs the chart shows, each with its label (``pin_label``), oldest first."""

    shown: list[tuple[Pin, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.shown)

    @property
    def span(self) -> int:
        """The iterations of the longest pinned run (0 without pins)."""
        return max((pin.length for pin, _ in self.shown), default=0)

    def widen(self, x_range: tuple[int, int], recent: bool) -> tuple[int, int]:
        """The full view's x range made to span every pinned run too (the recent view, which
        follows the current run, as it is)."""
        if recent or not self.shown:
            return x_range
        return x_range[0], max(x_range[1], self.span - 1)

    def values(self, xlo: float, xhi: float) -> list[F64]:
        """The pinned costs within the iterations ``xlo..xhi``, for the y limits."""
        out = []
        for pin, _ in self.shown:
            inside = (pin.iters >= xlo) & (pin.iters <= xhi) & np.isfinite(pin.costs)
            out.append(pin.costs[inside])
        return out

    def draw(
        self,
        sk: Sketch,
        box: tuple[float, float, float, float],
        cells: tuple[int, int],
        to_axis: Callable[[F64], F64],
        color: Color,
    ) -> None:
        """Each pin's marker once per cell its curve passes, within ``box`` (xlo, xhi, ylo,
        yhi) on (columns, rows) cells; costs off the y range are left out, not clipped."""
        xlo, xhi, lo, hi = box
        cols, rows = cells
        for pin, _ in self.shown:
            inside = (pin.iters >= xlo) & (pin.iters <= xhi)
            x, y = column_extrema(pin.iters[inside], to_axis(pin.costs[inside]), xlo, xhi, cols)
            keep = (y >= lo) & (y <= hi)
            x, y = x[keep], y[keep]
            if not x.shape[0]:
                continue
            # One marker per cell, at the cell's middle: a poll that moves nothing on screen
            # leaves the sketch as it was.
            _, first = np.unique(to_cells(x, xlo, xhi, cols) * rows + to_cells(y, lo, hi, rows),
                                 return_index=True)  # fmt: skip
            first.sort()
            sk.points(snap(x[first], xlo, xhi, cols), snap(y[first], lo, hi, rows), pin.mark,
                      color)  # fmt: skip

    def legend(self, width: int, sample: str, modes: list[str]) -> str:
        """The legend row with pins: ``⠤⠤ now  1 gd lr 0.1  2 adam ...  × test``, the view's
        ``modes`` after it when they fit. Short of room, the test cost's entry goes first (its
        markers are the ``×`` of every chart here), then words by ``glyphs.legend``."""
        entries: list[Entry] = [("boundary", sample, "now")]
        entries += [("pin", pin.mark, label) for pin, label in self.shown]
        test: Entry = ("test", TEST_MARK, "test")
        full = legend([*entries, test], width)
        if not entries_shown(full, entries):
            without = legend(entries, width)
            full = without if entries_shown(without, entries) else full
        if modes:
            return fit_text([f"{full}  · {', '.join(modes)}", full], width)
        return full
