"""The live cost chart: training cost of every iteration and the test cost, as two series.

The app calls ``set_data`` about ten times a second with views of the live history (up to ten
million iterations). The chart keeps only min/max-decimated copies (``StreamingExtrema``: complete
bins are reduced once, each poll only handles the new values), for two views at once so a toggle
is instant even when training is paused:

- full: x spans 0..planned iterations;
- recent (``toggle_recent``): the last ~10% of the run, at least 200 iterations, its right edge
  moving in quarter-window steps so the axis does not scroll every frame.

The y axis is linear or log (``toggle_log``; log uses whole decades). Its limits are nice numbers
that only change when the data leaves them or fills less than ~40% of them, so the axis and its
labels stay put while the curve converges. The training cost is a braille line (spikes survive:
each pixel column spans its bin's min..max; ASCII strokes where the terminal has no braille, see
``glyphs``), the test cost ``×`` markers; both read without colour. A redraw happens only when
a cell of the chart changes (see ``CellPlot``).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from textual.reactive import reactive

from tui.charts.base import MIN_CANVAS, CellPlot, Frame, canvas_size, empty_cells, fit_text
from tui.charts.decimate import (
    StreamingExtrema,
    format_count,
    format_tick,
    nice_step,
    nice_up,
    polyline_braille,
    ticks_between,
    to_pixels,
)

F64 = NDArray[np.float64]

# Decimation grid: the x range is cut into at least this many bins, enough for two points per
# pixel column of any chart up to 512 cells wide, so a resize never needs the raw history.
FINE_BINS = 1024
RECENT_FRACTION = 0.10
RECENT_MIN = 200
# The limits are re-fitted when the data spans less than 1/KEEP_RATIO of them.
KEEP_RATIO = 2.5

TRAIN_ROLE = 1
TEST_ROLE = 2
TEST_MARK = "×"
TEST_STRIDE = 3
TRAIN_SAMPLE = "⠤⠤"
TRAIN_SAMPLE_ASCII = "--"


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


class _Series:
    """The decimated training and test series on one x range."""

    def __init__(self, x_range: tuple[int, int]) -> None:
        lo, hi = x_range
        self.x_range = x_range
        size = max(1, (hi - lo) // FINE_BINS)
        self.train = StreamingExtrema(lo, size)
        self.test = StreamingExtrema(lo, size)


class CostChart(CellPlot):
    """Training cost per iteration (braille line) and test cost (``×``), decimated, live.

    ``set_data`` on every poll; ``toggle_log``/``toggle_recent`` (or set ``log_y``/``recent``);
    ``clear`` on reset. Only decimated copies of the history are kept.
    """

    ROLES = (("foreground", False), ("primary", False), ("accent", True))

    log_y: reactive[bool] = reactive(False)
    """Log-scale y axis (whole decades)."""
    recent: reactive[bool] = reactive(False)
    """Show only the last ~10% of the run (at least 200 iterations)."""

    def __init__(
        self,
        *,
        hint: str = "no iterations yet",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.hint = hint
        self._n = 0
        self._planned = 0
        self._views: dict[bool, _Series] = {}
        self._ylim: tuple[float, float] | None = None  # of the current view, in axis units
        self._log_ok = True  # False when log scale is asked but no value is positive

    # -- public API -------------------------------------------------------------------------------

    def set_data(
        self, train: F64, test_iters: NDArray[np.int64], test_costs: F64, planned: int
    ) -> None:
        """Take the history: ``train`` (n,) cost of iterations 0..n-1, the test cost
        ``test_costs`` (k,) measured at iterations ``test_iters`` (k,), ``planned`` iterations in
        the run. Views of the live history are fine (only decimated copies are kept). Repaints
        only if a visible cell changed."""
        n = int(train.shape[0])
        self._n = n
        self._planned = int(planned)
        for recent in (False, True):
            x_range = recent_range(n, self._planned) if recent else full_range(n, self._planned)
            view = self._views.get(recent)
            if view is None or view.x_range != x_range:
                view = self._views[recent] = _Series(x_range)
            view.train.update_dense(train)
            view.test.update_sparse(test_iters, test_costs)
        self._fit_limits()
        self._update()

    def clear(self) -> None:
        """Forget the history (a reset): the chart shows its empty frame and hint."""
        self._n = 0
        self._views = {}
        self._ylim = None
        self._log_ok = True
        self._update()

    def toggle_log(self) -> None:
        """Switch the y axis between linear and log scale."""
        self.log_y = not self.log_y

    def toggle_recent(self) -> None:
        """Switch between the whole run and its last ~10%."""
        self.recent = not self.recent

    def watch_log_y(self) -> None:
        self._view_changed()

    def watch_recent(self) -> None:
        self._view_changed()

    def _view_changed(self) -> None:
        self._ylim = None
        self._log_ok = True
        self._fit_limits()
        self._update()

    # -- limits ---------------------------------------------------------------------------------

    def _points(self) -> tuple[tuple[F64, F64], tuple[F64, F64]]:
        """Decimated (x, cost) of the training and test series of the current view."""
        view = self._views.get(self.recent)
        if view is None:
            empty = np.empty(0, dtype=np.float64)
            return (empty, empty), (empty, empty)
        tx, tv = view.train.points()
        ex, ev = view.test.points()
        return (tx.astype(np.float64), tv), (ex.astype(np.float64), ev)

    def _fit_limits(self) -> None:
        """Update the y limits of the current view from its data (see ``keep_or_refit``)."""
        (_, tv), (_, ev) = self._points()
        values = np.concatenate([tv, ev])
        if values.shape[0] == 0:
            return
        if self.log_y:
            positive = values[values > 0]
            self._log_ok = positive.shape[0] > 0
            if self._log_ok:
                lo = math.log10(float(positive.min()))
                hi = math.log10(float(positive.max()))
                ideal = (float(math.floor(lo)), float(math.ceil(hi)))
                if ideal[1] <= ideal[0]:
                    ideal = (ideal[0], ideal[0] + 1.0)
                self._ylim = keep_or_refit(self._ylim, ideal, lo, hi)
                return
        lo, hi = float(values.min()), float(values.max())
        if not self.recent and lo >= 0:
            lo = 0.0  # a cost axis starts at zero; the log scale is there for the small values
        self._ylim = keep_or_refit(self._ylim, fit_limits(lo, hi), lo, hi)

    # -- drawing --------------------------------------------------------------------------------

    def _yticks(self, lo: float, hi: float, rows: int, log: bool) -> list[tuple[int, str]]:
        """(row, label) of the y ticks on an axis [lo, hi] drawn over ``rows`` cells."""
        max_ticks = max(2, min(6, rows // 3 + 1))
        if log:
            exps = list(range(math.ceil(lo), math.floor(hi) + 1))
            stride = max(1, math.ceil(len(exps) / max_ticks))
            values = [float(e) for e in exps[::stride]]
            labels = [f"{10.0**e:g}" if -3 <= e <= 4 else f"1e{int(e)}" for e in values]
        else:
            values, step = ticks_between(lo, hi, max_ticks)
            labels = [format_tick(v, step) for v in values]
        cells = to_pixels(np.array(values), lo, hi, 4 * rows) // 4
        return list(zip(cells.tolist(), labels, strict=True))

    def _title(self, width: int, log: bool, x_range: tuple[int, int]) -> str:
        modes = []
        if self.log_y:
            modes.append("log y" if log else "log y: no positive cost")
        if self.recent:
            modes.append(f"last {format_count(x_range[1] - x_range[0])} iterations")
        mode = ("   · " + ", ".join(modes)) if modes else ""
        short = (" · " + ", ".join(m.split(":")[0] for m in modes)) if modes else ""
        sample = TRAIN_SAMPLE if self.unicode else TRAIN_SAMPLE_ASCII
        return fit_text(
            [
                f"{sample} train cost   {TEST_MARK} test cost{mode}",
                f"{sample} train  {TEST_MARK} test{short}",
                f"{sample} train  {TEST_MARK} test",
            ],
            width,
        )

    def _compose_frame(self, width: int, height: int) -> Frame | None:
        view = self._views.get(self.recent)
        if view is not None:
            x_range = view.x_range
        elif self.recent:
            x_range = recent_range(self._n, self._planned)
        else:
            x_range = full_range(self._n, self._planned)
        xlo, xhi = x_range
        log = self.log_y and self._log_ok
        ylim = self._ylim if self._ylim is not None else ((-2.0, 0.0) if log else (0.0, 1.0))
        lo, hi = ylim
        _, rows = canvas_size(width, height, 0)
        if rows < MIN_CANVAS[1]:
            return None
        yticks = self._yticks(lo, hi, rows, log)
        cols, rows = canvas_size(width, height, max(len(lab) for _, lab in yticks))
        if cols < MIN_CANVAS[0]:
            return None
        chars, roles = empty_cells(cols, rows)
        (tx, tv), (ex, ev) = self._points()

        def to_axis(v: F64) -> F64:
            if not log:
                return v
            # Zero or negative costs cannot be shown on a log axis: they sit on its floor.
            out: F64 = np.log10(np.maximum(v, 10.0**lo))
            return out

        if tx.shape[0]:
            px = to_pixels(tx, xlo, xhi, 2 * cols)
            py = to_pixels(to_axis(tv), lo, hi, 4 * rows)
            codes = polyline_braille(px, py, cols, rows)
            chars[:] = self.line_chars(codes)
            roles[codes > 0] = TRAIN_ROLE
        if ex.shape[0]:
            cx = to_pixels(ex, xlo, xhi, 2 * cols) // 2
            cy = to_pixels(to_axis(ev), lo, hi, 4 * rows) // 4
            # Where the test cost sits on the training line, a marker in every cell would hide
            # the line: keep one in TEST_STRIDE columns there (fixed columns, so nothing flickers).
            # Away from the line (over- or under-fitting) every marker is drawn.
            keep = (roles[cy, cx] != TRAIN_ROLE) | (cx % TEST_STRIDE == 0)
            cx, cy = cx[keep], cy[keep]
            chars[cy, cx] = TEST_MARK
            roles[cy, cx] = TEST_ROLE
        xt, _ = ticks_between(float(xlo), float(xhi), max(2, cols // 10))
        xcols = to_pixels(np.array(xt), xlo, xhi, 2 * cols) // 2
        xticks = tuple(zip(xcols.tolist(), [format_count(v) for v in xt], strict=True))
        empty = self._n == 0 and tx.shape[0] == 0
        return Frame(
            size=(width, height),
            title=self._title(cols, log, x_range),
            xlabel="iteration",
            ylabel="cost (log)" if log else "cost",
            xticks=xticks,
            yticks=tuple(yticks),
            chars=chars,
            roles=roles,
            note=self.hint if empty else "",
        )
