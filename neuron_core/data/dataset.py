"""The ``Dataset`` type and how raw arrays become one (shared by the generators and CSV files).

Shapes follow the reference article: ``X`` is ``(n_features, m)`` with one example per column,
``Y`` is ``(1, m)``. Every array handed out is float64 and C-contiguous, so ``np.dot(W, X)``
never copies. ``assemble`` adds the class-balance warnings and the optional standardization;
``datasets.load`` (generated data) and ``csvfile.load_csv`` (CSV files) both end with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from neuron_core.errors import DataError

FloatArray = NDArray[np.float64]
Problem = Literal["classification", "regression"]

# A class below this fraction of the training set gets a warning (accuracy becomes misleading).
MINORITY_WARNING = 0.10


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for a model.

    ``X_train`` is ``(n_features, m_train)``, ``Y_train`` is ``(1, m_train)``; ``X_test``/``Y_test``
    likewise with ``m_test`` columns. All four are float64 and C-contiguous. For classification the
    labels are exactly 0.0 or 1.0 and ``class_names`` tells what they stand for (``("no", "yes")``:
    label 0 is "no"); with K = 3 to 10 classes the labels are 0.0 .. K-1 and ``class_names`` has
    K names (``n_classes``); for regression ``Y`` holds real values and ``class_names`` is ``None``.

    ``true_line`` is the ``(slope, intercept)`` of the generating boundary ``x2 = slope*x1 +
    intercept`` for the ``line`` generator (in the coordinates of ``X``, i.e. after standardization
    if that was asked for), ``None`` otherwise. ``standardization`` is ``(mean, std)``, each
    ``(n_features, 1)``, fitted on the training part only and already applied to both parts; apply
    ``(x - mean) / std`` to new points. ``warnings`` are one-line notes for the user (a rare class,
    a constant column, no separate test set...). ``eq=False``: arrays do not compare with ``==``.

    ``hand_log`` (k, 4) is what a person did to the data by hand, in order (``hand_points``:
    points placed and removed), ``None`` when nothing; the last ``n_hand`` training columns are
    the points placed by hand that are still there.
    """

    X_train: FloatArray
    Y_train: FloatArray
    X_test: FloatArray
    Y_test: FloatArray
    feature_names: tuple[str, ...]
    problem: Problem
    class_names: tuple[str, ...] | None
    warnings: tuple[str, ...]
    true_line: tuple[float, float] | None
    csv_sha256: str | None
    standardization: tuple[FloatArray, FloatArray] | None
    hand_log: FloatArray | None = None
    n_hand: int = 0

    def __post_init__(self) -> None:
        # Programming errors only (users cannot reach this): catch a wrong shape at construction
        # rather than as a broadcasting surprise deep inside training.
        n = len(self.feature_names)
        for name, arr, rows in (
            ("X_train", self.X_train, n),
            ("X_test", self.X_test, n),
            ("Y_train", self.Y_train, 1),
            ("Y_test", self.Y_test, 1),
        ):
            if arr.ndim != 2 or arr.shape[0] != rows or arr.dtype != np.float64:
                raise ValueError(f"{name} must be float64 of shape ({rows}, m), got {arr.shape}")
        if self.X_train.shape[1] != self.Y_train.shape[1]:
            raise ValueError("X_train and Y_train have different numbers of examples")
        if self.X_test.shape[1] != self.Y_test.shape[1]:
            raise ValueError("X_test and Y_test have different numbers of examples")

    @property
    def n_features(self) -> int:
        """Number of input features (rows of ``X``)."""
        return int(self.X_train.shape[0])

    @property
    def m_train(self) -> int:
        """Number of training examples (columns of ``X_train``)."""
        return int(self.X_train.shape[1])

    @property
    def m_test(self) -> int:
        """Number of test examples (columns of ``X_test``)."""
        return int(self.X_test.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (2 to 10); 2 for regression, whose model has one output anyway."""
        return len(self.class_names) if self.class_names else 2

    def class_balance(self) -> float:
        """Fraction of label 1 in the training set (0..1); NaN for regression."""
        if self.problem != "classification":
            return math.nan
        return float(np.count_nonzero(self.Y_train == 1.0)) / max(self.m_train, 1)


def balance_warnings(Y_train: FloatArray, class_names: tuple[str, ...]) -> list[str]:
    """Warn about each class that is under 10% of the training labels ``(1, m)``; with K >= 3
    classes (labels 0..K-1) the bar is a fifth of a fair share, 20% / K."""
    m = Y_train.shape[1]
    k = len(class_names)
    counts = np.bincount(Y_train.reshape(-1).astype(np.intp), minlength=k)
    limit = MINORITY_WARNING if k == 2 else MINORITY_WARNING * 2.0 / k
    out = []
    for label in range(k):
        frac = int(counts[label]) / max(m, 1)
        if frac < limit:
            name = class_names[label]
            who = f"class {label}" if name == str(label) else f"class {label} ({name!r})"
            out.append(
                f"{who} is only {100.0 * frac:.1f}% of the training set: accuracy can look good "
                "while that class is always missed"
            )
    return out


def standardize_columns(
    X_train: FloatArray, X_test: FloatArray, feature_names: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, list[str]]:
    """Rescale ``X_train`` and ``X_test`` (``(n, m)``) in place with the train mean and std.

    Returns ``mean`` and ``std`` ``(n, 1)`` and warnings. Statistics come from the training part
    only: using the test part would leak information about it into training. A constant column
    (max == min: exact, unlike a float ``std == 0`` test) gets std 1 so nothing is divided by 0.
    """
    n = X_train.shape[0]
    mean = np.zeros((n, 1))
    std = np.ones((n, 1))
    warnings: list[str] = []
    # One row at a time: the temporaries are (m,), not another full (n, m) copy.
    for j in range(n):
        row = X_train[j]
        if row.size == 0 or row.max() == row.min():
            warnings.append(
                f"feature {feature_names[j]!r} is constant in the training set; it was centred "
                "but not scaled"
            )
            mean[j, 0] = row[0] if row.size else 0.0
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            mean[j, 0] = row.mean()
            std[j, 0] = row.std()
        if not (math.isfinite(mean[j, 0]) and math.isfinite(std[j, 0]) and std[j, 0] > 0.0):
            raise DataError(
                f"feature {feature_names[j]!r}: values too large (or too small) to standardize"
            )
    for X in (X_train, X_test):
        X -= mean
        X /= std
    return mean, std, warnings


def assemble(
    X_train: FloatArray,
    Y_train: FloatArray,
    X_test: FloatArray,
    Y_test: FloatArray,
    *,
    feature_names: tuple[str, ...],
    problem: Problem,
    class_names: tuple[str, ...] | None,
    standardize: bool,
    warnings: list[str],
    true_line: tuple[float, float] | None = None,
    csv_sha256: str | None = None,
) -> Dataset:
    """Build a ``Dataset`` from raw parts: class-balance warnings, optional standardization.

    Takes ownership of the arrays (standardization is done in place, so ``X_test`` must not be
    the same object as ``X_train``).
    """
    notes = list(warnings)
    if class_names is not None:
        notes.extend(balance_warnings(Y_train, class_names))
    stats: tuple[FloatArray, FloatArray] | None = None
    if standardize:
        mean, std, std_notes = standardize_columns(X_train, X_test, feature_names)
        notes.extend(std_notes)
        stats = (mean, std)
        if true_line is not None:
            # x2 = a x1 + b with xi = mi + si * xi' gives
            # x2' = (a s1/s2) x1' + (a m1 + b - m2)/s2.
            a, b = true_line
            m1, m2 = float(mean[0, 0]), float(mean[1, 0])
            s1, s2 = float(std[0, 0]), float(std[1, 0])
            true_line = (a * s1 / s2, (a * m1 + b - m2) / s2)
    return Dataset(
        X_train=np.ascontiguousarray(X_train),
        Y_train=np.ascontiguousarray(Y_train),
        X_test=np.ascontiguousarray(X_test),
        Y_test=np.ascontiguousarray(Y_test),
        feature_names=feature_names,
        problem=problem,
        class_names=class_names,
        warnings=tuple(notes),
        true_line=true_line,
        csv_sha256=csv_sha256,
        standardization=stats,
    )
