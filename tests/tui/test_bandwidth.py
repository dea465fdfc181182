"""The terminal output budget of issue 6, at the Pilot level.

``benchmarks/bench_bandwidth.py`` measures the real bytes in tmux; these tests pin the behaviour
that keeps them low: an idle (paused or finished) app repaints nothing on its 10 Hz poll, and
while training the stats and status line repaint only the cells that changed (values, never
labels), with the speed and time left at most once a second.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import settle, wait_for
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.cost_chart import CostChart
from tui.charts.predictions import PredictionsPlot
from tui.panes.status import StatusLine, status_markup
from tui.panes.training import Sampled, TrainingPane, sig_rate
from tui.run.progress import Progress

SMALL = DataConfig(samples=200, test_samples=200)
LONG = TrainConfig(iterations=50_000_000)


class Output:
    """Bytes and writes the app hands its driver: the headless driver, made to take the output
    a terminal's driver would get (Textual's headless mode renders nothing otherwise)."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0

    def write(self, data: str) -> None:
        self.frames += 1
        self.bytes += len(data.encode())


@contextmanager
def metered() -> Iterator[Output]:
    """Count what the app writes to its terminal while the block runs."""
    out = Output()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
        patch.setattr(HeadlessDriver, "write", lambda self, data: out.write(data))
        yield out


def counters(app: NeuronApp) -> tuple[int, ...]:
    """Repaint counters of every widget the poll feeds."""
    training = app.query_one(TrainingPane)
    return (
        training.stats.repaints,
        app.query_one(StatusLine).repaints,
        app.query_one(CostChart).redraws,
        app.query_one(PredictionsPlot).redraws,
    )


async def assert_idle(pilot: Pilot[None], app: NeuronApp, out: Output) -> None:
    """Half a second of polls (and a few direct ones) repaint nothing and write nothing."""
    await pilot.pause(0.3)
    before, frames, size = counters(app), out.frames, out.bytes
    for _ in range(3):
        app.workspace.poll()
    await pilot.pause(0.5)
    assert counters(app) == before
    assert (out.frames, out.bytes) == (frames, size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("end", ["paused", "finished"])
async def test_paused_and_finished_apps_write_nothing(size: tuple[int, int], end: str) -> None:
    train_cfg = LONG if end == "paused" else TrainConfig(iterations=3000)
    app = NeuronApp(data_cfg=SMALL, train_cfg=train_cfg)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        with metered() as out:
            await pilot.press("space")
            trainer = app.controller.trainer
            assert trainer is not None
            if end == "paused":
                await wait_for(pilot, lambda: trainer.iteration > 2000)
                await pilot.press("space")
            await settle(pilot)
            assert trainer.status == ("paused" if end == "paused" else "completed")
            assert out.frames > 0  # the meter sees what the app draws
            await assert_idle(pilot, app, out)


async def test_training_repaints_values_not_labels() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        stats = app.query_one(TrainingPane).stats
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 2000)
        await pilot.pause(0.2)
        with metered() as out:
            seen: list[tuple[int, int]] = []
            rows: dict[int, str] = {}
            # At least 12 polls, and until the stats changed: on a loaded machine the trainer's
            # thread may publish one chunk in more than the 1.2 s twelve polls take.
            polls, deadline = 0, time.monotonic() + 30.0
            while polls < 12 or (not seen and time.monotonic() < deadline):
                polls += 1
                repaints = stats.repaints
                app.workspace.poll()
                if stats.repaints > repaints:
                    assert stats.last_regions, "a full repaint of the stats while training"
                    seen += [(r.x, r.y) for r in stats.last_regions]
                await pilot.pause(0.1)
            # Three seconds: the cost chart is drawn again about once a second (its x axis grows
            # with the run, ~9 KB a frame here), so a one-second window held one or two of them.
            start, written = time.monotonic(), out.bytes
            await pilot.pause(3.0)
            rate = (out.bytes - written) / (time.monotonic() - start)
        lines = stats.plain.split("\n")
        for i, line in enumerate(lines):
            rows[i] = line
        assert seen, "the stats never changed while training"
        for x, y in seen:
            line = rows[y]
            # The state word, the blank line and the chart mode do not change while training,
            # and the label of a value line is never repainted.
            assert line and not line.startswith(("running", "chart")), line
            if line.startswith(("cost", "test cost", "speed", "ETA")):
                assert x >= len("cost       "), (x, line)
        # Inside the 20 KB/s budget for this size: ~9.5 KB/s of what Textual hands its driver
        # (tmux, which sends only the changed cells on, passes ~2.5 KB/s to its terminal).
        assert rate < 20_000, rate
        await pilot.press("space")
        await settle(pilot)


def test_speed_and_eta_are_sampled_once_a_second() -> None:
    s = Sampled(period=1.0)
    assert s("1 s", now=0.0) == "1 s"
    assert s("2 s", now=0.5) == "1 s"  # too soon
    assert s("3 s", now=1.0) == "3 s"
    assert s("4 s", now=1.2, force=True) == "4 s"  # a change of state shows at once
    assert s("—", now=1.3) == "—"  # so does a change between known and unknown
    assert s("5 s", now=1.4) == "5 s"


def test_speed_has_three_significant_digits() -> None:
    assert sig_rate(241_387.0) == "241,000 it/s"
    assert sig_rate(2_000.0) == "2,000 it/s"
    assert sig_rate(52.43) == "52.4 it/s"
    assert sig_rate(None) == "—"


def _progress(iteration: int, total: int, state: str = "running") -> Progress:
    return Progress(
        state, "", iteration, total, 0.0123456, 0.02, 0.99, 0.985, "accuracy", 248_000.0, 30.0, None
    )


def test_status_line_fits_its_width() -> None:
    p = _progress(2_583_313, 10_000_000)
    full = status_markup(p)
    assert "Iteration 2,583,313 / 10,000,000" in full and "248k it/s" in full
    for width in (78, 60, 40, 30, 20):
        text = status_markup(p, width)
        plain = text.replace("[b $success]", "").replace("[/]", "")
        assert len(plain) <= width or plain == "running · Iteration 2.58M / 10M", (width, plain)
        assert plain.startswith("running · Iteration ")
    assert "Iteration 2.58M / 10M · cost 0.01235 · acc 98.5% · 248k it/s" in status_markup(p, 78)


async def test_status_line_refits_when_the_terminal_narrows() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.query_one(StatusLine)
        assert "Iteration 0 / 50,000,000" in status.plain
        await pilot.resize_terminal(44, 24)
        await pilot.pause()
        await pilot.pause()
        assert status.plain.startswith("ready · Iteration 0 / 50M")
        assert len(status.plain) <= status.content_region.width
