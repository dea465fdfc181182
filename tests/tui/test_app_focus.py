"""Pilot tests of moving around: the focus is visible without colour, and the mouse reaches the
tabs, the fields and the toggles (issue 13, "Moving around")."""

from __future__ import annotations

from conftest import settle, wait_for
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.panes.fields import FOCUS_MARK, RESUME_MARK, Field
from tui.panes.pane_marks import PANE_MARK

SMALL = DataConfig(samples=200, test_samples=200)


def label_text(app: NeuronApp, control_id: str) -> str:
    """The label of the field holding the control ``control_id``, as drawn."""
    control = app.query_one(f"#{control_id}")
    field = next(a for a in control.ancestors if isinstance(a, Field))
    return str(field.query_one(".field-label", Label).render())


def marked(pane: Widget) -> bool:
    """True when ``pane`` is drawn as the one with the focus: a mark before its title, and a
    heavy border (other characters than the round one of the other panes, not only a colour)."""
    title = str(pane.border_title or "")
    heavy = pane.styles.border_top[0] == "heavy"
    assert title.startswith(PANE_MARK) == heavy, (title, pane.styles.border_top)
    return heavy


async def test_focused_field_and_pane_are_marked_by_characters() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ws = app.workspace
        assert marked(ws.training_pane)
        assert not marked(ws.hyper_pane) and not marked(ws.dataset_pane)
        await pilot.press("2", "tab", "tab", "tab")  # lr, its presets, iterations
        assert isinstance(app.focused, Input) and app.focused.id == "iterations"
        assert label_text(app, "iterations").startswith(FOCUS_MARK)
        assert not label_text(app, "lr").startswith(FOCUS_MARK)
        assert marked(ws.hyper_pane) and not marked(ws.training_pane)
        await pilot.press("tab")  # on to the optimizer: the mark follows
        assert label_text(app, "optimizer").startswith(FOCUS_MARK)
        assert not label_text(app, "iterations").startswith(FOCUS_MARK)
        await pilot.press("1")
        assert not label_text(app, "optimizer").startswith(FOCUS_MARK)
        assert marked(ws.dataset_pane) and not marked(ws.hyper_pane)


async def test_clicks_on_tabs_fields_and_toggles() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ws = app.workspace
        # A tab shows its pane and gives it the focus (keys and Tab then work in it).
        await pilot.click("#tab-hyper")
        await wait_for(pilot, lambda: ws.active_pane == "hyper")
        await pilot.pause()
        assert app.focused is ws.hyper_pane and marked(ws.hyper_pane)
        # A text field takes the focus where it is clicked, and typing goes into it.
        await pilot.click("#iterations")
        assert app.focused is app.query_one("#iterations", Input)
        assert label_text(app, "iterations").startswith(FOCUS_MARK)
        # A click on a label focuses its field.
        label = next(f for f in ws.hyper_pane.query(Field) if f.field == "l2").query_one(
            ".field-label", Label
        )
        await pilot.click(label)
        assert app.focused is app.query_one("#l2", Input)
        # A drop-down opens on a click, and a click on a choice applies it.
        await pilot.click("#optimizer")
        select = app.query_one("#optimizer", Select)
        await wait_for(pilot, lambda: select.expanded)
        overlay = select.query_one(OptionList)
        await pilot.click(overlay, offset=(2, 1))  # the second choice
        await wait_for(pilot, lambda: app.controller.train_cfg.optimizer != "gd")
        # The dataset tab, then its yes/no toggle: a click flips it and applies it.
        await pilot.click("#tab-dataset")
        await wait_for(pilot, lambda: ws.active_pane == "dataset")
        await pilot.pause()
        before = app.controller.data_cfg.standardize
        await pilot.click("#standardize")
        await wait_for(pilot, lambda: app.controller.data_cfg.standardize is not before)
        assert app.focused is app.query_one("#standardize")
        assert label_text(app, "standardize").startswith(FOCUS_MARK)


async def test_tab_after_enter_continues_from_the_field_just_applied() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        ws = app.workspace
        # Click into a field half-way down the form, change it, Enter.
        await pilot.click("#l2")
        assert app.focused is app.query_one("#l2", Input)
        app.query_one("#l2", Input).value = "1"
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.train_cfg.l2 == 1.0
        assert app.focused is ws.hyper_pane  # the keys are the app's again...
        assert label_text(app, "l2").startswith(RESUME_MARK)  # ...and Tab goes on from here
        await pilot.press("tab")
        assert app.focused is app.query_one("#l1", Input)
        assert not label_text(app, "l2").startswith(RESUME_MARK)
        # shift+Tab after Enter goes back from the field just applied.
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is ws.hyper_pane
        await pilot.press("shift+tab")
        assert app.focused is app.query_one("#l2", Input)
        # Once the pane is left, Tab starts from the top again.
        await pilot.press("enter", "3", "2", "tab")
        assert app.focused is app.query_one("#lr", Input)


async def test_a_drop_down_keeps_its_mark_after_its_list_closes() -> None:
    # Choosing from a drop-down's list gives the focus back to the drop-down: its field keeps the
    # mark (the list's blur came after the drop-down's focus and took the mark away).
    app = NeuronApp(data_cfg=DataConfig(samples=200, test_samples=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select = app.query_one("#optimizer", Select)
        field = next(f for f in app.query(Field) if f.label == "optimizer")
        select.focus()
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: select.expanded, what="the list open")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: not select.expanded and app.focused is select, what="closed")
        await settle(pilot)
        label = str(field.query_one(".field-label", Label).render())
        assert label.startswith("▶"), label
