"""The help screen: every key of the app, generated from the real bindings (``tui.keys``)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.keys import KeyRow, key_rows
from tui.screens.dialog import Dialog

INTRO = (
    "Set up the data and the hyperparameters, press space and watch the neuron learn. "
    "In a text field the letter keys type: press Enter (apply) or Escape to get them back; "
    "after Enter, Tab goes on from that field (marked ›). "
    "ctrl+p and the first letters of a field's label go to any field; so does f (ctrl+g in a "
    "text field) and the letter it shows beside the field."
)

# Rendered tables by (rows, width): the newest few.
_RENDERED: dict[tuple[tuple[KeyRow, ...], int], list[list[Segment]]] = {}
_KEEP = 4


class RenderedTable:
    """The key table as Rich lays it out, kept per width: laying out its ~50 rows takes ~7 ms
    and Textual asks for it at least twice per opening (its height, then its lines), so only
    the first opening at a width pays, not every ``?``."""

    def __init__(self, table: Table, rows: tuple[KeyRow, ...]) -> None:
        self.table = table
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (self.rows, options.max_width)
        lines = _RENDERED.get(key)
        if lines is None:
            lines = console.render_lines(self.table, options.update(height=None), pad=False)
            while len(_RENDERED) >= _KEEP:
                del _RENDERED[next(iter(_RENDERED))]
            _RENDERED[key] = lines
        for line in lines:
            yield from line
            yield Segment.line()


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
        rows = tuple(key_rows(self.app))
        self.table = self._table(rows)
        with Vertical(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Escape closes"
            with VerticalScroll(id="help-scroll"):
                yield Static(Text(INTRO), id="help-intro")
                yield Static(RenderedTable(self.table, rows), id="help-table")

    def _table(self, rows: tuple[KeyRow, ...]) -> Table:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("what", ratio=1)
        section = None
        for row in rows:
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
