"""SVG snapshots of the cost chart with a cosine learning-rate schedule: the rate drawn under
the costs, at 80x24 and 120x40, and zoomed (``z``) at 80x24. Update with ``--snapshot-update``
and look at the SVGs."""

from __future__ import annotations

import pytest
from test_snapshots import SMALL, WIDE, Compare, _run_to_end

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp


def _cosine_app() -> NeuronApp:
    return NeuronApp(
        data_cfg=DataConfig(samples=300, test_samples=300),
        train_cfg=TrainConfig(iterations=1000, lr=0.3, lr_schedule="cosine", lr_min=0.01),
    )


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_cost_chart_with_cosine_schedule(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(_cosine_app(), terminal_size=size, run_before=_run_to_end(before="3"))


def test_zoomed_cost_chart_with_cosine_schedule(snap_compare: Compare) -> None:
    assert snap_compare(_cosine_app(), terminal_size=SMALL, run_before=_run_to_end("z", before="3"))
