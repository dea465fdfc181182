"""The footer: Textual's ``Footer``, rebuilt only when the keys it shows change.

Textual's footer rebuilds itself (about ten widgets mounted, styled and laid out again) on every
change of the screen's bindings, and the bindings change on every focus change: each pane key
(``1``-``5``) paid for a rebuild that showed the same keys, a good part of its time. This one
compares what it would show (each shown key's key, label, tooltip and whether it is enabled,
and the palette hint) and rebuilds only when that differs.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

ShownKeys = tuple[object, ...]


def shown_keys(screen: Screen[object], palette: bool) -> ShownKeys:
    """What a footer on ``screen`` shows: (key, label, action, enabled, tooltip) of every binding
    it lists, and whether the palette hint shows."""
    keys = tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
    return (*keys, palette)


class KeyFooter(Footer):
    """A ``Footer`` that skips rebuilds which would show the same keys (module docstring)."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.shown: ShownKeys | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Only a rebuild that happens is remembered: Textual skips it while the terminal has
        # no focus, or for another screen.
        will_rebuild = self.app.app_focus and self.is_attached and screen is self.screen
        shown = shown_keys(screen, self.show_command_palette)
        if will_rebuild and shown == self.shown:
            return
        if will_rebuild:
            self.shown = shown
        super().bindings_changed(screen)
