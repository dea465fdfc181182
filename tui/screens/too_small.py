"""What a terminal smaller than the app's minimum shows instead of a squashed layout.

Below ``MIN_SIZE`` (80x24) the panes cannot show their fields, the chart or the stats legibly, so
the app covers everything with one message naming the size it needs and the size it has. The
app pushes this screen when the terminal shrinks below the minimum and pops it as soon as it is
large enough again (``NeuronApp`` does both on every resize); training and every timer go on
underneath. While it shows, ``q`` (and ctrl+q, ctrl+c from anywhere) still quits, and nothing
else: no palette, help or prompt opens over it (``NeuronApp.check_action``), so there is only
ever one notice, and it is on top.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.widgets import Static

from tui.screens.dialog import Dialog

# The smallest terminal the layout is made for (columns, rows).
MIN_SIZE = Size(80, 24)


def too_small(size: Size) -> bool:
    """True when ``size`` is narrower or lower than ``MIN_SIZE``."""
    return size.width < MIN_SIZE.width or size.height < MIN_SIZE.height


def size_message(size: Size) -> str:
    """``"Enlarge the terminal (need 80x24, have 60x20)."`` and how to quit."""
    need = f"{MIN_SIZE.width}x{MIN_SIZE.height}"
    return (
        "neuron-tui needs a larger terminal.\n"
        f"Enlarge the terminal (need {need}, have {size.width}x{size.height}).\n"
        "q quits."
    )


class TooSmallScreen(Dialog[None]):
    """Covers the app while the terminal is below ``MIN_SIZE``; see the module docstring."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
        background: $background;
    }
    TooSmallScreen > #too-small {
        width: 100%;
        height: auto;
        text-align: center;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="too-small.quit"),
    ]

    def __init__(self, size: Size) -> None:
        super().__init__()
        self._shown = size

    def compose(self) -> ComposeResult:
        yield Static(size_message(self._shown), id="too-small", markup=False)

    def on_screen_resume(self) -> None:
        """Shown again after another screen closed: gone if the terminal grew meanwhile."""
        if not too_small(self.app.size):
            self.dismiss()

    def show_size(self, size: Size) -> None:
        """Say the terminal's new ``size`` (it is still too small)."""
        if size != self._shown:
            self._shown = size
            if self.is_mounted:
                self.query_one("#too-small", Static).update(size_message(size))

    @property
    def message(self) -> str:
        """The text on screen now."""
        return size_message(self._shown)
