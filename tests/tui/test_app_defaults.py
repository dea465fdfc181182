"""Defaults that work in the app: regression data brings its own learning rate, and a rate that
will diverge is named before the run starts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import notifications, settle, wait_for
from textual.widgets import Input, Select

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.widgets.yes_no import AutoYesNo

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


def _loans(path: Path) -> str:
    """A CSV whose raw columns (income in tens of thousands, age in tens) stall a neuron."""
    rng = np.random.default_rng(0)
    income, age = rng.normal(50000, 15000, 400), rng.normal(40, 12, 400)
    z = (income - 50000) / 15000 * 1.5 + (age - 40) / 12 - 1.0
    label = np.where(rng.random(400) < 1 / (1 + np.exp(-3 * z)), "yes", "no")
    rows = "".join(f"{a:.0f},{b:.0f},{c}\n" for a, b, c in zip(income, age, label, strict=True))
    path.write_text("income,age,approved\n" + rows, encoding="utf-8")
    return str(path)


async def test_csv_is_standardized_by_default_and_a_stuck_run_says_why(tmp_path: Path) -> None:
    csv = DataConfig(
        source="csv", csv_path=_loans(tmp_path / "loans.csv"), target="approved", standardize=False
    )
    app = NeuronApp(data_cfg=csv, train_cfg=TrainConfig(iterations=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.query_one("#standardize", AutoYesNo)
        assert box.value is False and box.setting is False
        await pilot.press("space")
        await wait_for(
            pilot,
            lambda: any("nothing learned yet" in n for n in notifications(app)),
            what="the majority-class advice",
        )
        advice = next(n for n in notifications(app) if "nothing learned yet" in n)
        assert "always answering 'no'" in advice and "standardize: yes" in advice
        # The generator's default is raw data; picking the CSV source again shows "yes".
        await pilot.press("1")
        source = app.query_one("#source", Select)
        source.value = "generator"
        await pilot.pause()
        assert box.value is False  # chosen "no" for the CSV file: kept
        box.value = True
        await pilot.pause()
        box.value = False  # back to the default of generated data
        await pilot.pause()
        assert box.setting is None
        source.value = "csv"
        await pilot.pause()
        assert box.value is True and box.setting is None
