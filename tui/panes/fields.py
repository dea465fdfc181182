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

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from tui.text import printable

# Marks before a field's label, so the focus reads without colour (NO_COLOR, 16 colours, a
# screen reader of the captured text): the field with the focus, and the field Tab continues
# from after Enter gave the keys back to the pane.
FOCUS_MARK = "▶ "
RESUME_MARK = "› "
NO_MARK = "  "


class Field(Vertical):
    """A labelled control (or several on one line) with an error line under it.

    ``field`` is the config attribute this row edits (what ``ConfigError.field`` names). The
    label carries a mark (``FOCUS_MARK``) while one of its controls has the focus.
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
        # True while Tab continues from this field (Enter applied it and gave the keys back).
        self.resume = False
        # The values the text fields are built with: Textual posts an ``Input.Changed`` for
        # each when it is mounted, and the form, made from its configs, need not check them
        # (17 checks of a whole form at start-up; ``FormPane.starting_value``). A drop-down
        # holds its first value only once mounted: its first ``Changed`` applies the form,
        # which finds nothing changed.
        self.start_values: dict[Widget, str] = {
            c: c.value for c in controls if isinstance(c, Input)
        }

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(NO_MARK + self.label, classes="field-label", markup=False)
            yield from self.controls
        yield Static("", classes="field-error", markup=False)

    def show_mark(self, mark: str) -> None:
        """Put ``mark`` (one of ``FOCUS_MARK``, ``RESUME_MARK``, ``NO_MARK``) before the label."""
        if self.is_mounted:
            self.query_one(".field-label", Label).update(mark + self.label)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.show_mark(FOCUS_MARK)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # The focus may move within the field (a drop-down's list closes and gives it back to
        # the drop-down, after the drop-down's own focus event): the mark follows where it is.
        if self.app.focused is not None and self in self.app.focused.ancestors:
            self.show_mark(FOCUS_MARK)
        else:
            self.show_mark(RESUME_MARK if self.resume else NO_MARK)

    def stop_resume(self) -> None:
        """Tab no longer continues from here: the mark goes (unless the field has the focus)."""
        self.resume = False
        if not self.has_focus_within:
            self.show_mark(NO_MARK)

    def on_click(self, event: events.Click) -> None:
        """A click on the label (or anywhere on the row) focuses the field's control."""
        if self.controls and not self.has_focus_within:
            self.controls[0].focus()

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


def stale_note() -> Static:
    """The line a form shows above its summary while that summary is out of date (hidden
    otherwise; ``FormPane.mark`` fills it)."""
    note = Static("", classes="form-stale", markup=False)
    note.display = False
    return note


class FormPane(VerticalScroll):
    """A focusable, scrollable form; see the module docstring for its keys."""

    can_focus = True
    stale_text = ""
    """What the form's stale notes say ("" while hidden)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            tooltip="Leave the field so the single-letter keys (space, n, r...) work again",
            id="form.leave-field",
        ),
        # After Enter (the pane has the focus back), Tab and shift+Tab go on from the field just
        # applied, not from the top; otherwise they are Textual's (system: the help lists Tab once).
        Binding("tab", "continue_fields(1)", "Next field", show=False, system=True,
                id="form.continue-next"),
        Binding("shift+tab", "continue_fields(-1)", "Previous field", show=False, system=True,
                id="form.continue-previous"),
    ]  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape is offered only while a field of this form has the focus; Tab goes on from
        the field Enter applied while the pane has the focus after it."""
        if action == "leave_field":
            return self.screen.focused is not self
        if action == "continue_fields":
            # The focus first: the footer asks every form at each change, and finding the
            # field walks the whole form (~2 ms).
            if self.screen.focused is not self:
                return False
            field = self.resume_field()
            return field is not None and field.display
        return True

    def resume_field(self) -> Field | None:
        """The field Tab continues from (the one Enter applied last), if any."""
        return next((f for f in self.query(Field) if f.resume), None)

    def action_continue_fields(self, direction: int) -> None:
        """Tab / shift+Tab after Enter: the control after (before) the field just applied."""
        field = self.resume_field()
        chain = self.screen.focus_chain
        if field is None or not field.controls or field.controls[0] not in chain:
            if direction > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        controls = [c for c in field.controls if c in chain]
        edge = chain.index(controls[-1] if direction > 0 else controls[0])
        chain[(edge + direction) % len(chain)].focus()

    def on_blur(self, event: events.Blur) -> None:
        self._stop_resume()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._stop_resume()

    def _stop_resume(self) -> None:
        for field in self.query(Field):
            if field.resume:
                field.stop_resume()

    def watch_has_focus(self, has_focus: bool) -> None:
        """Restyle the pane alone when it takes or loses the focus: its border is all that
        shows it (no rule styles a field by its pane's focus). Textual would restyle every
        widget of the form too (~100), which was most of the time a pane switch took."""
        self.app.stylesheet.update_nodes([self], animate=True)

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
        if text == self.stale_text:
            return  # an update of the same text would still lay the screen out
        self.stale_text = text
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
    @staticmethod
    def starting_value(control: Widget, value: object) -> bool:
        """Whether this ``Changed`` of ``control`` is the one Textual posts when mounting it,
        with the value it was built with: a control's first message only, and only with that
        value (a person's first edit is a different value)."""
        field = next((a for a in control.ancestors if isinstance(a, Field)), None)
        return field is not None and field.start_values.pop(control, None) == value

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing: mark a bad value at once, but apply only on Enter or when leaving the field."""
        event.stop()
        if not self.starting_value(event.input, event.value):
            self.check_form()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: apply, and give the focus back to the pane so the app's keys work; Tab then
        goes on from this field (marked ``RESUME_MARK``)."""
        event.stop()
        self.apply_form()
        self._stop_resume()
        field = next((a for a in event.input.ancestors if isinstance(a, Field)), None)
        if field is not None:
            field.resume = True
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
