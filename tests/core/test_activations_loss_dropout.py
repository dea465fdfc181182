"""The activations beyond the article's (leaky ReLU, ELU, softplus, SiLU, sine; one per layer),
the squared-error classification loss and dropout: values, finite-difference gradients of the
training loop's own code, training results, reproducibility and evaluation without dropout.

Gradients are central differences in float64 against ``loss_and_gradients`` (the training
loop), with the reference ``Network.cost`` as the function, relative error below 1e-6 (as
``test_gradients``). Dropout is checked with fixed masks: the loss with a given mask is a smooth
function of the parameters, differentiated through the training loop with that same mask.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.errors import ConfigError
from neuron_core.model.activations import get_activation
from neuron_core.model.init import layer_inits, resolve_init
from neuron_core.model.network import Network
from neuron_core.training.loop_gradients import loss_and_gradients
from neuron_core.training.network_stepper import NetworkStepper
from neuron_core.training.stepper import make_stepper, state_limits
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
H = 1e-6
TOL = 1e-6
NEW = ["leaky-relu", "elu", "softplus", "silu", "sine"]


def rel(a: FloatArray, b: FloatArray) -> float:
    scale = float(np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.linalg.norm(a - b)) / scale if scale > 0 else 0.0


def problem(
    hidden: tuple[int, ...], activation: str, kind: str = "classification", loss: str = "log"
) -> tuple[Network, F64, F64]:
    """Random weights and biases and a small random data set X (3, 23), Y (1, 23)."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(3, 23))
    labels = (rng.uniform(size=(1, 23)) > 0.5).astype(np.float64)
    Y = labels if kind == "classification" else rng.normal(size=(1, 23))
    net = Network(3, hidden, activation, kind, init="uniform", loss=loss)
    net.set_params([rng.uniform(-1.0, 1.0, p.shape) for p in net.get_params()])
    return net, X, Y


def numeric_gradient(net: Network, cost: Callable[[], float]) -> list[F64]:
    """Central differences of ``cost()`` (a function of the network's parameters)."""
    base = net.get_params()
    out = []
    for i, p in enumerate(base):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            params = [q.copy() for q in base]
            params[i][idx] = p[idx] + H
            net.set_params(params)
            plus = cost()
            params[i][idx] = p[idx] - H
            net.set_params(params)
            g[idx] = (plus - cost()) / (2 * H)
        out.append(g)
    net.set_params(base)
    return out


def check_gradients(net: Network, X: F64, Y: F64) -> None:
    cost, grads = loss_and_gradients(net, X, Y)
    assert cost == pytest.approx(net.cost(X, Y), rel=1e-12)
    numeric = numeric_gradient(net, lambda: net.cost(X, Y))
    for i, (g, n) in enumerate(zip(grads, numeric, strict=True)):
        assert rel(g, n) < TOL, f"parameter {i}"


# -- activations --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NEW)
def test_new_activation_derivative_matches_finite_differences(name: str) -> None:
    act = get_activation(name)
    rng = np.random.default_rng(2)
    z = rng.uniform(-4.0, 4.0, (3, 40))
    z[np.abs(z) < 0.05] = 0.5  # away from the kinks at 0
    da = rng.normal(size=z.shape)
    numeric = da * (act.forward(z + H) - act.forward(z - H)) / (2 * H)
    assert rel(act.backward(act.forward(z), da, z=z), numeric) < TOL


def test_new_activation_values() -> None:
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    s = 1.0 / (1.0 + np.exp(-z))
    expected = {
        "leaky-relu": np.where(z > 0, z, 0.01 * z),
        "elu": np.where(z > 0, z, np.exp(z) - 1.0),
        "softplus": np.log1p(np.exp(z)),
        "silu": z * s,
        "sine": np.sin(z),
    }
    for name, want in expected.items():
        np.testing.assert_allclose(get_activation(name).forward(z), want, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NEW)
def test_new_activations_stay_finite_without_warnings_at_huge_inputs(
    name: str, dtype: type[np.floating]
) -> None:
    act = get_activation(name)
    z = np.array([[-1000.0, -100.0, 0.0, 100.0, 1000.0]], dtype=dtype)
    # Any overflow, division by 0 or invalid operation fails (underflow to 0 is the answer).
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        a = act.forward(z)
        d = act.backward(a, np.ones_like(z), z=z)
    assert a.dtype == dtype and d.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(d).all()
    if name in ("softplus", "elu", "leaky-relu", "silu"):
        assert a[0, -1] == pytest.approx(1000.0)  # the identity for large z
        assert d[0, -1] == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["classification", "regression"])
@pytest.mark.parametrize("activation", [*NEW, "silu,sine", "tanh,elu"])
def test_network_with_new_activations_has_the_finite_difference_gradient(
    activation: str, kind: str
) -> None:
    net, X, Y = problem((4, 3), activation, kind)
    check_gradients(net, X, Y)


