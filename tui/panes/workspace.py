"""The workspace: the five panes, how they are laid out, and the poll that keeps them current.

Layout: from ``WIDE_SIZE`` (120x36) the panes are on screen at once (forms on the left, the
chart and the scatter on the right, predictions and network sharing the bottom-right slot);
below that one pane at a time behind a tab bar (keys 1-5), with a status line that keeps the
run's progress in view on every tab. The switch happens on resize. Below 80x24 a notice covers
everything (``TooSmallScreen``).

The poll (10 Hz; 4 Hz while training; a chain of ``tui.timers`` timers, which load never skips)
hands the run controller's progress and views to the visible panes; the scatter and the network
are redrawn at most every ``SCATTER_SECONDS`` while training (more slowly when scoring the data
takes long), and at once when the run changes.
"""

from __future__ import annotations

import time

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Tab, Tabs

from tui.panes.dataset import DatasetPane
from tui.panes.hyper import HyperPane
from tui.panes.network import NetworkPane
from tui.panes.pane_marks import PANES, PaneMarks
from tui.panes.predictions import PredictionsPane
from tui.panes.status import StatusLine
from tui.panes.training import STATS_SECONDS, TrainingPane
from tui.panes.workspace_forms import WorkspaceForms
from tui.panes.zoom import CHARTS, Zoom
from tui.run.advice import RunAdvice
from tui.run.controller import RunController
from tui.screens.too_small import TooSmallScreen, too_small
from tui.timers import call_after
from tui.widgets.network_view import NetworkView

# In the wide layout these two share the bottom-right slot; `4` and `5` pick which one shows.
SHARED_SLOT = ("predictions", "network")
# All the panes at once from this terminal size (columns, rows).
WIDE_SIZE = (120, 36)
POLL_SECONDS = 0.1
# While training the stats change 4 times a second (``tui.panes.training``): polling faster only
# takes the GIL from the training thread (4 Hz instead of 10: a few percent of training speed).
TRAINING_POLL_SECONDS = STATS_SECONDS
# The scatter is redrawn at most this often while training, and at least 10x less often than
# scoring the data takes (a forward pass over millions of points must not hog the UI thread).
# Once a second: the picture of a run that learns moves a few cells a redraw, and each redraw
# costs ~1 KB of terminal output at 120x40 (issue 12's budget is 4 KB/s in all).
SCATTER_SECONDS = 1.0


