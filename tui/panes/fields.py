"""Form building blocks: a labelled field row that can show why its value is refused, and the
base class of the two form panes.

A ``Field`` is one line (label, then the control) plus an error line that appears under it when
the value is invalid. The mark is both a colour (the ``-invalid`` class) and text ("✗ reason"), so
it reads without colour too.

``FormPane`` gives the forms their keyboard behaviour: Enter in a text field applies it and
returns focus to the pane, Escape leaves a field, so the single-letter keys (space, n, r...) work
again at once. Leaving a field (Escape, Tab, a click elsewhere) applies it too: what a field shows
is what the run uses, never a hidden older value. Invalid values are marked as they are typed and
are never applied.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from tui.text import printable


class Field(Vertical):
    """A labelled control (or several on one line) with an error line under it.

    ``field`` is the config attribute this row edits (what ``ConfigError.field`` names).
    """

    def __init__(
        self,
        label: str,
        *controls: Widget,
        field: str,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.controls = controls
        self.field = field
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield from self.controls
        yield Static("", classes="field-error", markup=False)

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field and mark it invalid; ``None`` clears the mark."""
        # The controls' classes are set every time: an Input re-validates itself on Enter and
        # blur (it has no validators, so it would clear the mark).
        for control in self.controls:
            control.set_class(message is not None, "-invalid")
        if message == self.error:
            return
        self.error = message
        self.set_class(message is not None, "-invalid")
        if self.is_mounted:
            shown = f"✗ {printable(message)}" if message else ""  # errors quote file data
            self.query_one(".field-error", Static).update(shown)


def labelled(label: str, reason: str) -> str:
    """A field's refusal as a sentence naming the field by its label: "L2 penalty must be at
    least 0", "Learning rate: not a number: 'x'" (the reasons come from the configs and the
    parsers, which name the config field only)."""
    name = label[:1].upper() + label[1:]
    return f"{name} {reason}" if reason.startswith("must ") else f"{name}: {reason}"


class YesNo(Checkbox):
    """A compact checkbox whose label says its state ("yes"/"no"): a checkbox's mark differs only
    by colour, which ``NO_COLOR`` and screen captures lose."""

    def __init__(self, value: bool = False, *, id: str | None = None) -> None:
        super().__init__("yes" if value else "no", value, compact=True, id=id)

    def watch_value(self) -> None:
        super().watch_value()
        self.label = "yes" if self.value else "no"


class AutoYesNo(YesNo):
    """A ``YesNo`` for a setting whose default depends on other fields (``None`` in the config,
    e.g. standardize: yes for a CSV file, no for generated data). It shows ``default`` until the
    person picks the other value; ``setting`` is then that value, else ``None``."""

    def __init__(self, setting: bool | None, default: bool, *, id: str | None = None) -> None:
        super().__init__(default if setting is None else setting, id=id)
        self.default = default

    @property
    def setting(self) -> bool | None:
        """The config's value: ``None`` (follow the default) while the box shows the default."""
        return None if self.value == self.default else self.value

    def show(self, setting: bool | None, default: bool) -> None:
        """Show a config's ``setting`` (``None``: ``default``)."""
        self.default = default
        self.value = default if setting is None else setting

    def follow(self, default: bool) -> None:
        """The default changed (another field did): a box that showed the old one shows the new
        one; a value the person picked stays."""
        self.show(self.setting, default)


def stale_note() -> Static:
    """The line a form shows above its summary while that summary is out of date (hidden
    otherwise; ``FormPane.mark`` fills it)."""
    note = Static("", classes="form-stale", markup=False)
    note.display = False
    return note


class FormPane(VerticalScroll):
    """A focusable, scrollable form; see the module docstring for its keys."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            tooltip="Leave the field so the single-letter keys (space, n, r...) work again",
            id="form.leave-field",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape is offered only while a field of this form has the focus."""
        if action == "leave_field":
            return self.screen.focused is not self
        return True

    def action_leave_field(self) -> None:
        """Escape: focus the pane itself, so keys go to the app again."""
        self.focus(scroll_visible=False)

    def fields(self) -> dict[str, Field]:
        """Every field of the form, by config attribute."""
        return {f.field: f for f in self.query(Field)}

    def mark(self, errors: dict[str, str], changed: bool = False) -> None:
        """Show ``errors`` (config field -> reason) and clear every other field's mark; the
        form's stale note (``stale_note``) says when the summary under the form no longer
        matches the fields: while one is invalid, or ``changed`` (edited, not yet applied)."""
        rows = self.fields()
        for name, field in rows.items():
            field.set_error(errors.get(name))
        text = ""
        if errors:
            first = next(iter(errors))
            label = rows[first].label if first in rows else first
            text = f"⚠ out of date: {label} is invalid (the run keeps the last valid settings)"
        elif changed:
            text = "⚠ out of date: the fields changed (Enter applies them)"
        for note in self.query(".form-stale").results(Static):
            note.update(text)
            note.display = bool(text)

    def mark_one(self, field: str, message: str) -> bool:
        """Mark one field (an error found later, e.g. by the engine); False if it is not here."""
        target = self.fields().get(field)
        if target is None:
            return False
        target.set_error(message)
        return True

    def field_of(self, name: str) -> Field | None:
        """The row that edits the config field ``name`` (None when this form has none)."""
        return self.fields().get(name)

    def errors(self) -> dict[str, str]:
        """The reasons of the fields currently marked invalid."""
        return {name: f.error for name, f in self.fields().items() if f.error}

    # -- what the subclasses provide -------------------------------------------------------
    def check_form(self) -> None:
        """Validate the current values and mark the invalid fields (nothing is applied)."""

    def apply_form(self) -> None:
        """Validate, mark, and apply the values if they are valid and changed."""

    # -- when a form is checked and applied ----------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing: mark a bad value at once, but apply only on Enter or when leaving the field."""
        event.stop()
        self.check_form()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: apply, and give the focus back to the pane so the app's keys work."""
        event.stop()
        self.apply_form()
        self.focus(scroll_visible=False)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Leaving a text field applies it (Escape included: the value is what the field shows)."""
        event.stop()
        self.apply_form()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice applies at once."""
        event.stop()
        self.apply_form()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """A checkbox applies at once."""
        event.stop()
        self.apply_form()
