"""SVG snapshots of seeded, frozen states at 80x24 and 120x40.

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs. Every
state is deterministic: seeded data, runs trained to their end (or to divergence), and the one
timing-dependent number (the average it/s of a finished run) pinned by giving the run a fixed
duration before the screenshot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from conftest import settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.messages import RunChanged

Compare = Callable[..., bool]
WIDE = (120, 40)
SMALL = (80, 24)


async def _fresh(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def _run_to_end(*keys: str, before: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press ``before`` (a pane), train to the end (or divergence), pin the run's duration to
    1 s, then press ``keys``."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, NeuronApp)
        await settle(pilot)
        if before:
            await pilot.press(before)
            await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status in ("completed", "diverged")
        trainer.seconds = 1.0  # the speed shown is then iterations / 1 s, every time
        app.post_message(RunChanged())
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run


def _diverging_app() -> NeuronApp:
    # reg-line with lr 0.1: the squared error blows up and the cost overflows at iteration 189.
    return NeuronApp(
        data_cfg=DataConfig(name="reg-line", samples=200, test_samples=200),
        train_cfg=TrainConfig(lr=0.1, iterations=2000),
    )


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_fresh_app(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(NeuronApp(), terminal_size=size, run_before=_fresh)


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_finished_line_run(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(NeuronApp(), terminal_size=size, run_before=_run_to_end())


def test_finished_line_run_predictions_tab(snap_compare: Compare) -> None:
    assert snap_compare(NeuronApp(), terminal_size=SMALL, run_before=_run_to_end("4"))


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_diverged_run(snap_compare: Compare, size: tuple[int, int]) -> None:
    assert snap_compare(_diverging_app(), terminal_size=size, run_before=_run_to_end())


def test_help_screen(snap_compare: Compare) -> None:
    assert snap_compare(NeuronApp(), terminal_size=SMALL, run_before=_run_to_end("f1"))


def _spiral_app() -> NeuronApp:
    # A small network that learns the spiral (about 94% test accuracy): a shaded surface.
    return NeuronApp(
        data_cfg=DataConfig(name="spiral", samples=300, test_samples=300),
        model_cfg=ModelConfig(hidden=(8, 8), init="xavier"),
        train_cfg=TrainConfig(iterations=1000, lr=0.03, optimizer="adam"),
    )


def _regression_app(name: str) -> NeuronApp:
    lr = 0.01 if name == "reg-line" else 0.1
    return NeuronApp(
        data_cfg=DataConfig(name=name, samples=300, test_samples=300),
        train_cfg=TrainConfig(lr=lr, iterations=2000),
    )


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_line_run_predictions(snap_compare: Compare, size: tuple[int, int]) -> None:
    """The finished `line` run in pane 4: boundary and true line over the points, edge to edge."""
    assert snap_compare(NeuronApp(), terminal_size=size, run_before=_run_to_end("4"))


@pytest.mark.parametrize(
    ("size", "elsewhere"), [(SMALL, "3"), (WIDE, "5")], ids=["80x24", "120x40"]
)
def test_spiral_surface_after_pane_switch(
    snap_compare: Compare, size: tuple[int, int], elsewhere: str
) -> None:
    """Trained while another pane was shown, then `4`: the decision surface is drawn."""
    run = _run_to_end("4", before=elsewhere)
    assert snap_compare(_spiral_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("name", ["reg-line", "reg-plane"])
@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_regression_fit(snap_compare: Compare, size: tuple[int, int], name: str) -> None:
    """reg-line: the fitted curve over the points; reg-plane: residuals on the fit (``=``)."""
    app = _regression_app(name)
    assert snap_compare(app, terminal_size=size, run_before=_run_to_end("4"))


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_zoomed_predictions_plot(snap_compare: Compare, size: tuple[int, int]) -> None:
    # `4` then `z`: the scatter, boundary and true line fill the screen above the footer.
    assert snap_compare(NeuronApp(), terminal_size=size, run_before=_run_to_end("4", "z"))


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])
def test_cost_chart_cursor(snap_compare: Compare, size: tuple[int, int]) -> None:
    # The cursor eight columns left of the last iteration: the mark and the readout line.
    keys = ("3", *["left"] * 9)
    assert snap_compare(NeuronApp(), terminal_size=size, run_before=_run_to_end(*keys))
