"""Placing points by hand: in the predictions pane the arrows show a cursor (``╋``), ``o`` / ``x``
place a point of class 0 / 1 there (it joins the training set), Backspace removes the nearest
shown point, Escape hides the cursor; the summary and the split follow, the run goes on from its
weights, and a saved run (and the session) keeps the points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import settle, wait_for
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.store.restore import rebuild_dataset
from neuron_core.store.runfile import load_run
from tui.app import NeuronApp
from tui.charts.point_cursor import CURSOR_MARK, PointsPlot
from tui.panes.predictions import PredictionsPane
from tui.run.session import session_path

DATA = DataConfig(name="circle", samples=100, test_samples=80, noise=0.05)
MODEL = ModelConfig(hidden=(3,), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=40)


def _app(data: DataConfig = DATA) -> NeuronApp:
    return NeuronApp(data_cfg=data, model_cfg=MODEL, train_cfg=TRAIN)


def _plot(app: NeuronApp) -> PointsPlot:
    return app.query_one(PointsPlot)


def _text(app: NeuronApp) -> str:
    return _plot(app).picture().plain


async def _cursor_on(pilot: Pilot[None]) -> NeuronApp:
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(app.focused, PredictionsPane)
    assert _plot(app).cursor is None
    assert "Points" in app.footer.text()
    assert CURSOR_MARK not in _text(app)
    await pilot.press("right")
    await settle(pilot)
    assert _plot(app).cursor is not None and CURSOR_MARK in _text(app)
    return app


async def test_place_points_of_both_classes_and_remove_one() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _cursor_on(pilot)
        footer = app.footer.text()
        for words in ("o class 0", "x class 1", "⌫ remove", "Hide cursor"):
            assert words in footer, footer
        assert CURSOR_MARK in str(app.query_one(PredictionsPane).border_subtitle)
        data0 = app.controller.dataset
        assert data0 is not None
        at = _plot(app).cursor_point()
        assert at is not None
        await pilot.press("o", "right", "right", "up", "x")
        await settle(pilot)
        data = app.controller.dataset
        trainer = app.controller.trainer
        assert data is not None and trainer is not None and trainer.data is data
        assert (data.m_train, data.m_test, data.n_hand) == (data0.m_train + 2, data0.m_test, 2)
        assert data.Y_train[0, -2:].tolist() == [0.0, 1.0]
        mean, std = data.standardization or (np.zeros((2, 1)), np.ones((2, 1)))
        first = data.X_train[:, -2:-1] * std + mean
        assert np.allclose(first[:, 0], at)
        summary = str(app.workspace.dataset_pane.query_one("#data-summary").render())
        assert f"{data.m_train:,} train" in summary and "2 placed (in train)" in summary
        view = _plot(app).view
        assert view is not None and view.hand is not None and view.hand.shape == (3, 2)
        assert "placed by hand" in str(app.query_one(PredictionsPane).border_subtitle)

        # Backspace: the nearest shown point goes (here the class-1 point under the cursor).
        await pilot.press("backspace")
        await settle(pilot)
        data = app.controller.dataset
        assert data is not None and data.n_hand == 1 and data.m_train == data0.m_train + 1
        assert data.Y_train[0, -1] == 0.0

        # Escape hides the cursor; its keys leave the footer.
        await pilot.press("escape")
        await settle(pilot)
        assert _plot(app).cursor is None and "class 0" not in app.footer.text()
        await pilot.press("o")
        await settle(pilot)
        assert app.controller.dataset is data  # o does nothing without the cursor


async def test_the_run_continues_from_its_weights() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        params = trainer.model.get_params()
        await _cursor_on(pilot)
        await pilot.press("x")
        await settle(pilot)
        new = app.controller.trainer
        assert new is not None and new is not trainer and new.iteration == TRAIN.iterations
        for a, b in zip(params, new.model.get_params(), strict=True):
            assert np.array_equal(a, b)
        assert new.history.train().tobytes() == trainer.history.train().tobytes()


async def test_zoomed_plot_keeps_the_cursor_keys() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _cursor_on(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert app.workspace.zoom.pane == "predictions"
        await pilot.press("left", "o")
        await settle(pilot)
        data = app.controller.dataset
        assert data is not None and data.n_hand == 1


async def test_points_need_two_features_and_two_classes() -> None:
    app = _app(DataConfig(name="reg-plane", samples=60, test_samples=40))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right", "o")
        await settle(pilot)
        assert _plot(app).cursor is None and "Points" not in app.footer.text()
        data = app.controller.dataset
        assert data is not None and data.hand_log is None


async def test_saved_runs_and_the_session_keep_the_points(tmp_path: Path) -> None:
    app = _app()
    path = tmp_path / "run.npz"
    async with app.run_test(size=(80, 24)) as pilot:
        await _cursor_on(pilot)
        await pilot.press("o", "down", "down", "x")
        await settle(pilot)
        data = app.controller.dataset
        assert data is not None and data.n_hand == 2
        app.controller.save(str(path))
        await wait_for(pilot, path.exists, what="saved")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    for saved in (path, session_path()):  # the run file, and the session kept on quit
        back = rebuild_dataset(load_run(saved))
        assert back.X_train.tobytes() == data.X_train.tobytes() and back.n_hand == 2

    # Opened in a new app, the points are there.
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.controller.files.open(str(path))
        await wait_for(
            pilot,
            lambda: app.controller.dataset is not None and app.controller.dataset.n_hand == 2,
            what="opened with the points",
        )


async def test_a_click_on_the_plot_puts_the_cursor_there() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        area = _plot(app).plot_area
        assert area is not None and _plot(app).cursor is None
        await pilot.click(PointsPlot, offset=(area.x + 3, area.y + 2))
        await settle(pilot)
        assert _plot(app).cursor == (3, 2)
        assert "class 0" in app.footer.text()
        await pilot.press("x")
        await settle(pilot)
        data = app.controller.dataset
        assert data is not None and data.n_hand == 1 and data.Y_train[0, -1] == 1.0
