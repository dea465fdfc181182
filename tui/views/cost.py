"""What the cost chart shows: ``CostView``, views of the live cost history (plain data).

The arrays are views of the trainer's preallocated history, not copies: the chart reduces them
at once (min/max per column) and keeps only its reduced copies. ``key`` changes whenever
anything the chart draws changes, so a poll that finds the same key does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CostView:
    """``train`` (n,): the training cost of iterations 0..n-1; ``test_costs`` (k,): the test
    cost measured at iterations ``test_iters`` (k,); ``planned``: the iterations of the run.
    ``key`` = (run identity, n, k, planned). ``schedule``: the training config when its
    learning-rate schedule moves the rate (drawn under the costs), else None."""

    key: tuple[int, int, int, int]
    train: F64
    test_iters: NDArray[np.int64]
    test_costs: F64
    planned: int
    schedule: TrainConfig | None = None


def cost_view(trainer: Trainer) -> CostView:
    """The cost history of ``trainer`` as the chart draws it (views, no copies)."""
    hist = trainer.history
    planned = trainer.train_cfg.iterations
    iters, costs = hist.test()
    cfg = trainer.train_cfg
    schedule = None if cfg.lr_schedule == "constant" else cfg
    return CostView(
        (id(trainer), hist.n, hist.n_test, planned), hist.train(), iters, costs, planned, schedule
    )
