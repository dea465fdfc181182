"""The command palette's field commands: every field of the two forms, found by its label.

Choosing one ("learning rate", "hidden layers", "generator", "train samples"...) shows the pane
the field is on and gives the field the focus (a text field with its text selected, so typing
replaces it): ctrl+p, a few letters of the label and Enter reach any setting from anywhere. The
fields offered are the ones on screen for the form's current state (a generator's, or a CSV
file's: the "source" field switches between them). Each command says its pane and the value
the field holds now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Input, Select

from tui.panes.fields import Field
from tui.panes.workspace import Workspace

# The form panes: DOM id, the name a command gives as its place, and the word before a label
# both forms have ("data seed", "model seed").
FORMS: tuple[tuple[str, str, str], ...] = (
    ("dataset", "Dataset", "data"),
    ("hyper", "Hyperparameters", "model"),
)
# How much a label that starts with what is typed is preferred to other matches.
PREFIX_BOOST = 1.5


def _value(field: Field) -> str:
    """What the field holds now, in words (for the command's help line)."""
    control = field.controls[0] if field.controls else None
    if isinstance(control, Input):
        return control.value or control.placeholder or "empty"
    if isinstance(control, Select):
        return "none" if control.value is Select.NULL else str(control.value)
    value = getattr(control, "value", None)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ""


def go_to_field(workspace: Workspace, pane: str, field: Field) -> None:
    """Show ``pane`` and focus the first control of ``field``."""
    workspace.show_pane(pane)
    if field.controls:
        field.controls[0].focus()


@dataclass(frozen=True)
class FieldTarget:
    """A field of a form as the palette and the field jump (``tui.screens.field_jump``) offer
    it: its name, its form's title, what it holds now, and how to go there."""

    name: str
    place: str
    value: str
    go: Callable[[], None]
    field: Field

    @property
    def help(self) -> str:
        """The help line: the form and the value now."""
        return f"{self.place} field" + (f" · now {self.value}" if self.value else "")


def form_fields(workspace: Workspace) -> list[FieldTarget]:
    """Every field shown on its form now, dataset form first, in the forms' order. The name is
    the field's label, after a word for its form when both forms have the label ("seed")."""
    shown = [
        (pane, title, word, field)
        for pane, title, word in FORMS
        for field in workspace.pane(pane).query(Field)
        if field.styles.display != "none"  # not the other source's fields
    ]
    labels = [field.label for *_, field in shown]
    targets = []
    for pane, title, word, field in shown:
        name = field.label
        if labels.count(name) > 1:
            name = f"{word} {name}"
        go = partial(go_to_field, workspace, pane, field)
        targets.append(FieldTarget(name, title, _value(field), go, field))
    return targets


class FieldCommands(Provider):
    """One command per form field on screen: its label goes to it."""

    def field_commands(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        """``(name, help, go there)`` of every field shown on its form now (``form_fields``)."""
        workspace = next(iter(self.screen.query(Workspace)), None)
        if workspace is None:
            return
        for target in form_fields(workspace):
            yield target.name, target.help, target.go

    async def discover(self) -> Hits:
        for label, help_text, go in self.field_commands():
            yield DiscoveryHit(label, go, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        typed = query.strip().lower()
        for label, help_text, go in self.field_commands():
            score = matcher.match(label)
            if typed and label.lower().startswith(typed):
                # The start of a label is the field itself: "gener" is the generator field
                # before the "Next generator" key.
                score *= PREFIX_BOOST
            if score > 0:
                yield Hit(score, matcher.highlight(label), go, text=label, help=help_text)
