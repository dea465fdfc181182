"""What the predictions plot draws, reduced in NumPy to what its cells can show.

A cell shows one character, and every point drawn costs time, so:

- ``point_series``: the test points split by marker (predicted class, misclassified; for a
  regression above, below or on the fit), thinned by ``thin_points`` then ``thin_dense`` (the
  plain points to every other cell where they crowd), with their legend;
- ``thin_points``: at most one point per plot cell, the one of highest priority (a
  misclassified point before a correct one), the first of them otherwise;
- ``surface_levels``: the decision surface (a probability grid of any size) sampled once per
  plot cell and split by shade level, one series per level; level 0 (P < 0.25) is left blank,
  and so are the cells a point will cover.

The cells are those of a plot area of about (columns, rows) cells spanning ``box`` = (xmin, xmax,
ymin, ymax), with the limits in the middle of the edge cells (``axes.to_cells``). If the estimate
of the area is a cell off, the renderer still draws every point where it belongs: a cell may get two
points or one fewer, nothing moves.

Pure NumPy: no Textual, Rich or plotext here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import cell_centres, to_cells
from tui.charts.glyphs import (
    MARK_0,
    MARK_1,
    MARK_ABOVE,
    MARK_BELOW,
    MARK_ON,
    MARK_POINT,
    MARK_WRONG,
    WORDS,
    Entry,
)

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Box = tuple[float, float, float, float]

SHADE_EDGES = np.array([0.25, 0.5, 0.75])
"""Upper edges of the shade levels 0, 1, 2 (level 3 above): quarters of P(class 1)."""
# A regression point is "on" the fit when its residual is within this fraction of the
# targets' standard deviation: at R² 1.000 every residual is, and the plot says so.
ON_FRACTION = 0.05
# Padding around the points when there is no surface extent (fraction of their span).
PAD = 0.05


def padded_bounds(values: F64) -> tuple[float, float]:
    """[min, max] of finite ``values`` padded by PAD of their span (never empty)."""
    v = values[np.isfinite(values)]
    if v.shape[0] == 0:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    pad = (hi - lo) * PAD if hi > lo else max(abs(lo) * 0.1, 0.5)
    return lo - pad, hi + pad


def _cell_index(x: F64, y: F64, box: Box, cells: tuple[int, int]) -> I64:
    """Cell number (column * rows + row) of each point (x (k,), y (k,))."""
    xlo, xhi, ylo, yhi = box
    cols, rows = cells
    index: I64 = to_cells(x, xlo, xhi, cols) * rows + to_cells(y, ylo, yhi, rows)
    return index


def thin_points(
    x: F64, y: F64, box: Box, cells: tuple[int, int], priority: I64 | None = None
) -> NDArray[np.bool_]:
    """Which of the points (x (k,), y (k,)) to draw: the finite ones inside ``box``, one per
    cell, the one of highest ``priority`` (k,) there (ties: the first). A mask (k,)."""
    xlo, xhi, ylo, yhi = box
    ok = np.isfinite(x) & np.isfinite(y)
    ok[ok] = (x[ok] >= xlo) & (x[ok] <= xhi) & (y[ok] >= ylo) & (y[ok] <= yhi)
    idx = np.flatnonzero(ok)
    keep = np.zeros(x.shape[0], dtype=bool)
    if idx.shape[0] == 0:
        return keep
    cell = _cell_index(x[idx], y[idx], box, cells)
    pri = np.zeros(idx.shape[0], dtype=np.int64) if priority is None else priority[idx]
    # Sorted by cell, then highest priority, then position: each cell's first is its winner.
    order = np.lexsort((idx, -pri, cell))
    sorted_cells = cell[order]
    first = np.r_[True, sorted_cells[1:] != sorted_cells[:-1]]
    keep[idx[order[first]]] = True
    return keep


def at_cells(
    surface: F64, extent: Box, box: Box, cells: tuple[int, int]
) -> tuple[F64, F64, F64] | None:
    """The grid ``surface`` (gy, gx) over ``extent`` (xmin, xmax, ymin, ymax; row 0 at the top)
    read at the middle of each cell of a plot (``box``, ``cells`` = (columns, rows)): the
    cells' centres xs (cols,), ys (rows,) and the values (rows, cols), row r at ys[r], each the
    grid value nearest it, NaN outside the extent; None when there is nothing to read."""
    gy, gx = surface.shape
    cols, rows = cells
    exlo, exhi, eylo, eyhi = extent
    if gy == 0 or gx == 0 or cols < 1 or rows < 1 or not (exhi > exlo and eyhi > eylo):
        return None
    xlo, xhi, ylo, yhi = box
    xs = cell_centres(xlo, xhi, cols)
    ys = cell_centres(ylo, yhi, rows)
    ix = np.floor((xs - exlo) / (exhi - exlo) * gx).astype(np.int64)
    iy = np.floor((eyhi - ys) / (eyhi - eylo) * gy).astype(np.int64)  # grid row 0 = top
    values = surface[np.clip(iy, 0, gy - 1)[:, None], np.clip(ix, 0, gx - 1)[None, :]]
    # Inside the extent, its edges included (the grid's last row and column reach them).
    inside = ((ys >= eylo) & (ys <= eyhi))[:, None] & ((xs >= exlo) & (xs <= exhi))[None, :]
    out: F64 = np.where(inside, values, np.nan)
    return xs, ys, out


def surface_levels(
    surface: F64,
    extent: Box,
    box: Box,
    cells: tuple[int, int],
    px: F64,
    py: F64,
    normalise: bool,
) -> list[tuple[int, tuple[F64, F64]]]:
    """The shaded cells of ``surface`` (gy, gx) by level: [(level, (x (j,), y (j,)))] for the
    levels 1..3 that occur, the points at the middle of their cells.

    ``surface`` covers ``extent`` (xmin, xmax, ymin, ymax), row 0 at the top; each cell of the
    plot (``box``, about ``cells`` = (columns, rows)) takes the grid value nearest its middle,
    cells outside the extent or with a non-finite value stay blank, and so do the cells of the
    points (px (k,), py (k,)) drawn over the surface. ``normalise`` maps the values' range to
    [0, 1] first (a regression's predicted value) instead of reading them as probabilities.
    """
    sampled = at_cells(surface, extent, box, cells)
    if sampled is None:
        return []
    xs, ys, values = sampled
    xlo, xhi, ylo, yhi = box
    cols, rows = cells
    finite = np.isfinite(values)
    if normalise and finite.any():
        lo, hi = float(values[finite].min()), float(values[finite].max())
        values = (values - lo) / (hi - lo) if hi > lo else np.where(finite, 0.5, np.nan)
    level = np.where(finite, np.digitize(np.nan_to_num(values, nan=0.0), SHADE_EDGES), 0)
    # Cells under a point stay blank: the point covers them.
    ok = np.isfinite(px) & np.isfinite(py)
    level[to_cells(py[ok], ylo, yhi, rows), to_cells(px[ok], xlo, xhi, cols)] = 0
    out = []
    for lv in (1, 2, 3):
        r, c = np.nonzero(level == lv)
        if r.shape[0]:
            out.append((lv, (xs[c], ys[r])))
    return out


Series = tuple[F64, F64, str, str]
"""One series of points: (x (j,), y (j,), marker, role)."""


def thin_dense(
    x: F64,
    y: F64,
    keep: NDArray[np.bool_],
    plain: NDArray[np.bool_],
    box: Box,
    cells: tuple[int, int],
) -> NDArray[np.bool_]:
    """``keep`` (k,) without the ``plain`` (k,) points that sit in an odd cell of a checkerboard
    (column + row odd) next to a kept point on its row: where the points are denser than the
    cells they thin out to every other cell (the shading, and the rows of a class, show between
    them); an isolated point stays, and so do the points that are not plain (the ones to look
    at). The neighbours of an odd cell are even cells, which are never thinned."""
    cols, rows = cells
    xlo, xhi, ylo, yhi = box
    ok = keep & np.isfinite(x) & np.isfinite(y)
    col = to_cells(np.where(ok, x, xlo), xlo, xhi, cols)
    row = to_cells(np.where(ok, y, ylo), ylo, yhi, rows)
    taken = np.zeros((cols + 2, rows), dtype=bool)  # a blank column either side
    taken[col[ok] + 1, row[ok]] = True
    crowded = taken[col, row] | taken[col + 2, row]  # the left or right neighbour is taken
    odd = (col + row) % 2 == 1
    out: NDArray[np.bool_] = keep & ~(ok & plain & odd & crowded)
    return out


def on_tolerance(y_true: F64) -> float:
    """How far a target may be from its prediction and still count as on the fit:
    ``ON_FRACTION`` of the standard deviation of the finite targets ``y_true`` (k,)."""
    v = y_true[np.isfinite(y_true)]
    return ON_FRACTION * float(np.std(v)) if v.shape[0] > 1 else 0.0


def point_series(
    xy: tuple[F64, F64],
    y_true: F64,
    pred: F64,
    box: Box,
    cells: tuple[int, int],
    kind: tuple[bool, bool],
) -> tuple[list[Series], list[Entry]]:
    """The test points at ``xy`` = (x (k,), y (k,)) to draw, one series per marker in drawing
    order, thinned to one per cell, and their legend entries.

    ``kind`` = (regression, curve). Classification: by predicted class (``pred`` > 0.5), the
    misclassified ones apart (they win their cell). A one-feature regression (``curve``): the
    points (x1, target) in one series (the fitted curve shows the prediction). Another
    regression: by the residual ``y_true - pred``: above (> tolerance), below (< -tolerance) or
    on the fit (``on_tolerance``; the legend says how close); points off the fit win their cell.
    Where the points are denser than the cells, the plain ones (correctly classified, on the
    fit) keep every other cell (``thin_dense``); the others (the ones to look at) every cell.
    """
    x, y = xy
    regression, curve = kind
    if curve:
        keep = thin_points(x, y, box, cells)
        return [(x[keep], y[keep], MARK_POINT, "class1")], [("points", MARK_POINT, WORDS["points"])]
    if regression:
        tol = on_tolerance(y_true)
        residual = y_true - pred
        above, below = residual > tol, residual < -tol
        keep = thin_points(x, y, box, cells, priority=np.where(above, 2, below.astype(np.int64)))
        on = ~above & ~below
        keep = thin_dense(x, y, keep, on, box, cells)
        series = [
            (on, MARK_ON, "fit"),
            (below, MARK_BELOW, "class0"),
            (above, MARK_ABOVE, "class1"),
        ]
        legend: list[Entry] = [
            ("above", MARK_ABOVE, WORDS["above"]),
            ("below", MARK_BELOW, WORDS["below"]),
            ("on", MARK_ON, f"{WORDS['on']} (±{tol:.2g})"),
        ]
    else:
        cls = pred > 0.5
        wrong = cls != (y_true > 0.5)
        # Per cell the misclassified point wins, then class 1 (the order they are drawn in).
        keep = thin_points(x, y, box, cells, priority=np.where(wrong, 2, cls.astype(np.int64)))
        keep = thin_dense(x, y, keep, ~wrong, box, cells)
        series = [
            (~cls & ~wrong, MARK_0, "class0"),
            (cls & ~wrong, MARK_1, "class1"),
            (wrong, MARK_WRONG, "wrong"),
        ]
        legend = [
            ("class0", MARK_0, WORDS["class0"]),
            ("class1", MARK_1, WORDS["class1"]),
            ("wrong", MARK_WRONG, WORDS["wrong"]),
        ]
    return [(x[keep & m], y[keep & m], mark, role) for m, mark, role in series], legend
