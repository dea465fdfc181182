"""Learning-rate schedules in the app: the fields (reached by the palette and the field jump by
their labels, shown for the schedule that uses them, bad values marked), ``[``/``]`` on the base
rate, and the rate drawn under the cost chart."""

from __future__ import annotations

import pytest
from conftest import settle, wait_for
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.store.runfile import load_run
from neuron_core.training.trainer import Trainer
from tui.app import NeuronApp
from tui.charts.rate_chart import RATE_MARK, RateCostChart
from tui.field_commands import form_fields
from tui.panes.fields import FormPane
from tui.run.session import session_path
from tui.screens.field_jump import FieldJump, hint_letters
from tui.screens.resume import ResumeScreen

SMALL = DataConfig(samples=100, test_samples=100)


def _chart_text(app: NeuronApp) -> str:
    return app.query_one(RateCostChart).picture().plain


async def test_schedule_fields_palette_jump_marks_and_lr_keys() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=300))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one("#hyper", FormPane)
        rows = pane.fields()
        # Constant: the schedule's settings are hidden, and the jump offers only what is shown.
        assert [rows[f].display for f in ("lr_decay", "lr_step_every", "lr_min")] == [False] * 3
        names = [t.name for t in form_fields(app.workspace)]
        assert "lr schedule" in names and "lr min" not in names
        # The palette reaches the schedule by its label.
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: CommandPalette.is_open(app), what="the palette")
        await pilot.press(*"lr schedule")

        def offered() -> bool:
            found = app.screen.query(OptionList)
            if not found:
                return False
            index = found.first().highlighted
            prompt = found.first().get_option_at_index(index).prompt if index is not None else ""
            return "lr schedule" in str(prompt)

        await wait_for(pilot, offered, what="'lr schedule' offered by the palette")
        await pilot.press("enter")
        select = app.query_one("#lr-schedule", Select)
        await wait_for(pilot, lambda: app.focused is select, what="the schedule field")
        select.value = "step"
        await settle(pilot)
        assert app.controller.train_cfg.lr_schedule == "step"
        assert rows["lr_decay"].display and rows["lr_step_every"].display
        assert not rows["lr_min"].display
        # A bad decay is marked with its reason and not applied.
        decay = app.query_one("#lr-decay", Input)
        decay.focus()
        decay.value = "1.5"
        await pilot.press("enter")
        await settle(pilot)
        assert rows["lr_decay"].has_class("-invalid") and decay.has_class("-invalid")
        assert "at most 1" in (rows["lr_decay"].error or "")
        assert app.controller.train_cfg.lr_decay == 0.5
        decay.focus()
        decay.value = "0.8"
        await pilot.press("enter")
        await settle(pilot)
        assert pane.errors() == {}
        every = app.query_one("#lr-step-every", Input)
        every.focus()
        every.value = "50"
        await pilot.press("enter")
        await settle(pilot)
        cfg = app.controller.train_cfg
        assert (cfg.lr_schedule, cfg.lr_decay, cfg.lr_step_every) == ("step", 0.8, 50)
        # ] raises the base rate and keeps the schedule.
        await pilot.press("]")
        await settle(pilot)
        cfg = app.controller.train_cfg
        assert cfg.lr == 0.3 and (cfg.lr_schedule, cfg.lr_decay) == ("step", 0.8)
        # Cosine: its last rate is the field shown now, and the field jump goes there.
        select.value = "cosine"
        await settle(pilot)
        names = [t.name for t in form_fields(app.workspace)]
        assert "lr min" in names and "lr decay" not in names
        await pilot.press("3", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
        await pilot.press(hint_letters(names)[names.index("lr min")])
        lr_min = app.query_one("#lr-min", Input)
        await wait_for(pilot, lambda: app.focused is lr_min, what="the lr min field")
        lr_min.value = "0.01"
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.train_cfg.lr_min == 0.01
        # Trained: the rate is drawn under the costs, from 0.3 down to 0.01.
        await pilot.press("3", "space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        assert trainer.train_cfg.lr_schedule == "cosine"
        await wait_for(pilot, lambda: "lr 0.3→0.01" in _chart_text(app), what="the rate legend")
        assert _chart_text(app).count(RATE_MARK) > 20


async def test_constant_schedule_draws_no_rate() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space")
        await settle(pilot)
        text = _chart_text(app)
        assert "train cost" in text and " lr " not in text and RATE_MARK not in text


async def test_an_opened_run_shows_its_schedule() -> None:
    cfg = TrainConfig(iterations=200, lr_schedule="exp", lr_decay=0.25, lr_step_every=40)
    app = NeuronApp(data_cfg=SMALL, train_cfg=cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#lr-schedule", Select).value == "exp"
        assert app.query_one("#lr-decay", Input).value == "0.25"
        assert app.query_one("#lr-step-every", Input).value == "40"
        pane = app.query_one("#hyper", FormPane)
        assert not pane.fields()["lr_min"].display
        # A bad value in a field the next schedule does not use does not block that schedule.
        app.query_one("#lr-decay", Input).value = "abc"
        await pilot.pause()
        assert "lr_decay" in pane.errors()
        app.query_one("#lr-schedule", Select).value = "cosine"
        await settle(pilot)
        assert pane.errors() == {}
        assert (app.controller.train_cfg.lr_schedule, app.controller.train_cfg.lr_decay) == (
            "cosine",
            0.25,
        )
        app.query_one("#lr-schedule", Select).value = "exp"
        await settle(pilot)
        assert "lr_decay" in pane.errors()  # shown again, and still bad
        decay = app.query_one("#lr-decay", Input)
        decay.focus()
        decay.value = "0.25"
        await pilot.press("enter")
        await settle(pilot)
        assert pane.errors() == {} and app.controller.train_cfg.lr_schedule == "exp"
        await pilot.press("3", "space")
        await settle(pilot)
        assert "lr 0.1→9.8e-05" in _chart_text(app)  # 0.1 * 0.25^(200/40)


@pytest.mark.usefixtures("sessions")
async def test_the_session_keeps_the_schedule_and_continues_bit_for_bit() -> None:
    cfg = TrainConfig(lr=0.5, iterations=120, lr_schedule="step", lr_decay=0.5, lr_step_every=25)
    app = NeuronApp(data_cfg=SMALL, train_cfg=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(3):  # three single iterations, then quit
            await pilot.press("n")
            await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    record = load_run(session_path())
    assert record.train_cfg == cfg and record.history.n == 3
    again = NeuronApp()
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen), what="the prompt")
        await pilot.press("enter")  # Resume
        await settle(pilot)
        assert again.query_one("#lr-schedule", Select).value == "step"
        await pilot.press("3", "space")
        await settle(pilot)
        resumed = again.controller.trainer
        assert resumed is not None and resumed.status == "completed"
    whole = Trainer(load(SMALL), ModelConfig(), cfg)
    whole.run()
    assert resumed.history.train().tobytes() == whole.history.train().tobytes()
