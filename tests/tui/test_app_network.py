"""The network pane: `5` shows every layer's weights, arrows pick a neuron, and the plot under
the diagram shades that neuron's own output over the test points."""

from __future__ import annotations

import numpy as np
from conftest import settle, wait_for

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.panes.network import NetworkPane
from tui.widgets.network_view import NetworkView

DATA = DataConfig(name="circle", samples=300, test_samples=300, noise=0.05)
MODEL = ModelConfig(hidden=(4, 2), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=300)


def _surface(app: NeuronApp) -> np.ndarray:
    view = app.query_one(NetworkPane).neuron_view
    assert view is not None and view.surface is not None
    return view.surface


async def test_network_pane_shows_layers_and_follows_the_selected_neuron() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert app.controller.trainer is not None
        assert app.controller.trainer.status == "completed"
        pane = app.query_one(NetworkPane)
        assert not pane.display or not app.workspace.pane_visible("network")

        await pilot.press("5")
        await settle(pilot)
        assert app.workspace.pane_visible("network") and not app.workspace.pane_visible(
            "predictions"
        )
        view = app.query_one(NetworkView)
        assert app.focused is view
        text = str(view.render())
        for label in ("h1", "h2", "out", "x1", "x2"):
            assert label in text, text
        assert view.selected == (2, 0)  # the output neuron by default
        out_surface = _surface(app).copy()

        await pilot.press("left", "left")  # to the first hidden layer
        await settle(pilot)
        assert view.selected == (0, 0)
        first = _surface(app).copy()
        assert first.shape == out_surface.shape
        assert not np.allclose(first, out_surface)

        await pilot.press("down")
        await settle(pilot)
        assert view.selected == (0, 1)
        assert not np.allclose(_surface(app), first)

        await pilot.press("4")
        await settle(pilot)
        assert app.workspace.pane_visible("predictions") and not app.workspace.pane_visible(
            "network"
        )


async def test_network_is_a_tab_in_the_compact_layout() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.workspace.active_pane == "network" and app.workspace.pane_visible("network")
        assert "h1" in str(app.query_one(NetworkView).render())


async def test_the_shading_is_labelled_with_the_selected_neuron() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "left")
        await settle(pilot)
        view = app.query_one(NetworkPane).neuron_view
        assert view is not None and view.surface_label == "h2.1 output"
        await wait_for(
            pilot, lambda: "h2.1 output" in app.export_screenshot().replace("&#160;", " ")
        )


async def test_the_output_unit_is_named_as_the_models_output() -> None:
    # The article's single neuron: its plot shades the model's output ("out output" before).
    app = NeuronApp(data_cfg=DataConfig(samples=200, test_samples=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await wait_for(pilot, lambda: app.query_one(NetworkPane).neuron_view is not None)
        view = app.query_one(NetworkPane).neuron_view
        assert view is not None and view.surface_label == "model output"
        text = app.export_screenshot().replace("&#160;", " ")
        assert "model output" in text and "out output" not in text
