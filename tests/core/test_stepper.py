"""NeuronStepper, the fast single-neuron gradient descent: same numbers as the article's loop.

The stepper trains a ``Network`` without hidden layers (``[W1 (1, n), b1 (1, 1)]``); ``params``
below reads them back in the article's layout ``(w (n, 1), b)``. Every test here runs with
warnings as errors: the stepper must never emit a RuntimeWarning, even on data that overflows.
"""

from __future__ import annotations

import itertools
import math
import threading

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.data.datasets import generate
from neuron_core.model.network import Network
from neuron_core.training.fast_neuron import NeuronStepper

pytestmark = pytest.mark.filterwarnings("error")

F64 = NDArray[np.float64]
DTYPES = ("float64", "float32")
# block_bytes that force the blocked engine (many column blocks) on the data below.
SMALL_BLOCKS = 4096


# --- the reference article's code, verbatim but for its `forwardpropagation` typo, its print and
# --- a learning rate that may change between iterations (for the set_lr test)
def sigmoid(z):  # type: ignore[no-untyped-def]
    return 1 / (1 + np.exp(-z))


def forward_propagation(w, b, x):  # type: ignore[no-untyped-def]
    z = np.dot(w.T, x) + b  # np.dot(..., ...) — matrix multiplication
    return sigmoid(z)


def loss(A, Y):  # type: ignore[no-untyped-def]
    return -(Y * np.log(A) + (1 - Y) * np.log(1 - A))


def cost(A, Y, m):  # type: ignore[no-untyped-def]
    return 1 / m * np.sum(loss(A, Y))


def backpropagation(w, b, X, A, Y, learning_rate, m):  # type: ignore[no-untyped-def]
    dZ = A - Y
    db = 1 / m * np.sum(dZ)
    dw = 1 / m * np.dot(X, dZ.T)
    assert dw.shape == w.shape
    w = w - learning_rate * dw
    b = b - learning_rate * db
    return w, b


def article(X: F64, Y: F64, lrs: list[float]) -> tuple[F64, float, F64]:
    """The article's loop, one iteration per entry of ``lrs``: ``(w, b, costs)``."""
    m, n = X.shape[1], X.shape[0]
    w = np.zeros((n, 1))
    b = 0.0
    costs = []
    for lr in lrs:
        A = forward_propagation(w, b, X)
        costs.append(cost(A, Y, m))
        w, b = backpropagation(w, b, X, A, Y, lr, m)
    return w, float(b), np.array(costs)


# --- data and helpers
@pytest.fixture(scope="module")
def line() -> tuple[F64, F64]:
    """The article's data: 2000 points, class 1 above y = 1.23 x + 3.23."""
    return generate("line", 2000, 0.0, np.random.default_rng(7))


@pytest.fixture(scope="module")
def wide() -> tuple[F64, F64]:
    """Five standardised features, 3000 samples, a noisy linear boundary."""
    rng = np.random.default_rng(11)
    X = rng.standard_normal((5, 3000))
    Y = (X[0] - 0.7 * X[3] + 0.4 * rng.standard_normal(3000) > 0).astype(np.float64)
    return X, Y.reshape(1, -1)


def cfg(lr: float, dtype: str = "float64") -> TrainConfig:
    return TrainConfig(lr=lr, dtype=dtype)  # type: ignore[arg-type]


def stepper(
    data: tuple[F64, F64], dtype: str, lr: float = 0.1, block_bytes: int | None = None, **kw: int
) -> NeuronStepper:
    """A stepper from zero init (the article's start) on ``data``."""
    X, Y = data
    net = Network(X.shape[0], (), init="zeros")
    if block_bytes is None:
        return NeuronStepper(net, X, Y, cfg(lr, dtype), **kw)
    return NeuronStepper(net, X, Y, cfg(lr, dtype), block_bytes=block_bytes, **kw)


def params(s: NeuronStepper) -> tuple[F64, float]:
    """The stepper's current parameters in the article's layout: ``(w (n, 1), b)``."""
    s.sync()
    W, b = s.model.get_params()
    return W.T, float(b[0, 0])


def set_lr(s: NeuronStepper, lr: float) -> None:
    s.set_config(cfg(lr, s.cfg.dtype))


def run(s: NeuronStepper, k: int, pieces: tuple[int, ...] = ()) -> tuple[F64, int]:
    """Run ``k`` iterations (in calls of the sizes in ``pieces``, cycled); costs and count."""
    costs = np.full(k, np.nan)
    done = 0
    sizes = itertools.cycle(pieces or (k,))
    while done < k:
        step = min(next(sizes), k - done)
        got = s.run(costs[done:], step)
        done += got
        if got < step:
            break
    return costs, done


