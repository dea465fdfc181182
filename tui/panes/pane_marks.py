"""Which pane holds the focus, shown without colour: a mark before its title and a heavy border
in the theme's accent. A part of ``Workspace`` (``tui.panes.workspace``).

Set as each pane's own (inline) style, on the panes whose mark changes only: a ``:focus-within``
rule in the stylesheet would restyle every widget of a pane (~100 in a form) on each focus
change, and each setter here repaints the whole pane, every widget in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.color import Color
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

# The panes, in tab order: (DOM id, tab label).
PANES: tuple[tuple[str, str], ...] = (
    ("dataset", "1 Dataset"),
    ("hyper", "2 Hyperparameters"),
    ("training", "3 Training"),
    ("predictions", "4 Predictions"),
    ("network", "5 Network"),
)
# Before the title of the pane with the focus (the pane's border is heavy too).
PANE_MARK = "▶ "


class PaneMarks:
    """The focus-mark methods of ``Workspace``; it provides ``pane``, ``app`` and ``screen``."""

    if TYPE_CHECKING:
        app: App[Any]
        screen: Screen[Any]

        def pane(self, name: str) -> Widget:
            """The pane with DOM id ``name``: ``Workspace.pane``."""

    def watch_focus_marks(self) -> None:
        """Follow the screen's focus, and the theme (the mark's colour is its accent)."""
        assert isinstance(self, Widget)
        self.watch(self.screen, "focused", self._focus_moved)
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _focus_moved(self, focused: Widget | None) -> None:
        self._mark_focus(focused)  # (Textual passes a one-argument watcher the new value)

    def _theme_changed(self) -> None:
        self._mark_focus(self.screen.focused, all_panes=True)

    def _mark_focus(self, focused: Widget | None, *, all_panes: bool = False) -> None:
        """Mark the pane holding ``focused``, unmark the others (``all_panes``: restyle every
        pane, the accent changed; else only those whose mark changes)."""
        accent = Color.parse(self.app.get_css_variables().get("accent", "ansi_bright_blue"))
        for pane, label in PANES:
            widget = self.pane(pane)
            held = focused is not None and widget in focused.ancestors_with_self
            title = (PANE_MARK if held else "") + label
            if widget.border_title == title and not all_panes:
                continue
            widget.border_title = title
            widget.styles.border = ("heavy", accent) if held else None
            widget.styles.border_title_color = accent if held else None
