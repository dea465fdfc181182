"""The run's command line, shown after it was copied to the clipboard ("Copy run command", c).

The command (``tui.cli.reproduce``) is the shortest ``neuron-tui train ...`` that trains this run
again; without ``train`` the same options open the app with it. It goes to the clipboard through
the terminal (OSC 52, Textual's ``App.copy_to_clipboard``), which works over SSH too, where the
terminal allows it; the dialog shows it for the terminals that do not (select it with the mouse,
often with Shift held). Escape or Enter closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from tui.screens.dialog import Dialog
from tui.text import printable

NOTE = (
    "Copied to the clipboard through the terminal (OSC 52; some terminals ask first or need "
    "it allowed). Run it for the same results; without 'train' it opens the app with this run."
)


class CommandScreen(Dialog[None]):
    """Shows ``command``; see the module docstring."""

    DEFAULT_CSS = """
    CommandScreen { align: center middle; }
    CommandScreen #command-text { margin: 1 0; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="command.close"),
    ]

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = "Run command"
            box.border_subtitle = "Escape closes"
            # Escaped: a CSV path is data and must not drive the terminal.
            yield Static(printable(self.command), id="command-text", markup=False)
            yield Static(NOTE, markup=False)

    def action_close(self) -> None:
        """Escape or Enter: close."""
        self.dismiss(None)
