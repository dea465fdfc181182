"""The network engine: model API, initialisation, optimizers, the stepper, and the trainer glue."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.model.init import init_params, symmetric_init_warning
from neuron_core.model.network import Network
from neuron_core.model.neuron import SingleNeuron
from neuron_core.training.fast_neuron import NeuronStepper
from neuron_core.training.loop_gradients import loss_and_gradients
from neuron_core.training.network_stepper import NetworkStepper
from neuron_core.training.optim import Adam, GradientDescent, Momentum, make_optimizer
from neuron_core.training.stepper import keeps_stepper, make_stepper
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]


@pytest.fixture(scope="module")
def line() -> Dataset:
    return load(DataConfig(name="line", samples=1000, test_samples=500))


@pytest.fixture(scope="module")
def circle() -> Dataset:
    return load(DataConfig(name="circle", samples=300, test_samples=200, noise=0.05))


def small_data(m: int = 10, seed: int = 0) -> tuple[F64, F64]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    return X, (X[0:1] + X[1:2] > 0).astype(np.float64)


# -- model API ------------------------------------------------------------------------------------


def test_parameter_order_and_shapes() -> None:
    net = Network(5, (4, 3), init="he", init_seed=1)
    assert net.sizes == (5, 4, 3, 1)
    shapes = [p.shape for p in net.get_params()]
    assert shapes == [(4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1)]
    assert all(p.dtype == np.float64 for p in net.get_params())


def test_get_params_copies_and_set_params_round_trips() -> None:
    net = Network(2, (3,), init="xavier", init_seed=2)
    params = net.get_params()
    params[0][0, 0] = 123.0
    assert net.get_params()[0][0, 0] != 123.0
    net.set_params(params)
    assert net.get_params()[0][0, 0] == 123.0
    params[0][0, 0] = -1.0  # set_params copied too
    assert net.get_params()[0][0, 0] == 123.0


def test_set_params_rejects_wrong_count_and_shapes() -> None:
    net = Network(2, (3,))
    params = net.get_params()
    with pytest.raises(ValueError, match="expected 4"):
        net.set_params(params[:2])
    with pytest.raises(ValueError, match="shape"):
        net.set_params([params[0].T, *params[1:]])


def test_no_hidden_layer_is_the_articles_neuron() -> None:
    # W1 (1, n) is the neuron's w^T; the predictions are the reference neuron's.
    net = Network(3, (), init="uniform", init_seed=4)
    neuron = SingleNeuron(3)
    W, b = net.get_params()
    neuron.w, neuron.b = W.T.copy(), float(b[0, 0])
    X, _ = small_data()
    X = np.vstack([X, X[:1] * X[1:]])
    np.testing.assert_allclose(neuron.predict_proba(X), net.predict_proba(X), rtol=1e-14)
    np.testing.assert_array_equal(neuron.predict(X), net.predict(X))
    with pytest.raises(ValueError, match="shape"):
        net.set_params([np.zeros((3, 1)), np.zeros((1, 1))])  # only one layout


def test_predictions_and_layer_outputs() -> None:
    net = Network(2, (4, 3), activation="tanh", init="xavier", init_seed=3)
    X, _ = small_data(50)
    outs = net.layer_outputs(X)
    assert [o.shape for o in outs] == [(4, 50), (3, 50), (1, 50)]
    assert all(np.all(np.abs(o) <= 1.0) for o in outs[:2])  # tanh range
    np.testing.assert_array_equal(outs[-1], net.predict_proba(X))
    # The first layer's output is exactly the hidden units' own activation of the inputs.
    np.testing.assert_allclose(outs[0], np.tanh(net.weights[0] @ X + net.biases[0]))
    proba = net.predict_proba(X)
    assert np.all((proba > 0) & (proba < 1))
    np.testing.assert_array_equal(net.predict(X), (proba > 0.5).astype(np.float64))
    reg = Network(2, (4,), problem="regression", init="xavier")
    np.testing.assert_array_equal(reg.predict(X), reg.predict_proba(X))
    np.testing.assert_array_equal(reg.layer_outputs(X)[-1], reg.predict(X))
    assert reg.problem == "regression" and net.problem == "classification"


def test_blocked_evaluation_equals_one_block() -> None:
    # logits() runs in column blocks; a large X must give the same numbers as small pieces.
    net = Network(2, (3,), init="xavier")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 10_000))
    Y = (rng.uniform(size=(1, 10_000)) > 0.5).astype(np.float64)
    whole = net.predict_proba(X)
    np.testing.assert_allclose(whole[:, 5000:5010], net.predict_proba(X[:, 5000:5010]))
    per_piece = [net.cost(X[:, i : i + 1000], Y[:, i : i + 1000]) for i in range(0, 10_000, 1000)]
    assert net.cost(X, Y) == pytest.approx(np.mean(per_piece), rel=1e-12)


def test_zero_init_first_cost_is_ln2_with_any_depth() -> None:
    X, Y = small_data(20)
    for hidden in [(), (3,), (8, 8, 8)]:
        net = Network(2, hidden, init="zeros")
        assert net.cost(X, Y) == pytest.approx(math.log(2), abs=1e-15)


def test_unknown_problem_is_rejected() -> None:
    with pytest.raises(ValueError):
        Network(2, (), problem="ranking")


# -- initialisation --------------------------------------------------------------------------------


def test_same_seed_same_weights_other_seed_other_weights() -> None:
    for scheme in ["uniform", "xavier", "he"]:
        a = init_params((2, 4, 3, 1), scheme, 7)
        b = init_params((2, 4, 3, 1), scheme, 7)
        c = init_params((2, 4, 3, 1), scheme, 8)
        assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
        assert not np.array_equal(a[0], c[0])
        assert all(not np.any(p) for p in a[1::2])  # biases start at 0


def test_each_layer_has_its_own_stream() -> None:
    a = init_params((2, 4, 3, 1), "xavier", 0)
    b = init_params((2, 4, 5, 1), "xavier", 0)
    np.testing.assert_array_equal(a[0], b[0])  # resizing layer 2 keeps layer 1's weights


def test_init_scales() -> None:
    zeros = init_params((2, 8, 1), "zeros", 0)
    assert all(not np.any(p) for p in zeros)
    big = (400, 300, 1)
    uni = init_params(big, "uniform", 0)[0]
    assert np.abs(uni).max() <= 0.5 and np.abs(uni).max() > 0.49
    xav = init_params(big, "xavier", 0)[0]
    r = math.sqrt(6 / 700)
    assert np.abs(xav).max() <= r and np.abs(xav).max() > 0.99 * r
    he = init_params(big, "he", 0)[0]
    assert float(he.std()) == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert abs(float(he.mean())) < 0.003
    with pytest.raises(ValueError):
        init_params(big, "ones", 0)


def test_symmetric_init_warning() -> None:
    msg = symmetric_init_warning(ModelConfig(hidden=(4,), init="zeros"))
    assert msg is not None and "identical" in msg and "xavier" in msg
    assert symmetric_init_warning(ModelConfig(hidden=(), init="zeros")) is None
    assert symmetric_init_warning(ModelConfig(hidden=(4,), init="he")) is None


# -- optimizers ------------------------------------------------------------------------------------


def test_gradient_descent_step() -> None:
    p = [np.array([1.0, -2.0]), np.array([[3.0]])]
    g = [np.array([0.5, 0.5]), np.array([[-1.0]])]
    opt = GradientDescent(p, lr=0.1)
    opt.step(p, g)
    np.testing.assert_allclose(p[0], [0.95, -2.05])
    np.testing.assert_allclose(p[1], [[3.1]])
    np.testing.assert_array_equal(g[0], [0.5, 0.5])  # gradients untouched
    opt.lr = 1.0
    opt.step(p, g)
    np.testing.assert_allclose(p[0], [0.45, -2.55])


def test_momentum_accumulates() -> None:
    p = [np.array([0.0])]
    opt = Momentum(p, lr=0.1)
    for _ in range(3):
        opt.step(p, [np.array([1.0])])
    # v = 1, 1.9, 2.71; p = -0.1 (1 + 1.9 + 2.71)
    np.testing.assert_allclose(p[0], [-0.561])


def test_adam_matches_the_textbook_formula() -> None:
    rng = np.random.default_rng(0)
    p = [rng.normal(size=(3, 2))]
    ref = p[0].copy()
    m = np.zeros_like(ref)
    v = np.zeros_like(ref)
    opt = Adam(p, lr=0.01)
    for t in range(1, 30):
        g = rng.normal(size=(3, 2)) * 10.0 ** rng.integers(-3, 3)
        opt.step(p, [g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mhat, vhat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        ref = ref - 0.01 * mhat / (np.sqrt(vhat) + 1e-8)
        np.testing.assert_allclose(p[0], ref, rtol=1e-12, atol=1e-14)


def test_adam_first_step_is_lr_whatever_the_gradient_scale() -> None:
    p = [np.zeros(3)]
    Adam(p, lr=0.05).step(p, [np.array([1e-4, -3.0, 2e3])])
    np.testing.assert_allclose(p[0], [-0.05, 0.05, -0.05], rtol=1e-3)


def test_make_optimizer() -> None:
    p = [np.zeros(2)]
    assert isinstance(make_optimizer("gd", p, 0.1), GradientDescent)
    assert isinstance(make_optimizer("momentum", p, 0.1), Momentum)
    assert isinstance(make_optimizer("adam", p, 0.1), Adam)
    with pytest.raises(ValueError):
        make_optimizer("sgd2", p, 0.1)


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optimizer_state_round_trip(name: str, dtype: type[np.floating]) -> None:
    rng = np.random.default_rng(1)
    grads = [[rng.normal(size=s).astype(dtype) for s in ((3, 2), (2,))] for _ in range(10)]
    p = [rng.normal(size=(3, 2)).astype(dtype), rng.normal(size=2).astype(dtype)]
    opt = make_optimizer(name, p, 0.05)
    for g in grads[:5]:
        opt.step(p, g)
    state = opt.state()
    assert state["t"].tolist() == [5]
    assert all(a.dtype == np.float64 and a.ndim == 1 for k, a in state.items() if k != "t")
    q = [a.copy() for a in p]
    other = make_optimizer(name, q, 0.05)
    other.set_state(state)
    for g in grads[5:]:
        opt.step(p, g)
        other.step(q, g)
    assert [a.tobytes() for a in p] == [a.tobytes() for a in q]


def test_optimizer_set_state_rejects_what_does_not_fit() -> None:
    p = [np.zeros(4)]
    opt = Adam(p, lr=0.1)
    opt.step(p, [np.ones(4)])
    good = opt.state()
    bad = [
        ({k: v for k, v in good.items() if k != "v_0"}, "optimizer state has entries"),
        ({**good, "velocity_0": np.zeros(4)}, "optimizer state has entries"),
        ({**good, "m_0": np.zeros(3)}, "'m_0' must be 4 floats"),
        ({**good, "m_0": np.zeros(4, dtype=np.int64)}, "'m_0' must be 4 floats"),
        ({**good, "t": np.array([-2])}, "'t' must be one non-negative"),
        ({**good, "t": np.array([1.0])}, "'t' must be one non-negative"),
    ]
    fresh = Adam([np.zeros(4)], lr=0.1)
    for state, message in bad:
        with pytest.raises(ValueError, match=message):
            fresh.set_state(state)
        assert fresh.t == 0 and not np.any(fresh.m[0])  # nothing changed
    with pytest.raises(ValueError, match="optimizer state has entries"):
        GradientDescent([np.zeros(4)], lr=0.1).set_state(good)


# -- the stepper -----------------------------------------------------------------------------------


def test_no_hidden_layer_zero_init_gd_matches_the_neuron_stepper(line: Dataset) -> None:
    # The article's run: the fast path's costs are the general path's to 1e-12 (float64).
    cfg = TrainConfig(lr=0.1)
    fast_net = Network(2, (), init="zeros")
    fast = make_stepper(fast_net, line.X_train, line.Y_train, cfg)
    assert isinstance(fast, NeuronStepper)
    expected = np.empty(2000)
    assert fast.run(expected, 2000) == 2000
    net = Network(2, (), init="zeros")
    got = np.empty(2000)
    assert NetworkStepper(net, line.X_train, line.Y_train, cfg).run(got, 2000) == 2000
    assert got[0] == pytest.approx(math.log(2), abs=1e-15)
    assert expected[0] == math.log(2)
    assert np.abs(got - expected).max() < 1e-12


@pytest.mark.parametrize("init", ["zeros", "xavier", "uniform"])
def test_the_fast_path_fits_any_init_and_writes_the_networks_layout(
    line: Dataset, init: str
) -> None:
    cfg = TrainConfig(lr=0.1)
    runs = []
    for kind in (NeuronStepper, NetworkStepper):
        net = Network(2, (), init=init, init_seed=3)
        stepper = kind(net, line.X_train, line.Y_train, cfg)
        costs = np.empty(300)
        assert stepper.run(costs, 300) == 300
        stepper.sync()
        runs.append((costs, net.get_params()))
    (fast, (W, b)), (general, (W_ref, b_ref)) = runs
    np.testing.assert_allclose(fast, general, rtol=0, atol=1e-12)
    assert W.shape == (1, 2) and b.shape == (1, 1)
    np.testing.assert_allclose(W, W_ref, rtol=1e-10)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10)


def test_make_stepper_picks_the_fast_path_for_the_articles_setting(line: Dataset) -> None:
    fast = Network(2, ())
    assert isinstance(make_stepper(fast, line.X_train, line.Y_train, TrainConfig()), NeuronStepper)
    for net, cfg in [
        (Network(2, (3,)), TrainConfig()),
        (Network(2, (), problem="regression"), TrainConfig()),
        (fast, TrainConfig(optimizer="adam")),
        (fast, TrainConfig(batch_size=50)),
        (fast, TrainConfig(l1=0.1)),
        (fast, TrainConfig(l2=0.1)),
    ]:
        assert isinstance(make_stepper(net, line.X_train, line.Y_train, cfg), NetworkStepper)
    fast_cfg = TrainConfig()
    assert keeps_stepper(fast, fast_cfg, TrainConfig(lr=0.5, iterations=10))
    assert not keeps_stepper(fast, fast_cfg, TrainConfig(l2=0.1))  # moves to the general path
    assert not keeps_stepper(fast, fast_cfg, TrainConfig(dtype="float32"))
    stepper = make_stepper(fast, line.X_train, line.Y_train, fast_cfg)
    with pytest.raises(ValueError, match="new stepper"):
        stepper.set_config(TrainConfig(l2=0.1))


def test_recorded_cost_is_loss_plus_penalty_before_the_update(circle: Dataset) -> None:
    net = Network(2, (4,), init="xavier", init_seed=1)
    cfg = TrainConfig(lr=0.05, optimizer="momentum", l1=0.01, l2=0.02)
    stepper = make_stepper(net, circle.X_train, circle.Y_train, cfg)
    costs = np.empty(1)
    for _ in range(3):
        stepper.sync()
        expected = net.cost(circle.X_train, circle.Y_train) + net.penalty(0.01, 0.02)
        assert stepper.run(costs, 1) == 1
        assert costs[0] == pytest.approx(expected, rel=1e-12)


def test_mini_batches_follow_the_documented_shuffle() -> None:
    X, Y = small_data(10, seed=3)
    net = Network(2, (3,), init="xavier", init_seed=5)
    cfg = TrainConfig(lr=0.3, optimizer="adam", batch_size=4, seed=11, l2=0.01)
    stepper = make_stepper(net, X, Y, cfg)
    rng = np.random.default_rng(11)
    perm1, perm2 = rng.permutation(10), rng.permutation(10)
    # Epoch 1: 4 + 4 + the 2 leftover columns; epoch 2 starts with a fresh permutation.
    batches = [perm1[0:4], perm1[4:8], perm1[8:10], perm2[0:4], perm2[4:8]]
    costs = np.empty(1)
    for idx in batches:
        stepper.sync()
        expected = net.cost(X[:, idx], Y[:, idx]) + net.penalty(0.0, 0.01)
        assert stepper.run(costs, 1) == 1
        assert costs[0] == pytest.approx(expected, rel=1e-12)


def test_batches_are_deterministic_and_seeded(circle: Dataset) -> None:
    def history(batch_size: int | None, seed: int) -> F64:
        net = Network(2, (4, 2), init="he", init_seed=3)
        cfg = TrainConfig(lr=0.01, optimizer="adam", batch_size=batch_size, seed=seed)
        out = np.empty(200)
        assert make_stepper(net, circle.X_train, circle.Y_train, cfg).run(out, 200) == 200
        return out

    assert history(32, 1).tobytes() == history(32, 1).tobytes()
    assert history(32, 1).tobytes() != history(32, 2).tobytes()
    # A batch of the whole set (or more) is full-batch descent, whatever the seed.
    full = history(None, 0)
    assert history(300, 5).tobytes() == full.tobytes()
    assert history(10_000, 9).tobytes() == full.tobytes()
    assert history(1, 0).shape == (200,)  # batch size 1: 200 updates, 200 recorded costs


def test_blocked_batches_equal_one_block() -> None:
    # A batch is processed in column blocks; the gradient must not depend on the block size.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 1000))
    Y = (rng.uniform(size=(1, 1000)) > 0.5).astype(np.float64)
    out = []
    for block in [1000, 128, 77]:
        for bs in [None, 600]:
            net = Network(2, (5, 3), init="xavier", init_seed=2)
            cfg = TrainConfig(lr=0.01, optimizer="adam", batch_size=bs, l1=1e-3)
            costs = np.empty(50)
            NetworkStepper(net, X, Y, cfg, block_cols=block).run(costs, 50)
            out.append(costs)
    for i in (0, 1):
        for other in out[2 + i :: 2]:
            np.testing.assert_allclose(other, out[i], rtol=1e-12)


def test_set_config_changes_rates_at_once(circle: Dataset) -> None:
    net = Network(2, (3,), init="xavier", init_seed=1)
    cfg = TrainConfig(lr=0.1, optimizer="gd")
    stepper = make_stepper(net, circle.X_train, circle.Y_train, cfg)
    costs = np.empty(1)
    stepper.run(costs, 1)
    stepper.set_config(TrainConfig(lr=0.5, optimizer="gd", l2=0.3))
    stepper.sync()
    before = net.get_params()
    cost, grads = loss_and_gradients(net, circle.X_train, circle.Y_train, l2=0.3)
    stepper.run(costs, 1)
    assert costs[0] == pytest.approx(cost, rel=1e-12)  # the new penalty is in the cost
    stepper.sync()
    for p0, g, p1 in zip(before, grads, net.get_params(), strict=True):
        np.testing.assert_allclose(p1, p0 - 0.5 * g, rtol=1e-12, atol=1e-15)


def test_set_config_with_a_new_optimizer_continues_from_current_params(circle: Dataset) -> None:
    net = Network(2, (3,), init="xavier")
    stepper = make_stepper(net, circle.X_train, circle.Y_train, TrainConfig(lr=0.1))
    costs = np.empty(20)
    stepper.run(costs, 20)
    stepper.sync()
    now = net.get_params()
    new = TrainConfig(lr=0.01, optimizer="adam", dtype="float32", batch_size=50, seed=3)
    stepper.set_config(new)
    assert stepper.dtype == np.float32 and stepper.batch == 50
    stepper.sync()
    for a, b in zip(net.get_params(), now, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)  # rounded to float32, not reset
    # Its first cost is that of the first shuffled batch of 50 at those parameters.
    idx = np.random.default_rng(3).permutation(circle.m_train)[:50]
    expected = net.cost(circle.X_train[:, idx], circle.Y_train[:, idx])
    assert stepper.run(costs, 1) == 1
    assert costs[0] == pytest.approx(expected, rel=1e-5)


def test_divergence_keeps_the_last_finite_parameters() -> None:
    data = load(DataConfig(name="reg-line", samples=200, test_samples=50))
    net = Network(1, (), problem="regression", init="uniform")
    stepper = make_stepper(net, data.X_train, data.Y_train, TrainConfig(lr=50.0))
    costs = np.empty(5000)
    done = stepper.run(costs, 5000)
    assert 1 < done < 5000
    assert np.all(np.isfinite(costs[:done]))
    stepper.sync()
    params = net.get_params()
    assert all(np.all(np.isfinite(p)) for p in params)
    # The kept parameters are those whose cost was the last one recorded.
    assert net.cost(data.X_train, data.Y_train) == pytest.approx(costs[done - 1], rel=1e-12)
    # Running on re-records that last cost, then stops at the same diverging update.
    last = costs[done - 1]
    assert stepper.run(costs, 10) == 1
    assert costs[0] == last


def test_float32_training_tracks_float64(circle: Dataset) -> None:
    runs = {}
    for dtype in ("float64", "float32"):
        net = Network(2, (4, 2), init="xavier")
        cfg = TrainConfig(lr=0.03, optimizer="adam", dtype=dtype)
        costs = np.empty(300)
        assert make_stepper(net, circle.X_train, circle.Y_train, cfg).run(costs, 300) == 300
        runs[dtype] = costs
    assert runs["float32"][-1] < 0.5 * runs["float32"][0]
    np.testing.assert_allclose(runs["float32"], runs["float64"], rtol=1e-3, atol=1e-4)


def test_stepper_rejects_mismatched_data() -> None:
    net = Network(2, ())
    X, Y = small_data()
    with pytest.raises(ValueError):
        NetworkStepper(net, X[:1], Y, TrainConfig())
    with pytest.raises(ValueError):
        NetworkStepper(net, X, Y[:, :5], TrainConfig())


# -- the trainer's model and stepper ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_cfg", "train_cfg", "fast"),
    [
        (ModelConfig(), TrainConfig(), True),
        (ModelConfig(hidden=(4,), init="xavier"), TrainConfig(), False),
        (ModelConfig(init="he"), TrainConfig(), True),  # any init: the fast path fits
        (ModelConfig(problem="regression"), TrainConfig(), False),
        (ModelConfig(), TrainConfig(optimizer="adam"), False),
        (ModelConfig(), TrainConfig(optimizer="momentum"), False),
        (ModelConfig(), TrainConfig(batch_size=32), False),
        (ModelConfig(), TrainConfig(l1=0.1), False),
        (ModelConfig(), TrainConfig(l2=0.1), False),
    ],
)
def test_the_trainer_keeps_the_fast_stepper_for_the_article_setting(
    line: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig, fast: bool
) -> None:
    data = line
    if model_cfg.problem == "regression":
        data = load(DataConfig(name="reg-plane", samples=50, test_samples=10))
    trainer = Trainer(data, model_cfg, train_cfg)
    assert isinstance(trainer.stepper, NeuronStepper if fast else NetworkStepper)
    model = trainer.model
    assert isinstance(model, Network) and model.problem == model_cfg.problem
    assert len(model.layer_outputs(np.zeros((2, 3)))) == len(model_cfg.hidden) + 1


def test_trainer_reset_reproduces_initial_weights_and_history(circle: Dataset) -> None:
    model_cfg = ModelConfig(hidden=(4, 2), init="xavier", init_seed=9)
    train_cfg = TrainConfig(lr=0.02, optimizer="adam", batch_size=16, iterations=300, seed=4)
    trainer = Trainer(circle, model_cfg, train_cfg)
    again = Trainer(circle, model_cfg, train_cfg)
    for a, b in zip(trainer.initial_params, again.initial_params, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.run()
    first = trainer.history.train().copy()
    trained = trainer.model.get_params()
    trainer.reset()
    for a, b in zip(trainer.model.get_params(), again.initial_params, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.run()
    assert trainer.history.train().tobytes() == first.tobytes()
    for a, b in zip(trainer.model.get_params(), trained, strict=True):
        np.testing.assert_array_equal(a, b)


def test_trainer_switches_engines_when_the_optimizer_changes(line: Dataset) -> None:
    trainer = Trainer(line, ModelConfig(), TrainConfig(lr=0.1, iterations=100))
    assert isinstance(trainer.stepper, NeuronStepper)
    trainer.run()
    w = trainer.model.get_params()
    trainer.set_train_config(trainer.with_config(optimizer="adam", iterations=200))
    assert isinstance(trainer.stepper, NetworkStepper)
    for a, b in zip(trainer.model.get_params(), w, strict=True):
        assert a.tobytes() == b.tobytes()  # the same parameters, to the bit
    assert trainer.run() == "completed"
    trainer.set_train_config(trainer.with_config(optimizer="gd", iterations=300))
    assert isinstance(trainer.stepper, NeuronStepper)
    assert trainer.run() == "completed"
    costs = trainer.history.train()
    assert costs.shape == (300,) and np.all(np.isfinite(costs))
    assert costs[-1] < costs[99]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_turning_l2_on_and_off_mid_run_continues_from_the_same_parameters(
    line: Dataset, dtype: str
) -> None:
    # The run moves to the general stepper and back; each continues from exactly the
    # parameters the other left, as a stepper built from them does.
    base = TrainConfig(lr=0.1, iterations=300, dtype=dtype)  # type: ignore[arg-type]
    trainer = Trainer(line, ModelConfig(), base)
    trainer.step(100)
    before = trainer.model.get_params()
    trainer.set_train_config(trainer.with_config(l2=0.01))
    assert isinstance(trainer.stepper, NetworkStepper)
    assert [p.tobytes() for p in trainer.model.get_params()] == [p.tobytes() for p in before]
    trainer.step(100)
    middle = trainer.model.get_params()
    trainer.set_train_config(trainer.with_config(l2=0.0))
    assert isinstance(trainer.stepper, NeuronStepper)
    trainer.step(100)
    # The same 100 + 100 iterations from the same parameters, stepper by stepper.
    for params, cfg, costs in (
        (before, replace(base, l2=0.01), trainer.history.train()[100:200]),
        (middle, base, trainer.history.train()[200:300]),
    ):
        net = Network(2, (), init="zeros")
        net.set_params(params)
        again = np.empty(100)
        assert make_stepper(net, line.X_train, line.Y_train, cfg).run(again, 100) == 100
        assert again.tobytes() == costs.tobytes()


def test_trainer_reports_divergence_of_a_network() -> None:
    data = load(DataConfig(name="reg-plane", samples=200, test_samples=50))
    model_cfg = ModelConfig(problem="regression", hidden=(4,), activation="relu", init="he")
    trainer = Trainer(data, model_cfg, TrainConfig(lr=5.0, iterations=1000))
    assert trainer.run() == "diverged"
    assert "learning rate" in trainer.reason
    assert all(np.all(np.isfinite(p)) for p in trainer.snapshot().params)
    assert np.all(np.isfinite(trainer.history.train()))


@pytest.mark.parametrize("split", [0, 3, 4, 5, 6, 13])
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_stepper_state_continues_exactly(split: int, optimizer: str) -> None:
    """A stepper rebuilt from synced parameters and ``state()`` continues exactly, also when
    stopped at an epoch's start or end (batch 7 of 30: epochs of 5 batches, the last of 2)."""
    X, Y = small_data(m=30, seed=4)
    cfg = TrainConfig(lr=0.05, optimizer=optimizer, batch_size=7, seed=9)  # type: ignore[arg-type]
    whole = np.empty(20)
    NetworkStepper(Network(2, (3,), init_seed=5), X, Y, cfg).run(whole, 20)
    first_net = Network(2, (3,), init_seed=5)
    first = NetworkStepper(first_net, X, Y, cfg)
    costs = np.empty(20)
    assert first.run(costs[:split], split) == split
    first.sync()
    state = first.state()
    assert set(state) == {
        "opt_t",
        f"opt_{'m' if optimizer == 'adam' else 'velocity'}_0",
        *(["opt_v_0"] if optimizer == "adam" else []),
        "shuffle_rng",
        "shuffle_pos",
    }
    assert state["shuffle_pos"].tolist() == [30 if split % 5 == 0 else 7 * (split % 5)]
    second_net = Network(2, (3,), init_seed=0)
    second_net.set_params(first_net.get_params())
    second = NetworkStepper(second_net, X, Y, cfg)
    second.set_state(state)
    assert second.run(costs[split:], 20 - split) == 20 - split
    assert costs.tobytes() == whole.tobytes()


