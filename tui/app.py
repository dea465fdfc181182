"""The Textual app: composes the four panes, holds the key bindings, and wires messages.

Layout: from 120x36 the four panes are visible at once (forms on the left, the chart and the
scatter on the right); below that one pane at a time behind a tab bar (keys 1-4), with a status
line that keeps the run's progress in view on every tab. The switch happens on resize.

The training itself lives in ``RunController``; this module turns keys into controller calls and
polls the controller at 10 Hz to redraw (the scatter at 2 Hz, or more slowly when scoring the
data takes long).
"""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer, Tab, Tabs
from textual.worker import Worker

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.commands import BindingCommands
from tui.messages import (
    DataConfigChanged,
    ModelConfigChanged,
    RunChanged,
    RunNotice,
    RunOpened,
    TrainConfigChanged,
)
from tui.panes.dataset import DatasetPane
from tui.panes.hyper import HyperPane
from tui.panes.network import NetworkPane
from tui.panes.predictions import PredictionsPane
from tui.panes.status import StatusLine
from tui.panes.training import TrainingPane
from tui.run.controller import RunController
from tui.run.session import TerminationSignals
from tui.widgets.network_view import NetworkView

# The panes, in tab order: (DOM id, tab label).
PANES: tuple[tuple[str, str], ...] = (
    ("dataset", "1 Dataset"),
    ("hyper", "2 Hyperparameters"),
    ("training", "3 Training"),
    ("predictions", "4 Predictions"),
    ("network", "5 Network"),
)
# In the wide layout these two share the bottom-right slot; `4` and `5` pick which one shows.
SHARED_SLOT = ("predictions", "network")
# All four panes at once from this terminal size (columns, rows).
WIDE_SIZE = (120, 36)
POLL_SECONDS = 0.1
# The scatter is redrawn at most this often while training, and at least 10x less often than
# scoring the data takes (a forward pass over millions of points must not hog the UI thread).
SCATTER_SECONDS = 0.5
DEFAULT_RUN_FILE = "~/neuron-tui-run.npz"


def _settle_garbage_collector() -> None:
    """Move everything alive after start-up out of the collector's reach.

    The app holds ~120k long-lived objects (widgets, styles, NumPy wrappers); a full collection
    walks them all and took 60-216 ms, the only source of event-loop lag spikes above 50 ms
    while training. Frozen objects are skipped, which cuts a full collection to a few ms.
    """
    gc.collect()
    gc.freeze()


