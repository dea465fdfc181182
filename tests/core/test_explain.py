"""The Math view's numbers (``neuron_core.training.explain``): the article's neuron and a
network's hidden neuron, against the training loop and the article's neuron as written there."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.model.neuron import SingleNeuron
from neuron_core.numerics import sigmoid
from neuron_core.training.explain import explain_unit
from neuron_core.training.loop_gradients import loss_and_gradients
from neuron_core.training.trainer import Trainer


def _trainer(model: ModelConfig, samples: int = 50) -> Trainer:
    data = load(DataConfig(samples=samples, test_samples=20, seed=3))
    return Trainer(data, model, TrainConfig(lr=0.5, iterations=10))


def test_the_neuron_at_iterations_0_1_2_matches_the_article_and_the_trainer() -> None:
    t = _trainer(ModelConfig(init="zeros"))
    ref = SingleNeuron(t.X_train.shape[0])
    X, Y = t.X_train, t.data.Y_train
    for it in range(3):
        assert t.iteration == it
        got = explain_unit(t.model_cfg, t.train_cfg, t.snapshot().params, X, Y, sample=7)
        x = X[:, 7]
        if it == 0:  # zero init: every a is 0.5 and the cost ln 2
            assert got.z == 0.0 and got.a == 0.5
            assert got.cost == pytest.approx(math.log(2), abs=1e-15)
            assert got.loss == pytest.approx(math.log(2), abs=1e-15)
        assert got.z == pytest.approx(float(got.weights @ x) + got.bias, abs=1e-14)
        assert got.a == pytest.approx(float(sigmoid(np.array(got.z))), abs=1e-15)
        y = Y[0, 7]
        assert got.loss == pytest.approx(-(y * math.log(got.a) + (1 - y) * math.log(1 - got.a)))
        assert got.dz == pytest.approx((got.a - y) / X.shape[1], abs=1e-15)
        # The article's neuron, at the same parameters: cost, dw = X(A - Y)^T / m, db.
        ref.w = got.weights.reshape(-1, 1).copy()
        ref.b = got.bias
        dw, db = ref.gradients(X, Y)
        np.testing.assert_allclose(got.dw, dw.ravel(), rtol=1e-12, atol=1e-15)
        assert got.db == pytest.approx(db, rel=1e-12, abs=1e-15)
        assert got.cost == pytest.approx(ref.cost(X, Y), rel=1e-12)
        # The update shown is the one the next iteration makes.
        t.step(1)
        W, b = t.snapshot().params
        np.testing.assert_allclose(W.ravel(), got.w_next, rtol=1e-12, atol=1e-15)
        assert float(b[0, 0]) == pytest.approx(got.b_next, rel=1e-12, abs=1e-15)
        assert t.history.train()[it] == pytest.approx(got.cost, rel=1e-12)
        assert got.plain_gd and got.output and got.lr == 0.5


# Per-layer activations (SiLU and sine read Z in their derivative) and the squared loss: the
# shares follow each layer's own activation and the run's own loss.
@pytest.mark.parametrize(
    ("activation", "loss"), [("tanh", "log"), ("silu,sine", "log"), ("elu,tanh", "squared")]
)
def test_a_hidden_neuron_has_its_share_of_the_backpropagated_gradient(
    activation: str, loss: str
) -> None:
    model = ModelConfig(hidden=(3, 2), activation=activation, loss=loss, init_seed=1)
    t = _trainer(model)
    t.step(2)
    X, Y = t.X_train, t.data.Y_train
    params = t.snapshot().params
    _, grads = loss_and_gradients(t.model, X, Y)
    outs = t.model.layer_outputs(X)
    for layer, unit in ((0, 2), (1, 1), (2, 0)):
        got = explain_unit(t.model_cfg, t.train_cfg, params, X, Y, sample=4, layer=layer, unit=unit)
        np.testing.assert_allclose(got.dw, grads[2 * layer][unit], rtol=1e-12)
        assert got.db == pytest.approx(float(grads[2 * layer + 1][unit, 0]), rel=1e-12)
        assert got.a == pytest.approx(float(outs[layer][unit, 4]), rel=1e-14)
        assert got.output == (layer == 2)
        # The per-sample shares add up to the bias gradient: sum over the samples of dz.
        shares = [
            explain_unit(t.model_cfg, t.train_cfg, params, X, Y, i, layer, unit).dz
            for i in range(X.shape[1])
        ]
        assert sum(shares) == pytest.approx(got.db, rel=1e-10, abs=1e-15)


def test_other_optimizers_say_the_update_is_not_plain_gd() -> None:
    t = _trainer(ModelConfig())
    cfg = replace(t.train_cfg, optimizer="adam")
    got = explain_unit(t.model_cfg, cfg, t.snapshot().params, t.X_train, t.data.Y_train, 1)
    assert not got.plain_gd


def test_a_diverged_regression_gives_numbers_not_warnings() -> None:
    data = load(DataConfig(name="reg-line", samples=40, test_samples=10))
    t = Trainer(data, ModelConfig(problem="regression"), TrainConfig(lr=1e5, iterations=50))
    assert t.run() == "diverged"
    big = [np.full_like(p, 1e200) for p in t.snapshot().params]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = explain_unit(t.model_cfg, t.train_cfg, big, t.X_train, t.data.Y_train, 3)
        got_last = explain_unit(
            t.model_cfg, t.train_cfg, t.snapshot().params, t.X_train, t.data.Y_train, 3
        )
    assert not math.isfinite(got.loss) or not math.isfinite(got.cost)
    assert math.isfinite(got_last.cost)  # the last finite parameters give finite numbers
    assert got.output and got.m == 40
