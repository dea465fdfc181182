"""Finite-difference checks of every derivative the training loop uses.

Central differences in float64, ``(f(p + h) - f(p - h)) / 2h``, against the analytic gradients
from the training loop's own code (``network_stepper.loss_and_gradients`` runs
``NetworkStepper``), with the reference cost (``Network.cost`` + ``Network.penalty``, a separate
code path) as ``f``.
Relative error ``|g - g_fd| / (|g| + |g_fd|)`` must stay below 1e-6. Kinks are avoided on
purpose: ReLU pre-activations and L1 weights are checked to be well away from 0.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.activations import ACTIVATIONS, get_activation
from neuron_core.model.network import Network
from neuron_core.training.loop_gradients import loss_and_gradients
from neuron_core.training.stepper import make_stepper

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
H = 1e-6
TOL = 1e-6


def relative_error(a: FloatArray, b: FloatArray) -> float:
    scale = float(np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.linalg.norm(a - b)) / scale if scale > 0 else 0.0


def random_problem(
    hidden: tuple[int, ...], activation: str, problem: str, seed: int = 0
) -> tuple[Network, F64, F64]:
    """A network with random weights *and biases* (so no pre-activation is exactly 0), and a
    small random data set X (3, 23), Y (1, 23)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, 23))
    if problem == "classification":
        Y = (rng.uniform(size=(1, 23)) > 0.5).astype(np.float64)
    else:
        Y = rng.normal(size=(1, 23))
    net = Network(3, hidden, activation, problem, init="uniform", init_seed=seed)
    net.set_params([rng.uniform(-1.0, 1.0, p.shape) for p in net.get_params()])
    return net, X, Y


def finite_differences(net: Network, X: F64, Y: F64, l1: float, l2: float) -> list[F64]:
    """Central-difference gradient of ``cost + penalty`` for every parameter array."""
    base = net.get_params()
    out = []
    for i, p in enumerate(base):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            params = [q.copy() for q in base]
            params[i][idx] = p[idx] + H
            net.set_params(params)
            plus = net.cost(X, Y) + net.penalty(l1, l2)
            params[i][idx] = p[idx] - H
            net.set_params(params)
            minus = net.cost(X, Y) + net.penalty(l1, l2)
            g[idx] = (plus - minus) / (2 * H)
        out.append(g)
    net.set_params(base)
    return out


def min_abs_hidden_preactivation(net: Network, X: F64) -> float:
    A: FloatArray = X
    smallest = np.inf
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        Z = W @ A + b
        smallest = min(smallest, float(np.abs(Z).min()))
        A = net.activation.forward(Z)
    return smallest


# -- activations --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_backward_matches_finite_differences(name: str) -> None:
    act = get_activation(name)
    rng = np.random.default_rng(1)
    z = rng.uniform(-3.0, 3.0, (4, 50))
    z[np.abs(z) < 0.05] = 0.5  # away from ReLU's kink
    da = rng.normal(size=z.shape)
    numeric = da * (act.forward(z + H) - act.forward(z - H)) / (2 * H)
    analytic = act.backward(act.forward(z), da, z=z)
    assert relative_error(analytic, numeric) < TOL
    # The buffered forms give the same numbers: in place forward, separate out for backward.
    zz = z.copy()
    act.forward(zz, out=zz)
    np.testing.assert_array_equal(zz, act.forward(z))
    out = np.empty_like(z)
    assert act.backward(zz, da, out=out, z=z) is out
    np.testing.assert_array_equal(out, analytic)


def test_activation_values() -> None:
    z = np.array([[-800.0, -1.0, 0.0, 2.0, 800.0]])
    with np.errstate(all="raise"):  # no overflow anywhere, even at +-800
        np.testing.assert_allclose(get_activation("tanh").forward(z), np.tanh(z))
        np.testing.assert_array_equal(get_activation("relu").forward(z), [[0, 0, 0, 2, 800]])
        s = get_activation("sigmoid").forward(z)
        np.testing.assert_allclose(s, [[0.0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-2)), 1.0]])
        np.testing.assert_array_equal(get_activation("linear").forward(z), z)
    with pytest.raises(KeyError):
        get_activation("swish")


# -- whole networks: every layer, activation, loss and regulariser -------------------------------

CASES = list(
    itertools.product(
        ["tanh", "relu", "sigmoid", "linear"],
        ["classification", "regression"],
        [(), (4,), (4, 3), (2, 3, 2)],
    )
)