class NeuronApp(App[None], inherit_bindings=False):
    """neuron-tui: watch a neuron (or a small network) learn. See the module docstring."""

    # Absolute, so subclasses (tests, tools) defined elsewhere find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "neuron-tui"
    AUTO_FOCUS = "#training"
    COMMANDS = App.COMMANDS | {BindingCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "start", "Start", tooltip="Start training", id="run.start"),
        Binding("space", "resume", "Resume", tooltip="Continue training", id="run.resume"),
        Binding("space", "pause", "Pause", tooltip="Pause after the current chunk", id="run.pause"),
        Binding("n", "step", "Step", tooltip="One iteration (while paused)", id="run.step"),
        Binding(
            "r",
            "reset",
            "Reset",
            tooltip="Back to the initial parameters, same data (the history is cleared)",
            id="run.reset",
        ),
        Binding(
            "g", "new_seed", "New data", tooltip="Draw a new dataset (seed + 1)", id="data.new-seed"
        ),
        Binding(
            "left_square_bracket",
            "lr_preset(-1)",
            "Lower lr",
            tooltip="Learning rate: the next smaller preset",
            show=False,
            id="run.lr-down",
        ),
        Binding(
            "right_square_bracket",
            "lr_preset(1)",
            "Raise lr",
            tooltip="Learning rate: the next larger preset",
            show=False,
            id="run.lr-up",
        ),
        Binding(
            "l", "toggle_log", "Log", tooltip="Cost chart: logarithmic cost axis", id="view.log"
        ),
        Binding(
            "w",
            "toggle_recent",
            "Recent",
            tooltip="Cost chart: only the most recent iterations",
            show=False,
            id="view.recent",
        ),
        Binding(
            "1",
            "show_pane('dataset')",
            "Dataset",
            tooltip="Show the dataset pane",
            show=False,
            id="view.pane-1",
        ),
        Binding(
            "2",
            "show_pane('hyper')",
            "Hyperparameters",
            tooltip="Show the hyperparameters pane",
            show=False,
            id="view.pane-2",
        ),
        Binding(
            "3",
            "show_pane('training')",
            "Training",
            tooltip="Show the training pane",
            show=False,
            id="view.pane-3",
        ),
        Binding(
            "4",
            "show_pane('predictions')",
            "Predictions",
            tooltip="Show the predictions pane",
            show=False,
            id="view.pane-4",
        ),
        Binding(
            "5",
            "show_pane('network')",
            "Network",
            tooltip="Show the network: every weight, and the selected neuron's output",
            show=False,
            id="view.pane-5",
        ),
        Binding("ctrl+s", "save", "Save", tooltip="Save the run to a file", id="file.save"),
        Binding("ctrl+o", "open", "Open", tooltip="Open a saved run", id="file.open"),
        Binding("question_mark,f1", "help", "Help", tooltip="Every key, explained", id="app.help"),
        Binding("q", "quit", "Quit", tooltip="Quit at once (training stops)", id="app.quit"),
        # ctrl+q quits from anywhere, even a text field (priority: checked before the widgets).
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit at once (training stops)",
            show=False,
            priority=True,
            id="app.quit-anywhere",
        ),
        # ctrl+c quits too, from anywhere (Textual's default only explains how to quit): people
        # press it by reflex, and the session is saved either way. A system binding, so the
        # help and the palette keep one Quit row.
        Binding("ctrl+c", "quit", show=False, priority=True, system=True, id="app.quit-ctrl-c"),
    ]

    def __init__(
        self,
        data_cfg: DataConfig | None = None,
        model_cfg: ModelConfig | None = None,
        train_cfg: TrainConfig | None = None,
    ) -> None:
        super().__init__()
        self.controller = RunController(
            self, data_cfg or DataConfig(), model_cfg or ModelConfig(), train_cfg or TrainConfig()
        )
        self.wide = False
        self.active_pane = "training"
        self.slot_pane = "predictions"
        self.run_path = DEFAULT_RUN_FILE
        self._next_scatter = 0.0
        self._quitting = False
        # Why the session could not be saved at the end (printed by ``neuron-tui`` on exit).
        self.session_note: str | None = None
        self._session_kept = False
        self._session_offered = False
        self._signals = TerminationSignals()

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        c = self.controller
        tabs = [Tab(label, id=f"tab-{pane}") for pane, label in PANES]
        self.tabs = Tabs(*tabs, active=f"tab-{self.active_pane}", id="tabs")
        self.dataset_pane = DatasetPane(c.data_cfg, id="dataset")
        self.hyper_pane = HyperPane(c.model_cfg, c.train_cfg, id="hyper")
        self.training_pane = TrainingPane(id="training")
        self.predictions_pane = PredictionsPane(id="predictions")
        self.network_pane = NetworkPane(id="network")
        self.status_line = StatusLine(id="status-line")
        self.footer = Footer(compact=True)
        self.body = Vertical(id="body")
        self.left = Vertical(id="left", classes="column")
        self.right = Vertical(id="right", classes="column")
        with self.body:
            yield self.tabs
            with Horizontal(id="main"):
                with self.left:
                    yield self.dataset_pane
                    yield self.hyper_pane
                with self.right:
                    yield self.training_pane
                    yield self.predictions_pane
                    yield self.network_pane
            yield self.status_line
        yield self.footer

    def pane(self, name: str) -> Widget:
        """The pane with DOM id ``name``."""
        panes: dict[str, Widget] = {
            "dataset": self.dataset_pane,
            "hyper": self.hyper_pane,
            "training": self.training_pane,
            "predictions": self.predictions_pane,
            "network": self.network_pane,
        }
        return panes[name]

    def _alive(self) -> bool:
        """False once the app is closing: late messages and timers then do nothing."""
        return not self._quitting and self.is_running

    def on_mount(self) -> None:
        # First the resume prompt, so a too-small notice (pushed by _apply_layout) covers it.
        self._offer_resume()
        self._signals.install(asyncio.get_running_loop(), self._on_terminate)
        for pane, _ in PANES:
            self.pane(pane).add_class("pane")
        self._apply_layout(self.size)
        self.controller.load_data(self.controller.data_cfg)
        self.set_interval(POLL_SECONDS, self._poll)
        self.call_after_refresh(_settle_garbage_collector)

    def on_resize(self, event: Any) -> None:
        if self._alive():
            self._apply_layout(event.size)

    def _apply_layout(self, size: Size) -> None:
        """Wide (all panes) or compact (tabs) for a terminal of ``size``."""
        self.wide = size.width >= WIDE_SIZE[0] and size.height >= WIDE_SIZE[1]
        # The footer's palette hint needs room; the palette is also listed in the help.
        self.footer.show_command_palette = size.width >= 100
        body = self.body
        body.set_class(self.wide, "-wide")
        body.set_class(not self.wide, "-compact")
        self._show_active()
        self._check_size(size)

    def _show_active(self) -> None:
        for pane, _ in PANES:
            self.pane(pane).set_class(pane == self.active_pane, "-active")
            self.pane(pane).set_class(pane in SHARED_SLOT and pane != self.slot_pane, "-slot-off")
        left = self.active_pane in ("dataset", "hyper")
        self.left.set_class(left, "-active")
        self.right.set_class(not left, "-active")

    def pane_visible(self, pane: str) -> bool:
        """True when ``pane`` is on screen (all are in the wide layout)."""
        if self.wide:
            return pane not in SHARED_SLOT or pane == self.slot_pane
        return pane == self.active_pane

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        pane = event.tab.id.removeprefix("tab-") if event.tab.id else self.active_pane
        if pane != self.active_pane:
            self.active_pane = pane
            if pane in SHARED_SLOT:
                self.slot_pane = pane
            self._show_active()
            self._refresh_views()

    # -- polling ----------------------------------------------------------------------------
    def _poll(self) -> None:
        """10 Hz: stats and chart from the live history; the scatter when due."""
        if not self._alive():
            return
        c = self.controller
        progress = c.progress()
        training = self.training_pane
        training.show_progress(progress)
        if self.pane_visible("training"):
            training.feed_chart(c.trainer)
        if not self.wide:
            self.status_line.show(progress)
        if progress.loading is not None:
            self.dataset_pane.show_summary(c.dataset, progress.loading)
        if c.running and time.perf_counter() >= self._next_scatter:
            self._refresh_scatter()

    def _refresh_scatter(self) -> None:
        """Score the latest parameters and redraw the scatter (when visible)."""
        c = self.controller
        t0 = time.perf_counter()
        ev = c.evaluate()
        if self.pane_visible("predictions"):
            self.predictions_pane.show(c.trainer, ev)
        if self.pane_visible("network"):
            self.network_pane.show(c.trainer, ev)
        spent = time.perf_counter() - t0
        self._next_scatter = time.perf_counter() + max(SCATTER_SECONDS, 10.0 * spent)

    def _refresh_views(self, fresh: bool = False) -> None:
        """Redraw everything from the controller now (after a change of state or layout)."""
        c = self.controller
        training = self.training_pane
        training.feed_chart(c.trainer, fresh=fresh)
        progress = c.progress()
        training.show_progress(progress)
        self.status_line.show(progress)
        self.dataset_pane.show_summary(c.dataset, c.loading)
        self._refresh_scatter()

    # -- messages ---------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.controller.on_worker_state(event.worker)

    def on_run_changed(self, message: RunChanged) -> None:
        if not self._alive():
            return
        self._refresh_views(fresh=message.fresh)
        self.refresh_bindings()

    def on_run_notice(self, message: RunNotice) -> None:
        if not self._alive():
            return
        if message.field is not None and message.source is not None:
            pane = self.dataset_pane if message.source == "data" else None
            target = pane or self.hyper_pane
            target.mark_one(message.field, message.message)
        title = "Error" if message.severity == "error" else ""
        timeout = 8.0 if message.severity == "error" else 4.0
        self.notify(message.message, title=title, severity=message.severity, timeout=timeout)

    def on_run_opened(self, message: RunOpened) -> None:
        if not self._alive():
            return
        self.dataset_pane.show_config(message.data_config)
        self.hyper_pane.show_configs(message.model_config, message.train_config)

    def on_data_config_changed(self, message: DataConfigChanged) -> None:
        self.controller.load_data(message.config)

    def on_model_config_changed(self, message: ModelConfigChanged) -> None:
        self.controller.set_model_config(message.config)

    def on_train_config_changed(self, message: TrainConfigChanged) -> None:
        self.controller.set_train_config(message.config)

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space shows one of Start / Resume / Pause, depending on the run's state."""
        c = self.controller
        paused = c.trainer is not None and c.trainer.status == "paused"
        if action == "start":
            return not c.running and not paused
        if action == "resume":
            return not c.running and paused
        if action == "pause":
            return c.running
        return True

    def action_start(self) -> None:
        """Space: start or resume, unless a field is invalid or the run cannot go on."""
        bad = {
            **self.dataset_pane.errors(),
            **self.hyper_pane.errors(),
        }
        if bad:
            field, reason = next(iter(bad.items()))
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            self.notify(
                f"fix the marked field first: {field}: {reason}{more}",
                title="Cannot start",
                severity="error",
            )
            return
        why = self.controller.start()
        if why is not None:
            self.notify(why, title="Cannot start", severity="warning")
        self.refresh_bindings()

    def action_resume(self) -> None:
        """Space while paused: continue the run (with any settings changed meanwhile)."""
        self.action_start()

    def action_pause(self) -> None:
        """Space while training: pause after the current chunk."""
        self.controller.pause()

    def action_step(self) -> None:
        """n: one iteration."""
        why = self.controller.step()
        if why is not None:
            self.notify(why, severity="warning")

    def action_reset(self) -> None:
        """r: the same initial parameters and data, an empty history."""
        self.controller.reset()

    def action_new_seed(self) -> None:
        """g: a new dataset drawn with the next seed."""
        seed = self.dataset_pane.bump_seed()
        self.notify(f"new data: seed {seed}", timeout=2.0)

    def action_lr_preset(self, direction: int) -> None:
        """[ and ]: the next learning-rate preset down or up."""
        lr = self.hyper_pane.step_lr(direction)
        self.notify(f"learning rate {lr:g}", timeout=2.0)

    def action_toggle_log(self) -> None:
        """l: logarithmic cost axis on or off."""
        training = self.training_pane
        training.chart.toggle_log()
        training.show_progress(self.controller.progress())

    def action_toggle_recent(self) -> None:
        """w: the chart shows only the most recent iterations, or all of them."""
        training = self.training_pane
        training.chart.toggle_recent()
        training.show_progress(self.controller.progress())

    def action_show_pane(self, pane: str) -> None:
        """1-5: bring a pane into view (a tab in the compact layout; predictions and network
        share the bottom-right slot in the wide one) and focus it."""
        if pane in SHARED_SLOT:
            self.slot_pane = pane
        if not self.wide:
            self.tabs.active = f"tab-{pane}"
            self.active_pane = pane
        self._show_active()
        target = self.pane(pane)
        if pane == "network":
            # The diagram takes the keys (arrows pick a neuron), not the pane around it.
            target = self.network_pane.query_one(NetworkView)
        target.focus()
        self._refresh_views()

    def action_help(self) -> None:
        """? or F1: the key table."""
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_save(self) -> None:
        """ctrl+s: ask for a path, then save the run there."""
        from tui.screens.path_prompt import PathPrompt

        def chosen(path: str | None) -> None:
            if path:
                self.run_path = path
                self.controller.save(path)

        self.push_screen(PathPrompt("save", self.run_path), chosen)

    def action_open(self) -> None:
        """ctrl+o: ask for a path, then open the saved run (the current one stays on error)."""
        from tui.screens.path_prompt import PathPrompt

        def chosen(path: str | None) -> None:
            if path:
                self.run_path = path
                self.controller.open(path)

        self.push_screen(PathPrompt("open", self.run_path), chosen)

    async def action_quit(self) -> None:
        """q, ctrl+q, ctrl+c: stop training, keep the session and leave at once."""
        self._quitting = True
        self._keep_session()
        self.controller.shutdown()
        self.exit()

    def on_unmount(self) -> None:
        # Any other way out (a crash included) keeps the session too.
        self._quitting = True
        self._keep_session()
        self.controller.shutdown()
        self._signals.uninstall()

    # -- the session and the terminal ----------------------------------------------------------
    def _offer_resume(self) -> None:
        """At start: offer the saved session, if there is one (see ``tui.run.session``)."""
        from tui.run.session import load_session
        from tui.screens.resume import ResumeScreen

        self._session_offered = True
        record, problem = load_session()
        if problem is not None:
            self.notify(problem, title="Saved session", severity="warning", timeout=10.0)
        if record is None:
            self.controller.session_owned = True
            return

        def chosen(resume: bool | None) -> None:
            if resume is False:
                self._start_fresh()
            else:
                self.controller.resume(record, self._resume_failed)

        self.push_screen(ResumeScreen(record), chosen)

    def _start_fresh(self) -> None:
        """The user chose a fresh start: forget the saved session; this run becomes it."""
        from neuron_core.errors import StoreError
        from tui.run.session import discard_session

        try:
            discard_session()
        except StoreError as exc:
            self.notify(str(exc), title="Saved session", severity="error")
        self.controller.session_owned = True

    def _resume_failed(self, reason: str) -> None:
        """The saved session cannot be brought back (e.g. its CSV file changed): keep the file
        under another name, so nothing is lost and the next start is not asked again."""
        from tui.run.session import set_aside

        aside = set_aside("unrestorable")
        self.controller.session_owned = True
        if aside is not None:
            self.notify(f"the saved session was kept as {aside}", title="Saved session")

    def _keep_session(self) -> None:
        """Save the session once, however the app ends; a failure is noted, never raised."""
        if self._session_kept:
            return
        self._session_kept = True
        self.session_note = self.controller.keep_session()

    def _on_terminate(self, signum: int) -> None:
        """SIGHUP, SIGTERM, SIGINT: keep the session and exit with 128 + the signal number."""
        from tui.run.session import arm_exit_watchdog

        if not self._quitting:
            self._quitting = True
            self._keep_session()  # first, whatever happens next
            self.controller.shutdown()
            self.exit(return_code=128 + signum)
        if not self.is_headless:
            # Leaving must not hang on a terminal that is gone (nor ignore a second signal).
            arm_exit_watchdog(128 + signum)

    def _check_size(self, size: Size) -> None:
        """Below the minimum size a notice covers the app; it goes once the terminal is big
        enough again (or, if another screen went over it, when it is shown again)."""
        from tui.screens.too_small import TooSmallScreen, too_small

        if not self._session_offered:
            return  # on_mount checks once the resume prompt is up, so the notice covers it
        top = self.screen
        if too_small(size):
            if isinstance(top, TooSmallScreen):
                top.show_size(size)
            else:
                self.push_screen(TooSmallScreen(size))
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()
