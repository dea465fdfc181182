"""The footer: the keys a person needs next, chosen by the state of the app.

One line. ``tui.bindings.FOOTER`` lists, for each state (idle, running, paused, done, zoomed, a
text field being edited), the keys most needed first; the footer shows as many as fit its width
(each at its place in the binding table, so a key does not move when the state changes) and the
command palette's key (``^p``) always at the right. A key shows only while its binding is active
(``check_action``, the focus), so the footer, the palette and the help never disagree. A click on
a key presses it.

One widget drawing one line of text, rather than Textual's ``Footer`` (a widget per key, all
composed again on every change of state): what shows depends on the state and the width, and a
change of state redraws one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import ActiveBinding, Binding
from textual.widget import Widget

from tui.bindings import APP_BINDINGS, FOOTER, FooterEntry

# Keys Textual binds without an id, named in ``FOOTER`` as "key:<key>".
KEY_PREFIX = "key:"
# Between two keys, and before the palette's key at the right.
GAP = 1


@dataclass(frozen=True)
class Shown:
    """One entry of the footer as drawn: its keys (what a click presses, with the text of each)
    and its label."""

    keys: tuple[tuple[str, str], ...]  # (key to press, how it is shown)
    label: str

    @property
    def width(self) -> int:
        """Columns taken: the keys, a space between each, a space and the label."""
        shown = " ".join(text for _, text in self.keys)
        return len(shown) + (1 + len(self.label) if self.label else 0)


def _rank() -> dict[str, int]:
    """The place of every binding id in the app's table (where the footer draws it)."""
    rank: dict[str, int] = {}
    for binding in Binding.make_bindings(APP_BINDINGS):
        if binding.id is not None:
            rank.setdefault(binding.id, len(rank))
    return rank


class KeyFooter(Widget):
    """The footer; ``state()`` names the app's state (a key of ``FOOTER``)."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--label {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--label"}
    ALLOW_SELECT = False

    def __init__(self, state: Callable[[], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state = state
        self._rank = _rank()
        # Where each key was drawn last: (first column, end column, key to press).
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        # Textual signals every change of the active bindings: focus, state, a screen.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        self.refresh()

    # -- what shows ---------------------------------------------------------------------------
    def _active(self) -> tuple[dict[str, ActiveBinding], dict[str, ActiveBinding]]:
        """The enabled active bindings of the footer's screen, by id and by key."""
        by_id: dict[str, ActiveBinding] = {}
        by_key: dict[str, ActiveBinding] = {}
        for key, active in self.screen.active_bindings.items():
            if not active.enabled:
                continue
            by_key[key] = active
            if active.binding.id is not None:
                by_id.setdefault(active.binding.id, active)
        return by_id, by_key

    def _entry(
        self, entry: FooterEntry, by_id: dict[str, ActiveBinding], by_key: dict[str, ActiveBinding]
    ) -> Shown | None:
        """How ``entry`` is drawn now, or None when none of its keys is active."""
        label, names = entry
        found = [
            by_key.get(name.removeprefix(KEY_PREFIX))
            if name.startswith(KEY_PREFIX)
            else by_id.get(name)
            for name in names
        ]
        active = [a.binding for a in found if a is not None]
        if not active:
            return None
        keys = tuple(dict.fromkeys((b.key, self.app.get_key_display(b)) for b in active).keys())
        return Shown(keys, label or active[0].description)

    def entries(
        self,
        width: int,
        active: tuple[dict[str, ActiveBinding], dict[str, ActiveBinding]] | None = None,
    ) -> list[Shown]:
        """The entries of the current state that fit ``width`` columns (with the palette's key),
        most needed first, in the order they are drawn; ``active``: ``_active()``, if known."""
        by_id, by_key = self._active() if active is None else active
        palette = self._palette(by_key)
        room = width - (palette.width + GAP if palette is not None else 0)
        chosen: list[tuple[int, Shown]] = []
        used = 0
        for priority, entry in enumerate(FOOTER.get(self._state(), ())):
            shown = self._entry(entry, by_id, by_key)
            if shown is None:
                continue
            cost = shown.width + (GAP if chosen else 0)
            if used + cost > room:
                continue  # a shorter one further down may still fit
            used += cost
            place = self._rank.get(entry[1][0], -len(FOOTER) + priority)
            chosen.append((place, shown))
        return [shown for _, shown in sorted(chosen, key=lambda c: c[0])]

    def _palette(self, by_key: dict[str, ActiveBinding]) -> Shown | None:
        """The command palette's key, when the palette can open."""
        active = by_key.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None or not self.app.ENABLE_COMMAND_PALETTE:
            return None
        binding = active.binding
        return Shown(
            ((binding.key, self.app.get_key_display(binding)),), binding.description or "palette"
        )

    # -- drawing ------------------------------------------------------------------------------
    def render(self) -> RenderResult:
        width = self.size.width
        key_style = self.get_component_rich_style("key-footer--key")
        label_style = self.get_component_rich_style("key-footer--label")
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []

        def draw(shown: Shown) -> None:
            for i, (key, shown_key) in enumerate(shown.keys):
                if i:
                    text.append(" ", label_style)
                spans.append((len(text), len(text) + len(shown_key), key))
                text.append(shown_key, key_style)
            if shown.label:
                start = len(text)
                text.append(" " + shown.label, label_style)
                spans.append((start, len(text), shown.keys[0][0]))

        active = self._active()  # asks every binding's check_action: once a redraw
        for i, shown in enumerate(self.entries(width, active)):
            if i:
                text.append(" " * GAP)
            draw(shown)
        palette = self._palette(active[1])
        if palette is not None:
            text.append(" " * max(GAP, width - len(text) - palette.width))
            draw(palette)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        """A click on a key (or its label) presses the key."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return

    def text(self) -> str:
        """The footer's line as drawn (for tests and tools)."""
        return str(self.render())

    def pressable(self) -> dict[str, tuple[int, int]]:
        """Where each key was drawn last: key -> (first column, end column)."""
        spans: dict[str, tuple[int, int]] = {}
        for start, end, key in self._spans:
            spans.setdefault(key, (start, end))
        return spans