ENGINES = [pytest.param(None, id="chunked"), pytest.param(SMALL_BLOCKS, id="blocked")]


# --- the article's numbers
@pytest.mark.parametrize("block_bytes", ENGINES)
def test_float64_costs_and_params_match_the_article(
    line: tuple[F64, F64], block_bytes: int | None
) -> None:
    w_ref, b_ref, costs_ref = article(*line, [0.1] * 300)
    s = stepper(line, "float64", 0.1, block_bytes)
    costs, done = run(s, 300)
    assert done == 300
    np.testing.assert_allclose(costs, costs_ref, rtol=0, atol=1e-12)
    w, b = params(s)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-10)
    assert b == pytest.approx(b_ref, abs=1e-10)


@pytest.mark.parametrize("block_bytes", ENGINES)
def test_float32_costs_match_the_article(line: tuple[F64, F64], block_bytes: int | None) -> None:
    w_ref, b_ref, costs_ref = article(*line, [0.1] * 300)
    s = stepper(line, "float32", 0.1, block_bytes)
    costs, _ = run(s, 300)
    np.testing.assert_allclose(costs, costs_ref, rtol=0, atol=1e-5)
    w, b = params(s)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-4)
    assert b == pytest.approx(b_ref, abs=1e-4)


@pytest.mark.parametrize("block_bytes", ENGINES)
def test_more_features_match_the_article(wide: tuple[F64, F64], block_bytes: int | None) -> None:
    w_ref, b_ref, costs_ref = article(*wide, [0.5] * 200)
    s = stepper(wide, "float64", 0.5, block_bytes)
    costs, _ = run(s, 200)
    np.testing.assert_allclose(costs, costs_ref, rtol=0, atol=1e-12)
    w, b = params(s)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-10)
    assert b == pytest.approx(b_ref, abs=1e-10)


