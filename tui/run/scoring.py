"""Scoring a published set of parameters: ``Evaluation`` and ``evaluate``.

``evaluate`` scores the latest published parameters on the training and test sets with a private
model (the trainer's own model belongs to the worker thread). Plain computation: the controller
decides when and on which thread it runs (``tui.run.evaluation``), the views are built from the
result (``tui.views.predictions``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.confusion import MultiClassReport
from neuron_core.metrics import ClassificationReport, RegressionReport
from neuron_core.model.network import Network
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The model at one published iteration, scored.

    ``model`` is a private copy (safe on the UI thread) holding ``params``; ``pred_test``
    (1, m_test) its predicted classes (or values) on the test set; ``train``/``test`` the
    reports on both sets.
    """

    model: Network
    params: list[F64]
    iteration: int
    pred_test: F64
    train: ClassificationReport | RegressionReport | MultiClassReport
    test: ClassificationReport | RegressionReport | MultiClassReport

    @property
    def score_name(self) -> str:
        """ "accuracy" for classification, "R²" for regression."""
        return "R²" if isinstance(self.test, RegressionReport) else "accuracy"

    @property
    def train_score(self) -> float:
        """Training accuracy (or R²)."""
        return _score(self.train)

    @property
    def test_score(self) -> float:
        """Test accuracy (or R²)."""
        return _score(self.test)


def _score(report: ClassificationReport | RegressionReport | MultiClassReport) -> float:
    return report.r2 if isinstance(report, RegressionReport) else report.accuracy


def evaluate(trainer: Trainer, params: list[F64], iteration: int) -> Evaluation:
    """Score ``params`` (a snapshot taken at ``iteration``, in ``model.get_params()`` order) on
    both sets of ``trainer``.

    Uses ``trainer.X_train``/``X_test`` (n_inputs, m) as the model sees them (standardized and
    feature-mapped) and the labels (1, m) of its dataset.
    """
    model = Network.from_config(trainer.model_cfg, trainer.X_train.shape[0])
    model.set_params(params)
    data = trainer.data
    pred_train = model.predict(trainer.X_train)
    pred_test = model.predict(trainer.X_test)
    report: type[ClassificationReport] | type[RegressionReport]
    report = ClassificationReport if data.problem == "classification" else RegressionReport
    if data.problem == "classification" and data.n_classes > 2:  # K x K (confusion.py)
        k = data.n_classes
        train_k = MultiClassReport.from_predictions(pred_train, data.Y_train, k)
        test_k = MultiClassReport.from_predictions(pred_test, data.Y_test, k)
        return Evaluation(model, params, iteration, pred_test, train_k, test_k)
    return Evaluation(
        model=model,
        params=params,
        iteration=iteration,
        pred_test=pred_test,
        train=report.from_predictions(pred_train, data.Y_train),
        test=report.from_predictions(pred_test, data.Y_test),
    )
