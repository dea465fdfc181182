"""Pilot tests of reaching any setting in a few keys: the direct keys (``d``/``D`` generator,
``+``/``-`` hidden layers) and every form field by its label in the command palette (issue 13,
"Moving around")."""

from __future__ import annotations

from conftest import notifications, palette_choose, settle, wait_for
from textual.command import CommandPalette
from textual.widgets import Input, Select

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.app_settings import GENERATOR_ORDER

SMALL = DataConfig(samples=200, test_samples=200)


async def test_d_and_shift_d_step_through_the_generators() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.controller.data_cfg.name == "line"
        await pilot.press("d")
        await settle(pilot)
        assert app.controller.data_cfg.name == GENERATOR_ORDER[1]
        assert app.query_one("#name", Select).value == GENERATOR_ORDER[1]
        assert app.controller.dataset is not None
        await pilot.press("D")
        await settle(pilot)
        assert app.controller.data_cfg.name == "line"
        await pilot.press("D")  # wraps round to the last one
        await settle(pilot)
        assert app.controller.data_cfg.name == GENERATOR_ORDER[-1]
        assert any(GENERATOR_ORDER[-1] in n for n in notifications(app))


async def test_plus_and_minus_add_and_remove_hidden_layers() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.controller.model_cfg.hidden == ()
        await pilot.press("plus")
        await settle(pilot)
        assert app.controller.model_cfg.hidden == (4,)
        assert app.query_one("#hidden", Input).value == "4"
        await pilot.press("plus")
        await settle(pilot)
        assert app.controller.model_cfg.hidden == (4, 4)
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert app.controller.model_cfg.hidden == ()
        await pilot.press("minus")  # nothing left to remove: said, not an error
        await settle(pilot)
        assert app.controller.model_cfg.hidden == ()
        assert any("no hidden layer" in n for n in notifications(app))
        # The new model trains.
        await pilot.press("plus", "space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        assert app.controller.model_cfg.hidden == (4,)


async def test_setting_keys_are_characters_in_a_text_field() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        field = app.query_one("#noise", Input)
        field.focus()
        await pilot.pause()
        field.value = ""
        await pilot.press("d", "D", "plus", "minus", "left_square_bracket")
        await pilot.pause()
        assert field.value == "dD+-["
        assert app.controller.data_cfg.name == "line"
        assert app.controller.model_cfg.hidden == ()
        assert app.controller.train_cfg.lr == 0.1


# (letters typed: the fewest that make the field the first hit, so ctrl+p, these and Enter reach
# it; the field's label, its control, its pane): each from another pane.
PALETTE_CASES = [
    ("le", "learning rate", "lr", "hyper"),
    ("h", "hidden layers", "hidden", "hyper"),
    ("g", "generator", "name", "dataset"),
    ("l2", "L2 penalty", "l2", "hyper"),
]


async def test_palette_goes_to_a_field_by_its_label() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for start, (letters, label, control, pane) in zip(
            ("3", "4", "5", "1"), PALETTE_CASES, strict=True
        ):
            await pilot.press(start)  # from anywhere: another pane than the field's
            await palette_choose(pilot, letters, label)
            await wait_for(
                pilot,
                lambda control=control: app.focused is app.query_one(f"#{control}"),
                what=f"the focus on {label}",
            )
            assert app.workspace.pane_visible(pane)
        # The focused text field takes what is typed, replacing its value (selected on focus).
        await pilot.press("0", ".", "5", "enter")
        await settle(pilot)
        assert app.controller.train_cfg.l2 == 0.5


async def test_palette_offers_only_the_fields_of_the_chosen_source() -> None:
    from tui.field_commands import FieldCommands

    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: CommandPalette.is_open(app))
        provider = FieldCommands(app.screen_stack[0])
        labels = [label for label, _, _ in provider.field_commands()]
        assert "generator" in labels and "learning rate" in labels
        assert "CSV file" not in labels  # the generator's fields are shown, not a CSV file's
        # "seed" is on both forms: each says which.
        assert "data seed" in labels and "model seed" in labels
        assert len(labels) == len(set(labels))
        await pilot.press("escape")
