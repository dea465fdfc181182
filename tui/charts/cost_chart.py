"""The live cost chart: training cost of every iteration and the test cost, as two series.

The app calls ``set_data`` about ten times a second with views of the live history (up to ten
million iterations). The chart keeps only min/max-decimated copies (``cost_axes.CostSeries``),
for the full and the recent view at once, so a toggle (``toggle_recent``, ``toggle_log``) is
instant even when training is paused. What it draws is reduced once more to the min and
max per plot column (``column_extrema``): about two points per column, spikes included.

The training cost is a thin line (braille, 2x4 dots per cell; ASCII strokes where the terminal has
no braille, see ``glyphs``), the test cost ``×`` markers on top, thinned where they sit on the
training line so the line still shows; both read without colour. The y axis keeps its limits
while the curve converges (see ``cost_axes``). A repaint happens only when a cell of the chart
changes (see ``ChartPlot``), and in the app a growing tail at most once a second (``throttle``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from textual.reactive import reactive

from tui.charts.axes import format_count, snap, ticks_between
from tui.charts.base import MIN_AREA, ChartPlot, estimate_area, fit_axis_labels
from tui.charts.cost_axes import (
    TEST_MARK,
    CostSeries,
    legend,
    series_points,
    test_marks,
    view_limits,
    view_range,
    y_ticks,
)
from tui.charts.cost_cursor import (
    MARK,
    MARK_ASCII,
    Readout,
    clamp,
    read_at,
    readout_text,
    step_columns,
)
from tui.charts.cost_mouse import MouseCursor
from tui.charts.decimate import column_extrema
from tui.charts.pin_layer import PinLayer
from tui.charts.sketch import Sketch
from tui.charts.throttle import TailThrottle
from tui.run.pins import Pin
from tui.timers import call_after

F64 = NDArray[np.float64]

TRAIN_SAMPLE = "⠤⠤"
TRAIN_SAMPLE_ASCII = "--"


class CostChart(MouseCursor, ChartPlot):
    """Training cost per iteration (a thin line) and test cost (``×``), decimated, live.

    ``set_data`` on every poll; ``toggle_log``/``toggle_recent`` (or set ``log_y``/``recent``);
    ``clear`` on reset. Only decimated copies of the history are kept.
    """

    ROLES: ClassVar[Mapping[str, str]] = {
        "text": "foreground-muted",
        "train": "primary",
        "test": "accent",
        "pin": "secondary",
    }

    log_y: reactive[bool] = reactive(False)
    """Log-scale y axis (whole decades)."""
    recent: reactive[bool] = reactive(False)
    """Show only the last ~10% of the run (at least 200 iterations)."""

    def __init__(
        self,
        *,
        hint: str = "no iterations yet",
        tail_seconds: float = 0.0,
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
        # The live history (views, no copies) the cursor reads its values from.
        self._history: tuple[F64, NDArray[np.int64], F64] | None = None
        self.cursor: int | None = None
        """The iteration the cursor is at (None: hidden); see ``cost_cursor``."""
        # A growing tail is repainted at most every ``tail_seconds`` (see ``throttle``).
        self._tail = TailThrottle(tail_seconds)
        self._held: asyncio.TimerHandle | None = None
        self.pins = PinLayer()  # the pinned runs (key p), drawn under the live curve

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
        self._history = (train, test_iters, test_costs)
        self._planned = int(planned)
        for recent in (False, True):
            x_range = self.pins.widen(view_range(None, recent, n, self._planned), recent)
            view = self._views.get(recent)
            if view is None or view.x_range != x_range:
                view = self._views[recent] = CostSeries(x_range)
            view.train.update_dense(train)
            view.test.update_sparse(test_iters, test_costs)
        self._fit_limits()
        self._clamp_cursor()
        self._update_tail()

    def _update_tail(self) -> None:
        """Repaint new data now, or (when only the tail grew, lately drawn) a little later."""
        key = (self.x_range(), self._ylim, self.log_y, self.recent, self.cursor, self.size)
        wait = self._tail.wait(key) if self.is_mounted else 0.0
        if wait <= 0:
            self._update()
        elif self._held is None:
            self._held = call_after(self, wait, self.flush)

    def flush(self) -> None:
        """Draw a tail held back by the throttle now (the run paused or ended)."""
        if self._held is not None:
            self._held.cancel()
            self._held = None
            self._tail.reset()
            self._update_tail()

    def clear(self) -> None:
        """Forget the history (a reset): the chart shows its empty frame and hint."""
        self._n = 0
        self._history = None
        self.cursor = None
        self._views = {}
        self._ylim = None
        self._log_ok = True
        self._fit_limits()  # to the pinned runs, if any
        self._update()

    def set_pins(self, shown: list[tuple[Pin, str]]) -> None:
        """Show the pinned runs ``shown`` (each with its label), oldest first; the x axis then
        spans the longest of them too."""
        self.pins.shown = list(shown)
        self._views, self._ylim = {}, None
        if self._history is not None:
            self.set_data(*self._history, self._planned)
        else:
            self._view_changed()

    def toggle_log(self) -> None:
        """Switch the y axis between linear and log scale."""
        self.log_y = not self.log_y

    def toggle_recent(self) -> None:
        """Switch between the whole run and its last ~10%."""
        self.recent = not self.recent

    def _view_changed(self) -> None:
        self._ylim = None
        self._log_ok = True
        self._fit_limits()
        self._clamp_cursor()
        self._update()

    watch_log_y = watch_recent = _view_changed

    # -- the cursor -----------------------------------------------------------------------------

    def x_range(self) -> tuple[int, int]:
        """The iterations the x axis spans now (full or recent view)."""
        view = self._views.get(self.recent)
        return self.pins.widen(view_range(view, self.recent, self._n, self._planned), self.recent)

    def readout(self) -> Readout | None:
        """What the history holds at the cursor (None while it is hidden)."""
        if self.cursor is None or self._history is None:
            return None
        return read_at(*self._history, self.cursor)

    def show_cursor(self, iteration: int) -> None:
        """Put the cursor at ``iteration`` (moved into the history and the view)."""
        self.cursor = clamp(iteration, self._n, self.x_range())
        self._update()

    def move_cursor(self, columns: int) -> None:
        """Move the cursor by ``columns`` plot columns (shown at the last iteration first)."""
        if self.cursor is None:
            self.show_cursor(self._n - 1)
            return
        area = self.plot_area
        width = area.width if area is not None else self.size.width
        self.show_cursor(step_columns(self.cursor, columns, width, self.x_range()))

    def hide_cursor(self) -> None:
        """Hide the cursor (the legend line comes back)."""
        if self.cursor is not None:
            self.cursor = None
            self._update()

    def _clamp_cursor(self) -> None:
        if self.cursor is not None:
            self.cursor = clamp(self.cursor, self._n, self.x_range())

    # -- limits ---------------------------------------------------------------------------------

    def _points(self) -> tuple[tuple[F64, F64], tuple[F64, F64]]:
        """Decimated (iteration, cost) of the training and test series of the current view."""
        return series_points(self._views.get(self.recent))

    def _fit_limits(self) -> None:
        """Update the y limits of the current view from its data (see ``view_limits``)."""
        (_, tv), (_, ev) = self._points()
        values = np.concatenate([tv, ev, *self.pins.values(*map(float, self.x_range()))])
        if values.shape[0]:
            self._ylim, self._log_ok = view_limits(values, self._ylim, self.log_y, self.recent)

    # -- drawing --------------------------------------------------------------------------------

    def sketch(self, width: int, height: int) -> Sketch | None:
        x_range = self.x_range()
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
        readout = self.readout()
        modes = []
        if self.log_y:
            modes.append("log y" if log else "log y: no positive cost")
        if self.recent:
            modes.append(f"last {format_count(x_range[1] - x_range[0])} iterations")
        sample = TRAIN_SAMPLE if self.unicode else TRAIN_SAMPLE_ASCII
        title = legend(cols, modes, sample) if readout is None else readout_text(readout, cols)
        title = self.pins.legend(cols, sample, modes) if self.pins and readout is None else title
        sk.frame(title, xlabel, ylabel)
        xt, _ = ticks_between(xlo, xhi, max(2, cols // 10))
        sk.axes((xlo, xhi), (lo, hi), [(v, format_count(v)) for v in xt], yticks)
        box = (xlo, xhi, lo, hi)
        if readout is not None:
            # Under the curves, so the line still shows where it crosses the marker.
            at = snap(np.array([float(readout.iteration)]), xlo, xhi, cols)
            sk.line(np.repeat(at, 2), [lo, hi], MARK if self.unicode else MARK_ASCII,
                    colors["text"])  # fmt: skip
        self.pins.draw(sk, box, (cols, rows), to_axis, colors["pin"])
        lx, ly = column_extrema(tx, to_axis(tv), xlo, xhi, cols)
        # Points moved to the middle of their dot (braille: 2x4 per cell) or cell: a poll that
        # moves nothing on screen leaves the sketch as it was, and costs no build.
        dots = (2, 4) if self.unicode else (1, 1)
        line_x = snap(lx, xlo, xhi, dots[0] * cols)
        line_y = snap(ly, lo, hi, dots[1] * rows)
        self.draw_line(sk, line_x, line_y, colors["train"], box, (cols, rows))
        if ex.shape[0]:
            ey = to_axis(ev)
            keep = test_marks(ex, ey, lx, ly, box, (cols, rows))
            mx, my = snap(ex[keep], xlo, xhi, cols), snap(ey[keep], lo, hi, rows)
            sk.points(mx, my, TEST_MARK, colors["test"], bold=True)
        empty = self._n == 0 and tx.shape[0] == 0
        if empty or sk.series == 0:
            # The hint; or, with nothing to draw, a blank that lays out the axes.
            sk.note(self.hint if empty else " ", (xlo + xhi) / 2, (lo + hi) / 2, colors["text"])
        return sk
