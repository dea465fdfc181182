"""Undo: ``r`` (reset), ``g`` (new data) and a new model keep the run they replace, and ``u``
brings it back exactly (parameters, history, iteration count, data, and the forms' fields)."""

from __future__ import annotations

import numpy as np
from conftest import notifications, settle, train_to_end, wait_for
from textual.widgets import Input

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.bindings import APP_BINDINGS

SMALL = DataConfig(samples=100, test_samples=100)
SHORT = TrainConfig(iterations=300)


def told(app: NeuronApp, text: str) -> bool:
    return any(text in n for n in notifications(app))


async def test_reset_is_undone_exactly() -> None:
    assert any(getattr(b, "id", None) == "run.undo" and b.key == "u" for b in APP_BINDINGS)
    app = NeuronApp(data_cfg=SMALL, train_cfg=SHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: told(app, "nothing to undo"))
        trained = await train_to_end(pilot)
        costs, params = (
            trained.history.train().copy(),
            [p.copy() for p in trained.model.get_params()],
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: app.controller.trainer is not trained, what="the reset")
        await settle(pilot)
        assert app.controller.trainer is not None and app.controller.trainer.iteration == 0
        assert told(app, "Reset — u to undo (brings back iteration 300)")
        await pilot.press("u")
        await wait_for(pilot, lambda: app.controller.trainer is trained, what="the undo")
        await settle(pilot)
        back = app.controller.trainer
        assert back.iteration == 300 and back.status == "completed"
        np.testing.assert_array_equal(back.history.train(), costs)
        for got, want in zip(back.model.get_params(), params, strict=True):
            np.testing.assert_array_equal(got, want)
        assert told(app, "Undone (reset): back at iteration 300")
        # The reset run had no progress: nothing to redo. A reset run trains as a fresh one.
        await pilot.press("r")
        await wait_for(pilot, lambda: app.controller.trainer is not trained)
        await settle(pilot)
        again = await train_to_end(pilot)
        np.testing.assert_array_equal(again.history.train(), costs)


async def test_new_data_is_undone_with_its_seed_and_u_again_redoes() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=SHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trained = await train_to_end(pilot)
        data = app.controller.dataset
        await pilot.press("g")
        await wait_for(pilot, lambda: told(app, "New data (seed 1) — u to undo"))
        await settle(pilot)
        assert app.controller.dataset_cfg.seed == 1
        newer = await train_to_end(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: app.controller.trainer is trained, what="the undo")
        await settle(pilot)
        assert app.controller.dataset is data and app.controller.data_cfg.seed == 0
        assert app.query_one("#data-seed", Input).value == "0"
        assert told(app, "Undone (new data (seed 1)): back at iteration 300 — u to redo")
        await pilot.press("u")
        await wait_for(pilot, lambda: app.controller.trainer is newer, what="the redo")
        await settle(pilot)
        assert app.controller.data_cfg.seed == 1
        assert app.query_one("#data-seed", Input).value == "1"
