"""Will plain gradient descent diverge? The largest stable learning rate of a linear regression.

A model without hidden layers and a linear output (``regression``) has the cost

    J(w, b) = (1/m) * sum over the m examples of (w . x + b - y)^2,

a quadratic in theta = (w, b) whose Hessian is constant: ``H = (2/m) X~ X~^T`` with
``X~ = [X; 1]`` of shape (n+1, m). A gradient step ``theta <- theta - lr * grad J`` multiplies
the error along H's eigenvector of eigenvalue ``lambda`` by ``(1 - lr * lambda)``; so gradient
descent converges exactly when ``lr < 2 / lambda_max`` and diverges above, and ``lr = 1 /
lambda_max`` removes the stiffest direction's error in one step. That bound is known before the
first iteration: the app and the CLI warn with it, and suggest a preset, *before* a run diverges.

Only plain gradient descent (``gd``) is judged, full-batch or in mini-batches (whose Hessians
scatter around the full one): momentum moves the bound and Adam rescales every step. Hidden
layers make the cost non-quadratic, with no such bound: nothing is said about them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import LR_PRESETS


def divergence_lr(X: NDArray[np.floating], hidden: tuple[int, ...], problem: str,
                  optimizer: str) -> float | None:  # fmt: skip
    """``2 / lambda_max`` of the cost's Hessian for inputs ``X`` (n, m), the learning rate above
    which gradient descent diverges; ``None`` when the model has no such bound (classification,
    hidden layers, an optimizer other than ``gd``) or the data has no curvature."""
    if problem != "regression" or hidden or optimizer != "gd":
        return None
    X64 = np.asarray(X, dtype=np.float64)
    n, m = X64.shape
    # X~ X~^T without building X~: [[X X^T, X 1], [1^T X^T, m]].
    gram = np.empty((n + 1, n + 1))
    gram[:n, :n] = X64 @ X64.T
    sums = X64.sum(axis=1)
    gram[:n, n] = gram[n, :n] = sums
    gram[n, n] = m
    top = float(np.linalg.eigvalsh(gram * (2.0 / m))[-1])
    if not np.isfinite(top) or top <= 0.0:
        return None
    return 2.0 / top


def lr_advice(lr: float, limit: float | None) -> float | None:
    """A preset to use instead of ``lr`` when ``lr`` is at or above the divergence ``limit``
    (the largest preset at most ``limit / 2``, where the stiffest direction settles fastest;
    the smallest preset if none is), else ``None``: ``lr`` is fine."""
    if limit is None or lr < limit:
        return None
    fitting = [p for p in LR_PRESETS if p <= limit / 2.0]
    return fitting[-1] if fitting else LR_PRESETS[0]


def lr_warning(lr: float, limit: float | None, how: str) -> str | None:
    """The warning for ``lr`` at or above the divergence ``limit``, ending with how to set the
    suggested rate (``how`` formats it: "--lr {}" for the CLI); ``None`` when ``lr`` is fine."""
    suggested = lr_advice(lr, limit)
    if suggested is None or limit is None:
        return None
    return (
        f"learning rate {lr:g} will diverge on this data (gradient descent on a linear "
        f"regression diverges from {limit:.3g} up); try {how.format(f'{suggested:g}')}"
    )
