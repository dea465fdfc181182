"""The schedule of a run: when the test cost is measured, how many iterations go in a chunk, what
is published after each chunk (``Snapshot``), and how a run ends (its statuses, early stopping's
count, the reasons shown to a person).

The trainer (``trainer.Trainer``) runs in chunks until the iteration limit or one of these: the
cost becomes infinite or NaN (``diverged``), the training cost reaches ``target_cost``
(``target_reached``), or the test cost has not improved for ``early_stop`` measurements in a row
(``early_stopped``). An improvement is a drop of more than ``IMPROVEMENT``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Status = Literal[
    "ready", "running", "paused", "completed", "diverged", "target_reached", "early_stopped"
]
# Statuses after which ``run`` does nothing until the config changes or the run is reset.
FINISHED: frozenset[str] = frozenset({"completed", "diverged", "target_reached", "early_stopped"})
IMPROVEMENT = 1e-12
# Target wall time of one chunk of iterations: short enough that pausing feels instant and the
# UI's 10 Hz poll sees new parameters, long enough that per-chunk work (syncing parameters,
# publishing a snapshot) stays well under 1% of the run.
CHUNK_SECONDS = 0.02


def auto_test_every(iterations: int) -> int:
    """Default test-cost interval: about 200 measurements per run, never more often than every
    10 iterations (measuring costs a forward pass over the test set)."""
    return max(10, iterations // 200)


def next_chunk(chunk: int, done: int, seconds: float) -> int:
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

    params: list[NDArray[np.float64]]
    iteration: int
    status: Status
    reason: str


class EarlyStopping:
    """The best test cost so far and the measurements since it.

    The patience is the run's current ``early_stop`` (it may change between runs); with none,
    nothing is counted. ``replay`` rebuilds the count from the recorded test costs, so a loaded
    run's patience goes on where it was.
    """

    def __init__(self) -> None:
        self.best = math.inf
        self.since_best = 0

    def add(self, test_cost: float, patience: int | None) -> bool:
        """Count one measurement; True when it ends the run (``patience`` without improving)."""
        if patience is None:
            return False
        if test_cost < self.best - IMPROVEMENT:
            self.best, self.since_best = test_cost, 0
            return False
        self.since_best += 1
        return self.since_best >= patience

    def replay(self, test_costs: NDArray[np.float64], patience: int | None) -> None:
        """Start again and count the measurements ``test_costs`` (t,) in order, as ``add``."""
        self.best, self.since_best = math.inf, 0
        for tc in test_costs.tolist():
            self.add(tc, patience)

    def reason(self, patience: int, iteration: int) -> str:
        """Why the run stopped at ``iteration``."""
        return (
            f"the test cost has not improved for {patience} measurements "
            f"(best {self.best:.6g}); stopped at iteration {iteration:,}"
        )


def diverged_reason(iteration: int, lr: float) -> str:
    """Why a run whose cost became infinite or NaN at ``iteration`` stopped."""
    return (
        f"the cost became infinite or NaN at iteration {iteration:,}; the learning rate {lr:g} "
        "is probably too high. Parameters kept from the last finite step."
    )


def target_reason(cost: float, target: float, iteration: int) -> str:
    """Why a run whose cost reached ``target`` at ``iteration`` stopped."""
    return f"the cost {cost:.6g} reached the target {target:g} at iteration {iteration:,}"
