"""SVG snapshots of the hand edits at 80x24: the weight editor of a hidden neuron (``e`` in the
network pane) with a bad value marked and its reason.

Update with ``pytest tests/tui/test_snapshots_edit.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp

Compare = Callable[..., bool]


def _app() -> NeuronApp:
    return NeuronApp(
        data_cfg=DataConfig(name="circle", samples=120, test_samples=120, noise=0.05),
        model_cfg=ModelConfig(hidden=(3,), activation="tanh", init="xavier"),
        train_cfg=TrainConfig(optimizer="adam", lr=0.03, iterations=50),
    )


async def _editor_with_a_bad_value(pilot: Pilot[Any]) -> None:
    """Network pane, the first hidden layer's second unit, e; a bad value in the second row."""
    await settle(pilot)
    await pilot.press("5", "left", "down")
    await settle(pilot)
    await pilot.press("e", "tab", "ctrl+u", *"1.5x", "enter")
    await settle(pilot)
    await pilot.pause(0.1)


def test_weight_editor_80x24(snap_compare: Compare) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_editor_with_a_bad_value)


async def _points_placed(pilot: Pilot[Any]) -> None:
    """Predictions pane, the cursor shown and moved, a point of each class placed."""
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("right", "o", "up", "up", "right", "right", "x", "down")
    await settle(pilot)
    await pilot.pause(0.1)


def test_point_cursor_80x24(snap_compare: Compare) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_points_placed)
