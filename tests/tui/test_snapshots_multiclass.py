"""SVG snapshot of the predictions pane after a finished, seeded 3-class blobs run at 80x24: a
marker per class with the legend naming them, the regions lettered by predicted class, and the
3 x 3 confusion matrix with per-class precision and recall beside the plot.

Update with ``pytest tests/tui/test_snapshots_multiclass.py --snapshot-update`` and look at the
SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.messages import RunChanged

Compare = Callable[..., bool]


async def _trained_predictions(pilot: Pilot[Any]) -> None:
    """Train to the end, pin the run's duration (the speed shown), show pane 4."""
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
    await pilot.press("4")
    await settle(pilot)
    await pilot.pause(0.1)


def test_three_class_predictions_at_80x24(snap_compare: Compare) -> None:
    # A hidden layer, so the plot letters the regions; noise puts a few points on the wrong side.
    app = NeuronApp(
        data_cfg=DataConfig(name="blobs", classes=3, samples=300, test_samples=300, noise=0.3),
        model_cfg=ModelConfig(hidden=(4,), init="xavier"),
        train_cfg=TrainConfig(optimizer="adam", lr=0.03, iterations=400),
    )
    assert snap_compare(app, terminal_size=(80, 24), run_before=_trained_predictions)
