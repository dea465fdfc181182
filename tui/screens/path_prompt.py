"""A path prompt for saving and opening runs, with completion of the path as it is typed.

The prompt returns the path (``~`` expanded) or ``None`` when cancelled. Saving over an existing
file asks for a second Enter; a missing folder or a folder given as the file is refused in the
prompt itself. Whether a file to open is a valid run is decided by the loader (its error becomes
a notification and the current run stays).
"""

from __future__ import annotations

import os
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from tui.screens.dialog import Dialog
from tui.text import printable

Purpose = Literal["save", "open"]


class PathSuggester(Suggester):
    """Suggests the rest of a file or folder name from the folder being typed (→ accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        head, tail = os.path.split(os.path.expanduser(value))
        folder = head or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return None
        for name in names:
            if not name.startswith(tail) or name == tail:
                continue
            if printable(name) != name:
                continue  # a name with control characters would drive the terminal as a hint
            if not tail and name.startswith("."):
                continue  # hidden files only when asked for with a dot
            rest = name[len(tail) :]
            if os.path.isdir(os.path.join(folder, name)):
                rest += os.sep
            return value + rest
        return None


def check_save_path(path: str) -> str | None:
    """Why ``path`` cannot be saved to, or ``None``."""
    if not path:
        return "enter a file name"
    if os.path.isdir(path):
        return f"{path} is a folder; add a file name"
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist"
    return None


class PathPrompt(Dialog[str | None]):
    """Asks for a path to save to or open from; see the module docstring."""

    # The field has the focus from the first frame on (set when the screen is composed, not
    # later in a mount handler), so keys typed at once go into it.
    AUTO_FOCUS = "#path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, purpose: Purpose, default: str) -> None:
        super().__init__()
        self.purpose = purpose
        self.default = default
        self._confirm: str | None = None

    def compose(self) -> ComposeResult:
        title = "Save the run to" if self.purpose == "save" else "Open a saved run"
        with Vertical(id="prompt-box") as box:
            box.border_title = title
            box.border_subtitle = "Enter confirms · Escape cancels · → completes"
            yield Label("File (.npz):")
            yield Input(self.default, id="path", suggester=PathSuggester(), compact=True)
            yield Static("", id="prompt-message", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirm = None
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = os.path.expanduser(event.value.strip())
        if self.purpose == "open":
            if not path:
                self._say("enter the path of a saved run")
                return
            self.dismiss(path)
            return
        problem = check_save_path(path)
        if problem is not None:
            self._say(problem)
            return
        if os.path.exists(path) and self._confirm != path:
            self._confirm = path
            self._say(f"{path} exists: press Enter again to replace it")
            return
        self.dismiss(path)

    def _say(self, message: str) -> None:
        self.query_one("#prompt-message", Static).update(message)
        self.set_class(bool(message), "-has-message")

    def action_cancel(self) -> None:
        """Escape: close without a path."""
        self.dismiss(None)
