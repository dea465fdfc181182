"""The training loop: runs a network's stepper in chunks, records history, stops on request.

``Trainer`` is used the same way by the CLI (``run()`` to the end) and by the app (``run(stop)``
in a worker thread, ``step(1)`` while paused, ``set_train_config`` between runs). It never calls
back into the UI: readers poll ``history``, ``iteration``, ``status`` and ``snapshot()``. The store
saves a run from ``stepper_state()`` and the public attributes and brings it back with
``restore``.

Every iteration's training cost goes into a preallocated ``History``; the test cost is measured
every ``test_every`` iterations (and at the end). A non-finite cost stops the run as
``diverged`` and keeps the last finite parameters (``schedule`` has the chunk sizes and the other
ways a run ends). The same configs and seeds always give bit-identical histories.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast, get_args

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.features import expand
from neuron_core.model.network import Network
from neuron_core.training.history import History
from neuron_core.training.schedule import (
    FINISHED,
    EarlyStopping,
    Snapshot,
    Status,
    auto_test_every,
    diverged_reason,
    next_chunk,
    target_reason,
)
from neuron_core.training.stepper import Stepper, keeps_stepper, make_stepper

F64 = NDArray[np.float64]


class Trainer:
    """Trains ``model`` on ``data`` with ``train_cfg``; see the module docstring."""

    def __init__(
        self,
        data: Dataset,
        model_cfg: ModelConfig,
        train_cfg: TrainConfig,
        *,
        history: History | None = None,
        params: list[F64] | None = None,
    ) -> None:
        model_cfg.validate()
        train_cfg.validate()
        self.data = data
        self.model_cfg = model_cfg = replace(model_cfg, classes=data.n_classes)  # data decides
        self.train_cfg = train_cfg
        self.X_train = expand(data.X_train, model_cfg.feature_map)
        self.X_test = expand(data.X_test, model_cfg.feature_map)
        self.model = Network.from_config(model_cfg, self.X_train.shape[0])
        self.initial_params = self.model.get_params()
        if params is not None:
            self.model.set_params(params)
        self.history = history if history is not None else History(train_cfg.iterations)
        self.history.reserve(train_cfg.iterations)
        self.status: Status = "ready" if self.history.n == 0 else "paused"
        self.reason = ""
        self.seconds = 0.0  # wall time spent inside run()/step()
        self._early = EarlyStopping()
        self._stepper: Stepper = make_stepper(self.model, self.X_train, data.Y_train, train_cfg)
        self._snapshot = Snapshot(self.model.get_params(), self.history.n, self.status, "")
        if self.history.n >= train_cfg.iterations:
            self.status = "completed"

    # -- reading ---------------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        """Number of iterations done (= training costs recorded)."""
        return self.history.n

    @property
    def test_every(self) -> int:
        """Iterations between test-cost measurements."""
        return self.train_cfg.test_every or auto_test_every(self.train_cfg.iterations)

    @property
    def stepper(self) -> Stepper:
        """The training loop in use (``stepper.make_stepper`` chose it); the trainer's own."""
        return self._stepper

    def snapshot(self) -> Snapshot:
        """The latest consistent state (updated after every chunk); safe from any thread."""
        return self._snapshot

    def test_cost(self) -> float:
        """Cost of the current parameters on the test set."""
        return self.model.cost(self.X_test, self.data.Y_test)

    def stepper_state(self) -> dict[str, NDArray[Any]]:
        """The training loop's state besides the parameters (optimizer memory and step count,
        mini-batch order) as named 1-D float64/int64 arrays, for saving (``Stepper.state``)."""
        return self._stepper.state()

    # -- restoring a saved run -------------------------------------------------------------
    def restore(
        self,
        initial_params: list[F64],
        status: str,
        reason: str,
        seconds: float,
        stepper_state: Mapping[str, NDArray[Any]] | None = None,
    ) -> None:
        """Bring back the rest of a saved run, on a trainer built with its history and params.

        ``initial_params`` become the start ``reset`` returns to (shapes as ``get_params()``); a
        finished ``status`` is kept with its ``reason``, any other keeps the one the constructor
        derived from the history; ``seconds`` is the training time so far; ``stepper_state``
        (``None`` or empty: a fresh optimizer, as older files have) lets momentum, Adam and
        mini-batches continue exactly. The early-stopping count is replayed from the recorded
        test costs. ``ValueError`` (nothing changed) when something does not fit.
        """
        if status not in get_args(Status):
            raise ValueError(f"unknown status {status!r}")
        shapes = [p.shape for p in self.model.get_params()]
        given = [np.shape(p) for p in initial_params]
        if given != shapes:
            raise ValueError(f"initial parameters have shapes {given}, the model needs {shapes}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"invalid training time {seconds!r}")
        self._stepper.set_state(stepper_state or {})
        self.initial_params = [np.array(p, dtype=np.float64) for p in initial_params]
        self.seconds = float(seconds)
        if status in FINISHED:
            # The constructor derived "paused"/"completed" from the history; a finished run keeps
            # its own ending (a diverged run stays diverged, with its reason).
            self.status = cast(Status, status)
            self.reason = reason
        self._early.replay(self.history.test()[1], self.train_cfg.early_stop)
        self._publish()  # the snapshot the UI reads shows the restored status

    # -- changing --------------------------------------------------------------------------
    def set_train_config(self, cfg: TrainConfig) -> None:
        """Apply a new training config to the continued run (call while not running).

        A new dtype, optimizer, batch size or seed, or a change that moves the run between the
        fast single-neuron stepper and the general one (``stepper.keeps_stepper``), builds a new
        stepper from the current parameters, with a fresh optimizer state and shuffling. Any
        other change (learning rate, ``l1``/``l2``, iterations, stop conditions) applies to the
        running stepper from the next iteration and keeps its momentum or Adam moments. More
        iterations reopen a completed run.
        """
        cfg.validate()
        old = self.train_cfg
        self.train_cfg = cfg
        self.history.reserve(cfg.iterations)
        if keeps_stepper(self.model, old, cfg):
            self._stepper.set_config(cfg)
        else:
            self._stepper.sync()
            self._stepper = make_stepper(self.model, self.X_train, self.data.Y_train, cfg)
        if self.status in FINISHED and self.status != "diverged":
            self.status = "paused" if self.history.n < cfg.iterations else "completed"
        if self.status == "completed" and self.history.n < cfg.iterations:
            self.status = "paused"
        self._publish()

    def reset(self) -> None:
        """Back to the initial parameters (the same ones as at the start) and an empty history."""
        self.model.set_params([p.copy() for p in self.initial_params])
        self._stepper = make_stepper(self.model, self.X_train, self.data.Y_train, self.train_cfg)
        self.history.truncate(0)
        self.status, self.reason, self.seconds = "ready", "", 0.0
        self._early = EarlyStopping()
        self._publish()

    # -- running ---------------------------------------------------------------------------
    def step(self, k: int = 1) -> Status:
        """Run exactly ``k`` more iterations (or fewer if the run ends), then pause."""
        if self.status in FINISHED:
            return self.status
        target = min(self.history.n + k, self.train_cfg.iterations)
        status = self._run_until(target, None)
        if status == "running":
            status = "completed" if self.history.n >= self.train_cfg.iterations else "paused"
            self.status = status
            self._publish()
        return status

    def run(self, stop: threading.Event | None = None) -> Status:
        """Run until the iteration limit, a stop condition, divergence, or ``stop`` is set
        (then the status is ``paused``). Returns the final status."""
        if self.status in FINISHED:
            return self.status
        status = self._run_until(self.train_cfg.iterations, stop)
        if status == "running":
            self.status = "completed"
            self._publish()
        return self.status

    def _run_until(self, target: int, stop: threading.Event | None) -> Status:
        self.status, self.reason = "running", ""
        self._publish()
        every, cfg, hist = self.test_every, self.train_cfg, self.history
        hist.reserve(target)
        chunk = 16  # grows to about CHUNK_SECONDS of work after the first chunks
        t0 = time.perf_counter()
        try:
            while hist.n < target:
                if stop is not None and stop.is_set():
                    self.status = "paused"
                    return self.status
                # Chunks end on test-cost boundaries so the test cost is measured on schedule,
                # and last about CHUNK_SECONDS so a stop request is honoured promptly and readers
                # see fresh parameters, whatever the speed of one iteration.
                k = min(target - hist.n, every - hist.n % every, chunk)
                c0 = time.perf_counter()
                # With a target cost the chunk may have to be replayed from its start.
                start_state = self._stepper.state() if cfg.target_cost is not None else {}
                done = self._stepper.run(hist.free_slots(), k, hist.n)
                hist.commit(done)
                self._stepper.sync()
                chunk = next_chunk(chunk, done, time.perf_counter() - c0)
                if done < k:
                    return self._end("diverged", diverged_reason(hist.n, cfg.lr))
                if (hist.n % every == 0 or hist.n == cfg.iterations) and self._record_test():
                    return self.status  # early stopping
                goal = cfg.target_cost
                if goal is not None and self._target_hit(hist.n - done, goal, start_state):
                    cost = float(hist.costs[hist.n - 1])
                    return self._end("target_reached", target_reason(cost, goal, hist.n - 1))
                self._publish()
            return self.status
        finally:
            self.seconds += time.perf_counter() - t0
            self._publish()

    def _target_hit(
        self, start: int, target: float, start_state: Mapping[str, NDArray[Any]]
    ) -> bool:
        """True if a cost of the chunk that began at ``start`` reached ``target``.

        The run must stop right at the first such iteration, but the chunk ran past it: replay
        the chunk from its starting parameters (published in the snapshot) and its starting
        stepper state (optimizer memory, mini-batch order) up to that iteration. Training is
        deterministic, so the replay gives the same costs bit for bit.
        """
        hist = self.history
        hits = np.flatnonzero(hist.costs[start : hist.n] <= target)
        if hits.size == 0:
            return False
        stop_at = start + int(hits[0]) + 1
        if stop_at < hist.n:
            self.model.set_params(self._snapshot.params)
            hist.truncate(start)
            self._stepper = make_stepper(
                self.model, self.X_train, self.data.Y_train, self.train_cfg
            )
            self._stepper.set_state(start_state)
            hist.commit(self._stepper.run(hist.free_slots(), stop_at - start, start))
            self._stepper.sync()
        return True

    def _end(self, status: Status, reason: str) -> Status:
        """End the run with ``status`` for ``reason``, measuring the test cost there."""
        self.status, self.reason = status, reason
        self._record_test()
        return status

    def _record_test(self) -> bool:
        """Measure and record the test cost now; True if early stopping ended the run."""
        hist = self.history
        n_iters, _ = hist.test()
        if hist.n_test and int(n_iters[-1]) == hist.n:
            return False
        tc = self.test_cost()
        if not math.isfinite(tc):
            return False
        hist.add_test(hist.n, tc)
        patience = self.train_cfg.early_stop
        if self._early.add(tc, patience):
            assert patience is not None  # add only ends a run that has a patience
            self.status = "early_stopped"
            self.reason = self._early.reason(patience, hist.n)
            return True
        return False

    def _publish(self) -> None:
        self._snapshot = Snapshot(self.model.get_params(), self.history.n, self.status, self.reason)

    def with_config(self, **changes: object) -> TrainConfig:
        """A copy of the training config with ``changes`` applied (validated)."""
        cfg = replace(self.train_cfg, **changes)  # type: ignore[arg-type]
        cfg.validate()
        return cfg
