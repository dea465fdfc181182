"""Invalid input on every field: marked on the field with a reason, never applied, and training
refuses to start until it is fixed."""

from __future__ import annotations

import pytest
from conftest import notifications, settle, wait_for
from textual.widgets import Input, Select, Static

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.forms import parse_float, parse_hidden, parse_int
from tui.panes.fields import Field, FormPane

BAD = ("", "abc", "nan", "inf", "-1", "0", "1e99")

# (widget id, config field, the values of BAD that are *valid* for it, pane selector).
FIELDS: list[tuple[str, str, set[str], str]] = [
    ("samples", "samples", set(), "#dataset"),
    ("test-samples", "test_samples", set(), "#dataset"),
    ("noise", "noise", {"0"}, "#dataset"),
    ("data-seed", "seed", {"0"}, "#dataset"),
    ("lr", "lr", set(), "#hyper"),
    ("iterations", "iterations", set(), "#hyper"),
    ("batch-size", "batch_size", {""}, "#hyper"),
    ("l1", "l1", {"0"}, "#hyper"),
    ("l2", "l2", {"0"}, "#hyper"),
    ("target-cost", "target_cost", {"", "0", "1e99"}, "#hyper"),
    ("early-stop", "early_stop", {""}, "#hyper"),
    ("hidden", "hidden", {""}, "#hyper"),
    ("seed", "seed", {"0"}, "#hyper"),
]

SMALL = DataConfig(samples=100, test_samples=100)


@pytest.mark.parametrize(("widget_id", "field", "valid", "pane_id"), FIELDS)
async def test_every_bad_value_is_marked_and_blocks_start(
    widget_id: str, field: str, valid: set[str], pane_id: str
) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1" if pane_id == "#dataset" else "2")
        pane = app.query_one(pane_id, FormPane)
        row = pane.fields()[field]
        box = app.query_one(f"#{widget_id}", Input)
        good = box.value
        data_before, train_before = app.controller.data_cfg, app.controller.train_cfg
        model_before = app.controller.model_cfg
        entered = False
        label = row.label[:1].upper() + row.label[1:]
        for value in BAD:
            box.focus()
            box.value = value  # as if typed: the field is checked on every change
            await pilot.pause()
            if value in valid:
                assert not row.has_class("-invalid"), (value, row.error)
                continue
            assert row.has_class("-invalid"), value
            assert box.has_class("-invalid"), value
            reason = str(row.query_one(".field-error", Static).render())
            assert reason.startswith("✗ ") and len(reason) > 4, (value, reason)
            if not entered:
                # Enter does not apply a bad value (the run keeps its last valid settings),
                # the mark stays, and training does not start while it is there.
                entered = True
                await pilot.press("enter")
                assert row.has_class("-invalid") and box.has_class("-invalid"), value
                assert app.controller.data_cfg == data_before
                assert app.controller.train_cfg == train_before
                assert app.controller.model_cfg.hidden == model_before.hidden
                await pilot.press("space")
                assert not app.controller.running, value
                await wait_for(
                    pilot,
                    lambda: any(n.startswith(label) for n in notifications(app)),
                    what=f"the notice for {value!r}",
                )
                # It names the field by its label, and the focus was taken there.
                assert app.focused is box
        # Fixing the value clears the mark.
        box.focus()
        box.value = good
        await pilot.press("enter")
        await settle(pilot)
        assert not row.has_class("-invalid")
        assert pane.errors() == {}


async def test_all_bad_fields_are_marked_at_once() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for widget_id, value in (("lr", "-1"), ("iterations", "abc"), ("l2", "nan")):
            app.query_one(f"#{widget_id}", Input).value = value
        await pilot.pause()
        errors = app.query_one("#hyper", FormPane).errors()
        assert set(errors) == {"lr", "iterations", "l2"}
        assert "greater than 0" in errors["lr"]
        assert "NaN" in errors["l2"]


async def test_marks_follow_typing_before_enter() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.query_one("#noise", Input)
        box.focus()
        box.value = ""
        await pilot.press("9")
        await pilot.pause()
        row = app.query_one("#dataset", FormPane).fields()["noise"]
        assert row.has_class("-invalid")
        assert "at most 0.5" in (row.error or "")
        await pilot.press("backspace", "0", ".", "2")
        await pilot.pause()
        assert not row.has_class("-invalid")
        assert app.controller.data_cfg.noise == 0.0  # not applied until Enter or leaving
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.data_cfg.noise == 0.2


async def test_engine_refusal_is_shown_on_the_field_it_names() -> None:
    # A model the engine cannot build (here: a width over the maximum) is marked on its field.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.query_one("#hidden", Input)
        box.focus()
        box.value = "99"
        await pilot.press("enter")
        await settle(pilot)
        row = app.query_one("#hyper", FormPane).fields()["hidden"]
        assert row.has_class("-invalid")
        assert "at most 8" in (row.error or "")


def test_parsers_explain_their_refusals() -> None:
    from neuron_core.errors import ConfigError

    assert parse_int("samples", "2,000") == 2000
    assert parse_int("samples", "1e6") == 1_000_000
    assert parse_float("lr", " 0.03 ") == 0.03
    assert parse_hidden("hidden", "4, 4") == (4, 4)
    assert parse_hidden("hidden", "") == ()
    assert parse_int("batch_size", "", optional=True) is None
    for text in ("1.5", "abc", "nan", "inf"):
        with pytest.raises(ConfigError) as err:
            parse_int("samples", text)
        assert err.value.field == "samples"
    with pytest.raises(ConfigError, match="required"):
        parse_float("lr", "")


def test_field_rows_mark_without_colour() -> None:
    row = Field("noise", Input(), field="noise")
    row.set_error("must be at most 0.5, got 9")
    assert row.has_class("-invalid")
    assert row.error == "must be at most 0.5, got 9"
    row.set_error(None)
    assert not row.has_class("-invalid")


async def test_model_settings_start_a_new_run_and_train() -> None:
    app = NeuronApp(data_cfg=DataConfig(name="xor", samples=200, test_samples=200))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        old = app.controller.trainer
        for widget_id, value in (("hidden", "4, 4"),):
            box = app.query_one(f"#{widget_id}", Input)
            box.focus()
            box.value = value
            await pilot.press("enter")
        app.query_one("#init", Select).value = "xavier"
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer is not old
        assert trainer.model_cfg.hidden == (4, 4)
        assert trainer.model_cfg.init == "xavier"
        assert trainer.iteration == 0
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "completed"
        # A non-linear model: the scatter gets a probability surface, not a boundary line.
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score > 0.8
