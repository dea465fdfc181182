"""Numerically stable building blocks shared by every model.

The reference article computes ``sigmoid(z) = 1/(1+exp(-z))`` and ``log(A)``, ``log(1-A)``
separately; for ``|z|`` above ~37 (float64) ``A`` rounds to exactly 0 or 1 and the log becomes
``-inf``, so the cost turns into NaN. Here the loss is computed from the logits ``z`` instead:

    L(z, y) = -(y log s(z) + (1-y) log(1-s(z))) = max(z, 0) - z*y + log(1 + exp(-|z|))

which is exact algebra, never takes ``log(0)`` and never overflows (``exp`` only sees ``-|z|``).
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]
# Keeps the precision of the input: float32 in, float32 out.
A = TypeVar("A", bound=NDArray[np.floating[Any]])


def sigmoid(z: A) -> A:
    """Logistic function ``1/(1+exp(-z))``, elementwise, any shape, without overflow.

    Uses ``0.5 + 0.5*tanh(z/2)``: the same function, one transcendental call, and ``tanh``
    saturates cleanly to +-1 instead of overflowing like ``exp(-z)`` for very negative ``z``.
    """
    out: A = np.empty_like(z)  # same dtype and shape as z
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.multiply(out, 0.5, out=out)
    np.add(out, 0.5, out=out)
    return out


def log_loss_from_logits(z: FloatArray, y: FloatArray) -> FloatArray:
    """Per-sample log loss of logits ``z`` against labels ``y`` (same shape, e.g. (1, m)).

    ``max(z,0) - z*y + log1p(exp(-|z|))``; finite for every finite ``z``.
    """
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def mean_log_loss(z: FloatArray, y: FloatArray) -> float:
    """Cost ``J = (1/m) * sum(L(z_i, y_i))`` for logits ``z`` and labels ``y`` of shape (1, m).

    Infinite logits (a diverged model) give an infinite or NaN cost without a warning: callers
    check ``math.isfinite`` and report divergence themselves.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(log_loss_from_logits(z, y)))
