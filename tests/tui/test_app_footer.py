"""Pilot tests of the footer: the keys a person needs next, chosen by the app's state, whole,
with the palette's ^p, at 80 columns (issue 13, "Moving around")."""

from __future__ import annotations

from conftest import settle, wait_for
from textual.widgets import Input

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.widgets.key_footer import KeyFooter

SMALL = DataConfig(samples=200, test_samples=200)
LONG = TrainConfig(iterations=50_000_000)


def footer(app: NeuronApp) -> str:
    text = app.query_one(KeyFooter).text()
    # Nothing is cut off: the line fits, and the palette's key closes it.
    assert len(text) <= app.size.width, text
    assert text.endswith("^p palette"), text
    return text


def has(text: str, *entries: str) -> bool:
    return all(f" {e} " in f" {text} " for e in entries)


async def test_footer_follows_the_state_and_fits_80_columns() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        idle = footer(app)
        assert has(idle, "space Start", "n Step", "d D data", "[ ] lr", "+ - layers", "z Zoom")
        assert has(idle, "? Help", "q Quit")
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: "Pause" in footer(app), what="the running footer")
        running = footer(app)
        assert has(running, "space Pause", "[ ] lr", "l Log", "w Recent", "z Zoom", "←→ Cursor")
        assert not has(running, "n Step")  # refused while running: not offered
        await pilot.press("z")
        await wait_for(pilot, lambda: "Unzoom" in footer(app), what="the zoomed footer")
        assert has(footer(app), "space Pause", "z Unzoom", "←→ Cursor", "w Recent")
        await pilot.press("z", "space")
        await settle(pilot)
        assert trainer.status == "paused"
        paused = footer(app)
        assert has(paused, "space Resume", "n Step", "[ ] lr", "w Recent", "z Zoom", "q Quit")
        # A text field has the keys: the footer says how to get out of it.
        await pilot.press("2", "tab")
        assert isinstance(app.focused, Input)
        await pilot.pause()
        field = footer(app)
        assert has(field, "esc Leave field", "⏎ Apply", "tab Next field", "^q Quit")
        assert not has(field, "n Step")  # n types an n here


async def test_footer_of_a_finished_run_and_a_wide_terminal() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        done = footer(app)
        assert has(done, "r Reset", "l Log", "w Recent", "z Zoom", "? Help", "q Quit")
        await pilot.resize_terminal(130, 45)
        await pilot.pause()
        wide = footer(app)
        assert has(wide, "r Reset", "[ ] lr", "+ - layers", "g New data", "d D data")


async def test_a_click_on_a_footer_key_presses_it() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.query_one(KeyFooter)
        footer(app)
        start, _ = bar.pressable()["n"]
        await pilot.click(bar, offset=(start, 0))
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 1
        start, _ = bar.pressable()["right_square_bracket"]
        await pilot.click(bar, offset=(start, 0))
        await wait_for(pilot, lambda: app.controller.train_cfg.lr == 0.3, what="lr raised")
