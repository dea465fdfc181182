"""The live cost chart: training cost of every iteration and the test cost, as two series.

The app calls ``set_data`` about ten times a second with views of the live history (up to ten
million iterations). The chart keeps only min/max-decimated copies (``cost_axes.CostSeries``),
for the full and the recent view at once, so a toggle (``toggle_recent``, ``toggle_log``) is
instant even when training is paused. What it hands plotext is reduced once more to the min and
max per plot column (``column_extrema``): about two points per column, spikes included.

The training cost is a thin line (plotext's braille marker; ASCII strokes where the terminal has
no braille, see ``glyphs``), the test cost ``×`` markers on top, thinned where they sit on the
training line so the line still shows; both read without colour. The y axis keeps its limits
while the curve converges (see ``cost_axes``). A repaint happens only when a cell of the chart
changes (see ``ChartPlot``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from textual.reactive import reactive

from tui.charts.axes import format_count, snap, ticks_between, to_cells
from tui.charts.base import MIN_AREA, ChartPlot, estimate_area, fit_axis_labels, fit_text
from tui.charts.cost_axes import (
    CostSeries,
    fit_limits,
    full_range,
    keep_or_refit,
    log_limits,
    recent_range,
    y_ticks,
)
from tui.charts.decimate import column_extrema
from tui.charts.sketch import Sketch

F64 = NDArray[np.float64]

TEST_MARK = "×"
# Where the test cost sits on the training line, one marker in TEST_STRIDE columns is drawn.
TEST_STRIDE = 3
TRAIN_SAMPLE = "⠤⠤"
TRAIN_SAMPLE_ASCII = "--"


class CostChart(ChartPlot):
    """Training cost per iteration (a thin line) and test cost (``×``), decimated, live.

    ``set_data`` on every poll; ``toggle_log``/``toggle_recent`` (or set ``log_y``/``recent``);
    ``clear`` on reset. Only decimated copies of the history are kept.
    """

    ROLES: ClassVar[Mapping[str, str]] = {
        "text": "foreground-muted",
        "train": "primary",
        "test": "accent",
    }

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
        self._views: dict[bool, CostSeries] = {}
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
                view = self._views[recent] = CostSeries(x_range)
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
        """Decimated (iteration, cost) of the training and test series of the current view."""
        view = self._views.get(self.recent)
        if view is None:
            empty = np.empty(0, dtype=np.float64)
            return (empty, empty), (empty, empty)
        return view.points()

    def _fit_limits(self) -> None:
        """Update the y limits of the current view from its data (see ``keep_or_refit``)."""
        (_, tv), (_, ev) = self._points()
        values = np.concatenate([tv, ev])
        if values.shape[0] == 0:
            return
        if self.log_y:
            decades = log_limits(values)
            self._log_ok = decades is not None
            if decades is not None:
                ideal_lo, ideal_hi, lo, hi = decades
                self._ylim = keep_or_refit(self._ylim, (ideal_lo, ideal_hi), lo, hi)
                return
        lo, hi = float(values.min()), float(values.max())
        if not self.recent and lo >= 0:
            lo = 0.0  # a cost axis starts at zero; the log scale is there for the small values
        self._ylim = keep_or_refit(self._ylim, fit_limits(lo, hi), lo, hi)

    # -- drawing --------------------------------------------------------------------------------

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

    def sketch(self, width: int, height: int) -> Sketch | None:
        view = self._views.get(self.recent)
        if view is not None:
            x_range = view.x_range
        elif self.recent:
            x_range = recent_range(self._n, self._planned)
        else:
            x_range = full_range(self._n, self._planned)
        xlo, xhi = float(x_range[0]), float(x_range[1])
        log = self.log_y and self._log_ok
        ylim = self._ylim if self._ylim is not None else ((-2.0, 0.0) if log else (0.0, 1.0))
        lo, hi = ylim
        _, rows = estimate_area(width, height, 0)
        if rows < MIN_AREA[1]:
            return None
        yticks = y_ticks(lo, hi, rows, log)
        ylabel_width = max(len(label) for _, label in yticks)
        cols, rows = estimate_area(width, height, ylabel_width)
        if cols < MIN_AREA[0]:
            return None
        colors = self.role_colors()
        (tx, tv), (ex, ev) = self._points()

        def to_axis(v: F64) -> F64:
            if not log:
                return v
            # Zero or negative costs cannot be shown on a log axis: they sit on its floor.
            out: F64 = np.log10(np.maximum(v, 10.0**lo))
            return out

        sk = Sketch()
        xlabel, ylabel = fit_axis_labels(
            "iteration", "cost (log)" if log else "cost", ylabel_width + 1, cols
        )
        sk.frame(self._title(cols, log, x_range), xlabel, ylabel)
        xt, _ = ticks_between(xlo, xhi, max(2, cols // 10))
        sk.axes((xlo, xhi), (lo, hi), [(v, format_count(v)) for v in xt], yticks)
        box = (xlo, xhi, lo, hi)
        lx, ly = column_extrema(tx, to_axis(tv), xlo, xhi, cols)
        # Points moved to the middle of their dot (braille: 2x4 per cell) or cell: a poll that
        # moves nothing on screen leaves the sketch as it was, and costs no build.
        dots = (2, 4) if self.unicode else (1, 1)
        line_x = snap(lx, xlo, xhi, dots[0] * cols)
        line_y = snap(ly, lo, hi, dots[1] * rows)
        self.draw_line(sk, line_x, line_y, colors["train"], box, (cols, rows))
        if ex.shape[0]:
            ey = to_axis(ev)
            keep = _test_marks(ex, ey, lx, ly, box, (cols, rows))
            mx, my = snap(ex[keep], xlo, xhi, cols), snap(ey[keep], lo, hi, rows)
            sk.points(mx, my, TEST_MARK, colors["test"], bold=True)
        empty = self._n == 0 and tx.shape[0] == 0
        if empty or sk.series == 0:
            # The hint; or, with nothing to draw, a blank that makes plotext lay out the axes.
            sk.note(self.hint if empty else " ", (xlo + xhi) / 2, (lo + hi) / 2, colors["text"])
        return sk


def _test_marks(
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
