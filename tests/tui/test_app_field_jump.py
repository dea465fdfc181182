"""The field jump (``f``, or ctrl+g from inside a text field): every field of the forms has a
letter, and the letter goes there, so any setting is two keys away (three from a text field)."""

from __future__ import annotations

from conftest import settle, wait_for
from textual.widgets import Input, Select

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.field_commands import form_fields
from tui.screens.field_jump import FieldJump, JumpRow, hint_letters

SMALL = DataConfig(samples=200, test_samples=200)


def test_hint_letters_are_distinct_and_prefer_the_labels_own_letters() -> None:
    names = ["seed", "samples", "source", "standardize", "noise", "data seed", "model seed"]
    hints = hint_letters(names)
    assert len(set(hints)) == len(names)
    assert hints[:4] == ["s", "a", "o", "t"]  # first letters first, then their own letters
    assert hint_letters(["target cost", "early stop", "hidden layers"]) == ["t", "e", "h"]
    assert hints == hint_letters(names)  # the same every time
    many = hint_letters([f"field {i}" for i in range(30)])
    assert len(set(many)) == 30


async def test_every_field_is_two_keys_away_from_anywhere() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        targets = form_fields(app.workspace)
        assert len(targets) >= 15
        names = [t.name for t in targets]
        assert "learning rate" in names and "generator" in names
        hints = hint_letters(names)
        for target, hint in zip(targets, hints, strict=True):
            await pilot.press("3")  # start from another pane every time
            await settle(pilot)
            await pilot.press("f")
            await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
            await pilot.press(hint)
            control = target.field.controls[0]
            await wait_for(pilot, lambda c=control: app.focused is c, what=target.name)
            assert not isinstance(app.screen, FieldJump)
            assert control.region.height > 0, f"{target.name} is not on screen"
            if isinstance(app.focused, Input):
                await pilot.press("escape")  # give the keys back to the app


async def test_ctrl_g_jumps_from_inside_a_text_field_and_escape_goes_nowhere() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lr = app.query_one("#lr", Input)
        lr.focus()
        await pilot.pause()
        await pilot.press("f")  # in a text field, f is a letter
        assert lr.value.endswith("f")
        assert not isinstance(app.screen, FieldJump)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, FieldJump), what="closed")
        assert app.focused is lr
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
        jump = app.screen
        assert isinstance(jump, FieldJump)
        hint = jump.hints[[name for name, _, _ in jump.entries].index("generator")]
        await pilot.press(hint)
        generator = app.query_one("#name", Select)
        await wait_for(pilot, lambda: app.focused is generator, what="the generator field")


async def test_a_click_on_a_field_in_the_jump_goes_there() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
        jump = app.screen
        row = next(r for r in jump.query(JumpRow) if "iterations" in str(r.render()))
        await pilot.click(row)
        iterations = app.query_one("#iterations", Input)
        await wait_for(pilot, lambda: app.focused is iterations, what="the iterations field")