def test_one_activation_per_layer() -> None:
    net = Network(2, (4, 3, 2), "tanh, relu ,sine", init="xavier")
    assert [a.name for a in net.activations] == ["tanh", "relu", "sine"]
    # A list of one name repeated is that name: the same weights, the same outputs.
    same, one = Network(2, (4, 2), "relu,relu"), Network(2, (4, 2), "relu")
    for p, q in zip(same.get_params(), one.get_params(), strict=True):
        np.testing.assert_array_equal(p, q)
    X = np.random.default_rng(0).normal(size=(2, 9))
    A = X
    funcs: list[Callable[[F64], F64]] = [np.tanh, relu, np.sin]
    for W, b, f, out in zip(net.weights, net.biases, funcs, net.layer_outputs(X), strict=False):
        A = f(W @ A + b)
        np.testing.assert_allclose(out, A, rtol=1e-14)


def relu(z: F64) -> F64:
    return np.maximum(z, 0.0)


def test_auto_init_is_he_for_the_relu_family_and_xavier_otherwise() -> None:
    for name in ("relu", "leaky-relu", "elu"):
        assert resolve_init("auto", (4, 2), name) == "he"
    for name in ("tanh", "sigmoid", "linear", "softplus", "silu", "sine"):
        assert resolve_init("auto", (4, 2), name) == "xavier"
    assert layer_inits("auto", (4, 2), "elu,tanh") == ("he", "xavier", "xavier")
    assert resolve_init("auto", (4, 2), "tanh,relu") == "xavier,he,he"
    assert resolve_init("auto", (), "elu") == "zeros"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hidden": (4, 2), "activation": "tanh,relu,elu"}, "3 names for 2 hidden layers"),
        ({"hidden": (), "activation": "tanh,relu"}, "2 names for 0 hidden layers"),
        ({"hidden": (4,), "activation": "swish"}, "must be one of tanh"),
        ({"hidden": (4, 2), "activation": "tanh,"}, "got ''"),
        ({"loss": "hinge"}, "must be one of log, squared"),
        ({"hidden": (4,), "activation": "9" * 500}, "got '" + "9" * 23 + "…'$"),
    ],
)
def test_model_config_refuses_bad_activations_and_losses(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        ModelConfig(**values).validate()  # type: ignore[arg-type]
    assert info.value.field in ("activation", "loss")


@pytest.mark.parametrize("activation", NEW)
def test_each_activation_trains_circle_with_four_and_two_hidden_units(activation: str) -> None:
    # 200 + 200 points, Adam at 0.03, 300 iterations: every new activation reaches 98-100% on
    # data seeds 0-5 (sine 95.5% at worst); linear units cannot (about 58%).
    data = load(DataConfig(name="circle", samples=200, test_samples=200, noise=0.05, seed=0))
    model = ModelConfig(hidden=(4, 2), activation=activation)
    trainer = Trainer(data, model, TrainConfig(optimizer="adam", lr=0.03, iterations=300))
    assert trainer.run() == "completed"
    acc = float(np.mean(trainer.model.predict(trainer.X_test) == trainer.data.Y_test))
    assert acc >= 0.90


# -- the squared-error loss ---------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [(), (4, 3)])
def test_squared_loss_is_the_mean_squared_error_of_the_probability_and_its_gradient(
    hidden: tuple[int, ...],
) -> None:
    net, X, Y = problem(hidden, "tanh", loss="squared")
    p = net.predict_proba(X)
    assert net.cost(X, Y) == pytest.approx(float(np.mean((p - Y) ** 2)), rel=1e-12)
    check_gradients(net, X, Y)


def test_squared_loss_uses_the_general_stepper_and_trains() -> None:
    data = load(DataConfig(name="line", samples=200, test_samples=200, seed=0))
    trainer = Trainer(data, ModelConfig(loss="squared"), TrainConfig(iterations=200, lr=1.0))
    assert isinstance(trainer.stepper, NetworkStepper)
    assert trainer.run() == "completed"
    costs = trainer.history.costs[: trainer.history.n]
    assert costs[0] == pytest.approx(0.25)  # zero weights: sigmoid 0.5 for every sample
    assert costs[-1] < 0.05
    # Regression ignores the loss: the same mean squared error either way.
    reg, X, Y = problem((3,), "tanh", "regression", loss="squared")
    assert reg.cost(X, Y) == pytest.approx(float(np.mean((reg.predict(X) - Y) ** 2)))


# -- dropout ------------------------------------------------------------------------------------


class FixedMasks:
    """The same masks at every step: ``masks[l]`` for hidden layer l."""

    def __init__(self, masks: list[F64]) -> None:
        self.masks = masks

    def fill(self, layer: int, mask: FloatArray) -> None:
        mask[...] = self.masks[layer]


def test_network_with_fixed_dropout_masks_has_the_finite_difference_gradient() -> None:
    net, X, Y = problem((4, 3), "tanh")
    rng = np.random.default_rng(3)
    keep = 0.6
    masks = FixedMasks([(rng.uniform(size=(n, 23)) < keep) / keep for n in (4, 3)])
    cost, grads = loss_and_gradients(net, X, Y, masks=masks)
    assert cost != pytest.approx(net.cost(X, Y))  # the masks change the loss
    numeric = numeric_gradient(net, lambda: loss_and_gradients(net, X, Y, masks=masks)[0])
    for i, (g, n) in enumerate(zip(grads, numeric, strict=True)):
        assert rel(g, n) < TOL, f"parameter {i}"
    # Masks of ones are no dropout at all.
    ones = FixedMasks([np.ones((4, 23)), np.ones((3, 23))])
    plain = loss_and_gradients(net, X, Y)
    assert loss_and_gradients(net, X, Y, masks=ones)[0] == pytest.approx(plain[0], rel=1e-15)


def dropout_run(rate: float, iterations: int = 60, seed: int = 0) -> tuple[F64, NetworkStepper]:
    data = load(DataConfig(name="circle", samples=300, test_samples=10, noise=0.05))
    net = Network(2, (6, 4), "relu", init="he")
    cfg = TrainConfig(optimizer="adam", lr=0.03, dropout=rate, seed=seed, batch_size=128)
    stepper = make_stepper(net, data.X_train, data.Y_train, cfg)
    assert isinstance(stepper, NetworkStepper)
    costs = np.zeros(iterations)
    assert stepper.run(costs, iterations) == iterations
    stepper.sync()
    return costs, stepper


def test_dropout_is_seeded_reproducible_and_continues_bit_for_bit() -> None:
    costs, first = dropout_run(0.3)
    again, second = dropout_run(0.3)
    np.testing.assert_array_equal(costs, again)
    for p, q in zip(first.model.get_params(), second.model.get_params(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(costs, dropout_run(0.3, seed=1)[0])  # another seed, other masks
    assert not np.array_equal(costs, dropout_run(0.0)[0])
    # Half the run, saved (parameters + state), continued in a new stepper: the same numbers.
    half, stepper = dropout_run(0.3, iterations=30)
    state = stepper.state()
    assert set(state) <= set(state_limits(len(stepper._theta)))
    assert state["dropout_rng"].shape == (10,)
    data = load(DataConfig(name="circle", samples=300, test_samples=10, noise=0.05))
    rest = make_stepper(stepper.model, data.X_train, data.Y_train, stepper.cfg)
    rest.set_state(state)
    tail = np.zeros(30)
    rest.run(tail, 30)
    np.testing.assert_array_equal(np.concatenate([half, tail]), costs)


def test_dropout_is_off_for_evaluation_test_cost_and_predictions() -> None:
    data = load(DataConfig(name="circle", samples=200, test_samples=100, noise=0.05))
    model = ModelConfig(hidden=(4, 2), activation="tanh", init="xavier")
    runs = {}
    for rate in (0.0, 0.5, 0.9):
        # Zero iterations trained: whatever the rate, the model and what is measured on it
        # (test cost, predictions) are the same; only training steps see the masks.
        trainer = Trainer(data, model, TrainConfig(iterations=1, lr=1e-300, dropout=rate))
        trainer.run()
        runs[rate] = trainer
    base = runs[0.0]
    for rate in (0.5, 0.9):
        t = runs[rate]
        assert t.history.costs[0] != base.history.costs[0]  # training sees the masks
        np.testing.assert_array_equal(t.model.predict_proba(data.X_test),
                                      base.model.predict_proba(data.X_test))  # fmt: skip
        assert t.model.cost(data.X_test, data.Y_test) == base.model.cost(data.X_test, data.Y_test)
    # After real training with dropout, predictions use every unit, unscaled: the plain
    # forward pass of the trained weights, and the same at every call.
    trained = Trainer(data, model, TrainConfig(optimizer="adam", lr=0.03, iterations=200,
                                               dropout=0.2))  # fmt: skip
    trained.run()
    net = trained.model
    A = data.X_test
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        A = np.tanh(W @ A + b)
    z = net.weights[-1] @ A + net.biases[-1]
    np.testing.assert_allclose(net.predict_proba(data.X_test), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_array_equal(net.predict(data.X_test), net.predict(data.X_test))
    assert float(np.mean(net.predict(data.X_test) == data.Y_test)) >= 0.9


@pytest.mark.parametrize(
    ("rate", "message"), [(1.0, "less than 1"), (1.5, "less than 1"), (-0.1, "at least 0")]
)
def test_dropout_rate_is_checked(rate: float, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TrainConfig(dropout=rate).validate()


def test_settings_saved_before_these_options_read_back_as_the_old_behaviour() -> None:
    old_model = {"problem": "classification", "hidden": [4, 2], "activation": "relu"}
    old_train = {"lr": 0.1, "iterations": 10, "optimizer": "adam"}
    model, train = ModelConfig.from_dict(old_model), TrainConfig.from_dict(old_train)
    assert (model.loss, train.dropout) == ("log", 0.0)
    assert ModelConfig.from_dict(model.to_dict()) == model
    per_layer = ModelConfig(hidden=(4, 2), activation="tanh , relu", loss="squared")
    assert per_layer.activation == "tanh,relu"  # one spelling
    assert ModelConfig.from_dict(per_layer.to_dict()) == per_layer
    assert TrainConfig.from_dict(TrainConfig(dropout=0.25).to_dict()).dropout == 0.25
