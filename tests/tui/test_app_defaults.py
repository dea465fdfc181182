"""Defaults that work in the app: regression data brings its own learning rate, and a rate that
will diverge is named before the run starts."""

from __future__ import annotations

from conftest import notifications, settle, wait_for
from textual.widgets import Input, Select

from neuron_core.config import DataConfig
from tui.app import NeuronApp

SMALL = DataConfig(samples=200, test_samples=200)


async def test_regression_data_takes_its_learning_rate_and_warns_before_diverging() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        app.query_one("#name", Select).value = "reg-line"
        await wait_for(pilot, lambda: app.controller.train_cfg.lr == 0.01, what="lr 0.01")
        await settle(pilot)
        assert app.query_one("#lr", Input).value == "0.01"
        assert app.controller.trainer is not None
        assert app.controller.trainer.train_cfg.lr == 0.01
        assert any("the default for regression" in n for n in notifications(app))
        # Up two presets (0.03, 0.1): the second will diverge, and the app says so at once.
        await pilot.press("right_square_bracket", "right_square_bracket")
        await wait_for(
            pilot,
            lambda: any("will diverge on this data" in n for n in notifications(app)),
            what="the divergence warning",
        )
        assert notifications(app)[-1].endswith("try 0.01 ([ lowers it)")
        assert app.controller.trainer.iteration == 0
        # Back at the regression default, then a classification generator: the article's rate.
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: app.controller.train_cfg.lr == 0.01, what="lr 0.01 again")
        await settle(pilot)
        app.query_one("#name", Select).value = "circle"
        await wait_for(pilot, lambda: app.controller.train_cfg.lr == 0.1, what="lr 0.1")


async def test_a_chosen_learning_rate_stays_when_the_problem_changes() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.workspace.hyper_pane.set_lr(0.003)
        await settle(pilot)
        app.query_one("#name", Select).value = "reg-plane"
        await wait_for(pilot, lambda: app.controller.model_cfg.problem == "regression")
        await settle(pilot)
        assert app.controller.train_cfg.lr == 0.003
