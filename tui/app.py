"""The Textual app: composes the workspace and the run controller, and holds the key bindings.

What each part does lives elsewhere: the panes and their layout in ``tui.panes`` (the
``Workspace`` polls the run at 10 Hz and redraws), the run itself (training, data, evaluation,
files, the session) in ``tui.run``. The app turns keys into calls on those two (the view keys,
zoom and the cost chart's cursor, in ``tui.app_views``), and shows the notices the run posts.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app_edit import EditActions
from tui.app_pins import PinActions
from tui.app_settings import SettingActions
from tui.app_share import ShareActions
from tui.app_teach import TeachActions
from tui.app_views import VIEW_ACTIONS, ViewActions
from tui.bindings import APP_BINDINGS
from tui.cli.app_start import AppStart
from tui.commands import BindingCommands
from tui.field_commands import FieldCommands
from tui.key_gate import InputEvent, KeyGate
from tui.messages import (
    DataConfigChanged,
    ModelConfigChanged,
    RunChanged,
    RunNotice,
    RunOpened,
    TrainConfigChanged,
)
from tui.panes.workspace import Workspace
from tui.run.controller import RunController
from tui.run.session import TerminationSignals, arm_exit_watchdog, settle_garbage_collector
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.path_prompt import PathPrompt
from tui.screens.too_small import TooSmallScreen
from tui.timers import call_after
from tui.toasts import Notices
from tui.widgets.key_footer import KeyFooter

DEFAULT_RUN_FILE = "~/neuron-tui-run.npz"


class NeuronApp(
    SettingActions,
    ViewActions,
    ShareActions,
    TeachActions,
    PinActions,
    EditActions,
    Notices,
    inherit_bindings=False,
):
    """neuron-tui: watch a neuron (or a small network) learn. See the module docstring."""

    # Absolute, so subclasses (tests, tools) defined elsewhere find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "neuron-tui"
    AUTO_FOCUS = "#training"
    COMMANDS = ViewActions.COMMANDS | {BindingCommands, FieldCommands}
    ALLOW_IN_MAXIMIZED_VIEW = "KeyFooter"  # a zoomed chart keeps the footer's keys in view

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        data_cfg: DataConfig | None = None,
        model_cfg: ModelConfig | None = None,
        train_cfg: TrainConfig | None = None,
        start: AppStart | None = None,
    ) -> None:
        super().__init__()
        self.start = start  # what the command line gave (tui.cli.app_start)
        data_cfg = data_cfg or DataConfig()
        # The model follows the data's kind of problem from the start (the forms too).
        model_cfg = replace(model_cfg or ModelConfig(), problem=data_cfg.problem)
        self.controller = RunController(data_cfg, model_cfg, train_cfg or TrainConfig())
        self.workspace = Workspace(self.controller)
        self.footer = KeyFooter(self.footer_state)
        self.run_path = start.path if start and start.path else DEFAULT_RUN_FILE
        self._quitting = False
        self._signals = TerminationSignals()
        self.keys = KeyGate(self, self._deliver_input)

    @property
    def session_note(self) -> str | None:
        """What became of the session at the end, when a person should know: why it could not
        be saved, or where it went (``neuron-tui`` prints it on exit)."""
        return self.controller.files.note

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def compose(self) -> ComposeResult:
        yield self.controller
        yield self.workspace
        yield self.footer

    def on_mount(self) -> None:
        # First the resume prompt, so a too-small notice (from apply_layout) covers it.
        self.controller.files.begin(self.start)
        self._signals.install(asyncio.get_running_loop(), self._on_terminate)
        self._resized(self.size)
        self.controller.load_data(self.controller.data_cfg)
        # Drawn now, the run is in the first layout and the first frame (the RunChanged that
        # loading posts comes after them: it redraws once more, ~20 ms, after the frame).
        self.workspace.refresh_views()
        # Once the first frames are out (not before the one that shows the data is ready).
        call_after(self, 1.0, settle_garbage_collector)

    def on_resize(self, event: Resize) -> None:
        if self._alive():
            self._resized(event.size)

    def _resized(self, size: Any) -> None:
        self.workspace.apply_layout(size)

    # -- keys --------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go through the key gate (``tui.key_gate``): one
        is routed only once the earlier ones took effect."""
        if (
            isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
            and not self.keys.admit(event)
        ):
            return
        await super().on_event(event)

    async def _deliver_input(self, event: InputEvent) -> None:
        """Route a key or paste the gate held back, as Textual routes one it reads."""
        await super().on_event(event)

    def _alive(self) -> bool:
        """False once the app is closing: late messages and timers then do nothing."""
        return not self._quitting and self.is_running

    # -- messages ---------------------------------------------------------------------------
    def on_run_changed(self, message: RunChanged) -> None:
        if not self._alive():
            return
        if message.redraw == "state":
            self.workspace.show_state()  # at once; the views follow when the worker stops
        elif message.redraw == "settings":
            self.workspace.show_settings()
        else:
            self.workspace.refresh_views(fresh=message.fresh)
        self.refresh_bindings()

    def on_run_notice(self, message: RunNotice) -> None:
        if not self._alive():
            return
        text = self.workspace.show_notice(message)
        title = "Error" if message.severity == "error" else ""
        timeout = 8.0 if message.severity == "error" else 4.0
        self.notify(text, title=title, severity=message.severity, timeout=timeout)

    def on_run_opened(self, message: RunOpened) -> None:
        if self._alive():
            self.workspace.show_configs(message)

    def on_data_config_changed(self, message: DataConfigChanged) -> None:
        self.controller.load_data(message.config)

    def on_model_config_changed(self, message: ModelConfigChanged) -> None:
        self.controller.set_model_config(message.config)

    def on_train_config_changed(self, message: TrainConfigChanged) -> None:
        self.controller.set_train_config(message.config)

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space shows one of Start / Resume / Pause, depending on the run's state. While the
        "enlarge the terminal" notice is on top, only quitting is possible: nothing (a palette,
        the help, a prompt, a zoom) opens over it, so it stays the one notice, on top. The view
        keys (zoom, cursor) are available as ``ViewActions.view_allowed`` says."""
        if isinstance(self.screen, TooSmallScreen):
            return action == "quit"
        if action in VIEW_ACTIONS:
            return self.view_allowed(action)
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
        bad = self.workspace.form_errors()
        if bad:
            first = self.workspace.go_to_error() or "fix the marked field first"
            more = f" (and {len(bad) - 1} more marked)" if len(bad) > 1 else ""
            self.notify(f"{first}{more}", title="Cannot start", severity="error")
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

    def action_undo(self) -> None:
        """u: bring back the run the last reset, new data or new model replaced."""
        done = self.undo_pins() or self.controller.undo.undo()
        self.notify(done or "nothing to undo: r, g and new settings keep the run they replace")

    def action_new_seed(self) -> None:
        """g: a new dataset drawn with the next seed."""
        seed = self.workspace.dataset_pane.bump_seed()
        self.notify(f"new data: seed {seed}", timeout=2.0)

    def action_lr_preset(self, direction: int) -> None:
        """[ and ]: the next learning-rate preset down or up."""
        lr = self.workspace.hyper_pane.step_lr(direction)
        self.notify(f"learning rate {lr:g}", timeout=2.0)

    def action_help(self) -> None:
        """? or F1: the key table."""
        self.push_screen(HelpScreen())

    def action_save(self) -> None:
        """ctrl+s: ask for a path, then save the run there."""

        def chosen(path: str | None) -> None:
            if path:
                self.run_path = path
                self.controller.save(path)

        self.push_screen(PathPrompt("save", self.run_path), chosen)

    def action_open(self) -> None:
        """ctrl+o: ask for a path, then open the saved run (the current one stays on error)."""

        def chosen(path: str | None) -> None:
            if path:
                self.run_path = path
                self.controller.files.open(path)

        self.push_screen(PathPrompt("open", self.run_path), chosen)

    async def action_quit(self) -> None:
        """q, ctrl+q, ctrl+c: stop training, keep the session and leave at once."""
        self._leave()

    def on_unmount(self) -> None:
        # Any other way out (a crash included) keeps the session too.
        self._leave(exit_app=False)
        self._signals.uninstall()

    def _leave(self, return_code: int = 0, exit_app: bool = True) -> None:
        """Keep the session (once), stop the run and exit with ``return_code``."""
        self._quitting = True
        self.controller.keep_session()
        self.controller.shutdown()
        if exit_app:
            self.exit(return_code=return_code)

    def _on_terminate(self, signum: int) -> None:
        """SIGHUP, SIGTERM, SIGINT: keep the session and exit with 128 + the signal number."""
        if not self._quitting:
            self._leave(128 + signum)
        if not self.is_headless:
            # Leaving must not hang on a terminal that is gone (nor ignore a second signal).
            arm_exit_watchdog(128 + signum)
