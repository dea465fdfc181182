"""The hyperparameters pane's activation (one name for all layers, or one per layer), loss and
dropout fields: they reach the run, bad values are marked on their field, and the network pane
names each layer's activation."""

from __future__ import annotations

from conftest import settle, wait_for
from textual.widgets import Input, Select

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.panes.fields import FormPane
from tui.widgets.network_view import NetworkView

DATA = DataConfig(name="circle", samples=200, test_samples=200, noise=0.05)
MODEL = ModelConfig(hidden=(4, 2), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=300)


async def _type(pilot: object, app: NeuronApp, widget_id: str, value: str) -> None:
    box = app.query_one(f"#{widget_id}", Input)
    box.focus()
    box.value = value  # as if typed
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_activation_loss_and_dropout_fields_reach_the_run_and_the_network_pane() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await _type(pilot, app, "activation", "silu, sine")
        assert app.controller.model_cfg.activation == "silu,sine"
        app.query_one("#loss", Select).value = "squared"
        await settle(pilot)
        assert app.controller.model_cfg.loss == "squared"
        await _type(pilot, app, "dropout", "0.1")
        assert app.controller.train_cfg.dropout == 0.1
        trainer = app.controller.trainer
        assert trainer is not None and trainer.model_cfg.activation == "silu,sine"
        assert trainer.train_cfg.dropout == 0.1 and trainer.model_cfg.loss == "squared"
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "completed"
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score >= 0.8
        await pilot.press("5")
        await settle(pilot)
        view = app.query_one(NetworkView)
        await wait_for(pilot, lambda: "h2 sin" in str(view.render()), what="layer names")
        text = str(view.render())
        assert "h1 silu" in text and "h2 sin" in text and "out σ" in text, text


async def test_the_drop_down_puts_one_name_for_every_layer() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        app.query_one("#activation-preset", Select).value = "elu"
        await settle(pilot)
        assert app.query_one("#activation", Input).value == "elu"
        assert app.controller.model_cfg.activation == "elu"
        assert app.query_one("#activation-preset", Select).value is Select.NULL


async def test_plus_and_minus_keep_a_per_layer_activation_list_in_step() -> None:
    model = ModelConfig(hidden=(4, 2), activation="tanh,relu")
    app = NeuronApp(data_cfg=DATA, model_cfg=model, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        cfg = app.controller.model_cfg
        assert (cfg.hidden, cfg.activation) == ((4, 2, 2), "tanh,relu,relu")
        await pilot.press("minus", "minus")
        await settle(pilot)
        cfg = app.controller.model_cfg
        assert (cfg.hidden, cfg.activation) == ((4,), "tanh")
        assert app.query_one("#activation", Input).value == "tanh"


async def test_bad_activation_lists_and_dropout_are_marked_on_their_field() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.query_one("#hyper", FormPane)
        before = app.controller.model_cfg
        for value, reason in (
            ("tanh, relu, elu", "3 names for 2 hidden layers"),
            ("tanh, swish", "must be one of tanh"),
        ):
            box = app.query_one("#activation", Input)
            box.focus()
            box.value = value
            await pilot.pause()
            row = pane.fields()["activation"]
            assert row.has_class("-invalid") and reason in (row.error or ""), row.error
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.model_cfg == before  # never applied
        box.focus()
        await wait_for(pilot, lambda: app.focused is box, what="the field has the focus")
        box.value = "relu"
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: app.controller.model_cfg.activation == "relu")
        assert not pane.fields()["activation"].has_class("-invalid")
        drop = app.query_one("#dropout", Input)
        drop.focus()
        drop.value = "1"
        await pilot.pause()
        row = pane.fields()["dropout"]
        assert row.has_class("-invalid") and "less than 1" in (row.error or "")
        assert app.controller.train_cfg.dropout == 0.0
