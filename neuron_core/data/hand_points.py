"""Points placed and removed by hand (two-feature classification data only).

The rule: a point placed by hand joins the **training** set (it is what the model learns from),
with the class the person gave it; a removal takes away the point nearest to where the person
pointed among the points the predictions plot shows, i.e. the test points and the points placed
by hand (the generated training points are not drawn, so they are never removed). The last test
point is never removed. The standardization stays the one fitted on the original training
part: a new point is scaled with it like every other new input.

Coordinates are in the data's own units (what the plot's axes read, before standardization);
distances are Euclidean in those units. Every change is recorded in ``Dataset.hand_log``, one row
``(op, x1, x2, label)`` each (``op`` 1.0: a point of class ``label`` placed at (x1, x2); 0.0: the
point nearest to (x1, x2) removed, ``label`` 0.0), so a saved run keeps its hand edits as a
few numbers: ``replay`` applies a log to the data drawn (or read) again, giving the same arrays
bit for bit. Points placed by hand are the last ``Dataset.n_hand`` columns of ``X_train``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from neuron_core.data.dataset import Dataset

F64 = NDArray[np.float64]

ADD, REMOVE = 1.0, 0.0
# Hand edits a run may hold (each is a row of 4 numbers in the run file).
MAX_HAND_EDITS = 10_000


def why_not(data: Dataset) -> str | None:
    """Why points cannot be placed on ``data`` by hand, or None when they can."""
    if data.problem != "classification" or data.n_features != 2:
        return "points can be placed by hand on data with two features and two classes only"
    if data.hand_log is not None and data.hand_log.shape[0] >= MAX_HAND_EDITS:
        return f"at most {MAX_HAND_EDITS:,} changes by hand per run"
    return None


def _to_model(data: Dataset, x1: float, x2: float) -> F64:
    """The point (x1, x2) in the model's units (standardized like the data), as (2, 1)."""
    x = np.array([[x1], [x2]], dtype=np.float64)
    if data.standardization is not None:
        mean, std = data.standardization
        x = (x - mean) / std
    return x


def _to_plot(data: Dataset, X: F64) -> F64:
    """Columns of X (2, m) in the data's own units."""
    if data.standardization is None:
        return X
    mean, std = data.standardization
    return X * std + mean


def _logged(data: Dataset, row: tuple[float, float, float, float]) -> F64:
    old = data.hand_log if data.hand_log is not None else np.zeros((0, 4))
    return np.ascontiguousarray(np.vstack([old, np.array([row], dtype=np.float64)]))


def hand_points(data: Dataset) -> F64:
    """The points placed by hand still in the data, (3, k): x1, x2 (the data's own units) and
    the class (0.0 or 1.0)."""
    k = data.n_hand
    X = _to_plot(data, data.X_train[:, data.m_train - k :])
    return np.vstack([X, data.Y_train[:, data.m_train - k :]])


def add_point(data: Dataset, x1: float, x2: float, label: int) -> Dataset:
    """``data`` with a point of class ``label`` (0 or 1) at (x1, x2) added to the training set.
    ``ValueError`` when that cannot be (see ``why_not``, a non-finite point, another label)."""
    why = why_not(data)
    if why is not None:
        raise ValueError(why)
    if label not in (0, 1) or not (math.isfinite(x1) and math.isfinite(x2)):
        raise ValueError(f"invalid point ({x1!r}, {x2!r}) of class {label!r}")
    x = _to_model(data, x1, x2)
    return replace(
        data,
        X_train=np.ascontiguousarray(np.hstack([data.X_train, x])),
        Y_train=np.ascontiguousarray(np.hstack([data.Y_train, [[float(label)]]])),
        hand_log=_logged(data, (ADD, x1, x2, float(label))),
        n_hand=data.n_hand + 1,
    )


def remove_nearest(data: Dataset, x1: float, x2: float) -> Dataset | None:
    """``data`` without the shown point nearest to (x1, x2) (a point placed by hand or a test
    point; see the module docstring), or None when there is none that may go."""
    if why_not(data) is not None or not (math.isfinite(x1) and math.isfinite(x2)):
        return None
    k, m_train = data.n_hand, data.m_train
    hand = _to_plot(data, data.X_train[:, m_train - k :])
    test = _to_plot(data, data.X_test) if data.m_test > 1 else np.zeros((2, 0))
    points = np.hstack([hand, test])
    if points.shape[1] == 0:
        return None
    d = (points[0] - x1) ** 2 + (points[1] - x2) ** 2
    i = int(np.argmin(d))  # the first of equals: a point placed by hand before a test point
    log = _logged(data, (REMOVE, x1, x2, 0.0))
    if i < k:
        col = m_train - k + i
        return replace(
            data,
            X_train=np.ascontiguousarray(np.delete(data.X_train, col, axis=1)),
            Y_train=np.ascontiguousarray(np.delete(data.Y_train, col, axis=1)),
            hand_log=log,
            n_hand=k - 1,
        )
    col = i - k
    return replace(
        data,
        X_test=np.ascontiguousarray(np.delete(data.X_test, col, axis=1)),
        Y_test=np.ascontiguousarray(np.delete(data.Y_test, col, axis=1)),
        hand_log=log,
    )


def replay(data: Dataset, log: F64) -> Dataset:
    """``data`` (as drawn or read, without hand edits) with the hand edits of ``log`` (k, 4)
    applied in order. ``ValueError`` when the log does not fit the data."""
    log = np.asarray(log, dtype=np.float64)
    if log.ndim != 2 or log.shape[1] != 4 or log.shape[0] > MAX_HAND_EDITS:
        raise ValueError(
            f"the hand edits have shape {log.shape}, not (k, 4) with k <= {MAX_HAND_EDITS}"
        )
    for op, x1, x2, label in log.tolist():
        if op == ADD:
            data = add_point(data, x1, x2, int(label) if label in (0.0, 1.0) else -1)
        elif op == REMOVE:
            removed = remove_nearest(data, x1, x2)
            if removed is None:
                raise ValueError("a point removed by hand is not in the data")
            data = removed
        else:
            raise ValueError(f"unknown hand edit {op!r}")
    return data
