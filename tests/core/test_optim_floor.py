"""``benchmarks/optim_floor.py``: the kernels it times are the products one iteration of the
(2, 8, 8, 1) network needs, with the shapes of that network (issue 15's floor)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from optim_floor import floor_seconds, kernels

M = 50
SHAPES = {
    "W1 X": (8, M),
    "W2 A1": (8, M),
    "W3 A2": (1, M),
    "dZ3 A2.T": (1, 8),
    "W3.T dZ3": (8, M),
    "dZ2 A1.T": (8, 8),
    "W2.T dZ2": (8, M),
    "dZ1 X.T": (8, 2),
}


def test_the_kernels_are_the_iterations_products_and_tanh() -> None:
    calls = kernels("float64", M)
    assert set(calls) == {*SHAPES, "tanh x2"}
    for name, shape in SHAPES.items():
        out = calls[name]()
        assert isinstance(out, np.ndarray) and out.shape == shape, name
    first, second = calls["tanh x2"]()
    assert first.shape == second.shape == (8, M)
    assert np.all(np.abs(second) <= 1.0)


def test_the_floor_times_every_kernel() -> None:
    times = floor_seconds("float32", M, repeats=1, clock=lambda: 0.0)
    assert list(times) == list(kernels("float32", M))
    assert all(t == 0.0 for t in times.values())  # the clock given is the one used
