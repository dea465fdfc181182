"""Pinned cost curves: ``p`` pins the run's curve (up to five, a sixth replaces the oldest), the
legend names each pin by what differs from the current settings, ``P`` clears them and ``u``
brings them back; the zoomed chart shows them too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import notifications, settle, train_to_end, wait_for

from neuron_core.config import DataConfig, TrainConfig
from neuron_core.store.runfile import load_run
from tui.app import NeuronApp
from tui.bindings import APP_BINDINGS
from tui.cli.app_start import AppStart
from tui.run.pins import MAX_PINS, PinBoard, pin_label, settings_of
from tui.run.session import session_path
from tui.screens.resume import ResumeScreen

SMALL = DataConfig(samples=100, test_samples=100)
SHORT = TrainConfig(iterations=200)


def told(app: NeuronApp, text: str) -> bool:
    return any(text in n for n in notifications(app))


def legend(app: NeuronApp) -> str:
    return app.workspace.training_pane.chart.picture().plain.split("\n")[0]


def marks_in_plot(app: NeuronApp, mark: str) -> int:
    """How many times ``mark`` is drawn inside the cost chart's frame (not in its labels)."""
    count = 0
    for row in app.workspace.training_pane.chart.picture().plain.split("\n")[1:]:
        inner = row.strip()
        if inner[:1] in "0123456789." or "┤" in inner or inner.startswith("│"):
            left = max(inner.find("┤"), inner.find("│"))
            right = inner.rfind("│")
            if right > left >= 0:
                count += inner[left + 1 : right].count(mark)
    return count


async def test_pin_then_change_lr_names_what_differs_and_clear_is_undone() -> None:
    keys = {b.id: b.key for b in APP_BINDINGS if getattr(b, "id", None)}  # type: ignore[union-attr]
    assert keys["view.pin"] == "p" and keys["view.clear-pins"].startswith("P")
    app = NeuronApp(data_cfg=SMALL, train_cfg=SHORT)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: told(app, "nothing to pin yet"))
        await train_to_end(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: told(app, "pinned as 1: same settings"))
        # A higher learning rate: the pin is named by its own, the one that differs.
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.controller.train_cfg.lr == 0.3, what="lr 0.3")
        await settle(pilot)
        await wait_for(pilot, lambda: "1 lr 0.1" in legend(app), what=f"legend: {legend(app)!r}")
        assert "now" in legend(app)
        await pilot.press("r")  # a fresh run at the new rate, raced against the pin
        await settle(pilot)
        await train_to_end(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: "2 same settings" in legend(app), what=legend(app))
        assert "1 lr 0.1" in legend(app)
        # Where the two pinned curves share a cell, the newer pin's marker shows.
        assert marks_in_plot(app, "1") > 0 and marks_in_plot(app, "2") > 0
        await pilot.press("P")
        await wait_for(pilot, lambda: told(app, "cleared 2 pinned curves — u to undo"))
        await wait_for(pilot, lambda: "lr 0.1" not in legend(app), what=legend(app))
        await pilot.press("u")
        await wait_for(pilot, lambda: told(app, "Undone: 2 pinned curves back"))
        await wait_for(pilot, lambda: "1 lr 0.1" in legend(app), what=legend(app))


async def test_a_sixth_pin_replaces_the_oldest_and_zoom_shows_the_pins() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=50))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        for i in range(MAX_PINS):
            await pilot.press("p")
            await wait_for(pilot, lambda i=i: told(app, f"pinned as {i + 1}"))
        assert [p.mark for p in app.pin_board.pins] == ["1", "2", "3", "4", "5"]
        await pilot.press("p")
        await wait_for(pilot, lambda: told(app, "it replaced the oldest pin, 1"))
        assert [p.mark for p in app.pin_board.pins] == ["2", "3", "4", "5", "1"]
        await pilot.press("z")
        await wait_for(pilot, lambda: app.workspace.zoom.pane == "training", what="zoom")
        await settle(pilot)
        await wait_for(pilot, lambda: "same settings" in legend(app), what=legend(app))


def test_labels_name_only_what_differs() -> None:
    base = settings_of(DataConfig(), *_model_train(lr=0.1, optimizer="gd"))
    adam = settings_of(DataConfig(), *_model_train(lr=0.03, optimizer="adam"))
    assert pin_label(adam, base) == "adam lr 0.03"
    assert pin_label(base, adam) == "gd lr 0.1"
    assert pin_label(base, base) == "same settings"
    spiral = settings_of(DataConfig(name="spiral"), *_model_train(lr=0.1, optimizer="gd"))
    assert pin_label(spiral, base) == "spiral"
    assert pin_label(base, spiral) == "line"


def test_board_keeps_five_and_undoes_a_clear() -> None:
    board = PinBoard()
    costs = np.linspace(1.0, 0.1, 5000)
    for _ in range(MAX_PINS):
        assert board.add(costs, {})[1] is None
    pin, replaced = board.add(costs, {"--lr": "0.3"})
    assert replaced is not None and replaced.mark == "1" and pin.mark == "1"
    assert pin.iters.shape[0] <= 2048 and pin.length == 5000
    assert pin.costs.max() == 1.0 and pin.costs.min() == costs[-1]
    assert board.clear() == MAX_PINS and board.pins == []
    assert board.restore() == MAX_PINS and board.clear() == MAX_PINS
    board.add(costs, {})  # a new pin forgets the cleared ones
    assert board.restore() == 0


def _model_train(lr: float, optimizer: str) -> tuple[object, TrainConfig]:
    from neuron_core.config import ModelConfig

    return ModelConfig(), TrainConfig(lr=lr, optimizer=optimizer)  # type: ignore[arg-type]


def test_a_pin_owns_its_points() -> None:
    history = np.linspace(1.0, 0.5, 100)
    pin = PinBoard().add(history, {})[0]
    history[:] = 9.0  # the live buffer, written over by the next run
    assert pin.costs.max() == 1.0


@pytest.mark.usefixtures("sessions")
async def test_pins_are_kept_in_the_session_and_in_a_saved_run(tmp_path: Path) -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        await pilot.press("p", "right_square_bracket")
        await wait_for(pilot, lambda: "1 lr 0.1" in legend(app), what=legend(app))
        app.controller.save(str(tmp_path / "run.npz"))
        await wait_for(pilot, lambda: told(app, "saved the run"))
        pinned = app.pin_board.pins[0]
        await pilot.press("q")
        await pilot.pause()
    assert [p.mark for p in load_run(session_path()).pins] == ["1"]

    again = NeuronApp()
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("enter")  # Resume
        await settle(pilot)
        await wait_for(pilot, lambda: "1 lr 0.1" in legend(again), what=legend(again))
        back = again.pin_board.pins[0]
        assert back.costs.tobytes() == pinned.costs.tobytes() and back.settings == pinned.settings

    record = load_run(tmp_path / "run.npz")
    opened = NeuronApp(start=AppStart(path=str(tmp_path / "run.npz"), record=record, given=True))
    async with opened.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: len(opened.pin_board.pins) == 1, what="the saved pin")
        await wait_for(pilot, lambda: "1 lr 0.1" in legend(opened), what=legend(opened))


def test_a_label_escapes_what_comes_from_data() -> None:
    label = pin_label({"--csv": "a\x1b[2Jb.csv"}, {"--csv": "other.csv"})
    assert "\x1b" not in label and label.startswith("csv a")
