"""The cost chart's axes and its decimated series: which iterations and costs it shows.

- x: the full view spans the iterations done so far with room to grow (``full_range``: a step of
  a 1-2-3-5 ladder past 110% of them, at most the planned total), so the start of a long run is
  not squeezed into the left edge, and the axis changes four times per decade (each change
  repaints the whole chart: more steps cost terminal output, fewer leave more of it empty); the
  recent view the last ~10% of the run, at least 200 iterations, its right edge moving in
  quarter-window steps so the axis does not scroll on every poll (``recent_range``).
- y: linear or log (whole decades). The limits are nice numbers that only change when the data
  leaves them or fills less than 1/``KEEP_RATIO`` of them (``keep_or_refit``), so the axis and its
  labels stay put while the curve converges.
- ``CostSeries``: min/max-decimated copies of the training and test cost on one x range, updated
  incrementally from the live history (``StreamingExtrema``).
- ``test_marks``: which test-cost markers to draw over the training line.

Plain data and NumPy: no widget here.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import format_tick, nice_step, nice_up, ticks_between, to_cells
from tui.charts.base import fit_text
from tui.charts.decimate import StreamingExtrema

F64 = NDArray[np.float64]

# Decimation grid: the x range is cut into at least this many bins, enough for two points per
# column of any chart up to 512 cells wide, so a resize never needs the raw history.
FINE_BINS = 1024
# The full view's x axis: room for HEADROOM times the iterations done, rounded up on this ladder.
HEADROOM = 1.1
GROWTH_LADDER = (1.0, 2.0, 3.0, 5.0)
MIN_SPAN = 10
RECENT_FRACTION = 0.10
RECENT_MIN = 200
# The limits are re-fitted when the data spans less than 1/KEEP_RATIO of them.
KEEP_RATIO = 2.5
TEST_MARK = "×"
# Where the test cost sits on the training line, one marker in TEST_STRIDE columns is drawn.
TEST_STRIDE = 3


def full_range(n: int, planned: int) -> tuple[int, int]:
    """x range of the full view: 0 to the first ``GROWTH_LADDER`` number at or past ``HEADROOM``
    times the ``n`` iterations done (at least ``MIN_SPAN``), capped at the ``planned`` total
    while the run is within it; a nice number past n if the run went further than planned."""
    if planned > 0 and planned >= n:
        return 0, min(int(planned), _grown(n))
    return 0, nice_up(max(n, MIN_SPAN))


def _grown(n: int) -> int:
    """The first number of the form {1, 2, 3, 5} x 10^k at or past HEADROOM * n (at least
    MIN_SPAN): the curve then fills 45-91% of the width."""
    target = max(MIN_SPAN, math.ceil(n * HEADROOM))
    base: int = 10 ** (len(str(target)) - 1)
    for step in GROWTH_LADDER:
        if step * base >= target:
            return int(step * base)
    return 10 * base


def _planned_range(n: int, planned: int) -> tuple[int, int]:
    """0..planned, or a nice number past n if the run went further: what a window is capped at."""
    if planned > 0 and planned >= n:
        return 0, int(planned)
    return 0, nice_up(max(n, MIN_SPAN))


def recent_range(n: int, planned: int) -> tuple[int, int]:
    """x range of the recent view: the last ~10% (at least 200) iterations up to ``n``.

    The window length is a 1-2-5 number and its right edge moves in quarter-window steps, so the
    axis (and its labels) jumps a few times per window instead of scrolling on every poll.
    """
    window = nice_up(max(RECENT_MIN, math.ceil(n * RECENT_FRACTION)))
    lo_full, hi_full = _planned_range(n, planned)
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


def view_limits(
    values: F64, current: tuple[float, float] | None, log_y: bool, recent: bool
) -> tuple[tuple[float, float] | None, bool]:
    """(y limits, log ok) of a view showing ``values`` (k,) (k > 0), its ``current`` limits kept
    while they fit (``keep_or_refit``): whole decades on a log axis (log ok is False when no value
    is positive: the axis is then linear); on a linear one nice limits, from zero in the full
    view of a positive cost (the log scale is there for the small values)."""
    if log_y:
        decades = log_limits(values)
        if decades is not None:
            ideal_lo, ideal_hi, lo, hi = decades
            return keep_or_refit(current, (ideal_lo, ideal_hi), lo, hi), True
    lo, hi = float(values.min()), float(values.max())
    if not recent and lo >= 0:
        lo = 0.0
    return keep_or_refit(current, fit_limits(lo, hi), lo, hi), not log_y


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


def legend(width: int, modes: list[str], sample: str) -> str:
    """The legend line for ``width`` columns: the training line's ``sample``, the test marker
    and the view's ``modes`` ("log y", "last 2k iterations"; shortened at a colon)."""
    mode = ("   · " + ", ".join(modes)) if modes else ""
    short = (" · " + ", ".join(m.split(":")[0] for m in modes)) if modes else ""
    return fit_text(
        [
            f"{sample} train cost   {TEST_MARK} test cost{mode}",
            f"{sample} train  {TEST_MARK} test{short}",
            f"{sample} train  {TEST_MARK} test",
        ],
        width,
    )


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


def test_marks(
    ex: F64,
    ey: F64,
    lx: F64,
    ly: F64,
    box: tuple[float, float, float, float],
    cells: tuple[int, int],
) -> NDArray[np.bool_]:
    """Which test-cost markers (ex, ey) (k,) to draw over the training line through (lx, ly):
    one per cell, and where a marker would sit on the line (a cell between the line's lowest and
    highest point in that column), only in every TEST_STRIDE-th column (fixed columns, so
    nothing flickers) so the line stays visible. Away from the line (over- or under-fitting)
    every cell's marker is drawn."""
    xlo, xhi, lo, hi = box
    cols, rows = cells
    cx, cy = to_cells(ex, xlo, xhi, cols), to_cells(ey, lo, hi, rows)
    finite = np.isfinite(ex) & np.isfinite(ey)
    line_lo = np.full(cols, rows, dtype=np.int64)
    line_hi = np.full(cols, -1, dtype=np.int64)
    if lx.shape[0]:
        lc, lr = to_cells(lx, xlo, xhi, cols), to_cells(ly, lo, hi, rows)
        np.minimum.at(line_lo, lc, lr)
        np.maximum.at(line_hi, lc, lr)
    on_line = (cy >= line_lo[cx]) & (cy <= line_hi[cx])
    keep = finite & (~on_line | (cx % TEST_STRIDE == 0))
    # One marker per cell: the first one in it.
    _, first = np.unique((cx * rows + cy)[keep], return_index=True)
    out = np.zeros(ex.shape[0], dtype=bool)
    out[np.flatnonzero(keep)[first]] = True
    return out


def view_range(view: CostSeries | None, recent: bool, n: int, planned: int) -> tuple[int, int]:
    """The x range of a view: its series' (``view``), or before there is one the full or recent
    range of ``n`` iterations done of ``planned``."""
    if view is not None:
        return view.x_range
    return recent_range(n, planned) if recent else full_range(n, planned)


def series_points(view: CostSeries | None) -> tuple[tuple[F64, F64], tuple[F64, F64]]:
    """Decimated (iteration, cost) of the training and test series of ``view`` (empty arrays
    when there is none)."""
    if view is None:
        empty = np.empty(0, dtype=np.float64)
        return (empty, empty), (empty, empty)
    return view.points()
