"""The app with enough data for the fast neuron's helper process: one helper at a time.

Reset, new data and every other change that replaces the run let go of the old run's helper
process at once (not at some later garbage collection), and quitting ends the last one.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from conftest import settle, train_to_end

from neuron_core.config import DataConfig, TrainConfig
from neuron_core.training import helper as helper_mod
from tui.app import NeuronApp

pytestmark = pytest.mark.skipif(
    not helper_mod.available() or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux shared memory and two CPUs",
)


def helpers() -> set[int]:
    """Process ids of this process's live helper children (zombies excluded)."""
    found = set()
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat[1] == me and stat[0] != "Z" and b"neuron_core.training.helper" in cmdline:
            found.add(int(entry.name))
    return found


async def until(check: object, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def test_one_helper_at_a_time_and_none_after_quit() -> None:
    before = helpers()
    # 2 features x 150,000 points in float64: 3.6 MB, over the helper's 1 MiB threshold.
    app = NeuronApp(DataConfig(samples=150_000), None, TrainConfig(iterations=300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        assert len(helpers() - before) == 1
        for key in ("r", "space", "g", "space", "g", "space"):
            await pilot.press(key)
            await settle(pilot)
            assert await until(lambda: len(helpers() - before) <= 1), key
        assert app.controller.trainer is not None
        assert app.controller.trainer.status == "completed"
        await pilot.press("q")
    assert await until(lambda: not (helpers() - before))
