"""The output layer for 3 to 10 classes: softmax with cross-entropy (multinomial logistic).

Shapes. With K classes the output layer has K units: its logits ``Z`` are (K, m), one column per
sample. The labels travel through the engine like every other target, as a float row ``Y`` (1, m)
holding the class index ``0.0 .. K-1``; ``labels(Y)`` gives them as integers (m,), and the maths
below uses them as the one-hot matrix ``T`` (K, m) (``T[k, i] = 1`` when sample i is class k)
without building it: only the entry ``T[y_i, i]`` is non-zero.

The maths, per column i (``max`` subtracted first, so ``exp`` never overflows)::

    p_k   = exp(z_k - max z) / sum_j exp(z_j - max z)          softmax, (K, m), columns sum to 1
    loss  = -log p_{y_i} = log sum_j exp(z_j - max z) + max z - z_{y_i}     (cross-entropy)
    dL/dz = p - T                                               (K, m)

Two classes never come here: they keep the article's sigmoid neuron (``heads.LogLossHead``),
which is this head with one logit fixed at 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neuron_core.model.heads import Head
from neuron_core.model.heads import head_for as two_class_head

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]

MIN_CLASSES = 3
MAX_CLASSES = 10


def labels(Y: NDArray[np.floating]) -> NDArray[np.intp]:
    """The class indices of a label row ``Y`` (1, m) (or (m,)) as integers (m,)."""
    return np.asarray(Y, dtype=np.float64).reshape(-1).astype(np.intp)


def softmax(z: NDArray[np.floating]) -> F64:
    """Column-wise softmax of logits ``z`` (K, m): probabilities (K, m), each column sums to 1."""
    e: F64 = np.asarray(z, dtype=np.float64) - np.max(z, axis=0, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=0, keepdims=True)
    return e


class SoftmaxHead:
    """Softmax output and cross-entropy loss over ``classes`` units (3 to 10)."""

    problem = "classification"

    def __init__(self, classes: int) -> None:
        if not MIN_CLASSES <= classes <= MAX_CLASSES:
            raise ValueError(f"a softmax head has {MIN_CLASSES} to {MAX_CLASSES} classes")
        self.classes = int(classes)

    @staticmethod
    def output(z: F64) -> F64:
        """Probability of every class, ``softmax(z)`` (K, m)."""
        return softmax(z)

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample cross-entropy ``log sum_j e^{z_j} - z_{y}`` (1, m) of logits (K, m)."""
        zmax = np.max(z, axis=0)
        lse = np.log(np.sum(np.exp(z - zmax), axis=0)) + zmax
        idx = labels(y)
        picked = z[idx, np.arange(idx.shape[0])]
        return np.asarray(lse - picked, dtype=np.float64).reshape(1, -1)

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
        """Sum of the cross-entropies of the columns of ``z`` (K, w) against the labels ``y``
        (1, w); writes ``dz = scale (softmax(z) - T)`` (K, w). ``work`` (3, w) is scratch
        (row 0: the column maxima, row 1: the sums of the exponentials); ``ones`` is (w,)."""
        w = z.shape[1]
        zmax = work[0]
        np.max(z, axis=0, out=zmax)
        np.subtract(z, zmax, out=dz)
        np.exp(dz, out=dz)
        s = work[1]
        np.sum(dz, axis=0, out=s)
        np.divide(dz, s, out=dz)  # dz = p, the probabilities
        idx = labels(y)
        cols = np.arange(w)
        np.log(s, out=s)
        # sum_i (log s_i + max_i - z[y_i, i])
        total = float(np.dot(s, ones)) + float(np.dot(zmax, ones)) - float(z[idx, cols].sum())
        dz[idx, cols] -= 1.0
        np.multiply(dz, scale, out=dz)
        return total


AnyHead = Head | SoftmaxHead


def head_for(problem: str, classes: int, loss: str = "log") -> AnyHead:
    """The output head of a network: softmax for 3 or more classes, else the ``problem``'s own
    with ``loss`` (``heads.head_for``: the sigmoid neuron for two classes, with log loss or
    squared error; the linear unit for regression)."""
    if problem == "classification" and classes >= MIN_CLASSES:
        return SoftmaxHead(classes)
    return two_class_head(problem, loss)


def output_units(problem: str, classes: int) -> int:
    """Units of the output layer: K for a K-class softmax, else 1."""
    return int(classes) if problem == "classification" and classes >= MIN_CLASSES else 1
