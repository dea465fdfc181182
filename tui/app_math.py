"""The app's Math view key (``m``): open, focus or close the panel (``tui.widgets.math_panel``).

``MathActions`` is the part of ``NeuronApp`` (``tui.app``) that mounts the panel the first time
it is asked for (above the footer, under the panes; nothing is built at start-up), wires it to
the network pane's selected neuron and to the predictions plot's sample mark, and toggles it.
"""

from __future__ import annotations

from textual.app import App

from tui.charts.predictions import PredictionsPlot
from tui.panes.workspace import Workspace
from tui.run.controller import RunController
from tui.widgets.math_panel import MathPanel
from tui.widgets.network_view import NetworkView


class MathActions(App[None]):
    """The Math view's action (see the module docstring); ``workspace``, ``controller`` and
    ``footer`` are the app's."""

    workspace: Workspace
    controller: RunController

    @property
    def math_panel(self) -> MathPanel | None:
        """The Math panel, once it was opened."""
        found = self.workspace.screen.query(MathPanel)
        return found.first() if found else None

    async def action_math(self) -> None:
        """m: show the Math view and focus it; m again (while it has the focus) closes it."""
        panel = self.math_panel
        if panel is None:
            ws = self.workspace
            plot = ws.predictions_pane.query_one("#scatter", PredictionsPlot)
            panel = MathPanel(
                self.controller,
                lambda: ws.network_pane.query_one(NetworkView).selected,
                plot.mark,
                id="math",
            )
            await ws.screen.mount(panel, after=ws)
        elif panel.display and panel.has_focus:
            panel.close()
            return
        ws_screen = self.workspace.screen
        if ws_screen.maximized is not None and ws_screen.maximized is not panel:
            self.workspace.unzoom()
        panel.display = True
        panel.focus()
        panel.refresh_math(now=True)
