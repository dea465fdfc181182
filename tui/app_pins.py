"""The app's pin keys: ``p`` pins the run's cost curve on the chart, ``P`` clears the pins.

``PinActions`` is the part of ``NeuronApp`` (``tui.app``) that keeps up to five pinned runs
(``tui.run.pins``) on the cost chart, zoomed or not, each named by what differs from the
current settings; the names follow the settings as they change (every ``RunChanged``). A sixth
pin replaces the oldest, and the notice says so. ``P`` clears them and ``u`` brings them back
(as it brings back a run ``r`` or ``g`` replaced), until something newer is undoable.

"Compare…" in the palette asks for a grid (``tui.screens.compare``), trains its runs one after
another in a thread worker (``tui.run.compare``: the screen stays live, the current run is left
alone) and pins each as it finishes; "Stop comparing" in the palette, or quitting, stops it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from textual.app import App, SystemCommand
from textual.screen import Screen

from neuron_core.errors import NeuronError
from tui.messages import RunChanged
from tui.panes.workspace import Workspace
from tui.run.compare import grid_of, train_grid
from tui.run.controller import RunController
from tui.run.pins import PinBoard, pin_label, settings_of
from tui.run.undo import Kept
from tui.screens.compare import CompareDialog


class PinActions(App[None]):
    """The pin actions of the app (see the module docstring)."""

    controller: RunController
    workspace: Workspace
    # What `u` would bring back of the run when the pins were cleared: while it is still that,
    # `u` brings the pins back instead.
    _kept_at_clear: Kept | None = None
    _labels: list[tuple[int, str]] | None = None
    # Set to stop the comparison in progress (None: none runs).
    _compare_stop: threading.Event | None = None

    @property
    def pin_board(self) -> PinBoard:
        """The pinned runs (kept with the session and in saved runs)."""
        return self.controller.files.pins

    def current_settings(self) -> dict[str, str]:
        """The settings of the current run as the forms have them (``settings_of``)."""
        c = self.controller
        return settings_of(c.data_cfg, c.model_cfg, c.train_cfg)

    def show_pins(self, *, force: bool = False) -> None:
        """Hand the cost chart the pins with their labels (only when a label changed)."""
        board = self.pin_board
        current = self.current_settings()
        labels = [pin_label(pin.settings, current) for pin in board.pins]
        # The pins themselves too: an opened run brings its own.
        key = [(id(pin), label) for pin, label in zip(board.pins, labels, strict=True)]
        if not force and key == self._labels:
            return
        self._labels = key
        chart = self.workspace.training_pane.chart
        chart.set_pins(list(zip(board.pins, labels, strict=True)))

    def on_run_changed(self, message: RunChanged) -> None:
        """The settings may have changed (the pins' labels follow them), or a run was opened
        (with its own pins)."""
        if self.is_running:
            self.show_pins()

    def action_pin(self) -> None:
        """p: pin the current run's cost curve on the chart."""
        c = self.controller
        trainer = c.trainer
        if trainer is None or trainer.iteration == 0:
            self.notify("nothing to pin yet: train first (space)", severity="warning")
            return
        settings = settings_of(c.dataset_cfg or c.data_cfg, trainer.model_cfg, trainer.train_cfg)
        pin, replaced = self.pin_board.add(trainer.history.train(), settings)
        self._kept_at_clear = None
        self.show_pins(force=True)
        label = pin_label(pin.settings, self.current_settings())
        more = f" (it replaced the oldest pin, {pin.mark})" if replaced is not None else ""
        self.notify(f"pinned as {pin.mark}: {label}{more} — P clears the pins", timeout=4.0)

    def action_clear_pins(self) -> None:
        """P: unpin every curve (u brings them back)."""
        count = self.pin_board.clear()
        if not count:
            self.notify("no pinned curves: p pins the current run's", timeout=3.0)
            return
        self._kept_at_clear = self.controller.undo.kept
        self.show_pins(force=True)
        self.notify(f"cleared {count} pinned curve{'s' if count > 1 else ''} — u to undo")

    def undo_pins(self) -> str | None:
        """u: bring back the pins ``P`` cleared, if that is the last thing done that ``u``
        undoes; what to tell the person, or None (``u`` then undoes a run's change)."""
        board = self.pin_board
        if not board.cleared or self.controller.undo.kept is not self._kept_at_clear:
            return None
        count = board.restore()
        if not count:
            return None
        self._kept_at_clear = None
        self.show_pins(force=True)
        return f"Undone: {count} pinned curve{'s' if count > 1 else ''} back"

    # -- Compare... -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, and "Compare…" (or "Stop comparing" while it runs)."""
        yield from super().get_system_commands(screen)
        if screen is not self.workspace.screen:
            return
        if self._compare_stop is not None:
            yield SystemCommand(
                "Stop comparing", "Stop the runs Compare… trains (those done stay pinned)",
                self.action_stop_compare,
            )  # fmt: skip
        else:
            yield SystemCommand(
                "Compare…", "Train a grid of runs (--optimizer gd,adam --lr 0.1,0.03) and pin "
                "their cost curves", self.action_compare,
            )  # fmt: skip

    def _check_grid(self, text: str) -> str | None:
        c = self.controller
        try:
            grid_of(text, c.data_cfg, c.model_cfg, c.train_cfg)
        except ValueError as exc:
            return str(exc)
        return None

    def action_compare(self) -> None:
        """Compare…: ask for a grid, then train and pin its runs in the background."""
        lr = self.controller.train_cfg.lr
        default = f"--optimizer gd,momentum,adam --lr {lr:g}"
        self.push_screen(CompareDialog(default, self._check_grid), self._start_compare)

    def _start_compare(self, text: str | None) -> None:
        if text is None or self._compare_stop is not None:
            return
        c = self.controller
        try:
            requests = grid_of(text, c.data_cfg, c.model_cfg, c.train_cfg)
        except ValueError as exc:  # the settings changed since the dialog checked it
            self.notify(str(exc), title="Compare", severity="error")
            return
        stop = self._compare_stop = threading.Event()
        total = len(requests)

        def done(index: int, costs: NDArray[np.float64], settings: dict[str, str]) -> None:
            # The app may be closing (quit while comparing): nothing to show then.
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._compared, index, total, costs, settings)

        def job() -> None:
            try:
                message = f"{train_grid(requests, stop, done)} of {total} runs trained and pinned"
            except (NeuronError, MemoryError, OSError) as exc:
                message = f"stopped: {exc}"
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._compare_ended, message)

        self.notify(f"comparing {total} runs in the background (Stop comparing in ^p)")
        self.run_worker(job, thread=True, group="compare", exclusive=True, exit_on_error=False)

    def _compared(
        self, index: int, total: int, costs: NDArray[np.float64], settings: dict[str, str]
    ) -> None:
        pin, _ = self.pin_board.add(costs, settings)
        self._kept_at_clear = None
        self.show_pins(force=True)
        label = pin_label(pin.settings, self.current_settings())
        self.notify(f"run {index + 1} of {total} pinned as {pin.mark}: {label}", timeout=3.0)

    def _compare_ended(self, message: str) -> None:
        self._compare_stop = None
        self.notify(f"Compare: {message}", timeout=4.0)

    def action_stop_compare(self) -> None:
        """Stop comparing: the run in training stops, the rest are skipped."""
        if self._compare_stop is not None:
            self._compare_stop.set()

    def on_unmount(self) -> None:
        # A thread worker keeps the process alive until it returns: stop it on the way out.
        if self._compare_stop is not None:
            self._compare_stop.set()
