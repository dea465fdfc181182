"""Issue 15: the network's full-batch pass with its calls prepared (``FullBatchPass``), the
chunk-level divergence check (``chunk_loop``) and Adam's stacked moments give the same bits as
the general pass, the per-iteration check and the textbook update."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import ACTIVATIONS, TrainConfig
from neuron_core.model.activations import get_activation
from neuron_core.model.heads import head_for
from neuron_core.model.network import Layout, Network
from neuron_core.training.block_pass import BlockPass
from neuron_core.training.full_batch_pass import FullBatchPass
from neuron_core.training.network_stepper import NetworkStepper
from neuron_core.training.optim import Adam

F64 = NDArray[np.float64]


def _data(m: int, regression: bool) -> tuple[F64, F64]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, m))
    Y = X[0:1] * X[1:2] if regression else (X[0:1] * X[1:2] > 0).astype(np.float64)
    return X, Y


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden", [(), (3,), (4, 2)])
# The stepper uses the prepared pass for one activation read from A alone (not SiLU, sine).
@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if not get_activation(a).uses_z])
@pytest.mark.parametrize(
    ("problem", "loss"),
    [("classification", "log"), ("classification", "squared"), ("regression", "log")],
)
def test_full_batch_pass_gives_the_bits_of_the_block_pass(
    dtype: str, hidden: tuple[int, ...], activation: str, problem: str, loss: str
) -> None:
    dt = np.dtype(dtype)
    X64, Y64 = _data(37, problem == "regression")
    X, Y = X64.astype(dt), Y64.astype(dt)
    net = Network(2, hidden, activation=activation, init="xavier", init_seed=2)
    lay = Layout(net.sizes)
    theta = np.concatenate([p.ravel() for p in net.get_params()[0::2]]).astype(dt)
    theta = np.concatenate([theta, *(b.ravel().astype(dt) for b in net.get_params()[1::2])])
    Ws, bs, _ = lay.views(theta)
    act, head, scale = get_activation(activation), head_for(problem, loss), 1.0 / 37
    acts = [act] * len(hidden)
    ref, fast = np.zeros(lay.total, dtype=dt), np.zeros(lay.total, dtype=dt)
    dW, _, db = lay.views(ref)
    total = BlockPass(net.sizes, 37, dt, acts).run(X, Y, Ws, bs, dW, db, acts, head, scale)
    dW, _, db = lay.views(fast)
    fp = FullBatchPass(BlockPass(net.sizes, 37, dt, acts), X, Y, Ws, bs, dW, db, act, head, scale)
    for _ in range(2):  # and again on the buffers of the first run
        fast[:] = np.nan
        assert fp.run() == total
        assert fast.tobytes() == ref.tobytes()
    assert np.all(np.isfinite(ref))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_training_over_several_blocks_keeps_its_bits(dtype: str) -> None:
    # Blocks of 16 columns: 3 full ones and one of 2, each with its prepared pass; the same
    # iterations as one block of 50, to the last bits that a different sum order allows.
    X, Y = _data(50, False)
    cfg = TrainConfig(lr=0.02, optimizer="adam", dtype=dtype)  # type: ignore[arg-type]
    runs = []
    for cols in (16, 16, 50):
        s = NetworkStepper(Network(2, (4, 3), init="xavier", init_seed=1), X, Y, cfg, cols)
        costs = np.empty(40)
        assert s.run(costs, 40) == 40
        runs.append(costs)
    assert runs[0].tobytes() == runs[1].tobytes()
    np.testing.assert_allclose(runs[0], runs[2], rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize(
    ("lr", "optimizer", "hidden", "batch"),
    [(1e307, "gd", (3,), None), (1e308, "momentum", (3,), None), (1e307, "adam", (3, 2), 7)],
)
def test_divergence_stops_at_the_same_iteration_however_the_run_is_cut(
    lr: float, optimizer: str, hidden: tuple[int, ...], batch: int | None
) -> None:
    # Parameters that overflow are found at the end of a chunk; the chunk is replayed with a
    # check at every iteration, so every cut gives the iteration count, the costs and the
    # parameters of running one iteration per call.
    X, Y = _data(40, False)
    cfg = TrainConfig(lr=lr, optimizer=optimizer, batch_size=batch)  # type: ignore[arg-type]
    results = []
    for cut in (1, 3, 50):
        net = Network(2, hidden, init="xavier", init_seed=1)
        s = NetworkStepper(net, X, Y, cfg)
        costs, done = np.full(50, np.nan), 0
        while done < 50:
            k = min(cut, 50 - done)
            ran = s.run(costs[done : done + k], k)
            done += ran
            if ran < k:
                break
        s.sync()
        results.append((done, costs[:done].tobytes(), [p.tobytes() for p in net.get_params()]))
        assert all(np.all(np.isfinite(p)) for p in net.get_params())
        if batch is None:  # the parameters of the last cost recorded
            assert net.cost(X, Y) == pytest.approx(costs[done - 1], rel=1e-12)
    assert results[0] == results[1] == results[2]
    assert results[0][0] < 50


def test_adam_step_is_the_textbook_update_to_the_bit() -> None:
    rng = np.random.default_rng(5)
    for dt in (np.float64, np.float32):
        p = rng.normal(size=7).astype(dt)
        q, m, v = p.copy(), np.zeros_like(p), np.zeros_like(p)
        opt = Adam([p], lr=0.01)
        for t in range(1, 6):
            g = rng.normal(size=7).astype(dt)
            opt.step([p], [g])
            m = m * dt(0.9) + g * dt(1.0 - 0.9)
            v = v * dt(0.999) + (g * g) * dt(1.0 - 0.999)
            root = math.sqrt(1.0 - 0.999**t)
            lr_t, eps_t = 0.01 * root / (1.0 - 0.9**t), 1e-8 * root
            q = q - (m / (np.sqrt(v) + dt(eps_t))) * dt(lr_t)
            assert p.tobytes() == q.tobytes()
            assert opt.m[0].tobytes() == m.tobytes() and opt.v[0].tobytes() == v.tobytes()
