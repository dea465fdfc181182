"""The field jump: every field of the two forms with a letter; the letter goes there.

``ctrl+g`` (or ``f`` outside a text field) opens it from anywhere: the fields shown on the forms
now, each with a letter of its own (``hint_letters``: the first letter of its label where it is
free, else another of its letters, so the letters stay the same while the forms do).
One more key shows the field's pane and focuses the field, so any setting is two keys away, three
from inside a text field. A click on a field goes there too; Escape closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_lowercase
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.screens.dialog import Dialog

Entry = tuple[str, str, str]
"""One field as the jump lists it: (name, the form it is on, the value it holds now)."""


def hint_letters(names: Sequence[str]) -> list[str]:
    """A distinct lowercase letter for each name: first every name whose first letter is still
    free gets it (so "generator" is g and "hidden layers" h however many fields come before),
    then each other name the first free letter of its own, else any free letter (a digit past
    26 names, which the forms never reach). The same names always get the same letters."""
    taken: set[str] = set()
    hints: list[str | None] = [None] * len(names)
    letters = [[c for c in name.lower() if c in ascii_lowercase] for name in names]
    for i, own in enumerate(letters):
        if own and own[0] not in taken:
            hints[i] = own[0]
            taken.add(own[0])
    spare = [*ascii_lowercase, *"0123456789"]
    for i, own in enumerate(letters):
        if hints[i] is None:
            hint = next((c for c in own if c not in taken), None)
            if hint is None:
                hint = next(c for c in spare if c not in taken)
            hints[i] = hint
            taken.add(hint)
    return [h for h in hints if h is not None]


class JumpRow(Static):
    """One field of the list: a click chooses it."""

    def __init__(self, index: int, text: Text) -> None:
        super().__init__(text, classes="jump-row", markup=False)
        self.index = index

    def on_click(self, event: events.Click) -> None:
        event.stop()
        screen = self.screen
        if isinstance(screen, FieldJump):
            screen.dismiss(self.index)


class FieldJump(Dialog[int]):
    """The fields with their letters; dismissed with the chosen field's index (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="jump.close"),
    ]

    def __init__(self, entries: Sequence[Entry]) -> None:
        super().__init__()
        self.entries = list(entries)
        self.hints = hint_letters([name for name, _, _ in self.entries])

    def compose(self) -> ComposeResult:
        places = list(dict.fromkeys(place for _, place, _ in self.entries))
        with Vertical(id="jump-box") as box:
            box.border_title = "Go to a field"
            box.border_subtitle = "its letter goes there · Escape closes"
            with Horizontal(id="jump-columns"):
                for place in places:
                    with Vertical(classes="jump-column"):
                        yield Static(Text(place, style="bold underline"), classes="jump-place")
                        for i, (name, where, value) in enumerate(self.entries):
                            if where == place:
                                yield JumpRow(i, self._row(self.hints[i], name, value))

    @staticmethod
    def _row(hint: str, name: str, value: str) -> Text:
        """``[h] name  value``: the letter in brackets, so it reads without colour."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"[{hint}]", style="bold")
        text.append(f" {name}")
        if value:
            text.append(f"  {value}", style="dim")
        return text

    def on_key(self, event: events.Key) -> None:
        """A field's letter chooses it; other keys (but Escape) do nothing."""
        if event.character is not None and event.character in self.hints:
            event.stop()
            self.dismiss(self.hints.index(event.character))

    def action_close(self) -> None:
        """Escape: back, nowhere new."""
        self.dismiss(None)
