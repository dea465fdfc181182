"""The cost chart's cursor: the iteration it points at, the costs the history holds there, and
the readout line that shows them.

The cursor is an iteration of the history (0..n-1), moved by the arrow keys one plot column at
a time or put under the mouse. The chart marks it with a vertical line and replaces its legend
line with the readout: the iteration, its training cost, and the test cost measured last at or
before it (the test cost is measured every few iterations; its own iteration is shown when it
differs). Values come from the live history itself, never from the decimated copies, so the
readout is exactly what the run recorded.

Plain data and NumPy: no widget here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui.charts.base import fit_text

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

MARK = "│"
MARK_ASCII = "|"


@dataclass(frozen=True)
class Readout:
    """What the history holds at the cursor: ``train`` is the training cost of ``iteration``;
    ``test`` the test cost measured at ``test_iteration`` (the last measurement at or before
    ``iteration``), both None when there is none yet."""

    iteration: int
    train: float
    test: float | None
    test_iteration: int | None


def read_at(train: F64, test_iters: I64, test_costs: F64, iteration: int) -> Readout:
    """The readout at ``iteration`` (0 <= iteration < n) of the history: ``train`` (n,) the cost
    of every iteration, ``test_costs`` (k,) measured at the increasing ``test_iters`` (k,)."""
    k = int(np.searchsorted(test_iters, iteration, side="right")) - 1
    if k < 0:
        return Readout(iteration, float(train[iteration]), None, None)
    return Readout(iteration, float(train[iteration]), float(test_costs[k]), int(test_iters[k]))


def format_cost(value: float | None) -> str:
    """A cost to six significant digits (as recorded, rounded for display); "—" for none."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def readout_text(r: Readout, width: int) -> str:
    """The readout line for ``width`` columns: the longest of the variants that fits."""
    train, test = format_cost(r.train), format_cost(r.test)
    at = ""
    if r.test_iteration is not None and r.test_iteration != r.iteration:
        at = f" (at {r.test_iteration:,})"
    it = f"{r.iteration:,}"
    return fit_text(
        [
            f"{MARK} iteration {it}   train cost {train}   test cost {test}{at}",
            f"{MARK} iteration {it} · train {train} · test {test}{at}",
            f"{MARK} it {it} · train {train} · test {test}",
            f"it {it} train {train} test {test}",
            f"it {it} tr {train} te {test}",
            f"{it} {train} {test}",
            f"it {it} {train}",
        ],
        width,
    )


def column_iteration(column: int, columns: int, x_range: tuple[int, int]) -> int:
    """The iteration at plot column ``column`` (0..columns-1) of an x axis ``x_range`` drawn
    over ``columns`` cells, whose limits sit in the middle of the first and of the last cell
    (as the renderer places them; see ``axes.to_cells``)."""
    lo, hi = x_range
    if columns < 2:
        return lo
    column = min(max(column, 0), columns - 1)
    return round(lo + column * (hi - lo) / (columns - 1))


def iteration_column(iteration: int, columns: int, x_range: tuple[int, int]) -> int:
    """The plot column (0..columns-1) where ``iteration`` is drawn (the inverse of
    ``column_iteration``: the nearest column centre)."""
    lo, hi = x_range
    if columns < 2 or hi <= lo:
        return 0
    return min(max(round((iteration - lo) * (columns - 1) / (hi - lo)), 0), columns - 1)


def step_columns(iteration: int, columns: int, cells: int, x_range: tuple[int, int]) -> int:
    """The iteration ``columns`` plot columns away from ``iteration`` on an axis of ``cells``
    columns (at least one iteration away): an arrow key moves the mark by one column."""
    col = iteration_column(iteration, cells, x_range)
    target = column_iteration(col + columns, cells, x_range)
    if columns and (target - iteration) * columns <= 0:
        target = iteration + (1 if columns > 0 else -1)
    return target


def clamp(iteration: int, n: int, x_range: tuple[int, int]) -> int | None:
    """``iteration`` moved into the history (0..n-1) and the view's x range; None when the
    history is empty."""
    if n <= 0:
        return None
    lo = min(max(x_range[0], 0), n - 1)
    return min(max(iteration, lo), n - 1)