@pytest.mark.parametrize(("activation", "problem", "hidden"), CASES)
def test_network_gradients_match_finite_differences(
    activation: str, problem: str, hidden: tuple[int, ...]
) -> None:
    net, X, Y = random_problem(hidden, activation, problem)
    l1, l2 = 0.03, 0.05
    if activation == "relu" and hidden:
        assert min_abs_hidden_preactivation(net, X) > 1e-4  # no kink within reach of +-H
    assert min(float(np.abs(W).min()) for W in net.weights) > 1e-4  # no L1 kink either
    cost, grads = loss_and_gradients(net, X, Y, l1, l2)
    assert cost == pytest.approx(net.cost(X, Y) + net.penalty(l1, l2), rel=1e-12)
    numeric = finite_differences(net, X, Y, l1, l2)
    assert [g.shape for g in grads] == [p.shape for p in net.get_params()]
    for i, (g, n) in enumerate(zip(grads, numeric, strict=True)):
        assert relative_error(g, n) < TOL, f"parameter {i} ({'W' if i % 2 == 0 else 'b'})"


@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_penalty_gradient_is_on_weights_only(problem: str) -> None:
    net, X, Y = random_problem((4, 3), "tanh", problem, seed=3)
    _, plain = loss_and_gradients(net, X, Y)
    l1, l2 = 0.7, 0.4
    cost, reg = loss_and_gradients(net, X, Y, l1, l2)
    for i, (g, g0, p) in enumerate(zip(reg, plain, net.get_params(), strict=True)):
        if i % 2 == 0:  # weights: + l1 sign(W) + l2 W
            np.testing.assert_allclose(g, g0 + l1 * np.sign(p) + l2 * p, rtol=1e-12, atol=1e-15)
        else:  # biases: untouched
            np.testing.assert_array_equal(g, g0)
    weights = np.concatenate([W.ravel() for W in net.weights])
    penalty = l1 * np.abs(weights).sum() + l2 / 2 * (weights**2).sum()
    assert cost == pytest.approx(net.cost(X, Y) + penalty, rel=1e-12)


def test_regression_cost_is_mean_squared_error_and_its_gradient() -> None:
    net, X, Y = random_problem((), "tanh", "regression")
    pred = net.predict_proba(X)
    np.testing.assert_allclose(pred, net.weights[0] @ X + net.biases[0], rtol=1e-13)
    assert net.cost(X, Y) == pytest.approx(float(np.mean((pred - Y) ** 2)), rel=1e-13)
    _, (dW, db) = loss_and_gradients(net, X, Y)
    m = X.shape[1]
    np.testing.assert_allclose(dW, 2 / m * (pred - Y) @ X.T, rtol=1e-12)
    np.testing.assert_allclose(db, [[2 / m * float(np.sum(pred - Y))]], rtol=1e-12)


def test_log_loss_from_huge_logits_stays_finite_and_exact() -> None:
    # Weights so large that sigmoid rounds to exactly 0 or 1: log(A) would be -inf.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 40))
    Y = (X[0:1] > 0).astype(np.float64)
    Y[0, :3] = 1 - Y[0, :3]  # three points on the wrong side, with huge losses
    net = Network(2, (), init="zeros")
    net.set_params([np.array([[1e4, 0.0]]), np.zeros((1, 1))])
    z = net.logits(X)
    expected = float(np.mean(np.maximum(z, 0) - z * Y + np.log1p(np.exp(-np.abs(z)))))
    assert np.isfinite(expected) and expected > 100
    assert net.cost(X, Y) == pytest.approx(expected, rel=1e-12)
    cost, grads = loss_and_gradients(net, X, Y)
    assert cost == pytest.approx(expected, rel=1e-12)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_float32_gradients_are_close_to_float64() -> None:
    net, X, Y = random_problem((4, 3), "tanh", "classification", seed=2)
    _, g64 = loss_and_gradients(net, X, Y, 0.01, 0.01)
    cfg = TrainConfig(optimizer="gd", dtype="float32", l1=0.01, l2=0.01)
    stepper = make_stepper(net, X, Y, cfg)
    _, g32 = stepper.cost_and_gradients()
    for a, b in zip(g32, g64, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_one_gd_step_moves_by_minus_lr_times_the_checked_gradient() -> None:
    net, X, Y = random_problem((4,), "sigmoid", "regression", seed=4)
    before = net.get_params()
    _, grads = loss_and_gradients(net, X, Y, 0.02, 0.03)
    stepper = make_stepper(net, X, Y, TrainConfig(lr=0.25, optimizer="gd", l1=0.02, l2=0.03))
    costs = np.empty(1)
    assert stepper.run(costs, 1) == 1
    stepper.sync()
    for p0, g, p1 in zip(before, grads, net.get_params(), strict=True):
        np.testing.assert_allclose(p1, p0 - 0.25 * g, rtol=1e-12, atol=1e-15)
