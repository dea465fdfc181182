"""The reference article's single sigmoid neuron, done properly.

Model: ``z = w^T x + b`` and ``A = sigmoid(z)`` for one sample ``x`` of ``n`` features; for a
batch ``X`` of shape (n, m) the logits are ``Z = w^T X + b`` of shape (1, m). Loss is the log loss,
cost its mean; zero init (``w = 0``, ``b = 0``) gives a first cost of exactly ln 2.

Gradients (the article's result, derived from ``dL/dZ = A - Y``)::

    dZ = A - Y                      (1, m)
    dw = (1/m) X dZ^T               (n, 1)
    db = (1/m) sum(dZ)              scalar

``SingleNeuron`` holds the parameters and the readable reference implementation; ``NeuronStepper``
is the same gradient descent rewritten for speed (see its docstring), used by the trainer.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .numerics import log_loss_from_logits, sigmoid

F64 = NDArray[np.float64]
LOG2 = math.log(2.0)
# Columns per block: X is processed in blocks small enough to stay in the CPU cache while the
# forward and the backward pass both read them, so a huge X is read from memory once per
# iteration instead of twice. 256 KiB of X per block measured best here (see benchmarks/).
BLOCK_BYTES = 256 * 1024


class SingleNeuron:
    """One sigmoid neuron: weights ``w`` of shape (n, 1) and a scalar bias ``b``, zero-initialised."""

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
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.mean(log_loss_from_logits(self.logits(X), Y)))

    def gradients(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> tuple[F64, float]:
        """Reference gradients ``(dw (n, 1), db)`` of the cost: ``dZ = A - Y``, ``dw = X dZ^T / m``."""
        m = X.shape[1]
        dZ = self.predict_proba(X) - Y
        return np.dot(X, dZ.T) / m, float(np.sum(dZ)) / m

    def get_params(self) -> list[F64]:
        """Copies of the parameters: ``[w (n, 1), b (1, 1)]``."""
        return [self.w.copy(), np.array([[self.b]])]

    def set_params(self, params: list[F64]) -> None:
        """Set ``[w (n, 1), b (1, 1)]`` (copied)."""
        w, b = params
        if w.shape != self.w.shape:
            raise ValueError(f"w must have shape {self.w.shape}, got {w.shape}")
        self.w = np.array(w, dtype=np.float64)
        self.b = float(np.asarray(b).reshape(-1)[0])


class NeuronStepper:
    """Full-batch gradient descent for ``SingleNeuron``, the article's loop made fast.

    Same math as ``SingleNeuron.gradients``, reorganised so each iteration costs one ``tanh`` and
    one ``log1p`` per sample and a handful of NumPy calls:

    * The bias is a weight on a constant feature 1, and the label sign ``t = 2y - 1`` (+-1) is
      folded into the data once: ``Xt[:, i] = t_i * [x_i; 1]`` (n+1, m).
    * The parameters are stored halved, ``h = [w; b] / 2``, so one matrix product gives
      ``u = h . Xt = z*t/2``, half the signed margin.
    * With ``T = tanh(u)``: ``loss_i = softplus(-z_i t_i) = log 2 - log1p(|T_i|) + |u_i| - u_i``
      (exact and stable: ``|T| < 1`` and nothing overflows), and
      ``A - Y = t (sigmoid(2u) - 1) = t (T - 1) / 2``, so
      ``d[w;b] = (1/m) [X;1] (A-Y)^T = (Xt T - Xt 1) / (2m)``, where ``Xt 1`` is a constant.

    Labels must be exactly 0 or 1. Large X is processed in column blocks (see ``BLOCK_BYTES``).
    Parameters are double-buffered so that the last finite ones are kept when a run diverges.
    """

    def __init__(
        self,
        X: NDArray[np.floating],
        Y: NDArray[np.floating],
        w: F64,
        b: float,
        lr: float,
        dtype: str = "float64",
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        n, m = X.shape
        y = np.asarray(Y, dtype=np.float64).reshape(-1)
        if y.shape[0] != m:
            raise ValueError(f"Y must have {m} labels, got {y.shape[0]}")
        if not np.all((y == 0.0) | (y == 1.0)):
            raise ValueError("labels must be 0 or 1")
        dt = np.dtype(dtype)
        self.dtype = dt
        self.m = m
        self.n = n
        t = 2.0 * y - 1.0
        cols = max(1, block_bytes // ((n + 1) * dt.itemsize))
        self._blocks: list[tuple[NDArray[np.floating], ...]] = []
        c = np.zeros(n + 1, dtype=np.float64)
        for j0 in range(0, m, cols):
            j1 = min(m, j0 + cols)
            xb = np.empty((n + 1, j1 - j0), dtype=dt)  # C-contiguous, so BLAS never copies it
            xb[:n] = X[:, j0:j1] * t[j0:j1]
            xb[n] = t[j0:j1]
            c += xb.sum(axis=1, dtype=np.float64)
            u = np.empty(j1 - j0, dtype=dt)
            T = np.empty(j1 - j0, dtype=dt)
            R = np.empty((2, j1 - j0), dtype=dt)  # rows: log1p|T|, |u|
            ones = np.ones(j1 - j0, dtype=dt)
            self._blocks.append((xb, u, T, R, ones))
        self._c = c.astype(dt)  # Xt 1: the constant part of the gradient, (n+1,)
        self._h = np.empty(n + 1, dtype=dt)
        self._h[:n] = 0.5 * w.reshape(-1)
        self._h[n] = 0.5 * b
        self._prev = self._h.copy()
        self._g = np.empty(n + 1, dtype=dt)
        self._gb = np.empty(n + 1, dtype=dt)
        self._sums = np.empty(2, dtype=dt)
        self.set_lr(lr)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate for the following iterations."""
        self.lr = float(lr)
        # h <- h - (lr/2) * (Xt T - c) / (2m)  ==  h - k*(Xt T) + k*c
        self._k = self.lr / (4.0 * self.m)
        self._kc = (self._k * self._c.astype(np.float64)).astype(self.dtype)

    def params(self) -> tuple[F64, float]:
        """Current ``(w (n, 1), b)`` in float64."""
        full = 2.0 * self._h.astype(np.float64)
        return full[: self.n].reshape(self.n, 1), float(full[self.n])

    def run(self, costs: F64, k: int) -> int:
        """Run up to ``k`` iterations, writing iteration j's cost (before its update) to ``costs[j]``.

        Returns how many iterations ran. Fewer than ``k`` means the next cost was not finite: the
        parameters are then rolled back to the last ones that gave a finite cost.
        """
        dot, tanh, absolute, log1p = np.dot, np.tanh, np.abs, np.log1p
        mul, sub, add = np.multiply, np.subtract, np.add
        isfinite = math.isfinite
        h, prev, g, gb, sums, kc = self._h, self._prev, self._g, self._gb, self._sums, self._kc
        c, kk = self._c, self._k
        const = self.m * LOG2
        inv_m = 1.0 / self.m
        blocks = self._blocks
        single = len(blocks) == 1
        done = 0
        with np.errstate(all="ignore"):  # non-finite values are detected and handled below
            for j in range(k):
                if single:
                    xb, u, T, R, ones = blocks[0]
                    dot(h, xb, u)
                    tanh(u, T)
                    dot(xb, T, g)
                    absolute(T, R[0])
                    log1p(R[0], R[0])
                    absolute(u, R[1])
                    dot(R, ones, sums)
                    s_log = float(sums[0])
                    s_abs = float(sums[1])
                else:
                    s_log = s_abs = 0.0
                    g.fill(0.0)
                    for xb, u, T, R, ones in blocks:
                        dot(h, xb, u)
                        tanh(u, T)
                        dot(xb, T, gb)
                        add(g, gb, g)
                        absolute(T, R[0])
                        log1p(R[0], R[0])
                        absolute(u, R[1])
                        dot(R, ones, sums)
                        s_log += float(sums[0])
                        s_abs += float(sums[1])
                cost = (const - s_log + s_abs - float(dot(h, c))) * inv_m
                if not isfinite(cost):
                    # h gave a non-finite cost; prev gave the last finite one.
                    self._h, self._prev = prev, h
                    return done
                costs[j] = cost
                mul(g, kk, g)
                sub(h, g, prev)
                add(prev, kc, prev)
                h, prev = prev, h
                done += 1
        self._h, self._prev = h, prev
        return done
