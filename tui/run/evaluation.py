"""Evaluation and the views the panes read, cached per model state.

``Evaluator`` keeps the latest ``Evaluation`` (``tui.run.scoring``) of the trainer's published
parameters and the views built from it (``tui.views``), keyed by the model state (trainer,
iteration, status) and, for views, by the grid size. So a pane switch, a resize back to a known
size or a second redraw of the same parameters costs nothing; new parameters or a new size are
computed once. The panes read only these views, never the trainer itself.

Where it runs: on the UI thread for small data (a forward pass over a few thousand points takes
well under a millisecond). On large data while training, the pass runs in a thread worker that
posts ``EvaluationReady`` to the controller (NumPy releases the GIL, so the UI stays smooth), and
the previous evaluation is shown until the new one arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.widget import Widget

from neuron_core.data.features import input_names
from neuron_core.training.trainer import Trainer
from tui.messages import EvaluationReady
from tui.run.scoring import Evaluation, evaluate
from tui.views.cost import CostView, cost_view
from tui.views.features import shown_inputs
from tui.views.network import NetworkParams
from tui.views.neuron_output import model_inputs, neuron_surface, points_extent
from tui.views.neuron_thumbnails import ThumbnailsView, layer_thumbnails
from tui.views.predictions import PredictionView, prediction_view

# Above this many points (train + test), scoring during training runs in a worker thread.
ASYNC_EVAL_SAMPLES = 300_000
# Views kept per evaluation (a few plot sizes and neurons); older ones are dropped.
MAX_VIEWS = 8

Key = tuple[Trainer, int, str]


def _key(trainer: Trainer) -> Key:
    snap = trainer.snapshot()
    return trainer, snap.iteration, snap.status


class Evaluator:
    """Scores and views of the run's published parameters. ``node`` (the run controller) runs
    the scoring worker and receives its ``EvaluationReady``, which it hands to ``accept``;
    ``run()`` gives the current trainer (or None) and whether it is training."""

    def __init__(self, node: Widget, run: Callable[[], tuple[Trainer | None, bool]]) -> None:
        self._node = node
        self._run = run
        self._latest: Evaluation | None = None
        self._key: Key | None = None
        self._pending = False
        self._views: dict[tuple[Any, ...], PredictionView | ThumbnailsView] = {}

    def clear(self) -> None:
        """Forget every result (new data, new model, reset): nothing stale is shown."""
        self._latest = None
        self._key = None
        self._views.clear()

    @property
    def shown(self) -> Evaluation | None:
        """The evaluation last computed, without computing a newer one (for the scores shown
        at 10 Hz: scoring runs at the scatter's pace, not the poll's)."""
        return self._latest

    def latest(self) -> Evaluation | None:
        """The evaluation of the trainer's latest published parameters (cached until they
        change). On large data while training, the previous one until a worker is done."""
        trainer, running = self._run()
        if trainer is None:
            self.clear()
            return None
        key = _key(trainer)
        if key == self._key and self._latest is not None:
            return self._latest
        large = trainer.data.m_train + trainer.data.m_test > ASYNC_EVAL_SAMPLES
        if not (large and running):
            snap = trainer.snapshot()
            self._set(key, evaluate(trainer, snap.params, snap.iteration))
            return self._latest
        if not self._pending:
            self._pending = True
            self._node.run_worker(
                lambda: self._score(trainer),
                name="eval",
                group="eval",
                thread=True,
                exclusive=True,
                exit_on_error=False,
            )
        if self._latest is not None and self._key is not None and self._key[0] is trainer:
            return self._latest
        return None

    def _score(self, trainer: Trainer) -> None:
        """Worker: score the published parameters and post the result to the controller."""
        snap = trainer.snapshot()
        try:
            ev: Evaluation | None = evaluate(trainer, snap.params, snap.iteration)
        except (ValueError, MemoryError, FloatingPointError):
            ev = None
        key: Key = (trainer, snap.iteration, snap.status)
        self._node.post_message(EvaluationReady(key, ev))

    def accept(self, message: EvaluationReady) -> bool:
        """Take a worker's result if it still belongs to the current trainer; True when a new
        evaluation was taken (the views then redraw)."""
        self._pending = False
        if message.evaluation is None or message.key[0] is not self._run()[0]:
            return False
        self._set(message.key, message.evaluation)
        return True

    def _set(self, key: Key, ev: Evaluation) -> None:
        self._latest, self._key = ev, key
        self._views.clear()

    # -- the views -------------------------------------------------------------------------------
    def cost_view(self) -> CostView | None:
        """The cost history (views of the live arrays), or None without a trainer."""
        trainer = self._run()[0]
        return None if trainer is None else cost_view(trainer)

    def prediction_view(self, grid: tuple[int, int] | None) -> PredictionView | None:
        """The predictions plot's view of the latest evaluation, for a surface grid of ``grid``
        = (gy, gx) cells; None before there is one."""
        ev, trainer = self.latest(), self._run()[0]
        if ev is None or trainer is None:
            return None
        key = ("predictions", grid)
        view = self._views.get(key)
        if not isinstance(view, PredictionView):
            view = prediction_view(trainer.data, trainer.model_cfg, ev.model, ev.pred_test, grid)
            self._remember(key, view)
        return view

    def neuron_view(
        self, selected: tuple[int, int], grid: tuple[int, int] | None, label: str
    ) -> PredictionView | None:
        """The view of one neuron's output (``selected`` = (layer, unit), an index of
        ``model.layer_outputs``) shaded over the test points, named ``label``."""
        ev, trainer = self.latest(), self._run()[0]
        if ev is None or trainer is None:
            return None
        key = ("neuron", selected, grid, label)
        cached = self._views.get(key)
        if isinstance(cached, PredictionView):
            return cached
        view = self.prediction_view(grid)
        data = trainer.data
        if view is not None and data.n_features == 2 and grid is not None and min(grid) > 1:
            # The neuron's output replaces the model's: same points, same axes (original units).
            extent = view.surface_extent or points_extent(view.X)
            expand = model_inputs(data.standardization, trainer.model_cfg.feature_map)
            surface = neuron_surface(ev.model, selected[0], selected[1], extent, grid, expand)
            view = replace(
                view, boundary=None, surface=surface, surface_extent=extent, surface_label=label
            )
        if view is not None:
            self._remember(key, view)
        return view

    def thumbnails(
        self, layer: int, shape: tuple[int, int], labels: tuple[str, ...]
    ) -> ThumbnailsView | None:
        """Every unit of ``layer`` (an index of ``model.layer_outputs``) on a thumbnail grid of
        ``shape`` = (gy, gx) cells over the predictions plot's extent, named by ``labels``; None
        before there is an evaluation, or when the data has not two features (no plane to
        draw). Computed once per model state, layer and shape."""
        ev, trainer = self.latest(), self._run()[0]
        if ev is None or trainer is None or trainer.data.n_features != 2 or min(shape) < 1:
            return None
        key = ("thumbnails", layer, shape, labels)
        cached = self._views.get(key)
        if isinstance(cached, ThumbnailsView):
            return cached
        data = trainer.data
        # The extent of the large plot of a neuron (that of the predictions surface: the test
        # points in the data's own units, with a margin), so a thumbnail is a small copy of it.
        X = data.X_test if data.m_test else data.X_train
        if data.standardization is not None:
            mean, std = data.standardization
            X = X * std + mean
        extent = points_extent(X)
        expand = model_inputs(data.standardization, trainer.model_cfg.feature_map)
        try:
            view = layer_thumbnails(ev.model, layer, extent, shape, labels, expand)
        except (IndexError, ValueError):
            return None
        self._remember(key, view)
        return view

    def network_params(self) -> NetworkParams | None:
        """The latest parameters arranged by layer, for the network diagram."""
        ev, trainer = self.latest(), self._run()[0]
        if ev is None or trainer is None:
            return None
        cfg = trainer.model_cfg
        names = input_names(cfg.feature_map, trainer.data.feature_names)
        return NetworkParams.from_params(
            ev.params,
            names if cfg.feature_map is None else shown_inputs(names),
            cfg.activation if cfg.hidden else None,
            cfg.problem,
        )

    def _remember(self, key: tuple[Any, ...], view: PredictionView | ThumbnailsView) -> None:
        if len(self._views) >= MAX_VIEWS:
            self._views.pop(next(iter(self._views)))
        self._views[key] = view