@pytest.mark.parametrize("block_bytes", ENGINES)
def test_set_lr_between_runs_matches_the_article(
    line: tuple[F64, F64], block_bytes: int | None
) -> None:
    _, _, costs_ref = article(*line, [0.1] * 60 + [0.5] * 60)
    s = stepper(line, "float64", 0.1, block_bytes)
    first, _ = run(s, 60)
    set_lr(s, 0.5)
    second, _ = run(s, 60)
    np.testing.assert_allclose(np.concatenate([first, second]), costs_ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("block_bytes", ENGINES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_first_cost_is_ln2(line: tuple[F64, F64], dtype: str, block_bytes: int | None) -> None:
    costs, _ = run(stepper(line, dtype, 0.1, block_bytes), 1)
    assert abs(costs[0] - math.log(2.0)) < 1e-12


# --- the two engines and the threads agree
def test_blocked_engine_equals_single_block(line: tuple[F64, F64]) -> None:
    single, _ = run(stepper(line, "float64"), 300)
    for threads in (1, 2):
        s = stepper(line, "float64", 0.1, SMALL_BLOCKS, threads=threads)
        blocked, _ = run(s, 300)
        np.testing.assert_allclose(blocked, single, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_two_threads_give_the_same_bits_as_one(wide: tuple[F64, F64], dtype: str) -> None:
    before = threading.active_count()
    results = []
    for threads in (1, 2):
        s = stepper(wide, dtype, 0.5, 2048, threads=threads)
        costs, _ = run(s, 50, pieces=(7, 20))
        results.append((costs, *params(s)))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])
    assert results[0][2] == results[1][2]
    assert threading.active_count() == before  # the helper thread ended with its run


# --- determinism
@pytest.mark.parametrize("block_bytes", ENGINES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_results_are_bit_identical_however_the_run_is_split(
    line: tuple[F64, F64], dtype: str, block_bytes: int | None
) -> None:
    a, _ = run(stepper(line, dtype, 0.1, block_bytes), 300)
    b, _ = run(stepper(line, dtype, 0.1, block_bytes), 300)
    s = stepper(line, dtype, 0.1, block_bytes)
    c, _ = run(s, 300, pieces=(1, 3, 10, 33, 7))
    assert np.array_equal(a, b)
    assert np.array_equal(a, c)
    ref = stepper(line, dtype, 0.1, block_bytes)
    run(ref, 300)
    assert np.array_equal(params(s)[0], params(ref)[0])
    assert params(s)[1] == params(ref)[1]


# --- divergence and extreme inputs
HUGE = {"float64": 1e300, "float32": 1e30}


@pytest.mark.parametrize("block_bytes", ENGINES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_divergence_at_the_first_step_keeps_the_initial_params(
    dtype: str, block_bytes: int | None
) -> None:
    X, Y = generate("line", 2000, 0.0, np.random.default_rng(3))
    s = stepper((X * HUGE[dtype], Y), dtype, HUGE[dtype], block_bytes)
    costs, done = run(s, 50, pieces=(4,))
    assert done == 1  # the cost at zero init is ln 2; the first step overflows
    assert costs[0] == pytest.approx(math.log(2.0), abs=1e-12)
    w, b = params(s)
    assert np.array_equal(w, np.zeros((2, 1))) and b == 0.0


@pytest.mark.parametrize("pieces", [(1,), (4,)])
@pytest.mark.parametrize("block_bytes", ENGINES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_divergence_keeps_the_last_params_with_a_finite_cost(
    line: tuple[F64, F64], dtype: str, block_bytes: int | None, pieces: tuple[int, ...]
) -> None:
    huge_lr = 1e308 if dtype == "float64" else 1e38  # a step or three overflow the dtype
    s = stepper(line, dtype, 0.1, block_bytes)
    run(s, 23, pieces=(5,))
    set_lr(s, huge_lr)
    costs, done = run(s, 30, pieces)
    assert 1 <= done < 30
    assert np.all(np.isfinite(costs[:done]))
    w, b = params(s)
    assert np.all(np.isfinite(w)) and math.isfinite(b)
    # They are the parameters after 23 + done - 1 steps, the ones that gave the last cost.
    ref = stepper(line, dtype, 0.1, block_bytes)
    run(ref, 23)
    set_lr(ref, huge_lr)
    run(ref, done - 1)
    w_ref, b_ref = params(ref)
    assert np.array_equal(w, w_ref) and b == b_ref
    last, _ = run(ref, 1)
    assert last[0] == costs[done - 1]


@pytest.mark.parametrize("block_bytes", ENGINES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_no_warnings_at_large_coordinates_and_learning_rate(
    dtype: str, block_bytes: int | None
) -> None:
    rng = np.random.default_rng(5)
    X = rng.uniform(-1000.0, 1000.0, (2, 2000))
    Y = (X[1] > 1.23 * X[0] + 3.23).astype(np.float64).reshape(1, -1)
    s = stepper((X, Y), dtype, 1e6, block_bytes)
    costs, done = run(s, 300, pieces=(50,))
    assert np.all(np.isfinite(costs[:done]))
    w, b = params(s)
    assert np.all(np.isfinite(w)) and math.isfinite(b)


def test_zero_iterations_do_nothing(line: tuple[F64, F64]) -> None:
    s = stepper(line, "float64")
    assert s.run(np.empty(0), 0) == 0
    assert np.array_equal(params(s)[0], np.zeros((2, 1)))


def test_rejects_labels_that_are_not_0_or_1(line: tuple[F64, F64]) -> None:
    X, Y = line
    with pytest.raises(ValueError, match="0 or 1"):
        NeuronStepper(Network(2, ()), X, Y * 2.0, cfg(0.1))
    with pytest.raises(ValueError, match="labels"):
        NeuronStepper(Network(2, ()), X, Y[:, :10], cfg(0.1))


@pytest.mark.parametrize("m", [7280, 7281, 12_000])
def test_more_samples_than_one_dot_product_match_the_article(m: int) -> None:
    # Around the largest m the chunked engine takes, and one block over several dot products.
    X, Y = generate("line", m, 0.0, np.random.default_rng(9))
    _, _, costs_ref = article(X, Y, [0.1] * 40)
    costs, _ = run(stepper((X, Y), "float64", 0.1, 1 << 30), 40, pieces=(3, 17))
    np.testing.assert_allclose(costs, costs_ref, rtol=0, atol=1e-12)
    again, _ = run(stepper((X, Y), "float64", 0.1, 1 << 30), 40)
    assert np.array_equal(costs, again)


@pytest.mark.parametrize("block_bytes", [None, 32])
@pytest.mark.parametrize("dtype", DTYPES)
def test_overflowing_logits_count_as_divergence(dtype: str, block_bytes: int | None) -> None:
    # Every sample ends up on its correct side with an infinite logit: the loss limit would be
    # 0, but the model overflowed (the article's loop gives NaN), so the run diverges.
    big = HUGE[dtype]
    X = np.array([[big, -big, 2 * big, -2 * big], [1.0, 2.0, 3.0, 4.0]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    s = stepper((X, Y), dtype, 1e6, block_bytes)
    costs, done = run(s, 100)
    assert done == 1 and costs[0] == pytest.approx(math.log(2.0), abs=1e-12)
    w, b = params(s)
    assert np.array_equal(w, np.zeros((2, 1))) and b == 0.0
