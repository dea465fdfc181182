"""Axis arithmetic of the charts: nice limits and ticks, tick labels, lines clipped to a box.

- ``nice_step``, ``nice_up``, ``ticks_between``: limits and ticks in 1-2-2.5-5 steps, so the
  labels are round numbers;
- ``format_tick``, ``format_count``: labels rounded for display (``0.25``, ``2.5k``, ``10M``);
- ``to_cells``, ``cell_centres``, ``snap``: which of n cells along an axis a value falls in, the
  value in the middle of each cell, a value moved there (for the data reduction: one point per
  cell, a sketch that changes only when the picture does);
- ``clip_line``: the part of a line a*x + b*y + c = 0 inside the plotted box (the decision
  boundary, the true line); ``dashes``: points on it in every other cell along its length.

Pure Python and NumPy: no Textual, Rich or plotext here.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float) -> float:
    """The smallest step of the form {1, 2, 2.5, 5} x 10^k that is >= ``span`` (> 0)."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(span))
    for s in _STEPS:
        if s * base >= span * (1 - 1e-12):
            return s * base
    return 10.0 * base


def nice_up(n: float) -> int:
    """The smallest integer of the form {1, 2, 5} x 10^k that is >= ``n`` (at least 1)."""
    if n <= 1:
        return 1
    base = 10 ** math.floor(math.log10(n))
    for s in (1, 2, 5, 10):
        if s * base >= n:
            return int(s * base)
    return int(10 * base)


def step_decimals(step: float) -> int:
    """Decimals needed to print multiples of ``step`` exactly (0.25 -> 2, 5 -> 0, 0.1 -> 1)."""
    for d in range(10):
        if abs(round(step, d) - step) <= abs(step) * 1e-9:
            return d
    return 10


def format_tick(v: float, step: float) -> str:
    """A tick label for ``v`` on an axis with ticks every ``step``, rounded for display."""
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(step) < 1e-4:
        return f"{v:.3g}"
    return f"{v:.{step_decimals(step)}f}"


def format_count(v: float) -> str:
    """An iteration count for an axis label: 500, 2.5k, 10M."""
    v = float(v)
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.4g}{suffix}"
    return f"{v:.4g}"


def ticks_between(lo: float, hi: float, max_ticks: int) -> tuple[list[float], float]:
    """Multiples of a nice step inside [lo, hi], at most ``max_ticks`` of them (>= 2 asked).

    Returns (ticks, step). The step grows through the 1-2-2.5-5 ladder until the ticks fit; when
    that leaves fewer than two (4.3..7.9 in 3 ticks: step 2, only 6), it steps back down while
    they still fit (step 1: 5, 6, 7), so a reader has two labels to scale the axis by.
    """
    max_ticks = max(2, max_ticks)
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return [lo], 1.0

    def multiples(step: float) -> range:
        """k such that k * step lies in [lo, hi]."""
        return range(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)

    step = nice_step(span / max_ticks)
    while len(multiples(step)) > max_ticks:
        step = nice_step(step * 1.01)
    while len(multiples(step)) < 2 and len(multiples(_step_below(step))) <= max_ticks:
        step = _step_below(step)
    return [k * step for k in multiples(step)], step


def _step_below(step: float) -> float:
    """The largest step of the 1-2-2.5-5 ladder below ``step`` (> 0)."""
    base = 10.0 ** math.floor(math.log10(step))
    below = [s * base for s in (0.5, *_STEPS) if s * base < step * (1 - 1e-12)]
    return below[-1]


def to_cells(v: F64, lo: float, hi: float, cells: int) -> I64:
    """The cell each value of ``v`` (k,) falls in along an axis of ``cells`` cells whose limits
    ``lo`` and ``hi`` sit in the middle of the first and of the last cell (as the renderer places
    data between the limits given to ``xlim``/``ylim``): the nearest of ``cells`` evenly spaced
    centres, clipped to 0..cells-1; NaN gives 0.

    Used to reduce data before plotting (one point per cell), never to place anything.
    """
    span = hi - lo
    if not span > 0 or cells < 2:
        return np.zeros(np.shape(v)[0], dtype=np.int64)
    p = np.rint((np.asarray(v, dtype=np.float64) - lo) * ((cells - 1) / span))
    out: I64 = np.clip(np.nan_to_num(p, nan=0.0), 0, cells - 1).astype(np.int64)
    return out


def cell_centres(lo: float, hi: float, cells: int) -> F64:
    """The values at the middle of each of ``cells`` cells from ``lo`` to ``hi`` (see
    ``to_cells``): (cells,), ``lo`` first and ``hi`` last."""
    out: F64 = np.linspace(lo, hi, max(1, cells))
    return out


def snap(v: F64, lo: float, hi: float, cells: int) -> F64:
    """``v`` (k,) with each value inside [lo, hi] moved to the middle of its cell (see
    ``to_cells``); values outside stay as they are. A value that moves within its cell then
    gives the same number, so an update that moves nothing on screen leaves the sketch equal
    (and costs no drawing)."""
    v = np.asarray(v, dtype=np.float64)
    if cells < 2 or not hi > lo:
        return v
    inside = (v >= lo) & (v <= hi)
    out: F64 = np.where(inside, cell_centres(lo, hi, cells)[to_cells(v, lo, hi, cells)], v)
    return out


def clip_line(
    a: float, b: float, c: float, box: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """The part of the line a*x + b*y + c = 0 inside box (xmin, xmax, ymin, ymax).

    Returns the two end points (x0, y0, x1, y1) ordered by x, or None if the line misses the box
    (or a = b = 0).
    """
    xmin, xmax, ymin, ymax = box
    pts: list[tuple[float, float]] = []
    if b != 0:
        for x in (xmin, xmax):
            y = -(a * x + c) / b
            if ymin <= y <= ymax:
                pts.append((x, y))
    if a != 0:
        for y in (ymin, ymax):
            x = -(b * y + c) / a
            if xmin <= x <= xmax:
                pts.append((x, y))
    pts = [p for p in pts if math.isfinite(p[0]) and math.isfinite(p[1])]
    if len(pts) < 2:
        return None
    pts.sort()
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    return x0, y0, x1, y1


def dashes(
    a: float, b: float, c: float, box: tuple[float, float, float, float], cells: tuple[int, int]
) -> tuple[F64, F64]:
    """Points (x (j,), y (j,)) on the line a*x + b*y + c = 0 inside box (xmin, xmax, ymin,
    ymax), one in every other cell along it: at the middle of every other column when the line
    is flatter than a diagonal on screen (``cells`` = (columns, rows) over the box), of every
    other row otherwise. Drawn over another line, they let both show where the two share cells.
    Empty when the line misses the box."""
    seg = clip_line(a, b, c, box)
    empty = np.empty(0, dtype=np.float64)
    if seg is None:
        return empty, empty
    x0, y0, x1, y1 = seg
    xlo, xhi, ylo, yhi = box
    cols, rows = cells
    # Cells crossed along each axis (the one with more is the line's direction on screen).
    across = abs(x1 - x0) / (xhi - xlo) * cols
    up = abs(y1 - y0) / (yhi - ylo) * rows
    if across >= up and b != 0:
        xs = cell_centres(xlo, xhi, cols)[::2]
        xs = xs[(xs >= x0) & (xs <= x1)]
        return xs, -(a * xs + c) / b
    if a == 0:
        return empty, empty
    ys = cell_centres(ylo, yhi, rows)[::2]
    ys = ys[(ys >= min(y0, y1)) & (ys <= max(y0, y1))]
    return -(b * ys + c) / a, ys
