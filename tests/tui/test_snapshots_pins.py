"""SVG snapshots of the cost chart with three pinned curves, at 80x24 and 120x40.

Update with ``pytest tests/tui/test_snapshots_pins.py --snapshot-update`` and look at the SVGs.
Seeded data, runs trained to their end, the speed pinned by a fixed duration, the notices
cleared before the screenshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.messages import RunChanged

Compare = Callable[..., bool]


async def _train(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await pilot.press("space")
    await settle(pilot)
    trainer = app.controller.trainer
    assert trainer is not None and trainer.status == "completed"
    trainer.seconds = 1.0  # the speed shown is then iterations / 1 s, every time
    app.post_message(RunChanged())
    await settle(pilot)


async def _three_pins(pilot: Pilot[Any]) -> None:
    """Pin runs at lr 0.01, 0.03 and 0.1, then train at lr 0.3: three pinned curves and the live
    one."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("3")
    for key in ("", "right_square_bracket", "right_square_bracket"):
        if key:
            await pilot.press(key, "r")
            await settle(pilot)
        await _train(pilot)
        await pilot.press("p")
        await settle(pilot)
    await pilot.press("right_square_bracket", "r")
    await settle(pilot)
    await _train(pilot)
    assert len(app.pin_board.pins) == 3 and app.controller.train_cfg.lr == 0.3
    app.clear_notifications()
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_three_pinned_curves(snap_compare: Compare, size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DataConfig(), train_cfg=TrainConfig(lr=0.01, iterations=300))
    assert snap_compare(app, terminal_size=size, run_before=_three_pins)
