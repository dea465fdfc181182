"""How fast the charts are: decimation, cost-chart redraw, predictions redraw, terminal output.

Run: ``python benchmarks/bench_chart.py`` (add ``--quick`` for fewer repeats). Prints:

- ``minmax_decimate`` on 1e3 / 1e6 / 1e7 points, and the per-poll cost of the streaming
  decimation the chart uses on a 10M history (new iterations only);
- the cost chart at 120x40 (the whole screen) and in a 80x24 pane, with 1e3 and 1e7-point
  histories: the first ``set_data`` (decimates the whole history), a poll (``set_data`` after
  1000 more iterations), ``render()`` (plotext build + rich Text) and the full widget render
  (``render()`` + Textual's conversion to strips); budget 15 ms;
- the predictions plot with 2000 points and a 40x80 probability surface;
- bytes written to the terminal per second while a run streams into the chart at 10 polls a
  second, in a 120x40 app (the remote-use budget is 20 KB/s). Textual's headless driver writes
  nothing, so here it is made to render and count the bytes it would write.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static

from tui.charts.cost_chart import CostChart
from tui.charts.decimate import StreamingExtrema, minmax_decimate
from tui.charts.predictions import PredictionsPlot
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

    def __init__(self, pane: bool) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        if not self.pane:
            yield CostChart()
            return
        with Horizontal():
            yield Static("dataset · hyperparameters\n" * 30, id="side")
            with Vertical():
                with Vertical(id="chart-pane"):
                    yield CostChart()
                yield Static("predictions pane")


async def bench_cost_chart(pane: bool) -> None:
    app = ChartApp(pane)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(CostChart)
        await pilot.pause()
        w, h = chart.size
        print(f"cost chart {w}x{h} in a 120x40 screen (ms, median / max; budget 15 ms)")
        for n in (1_000, 10_000_000):
            y = history(n + 1_000)
            iters = np.arange(0, n + 1_000, max(1, n // 200), dtype=np.int64)
            tests = y[iters] + 0.01
            chart.clear()
            t = time.perf_counter()
            chart.set_data(y[:n], iters[iters < n], tests[iters < n], n + 1_000)
            first = (time.perf_counter() - t) * 1e3
            t = time.perf_counter()
            chart.set_data(y, iters, tests, n + 1_000)
            poll = (time.perf_counter() - t) * 1e3
            await pilot.pause()
            for log in (False, True):
                chart.log_y = log
                await pilot.pause()
                r_med, r_max = timed(chart.render)
                c_med, c_max = timed(chart._render_content)
                scale = "log" if log else "lin"
                print(
                    f"  n={n:>10,} {scale}  set_data first {first:6.2f}  poll {poll:6.2f}  "
                    f"render() {r_med:6.2f} / {r_max:6.2f}  full {c_med:6.2f} / {c_max:6.2f}"
                )
            chart.log_y = False


class PredApp(App[None]):
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("side", id="side")
            yield PredictionsPlot()

    CSS = "#side { width: 40; }"


async def bench_predictions() -> None:
    app = PredApp()
    async with app.run_test(size=(120, 40)) as pilot:
        plot = app.query_one(PredictionsPlot)
        await pilot.pause()
        rng = np.random.default_rng(5)
        m = 2000
        X = rng.uniform(-6, 6, (2, m))
        Y = (np.hypot(X[0], X[1]) < 4).astype(np.float64)[None, :]
        pred = Y.copy()
        pred[0, :40] = 1 - pred[0, :40]
        gy, gx = 40, 80
        xs, ys = np.linspace(-6.5, 6.5, gx), np.linspace(6.5, -6.5, gy)
        gxx, gyy = np.meshgrid(xs, ys)
        surface = 1 / (1 + np.exp(2 * (np.hypot(gxx, gyy) - 4)))
        view = PredictionView(X=X, Y=Y, pred=pred, problem="classification",
                              feature_names=("x1", "x2"), surface=surface,
                              surface_extent=(-6.5, 6.5, -6.5, 6.5))  # fmt: skip
        s_med, s_max = timed(lambda: plot.show(view))
        await pilot.pause()
        r_med, r_max = timed(plot.render)
        c_med, c_max = timed(plot._render_content)
        w, h = plot.size
        print(f"predictions {w}x{h}, 2000 points + 40x80 surface (ms, median / max)")
        print(
            f"  show {s_med:6.2f} / {s_max:6.2f}  render() {r_med:6.2f} / {r_max:6.2f}  "
            f"full {c_med:6.2f} / {c_max:6.2f}"
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
        app = ChartApp(pane=True)
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
    await bench_predictions()
    print()
    print("terminal output, 80x24 chart pane in a 120x40 screen, 10 polls/s (budget 20 KB/s)")
    for rate in (20_000, 200_000, 2_000_000):
        await bench_bandwidth(rate, 5.0 if QUICK else 10.0)


if __name__ == "__main__":
    asyncio.run(main())
