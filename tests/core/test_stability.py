"""The divergence bound of gradient descent on a linear regression, and the default learning
rate of each kind of problem: the regression generators converge with the defaults."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_core.config import (
    DEFAULT_LR,
    REGRESSION_GENERATORS,
    DataConfig,
    ModelConfig,
    TrainConfig,
)
from neuron_core.data.datasets import load
from neuron_core.training.stability import divergence_lr, lr_advice, lr_warning
from neuron_core.training.trainer import Trainer


def _run(name: str, lr: float, iterations: int = 400) -> Trainer:
    data = load(DataConfig(name=name))
    model = ModelConfig(problem=data.problem)
    trainer = Trainer(data, model, TrainConfig(lr=lr, iterations=iterations))
    trainer.run()
    return trainer


def test_the_bound_is_where_gradient_descent_starts_to_diverge() -> None:
    data = load(DataConfig(name="reg-line"))
    limit = divergence_lr(data.X_train, (), "regression", "gd")
    assert limit is not None and 0.02 < limit < 0.04
    assert _run("reg-line", 0.95 * limit, 3000).status == "completed"
    assert _run("reg-line", 1.1 * limit, 3000).status == "diverged"


def test_no_bound_where_the_cost_is_not_a_fixed_quadratic() -> None:
    X = np.random.default_rng(0).normal(size=(2, 50))
    assert divergence_lr(X, (3,), "regression", "gd") is None
    assert divergence_lr(X, (), "classification", "gd") is None
    assert divergence_lr(X, (), "regression", "adam") is None


def test_the_advice_is_a_preset_well_below_the_bound() -> None:
    assert lr_advice(0.1, 0.0308) == 0.01
    assert lr_advice(0.01, 0.0308) is None
    assert lr_advice(0.1, None) is None
    text = lr_warning(0.1, 0.0308, "--lr {}")
    assert text is not None and "diverge" in text and text.endswith("try --lr 0.01")


@pytest.mark.parametrize("name", REGRESSION_GENERATORS)
def test_the_regression_default_converges(name: str) -> None:
    trainer = _run(name, DEFAULT_LR["regression"], 2000)
    assert trainer.status == "completed"
    costs = trainer.history.costs[: trainer.iteration]
    assert np.all(np.isfinite(costs)) and costs[-1] < costs[0]
    limit = divergence_lr(trainer.X_train, (), "regression", "gd")
    assert lr_advice(DEFAULT_LR["regression"], limit) is None
    if name != "reg-bumps":  # a plane fits these exactly; the bumps need hidden layers
        assert costs[-1] < 1e-12
