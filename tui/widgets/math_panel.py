"""The Math view (key ``m``): the article's equations with the run's own numbers, live.

A panel under the panes (above the footer), as tall as its lines: for the selected sample and
neuron (the network pane's selection; with no hidden layer, the article's single neuron) it
shows ``z = w·x + b``, ``a = σ(z)``, the sample's loss, the cost J, the gradient and the update
the next iteration makes (``tui.views.math`` writes the lines). Every number is the engine's
(``neuron_core.training.explain``), computed from the trainer's published parameters.

While it has the focus, ↑/↓ and ←/→ pick the sample (its point is marked ``@`` on the
predictions plot), ``z`` gives it the whole screen (``z`` or Escape gives it back), Escape
closes it. It follows the run on a timer: at once while paused (after each ``n``), at most once
a second while training, and more slowly when one computation takes long. The numbers are
computed in a thread worker (a full-batch gradient over a million samples takes a few hundred
ms, which the UI thread must not spend), and shown when they are ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from neuron_core.data.dataset import Dataset
from neuron_core.training.explain import explain_unit
from neuron_core.training.schedule import Snapshot
from neuron_core.training.trainer import Trainer
from tui.run.controller import RunController
from tui.views.math import math_lines

# How often the panel looks for a new state (cheap: it compares a key), and at most how often
# it computes while training.
POLL_SECONDS = 0.2
TRAINING_SECONDS = 1.0
TITLE = "m Math"
HINT = "↑↓ sample · n step · z zoom · Esc close"


class MathPanel(Static, can_focus=True):
    """The Math view; ``selected()`` gives the network pane's (layer, unit) and ``mark(point)``
    marks the sample on the predictions plot (None: no mark). See the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "sample(1)", "Next sample", tooltip="Math view: the next sample",
                id="math.next"),
        Binding("up,left", "sample(-1)", "Previous sample",
                tooltip="Math view: the previous sample", id="math.previous"),
        Binding("pagedown", "sample(10)", "10 samples on", show=False,
                tooltip="Math view: ten samples on", id="math.next-10"),
        Binding("pageup", "sample(-10)", "10 samples back", show=False,
                tooltip="Math view: ten samples back", id="math.previous-10"),
        Binding("z", "zoom", "Zoom", tooltip="Math view: the whole screen (z again gives it back)",
                id="math.zoom"),
        Binding("escape", "leave", "Close", tooltip="Math view: give the screen back, or close it",
                id="math.close"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    MathPanel {
        height: auto;
        max-height: 50%;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        border-subtitle-color: $foreground-muted;
        padding: 0 1;
        background: $surface;
    }
    MathPanel:focus {
        border: heavy $accent;
    }
    MathPanel.-full {
        height: 1fr;
        max-height: 100%;
    }
    """

    def __init__(
        self,
        controller: RunController,
        selected: Callable[[], tuple[int, int]],
        mark: Callable[[tuple[float, float] | None], None],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__("", id=id, markup=False)
        self.controller = controller
        self._selected = selected
        self._mark = mark
        self.sample = 0
        self.lines: list[str] = []  # what the panel says now (tests read it)
        self._key: tuple[object, ...] | None = None
        self._next = 0.0
        self.border_title = TITLE
        self.border_subtitle = HINT

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.refresh_math)
        self.watch(self.screen, "maximized", self._maximized_changed, init=False)
        self.refresh_math()

    def on_focus(self) -> None:
        self.border_title = "▶ " + TITLE  # the focus reads without colour

    def on_blur(self) -> None:
        self.border_title = TITLE

    # -- keys -------------------------------------------------------------------------------
    def action_sample(self, step: int) -> None:
        """↑/↓ (←/→, PgUp/PgDn): another sample of the training set (wraps around)."""
        self.sample += step
        self.refresh_math(now=True)

    def action_zoom(self) -> None:
        """z: the panel takes the whole screen above the footer, or gives it back."""
        screen = self.screen
        if screen.maximized is self:
            screen.minimize()
            return
        # As ``tui.panes.zoom`` does, without the screen's class (a restyle of every widget):
        # the panel alone gets the class that sizes it.
        self.add_class("-full")
        screen.set_reactive(Screen.maximized, self)
        screen.refresh(layout=True)

    def action_leave(self) -> None:
        """Escape: give the screen back (when zoomed), else close the panel."""
        if self.screen.maximized is self:
            self.screen.minimize()
        else:
            self.close()

    def close(self) -> None:
        """Hide the panel and its mark; the focus goes to the panes."""
        if self.screen.maximized is self:
            self.screen.minimize()
        self.display = False
        self._mark(None)
        self._key = None
        if self.has_focus:
            self.screen.focus_next()

    def _maximized_changed(self, maximized: object) -> None:
        """The screen's zoom changed (any way: z, Escape): size the panel to match."""
        if maximized is not self:
            self.remove_class("-full")

    # -- the numbers ------------------------------------------------------------------------
    def refresh_math(self, now: bool = False) -> None:
        """Show the numbers of the current state, when it changed (see the module docstring)."""
        if not self.display or not self.is_attached:
            return
        c = self.controller
        trainer, dataset = c.trainer, c.dataset
        if trainer is None or dataset is None:
            self._show(["no model yet: load data first"], None)
            return
        snap = trainer.snapshot()
        layer, unit = self._selected()
        m = int(trainer.X_train.shape[1])
        if m == 0:
            self._show(["no training samples"], None)
            return
        self.sample %= m
        key = (id(trainer), id(snap), trainer.train_cfg, self.sample, layer, unit)
        if key == self._key or (c.running and not now and time.monotonic() < self._next):
            return
        self._key = key
        self._next = time.monotonic() + TRAINING_SECONDS
        n_layers = len(snap.params) // 2
        layer = min(layer, n_layers - 1)
        names = _input_names(trainer.model_cfg.feature_map, dataset.feature_names, layer)
        job = (trainer, dataset, snap, self.sample, layer, unit, names)
        # In a thread: a full-batch gradient over a million samples takes a few hundred ms.
        self.run_worker(partial(self._compute, *job), thread=True, exclusive=True, group="math")

    def _compute(
        self,
        trainer: Trainer,
        dataset: Dataset,
        snap: Snapshot,
        sample: int,
        layer: int,
        unit: int,
        names: tuple[str, ...],
    ) -> None:
        """(Worker thread.) The engine's numbers for ``sample`` and neuron (``layer``,
        ``unit``) at the published parameters ``snap``, written as the Math view's lines and
        shown on the UI thread (unless a newer request replaced this one)."""
        t0 = time.monotonic()
        um = explain_unit(
            trainer.model_cfg, trainer.train_cfg, snap.params, trainer.X_train,
            dataset.Y_train, sample, layer, unit,
        )  # fmt: skip
        out = layer == len(snap.params) // 2 - 1
        problem = trainer.model_cfg.problem
        function = trainer.model_cfg.activation
        if out:
            function = "sigmoid" if problem == "classification" else "linear"
        lines = math_lines(
            um, label="out" if out else f"h{layer + 1}.{um.unit + 1}", function=function,
            input_names=names or tuple(f"h{layer}.{k + 1}" for k in range(um.inputs.shape[0])),
            problem=problem, iteration=snap.iteration,
        )  # fmt: skip
        X = dataset.X_train
        y_axis = float(X[1, um.sample]) if X.shape[0] > 1 else float(dataset.Y_train[0, um.sample])
        spent = time.monotonic() - t0
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._done, lines, (float(X[0, um.sample]), y_axis), spent)

    def _done(self, lines: list[str], point: tuple[float, float], spent: float) -> None:
        # While training, the next computation waits at least 10x as long as this one took.
        self._next = time.monotonic() + max(TRAINING_SECONDS, 10.0 * spent)
        if self.display:
            self._show(lines, point)

    def _show(self, lines: list[str], point: tuple[float, float] | None) -> None:
        if lines != self.lines:
            self.lines = lines
            self.update("\n".join(lines))
        self._mark(point)


def _input_names(
    feature_map: tuple[str, ...] | None, features: tuple[str, ...], layer: int
) -> tuple[str, ...]:
    """The names of the first layer's inputs (the model's inputs); () for a later layer."""
    if layer == 0:
        return tuple(feature_map) if feature_map is not None else tuple(features)
    return ()
