"""The cost chart's axes and its decimated series: which iterations and costs it shows.

- x: the full view spans 0..planned iterations (``full_range``); the recent view the last ~10% of
  the run, at least 200 iterations, its right edge moving in quarter-window steps so the axis does
  not scroll on every poll (``recent_range``).
- y: linear or log (whole decades). The limits are nice numbers that only change when the data
  leaves them or fills less than 1/``KEEP_RATIO`` of them (``keep_or_refit``), so the axis and its
  labels stay put while the curve converges.
- ``CostSeries``: min/max-decimated copies of the training and test cost on one x range, updated
  incrementally from the live history (``StreamingExtrema``).

Plain data and NumPy: no widget here.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import format_tick, nice_step, nice_up, ticks_between
from tui.charts.decimate import StreamingExtrema

F64 = NDArray[np.float64]

# Decimation grid: the x range is cut into at least this many bins, enough for two points per
# column of any chart up to 512 cells wide, so a resize never needs the raw history.
FINE_BINS = 1024
RECENT_FRACTION = 0.10
RECENT_MIN = 200
# The limits are re-fitted when the data spans less than 1/KEEP_RATIO of them.
KEEP_RATIO = 2.5


def full_range(n: int, planned: int) -> tuple[int, int]:
    """x range of the full view: 0..planned, or a nice number past n if the run went further."""
    if planned > 0 and planned >= n:
        return 0, int(planned)
    return 0, nice_up(max(n, 10))


def recent_range(n: int, planned: int) -> tuple[int, int]:
    """x range of the recent view: the last ~10% (at least 200) iterations up to ``n``.

    The window length is a 1-2-5 number and its right edge moves in quarter-window steps, so the
    axis (and its labels) jumps a few times per window instead of scrolling on every poll.
    """
    window = nice_up(max(RECENT_MIN, math.ceil(n * RECENT_FRACTION)))
    lo_full, hi_full = full_range(n, planned)
    if window >= hi_full - lo_full:
        return lo_full, hi_full
    step = window // 4
    right = max(window, -(-n // step) * step)
    return right - window, right


def fit_limits(lo: float, hi: float) -> tuple[float, float]:
    """Nice limits around [lo, hi]: multiples of a 1-2-2.5-5 step about a quarter of the span."""
    if not hi > lo:
        pad = abs(hi) * 0.1 if hi != 0 else 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step((hi - lo) / 4)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step


def keep_or_refit(
    current: tuple[float, float] | None, ideal: tuple[float, float], lo: float, hi: float
) -> tuple[float, float]:
    """Keep ``current`` limits while they hold [lo, hi] and are not much wider than ``ideal``."""
    if current is not None:
        c_lo, c_hi = current
        if c_lo <= lo and hi <= c_hi and (c_hi - c_lo) <= KEEP_RATIO * (ideal[1] - ideal[0]):
            return current
    return ideal


def log_limits(values: F64) -> tuple[float, float, float, float] | None:
    """(ideal lower, ideal upper, lo, hi) in decades (log10) of the positive ``values``: the data
    spans [lo, hi], the ideal limits are the whole decades around it. None if none is positive."""
    positive = values[values > 0]
    if positive.shape[0] == 0:
        return None
    lo = math.log10(float(positive.min()))
    hi = math.log10(float(positive.max()))
    ideal = (float(math.floor(lo)), float(math.ceil(hi)))
    if ideal[1] <= ideal[0]:
        ideal = (ideal[0], ideal[0] + 1.0)
    return ideal[0], ideal[1], lo, hi


def y_ticks(lo: float, hi: float, rows: int, log: bool) -> list[tuple[float, str]]:
    """(value, label) of the y ticks on an axis [lo, hi] drawn over about ``rows`` cells: one
    per three rows at most (2 to 6), at 1-2-2.5-5 steps, or at whole decades on a log axis
    (values are then exponents, labels the powers of ten)."""
    max_ticks = max(2, min(6, rows // 3 + 1))
    if log:
        exps = list(range(math.ceil(lo), math.floor(hi) + 1))
        stride = max(1, math.ceil(len(exps) / max_ticks))
        values = [float(e) for e in exps[::stride]]
        labels = [f"{10.0**e:g}" if -3 <= e <= 4 else f"1e{int(e)}" for e in values]
    else:
        values, step = ticks_between(lo, hi, max_ticks)
        labels = [format_tick(v, step) for v in values]
    return list(zip(values, labels, strict=True))


class CostSeries:
    """The decimated training and test series on one x range (``x_range``)."""

    def __init__(self, x_range: tuple[int, int]) -> None:
        lo, hi = x_range
        self.x_range = x_range
        size = max(1, (hi - lo) // FINE_BINS)
        self.train = StreamingExtrema(lo, size)
        self.test = StreamingExtrema(lo, size)

    def points(self) -> tuple[tuple[F64, F64], tuple[F64, F64]]:
        """Decimated (iteration, cost) of the training and of the test series, each (k,)."""
        tx, tv = self.train.points()
        ex, ev = self.test.points()
        return (tx.astype(np.float64), tv), (ex.astype(np.float64), ev)
