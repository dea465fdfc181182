"""What the predictions pane is given: original units, boundary, true line, point selection."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import LINE_INTERCEPT, LINE_SLOPE, load
from neuron_core.training.trainer import Trainer
from tui.run.scoring import Evaluation, evaluate
from tui.views.predictions import (
    PredictionView,
    _linear_boundary,
    _plotted_columns,
    _true_line,
    prediction_view,
)


def view_of(trainer: Trainer, ev: Evaluation, grid: tuple[int, int]) -> PredictionView:
    """The predictions view of ``ev`` as the app builds it."""
    return prediction_view(trainer.data, trainer.model_cfg, ev.model, ev.pred_test, grid)


def test_true_line_is_given_back_in_original_units() -> None:
    data = load(DataConfig(samples=300, test_samples=300, standardize=True))
    slope, intercept = _true_line(data)  # type: ignore[misc]
    assert slope == pytest.approx(LINE_SLOPE)
    assert intercept == pytest.approx(LINE_INTERCEPT)


def test_boundary_in_original_units_is_the_model_boundary() -> None:
    data = load(DataConfig(samples=300, test_samples=300, standardize=True))
    w = np.array([[0.7], [-1.3]])
    b = np.array([[0.4]])
    w1, w2, c = _linear_boundary(data, [w, b], 2)  # type: ignore[misc]
    # Points on the plotted line, standardized, sit on the model's own boundary.
    x1 = np.linspace(-10, 10, 7)
    x2 = -(w1 * x1 + c) / w2
    mean, std = data.standardization  # type: ignore[misc]
    pts = (np.stack([x1, x2]) - mean) / std
    np.testing.assert_allclose(w.T @ pts + b, 0.0, atol=1e-9)


def test_no_boundary_for_a_zero_or_non_linear_model() -> None:
    data = load(DataConfig(samples=50, test_samples=50))
    assert _linear_boundary(data, [np.zeros((2, 1)), np.zeros((1, 1))], 2) is None
    assert _linear_boundary(data, [np.ones((3, 1)), np.zeros((1, 1))], 3) is None


def test_plotted_points_are_capped_and_keep_the_mistakes() -> None:
    m = 10_000
    Y = np.zeros((1, m))
    pred = np.zeros((1, m))
    wrong = np.array([5, 77, 4321, 9999])
    pred[0, wrong] = 1.0
    cols = _plotted_columns(pred, Y, "classification", cap=500)
    assert cols.size <= 500
    assert set(wrong.tolist()) <= set(cols.tolist())
    assert np.all(np.diff(cols) > 0)
    small = _plotted_columns(pred[:, :100], Y[:, :100], "classification", cap=500)
    np.testing.assert_array_equal(small, np.arange(100))


def test_view_of_a_trained_line_run() -> None:
    data = load(DataConfig(samples=300, test_samples=400))
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=300))
    trainer.run()
    snap = trainer.snapshot()
    ev = evaluate(trainer, snap.params, snap.iteration)
    view = view_of(trainer, ev, (10, 20))
    assert view.X.shape == (2, 400)
    np.testing.assert_array_equal(view.X, data.X_test)
    assert view.boundary is not None and view.surface is None
    assert view.true_line == (LINE_SLOPE, LINE_INTERCEPT)
    assert ev.test_score == pytest.approx(float(np.mean(view.pred == view.Y)))


def test_view_of_a_network_has_a_surface_and_regression_plots_the_target() -> None:
    data = load(DataConfig(name="circle", samples=200, test_samples=200))
    trainer = Trainer(data, ModelConfig(hidden=(3,), init="xavier"), TrainConfig(iterations=20))
    trainer.run()
    snap = trainer.snapshot()
    view = view_of(trainer, evaluate(trainer, snap.params, snap.iteration), (8, 16))
    assert view.boundary is None
    assert view.surface is not None and view.surface.shape == (8, 16)
    assert view.surface_extent is not None

    reg = load(DataConfig(name="reg-line", samples=100, test_samples=100))
    trainer = Trainer(reg, ModelConfig(problem="regression"), TrainConfig(lr=0.001, iterations=50))
    trainer.run()
    snap = trainer.snapshot()
    view = view_of(trainer, evaluate(trainer, snap.params, snap.iteration), (8, 16))
    np.testing.assert_array_equal(view.X[1], view.Y[0])
    assert view.problem == "regression"
