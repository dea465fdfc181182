"""SVG snapshots of the network pane after a finished, seeded spiral run with hidden layers, at
80x24 and 120x40: the diagram, the selected neuron's plot beside it with the formula wrapped,
the legend in words and the thumbnails of the selected layer.

Update with ``pytest tests/tui/test_snapshots_network.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.messages import RunChanged

Compare = Callable[..., bool]


def _spiral_app() -> NeuronApp:
    return NeuronApp(
        data_cfg=DataConfig(name="spiral", samples=300, test_samples=300, noise=0.05),
        model_cfg=ModelConfig(hidden=(8, 4), activation="tanh", init="xavier"),
        train_cfg=TrainConfig(optimizer="adam", lr=0.03, iterations=1500),
    )


async def _trained_network(pilot: Pilot[Any]) -> None:
    """Train to the end, pin the run's duration (the speed shown), show pane 5 and select the
    first hidden layer's second unit."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)
    trainer = app.controller.trainer
    assert trainer is not None and trainer.status == "completed"
    trainer.seconds = 1.0
    app.post_message(RunChanged())
    await settle(pilot)
    await pilot.press("5", "left", "left", "down")
    await settle(pilot)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_network_pane_after_spiral_run(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(_spiral_app(), terminal_size=size, run_before=_trained_network)
