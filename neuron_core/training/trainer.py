"""The training loop: runs a model's stepper in chunks, records history, stops on request.

``Trainer`` is used the same way by the CLI (``run()`` to the end) and by the app (``run(stop)``
in a worker thread, ``step(1)`` while paused, ``set_train_config`` between runs). It never calls
back into the UI: readers poll ``history``, ``iteration``, ``status`` and ``snapshot()``. The store
saves a run from ``stepper_state()`` and the public attributes and brings it back with
``restore``.

Every iteration's training cost goes into a preallocated ``History``; the test cost is measured
every ``test_every`` iterations (and at the end). A non-finite cost stops the run as
``diverged`` and keeps the last finite parameters. The same configs and seeds always give
bit-identical histories: nothing here draws random numbers except through the configs' seeds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, cast, get_args

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig, TrainConfig
from neuron_core.data.datasets import Dataset
from neuron_core.data.features import expand
from neuron_core.training.history import History
from neuron_core.training.stepper import Model, Stepper, build_model, uses_fast_neuron

F64 = NDArray[np.float64]
Status = Literal[
    "ready", "running", "paused", "completed", "diverged", "target_reached", "early_stopped"
]
# Statuses after which ``run`` does nothing until the config changes or the run is reset.
FINISHED: frozenset[str] = frozenset({"completed", "diverged", "target_reached", "early_stopped"})


def auto_test_every(iterations: int) -> int:
    """Default test-cost interval: about 200 measurements per run, never more often than every
    10 iterations (measuring costs a forward pass over the test set)."""
    return max(10, iterations // 200)


# Target wall time of one chunk of iterations: short enough that pausing feels instant and the
# UI's 10 Hz poll sees new parameters, long enough that per-chunk work (syncing parameters,
# publishing a snapshot) stays well under 1% of the run.
CHUNK_SECONDS = 0.02


def _next_chunk(chunk: int, done: int, seconds: float) -> int:
    """Size the next chunk so it takes about ``CHUNK_SECONDS`` at the speed just measured
    (at most 4x growth per step, so one fast chunk cannot cause a very long one)."""
    if done <= 0 or seconds <= 0.0:
        return chunk
    wanted = int(done * CHUNK_SECONDS / seconds)
    return max(1, min(wanted, 4 * max(chunk, done)))


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of the trainer's state for another thread: parameters (copies), the
    iteration they belong to, and the status."""

    params: list[F64]
    iteration: int
    status: Status
    reason: str


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
        self.model_cfg = model_cfg
        self.train_cfg = train_cfg
        self.X_train = expand(data.X_train, model_cfg.feature_map)
        self.X_test = expand(data.X_test, model_cfg.feature_map)
        self.model: Model = build_model(model_cfg, self.X_train.shape[0], train_cfg)
        self.initial_params = self.model.get_params()
        if params is not None:
            self.model.set_params(params)
        self.history = history if history is not None else History(train_cfg.iterations)
        self.history.reserve(train_cfg.iterations)
        self.status: Status = "ready" if self.history.n == 0 else "paused"
        self.reason = ""
        self.seconds = 0.0  # wall time spent inside run()/step()
        self._best_test = math.inf
        self._since_best = 0
        self._stepper: Stepper = self.model.make_stepper(self.X_train, data.Y_train, train_cfg)
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

        ``initial_params`` become the start ``reset`` returns to (shapes as
        ``model.get_params()``); a finished ``status`` (completed, diverged, target reached,
        early stopped) is kept with its ``reason``, any other keeps the status the constructor
        derived from the history; ``seconds`` is the training time so far; ``stepper_state``
        (``stepper_state()`` of the saved run; ``None`` or empty: a fresh optimizer, as files
        without it had) lets momentum, Adam and mini-batches continue exactly. The
        early-stopping count is replayed from the recorded test costs, so the patience goes on
        where it was. Raises ``ValueError`` (before changing anything) when something does not
        fit this trainer's model and config.
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
        self._replay_early_stopping()
        self._publish()  # the snapshot the UI reads shows the restored status

    def _replay_early_stopping(self) -> None:
        """Recompute the best test cost and the measurements since it from the history.

        Mirrors ``_record_test``: an improvement is a drop of more than 1e-12.
        """
        self._best_test, self._since_best = math.inf, 0
        if self.train_cfg.early_stop is None:
            return
        _, test_costs = self.history.test()
        for tc in test_costs.tolist():
            if tc < self._best_test - 1e-12:
                self._best_test, self._since_best = tc, 0
            else:
                self._since_best += 1

    # -- changing --------------------------------------------------------------------------
    def set_train_config(self, cfg: TrainConfig) -> None:
        """Apply a new training config to the continued run (call while not running).

        A new dtype, optimizer, batch size or seed (or a switch between the fast single neuron
        and the network) rebuilds the stepper from the current parameters, with a fresh
        optimizer state and shuffling. Any other change (learning rate, ``l1``/``l2``,
        iterations, stop conditions) applies to the running stepper from the next iteration and
        keeps its momentum or Adam moments. More iterations reopen a completed run.
        """
        cfg.validate()
        old = self.train_cfg
        self.train_cfg = cfg
        self.history.reserve(cfg.iterations)
        # A new precision, optimizer, batching or engine (fast neuron <-> network) needs a new
        # stepper; learning rate and regularisation changes apply to the running one.
        rebuild = (old.dtype, old.optimizer, old.batch_size, old.seed) != (
            cfg.dtype,
            cfg.optimizer,
            cfg.batch_size,
            cfg.seed,
        ) or uses_fast_neuron(self.model_cfg, old) != uses_fast_neuron(self.model_cfg, cfg)
        if rebuild:
            self._stepper.sync()
            self.model = self._rebuild_model()
            self._replace_stepper(self.model.make_stepper(self.X_train, self.data.Y_train, cfg))
        else:
            self._stepper.set_config(cfg)
        if self.status in FINISHED and self.status != "diverged":
            self.status = "paused" if self.history.n < cfg.iterations else "completed"
        if self.status == "completed" and self.history.n < cfg.iterations:
            self.status = "paused"
        self._publish()

    def _replace_stepper(self, stepper: Stepper) -> None:
        old, self._stepper = self._stepper, stepper
        old.close()

    def close(self) -> None:
        """Let go of the stepper's helper process now (see ``Stepper.close``); the trainer
        stays usable. Not while ``run`` is running."""
        self._stepper.close()

    def _rebuild_model(self) -> Model:
        params = self.model.get_params()
        model = build_model(self.model_cfg, self.X_train.shape[0], self.train_cfg)
        model.set_params(params)
        # The fast single neuron and a network without hidden layers lay out the same numbers
        # differently ([w (n,1), b] vs [W1 (1,n), b1]); keep the initial parameters in the layout
        # of the model now in use so reset and save see one consistent layout.
        model.set_params([p.copy() for p in self.initial_params])
        self.initial_params = model.get_params()
        model.set_params(params)
        return model

    def reset(self) -> None:
        """Back to the initial parameters (the same ones as at the start) and an empty history."""
        self.model = build_model(self.model_cfg, self.X_train.shape[0], self.train_cfg)
        self.model.set_params([p.copy() for p in self.initial_params])
        self._replace_stepper(
            self.model.make_stepper(self.X_train, self.data.Y_train, self.train_cfg)
        )
        self.history.truncate(0)
        self.status = "ready"
        self.reason = ""
        self.seconds = 0.0
        self._best_test = math.inf
        self._since_best = 0
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
        self.status = "running"
        self.reason = ""
        self._publish()
        every = self.test_every
        cfg = self.train_cfg
        hist = self.history
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
                done = self._stepper.run(hist.free_slots(), k)
                hist.commit(done)
                self._stepper.sync()
                chunk = _next_chunk(chunk, done, time.perf_counter() - c0)
                if done < k:
                    self.status = "diverged"
                    self.reason = (
                        f"the cost became infinite or NaN at iteration {hist.n:,}; the learning "
                        f"rate {cfg.lr:g} is probably too high. Parameters kept from the last "
                        "finite step."
                    )
                    self._record_test()
                    return self.status
                if hist.n % every == 0 or hist.n == cfg.iterations:
                    stopped = self._record_test()
                    if stopped:
                        return self.status
                if cfg.target_cost is not None and self._target_hit(
                    hist.n - done, cfg.target_cost, start_state
                ):
                    self.status = "target_reached"
                    self.reason = (
                        f"the cost {hist.costs[hist.n - 1]:.6g} reached the target "
                        f"{cfg.target_cost:g} at iteration {hist.n - 1:,}"
                    )
                    self._record_test()
                    return self.status
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
            self._replace_stepper(
                self.model.make_stepper(self.X_train, self.data.Y_train, self.train_cfg)
            )
            self._stepper.set_state(start_state)
            hist.commit(self._stepper.run(hist.free_slots(), stop_at - start))
            self._stepper.sync()
        return True

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
        if patience is None:
            return False
        if tc < self._best_test - 1e-12:
            self._best_test = tc
            self._since_best = 0
            return False
        self._since_best += 1
        if self._since_best >= patience:
            self.status = "early_stopped"
            self.reason = (
                f"the test cost has not improved for {patience} measurements "
                f"(best {self._best_test:.6g}); stopped at iteration {hist.n:,}"
            )
            return True
        return False

    def _publish(self) -> None:
        self._snapshot = Snapshot(self.model.get_params(), self.history.n, self.status, self.reason)

    def with_config(self, **changes: object) -> TrainConfig:
        """A copy of the training config with ``changes`` applied (validated)."""
        cfg = replace(self.train_cfg, **changes)  # type: ignore[arg-type]
        cfg.validate()
        return cfg
