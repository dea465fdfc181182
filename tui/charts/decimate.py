"""Reduce long numeric series to what a terminal chart can show.

A cost history can hold ten million values while the chart has about a hundred columns. Drawing
drawing every value would cost time for nothing, so the charts draw reduced data:

- ``minmax_decimate`` / ``bin_extrema``: split a series into contiguous bins and keep, per bin,
  its minimum and its maximum in order of position. A one-iteration spike survives (it is the max
  of its bin), and the global min and max are always kept. Two vectorised passes (``argmin`` and
  ``argmax`` on a reshaped prefix); non-finite values are skipped, so a diverged run's inf/NaN
  never reaches a chart.
- ``StreamingExtrema``: the same on a fixed grid of iteration bins for a series that grows between
  calls (the live history, polled ~10 times a second). Completed bins are computed once and cached;
  each call only reduces the new values and the open last bin, so a 10M-point history costs
  microseconds per poll, not a full pass.
- ``column_extrema``: the last step before drawing: points (already decimated, or a fitted curve)
  reduced to the min and max per plot column, about two points per column whatever the data.

Pure NumPy: no Textual, Rich or plotext here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class BinExtrema:
    """Per-bin minimum and maximum of a series cut into bins of ``size`` consecutive values.

    All arrays have shape (k,) for k bins. ``imin``/``imax`` are positions in the series (0-based,
    from the start of the series that was binned), ``vmin``/``vmax`` the values there. ``valid`` is
    False for a bin that held no finite value (its other entries are then meaningless).
    """

    imin: I64
    vmin: F64
    imax: I64
    vmax: F64
    valid: NDArray[np.bool_]


def _block_extrema(block: F64) -> tuple[I64, F64, I64, F64, NDArray[np.bool_]]:
    """Row-wise (argmin, min, argmax, max, valid) of ``block`` (k, size), non-finite values skipped.

    Fast path: one ``argmin`` and one ``argmax`` over the block. ``argmin`` returns the first NaN
    of a row that holds one, and ``argmax`` an inf, so a non-finite extremum flags exactly the rows
    that need the slow masked path; a clean history never takes it.
    """
    k = block.shape[0]
    rows = np.arange(k)
    imin = block.argmin(axis=1)
    imax = block.argmax(axis=1)
    vmin = block[rows, imin]
    vmax = block[rows, imax]
    valid = np.ones(k, dtype=bool)
    bad = np.flatnonzero(~(np.isfinite(vmin) & np.isfinite(vmax)))
    for r in bad.tolist():
        row = block[r]
        finite = np.isfinite(row)
        if not finite.any():
            valid[r] = False
            continue
        imin[r] = int(np.where(finite, row, np.inf).argmin())
        imax[r] = int(np.where(finite, row, -np.inf).argmax())
        vmin[r] = row[imin[r]]
        vmax[r] = row[imax[r]]
    return imin.astype(np.int64), vmin, imax.astype(np.int64), vmax, valid


def bin_extrema(y: F64, size: int) -> BinExtrema:
    """Min and max of ``y`` (n,) per bin of ``size`` consecutive values (the last may be shorter).

    The full bins are reduced as one reshaped (n // size, size) block, the remainder as one more
    bin. Positions are indices into ``y``. Returns ceil(n / size) bins (none for an empty ``y``).
    """
    size = max(1, int(size))
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    full = n // size
    parts = []
    if full:
        imin, vmin, imax, vmax, valid = _block_extrema(y[: full * size].reshape(full, size))
        offset = np.arange(full, dtype=np.int64) * size
        parts.append((imin + offset, vmin, imax + offset, vmax, valid))
    if n > full * size:
        imin, vmin, imax, vmax, valid = _block_extrema(y[full * size :].reshape(1, -1))
        parts.append((imin + full * size, vmin, imax + full * size, vmax, valid))
    if not parts:
        empty_i = np.empty(0, dtype=np.int64)
        empty_f = np.empty(0, dtype=np.float64)
        return BinExtrema(empty_i, empty_f, empty_i, empty_f, np.empty(0, dtype=bool))
    cols = [np.concatenate([p[j] for p in parts]) for j in range(5)]
    return BinExtrema(cols[0], cols[1], cols[2], cols[3], cols[4])


def interleave(ext: BinExtrema) -> tuple[I64, F64]:
    """The valid bins' extrema as one series in order of position: (positions (k,), values (k,)).

    Each bin contributes its min and its max, the earlier one first; a bin whose min and max are
    the same point contributes it once.
    """
    keep = ext.valid
    imin, vmin, imax, vmax = ext.imin[keep], ext.vmin[keep], ext.imax[keep], ext.vmax[keep]
    first_is_min = imin <= imax
    first_i = np.where(first_is_min, imin, imax)
    first_v = np.where(first_is_min, vmin, vmax)
    second_i = np.where(first_is_min, imax, imin)
    second_v = np.where(first_is_min, vmax, vmin)
    pos = np.stack([first_i, second_i], axis=1).reshape(-1)
    val = np.stack([first_v, second_v], axis=1).reshape(-1)
    same = np.repeat(first_i == second_i, 2)
    same[0::2] = False  # keep the first copy of a duplicated point
    return pos[~same], val[~same]


def minmax_decimate(y: F64, bins: int, x0: int = 0) -> tuple[F64, F64]:
    """Reduce ``y`` (n,) to at most ``2 * bins`` points that keep its shape, spikes included.

    ``y`` is split into ``bins`` contiguous bins of ceil(n / bins) values; each bin gives its min
    and its max, in order of position, with their iteration numbers ``x0 + index``. Returns
    ``(x (k,), y (k,))``, float64 copies. When n <= 2 * bins the points are returned as they are.
    Non-finite values are skipped in both cases (a bin of only NaN/inf gives no point).
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    bins = max(1, int(bins))
    if n <= 2 * bins:
        keep = np.flatnonzero(np.isfinite(y))
        return (keep + x0).astype(np.float64), y[keep].copy()
    size = -(-n // bins)
    pos, val = interleave(bin_extrema(y, size))
    return (pos + x0).astype(np.float64), val


class StreamingExtrema:
    """Min/max decimation of a growing series on a fixed grid of iteration bins.

    Bin b covers iterations ``[x0 + b*size, x0 + (b+1)*size)``. A bin is *complete* once the series
    has moved past it; complete bins are reduced once and kept (only their extrema, never the
    data), the open last bin is recomputed on every ``update``. The series either is dense (value i
    belongs to iteration i: the training cost) or sparse (sorted iteration numbers with values: the
    test cost). If the series shrank or a cached value no longer matches the data (the history was
    reset or replaced), everything is recomputed.
    """

    def __init__(self, x0: int, size: int) -> None:
        self.x0 = int(x0)
        self.size = max(1, int(size))
        self._reset()

    @property
    def key(self) -> tuple[int, int]:
        """``(x0, size)``: the bin grid."""
        return self.x0, self.size

    def _reset(self) -> None:
        self._done = 0  # complete bins cached
        self._seen = 0  # length of the series at the last update
        self._pos = np.empty(0, dtype=np.int64)  # cached points of the complete bins
        self._val = np.empty(0, dtype=np.float64)
        self._check: tuple[int, float] | None = None  # (index, value) spot check of the cache
        self._tail_pos = np.empty(0, dtype=np.int64)
        self._tail_val = np.empty(0, dtype=np.float64)

    def _still_valid(self, n: int, probe: F64) -> bool:
        if n < self._seen:
            return False
        if self._check is None:
            return True
        i, v = self._check
        if i >= probe.shape[0]:
            return False
        w = float(probe[i])
        return w == v or (math.isnan(w) and math.isnan(v))

    def update_dense(self, y: F64) -> None:
        """Take the series ``y`` (n,), value i at iteration i (it may have grown since the last
        call)."""
        n = int(y.shape[0])
        if not self._still_valid(n, y):
            self._reset()
        start = self.x0
        complete = max(0, (n - start) // self.size)
        if complete > self._done:
            lo = start + self._done * self.size
            hi = start + complete * self.size
            pos, val = interleave(bin_extrema(y[lo:hi], self.size))
            self._append(pos + lo, val)
            self._done = complete
            self._check = (hi - 1, float(y[hi - 1]))
        tail_lo = start + self._done * self.size
        if n > tail_lo:
            pos, val = interleave(bin_extrema(y[tail_lo:n], self.size))
            self._tail_pos, self._tail_val = pos + tail_lo, val
        else:
            self._tail_pos = np.empty(0, dtype=np.int64)
            self._tail_val = np.empty(0, dtype=np.float64)
        self._seen = n

    def update_sparse(self, x: I64, y: F64) -> None:
        """Take the series of values ``y`` (k,) measured at sorted iterations ``x`` (k,)."""
        k = int(min(x.shape[0], y.shape[0]))
        x, y = x[:k], y[:k]
        if not self._still_valid(k, y):
            self._reset()
        if k == 0:
            self._tail_pos = np.empty(0, dtype=np.int64)
            self._tail_val = np.empty(0, dtype=np.float64)
            self._seen = 0
            return
        # Bins before the one holding the last point can receive no more points: they are complete.
        last_bin = (int(x[-1]) - self.x0) // self.size
        complete = max(0, last_bin)
        if complete > self._done:
            lo_x = self.x0 + self._done * self.size
            hi_x = self.x0 + complete * self.size
            i0, i1 = np.searchsorted(x, [lo_x, hi_x], side="left")
            pos, val = _sparse_extrema(x[i0:i1], y[i0:i1], self.x0, self.size)
            self._append(pos, val)
            self._done = complete
            if i1 > 0:
                self._check = (int(i1) - 1, float(y[i1 - 1]))
        tail_x = self.x0 + self._done * self.size
        i0 = int(np.searchsorted(x, tail_x, side="left"))
        self._tail_pos, self._tail_val = _sparse_extrema(x[i0:], y[i0:], self.x0, self.size)
        self._seen = k

    def _append(self, pos: I64, val: F64) -> None:
        self._pos = np.concatenate([self._pos, pos.astype(np.int64)])
        self._val = np.concatenate([self._val, val])

    def points(self) -> tuple[I64, F64]:
        """All decimated points so far: (iterations (k,), values (k,)), sorted, finite only."""
        return np.concatenate([self._pos, self._tail_pos]), np.concatenate(
            [self._val, self._tail_val]
        )


def _sparse_extrema(x: I64, y: F64, x0: int, size: int) -> tuple[I64, F64]:
    """Min and max per iteration bin of the points (x (k,) sorted, y (k,)), in order of position.

    Points before ``x0`` and non-finite values are ignored.
    """
    keep = np.isfinite(y) & (x >= x0)
    x, y = x[keep], y[keep]
    idx = _group_extrema((x - x0) // size, y)
    return x[idx].astype(np.int64), y[idx].astype(np.float64)


def _group_extrema(group: I64, y: F64) -> I64:
    """Indices of the min and the max of ``y`` (k,) in each run of equal ``group`` (k,, sorted),
    in order of index (one index when both are the same point).

    Sorting by (group, value) puts each group's min first and its max last, which gives both
    extrema and where they are in one lexsort.
    """
    if group.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((y, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], g.shape[0]] - 1
    i_min = order[starts]
    i_max = order[ends]
    first = np.minimum(i_min, i_max)
    second = np.maximum(i_min, i_max)
    idx = np.stack([first, second], axis=1).reshape(-1)
    dup = np.repeat(first == second, 2)
    dup[0::2] = False
    out: I64 = idx[~dup].astype(np.int64)
    return out


def column_extrema(x: F64, y: F64, lo: float, hi: float, columns: int) -> tuple[F64, F64]:
    """Reduce points (x (k,) sorted, y (k,)) to the min and max of y per column: (x (j,), y (j,)).

    The x range [lo, hi] is cut into ``columns`` equal columns (points outside it join the edge
    columns); each column keeps its lowest and its highest point, in order of x, so the line
    through them still spans every spike. Non-finite points are dropped; j <= 2 * columns.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.shape[0] <= 2 or not hi > lo:
        return x, y
    group = np.clip(np.floor((x - lo) * (columns / (hi - lo))), 0, columns - 1).astype(np.int64)
    idx = _group_extrema(group, y)
    return x[idx], y[idx]
