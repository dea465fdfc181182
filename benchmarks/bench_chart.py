"""How fast the charts are: decimation, redraws of each chart, terminal output.

Run: ``python benchmarks/bench_chart.py`` (add ``--quick`` for fewer repeats). Prints:

- ``minmax_decimate`` on 1e3 / 1e6 / 1e7 points, and the per-poll cost of the streaming
  decimation the chart uses on a 10M history (new iterations only);
- the cost chart at 120x40 (the whole screen) and in a 80x24 pane, with 1e3 and 1e7-point
  histories: the first ``set_data`` (decimates the whole history and builds), and a redraw: a
  poll (``set_data`` after 1000 more iterations: decimation, sketch, drawing, diff) plus
  Textual's conversion of the chart into screen lines; target 10 ms median;
- the cost chart in the app (``NeuronApp``) at 120x40 as laid out, and zoomed (``z``) on a
  200x60 screen, with the cursor shown (``bench_cost_chart_app``): the same polls as above;
- the predictions plot in a 80x40 pane of a 120x40 screen and zoomed to a whole 200x60 screen,
  with 2000 points and a probability surface sized by ``grid_shape_for``, and with 2000 points,
  the learned boundary and the true line (the ``line`` run's picture): a redraw is ``show``
  of a new view (reduction, sketch, drawing, diff) plus the conversion into screen lines;
- bytes written to the terminal per second while a run streams into the chart at 10 polls a
  second, in a 120x40 app (the remote-use budget is 20 KB/s, issue 12 asks for < 4 KB/s).
  Textual's headless driver writes nothing, so here it is made to render and count the bytes it
  would write.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tui.charts.cost_chart import CostChart
from tui.charts.decimate import StreamingExtrema, minmax_decimate
from tui.charts.predictions import PredictionsPlot
from tui.panes.training import TAIL_SECONDS
from tui.views.predictions import PredictionView

QUICK = "--quick" in sys.argv
REPEAT = 5 if QUICK else 20


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    """(median, max) wall time of ``fn`` in ms over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), max(times)


def history(n: int, seed: int = 0) -> np.ndarray:
    """A converging cost curve with noise and a few spikes, (n,)."""
    rng = np.random.default_rng(seed)
    it = np.arange(n, dtype=np.float64)
    y = 0.693 * np.exp(-it / max(1.0, n / 10)) + 0.02 + 0.01 * rng.random(n)
    y[rng.integers(0, n, 5)] += 0.3
    return y


