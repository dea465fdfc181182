"""Saving and opening runs (ctrl+s, ctrl+o) and reading CSV files from the dataset pane."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from conftest import notifications, settle, train_to_end, wait_for
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.panes.dataset import DatasetPane
from tui.screens.path_prompt import PathPrompt
from tui.widgets.feature_list import FeatureList

SMALL = DataConfig(samples=300, test_samples=300, noise=0.05, seed=3)


async def answer_prompt(pilot: Pilot[None], path: str, *, enters: int = 1) -> None:
    """Replace the path in the open prompt and press Enter."""
    app = pilot.app
    assert isinstance(app.screen, PathPrompt)
    box = app.screen.query_one("#path", Input)
    box.value = path
    for _ in range(enters):
        await pilot.press("enter")
        await pilot.pause()


async def test_save_then_open_shows_the_same_run(tmp_path: Path) -> None:
    path = tmp_path / "run.npz"
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(lr=0.3, iterations=700))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        trainer = await train_to_end(pilot)
        costs = trainer.history.train().copy()
        acc = app.controller.evaluate().test_score  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        assert app.screen.query_one("#path", Input).value == "~/neuron-tui-run.npz"
        await answer_prompt(pilot, str(path))
        await settle(pilot)
        assert path.is_file()
        assert any("saved the run" in n for n in notifications(app))

    other = NeuronApp()
    async with other.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await answer_prompt(pilot, str(path))
        await settle(pilot)
        opened = other.controller.trainer
        assert opened is not None
        assert opened.status == "completed"
        np.testing.assert_array_equal(opened.history.train(), costs)
        assert other.controller.evaluate().test_score == acc  # type: ignore[union-attr]
        stats = str(other.query_one("#stats", Static).render())
        assert "finished" in stats and "Iteration 700 / 700" in stats
        # The forms show the opened run's settings.
        assert other.query_one("#lr", Input).value == "0.3"
        assert other.query_one("#data-seed", Input).value == "3"
        assert other.query_one("#noise", Input).value == "0.05"
        assert other.controller.data_cfg == SMALL


async def test_opening_a_bad_file_keeps_the_current_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("this is not a saved run\n")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        trainer = app.controller.trainer
        for path in (bad, tmp_path / "missing.npz", tmp_path):
            await pilot.press("ctrl+o")
            await pilot.pause()
            await answer_prompt(pilot, str(path))
            await settle(pilot)
            assert app.controller.trainer is trainer
            assert trainer is not None and trainer.iteration == 2
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 3
        assert "not a neuron-tui run" in errors[0].message


async def test_save_prompt_asks_before_replacing_and_checks_the_folder(tmp_path: Path) -> None:
    existing = tmp_path / "old.npz"
    existing.write_bytes(b"old")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer_prompt(pilot, str(tmp_path / "nowhere" / "run.npz"))
        assert isinstance(app.screen, PathPrompt)
        message = str(app.screen.query_one("#prompt-message", Static).render())
        assert "does not exist" in message
        await answer_prompt(pilot, str(existing))
        assert isinstance(app.screen, PathPrompt)  # first Enter only warns
        assert existing.read_bytes() == b"old"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PathPrompt)
        assert existing.read_bytes()[:2] == b"PK"  # replaced by a saved run
        # Escape cancels without saving.
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PathPrompt)


async def test_saving_while_training_pauses_saves_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "live.npz"
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=50_000_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.controller.running)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer_prompt(pilot, str(path))
        deadline = time.monotonic() + 30.0  # ends a hang only: a loaded machine saves slowly
        while not path.exists() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert path.is_file()
        # Training goes on after the save.
        await wait_for(pilot, lambda: app.controller.running, what="training resumed")
        await pilot.press("space")
        await settle(pilot)


def write_csv(path: Path, rows: int = 60) -> None:
    rng = np.random.default_rng(0)
    lines = ["height,weight,age,label"]
    for _ in range(rows):
        h, w, a = rng.normal(size=3)
        lines.append(f"{h:.3f},{w:.3f},{a:.3f},{'yes' if h + w > 0 else 'no'}")
    path.write_text("\n".join(lines) + "\n")


async def switch_to_csv(pilot: Pilot[None], path: str) -> None:
    app = pilot.app
    await pilot.press("1")
    app.query_one("#source", Select).value = "csv"
    await pilot.pause()
    box = app.query_one("#csv-path", Input)
    box.focus()
    box.value = path
    await pilot.press("enter")
    await settle(pilot)


async def test_csv_file_offers_its_columns_and_loads(tmp_path: Path) -> None:
    csv_path = tmp_path / "people.csv"
    write_csv(csv_path)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await switch_to_csv(pilot, str(csv_path))
        assert app.query_one("#target", Select).value == "label"
        assert app.query_one(FeatureList).selected == ["height", "weight", "age"]
        dataset = app.controller.dataset
        assert dataset is not None
        assert dataset.feature_names == ("height", "weight", "age")
        assert dataset.class_names == ("no", "yes")
        assert app.controller.data_cfg.source == "csv"
        summary = str(app.query_one("#data-summary", Static).render())
        assert "class 1 (yes)" in summary
        # Untick a feature and leave the list: the data is read again with two features.
        features = app.query_one(FeatureList)
        features.focus()
        await pilot.pause()
        features.deselect("age")
        await pilot.press("escape")
        await settle(pilot)
        assert app.controller.dataset is not None
        assert app.controller.dataset.feature_names == ("height", "weight")
        # Training works on it (three features: the scatter shows the first two).
        await pilot.press("space")
        await settle(pilot)
        assert app.controller.trainer is not None
        assert app.controller.trainer.status == "completed"


async def test_csv_problems_are_marked_on_the_path(tmp_path: Path) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.controller.trainer
        await switch_to_csv(pilot, str(tmp_path / "missing.csv"))
        pane = app.query_one(DatasetPane)
        assert "csv_path" in pane.errors()
        assert any(n.severity == "error" for n in app._notifications)
        assert app.controller.trainer is before  # the current run stays
        empty = tmp_path / "header-only.csv"
        empty.write_text("a,b,label\n")
        box = app.query_one("#csv-path", Input)
        box.focus()
        box.value = str(empty)
        await pilot.press("enter")
        await settle(pilot)
        assert "no data rows" in pane.errors()["csv_path"]
        await pilot.press("space")
        await pilot.pause()
        assert not app.controller.running


async def test_large_generated_data_loads_in_the_background() -> None:
    app = NeuronApp(data_cfg=DataConfig(samples=150_000, test_samples=1_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.data.m_train == 150_000
        await pilot.press("n")
        await pilot.pause()
        assert trainer.iteration == 1
        # A new seed: loaded in a worker again, then the run starts over on it.
        await pilot.press("g")
        await settle(pilot)
        assert app.controller.trainer is not trainer
        assert app.controller.trainer is not None
        assert app.controller.trainer.iteration == 0
        assert app.controller.dataset_cfg is not None and app.controller.dataset_cfg.seed == 1
