"""The fast neuron's large-X engine on one thread and on two: the same bits, whatever the CPUs.

The blocked engine (``fast_blocks``) splits the samples at the middle one; with two threads the
second runs the groups of the second half. Every block and group writes its own sums, added in a
fixed order, so the costs and parameters are bit for bit those of one thread, and the machine's
CPU count (which decides how many threads run) never changes a result.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.network import Network
from neuron_core.model.neuron import SingleNeuron
from neuron_core.training import fast_blocks
from neuron_core.training.fast_blocks import Blocked, plan
from neuron_core.training.fast_neuron import NeuronStepper

pytestmark = pytest.mark.filterwarnings("error")

F64 = NDArray[np.float64]
# Small blocks: a few thousand samples make a dozen groups, so both threads get several.
BLOCKS = 2048


def data(m: int = 6001, n: int = 3, seed: int = 4, ones: float = 0.4) -> tuple[F64, F64]:
    """m samples of n features, a noisy linear boundary; about ``ones`` of them in class 1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m)) * 3.0 + 1.0
    score = X[0] - 0.5 * X[-1] + rng.standard_normal(m)
    Y = (score > np.quantile(score, 1.0 - ones)).astype(np.float64)
    return X, Y.reshape(1, -1)


def make(
    d: tuple[F64, F64], dtype: str = "float64", threads: int | None = 2, lr: float = 0.05
) -> NeuronStepper:
    X, Y = d
    cfg = TrainConfig(lr=lr, dtype=dtype)  # type: ignore[arg-type]
    net = Network(X.shape[0], (), init="zeros")
    return NeuronStepper(net, X, Y, cfg, block_bytes=BLOCKS, threads=threads)


def engine(s: NeuronStepper) -> Blocked:
    assert isinstance(s._engine, Blocked)
    return s._engine


def run(s: NeuronStepper, k: int, pieces: tuple[int, ...] = (7, 1, 30)) -> F64:
    costs = np.full(k, np.nan)
    done, i = 0, 0
    while done < k:
        step = min(pieces[i % len(pieces)], k - done)
        assert s.run(costs[done:], step) == step
        done += step
        i += 1
    return costs


def params(s: NeuronStepper) -> tuple[F64, F64]:
    s.sync()
    W, b = s.model.get_params()
    return W, b


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "shape", [(6001, 3, 0.4), (5000, 1, 0.5), (3000, 6, 1.0), (3000, 2, 0.0), (2600, 4, 0.03)]
)
def test_one_and_two_threads_give_the_same_bits(dtype: str, shape: tuple[int, int, float]) -> None:
    # Ragged blocks, one class only (either one), a rare class.
    m, n, ones = shape
    d = data(m, n, ones=ones)
    before = threading.active_count()
    results = []
    for threads in (1, 2):
        s = make(d, dtype, threads)
        assert (engine(s).threaded > 0) == (threads == 2)
        costs = run(s, 60)
        results.append((costs, *params(s)))
    costs, W, b = results[1]
    assert np.array_equal(costs, results[0][0])
    assert np.array_equal(W, results[0][1]) and np.array_equal(b, results[0][2])
    assert np.all(np.isfinite(results[0][0]))
    assert threading.active_count() == before  # the second thread ends with each run


def test_the_cost_and_gradient_match_the_reference_neuron() -> None:
    # The blocked engine on two threads against the plain formulas of SingleNeuron.
    X, Y = data(4000, 3)
    ref = SingleNeuron(3)
    s = make((X, Y))
    costs = run(s, 25)
    for c in costs:
        assert c == pytest.approx(ref.cost(X, Y), rel=1e-12, abs=1e-14)
        ref.step(X, Y, 0.05)
    W, b = params(s)
    np.testing.assert_allclose(W.T, ref.w, rtol=1e-10, atol=1e-13)
    assert float(b[0, 0]) == pytest.approx(ref.b, rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_divergence_on_two_threads_keeps_the_last_finite_params(dtype: str) -> None:
    d = data()
    huge = 1e308 if dtype == "float64" else 1e38
    results = []
    for threads in (1, 2):
        s = make(d, dtype, threads)
        run(s, 10)
        s.set_config(TrainConfig(lr=huge, dtype=dtype))  # type: ignore[arg-type]
        costs = np.full(20, np.nan)
        done = s.run(costs, 20)
        assert 1 <= done < 20
        results.append((done, costs[:done].copy(), *params(s)))
    (d1, c1, w1, b1), (d2, c2, w2, b2) = results
    assert d1 == d2 and np.array_equal(c1, c2)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    assert np.all(np.isfinite(w1)) and np.all(np.isfinite(b1))


def test_the_cpu_count_decides_the_threads_never_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two threads from THREADS_MIN_BYTES of data when two CPUs are usable, one otherwise.
    X, Y = data(60_000, 3)  # (3 + 1) x 60,000 float64 = 1.9 MB
    monkeypatch.setattr(fast_blocks, "THREADS_MIN_BYTES", 1 << 20)
    results = []
    for cpus, small, threaded in ((2, False, True), (1, False, False), (2, True, False)):
        monkeypatch.setattr(fast_blocks, "_usable_cpus", lambda cpus=cpus: cpus)
        d = (X[:, :20_000], Y[:, :20_000]) if small else (X, Y)
        s = make(d, threads=None)
        assert (engine(s).threaded > 0) is threaded
        if not small:
            results.append((run(s, 20), *params(s)))
    assert all(np.array_equal(a, b) for a, b in zip(results[0], results[1], strict=True))


@pytest.mark.parametrize(
    ("m1", "m0"), [(192_000, 208_000), (0, 5000), (5000, 0), (3, 400_001), (1, 1), (7, 2)]
)
def test_the_two_threads_get_half_of_the_samples_each(m1: int, m0: int) -> None:
    # Groups follow whole blocks of one class; no group crosses the middle sample, so the two
    # threads get equal shares whatever the class balance (a split by group count once gave
    # one side 8 of 9 blocks).
    groups, second = plan(m1, m0, (768 << 10) // 16)
    assert sum(sum(widths) for widths, _ in groups[:second]) == (m1 + m0) // 2
    assert sum(sum(widths) for widths, _ in groups) == m1 + m0
    seen = 0
    for widths, sign in groups:  # each group holds one class: class 1 first
        assert sign == (1 if seen < m1 else -1)
        assert seen >= m1 or seen + sum(widths) <= m1
        seen += sum(widths)
