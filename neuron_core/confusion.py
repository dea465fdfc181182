"""Metrics of a classifier with K = 3 to 10 classes: accuracy, the K x K confusion matrix, and
the precision and recall of every class.

Predicted classes and true labels are class indices ``0 .. K-1`` (float or int), shape (1, m)
or (m,). The confusion matrix ``C`` is (K, K) with rows = true class, columns = predicted class,
so ``C[i, j]`` counts the points of class i called j; its diagonal holds the correct answers::

    accuracy     = trace(C) / m
    precision_k  = C[k, k] / sum_i C[i, k]    of the points called k, the fraction that are k
    recall_k     = C[k, k] / sum_j C[k, j]    of the points of class k, the fraction found

A ratio whose denominator is 0 is 0.0 (as in ``metrics``). Two-class runs keep
``metrics.ClassificationReport`` and its TN/FP/FN/TP; the CLI and the app show this report
for 3 classes and more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron_core.metrics import flat_pair


def confusion_matrix_k(pred: ArrayLike, y: ArrayLike, k: int) -> NDArray[np.int64]:
    """Counts (k, k) of predicted classes against true labels (both 0..k-1, m values each):
    ``C[true, predicted]``. Sizes that differ, no sample, or a class outside 0..k-1 raise
    ``ValueError`` (programming errors)."""
    p, t = flat_pair(pred, y)
    pi = p.astype(np.intp)
    ti = t.astype(np.intp)
    for name, arr, ints in (("predictions", p, pi), ("labels", t, ti)):
        if np.any(ints != arr) or np.any((ints < 0) | (ints >= k)):
            raise ValueError(f"{name} must be classes 0 to {k - 1}")
    # One counting pass over the cell index k*true + predicted.
    return np.bincount(k * ti + pi, minlength=k * k).astype(np.int64).reshape(k, k)


@dataclass(frozen=True)
class MultiClassReport:
    """Accuracy, confusion matrix (as nested tuples, so the report compares with ``==``) and
    per-class precision and recall (tuples of K floats, class 0 first)."""

    accuracy: float
    confusion: tuple[tuple[int, ...], ...]
    precision: tuple[float, ...]
    recall: tuple[float, ...]

    @property
    def m(self) -> int:
        """Number of samples scored."""
        return sum(sum(row) for row in self.confusion)

    @property
    def classes(self) -> int:
        """K, the number of classes."""
        return len(self.confusion)

    @classmethod
    def from_predictions(cls, pred: ArrayLike, y: ArrayLike, k: int) -> MultiClassReport:
        """Score predicted classes (1, m) against labels (1, m), both 0..k-1."""
        c = confusion_matrix_k(pred, y, k)
        diag = np.diag(c)
        called = c.sum(axis=0)
        actual = c.sum(axis=1)
        return cls(
            accuracy=float(diag.sum()) / float(c.sum()),
            confusion=tuple(tuple(int(v) for v in row) for row in c),
            precision=tuple(_ratio(int(d), int(n)) for d, n in zip(diag, called, strict=True)),
            recall=tuple(_ratio(int(d), int(n)) for d, n in zip(diag, actual, strict=True)),
        )

    def to_dict(self, class_names: tuple[str, ...] | None = None) -> dict[str, object]:
        """JSON-safe form: accuracy, ``confusion`` (rows = true class), per-class ``precision``
        and ``recall`` lists, and the ``class_names`` in label order."""
        names = class_names or tuple(str(i) for i in range(self.classes))
        return {
            "accuracy": self.accuracy,
            "classes": self.classes,
            "class_names": list(names),
            "confusion": [list(row) for row in self.confusion],
            "precision": list(self.precision),
            "recall": list(self.recall),
        }


def _ratio(num: int, den: int) -> float:
    """``num / den``, or 0.0 when ``den`` is 0."""
    return num / den if den else 0.0
