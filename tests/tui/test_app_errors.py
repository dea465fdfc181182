"""Errors name the field by its label and take the person there (the pane switches at 80x24);
a summary that no longer matches the fields says it is out of date."""

from __future__ import annotations

from conftest import notifications, settle, wait_for
from textual.widgets import Input, Static

from neuron_core.config import DataConfig
from tui.app import NeuronApp

SMALL = DataConfig(samples=100, test_samples=100)


async def test_start_names_the_bad_field_by_its_label_and_goes_there() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#l2", Input).value = "-1"  # as if typed, in the hidden hyper pane
        await pilot.pause()
        assert app.workspace.active_pane == "training"
        await pilot.press("space")
        await wait_for(pilot, lambda: bool(notifications(app)))
        assert notifications(app)[-1] == "L2 penalty must be at least 0, got -1"
        assert app.workspace.active_pane == "hyper" and app.focused is app.query_one("#l2")
        assert not app.controller.running
        # Two bad fields: the first in form order, and how many more.
        app.query_one("#samples", Input).value = "x"
        await pilot.pause()
        await pilot.press("escape", "3", "space")  # leave the field, show the chart, start
        await wait_for(pilot, lambda: len(notifications(app)) == 2)
        assert (
            notifications(app)[-1] == "Train samples: not a whole number: 'x' (and 1 more marked)"
        )
        assert app.workspace.active_pane == "dataset"
        assert app.focused is app.query_one("#samples")


async def test_a_notice_about_a_field_names_its_label() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.controller.notice("must be at most 8, got 9", "error", "hidden", "model")
        await wait_for(pilot, lambda: bool(notifications(app)))
        assert notifications(app)[-1] == "Hidden layers must be at most 8, got 9"
        assert app.workspace.hyper_pane.fields()["hidden"].error == "must be at most 8, got 9"


async def test_a_summary_that_no_longer_matches_the_fields_says_so() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        data_note = app.workspace.dataset_pane.query_one(".form-stale", Static)
        summary = app.query_one("#data-summary", Static)
        assert not data_note.display and "100 train" in str(summary.render())
        samples = app.query_one("#samples", Input)
        samples.focus()
        samples.value = "x"
        await pilot.pause()
        assert data_note.display
        assert "out of date: train samples is invalid" in str(data_note.render())
        samples.value = "300"  # valid, not applied yet: the summary still shows 100
        await pilot.pause()
        assert "out of date: the fields changed (Enter applies them)" in str(data_note.render())
        await pilot.press("enter")
        await settle(pilot)
        assert not data_note.display and "300 train" in str(summary.render())
        # The hyperparameters' note too.
        hyper_note = app.workspace.hyper_pane.query_one(".form-stale", Static)
        lr = app.query_one("#lr", Input)
        lr.focus()
        lr.value = "0.5"
        await pilot.pause()
        assert hyper_note.display and "fields changed" in str(hyper_note.render())
        await pilot.press("escape")
        await settle(pilot)
        assert not hyper_note.display and app.controller.train_cfg.lr == 0.5
