"""The Math view (`m`): the article's equations with the engine's numbers, following the run.

The numbers on screen are the engine's (``neuron_core.training.explain``) for a seeded run at
iterations 0, 1 and 2 (zero init: every a is 0.5, the cost ln 2); the arrows pick the sample
(marked on the predictions plot), `n` steps, `z` zooms the panel, Escape closes it.
"""

from __future__ import annotations

import math

from conftest import settle, wait_for
from textual.geometry import Region

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.training.explain import UnitMath, explain_unit
from tui.app import NeuronApp
from tui.charts.glyphs import MARK_SAMPLE
from tui.charts.predictions import PredictionsPlot
from tui.commands import BindingCommands
from tui.keys import key_rows
from tui.views.math import num, vec
from tui.widgets.math_panel import MathPanel
from tui.widgets.network_view import NetworkView

DATA = DataConfig(samples=40, test_samples=40, seed=2)
ZERO = ModelConfig(init="zeros")
TRAIN = TrainConfig(lr=0.5, iterations=50)


def _panel(app: NeuronApp) -> MathPanel:
    panel = app.math_panel
    assert panel is not None
    return panel


def _engine(app: NeuronApp, sample: int, layer: int = -1, unit: int = 0) -> UnitMath:
    t = app.controller.trainer
    assert t is not None
    return explain_unit(
        t.model_cfg, t.train_cfg, t.snapshot().params, t.X_train, t.data.Y_train, sample,
        layer, unit,
    )  # fmt: skip


def _screen_text(app: NeuronApp) -> str:
    return "\n".join(_panel(app).lines)


async def test_the_numbers_shown_are_the_engines_at_iterations_0_1_2() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=ZERO, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        panel = _panel(app)
        assert app.focused is panel and panel.display
        for it in range(3):
            await wait_for(pilot, lambda it=it: f"iteration {it} " in _screen_text(app))
            um = _engine(app, panel.sample)
            text = _screen_text(app)
            if it == 0:
                assert um.a == 0.5 and abs(um.cost - math.log(2)) < 1e-15
                assert "a = σ(z) = 0.5" in text
                assert f"J = (1/m) Σ loss = {num(math.log(2))}" in text and "0.6931" in text
            for value in (um.z, um.a, um.loss, um.cost, um.db, um.b_next, um.lr):
                assert num(value) in text, (value, text)
            for vector in (um.inputs, um.dw, um.weights, um.w_next):
                assert vec(vector) in text, (vector, text)
            # The panel is on the screen, not just in its lines.
            shown = app.export_screenshot()
            assert f"= {num(um.cost)}" in shown.replace("&#160;", " ")
            await pilot.press("n")
            await settle(pilot)


async def test_arrows_pick_the_sample_and_its_point_is_marked_on_the_plot() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=ZERO, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "m")
        await settle(pilot)
        panel = _panel(app)
        plot = app.query_one("#scatter", PredictionsPlot)
        await wait_for(pilot, lambda: plot.marked is not None)
        X = app.controller.trainer.data.X_train  # type: ignore[union-attr]
        assert plot.marked == (float(X[0, 0]), float(X[1, 0]))
        assert "sample 1 of 40" in _screen_text(app)
        await pilot.press("down", "down", "right")
        await wait_for(pilot, lambda: "sample 4 of 40" in _screen_text(app))
        assert plot.marked == (float(X[0, 3]), float(X[1, 3]))
        assert vec(_engine(app, 3).inputs) in _screen_text(app)
        await pilot.press("up", "left", "left", "left", "left")  # wraps around
        await wait_for(pilot, lambda: "sample 39 of 40" in _screen_text(app))
        rows = lambda: [s.text for s in plot.render_lines(Region(0, 0, *plot.size))]  # noqa: E731
        await wait_for(pilot, lambda: any(MARK_SAMPLE in row for row in rows()))
        assert ("sample", MARK_SAMPLE, "math sample") in plot.legend_entries
        # The cost chart's cursor is not moved by the panel's arrows.
        assert app.workspace.training_pane.chart.cursor is None
        # z zooms the panel, z gives it back; Escape closes it and takes the mark away.
        await pilot.press("z")
        await wait_for(pilot, lambda: app.screen.maximized is panel)
        assert panel.has_class("-full") and panel.size.height > 30
        await pilot.press("z")
        await wait_for(pilot, lambda: app.screen.maximized is None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not panel.display)
        assert plot.marked is None and app.focused is not panel
        # m opens it again; m while it has the focus closes it.
        await pilot.press("m")
        await wait_for(pilot, lambda: panel.display and app.focused is panel)
        await pilot.press("m")
        await wait_for(pilot, lambda: not panel.display)


async def test_a_network_shows_the_selected_neurons_share_of_the_gradient() -> None:
    model = ModelConfig(hidden=(3,), activation="tanh", init_seed=1)
    app = NeuronApp(data_cfg=DATA, model_cfg=model, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "5", "left", "down", "m")  # h1.2 in the network pane
        await settle(pilot)
        assert app.query_one(NetworkView).selected == (0, 1)
        await wait_for(pilot, lambda: "h1.2 inputs" in _screen_text(app))
        um = _engine(app, 0, 0, 1)
        text = _screen_text(app)
        assert "a = tanh(z) = " + num(um.a) in text
        assert f"this sample's share (backpropagated) = {num(um.dz)}" in text
        for vector in (um.weights, um.dw, um.w_next):
            assert vec(vector) in text
        # The output neuron, picked in the network pane while the panel stays open.
        await pilot.press("5", "right")
        await wait_for(pilot, lambda: "a = σ(z)" in _screen_text(app))
        assert vec(_engine(app, 0, 1, 0).dw) in _screen_text(app)


async def test_math_and_tour_are_in_the_help_and_the_palette() -> None:
    table = key_rows(NeuronApp())
    rows = {row.keys: row for row in table}
    assert rows["m"].description == "Math" and "equations" in rows["m"].explanation
    assert rows["^t"].description == "Tour" and "Escape" in rows["^t"].explanation
    assert [r.keys for r in table if r.section == "Math"][:2] == ["↓, →", "↑, ←"]
    app = NeuronApp(data_cfg=DATA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        names = [name for name, _, _ in BindingCommands(app.screen)._commands()]
        assert "Math" in names and "Tour" in names
        # The tour's step keys are offered only during the tour.
        assert "Next tour step" not in names
