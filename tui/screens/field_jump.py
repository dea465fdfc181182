"""The field jump: every field of the two forms with a letter; the letter goes there.

``ctrl+g`` (or ``f`` outside a text field) opens it from anywhere: the fields shown on the forms
now, each with a letter of its own (the first letter of its label still free, else the next
letter of the label, else any free letter, so the letters stay the same while the forms do).
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
    """A distinct lowercase letter for each name, in order: the first letter of the name not
    taken yet, else any letter not taken (a digit past 26 names, which the forms never reach)."""
    taken: set[str] = set()
    hints: list[str] = []
    spare = [*ascii_lowercase, *"0123456789"]
    for name in names:
        letters = [c for c in name.lower() if c in ascii_lowercase]
        hint = next((c for c in letters if c not in taken), None)
        if hint is None:
            hint = next(c for c in spare if c not in taken)
        taken.add(hint)
        hints.append(hint)
    return hints


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
