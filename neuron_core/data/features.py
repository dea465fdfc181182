"""Input features built from 2-D data, as in TensorFlow Playground.

With ``feature_map=("x1", "x2", "x1^2", ...)`` each column ``(x1, x2)`` of X (2, m) becomes the
listed features, so X (2, m) -> X' (k, m). A linear model on ``x1^2`` and ``x2^2`` separates a
circle, which it cannot do on ``x1, x2``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

_MAKERS: dict[str, Callable[[F64, F64], F64]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


def expand(X: NDArray[np.floating], feature_map: tuple[str, ...] | None) -> F64:
    """Build the model's inputs from X (2, m): one row per name in ``feature_map`` -> (k, m).

    ``None`` returns X unchanged (as float64). Raises ``ValueError`` when a map is given for data
    that is not 2-D, since the named features are defined on ``(x1, x2)`` only.
    """
    X64: F64 = np.ascontiguousarray(X, dtype=np.float64)
    if feature_map is None:
        return X64
    if X64.shape[0] != 2:
        raise ValueError(f"input features need 2-D data (x1, x2); this data has {X64.shape[0]}")
    a, b = X64[0], X64[1]
    return np.ascontiguousarray(np.stack([_MAKERS[name](a, b) for name in feature_map]))


def input_names(
    feature_map: tuple[str, ...] | None, data_features: tuple[str, ...]
) -> tuple[str, ...]:
    """Names of the model inputs: the map's names, or the data's own feature names."""
    return data_features if feature_map is None else tuple(feature_map)