class Workspace(WorkspaceForms, PaneMarks, Vertical):
    """Tabs, the panes and the status line, drawn from ``controller``; see the module docstring."""

    def __init__(self, controller: RunController) -> None:
        super().__init__(id="body")
        self.controller = controller
        self.wide = False
        self.active_pane = "training"
        self.slot_pane = "predictions"
        self._next_scatter = 0.0
        c = controller
        self.dataset_pane = DatasetPane(c.data_cfg, c.model_cfg.feature_map, id="dataset")
        self.hyper_pane = HyperPane(c.model_cfg, c.train_cfg, id="hyper")
        self.training_pane = TrainingPane(id="training")
        self.predictions_pane = PredictionsPane(id="predictions")
        self.network_pane = NetworkPane(id="network")
        self.status_line = StatusLine(id="status-line")
        self.zoom = Zoom(self.pane, self.focus_target)
        for pane, _ in PANES:
            # Given before mounting (no restyle): a class added to a mounted pane restyles
            # every widget in it, which took a tenth of the start-up.
            self.pane(pane).add_class("pane", update=False)
        self.advice = RunAdvice()

    def compose(self) -> ComposeResult:
        # The layout's class, while the workspace has no children yet (restyling it later
        # restyles every widget of the app).
        self._set_layout_class(self.app.size)
        tabs = [Tab(label, id=f"tab-{pane}") for pane, label in PANES]
        yield Tabs(*tabs, active=f"tab-{self.active_pane}", id="tabs")
        with Horizontal(id="main"):
            with Vertical(id="left", classes="column"):
                yield self.dataset_pane
                yield self.hyper_pane
            with Vertical(id="right", classes="column"):
                yield self.training_pane
                yield self.predictions_pane
                yield self.network_pane
        yield self.status_line

    def on_mount(self) -> None:
        call_after(self, POLL_SECONDS, self._tick)
        self.watch(self.screen, "maximized", self._zoom_changed, init=False)
        self.watch_focus_marks()
        # The number keys and the panes' own marks do the tab bar's work: it takes no focus, so
        # a click on a tab leaves the focus to the pane it shows.
        self.query_one(Tabs).can_focus = False

    def pane(self, name: str) -> Widget:
        """The pane with DOM id ``name``."""
        widget: Widget = getattr(self, f"{name}_pane")  # dataset_pane, hyper_pane...
        return widget

    # -- layout -----------------------------------------------------------------------------
    def apply_layout(self, size: Size) -> None:
        """Wide (all panes) or compact (tabs) for a terminal of ``size``; below the minimum
        size, the enlarge notice (once the resume prompt was offered, so it covers that)."""
        self._set_layout_class(size)
        self._show_active()
        if not self.controller.files.offered:
            return
        top = self.app.screen
        if too_small(size):
            if isinstance(top, TooSmallScreen):
                top.show_size(size)
            else:
                self.app.push_screen(TooSmallScreen(size))
        elif isinstance(top, TooSmallScreen):
            self.app.pop_screen()

    def _set_layout_class(self, size: Size) -> None:
        self.wide = size.width >= WIDE_SIZE[0] and size.height >= WIDE_SIZE[1]
        self.set_class(self.wide, "-wide")
        self.set_class(not self.wide, "-compact")
        # Toasts sit on the panes' bottom border: above the footer, and the status line too.
        for rack in self.screen.query("ToastRack"):
            rack.styles.margin = (0, 0, 1 if self.wide else 2, 0)

    def _show_active(self) -> None:
        """Show the panes the layout shows (all but one of the shared slot's when wide; the
        active one and its column when compact), through each one's ``display``. Not through
        CSS classes: a class change restyles every widget inside (a form's fields, the network's
        thumbnails), which made a pane switch take 150-300 ms; ``display`` is one inline style.
        The ``-active`` class marks the active pane (no rule reads it: set without a restyle)."""
        left = self.active_pane in ("dataset", "hyper")
        for pane, _ in PANES:
            widget = self.pane(pane)
            widget.set_class(pane == self.active_pane, "-active", update=False)
            if self.wide:
                widget.display = pane not in SHARED_SLOT or pane == self.slot_pane
            else:
                widget.display = pane == self.active_pane
        self.query_one("#left").display = self.wide or left
        self.query_one("#right").display = self.wide or not left

    def pane_visible(self, pane: str) -> bool:
        """True when ``pane`` is on screen (all are in the wide layout but one of the slot's;
        only the zoomed chart's while a chart is zoomed)."""
        if self.zoom.pane is not None:
            return pane == self.zoom.pane
        if self.wide:
            return pane not in SHARED_SLOT or pane == self.slot_pane
        return pane == self.active_pane

    def show_pane(self, pane: str) -> None:
        """Bring ``pane`` into view (its tab in the compact layout; the bottom-right slot in
        the wide one) and focus it (a zoomed chart is given back first)."""
        shown = self.wide and self.pane_visible(pane) and not self.screen.maximized
        self.unzoom()
        if pane in CHARTS:
            self.zoom.last = pane
        if pane in SHARED_SLOT:
            self.slot_pane = pane
        if not self.wide:
            self.query_one(Tabs).active = f"tab-{pane}"
            self.active_pane = pane
        self._show_active()
        self.focus_target(pane).focus()
        if shown:  # a pane already in view shows what it showed: only the focus moves
            return
        if self.wide and pane in SHARED_SLOT:
            self._refresh_scatter()  # the rest is in view and current: draw the one coming in
        else:
            self.refresh_views()

    def focus_target(self, pane: str) -> Widget:
        """The widget that takes the focus when ``pane`` is shown."""
        if pane == "network":
            # The diagram takes the keys (arrows pick a neuron), not the pane around it.
            return self.network_pane.query_one(NetworkView)
        return self.pane(pane)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        pane = event.tab.id.removeprefix("tab-") if event.tab.id else self.active_pane
        if pane != self.active_pane:
            self.active_pane = pane
            if pane in CHARTS:
                self.zoom.last = pane
            if pane in SHARED_SLOT:
                self.slot_pane = pane
            self._show_active()
            self.focus_target(pane).focus()
            self.refresh_views()

    # -- zoom (see ``tui.panes.zoom``) ----------------------------------------------------------
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self.zoom.pane_holding(event.widget)
        if pane is not None:
            self.zoom.last = pane
        if pane != "training":
            # Leaving the cost chart (its pane, or its zoom) hides its cursor.
            self.training_pane.chart.hide_cursor()

    def zoom_in(self) -> bool:
        """Give the chart a person is looking at the whole screen (False: nothing to zoom)."""
        if self.screen.maximized is not None or not self.screen.is_active:
            return False
        tab = None if self.wide else self.active_pane
        self.zoom.open(self.screen, self.zoom.target(self.app.focused, self.pane_visible, tab))
        # ``open`` sets ``maximized`` without its watchers (see ``tui.panes.zoom``): this one's.
        self._zoom_changed(self.screen.maximized)
        return True

    def unzoom(self) -> None:
        """Give a zoomed chart back (nothing when none is)."""
        if self.screen.maximized is not None:
            self.screen.minimize()

    def _zoom_changed(self, maximized: Widget | None) -> None:
        if maximized is None and self.zoom.pane is not None:
            self.zoom.closed()
        # The views computed for a size (the surfaces) are asked for once the chart has its size.
        self.call_after_refresh(self.refresh_views)

    # -- drawing the run ----------------------------------------------------------------------
    def _tick(self) -> None:
        self.poll()
        running = self.controller.running
        call_after(self, TRAINING_POLL_SECONDS if running else POLL_SECONDS, self._tick)

    def poll(self) -> None:
        """10 Hz (4 Hz while training): stats, chart and (when due) scatter from the run."""
        c = self.controller
        if not self.is_attached or not self.app.is_running:
            return
        progress = c.progress()
        shown = self.training_pane.show_progress(progress)
        if self.pane_visible("training"):
            self.training_pane.feed_chart(c.evaluator.cost_view())
        if shown and not self.wide:
            self.status_line.show(progress)
        if progress.loading is not None:
            self.dataset_pane.show_summary(c.dataset, progress.loading)
        if c.running and time.perf_counter() >= self._next_scatter:
            self._refresh_scatter()

    def _refresh_scatter(self) -> None:
        """Score the latest parameters (at most every ``SCATTER_SECONDS`` while training) and
        redraw the visible scatter or network."""
        t0 = time.perf_counter()
        evaluator = self.controller.evaluator
        evaluator.latest()  # the scores in the stats column come from it, on every pane
        if self.pane_visible("predictions"):
            self.predictions_pane.show(evaluator)
        if self.pane_visible("network"):
            self.network_pane.show(evaluator)
        spent = time.perf_counter() - t0
        self._next_scatter = time.perf_counter() + max(SCATTER_SECONDS, 10.0 * spent)

    def show_state(self) -> None:
        """The run's state, iteration and speed, in the training pane and the status line."""
        progress = self.controller.progress()
        self.training_pane.show_progress(progress)
        self.status_line.show(progress)

    def show_settings(self) -> None:
        """After new training settings: the state and the cost chart (the planned iterations,
        the rate under the costs); the scores, the pictures and the data are as they were."""
        self.training_pane.feed_chart(self.controller.evaluator.cost_view())
        self.show_state()

    def refresh_views(self, fresh: bool = False) -> None:
        """Redraw everything from the controller now (after a change of state or layout);
        ``fresh``: the history was replaced, so the chart starts over."""
        c = self.controller
        lr = self.hyper_pane.follow_problem(c.model_cfg.problem)
        if lr is not None:
            self.app.notify(f"learning rate {lr:g}: the default for {c.model_cfg.problem}")
        self.training_pane.feed_chart(c.evaluator.cost_view(), fresh=fresh)
        # Scores first: the stats column shows the evaluation last computed, and after a run
        # ends no poll comes to replace one from before its last iteration.
        self._refresh_scatter()
        self.show_state()
        self.dataset_pane.show_summary(c.dataset, c.load_progress)
        advice = self.advice.check(c)
        if advice is not None:
            self.app.notify(advice, title="Nothing learned", severity="warning", timeout=12.0)
