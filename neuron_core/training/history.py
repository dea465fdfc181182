"""Preallocated cost history: every iteration's training cost, and the test cost at intervals.

The trainer writes into arrays allocated up front (no per-iteration Python objects); readers on
another thread (the UI) take ``costs[:n]`` views. ``n`` is advanced only after the values are
written, so a reader never sees unwritten slots.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


class History:
    """Training cost per iteration, ``costs[:n]`` (n,), and test cost ``test_costs[:n_test]`` at
    iterations ``test_iters[:n_test]``."""

    def __init__(self, capacity: int = 1024, test_capacity: int | None = None) -> None:
        capacity = max(1, int(capacity))
        self.costs: F64 = np.empty(capacity, dtype=np.float64)
        self.n = 0
        tests = max(16, capacity // 8 if test_capacity is None else int(test_capacity))
        self.test_iters: NDArray[np.int64] = np.empty(tests, dtype=np.int64)
        self.test_costs: F64 = np.empty(tests, dtype=np.float64)
        self.n_test = 0

    @property
    def capacity(self) -> int:
        """Slots allocated for training costs."""
        return int(self.costs.shape[0])

    def reserve(self, capacity: int) -> None:
        """Make room for at least ``capacity`` training costs (grows by doubling, keeps data)."""
        if capacity <= self.capacity:
            return
        new = np.empty(max(capacity, 2 * self.capacity), dtype=np.float64)
        new[: self.n] = self.costs[: self.n]
        self.costs = new

    def free_slots(self) -> F64:
        """The writable tail ``costs[n:]`` where the next iterations' costs go."""
        return self.costs[self.n :]

    def commit(self, k: int) -> None:
        """Mark ``k`` more training costs (already written into ``free_slots()``) as valid."""
        self.n += k

    def add_test(self, iteration: int, cost: float) -> None:
        """Record the test cost measured at ``iteration`` (grows its arrays as needed)."""
        if self.n_test == self.test_iters.shape[0]:
            size = 2 * self.n_test
            iters = np.empty(size, dtype=np.int64)
            costs = np.empty(size, dtype=np.float64)
            iters[: self.n_test] = self.test_iters[: self.n_test]
            costs[: self.n_test] = self.test_costs[: self.n_test]
            self.test_iters, self.test_costs = iters, costs
        self.test_iters[self.n_test] = iteration
        self.test_costs[self.n_test] = cost
        self.n_test += 1

    def train(self) -> F64:
        """View of the recorded training costs, shape (n,)."""
        return self.costs[: self.n]

    def test(self) -> tuple[NDArray[np.int64], F64]:
        """Views ``(iterations (k,), test costs (k,))``."""
        return self.test_iters[: self.n_test], self.test_costs[: self.n_test]

    def truncate(self, n: int) -> None:
        """Forget everything from iteration ``n`` on (used by reset)."""
        self.n = min(self.n, n)
        keep = int(np.searchsorted(self.test_iters[: self.n_test], n, side="left"))
        self.n_test = keep

    @classmethod
    def from_arrays(
        cls, costs: F64, test_iters: NDArray[np.int64], test_costs: F64, capacity: int = 0
    ) -> History:
        """A history holding copies of ``costs`` (n,), ``test_iters`` (k,) and ``test_costs``
        (k,), with room for ``capacity`` training costs (at least n) and k test costs.

        The arrays are copied with NumPy, never through Python objects: a saved history can
        hold a billion costs (8 bytes each as an array, about 60 as Python numbers in a list).
        """
        n, k = int(costs.shape[0]), int(test_iters.shape[0])
        if test_costs.shape != (k,):
            raise ValueError(f"{k} test iterations but {test_costs.shape[0]} test costs")
        h = cls(max(n, capacity), test_capacity=k)
        h.costs[:n] = costs
        h.n = n
        h.test_iters[:k] = test_iters
        h.test_costs[:k] = test_costs
        h.n_test = k
        return h
