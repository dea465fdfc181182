"""The help screen: every key of the app, generated from the real bindings (``tui.keys``)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.keys import key_rows
from tui.screens.dialog import Dialog

INTRO = (
    "Set up the data and the hyperparameters, press space and watch the neuron learn. "
    "In a text field the letter keys type: press Enter (apply) or Escape to get them back; "
    "after Enter, Tab goes on from that field (marked ›). "
    "ctrl+p and the first letters of a field's label go to any field; so does f (ctrl+g in a "
    "text field) and the letter it shows beside the field."
)


class HelpScreen(Dialog[None]):
    """A scrollable key table; Escape (or ?, F1, q) closes it."""

    # The table scrolls with the arrow keys from the first frame on.
    AUTO_FOCUS = "#help-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.table: Table | None = None

    def compose(self) -> ComposeResult:
        self.table = self._table()
        with Vertical(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Escape closes"
            with VerticalScroll(id="help-scroll"):
                yield Static(Text(INTRO), id="help-intro")
                yield Static(self.table, id="help-table")

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("what", ratio=1)
        section = None
        for row in key_rows(self.app):
            if row.section != section:
                if section is not None:
                    table.add_row("", "")
                table.add_row(Text(row.section, style="bold underline"), "")
                section = row.section
            what = Text(row.description, style="bold")
            if row.explanation:
                what.append(f"  {row.explanation}", style="")
            table.add_row(row.keys, what)
        return table

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)
