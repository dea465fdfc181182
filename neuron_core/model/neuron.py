"""The reference article's single sigmoid neuron, written as the article writes it.

Model: ``z = w^T x + b`` and ``A = sigmoid(z)`` for one sample ``x`` of ``n`` features; for a
batch ``X`` of shape (n, m) the logits are ``Z = w^T X + b`` of shape (1, m). The loss is the log
loss, the cost its mean; zero init (``w = 0``, ``b = 0``) gives a first cost of exactly ln 2.

Gradients (the article's result, derived from ``dL/dZ = A - Y``)::

    dZ = A - Y                      (1, m)
    dw = (1/m) X dZ^T               (n, 1)
    db = (1/m) sum(dZ)              scalar

``SingleNeuron`` is the readable reference that the tests compare the engine against; it is not
used for training. Training goes through ``network.Network`` (a network with no hidden layer is
this neuron, with ``W1 = w^T``) and its steppers (``neuron_core.training.stepper``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neuron_core.numerics import mean_log_loss, sigmoid

F64 = NDArray[np.float64]


class SingleNeuron:
    """One sigmoid neuron: weights ``w`` (n, 1) and a scalar bias ``b``, both starting at zero."""

    def __init__(self, n_features: int) -> None:
        self.w: F64 = np.zeros((n_features, 1))
        self.b: float = 0.0

    @property
    def n_features(self) -> int:
        """Number of inputs ``n``."""
        return int(self.w.shape[0])

    def logits(self, X: NDArray[np.floating]) -> F64:
        """``Z = w^T X + b``: X (n, m) -> Z (1, m), computed in float64."""
        return np.asarray(np.dot(self.w.T, X) + self.b, dtype=np.float64)

    def predict_proba(self, X: NDArray[np.floating]) -> F64:
        """``A = sigmoid(Z)``: X (n, m) -> probabilities of class 1, shape (1, m)."""
        return sigmoid(self.logits(X))

    def predict(self, X: NDArray[np.floating]) -> F64:
        """Predicted class (0.0 or 1.0) for each column of X (n, m) -> (1, m); ``A > 0.5``."""
        return (self.logits(X) > 0.0).astype(np.float64)

    def cost(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> float:
        """Mean log loss ``J(w, b)`` over the m columns of X (n, m) with labels Y (1, m)."""
        return mean_log_loss(self.logits(X), Y)

    def gradients(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> tuple[F64, float]:
        """Reference gradients ``(dw (n, 1), db)``: ``dZ = A - Y``, ``dw = X dZ^T / m``."""
        m = X.shape[1]
        dZ = self.predict_proba(X) - Y
        return np.dot(X, dZ.T) / m, float(np.sum(dZ)) / m

    def step(self, X: NDArray[np.floating], Y: NDArray[np.floating], lr: float) -> None:
        """One step of the article's gradient descent: ``w -= lr dw``, ``b -= lr db``."""
        dw, db = self.gradients(X, Y)
        self.w = self.w - lr * dw
        self.b = self.b - lr * db
