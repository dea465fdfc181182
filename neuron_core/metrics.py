"""How good a model is: classification and regression metrics on (1, m) arrays.

Classification (predicted class vs. true label, both 0/1, shape (1, m); any shape with the same
number of elements works, the arrays are flattened)::

                      predicted 0   predicted 1
    true 0 (row 0)        TN            FP
    true 1 (row 1)        FN            TP

    accuracy  = (TP + TN) / m
    precision = TP / (TP + FP)     of the points called 1, the fraction that are 1
    recall    = TP / (TP + FN)     of the points that are 1, the fraction found
    f1        = 2 TP / (2 TP + FP + FN)   (the harmonic mean of precision and recall)

A ratio whose denominator is 0 (no point predicted 1, no point labelled 1) is defined as 0.0, not
NaN: the UI shows a number, and "never says 1" scores no precision. Regression (predicted value vs.
target, shape (1, m))::

    mse = mean((pred - y)^2)      rmse = sqrt(mse)      mae = mean(|pred - y|)
    r2  = 1 - sum((pred - y)^2) / sum((y - mean(y))^2)

``r2`` is defined as 0.0 when the targets have no variance (constant ``y``): there is nothing to
explain. Empty inputs and mismatched sizes are programming errors and raise ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Predictor(Protocol):
    """Anything with ``predict(X (n, m)) -> (1, m)``, e.g. a ``Model``."""

    def predict(self, X: NDArray[np.floating]) -> NDArray[np.float64]:
        """Predicted class 0/1 (classification) or value (regression) per column of X."""
        ...


# -- classification -------------------------------------------------------------------------


def flat_pair(pred: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
    """Predictions and labels flattened to (m,) each; ``ValueError`` when their sizes differ or
    there is no sample (programming errors)."""
    p = np.asarray(pred).reshape(-1)
    t = np.asarray(y).reshape(-1)
    if p.shape != t.shape:
        raise ValueError(f"predictions have {p.size} values but labels have {t.size}")
    if p.size == 0:
        raise ValueError("no samples to score")
    return p, t


def _labels(pred: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Flatten and check two 0/1 arrays of the same size; return them as booleans (m,)."""
    p, t = flat_pair(pred, y)
    for name, arr in (("predictions", p), ("labels", t)):
        if arr.dtype != np.bool_ and not np.all((arr == 0) | (arr == 1)):
            raise ValueError(f"{name} must be 0 or 1")
    return p.astype(np.bool_, copy=False), t.astype(np.bool_, copy=False)


def _ratio(num: int, den: int) -> float:
    """``num / den``, or 0.0 when ``den`` is 0 (see the module docstring)."""
    return num / den if den else 0.0


def confusion_matrix(pred: ArrayLike, y: ArrayLike) -> NDArray[np.int64]:
    """Counts ``[[TN, FP], [FN, TP]]`` (2, 2) of 0/1 predictions against 0/1 labels, both (1, m).

    Rows are the true class, columns the predicted class; the four counts add up to m.
    """
    p, t = _labels(pred, y)
    # Cell index 2*true + predicted: 0 = TN, 1 = FP, 2 = FN, 3 = TP, in one counting pass.
    code = 2 * t.astype(np.intp) + p
    return np.bincount(code, minlength=4).astype(np.int64).reshape(2, 2)


def accuracy(pred: ArrayLike, y: ArrayLike) -> float:
    """Fraction of the m predictions (1, m) equal to the labels (1, m): ``(TP + TN) / m``."""
    p, t = _labels(pred, y)
    return float(np.count_nonzero(p == t)) / p.size


def precision(pred: ArrayLike, y: ArrayLike) -> float:
    """``TP / (TP + FP)`` of 0/1 arrays (1, m); 0.0 when nothing is predicted 1."""
    (_, fp), (_, tp) = confusion_matrix(pred, y).tolist()
    return _ratio(tp, tp + fp)


def recall(pred: ArrayLike, y: ArrayLike) -> float:
    """``TP / (TP + FN)`` of 0/1 arrays (1, m); 0.0 when no label is 1."""
    _, (fn, tp) = confusion_matrix(pred, y).tolist()
    return _ratio(tp, tp + fn)


def f1(pred: ArrayLike, y: ArrayLike) -> float:
    """``2 TP / (2 TP + FP + FN)`` of 0/1 arrays (1, m), the harmonic mean of precision and
    recall; 0.0 when there is no 1 among the predictions nor the labels."""
    (_, fp), (fn, tp) = confusion_matrix(pred, y).tolist()
    return _ratio(2 * tp, 2 * tp + fp + fn)