def test_stepper_set_state_rejects_another_runs_state() -> None:
    X, Y = small_data(m=30)
    net = Network(2, (3,))
    full = NetworkStepper(net, X, Y, TrainConfig(optimizer="adam"))
    batched = NetworkStepper(net, X, Y, TrainConfig(optimizer="adam", batch_size=7))
    with pytest.raises(ValueError, match=r"needs \['shuffle_pos', 'shuffle_rng'\]"):
        batched.set_state(full.state())
    with pytest.raises(ValueError, match=r"needs \[\]"):
        full.set_state(batched.state())
    other = NetworkStepper(Network(2, (4,)), X, Y, TrainConfig(optimizer="adam"))
    with pytest.raises(ValueError, match="must be 17 floats"):
        other.set_state(full.state())
    full.set_state({})  # an empty state keeps the fresh one
    assert full.state()["opt_t"].tolist() == [0]
    fast = make_stepper(Network(2, ()), X, Y, TrainConfig())
    assert isinstance(fast, NeuronStepper)
    assert fast.state()["opt_t"].tolist() == [0]  # as plain gradient descent keeps it
    fast.run(np.empty(5), 5)
    assert fast.state()["opt_t"].tolist() == [5]
    fast.set_state({})
    with pytest.raises(ValueError, match="optimizer state has entries"):
        fast.set_state(full.state())
    with pytest.raises(ValueError, match="needs \\['opt_t'\\]"):
        fast.set_state(batched.state())
    general = NetworkStepper(Network(2, ()), X, Y, TrainConfig())
    general.run(np.empty(3), 3)
    fast.set_state(general.state())  # the general loop's gradient descent state fits
    assert fast.state()["opt_t"].tolist() == [3]
