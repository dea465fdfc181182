"""The predictions plot of 3 to 10 classes: a marker per class and the lettered decision regions.

Markers read without colour: class k is drawn with ``CLASS_MARKS[k]`` (``o x + * # % @ & = ~``,
the two-class plot's ``o`` and ``x`` first), a misclassified point with ``!`` whatever its class
(it wins its cell), and the legend names each marker's class. The decision regions are
lettered: each plot cell not covered by a point shows the digit of the class the model predicts
there (the class index, as in the metrics table), on every other cell of a checkerboard inside a
region and on every cell along a border between two regions, so the boundaries read as the lines
where the digits change.

Pure NumPy: no Textual, Rich or plotext here (``scatter`` holds the two-class reduction).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import to_cells
from tui.charts.glyphs import MARK_WRONG, WORDS, Entry
from tui.charts.scatter import Box, Series, at_cells, thin_dense, thin_points

F64 = NDArray[np.float64]

CLASS_MARKS = ("o", "x", "+", "*", "#", "%", "@", "&", "=", "~")
"""The marker of each class 0..9 (none is a digit: digits letter the regions)."""


def class_mark(k: int) -> str:
    """The marker of class ``k`` (0..9)."""
    return CLASS_MARKS[k % len(CLASS_MARKS)]


def class_series(
    xy: tuple[F64, F64],
    y_true: F64,
    pred: F64,
    box: Box,
    cells: tuple[int, int],
    names: tuple[str, ...],
) -> tuple[list[Series], list[Entry]]:
    """The test points at ``xy`` = (x (m,), y (m,)) by predicted class ``pred`` (m,) (0..K-1,
    K = ``len(names)``), thinned to one per cell with the misclassified ones (``pred`` differs
    from ``y_true`` (m,)) first, and their legend: ``o 0  x 1  + 2 ... ! misclassified``, or
    ``o 0 apple ...`` when the classes have names (the caller escaped them)."""
    x, y = xy
    k = len(names)
    cls = np.clip(np.nan_to_num(pred, nan=0.0), 0, k - 1).astype(np.int64)
    wrong = pred != y_true
    keep = thin_points(x, y, box, cells, priority=wrong.astype(np.int64))
    keep = thin_dense(x, y, keep, ~wrong, box, cells)
    series: list[Series] = []
    legend: list[Entry] = []
    for c in range(k):
        mask = keep & (cls == c) & ~wrong
        # Two colours alternate (colour only adds: the marker tells the class).
        series.append((x[mask], y[mask], class_mark(c), "class1" if c % 2 else "class0"))
        # The label's digit too when the class has a name: the regions are lettered by digit.
        words = names[c] if names[c] == str(c) else f"{c} {names[c]}"
        legend.append((f"class{c}", class_mark(c), words))
    series.append((x[keep & wrong], y[keep & wrong], MARK_WRONG, "wrong"))
    legend.append(("wrong", MARK_WRONG, WORDS["wrong"]))
    return series, legend


def region_cells(
    surface: F64, extent: Box, box: Box, cells: tuple[int, int], px: F64, py: F64
) -> list[tuple[int, tuple[F64, F64]]]:
    """The lettered cells of a predicted-class grid ``surface`` (gy, gx) (values 0..K-1 over
    ``extent``, row 0 at the top): [(class, (x (j,), y (j,)))] at the middle of the plot cells
    (``box``, about ``cells`` = (columns, rows)) that show that class's digit. A cell shows it on
    the even squares of a checkerboard, and on every square where a neighbour (left, right, up,
    down) belongs to another class; cells outside the extent or under a point (px, py) stay
    blank."""
    sampled = at_cells(surface, extent, box, cells)
    if sampled is None:
        return []
    xs, ys, values = sampled
    xlo, xhi, ylo, yhi = box
    cols, rows = cells
    label = np.where(np.isfinite(values), values, -1.0).astype(np.int64)
    border = np.zeros(label.shape, dtype=bool)
    for a, b in ((label[1:], label[:-1]), (label[:, 1:], label[:, :-1])):
        differ = (a != b) & (a >= 0) & (b >= 0)
        if a.shape[0] != label.shape[0]:
            border[1:] |= differ
            border[:-1] |= differ
        else:
            border[:, 1:] |= differ
            border[:, :-1] |= differ
    r_idx, c_idx = np.indices(label.shape)
    shown = (label >= 0) & (border | ((r_idx + c_idx) % 2 == 0))
    ok = np.isfinite(px) & np.isfinite(py)
    shown[to_cells(py[ok], ylo, yhi, rows), to_cells(px[ok], xlo, xhi, cols)] = False
    out = []
    for c in np.unique(label[shown]):
        r, cc = np.nonzero(shown & (label == c))
        out.append((int(c), (xs[cc], ys[r])))
    return out
