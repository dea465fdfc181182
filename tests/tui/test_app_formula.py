"""The formula generator in the dataset pane: chosen from the generator drop-down, its field is
reached by the field jump and the palette by its label; a formula that cannot be read (or that
puts every point in one class) marks the field with the reason and is not applied."""

from __future__ import annotations

from conftest import settle, wait_for
from test_forms_property import HOSTILE
from textual.pilot import Pilot
from textual.widgets import Input, Select

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.field_commands import FieldCommands, form_fields
from tui.panes.dataset_fields import FORMULA_EXAMPLE
from tui.screens.field_jump import FieldJump, hint_letters

SMALL = DataConfig(samples=200, test_samples=200)
CIRCLE = "x1^2 + x2^2 < 36"


async def _jump(pilot: Pilot[None], app: NeuronApp, label: str) -> None:
    """``f`` and the letter of the field labelled ``label``: its control has the focus."""
    targets = form_fields(app.workspace)
    names = [t.name for t in targets]
    assert label in names, names
    hint = hint_letters(names)[names.index(label)]
    await pilot.press("f")
    await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
    await pilot.press(hint)
    control = targets[names.index(label)].field.controls[0]
    await wait_for(pilot, lambda: app.focused is control, what=label)


async def _type_formula(pilot: Pilot[None], app: NeuronApp, text: str) -> None:
    """Replace the formula field's text: jump there (its text is selected, so typing replaces
    it), type the first character as a key and the rest as if typed, then Enter."""
    await _jump(pilot, app, "formula")
    field = app.query_one("#formula", Input)
    await pilot.press(text[0])
    await wait_for(pilot, lambda: field.value == text[0], what="the first character")
    field.value = text
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def test_the_formula_field_applies_a_formula_and_marks_a_bad_one() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "formula" not in [t.name for t in form_fields(app.workspace)]  # hidden at first
        await _jump(pilot, app, "generator")
        await pilot.press("enter", "end", "enter")  # the last choice of the drop-down
        await wait_for(pilot, lambda: app.query_one("#name", Select).value == "formula")
        await settle(pilot)
        # The field shows, holding the article's line, which is applied as it stands.
        assert app.controller.data_cfg.name == FORMULA_EXAMPLE
        assert "formula" in [t.name for t in form_fields(app.workspace)]
        palette = [name for name, _, _ in FieldCommands(app.screen).field_commands()]
        assert "formula" in palette
        row = app.workspace.dataset_pane.fields()["formula"]
        assert row.styles.display != "none" and row.error is None

        await _type_formula(pilot, app, "x1.real > 0")
        assert row.error == "attribute access ('.') is not allowed, at column 3"
        assert "✗ attribute access" in str(row.query_one(".field-error").render())
        assert app.controller.data_cfg.name == FORMULA_EXAMPLE  # not applied

        await _type_formula(pilot, app, CIRCLE)
        assert row.error is None
        assert app.controller.data_cfg.name == CIRCLE
        dataset = app.controller.dataset
        assert dataset is not None and set(dataset.Y_train[0]) == {0.0, 1.0}

        await _type_formula(pilot, app, "x2>-100")  # readable, but one class only
        await wait_for(pilot, lambda: row.error is not None, what="the one-class mark")
        assert row.error is not None and "every training point is class 1" in row.error


async def test_a_run_with_a_formula_opens_with_the_formula_shown() -> None:
    app = NeuronApp(data_cfg=DataConfig(name=CIRCLE, samples=200, test_samples=200))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#name", Select).value == "formula"
        assert app.query_one("#formula", Input).value == CIRCLE
        assert "formula" in [t.name for t in form_fields(app.workspace)]
        # Another generator hides the field again; the config is that generator's.
        app.query_one("#name", Select).value = "circle"
        await settle(pilot)
        assert app.controller.data_cfg.name == "circle"
        assert "formula" not in [t.name for t in form_fields(app.workspace)]


HOSTILE_FORMULAS = (
    *HOSTILE,
    "__import__('os')",
    "x1.real > 0",
    "lambda: 1",
    "x1 > " + "1+" * 5000 + "1",
    "(" * 1000 + "x1" + ")" * 1000 + " > 0",
    "x1 > 0\x1b[2J",
)


async def test_hostile_text_in_the_formula_field_is_marked_never_applied() -> None:
    app = NeuronApp(data_cfg=DataConfig(name=CIRCLE, samples=100, test_samples=100))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.workspace.dataset_pane
        box = app.query_one("#formula", Input)
        box.focus()
        for text in HOSTILE_FORMULAS:
            box.value = text
            pane.apply_form()  # what Enter does
            reason = pane.errors().get("formula")
            assert reason and "\n" not in reason and len(reason) < 200, (text[:40], reason)
            assert "\x1b" not in reason
            assert pane.applied.name == CIRCLE
        box.value = CIRCLE
        pane.apply_form()
        assert pane.errors() == {}
        await settle(pilot)
        assert app.controller.data_cfg.name == CIRCLE
