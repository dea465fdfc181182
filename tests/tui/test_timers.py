"""The app's own timers cannot be skipped (``tui.timers``).

Textual's one-shot ``set_timer`` skips its only tick when its task is held up for longer than
its delay between two reads of the clock (its ``skip`` is on): seen on a loaded CI machine as a
key the gate held for ever (its 2 ms poll was never called) — a chain of such timers stops for
good. Here every one-shot Textual timer the app asks for is lost, as under that load, and the
keys and the poll that draws the run (and the cost chart) still work.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import settle, wait_for
from textual.message_pump import MessagePump
from textual.timer import Timer

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.cost_chart import CostChart
from tui.panes.training import TrainingPane

SMALL = DataConfig(samples=200, test_samples=200)


@pytest.fixture
def lost_timers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every one-shot timer set from ``tui`` code is made but never ticks; returns the names of
    the callbacks that asked for one."""
    lost: list[str] = []
    real = MessagePump.set_timer

    def set_timer(self: MessagePump, delay: float, callback: Any = None, **kw: Any) -> Timer:
        if getattr(callback, "__module__", "").startswith("tui."):
            lost.append(callback.__qualname__)
            kw["pause"] = True  # made, never resumed: as a tick skipped under load
        return real(self, delay, callback, **kw)

    monkeypatch.setattr(MessagePump, "set_timer", set_timer)
    return lost


async def test_keys_the_poll_and_the_chart_work_when_textual_timers_are_lost(
    lost_timers: list[str],
) -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=50_000_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Keys typed together wait in the gate, which polls until each took effect.
        await pilot.press("2", "3", "1", "3")
        await wait_for(
            pilot, lambda: app.workspace.active_pane == "training" and not app.keys.waiting
        )
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        stats = app.query_one(TrainingPane).stats
        chart = app.query_one(CostChart)
        repaints, redraws = stats.repaints, chart.redraws
        # The workspace's poll (a chain of timers) keeps drawing the run and the chart.
        await wait_for(pilot, lambda: stats.repaints > repaints + 3 and chart.redraws > redraws + 2)
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "paused"
    # And none of the app's own callbacks went through a timer that load can skip.
    assert lost_timers == [], lost_timers
