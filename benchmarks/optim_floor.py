"""The least time NumPy can take for one iteration of the (8, 8) network (issue 15's bound).

One full-batch iteration of a (2, 8, 8, 1) tanh network needs at least eight matrix products and
two ``tanh`` over (8, m): three products forward, five backward (the three weight gradients and
the two gradients passed down), whatever else it does (bias additions and their gradients, the
derivative of ``tanh``, the sigmoid, the loss, the optimizer's update). Each is timed here alone
on buffers prepared once, in the network's layout (features x samples, as ``neuron_core``), and
the fastest of equivalent forms is kept (the product of a column and a row as a broadcast
multiply). Their sum is a floor no NumPy program of that iteration goes below; its inverse, an
upper bound on iterations per second.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import numpy as np

HIDDEN = 8
FEATURES = 2


def kernels(dtype: str, m: int) -> dict[str, Callable[[], object]]:
    """The unavoidable operations of one iteration on ``m`` samples, each ready to call."""
    rng = np.random.default_rng(0)

    def r(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(dtype)

    X, A1, A2, dZ2 = r(FEATURES, m), r(HIDDEN, m), r(HIDDEN, m), r(HIDDEN, m)
    W1, W2, W3, dZ3 = r(HIDDEN, FEATURES), r(HIDDEN, HIDDEN), r(1, HIDDEN), r(1, m)
    out_hm, out_1m = np.empty((HIDDEN, m), dtype), np.empty((1, m), dtype)
    out_w1, out_w2, out_w3 = np.empty_like(W1), np.empty_like(W2), np.empty_like(W3)
    W3T = np.ascontiguousarray(W3.T)
    return {
        "W1 X": lambda: np.matmul(W1, X, out_hm),
        "W2 A1": lambda: np.matmul(W2, A1, out_hm),
        "W3 A2": lambda: np.matmul(W3, A2, out_1m),
        "dZ3 A2.T": lambda: np.matmul(dZ3, A2.T, out_w3),
        "W3.T dZ3": lambda: np.multiply(W3T, dZ3, out_hm),  # 2x faster than np.matmul here
        "dZ2 A1.T": lambda: np.matmul(dZ2, A1.T, out_w2),
        "W2.T dZ2": lambda: np.matmul(W2.T, dZ2, out_hm),
        "dZ1 X.T": lambda: np.matmul(dZ2, X.T, out_w1),
        "tanh x2": lambda: (np.tanh(A1, out_hm), np.tanh(A2, out_hm)),
    }


def floor_seconds(dtype: str, m: int, repeats: int, clock: Callable[[], float]) -> dict[str, float]:
    """Seconds per call of each kernel (best of ``repeats``), in the order of ``kernels``."""
    times: dict[str, float] = {}
    for name, call in kernels(dtype, m).items():
        call()  # first-call costs (page faults, BLAS set-up) outside the timing
        number = 2000
        runs = timeit.repeat(call, number=number, repeat=max(3, repeats), timer=clock)
        times[name] = min(runs) / number
    return times
