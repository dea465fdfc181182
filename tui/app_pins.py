"""The app's pin keys: ``p`` pins the run's cost curve on the chart, ``P`` clears the pins.

``PinActions`` is the part of ``NeuronApp`` (``tui.app``) that keeps up to five pinned runs
(``tui.run.pins``) on the cost chart, zoomed or not, each named by what differs from the
current settings; the names follow the settings as they change (every ``RunChanged``). A sixth
pin replaces the oldest, and the notice says so. ``P`` clears them and ``u`` brings them back
(as it brings back a run ``r`` or ``g`` replaced), until something newer is undoable.
"""

from __future__ import annotations

from textual.app import App

from tui.messages import RunChanged
from tui.panes.workspace import Workspace
from tui.run.controller import RunController
from tui.run.pins import PinBoard, pin_label, settings_of
from tui.run.undo import Kept


class PinActions(App[None]):
    """The pin actions of the app (see the module docstring)."""

    controller: RunController
    workspace: Workspace
    # What `u` would bring back of the run when the pins were cleared: while it is still that,
    # `u` brings the pins back instead.
    _kept_at_clear: Kept | None = None
    _labels: list[tuple[int, str]] | None = None

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
