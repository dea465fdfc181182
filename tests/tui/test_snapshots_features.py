"""SVG snapshots of the dataset pane with its input-feature toggles, at 80x24 and 120x40: the
circle data with x1² and x2² turned on by keys, trained to the end by one neuron (the boundary
a circle), then the toggles focused again (the cursor on x2²).

Update with ``pytest tests/tui/test_snapshots_features.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import settle, wait_for
from textual.pilot import Pilot

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.messages import RunChanged
from tui.widgets.feature_toggles import FeatureToggles

Compare = Callable[..., bool]


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` and wait until the app handled them (none waits in its key gate)."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await pilot.press(*keys)
    await settle(pilot)
    await wait_for(pilot, lambda: not app.keys.waiting and app.keys.idle(), what="keys handled")


async def _focus_toggles(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await _press(pilot, "1")
    group = app.query_one(FeatureToggles)
    if app.focused is not group:
        chain = app.screen.focus_chain
        assert app.focused is not None
        await _press(
            pilot, *["tab"] * ((chain.index(group) - chain.index(app.focused)) % len(chain))
        )
    assert app.focused is group, "Tab did not reach the toggles"


async def _circle_with_squares(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await _focus_toggles(pilot)
    await _press(pilot, "right", "right", "space", "right", "space", "escape")
    await _press(pilot, "space")
    await settle(pilot)
    trainer = app.controller.trainer
    assert trainer is not None and trainer.status == "completed"
    trainer.seconds = 1.0  # the speed shown is then iterations / 1 s, every time
    app.post_message(RunChanged())
    await settle(pilot)
    await _focus_toggles(pilot)
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dataset_pane_with_feature_toggles(snap_compare: Compare, size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DataConfig(name="circle", samples=300, test_samples=300))
    assert snap_compare(app, terminal_size=size, run_before=_circle_with_squares)