def bench_decimation() -> None:
    print("decimation (ms, median / max)")
    for n in (1_000, 1_000_000, 10_000_000):
        y = history(n)
        med, worst = timed(partial(minmax_decimate, y, 70), 5 if n > 10**6 else REPEAT)
        print(f"  minmax_decimate  n={n:>10,}  bins=70   {med:7.3f} / {worst:7.3f}")
    big = history(10_000_000)
    s = StreamingExtrema(0, 10_000_000 // 1024)
    t = time.perf_counter()
    s.update_dense(big[:9_000_000])
    print(f"  streaming, first call on 9M points           {(time.perf_counter() - t) * 1e3:7.3f}")
    end = [9_000_000]

    def poll() -> None:
        end[0] += 10_000
        s.update_dense(big[: end[0]])

    med, worst = timed(poll, 50)
    print(f"  streaming, poll of +10k on a 9M history      {med:7.3f} / {worst:7.3f}")


class ChartApp(App[None]):
    """A cost chart, alone or as a 80x24 pane of a 120x40 screen."""

    CSS = """
    #side { width: 40; }
    #chart-pane { height: 24; }
    """

    def __init__(self, pane: bool, tail_seconds: float = 0.0) -> None:
        super().__init__()
        self.pane = pane
        self.tail_seconds = tail_seconds  # the app's throttle of a growing tail, or none

    def compose(self) -> ComposeResult:
        if not self.pane:
            yield CostChart(tail_seconds=self.tail_seconds)
            return
        with Horizontal():
            yield Static("dataset · hyperparameters\n" * 30, id="side")
            with Vertical():
                with Vertical(id="chart-pane"):
                    yield CostChart(tail_seconds=self.tail_seconds)
                yield Static("predictions pane")


def to_screen(widget: Widget) -> None:
    """Textual's part of a full repaint: the widget's picture converted into screen lines."""
    widget.refresh()
    widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


def cost_redraws(
    chart: CostChart, n: int, log: bool, polls: int, cursor: bool | None = None
) -> tuple[float, list[float], list[float], float]:
    """(first set_data ms, redraw ms of the polls that changed the picture, of those that did
    not, to-screen ms) for a history of ``n`` growing by what 1/10 s of training adds at
    ~250k it/s (1/1000 of n, at least 1000) per poll.

    ``cursor`` (the chart in the app): True shows the cursor 40 columns left of the last
    iteration after the first ``set_data``, and every poll's tail is drawn (the app draws a
    growing tail once a second; here every poll is drawn)."""
    step = min(25_000, max(1_000, n // 1000))
    total = n + step * (polls + 1)
    y = history(total)
    iters = np.arange(0, total, max(1, n // 200), dtype=np.int64)
    tests = y[iters] + 0.01
    chart.log_y = log
    chart.clear()
    t = time.perf_counter()
    k = int(np.searchsorted(iters, n))
    chart.set_data(y[:n], iters[:k], tests[:k], total)
    first = (time.perf_counter() - t) * 1e3
    if cursor:
        chart.move_cursor(-1)
        chart.move_cursor(-40)
    built: list[float] = []
    same: list[float] = []
    for i in range(1, polls + 1):
        end = n + i * step
        k = int(np.searchsorted(iters, end))
        redraws = chart.redraws
        t = time.perf_counter()
        chart.set_data(y[:end], iters[:k], tests[:k], total)
        if cursor is not None:
            chart.flush()
        to_screen(chart)
        (built if chart.redraws > redraws else same).append((time.perf_counter() - t) * 1e3)
    if cursor is not None:
        assert (chart.cursor is not None) == cursor
    screen, _ = timed(partial(to_screen, chart))
    return first, built, same, screen


def stats(ms: list[float]) -> str:
    """ "median / max (count)" of some timings in ms."""
    if not ms:
        return "     — /      —  (0)"
    return f"{statistics.median(ms):6.2f} / {max(ms):6.2f} ({len(ms)})"


async def bench_cost_chart(pane: bool) -> None:
    app = ChartApp(pane)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(CostChart)
        await pilot.pause()
        w, h = chart.size
        print(
            f"cost chart {w}x{h} in a 120x40 screen (ms, median / max (polls); target 10 ms)\n"
            "  a redraw is one poll: set_data (decimate, sketch, drawing if the sketch "
            "changed, diff) + to screen"
        )
        for n in (1_000, 10_000_000):
            for log in (False, True):
                first, built, same, screen = await cost_redraws_async(chart, n, log, pilot)
                print(
                    f"  n={n:>10,} {'log' if log else 'lin'}  first {first:6.2f}  "
                    f"redraw {stats(built)}  no change {stats(same)}  to screen {screen:5.2f}"
                )
        chart.log_y = False


async def cost_redraws_async(
    chart: CostChart, n: int, log: bool, pilot: Pilot[None]
) -> tuple[float, list[float], list[float], float]:
    """``cost_redraws`` with the app's pending work done before and after."""
    await pilot.pause()
    out = cost_redraws(chart, n, log, REPEAT)
    await pilot.pause()
    return out


async def bench_cost_chart_app() -> None:
    """The app's own cost chart: at 120x40 as laid out, then zoomed (``z``) at 200x60, each
    with and without the cursor (Left: at the last iteration, the readout line on top)."""
    from tui.app import NeuronApp  # the app only here: the rest of the file needs no app

    print(
        "cost chart in the app (ms, median / max (polls); target 10 ms median): 120x40 as "
        "laid out, zoomed at 200x60"
    )
    from neuron_core.config import TrainConfig

    for size, zoom in (((120, 40), False), ((200, 60), True)):
        # The default run, then one with a cosine learning-rate schedule (its rate drawn under
        # the costs, ``tui.charts.rate_chart``).
        for train_cfg in (TrainConfig(), TrainConfig(lr_schedule="cosine", lr_min=0.001)):
            if train_cfg.lr_schedule != "constant":
                print(f"  with a {train_cfg.lr_schedule} learning-rate schedule:")
            with tempfile.TemporaryDirectory(prefix="bench-chart-state-") as state:
                # An empty state folder: no saved session offered at start (nor overwritten).
                os.environ["XDG_STATE_HOME"] = state
                await cost_chart_in_app(NeuronApp(train_cfg=train_cfg), size, zoom)


async def cost_chart_in_app(app: App[None], size: tuple[int, int], zoom: bool) -> None:
    """The polls of ``bench_cost_chart_app`` on ``app``'s cost chart."""
    async with app.run_test(size=size) as pilot:
        chart = app.query_one(CostChart)
        while chart.size.width == 0:
            await pilot.pause(0.05)
        if zoom:
            await pilot.press("z")
            while chart.size.width != size[0]:
                await pilot.pause(0.02)
        for cursor in (False, True):
            for n in (1_000, 10_000_000):
                for log in (False, True):
                    await pilot.pause()
                    first, built, same, screen = cost_redraws(chart, n, log, REPEAT, cursor)
                    w, h = chart.size
                    print(
                        f"  {w}x{h}{' zoomed' if zoom else ''} n={n:>10,} "
                        f"{'log' if log else 'lin'} {'cursor' if cursor else 'plain '}  "
                        f"first {first:6.2f}  redraw {stats(built)}  no change "
                        f"{stats(same)}  to screen {screen:5.2f}"
                    )
        chart.log_y = False


class PredApp(App[None]):
    """The predictions plot in a pane beside a 40-column side bar, or alone (zoomed)."""

    CSS = "#side { width: 40; }"

    def __init__(self, pane: bool) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        if not self.pane:
            yield PredictionsPlot()
            return
        with Horizontal():
            yield Static("side", id="side")
            yield PredictionsPlot()


def disc_view(grid: tuple[int, int], flip: int) -> PredictionView:
    """2000 test points of a disc, ``flip`` of them misclassified, and a P(1) surface (grid)."""
    rng = np.random.default_rng(5)
    m = 2000
    X = rng.uniform(-6, 6, (2, m))
    Y = (np.hypot(X[0], X[1]) < 4).astype(np.float64)[None, :]
    pred = Y.copy()
    pred[0, :flip] = 1 - pred[0, :flip]
    gy, gx = grid
    xs, ys = np.linspace(-6.5, 6.5, gx), np.linspace(6.5, -6.5, gy)
    gxx, gyy = np.meshgrid(xs, ys)
    surface = 1 / (1 + np.exp(2 * (np.hypot(gxx, gyy) - 4 - flip / 1000)))
    return PredictionView(X=X, Y=Y, pred=pred, problem="classification",
                          feature_names=("x1", "x2"), surface=surface,
                          surface_extent=(-6.5, 6.5, -6.5, 6.5))  # fmt: skip


def line_view(grid: tuple[int, int], flip: int) -> PredictionView:
    """The ``line`` run's picture: 2000 test points either side of the true line, ``flip`` of
    them misclassified, a learned boundary close to the true line (its dashes drawn over the
    boundary); ``grid`` is unused (a linear model has no surface)."""
    rng = np.random.default_rng(6)
    X = rng.uniform(-10, 10, (2, 2000)) * np.array([[1.0], [1.6]]) + np.array([[0.0], [3.0]])
    Y = (X[1] > 1.23 * X[0] + 3.23).astype(np.float64)[None, :]
    pred = Y.copy()
    pred[0, :flip] = 1 - pred[0, :flip]
    return PredictionView(X=X, Y=Y, pred=pred, problem="classification",
                          feature_names=("x1", "x2"), boundary=(1.2 + flip / 1000, -1.0, 3.0),
                          true_line=(1.23, 3.23))  # fmt: skip


async def bench_predictions(
    size: tuple[int, int], pane: bool, view: Callable[[tuple[int, int], int], PredictionView]
) -> None:
    app = PredApp(pane)
    async with app.run_test(size=size) as pilot:
        plot = app.query_one(PredictionsPlot)
        await pilot.pause()
        w, h = plot.size
        grid = PredictionsPlot.grid_shape_for(w, h)
        # Two models a little apart (the app redraws when the evaluation changes).
        views = [view(grid, 40), view(grid, 60)]
        plot.show(views[1])
        shown = [0]

        def redraw() -> None:
            shown[0] += 1
            plot.show(views[shown[0] % 2])
            to_screen(plot)

        r_med, r_max = timed(redraw)
        s_med, _ = timed(partial(to_screen, plot))
        where = "a 80x40 pane of 120x40" if pane else "a whole screen (zoomed)"
        what = f"{grid[0]}x{grid[1]} surface" if view is disc_view else "boundary, true line"
        print(
            f"predictions {w}x{h} in {where}, 2000 points + {what} "
            f"(ms, median / max)\n  redraw {r_med:6.2f} / {r_max:6.2f}  "
            f"(of which to screen {s_med:5.2f})"
        )


async def bench_bandwidth(rate: int, seconds: float) -> None:
    """Bytes written while a 10M-iteration run advances ``rate`` iterations/s, polled at 10 Hz."""
    written = [0]
    saved = HeadlessDriver.__dict__["is_headless"], HeadlessDriver.__dict__["write"]

    def count(self: HeadlessDriver, data: str) -> None:
        written[0] += len(data.encode())

    # Make the headless driver render like a real one and count what it would write.
    setattr(HeadlessDriver, "is_headless", property(lambda self: False))  # noqa: B010
    setattr(HeadlessDriver, "write", count)  # noqa: B010
    try:
        planned = 10_000_000
        y = history(planned)
        iters = np.arange(0, planned, planned // 200, dtype=np.int64)
        app = ChartApp(pane=True, tail_seconds=TAIL_SECONDS)  # as in the app
        async with app.run_test(size=(120, 40)) as pilot:
            chart = app.query_one(CostChart)
            await pilot.pause()
            polls = int(seconds * 10)
            n = 0
            written[0] = 0
            redraws = chart.redraws
            for _ in range(polls):
                n = min(planned, n + rate // 10)
                k = int(np.searchsorted(iters, n))
                chart.set_data(y[:n], iters[:k], y[iters[:k]] + 0.01, planned)
                await pilot.pause()
            total, repaints = written[0], chart.redraws - redraws
    finally:
        setattr(HeadlessDriver, "is_headless", saved[0])  # noqa: B010
        setattr(HeadlessDriver, "write", saved[1])  # noqa: B010
    # (printed here: while the app runs with a "real" driver, Textual captures stdout)
    print(
        f"  {rate:>9,} it/s for {seconds:.0f} s: {total / seconds / 1024:6.2f} KB/s written, "
        f"{repaints} repaints for {polls} polls"
    )


async def main() -> None:
    bench_decimation()
    print()
    await bench_cost_chart(pane=False)
    await bench_cost_chart(pane=True)
    print()
    await bench_cost_chart_app()
    print()
    for view in (disc_view, line_view):
        await bench_predictions((120, 40), pane=True, view=view)
        await bench_predictions((200, 60), pane=False, view=view)
    print()
    print("terminal output, 80x24 chart pane in a 120x40 screen, 10 polls/s (budget 4 KB/s)")
    for rate in (20_000, 200_000, 2_000_000):
        await bench_bandwidth(rate, 5.0 if QUICK else 10.0)


if __name__ == "__main__":
    asyncio.run(main())
