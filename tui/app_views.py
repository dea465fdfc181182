"""The app's view keys: the cost chart's scale and cursor, the panes, and the zoom.

``ViewActions`` is the part of ``NeuronApp`` (``tui.app``) that turns these keys into calls on the
workspace (``tui.panes.workspace``), says when they are available (``view_allowed``, read by the
app's ``check_action``, hence by the footer and the palette), and makes the palette's "Maximize"
and "Minimize" the same as ``z`` (Textual's own would enlarge the focused widget: a pane, or the
network diagram, instead of the chart).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui.panes.workspace import Workspace

# The actions ``view_allowed`` decides on.
VIEW_ACTIONS = frozenset({"zoom", "unzoom", "cursor", "hide_cursor"})
# The tour's keys (``tui.app_tour``): the app's only while the tour is on.
TOUR_ACTIONS = frozenset({"tour_step", "tour_leave"})
VIEW_ACTIONS |= TOUR_ACTIONS


class ViewActions(App[None]):
    """The view actions of the app (see the module docstring); ``workspace`` is the app's."""

    workspace: Workspace
    touring = False  # the guided tour is on (``tui.app_tour``)

    def view_allowed(self, action: str) -> bool:
        """Whether a view action (one of ``VIEW_ACTIONS``) is available now: nothing zooms over
        a prompt, the help or the palette; the cursor keys work while the training pane has the
        focus (or its chart is zoomed); Escape hides a cursor that is shown."""
        ws = self.workspace
        if not ws.screen.is_active:
            return False
        zoomed = ws.zoom.pane
        if action in TOUR_ACTIONS:
            return self.touring
        if action == "zoom":
            return zoomed is None
        if action == "unzoom":
            return zoomed is not None
        if action == "cursor":
            focused = ws.zoom.pane_holding(self.focused)
            return zoomed == "training" or (zoomed is None and focused == "training")
        return ws.training_pane.chart.cursor is not None

    def action_toggle_log(self) -> None:
        """l: logarithmic cost axis on or off."""
        self.workspace.training_pane.chart.toggle_log()
        self.workspace.training_pane.show_progress(self.workspace.controller.progress())

    def action_toggle_recent(self) -> None:
        """w: the chart shows only the most recent iterations, or all of them."""
        self.workspace.training_pane.chart.toggle_recent()
        self.workspace.training_pane.show_progress(self.workspace.controller.progress())

    def action_show_pane(self, pane: str) -> None:
        """1-5: bring a pane into view and focus it."""
        self.workspace.show_pane(pane)

    def action_zoom(self) -> None:
        """z: the chart a person is looking at fills the screen."""
        self.workspace.zoom_in()
        self.refresh_bindings()

    def action_unzoom(self) -> None:
        """z while zoomed (Escape too, by Textual): the chart goes back to its pane."""
        self.workspace.unzoom()
        self.refresh_bindings()

    def action_cursor(self, columns: int) -> None:
        """Left and right: the cost chart's cursor, one plot column at a time."""
        self.workspace.training_pane.chart.move_cursor(columns)

    def action_hide_cursor(self) -> None:
        """Escape: hide the cost chart's cursor."""
        self.workspace.training_pane.chart.hide_cursor()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, with "Maximize" and "Minimize" doing what ``z`` does."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Maximize", "Minimize"):
                yield command
        if screen is not self.workspace.screen:
            return
        if self.workspace.zoom.pane is not None:
            yield SystemCommand("Minimize", "Give the zoomed chart back (z)", self.action_unzoom)
        else:
            yield SystemCommand(
                "Maximize", "Zoom: the chart you are looking at fills the screen (z)",
                self.action_zoom,
            )  # fmt: skip
