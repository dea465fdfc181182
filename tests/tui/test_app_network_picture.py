"""The network pane's picture at 80x24 and 120x40: the selected neuron's plot has at least a
third of the pane's rows, its formula wraps and shows whole, and the thumbnails show every
neuron of the selected layer with the selected one marked."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from conftest import settle
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.predictions import PredictionsPlot
from tui.panes.network import NetworkPane
from tui.views.neuron_thumbnails import layer_thumbnails
from tui.widgets.network_thumbnails import NeuronThumbnails
from tui.widgets.network_view import NetworkView

DATA = DataConfig(name="spiral", samples=300, test_samples=300, noise=0.05)
MODEL = ModelConfig(hidden=(8, 4), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=400)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def lines_of(widget: Widget) -> list[str]:
    """What ``widget`` shows, one string per row."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


async def network_after_training(pilot: Pilot[Any]) -> NeuronApp:
    """Train to the end, then show the network pane (`5`); returns the app."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)
    assert app.controller.trainer is not None
    assert app.controller.trainer.status == "completed"
    await pilot.press("5")
    await settle(pilot)
    await pilot.pause(0.05)
    assert app.workspace.pane_visible("network")
    return app


async def wait_for(pilot: Pilot[Any], check: Any, what: str) -> None:
    """Poll ``check()`` (the screen settles after a key) for up to 30 s: long enough for a
    loaded machine, where the bound only ends a test that would otherwise hang."""
    deadline = time.monotonic() + 30.0
    while not check():
        assert time.monotonic() < deadline, f"never saw {what}"
        await pilot.pause(0.05)


def thumbnail_labels(app: NeuronApp) -> list[str]:
    """The label row of the thumbnails, split into labels."""
    strip = app.query_one(NeuronThumbnails)
    rows = lines_of(strip)
    assert len(rows) == 4, rows
    return rows[-1].split()


@SIZES
async def test_neuron_plot_has_a_third_of_the_pane(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await network_after_training(pilot)
        pane = app.query_one(NetworkPane)
        plot = app.query_one("#neuron-plot", PredictionsPlot)

        def plot_rows() -> int:
            rows = lines_of(plot)
            top = next((i for i, r in enumerate(rows) if "┌" in r), None)
            bottom = next((i for i, r in enumerate(rows) if "└" in r), None)
            return 0 if top is None or bottom is None else bottom - top - 1

        # The rows between the plot's frame lines: where the neuron's output is drawn.
        await wait_for(pilot, lambda: plot_rows() > 0, "the neuron's plot")
        assert plot_rows() * 3 >= pane.outer_size.height, (plot_rows(), pane.outer_size)
        # The neuron's surface was computed for the plot's final size (not the size it had
        # before the thumbnails took their rows).
        view = pane.neuron_view
        assert view is not None and view.surface is not None
        assert view.surface.shape == PredictionsPlot.grid_shape_for(*plot.size)


@SIZES
async def test_formula_wraps_and_shows_whole(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await network_after_training(pilot)
        view = app.query_one(NetworkView)
        await pilot.press("left")  # h2.1: eight inputs, the longest formula of this network
        await settle(pilot)
        assert view.selected == (1, 0)
        rows = [r.rstrip() for r in lines_of(view)]
        start = next(i for i, r in enumerate(rows) if r.startswith("h2.1 = tanh("))
        formula = " ".join(r.strip() for r in rows[start:] if not r.startswith("+/-"))
        assert "…" not in formula
        assert all(len(r) <= view.size.width for r in rows)
        net = view.network
        assert net is not None
        W, b = net.weights[1], net.biases[1]
        for i in range(8):
            assert f"{W[0, i]:+.2f}·h1.{i + 1}" in formula, formula
        assert f"{b[0]:+.2f})" in formula, formula
        assert rows[start + 1].strip(), "the formula wraps onto a second line"


@SIZES
async def test_thumbnails_show_the_selected_layer(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await network_after_training(pilot)
        strip = app.query_one(NeuronThumbnails)
        view = app.query_one(NetworkView)
        assert view.selected == (2, 0)
        await wait_for(pilot, lambda: strip.view is not None, "the thumbnails")
        assert thumbnail_labels(app) == ["»out«"]

        await pilot.press("left")  # h2: four units
        await settle(pilot)
        assert strip.view is not None and strip.view.surfaces.shape[0] == 4
        assert thumbnail_labels(app) == ["»h2.1«", "h2.2", "h2.3", "h2.4"]

        await pilot.press("left")  # h1: eight units, each its own picture
        await settle(pilot)
        assert strip.view is not None and strip.view.surfaces.shape[0] == 8
        assert thumbnail_labels(app) == ["»h1.1«", *(f"h1.{u}" for u in range(2, 9))]
        shading = lines_of(strip)[:3]
        assert all(len(r.rstrip()) <= strip.size.width for r in shading)
        assert len({s.tobytes() for s in strip.view.surfaces}) == 8

        await pilot.press("down", "down")
        await settle(pilot)
        assert view.selected == (0, 2)
        assert thumbnail_labels(app) == [
            "h1.1",
            "h1.2",
            "»h1.3«",
            *(f"h1.{u}" for u in range(4, 9)),
        ]

        await pilot.press("right")
        await settle(pilot)
        assert thumbnail_labels(app) == ["h2.1", "h2.2", "»h2.3«", "h2.4"]


async def test_a_click_on_a_thumbnail_selects_its_neuron() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await network_after_training(pilot)
        await pilot.press("left", "left")
        await settle(pilot)
        strip = app.query_one(NeuronThumbnails)
        cols, _ = strip.layout_for(strip.size.width)
        await pilot.click(NeuronThumbnails, offset=(3 * (cols + 1) + 1, 1))
        await settle(pilot)
        assert app.query_one(NetworkView).selected == (0, 3)
        assert "»h1.4«" in thumbnail_labels(app)


async def test_thumbnails_are_not_recomputed_for_the_same_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await network_after_training(pilot)
        calls: list[int] = []

        def counting(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return layer_thumbnails(*args, **kwargs)

        monkeypatch.setattr("tui.run.evaluation.layer_thumbnails", counting)
        strip = app.query_one(NeuronThumbnails)
        shown, redraws = strip.view, strip.redraws
        for _ in range(5):  # what the poll and a pane switch do
            app.workspace.refresh_views()
            await pilot.pause()
        assert calls == [] and strip.view is shown and strip.redraws == redraws
        await pilot.press("left")  # a new layer: computed once
        await settle(pilot)
        await pilot.press("right", "left")  # and back: from the cache
        await settle(pilot)
        assert len(calls) == 1
        assert strip.view is not None and np.all(np.isfinite(strip.view.surfaces))
