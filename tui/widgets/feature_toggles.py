"""The input-feature toggles, as in TensorFlow Playground: ``[x] x1  [x] x2  [ ] x1²  ...``.

One focus stop for the seven features (Tab reaches the group): the arrows move between them,
space or Enter flips the one under the cursor, a click flips the one clicked. A box's state is
its text (``[x]`` / ``[ ]``) and the cursor is drawn reversed, so both read without colour.
The toggles wrap onto as many lines as the width needs.

At least one feature stays on: turning off the last one is refused, with a notice saying why.
The features are built from 2-D data (x1, x2); for other data the group is *off*: the reason
replaces the boxes, changes are refused and the choice is kept for the next 2-D data. Every
accepted flip posts ``FeatureToggles.Changed`` with the canonical ``feature_map``
(``tui.views.features``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from neuron_core.config import FEATURE_MAPS
from tui.views.features import FEATURE_LABELS, chosen_features, feature_map_of

GAP = 2  # columns between two toggles on a line
LAST_ONE = "at least one input must stay on: turn another one on first"
CURSOR = Style(reverse=True, bold=True)
OFF = Style(dim=True)


def item_text(name: str, on: bool) -> str:
    """One toggle as text: ``[x] x1²`` or ``[ ] x1²``."""
    return f"[{'x' if on else ' '}] {FEATURE_LABELS[name]}"


def toggle_lines(width: int) -> list[list[tuple[int, int, int]]]:
    """The toggles laid out in ``width`` columns: per line, ``(feature index, first column,
    end column)`` of each toggle (a toggle wider than the line gets a line of its own)."""
    lines: list[list[tuple[int, int, int]]] = [[]]
    x = 0
    for i, name in enumerate(FEATURE_MAPS):
        w = len(item_text(name, True))
        start = x + GAP if lines[-1] else 0
        if lines[-1] and start + w > width:
            lines.append([])
            start = 0
        lines[-1].append((i, start, start + w))
        x = start + w
    return lines


def off_reason(n_features: int) -> str:
    """Why the toggles are off for data with ``n_features`` inputs (not 2); the model then
    takes those inputs as they are."""
    return f"off: these need 2-D data; this has {n_features} input{'s' if n_features != 1 else ''}"


class FeatureToggles(Widget, can_focus=True):
    """The seven feature toggles; see the module docstring. ``chosen`` is the set that is on."""

    DEFAULT_CSS = """
    FeatureToggles {
        width: 1fr;
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "move(-1)", "Previous", tooltip="The previous input toggle", show=False),
        Binding("right,down", "move(1)", "Next", tooltip="The next input toggle", show=False),
        Binding(
            "space,enter",
            "flip",
            "Turn on/off",
            tooltip="Turn the input feature under the cursor on or off (one stays on)",
        ),
    ]

    @dataclass
    class Changed(Message):
        """A toggle was flipped: the model's inputs are now ``feature_map`` (canonical)."""

        toggles: FeatureToggles
        feature_map: tuple[str, ...] | None

    def __init__(self, feature_map: tuple[str, ...] | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chosen = chosen_features(feature_map)
        self.cursor = 0
        self.reason: str | None = None  # why the toggles are off (data that is not 2-D)

    # -- state ------------------------------------------------------------------------------
    @property
    def feature_map(self) -> tuple[str, ...] | None:
        """The canonical ``feature_map`` of the toggles that are on."""
        return feature_map_of(self.chosen)

    def show_features(self, feature_map: tuple[str, ...] | None) -> None:
        """Show ``feature_map`` (an opened run's) without posting a change."""
        self.chosen = chosen_features(feature_map)
        self.refresh(layout=True)

    def set_data_inputs(self, n_features: int | None) -> None:
        """The data now has ``n_features`` inputs (``None``: not known yet): off unless 2."""
        reason = None if n_features in (None, 2) else off_reason(n_features)
        if reason != self.reason:
            self.reason = reason
            self.refresh(layout=True)

    def flip(self, index: int) -> None:
        """Turn feature ``index`` on or off (refused, with a notice, when off or the last)."""
        self.cursor = index
        self.refresh()
        if self.reason is not None:
            self.notify(self.reason, severity="warning", timeout=4.0)
            return
        name = FEATURE_MAPS[index]
        if name in self.chosen and len(self.chosen) == 1:
            self.notify(LAST_ONE, severity="warning", timeout=4.0)
            return
        self.chosen = self.chosen ^ {name}
        self.refresh()
        self.post_message(self.Changed(self, self.feature_map))

    # -- keys and mouse ---------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        """The arrows: the cursor to the previous or next toggle (wrapping round)."""
        self.cursor = (self.cursor + step) % len(FEATURE_MAPS)
        self.refresh()

    def action_flip(self) -> None:
        """Space or Enter: flip the toggle under the cursor."""
        self.flip(self.cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if self.reason is not None:
            self.flip(self.cursor)  # refused: the notice repeats why
            return
        lines = toggle_lines(self.content_size.width)
        if offset.y >= len(lines):
            return
        for index, start, end in lines[offset.y]:
            if start <= offset.x < end:
                event.stop()
                self.focus()
                self.flip(index)
                return

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ----------------------------------------------------------------------------
    def _reason_lines(self, width: int) -> list[str]:
        return textwrap.wrap(self.reason, max(width, 10)) if self.reason else []

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._reason_lines(width)) or len(toggle_lines(width))

    def render(self) -> Text:
        width = self.content_size.width
        if self.reason:
            # The boxes give way to the reason: a form on narrow columns has no rows to spare.
            return Text("\n".join(self._reason_lines(width)), style=OFF)
        text = Text(no_wrap=True, overflow="crop")
        for row, line in enumerate(toggle_lines(width)):
            if row:
                text.append("\n")
            x = 0
            for index, start, _ in line:
                text.append(" " * (start - x))
                name = FEATURE_MAPS[index]
                item = item_text(name, name in self.chosen)
                style = CURSOR if self.has_focus and index == self.cursor else ""
                text.append(item, style=style)
                x = start + len(item)
        return text
