"""Tests of the classification and regression metrics against hand counts and a plain reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.metrics import (
    ClassificationReport,
    RegressionReport,
    accuracy,
    confusion_matrix,
    f1,
    mse,
    precision,
    r2,
    recall,
)
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]


def _row(*values: float) -> F64:
    return np.array([values], dtype=np.float64)


# ---------------------------------------------------------------- classification, by hand

# pred: 1 1 0 0 1 0 1 0 ; true: 1 0 0 1 1 0 1 1
# TP at 0, 4, 6 (3); FP at 1 (1); TN at 2, 5 (2); FN at 3, 7 (2)
PRED = _row(1, 1, 0, 0, 1, 0, 1, 0)
TRUE = _row(1, 0, 0, 1, 1, 0, 1, 1)


def test_confusion_matrix_by_hand() -> None:
    cm = confusion_matrix(PRED, TRUE)
    assert cm.dtype == np.int64 and cm.shape == (2, 2)
    assert cm.tolist() == [[2, 1], [2, 3]]  # [[TN, FP], [FN, TP]], rows = true class


def test_metrics_by_hand() -> None:
    assert accuracy(PRED, TRUE) == 5 / 8
    assert precision(PRED, TRUE) == 3 / 4
    assert recall(PRED, TRUE) == 3 / 5
    assert f1(PRED, TRUE) == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5), abs=1e-15)
    assert f1(PRED, TRUE) == 6 / 9


def test_report_by_hand() -> None:
    rep = ClassificationReport.from_predictions(PRED, TRUE)
    assert rep == ClassificationReport(
        accuracy=5 / 8, precision=3 / 4, recall=3 / 5, f1=6 / 9, tn=2, fp=1, fn=2, tp=3
    )
    assert rep.m == 8
    assert rep.confusion.tolist() == [[2, 1], [2, 3]]
    hash(rep)  # frozen and made of plain values: usable as a dict key


def test_rows_are_the_true_class() -> None:
    # Everything predicted 1 while all labels are 0: 3 false positives, in row 0 (true 0).
    assert confusion_matrix(_row(1, 1, 1), _row(0, 0, 0)).tolist() == [[0, 3], [0, 0]]
    # Everything predicted 0 while all labels are 1: false negatives, row 1.
    assert confusion_matrix(_row(0, 0), _row(1, 1)).tolist() == [[0, 0], [2, 0]]


def test_zero_denominators_give_zero_not_nan() -> None:
    # Never predicts 1: precision has no denominator; no label 1: recall has none.
    none_predicted = (_row(0, 0, 0), _row(1, 0, 1))
    assert precision(*none_predicted) == 0.0
    assert recall(*none_predicted) == 0.0
    assert f1(*none_predicted) == 0.0
    all_negative = (_row(0, 0), _row(0, 0))
    assert precision(*all_negative) == 0.0
    assert recall(*all_negative) == 0.0
    assert f1(*all_negative) == 0.0
    assert accuracy(*all_negative) == 1.0
    rep = ClassificationReport.from_predictions(*all_negative)
    assert not any(math.isnan(v) for v in (rep.precision, rep.recall, rep.f1))


def test_perfect_predictions() -> None:
    y = _row(0, 1, 1, 0, 1)
    rep = ClassificationReport.from_predictions(y, y)
    assert (rep.accuracy, rep.precision, rep.recall, rep.f1) == (1.0, 1.0, 1.0, 1.0)


def test_accepts_bool_int_and_other_shapes() -> None:
    p_bool = np.array([True, False, True])
    y_int = np.array([[1], [1], [0]])  # (3, 1): only the number of elements matters
    assert confusion_matrix(p_bool, y_int).tolist() == [[0, 1], [1, 1]]


@pytest.mark.parametrize(
    ("pred", "y", "match"),
    [
        (_row(0, 1), _row(0, 1, 1), "2 values but labels have 3"),
        (_row(0, 0.5), _row(0, 1), "predictions must be 0 or 1"),
        (_row(0, 1), _row(2, 1), "labels must be 0 or 1"),
        (_row(0, 1), _row(np.nan, 1), "labels must be 0 or 1"),
        (np.empty((1, 0)), np.empty((1, 0)), "no samples"),
    ],
)
def test_bad_classification_inputs(pred: F64, y: F64, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        confusion_matrix(pred, y)
    with pytest.raises(ValueError, match=match):
        accuracy(pred, y)


# ---------------------------------------------------------------- classification, reference


def _reference_counts(p: list[int], t: list[int]) -> tuple[int, int, int, int]:
    tn = sum(1 for a, b in zip(p, t, strict=True) if a == 0 and b == 0)
    fp = sum(1 for a, b in zip(p, t, strict=True) if a == 1 and b == 0)
    fn = sum(1 for a, b in zip(p, t, strict=True) if a == 0 and b == 1)
    tp = sum(1 for a, b in zip(p, t, strict=True) if a == 1 and b == 1)
    return tn, fp, fn, tp


@pytest.mark.parametrize("seed", range(20))
def test_classification_matches_reference_on_random_inputs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 400))
    # Vary the class balance, down to no positive at all, so zero denominators occur too.
    rate_p, rate_t = rng.choice([0.0, 0.05, 0.5, 0.95, 1.0], 2)
    p = (rng.random((1, m)) < rate_p).astype(np.float64)
    t = (rng.random((1, m)) < rate_t).astype(np.float64)
    p_list, t_list = p.ravel().astype(int).tolist(), t.ravel().astype(int).tolist()
    tn, fp, fn, tp = _reference_counts(p_list, t_list)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    assert confusion_matrix(p, t).tolist() == [[tn, fp], [fn, tp]]
    assert accuracy(p, t) == pytest.approx((tp + tn) / m, abs=1e-15)
    assert precision(p, t) == pytest.approx(prec, abs=1e-15)
    assert recall(p, t) == pytest.approx(rec, abs=1e-15)
    assert f1(p, t) == pytest.approx(f, abs=1e-12)
    rep = ClassificationReport.from_predictions(p, t)
    assert (rep.tn, rep.fp, rep.fn, rep.tp) == (tn, fp, fn, tp)
    assert rep.accuracy == accuracy(p, t)
    assert rep.precision == precision(p, t)
    assert rep.recall == recall(p, t)
    assert rep.f1 == f1(p, t)


def test_report_from_a_trained_model() -> None:
    data = load(DataConfig(name="line", samples=400, test_samples=400, seed=3))
    trainer = Trainer(data, ModelConfig(), TrainConfig(lr=0.1, iterations=300))
    trainer.run()
    rep = ClassificationReport.from_model(trainer.model, trainer.X_test, data.Y_test)
    pred = trainer.model.predict(trainer.X_test)
    assert rep == ClassificationReport.from_predictions(pred, data.Y_test)
    assert rep.m == data.m_test
    # The article's neuron separates the line data almost perfectly.
    assert rep.accuracy > 0.95


# ---------------------------------------------------------------- regression


def test_regression_by_hand() -> None:
    y = _row(1.0, 2.0, 3.0, 4.0)
    p = _row(1.0, 2.0, 4.0, 2.0)  # errors 0, 0, 1, -2
    assert mse(p, y) == 5 / 4
    # mean(y) = 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5, SS_res = 5
    assert r2(p, y) == 0.0
    assert r2(y, y) == 1.0
    assert r2(np.full((1, 4), 2.5), y) == 0.0  # predicting the mean explains nothing
    rep = RegressionReport.from_predictions(p, y)
    assert rep == RegressionReport(mse=1.25, rmse=math.sqrt(1.25), mae=0.75, r2=0.0, m=4)


def test_r2_is_zero_for_constant_targets() -> None:
    y = np.full((1, 5), 3.0)
    assert r2(y, y) == 0.0  # defined as 0: no variance to explain, even by a perfect fit
    assert r2(y + 1.0, y) == 0.0
    assert RegressionReport.from_predictions(y + 1.0, y).r2 == 0.0


def test_r2_can_be_negative() -> None:
    y = _row(0.0, 1.0)
    assert r2(_row(5.0, -5.0), y) < -1.0


@pytest.mark.parametrize("seed", range(20))
def test_regression_matches_reference_on_random_inputs(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    m = int(rng.integers(1, 500))
    y = rng.normal(rng.normal(0, 10), rng.uniform(0.1, 5), (1, m))
    p = y + rng.normal(0, rng.uniform(0.01, 3), (1, m))
    ys, ps = y.ravel().tolist(), p.ravel().tolist()
    ref_mse = sum((a - b) ** 2 for a, b in zip(ps, ys, strict=True)) / m
    ref_mae = sum(abs(a - b) for a, b in zip(ps, ys, strict=True)) / m
    mean = sum(ys) / m
    ss_tot = sum((b - mean) ** 2 for b in ys)
    ref_r2 = 1 - ref_mse * m / ss_tot if ss_tot else 0.0

    assert mse(p, y) == pytest.approx(ref_mse, rel=1e-12)
    assert r2(p, y) == pytest.approx(ref_r2, rel=1e-9, abs=1e-12)
    rep = RegressionReport.from_predictions(p, y)
    assert rep.mse == mse(p, y)
    assert rep.rmse == pytest.approx(math.sqrt(ref_mse), rel=1e-12)
    assert rep.mae == pytest.approx(ref_mae, rel=1e-12)
    assert rep.r2 == r2(p, y)
    assert rep.m == m


class _Constant:
    """A stand-in model predicting the same value everywhere."""

    def __init__(self, value: float) -> None:
        self.value = value

    def predict(self, X: NDArray[np.floating]) -> F64:
        return np.full((1, X.shape[1]), self.value)


def test_regression_report_from_model() -> None:
    X = np.zeros((2, 3))
    Y = _row(1.0, 2.0, 3.0)
    rep = RegressionReport.from_model(_Constant(2.0), X, Y)
    assert rep.mse == pytest.approx(2 / 3)
    assert rep.r2 == 0.0
    assert rep.mae == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("pred", "y", "match"),
    [
        (_row(0.0, 1.0), _row(0.0, 1.0, 2.0), "2 values but targets have 3"),
        (np.empty((1, 0)), np.empty((1, 0)), "no samples"),
    ],
)
def test_bad_regression_inputs(pred: F64, y: F64, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mse(pred, y)
    with pytest.raises(ValueError, match=match):
        r2(pred, y)
    with pytest.raises(ValueError, match=match):
        RegressionReport.from_predictions(pred, y)
