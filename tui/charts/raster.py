"""Data onto the cells of a chart: where values fall, the dots of a polyline, braille cells.

The plot area is ``cols`` x ``rows`` cells; a series in braille has 2 x 4 dots per cell, any
other marker one per cell. Placement follows plotext 5, so a chart looks as it did when plotext
drew it:

- ``to_bins``: value v on an axis from ``lo`` to ``hi`` with ``bins`` dots falls in dot
  floor(0.5 + (bins - 1) * (v - lo) / (hi - lo)) (rounded to 8 decimals first): ``lo`` in the
  middle of the first dot, ``hi`` in the middle of the last;
- ``polyline``: the dots of straight segments between consecutive points: a segment that goes
  a dots along its longer axis gets a + 1 evenly spaced dots, each coordinate truncated toward
  zero; a non-finite point breaks the line (its neighbours are still drawn);
- ``braille``: the dots of one series OR-ed into one braille character per cell (U+2800 plus
  the cell's dot bits);
- ``draw_series``: one series written over the grid's plot area, cell by cell, over whatever
  was there (a later series hides an earlier one where both have a cell).

Everything is vectorised: no Python loop per point or per cell. Dots far outside the plot area
are never generated (a segment is cut to the dots of its longer axis inside the area), so a
spike of any size costs no more than a line across the chart.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tui.charts.grid import Grid

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# Coordinates are kept within this many dots of the plot area: exact integers in float64, and
# no overflow when they become int64.
FAR = float(2**40)
# The bit of each dot of a braille cell, by (dot row from the bottom, dot column).
BRAILLE_BITS = np.array([[0x40, 0x80], [0x04, 0x20], [0x02, 0x10], [0x01, 0x08]], dtype=np.int64)
BRAILLE_BASE = 0x2800


def to_bins(values: F64, lo: float, hi: float, bins: int) -> F64:
    """The dot (0 .. bins-1 inside the limits; any integer outside) each of ``values`` (k,)
    falls in along an axis from ``lo`` to ``hi`` (see the module docstring); NaN for a
    non-finite value. Floats holding integers, clipped to +-FAR."""
    span = hi - lo if hi != lo else 1.0
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        pos = np.floor(np.round(np.clip(0.5 + (bins - 1) * (v - lo) / span, -FAR, FAR), 8))
    out: F64 = np.where(np.isfinite(v), pos, np.nan)
    return out


def polyline(x: F64, y: F64, size: tuple[int, int]) -> tuple[F64, F64]:
    """The dots (x (j,), y (j,)) of the polyline through the dots (x (k,), y (k,)) (from
    ``to_bins``; NaN for a missing point) on an area of ``size`` = (columns, rows) of dots:
    every finite point, and the inside of every segment between two finite points, sampled
    as the module docstring says. Dots outside the area may be among them."""
    finite = np.isfinite(x) & np.isfinite(y)
    x0, y0, x1, y1 = x[:-1], y[:-1], x[1:], y[1:]
    both = finite[:-1] & finite[1:]
    x0, y0, x1, y1 = x0[both], y0[both], x1[both], y1[both]
    dx, dy = x1 - x0, y1 - y0
    steps = np.maximum(np.abs(dx), np.abs(dy))  # a - 1: the segment's dots less one
    long_x = np.abs(dx) >= np.abs(dy)
    safe = np.where(steps > 0, steps, 1.0)
    sx, sy = dx / safe, dy / safe
    # Along the longer axis a step is exactly one dot: keep the steps k (0 .. steps-1, the end
    # point is the next segment's start) whose dot there is inside the area.
    start = np.where(long_x, x0, y0)
    step = np.where(long_x, sx, sy)
    limit = np.where(long_x, size[0], size[1]) - 1.0
    k_lo = np.where(step > 0, -start, start - limit)
    k_hi = np.where(step > 0, limit - start, start)
    k_lo = np.maximum(k_lo, 0.0)
    k_hi = np.minimum(k_hi, steps - 1.0)
    counts = np.maximum(k_hi - k_lo + 1.0, 0.0).astype(np.int64)
    total = int(counts.sum())
    seg = np.repeat(np.arange(counts.shape[0]), counts)
    offsets = np.cumsum(counts) - counts
    k = k_lo[seg] + (np.arange(total) - offsets[seg])
    lx = np.trunc(x0[seg] + k * sx[seg])
    ly = np.trunc(y0[seg] + k * sy[seg])
    return np.concatenate([lx, x[finite]]), np.concatenate([ly, y[finite]])


def braille(dx: F64, dy: F64, size: tuple[int, int]) -> tuple[I64, I64, I64]:
    """The braille cells of the dots (dx (k,), dy (k,)) inside an area of ``size`` = (columns,
    rows) of cells: (column (j,), row (j,), code point (j,)), one per cell with a dot."""
    ix, iy = dx.astype(np.int64), dy.astype(np.int64)
    cx, cy = ix // 2, iy // 4
    inside = (cx >= 0) & (cx < size[0]) & (cy >= 0) & (cy < size[1])
    cx, cy = cx[inside], cy[inside]
    bits = BRAILLE_BITS[iy[inside] % 4, ix[inside] % 2]
    mask = np.zeros(size[0] * size[1], dtype=np.int64)
    np.bitwise_or.at(mask, cy * size[0] + cx, bits)
    cells = np.flatnonzero(mask)
    return cells % size[0], cells // size[0], mask[cells] + BRAILLE_BASE


def draw_series(
    grid: Grid,
    area: tuple[int, int, int, int],
    xy: tuple[F64, F64],
    limits: tuple[float, float, float, float],
    marker: str,
    style: int,
    joined: bool,
) -> None:
    """Draw the points ``xy`` = (x (k,), y (k,)) in data units over the plot area ``area`` =
    (first column, first row, columns, rows) of ``grid``, whose axes span ``limits`` = (xlo,
    xhi, ylo, yhi): in braille (``marker`` "braille") or one ``marker`` character per cell,
    joined by straight lines or not, in grid style ``style``."""
    col0, row0, cols, rows = area
    if cols <= 0 or rows <= 0 or xy[0].shape[0] == 0:
        return
    hd = marker == "braille"
    size = (cols * 2, rows * 4) if hd else (cols, rows)
    xlo, xhi, ylo, yhi = limits
    x, y = to_bins(xy[0], xlo, xhi, size[0]), to_bins(xy[1], ylo, yhi, size[1])
    if joined:
        x, y = polyline(x, y, size)
    else:
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
    if hd:
        cx, cy, code = braille(x, y, (cols, rows))
    else:
        inside = (x >= 0) & (x < cols) & (y >= 0) & (y < rows)
        cx, cy = x[inside].astype(np.int64), y[inside].astype(np.int64)
        code = np.full(cx.shape[0], ord(marker[0]), dtype=np.int64)
    grid.chars[row0 + cy, col0 + cx] = code
    grid.styles[row0 + cy, col0 + cx] = style
