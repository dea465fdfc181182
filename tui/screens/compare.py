"""The "Compare…" dialog: a grid of runs to train and pin, in the syntax of ``neuron-tui compare``.

The person types options of the model and the training with comma-separated values
(``--optimizer gd,adam --lr 0.1,0.03``); ``check`` (``tui.run.compare.grid_of``, on the current
settings) says what is wrong with it, shown under the field, or nothing: then the dialog closes
with the text. Escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.screens.dialog import Dialog
from tui.text import printable


class CompareDialog(Dialog[str | None]):
    """Asks for the grid to compare; see the module docstring."""

    AUTO_FOCUS = "#grid"
    DEFAULT_CSS = """
    CompareDialog { align: center middle; }
    CompareDialog #compare-message { display: none; color: $warning; }
    CompareDialog.-has-message #compare-message { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="compare.cancel"),
    ]

    def __init__(self, default: str, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.default = default
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = "Compare runs"
            box.border_subtitle = "Enter trains them · Escape cancels"
            yield Static(
                "Options of the model and the training, values separated by commas (at most 5 "
                "runs; --hidden 8x8,4 for layers). Each run is trained and pinned on the cost "
                "chart:",
                markup=False,
            )
            yield Input(self.default, id="grid", compact=True)
            yield Static("", id="compare-message", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value)
        if problem is not None:
            self._say(problem)
            return
        self.dismiss(event.value)

    def _say(self, message: str) -> None:
        self.query_one("#compare-message", Static).update(printable(message))
        self.set_class(bool(message), "-has-message")

    def action_cancel(self) -> None:
        """Escape: close without comparing."""
        self.dismiss(None)
