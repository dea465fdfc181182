"""SVG snapshots of the Math view (`m`) after two steps (`n n`) of the article's neuron from zero
init, at 80x24 and 120x40: the equations with the run's numbers under the panes, the sample
marked `@` on the predictions plot (pane 4 at 80x24; beside the chart at 120x40).

Update with ``pytest tests/tui/test_snapshots_math.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import settle, wait_for
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.messages import RunChanged

Compare = Callable[..., bool]


def _app() -> NeuronApp:
    return NeuronApp(
        data_cfg=DataConfig(samples=60, test_samples=60, seed=1),
        model_cfg=ModelConfig(init="zeros"),
        train_cfg=TrainConfig(lr=0.1, iterations=100),
    )


async def _two_steps_with_math(pilot: Pilot[Any]) -> None:
    """Two iterations, the predictions pane shown, the Math view open on the fourth sample."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("n", "n")
    await settle(pilot)
    trainer = app.controller.trainer
    assert trainer is not None and trainer.iteration == 2
    trainer.seconds = 1.0  # the speed shown
    app.post_message(RunChanged())
    await pilot.press("4", "m", "down", "down", "down")
    await wait_for(
        pilot, lambda: app.math_panel is not None and "sample 4 of" in app.math_panel.lines[0]
    )
    await settle(pilot)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_math_view_after_two_steps(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_two_steps_with_math)
