"""Editing a weight by hand: in the network pane, ``e`` opens the selected neuron's weights and
bias prefilled; Enter applies (the surface, the neuron outputs and the cost follow at once, the
run continues from there), Escape cancels, a bad value is marked with the reason, and ``r``
brings back the initial values."""

from __future__ import annotations

import numpy as np
from conftest import notifications, settle, wait_for
from textual.pilot import Pilot
from textual.widgets import Input, Static

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.training.edit import training_cost
from tui.app import NeuronApp
from tui.panes.network import NetworkPane
from tui.screens.edit_weights import EditWeights
from tui.widgets.network_view import NetworkView

DATA = DataConfig(name="circle", samples=120, test_samples=120, noise=0.05)
MODEL = ModelConfig(hidden=(3,), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=50)


def _app() -> NeuronApp:
    return NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)


async def _open_editor(pilot: Pilot[None], *moves: str) -> EditWeights:
    """Show the network pane, select a neuron with ``moves``, press e: the editor."""
    await pilot.press("5", *moves)
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, NeuronApp) and "e Edit" in app.footer.text()  # the key is shown
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, EditWeights), what="editor")
    screen = pilot.app.screen
    assert isinstance(screen, EditWeights)
    return screen


async def _type(pilot: Pilot[None], field: str, text: str) -> None:
    pilot.app.screen.query_one(field, Input).focus()
    await pilot.pause()
    await pilot.press("ctrl+u", *text)


def _params(app: NeuronApp) -> list[np.ndarray]:
    trainer = app.controller.trainer
    assert trainer is not None
    return trainer.model.get_params()


async def test_edit_a_weight_and_the_bias_before_the_start_then_reset() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = _params(app)
        screen = await _open_editor(pilot, "left", "down")  # h1.2
        assert app.query_one(NetworkView).selected == (0, 1)
        assert "Edit h1.2 = tanh" in str(screen.query_one("#edit-box").border_title)
        # Prefilled with the current values: x1's weight, x2's, then the bias.
        shown = [screen.query_one(f"#edit-w{k}", Input).value for k in range(3)]
        assert shown == [f"{v:.6g}" for v in (start[0][1, 0], start[0][1, 1], start[1][1, 0])]
        surface = app.query_one(NetworkPane).neuron_view
        assert surface is not None and surface.surface is not None
        before = surface.surface.copy()

        await _type(pilot, "#edit-w1", "-2.5")
        await _type(pilot, "#edit-w2", "0.75")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, EditWeights), what="closed")
        await settle(pilot)
        params = _params(app)
        assert params[0][1, 1] == -2.5 and params[1][1, 0] == 0.75
        assert params[0][1, 0] == start[0][1, 0]  # a row left as it was keeps its exact value
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "ready"
        cost = training_cost(trainer)
        assert any(f"h1.2: 2 parameters set; cost now {cost:.6g}" in n for n in notifications(app))
        # The neuron's own output plot and the network diagram show the new values at once.
        view = app.query_one(NetworkPane).neuron_view
        assert view is not None and view.surface is not None
        assert not np.allclose(view.surface, before)
        assert "-2.50" in str(app.query_one(NetworkView).render())

        # The run trains on from the edited weights: its first cost is the one shown.
        await pilot.press("space")
        await settle(pilot)
        assert trainer is app.controller.trainer and trainer.iteration == TRAIN.iterations
        assert trainer.history.train()[0] == cost

        # r: back to the initial values (the trained run is kept for u).
        await pilot.press("r")
        await settle(pilot)
        assert all(np.array_equal(a, b) for a, b in zip(start, _params(app), strict=True))


async def test_escape_cancels_and_a_bad_value_is_marked_with_the_reason() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = _params(app)
        screen = await _open_editor(pilot)  # the output neuron
        assert "Edit out = sigmoid" in str(screen.query_one("#edit-box").border_title)
        await _type(pilot, "#edit-w0", "9")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EditWeights), what="closed")
        await settle(pilot)
        assert all(np.array_equal(a, b) for a, b in zip(start, _params(app), strict=True))

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditWeights), what="editor")
        assert isinstance(app.screen, EditWeights)
        screen = app.screen
        await _type(pilot, "#edit-w0", "0.5")
        await _type(pilot, "#edit-w1", "abc")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # still open: nothing applied
        message = str(screen.query_one("#edit-message", Static).render())
        assert "w from h1.2: 'abc' is not a number" in message
        row = screen.query_one("#edit-row1")
        assert row.has_class("-invalid") and "! w from h1.2" in str(
            row.query_one(".edit-label", Static).render()
        )
        assert app.focused is screen.query_one("#edit-w1", Input)
        await _type(pilot, "#edit-w1", "1e9")
        await pilot.press("enter")
        await pilot.pause()
        assert "between" in str(screen.query_one("#edit-message", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert all(np.array_equal(a, b) for a, b in zip(start, _params(app), strict=True))


async def test_an_edit_while_training_continues_the_run_from_it() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TrainConfig(iterations=10**7))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 0, what="training")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditWeights), what="editor")
        await _type(pilot, "#edit-w3", "1.5")  # the output's bias
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.controller.trainer is not trainer, what="edited")
        new = app.controller.trainer
        assert new is not None and new.history is trainer.history
        edited_at = new.iteration
        assert any("out: 1 parameter set; cost now" in n for n in notifications(app))
        # Training went on by itself, from the edited parameters.
        await wait_for(pilot, lambda: new.iteration > edited_at + 10, what="training on")
        assert app.controller.running
        await pilot.press("space")
        await settle(pilot)
        assert new.status == "paused"


async def test_an_edit_of_a_finished_run_keeps_its_history() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        await _open_editor(pilot)
        await _type(pilot, "#edit-w3", "1.5")
        await pilot.press("enter")
        await settle(pilot)
        new = app.controller.trainer
        assert new is not None and new is not trainer
        assert new.iteration == TRAIN.iterations and new.status == "completed"
        assert new.model.get_params()[3][0, 0] == 1.5
        assert new.history.train().tobytes() == trainer.history.train().tobytes()
