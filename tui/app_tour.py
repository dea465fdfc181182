"""The guided tour (``neuron-tui tour``, ctrl+t): the article's story, one step at a time.

``TourActions`` is the part of ``NeuronApp`` (``tui.app``) that runs it: each step
(``tui.tour.steps``) sets the app up with its data, model and training settings (the forms show
them, and a fresh run starts on the new data) and shows its text in a panel above the panes
(``tui.widgets.tour_panel``). The person drives with the usual keys; ctrl+→ or ``>`` goes to the
next step, ctrl+← or ``<`` back (not ← →: they move the cost chart's cursor), Escape leaves the
tour and keeps the current setup. These three keys are the app's only while the tour is on
(``ViewActions.view_allowed`` reads ``touring``).
"""

from __future__ import annotations

from textual.app import App

from tui.cli.app_start import AppStart
from tui.messages import RunOpened
from tui.panes.workspace import Workspace
from tui.run.controller import RunController
from tui.tour.steps import TourStep, tour_steps
from tui.widgets.tour_panel import TourPanel


class TourActions(App[None]):
    """The tour's actions (see the module docstring); ``workspace`` and ``controller`` are the
    app's, ``touring`` is read by ``ViewActions.view_allowed``."""

    workspace: Workspace
    controller: RunController
    start: AppStart | None
    touring: bool
    tour_index = 0

    def on_mount(self) -> None:
        """``neuron-tui tour``: the tour starts with the app (already set up for its first
        step by the command line)."""
        if self.start is not None and self.start.tour:
            self.call_after_refresh(self.action_tour)

    @property
    def tour_panel(self) -> TourPanel | None:
        """The tour's panel while the tour is on."""
        found = self.workspace.screen.query(TourPanel)
        return found.first() if found else None

    async def action_tour(self) -> None:
        """ctrl+t: start the tour at its first step (or show the step it is at)."""
        if self.tour_panel is None:
            ws = self.workspace
            await ws.screen.mount(TourPanel(id="tour"), before=ws)
        if not self.touring:
            self.touring, self.tour_index = True, 0
        self._go(self.tour_index)
        self.refresh_bindings()

    def action_tour_step(self, direction: int) -> None:
        """ctrl+→ / ``>`` and ctrl+← / ``<``: the next or the previous step (past the last one:
        the tour ends, with the setup kept)."""
        index = self.tour_index + direction
        if index >= len(tour_steps()):
            self.action_tour_leave()
            self.notify("the end of the tour: ctrl+t starts it again", timeout=4.0)
        elif index >= 0:
            self._go(index)

    def action_tour_leave(self) -> None:
        """Escape: leave the tour; the data and settings of its step stay."""
        panel = self.tour_panel
        if panel is not None:
            panel.remove()
        self.touring = False
        self.refresh_bindings()

    def _go(self, index: int) -> None:
        """Show step ``index`` and set the app up for it."""
        steps = tour_steps()
        self.tour_index = index
        step = steps[index]
        panel = self.tour_panel
        if panel is not None:
            panel.show(step, index, len(steps))
        self._set_up(step)

    def _set_up(self, step: TourStep) -> None:
        """The step's settings in the forms, and a fresh run on its data (unless the app has
        exactly these settings already, as after ``neuron-tui tour``)."""
        c = self.controller
        same = (c.data_cfg, c.model_cfg, c.train_cfg) == (step.data, step.model, step.train)
        if same and c.trainer is not None and c.trainer.status == "ready":
            return
        c.model_cfg, c.train_cfg = step.model, step.train
        c.load_data(step.data)
        self.workspace.show_configs(RunOpened(step.data, step.model, step.train))
