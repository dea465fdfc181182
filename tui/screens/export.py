"""The export dialog (ctrl+e): what to export, and where.

Four things: the cost history (CSV), the model's weights (JSON), the data points (CSV), all as
``neuron-tui train --export-*`` writes them (``neuron_core.store.exports``), and an SVG screenshot
of the screen (Textual's ``App.save_screenshot``). The path starts in the folder of the last
export (the app remembers it) with a file name for the chosen kind; choosing another kind changes
the name as long as it is still a suggested one. The answer is ``(kind, path)`` or ``None``;
saving over an existing file asks for a second Enter, and a missing folder is refused here, as in
the save prompt (``tui.screens.path_prompt``).
"""

from __future__ import annotations

import os
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from tui.screens.dialog import Dialog
from tui.screens.path_prompt import PathSuggester, check_save_path

Kind = Literal["history", "weights", "data", "screenshot"]
# (kind, label, suggested file name), in the dialog's order.
CHOICES: tuple[tuple[Kind, str, str], ...] = (
    ("history", "cost history (CSV)", "neuron-tui-history.csv"),
    ("weights", "weights and biases (JSON)", "neuron-tui-weights.json"),
    ("data", "data points (CSV)", "neuron-tui-data.csv"),
    ("screenshot", "screenshot of the screen (SVG)", "neuron-tui-screenshot.svg"),
)
SUGGESTED = frozenset(name for _, _, name in CHOICES)


class ExportScreen(Dialog[tuple[Kind, str] | None]):
    """Asks what to export and where; see the module docstring."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen Select { width: 1fr; }
    ExportScreen #export-message { display: none; color: $warning; }
    ExportScreen.-has-message #export-message { display: block; }
    """
    AUTO_FOCUS = "#export-kind"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, folder: str, kind: Kind = "history") -> None:
        super().__init__()
        self.folder = folder
        self.kind: Kind = kind
        self._confirm: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = "Export"
            box.border_subtitle = "Tab: to the file · Enter there exports · Escape cancels"
            yield Label("What (Enter opens the list):")
            yield Select(
                [(label, kind) for kind, label, _ in CHOICES],
                value=self.kind,
                allow_blank=False,
                compact=True,
                id="export-kind",
            )
            yield Label("File:")
            yield Input(self._path_for(self.kind), id="export-path", suggester=PathSuggester(),
                        compact=True)  # fmt: skip
            yield Static("", id="export-message", markup=False)

    def _path_for(self, kind: Kind) -> str:
        name = next(name for k, _, name in CHOICES if k == kind)
        return os.path.join(self.folder, name)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        kind = next((k for k, _, _ in CHOICES if k == event.value), None)
        if kind is None or kind == self.kind:
            return
        self.kind = kind
        field = self.query_one("#export-path", Input)
        folder, name = os.path.split(field.value)
        if name in SUGGESTED or not name:
            self.folder = folder or self.folder
            field.value = self._path_for(kind)
        self._say("")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirm = None
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = os.path.expanduser(event.value.strip())
        problem = check_save_path(path)
        if problem is not None:
            self._say(problem)
            return
        if os.path.exists(path) and self._confirm != path:
            self._confirm = path
            self._say(f"{path} exists: press Enter again to replace it")
            return
        self.dismiss((self.kind, path))

    def _say(self, message: str) -> None:
        self.query_one("#export-message", Static).update(message)
        self.set_class(bool(message), "-has-message")

    def action_cancel(self) -> None:
        """Escape: close without exporting."""
        self.dismiss(None)