@dataclass(frozen=True)
class ClassificationReport:
    """Every classification metric of one set of predictions; see the module docstring.

    The confusion counts are kept as plain ints (``tn``, ``fp``, ``fn``, ``tp``) so the report is
    hashable and compares with ``==``; ``confusion`` gives them as the (2, 2) matrix.
    """

    accuracy: float
    precision: float
    recall: float
    f1: float
    tn: int
    fp: int
    fn: int
    tp: int

    @property
    def m(self) -> int:
        """Number of samples scored."""
        return self.tn + self.fp + self.fn + self.tp

    @property
    def confusion(self) -> NDArray[np.int64]:
        """``[[TN, FP], [FN, TP]]`` (2, 2), rows = true class."""
        return np.array([[self.tn, self.fp], [self.fn, self.tp]], dtype=np.int64)

    @classmethod
    def from_predictions(cls, pred: ArrayLike, y: ArrayLike) -> ClassificationReport:
        """Score 0/1 predictions (1, m) against 0/1 labels (1, m) (one counting pass)."""
        (tn, fp), (fn, tp) = confusion_matrix(pred, y).tolist()
        return cls(
            accuracy=(tp + tn) / (tn + fp + fn + tp),
            precision=_ratio(tp, tp + fp),
            recall=_ratio(tp, tp + fn),
            f1=_ratio(2 * tp, 2 * tp + fp + fn),
            tn=tn,
            fp=fp,
            fn=fn,
            tp=tp,
        )

    @classmethod
    def from_model(
        cls, model: Predictor, X: NDArray[np.floating], Y: ArrayLike
    ) -> ClassificationReport:
        """Score ``model.predict(X)`` for X (n, m) against labels Y (1, m)."""
        return cls.from_predictions(model.predict(X), Y)


def majority_note(
    report: ClassificationReport,
    class_names: tuple[str, ...] | None,
    standardized: bool,
    standardize_how: str,
) -> str | None:
    """What to tell a person whose classifier is no better than always answering the majority
    class (accuracy at most that class's share: it is stuck there), and what to try; ``None``
    when it does better. ``standardize_how`` names how to turn standardization on
    ("--standardize"), suggested first when it is off: features of very different scales make
    gradient descent overshoot along the large one and stall along the others."""
    if report.m == 0:
        return None
    ones = report.tp + report.fn  # examples labelled 1
    majority = 1 if 2 * ones > report.m else 0
    share = max(ones, report.m - ones) / report.m
    if report.accuracy > share:
        return None
    name = (class_names or ("0", "1"))[majority]
    tries = [] if standardized else [f"standardizing the features ({standardize_how})"]
    tries += ["another learning rate or more iterations", "hidden layers"]
    return (
        f"nothing learned yet: the model's accuracy {100.0 * report.accuracy:.1f}% is "
        f"no better than always answering {name!r} ({100.0 * share:.1f}% of the examples). "
        f"Try {'; '.join(tries)}"
    )


# -- regression -----------------------------------------------------------------------------


def _values(pred: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Flatten two real arrays of the same size to float64 (m,)."""
    p = np.asarray(pred, dtype=np.float64).reshape(-1)
    t = np.asarray(y, dtype=np.float64).reshape(-1)
    if p.shape != t.shape:
        raise ValueError(f"predictions have {p.size} values but targets have {t.size}")
    if p.size == 0:
        raise ValueError("no samples to score")
    return p, t


def mse(pred: ArrayLike, y: ArrayLike) -> float:
    """Mean squared error ``mean((pred - y)^2)`` of predictions (1, m) against targets (1, m)."""
    p, t = _values(pred, y)
    d = p - t
    return float(np.dot(d, d)) / d.size


def r2(pred: ArrayLike, y: ArrayLike) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` for predictions and targets (1, m).

    1 is a perfect fit, 0 is no better than always predicting ``mean(y)``, negative is worse.
    Defined as 0.0 when ``SS_tot = sum((y - mean(y))^2)`` is 0 (constant targets).
    """
    p, t = _values(pred, y)
    return _r2(p, t)


def _r2(p: NDArray[np.float64], t: NDArray[np.float64]) -> float:
    d = p - t
    c = t - t.mean()
    ss_tot = float(np.dot(c, c))
    if ss_tot == 0.0:
        return 0.0
    return 1.0 - float(np.dot(d, d)) / ss_tot


@dataclass(frozen=True)
class RegressionReport:
    """Regression metrics of one set of predictions; see the module docstring.

    ``rmse`` and ``mae`` are in the units of the target, ``mse`` in its square.
    """

    mse: float
    rmse: float
    mae: float
    r2: float
    m: int

    @classmethod
    def from_predictions(cls, pred: ArrayLike, y: ArrayLike) -> RegressionReport:
        """Score real predictions (1, m) against targets (1, m)."""
        p, t = _values(pred, y)
        d = p - t
        err = float(np.dot(d, d)) / d.size
        return cls(
            mse=err,
            rmse=math.sqrt(err),
            mae=float(np.mean(np.abs(d))),
            r2=_r2(p, t),
            m=int(d.size),
        )

    @classmethod
    def from_model(
        cls, model: Predictor, X: NDArray[np.floating], Y: ArrayLike
    ) -> RegressionReport:
        """Score ``model.predict(X)`` for X (n, m) against targets Y (1, m)."""
        return cls.from_predictions(model.predict(X), Y)
