"""The network's output layer with its loss: sigmoid + log loss, identity + squared error, or
sigmoid + squared error (``loss="squared"``, TensorFlow Playground's classification loss).

Each head computes the output activation, the per-sample loss and, in one pass over the
output logits ``z`` (1, m), the loss sum and ``dL/dz`` (see ``network`` for the formulas).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from neuron_core.numerics import log_loss_from_logits, sigmoid

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
LOG2 = math.log(2.0)


class LogLossHead:
    """Sigmoid output and log loss, both computed from the logits ``z`` (1, m)."""

    problem = "classification"

    @staticmethod
    def output(z: F64) -> F64:
        """Probability of class 1, ``sigmoid(z)``."""
        return np.asarray(sigmoid(z), dtype=np.float64)

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample log loss ``max(z,0) - z y + log(1 + e^-|z|)`` (stable, numerics.py)."""
        return np.asarray(log_loss_from_logits(z, y), dtype=np.float64)

    @staticmethod
    def forward_backward(
        z: FloatArray,
        y: FloatArray,
        dz: FloatArray,
        scale: float,
        work: FloatArray,
        ones: FloatArray,
        sums: FloatArray,
    ) -> float:
        """Sum of the losses of the columns of ``z`` (1, w); writes ``dz = scale (sigmoid(z) - y)``.

        With ``T = tanh(z/2)``: ``sigmoid(z) = (1 + T)/2`` and ``log(1 + e^-|z|) = log 2 -
        log1p(|T|)`` (exact algebra), so one ``tanh`` and one ``log1p`` per sample give both the
        loss and its gradient; nothing overflows since ``|T| <= 1``. ``work`` is (3, w) scratch.
        """
        T = work[0:1]
        np.multiply(z, 0.5, out=T)
        np.tanh(T, out=T)
        R = work[1:3]  # rows: log1p|T|, max(z, 0)
        np.abs(T, out=R[0:1])
        np.log1p(R[0:1], out=R[0:1])
        np.maximum(z, 0.0, out=R[1:2])
        np.dot(R, ones, out=sums)
        zy = float(np.dot(z[0], y[0]))
        total = int(z.shape[1]) * LOG2 - float(sums[0]) + float(sums[1]) - zy
        # dz = scale * ((1 + T)/2 - y)
        np.multiply(T, 0.5, out=dz)
        np.add(dz, 0.5, out=dz)
        np.subtract(dz, y, out=dz)
        np.multiply(dz, scale, out=dz)
        return total


class SquaredErrorHead:
    """Linear output and squared error ``(z - y)^2`` for regression; ``z`` is the prediction."""

    problem = "regression"

    @staticmethod
    def output(z: F64) -> F64:
        """The predicted value (the output unit is linear)."""
        return z

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample squared error ``(z - y)^2``."""
        r = z - y
        return r * r

    @staticmethod
    def forward_backward(
        z: FloatArray,
        y: FloatArray,
        dz: FloatArray,
        scale: float,
        work: FloatArray,
        ones: FloatArray,
        sums: FloatArray,
    ) -> float:
        """Sum of ``(z - y)^2`` over the columns of ``z`` (1, w); writes ``dz = 2 scale (z-y)``."""
        np.subtract(z, y, out=dz)
        total = float(np.dot(dz[0], dz[0]))
        np.multiply(dz, 2.0 * scale, out=dz)
        return total


class SigmoidSquaredHead:
    """Sigmoid output and squared error ``(sigmoid(z) - y)^2`` (TensorFlow Playground's loss).

    The cost is the mean of these (no 1/2, as the regression cost; Playground halves it, which
    halves the gradient too). ``dL/dz = 2 (s - y) s (1 - s)`` with ``s = sigmoid(z)``: it
    vanishes where the output saturates, even on a wrong side, unlike the log loss."""

    problem = "classification"

    @staticmethod
    def output(z: F64) -> F64:
        """Probability of class 1, ``sigmoid(z)``."""
        return np.asarray(sigmoid(z), dtype=np.float64)

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample ``(sigmoid(z) - y)^2``."""
        r = np.asarray(sigmoid(z), dtype=np.float64) - y
        return r * r

    @staticmethod
    def forward_backward(
        z: FloatArray,
        y: FloatArray,
        dz: FloatArray,
        scale: float,
        work: FloatArray,
        ones: FloatArray,
        sums: FloatArray,
    ) -> float:
        """Sum of ``(s - y)^2`` over the columns of ``z`` (1, w); writes ``dz = 2 scale (s - y)
        s (1 - s)``. With ``T = tanh(z/2)``: ``s = (1 + T)/2`` and ``s (1 - s) = (1 - T^2)/4``.
        ``work`` is (3, w) scratch."""
        T, r, d = work[0:1], work[1:2], work[2:3]
        np.multiply(z, 0.5, out=T)
        np.tanh(T, out=T)
        np.multiply(T, 0.5, out=r)
        np.add(r, 0.5, out=r)
        np.subtract(r, y, out=r)  # s - y
        total = float(np.dot(r[0], r[0]))
        np.multiply(T, T, out=d)
        np.subtract(1.0, d, out=d)  # 1 - T^2 = 4 s (1 - s)
        np.multiply(d, r, out=dz)
        np.multiply(dz, 0.5 * scale, out=dz)
        return total


Head = LogLossHead | SquaredErrorHead | SigmoidSquaredHead
HEADS: dict[str, Head] = {"classification": LogLossHead(), "regression": SquaredErrorHead()}


def head_for(problem: str, loss: str = "log") -> Head:
    """The output head of ``problem`` with ``loss`` (``log`` or ``squared``); regression always
    has the squared error (it ignores ``loss``)."""
    if problem == "classification" and loss == "squared":
        return SigmoidSquaredHead()
    return HEADS[problem]
