"""Tests of the dataset generators, the Dataset type and ``datasets.load``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuron_core.config import GENERATORS, REGRESSION_GENERATORS, DataConfig
from neuron_core.data.dataset import Dataset, assemble, balance_warnings
from neuron_core.data.datasets import LINE_INTERCEPT, LINE_SLOPE, NOISE_SCALE, generate, load
from neuron_core.errors import ConfigError

ALL = GENERATORS + REGRESSION_GENERATORS


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ determinism, shapes, types


@pytest.mark.parametrize("name", ALL)
def test_generate_is_deterministic_per_seed(name: str) -> None:
    X1, Y1 = generate(name, 300, 0.2, _rng(7))
    X2, Y2 = generate(name, 300, 0.2, _rng(7))
    X3, _ = generate(name, 300, 0.2, _rng(8))
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("standardize", [False, True])
def test_load_shapes_dtypes_contiguity(name: str, standardize: bool) -> None:
    ds = load(DataConfig(name=name, samples=123, test_samples=45, seed=3, standardize=standardize))
    n = 1 if name == "reg-line" else 2
    assert ds.X_train.shape == (n, 123) and ds.Y_train.shape == (1, 123)
    assert ds.X_test.shape == (n, 45) and ds.Y_test.shape == (1, 45)
    assert (ds.n_features, ds.m_train, ds.m_test) == (n, 123, 45)
    for arr in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test):
        assert arr.dtype == np.float64
        assert arr.flags.c_contiguous
        assert np.isfinite(arr).all()
    assert ds.feature_names == ("x1", "x2")[:n]
    assert ds.csv_sha256 is None
    if name in REGRESSION_GENERATORS:
        assert ds.problem == "regression" and ds.class_names is None
        assert math.isnan(ds.class_balance())
    else:
        assert ds.problem == "classification" and ds.class_names == ("0", "1")
        assert set(np.unique(ds.Y_train)) <= {0.0, 1.0}
    assert (ds.standardization is not None) == standardize


def test_load_is_bit_identical_for_the_same_config() -> None:
    cfg = DataConfig(name="spiral", samples=500, noise=0.1, seed=42)
    a, b = load(cfg), load(cfg)
    for x, y in ((a.X_train, b.X_train), (a.Y_train, b.Y_train), (a.X_test, b.X_test)):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("name", ALL)
def test_test_set_is_fresh_and_independent_of_training_size(name: str) -> None:
    small = load(DataConfig(name=name, samples=100, test_samples=200, seed=5))
    big = load(DataConfig(name=name, samples=400, test_samples=200, seed=5))
    # The test stream does not depend on how many training points were drawn ...
    assert np.array_equal(small.X_test, big.X_test)
    # ... and shares no point with the training set (continuous draws: a repeat means reuse).
    train = {tuple(col) for col in big.X_train.T}
    assert not any(tuple(col) in train for col in big.X_test.T)


# ------------------------------------------------------------------ labels and geometry


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_classes_are_balanced(name: str, noise: float) -> None:
    ds = load(DataConfig(name=name, samples=1000, noise=noise, seed=1))
    assert 0.35 <= ds.class_balance() <= 0.65
    assert ds.warnings == ()


@pytest.mark.parametrize("name", ALL)
def test_noise_moves_points_but_not_labels(name: str) -> None:
    # Jitter is drawn last: the clean pattern and its labels are the same at every noise level.
    X0, Y0 = generate(name, 500, 0.0, _rng(11))
    X1, Y1 = generate(name, 500, 0.3, _rng(11))
    if name in REGRESSION_GENERATORS:
        assert np.array_equal(X0, X1) and not np.array_equal(Y0, Y1)
    else:
        assert np.array_equal(Y0, Y1) and not np.array_equal(X0, X1)


def test_line_is_the_reference_article_data() -> None:
    X, Y = generate("line", 5000, 0.0, _rng(0))
    x, y = X
    assert x.min() >= -10 and x.max() <= 10 and y.min() >= -15 and y.max() <= 20
    assert np.array_equal(Y[0], (y > LINE_SLOPE * x + LINE_INTERCEPT).astype(float))
    ds = load(DataConfig(name="line"))
    assert ds.true_line == (1.23, 3.23)
    assert (ds.m_train, ds.m_test) == (1000, 2000)


def test_line_reproduces_the_reference_accuracy() -> None:
    # The article: a zero-init sigmoid neuron, lr 0.1, 2000 full-batch GD steps, ~99.3% on
    # fresh test points. A few lines of NumPy here, so the data cannot drift unnoticed.
    accuracies = []
    for seed in range(10):
        ds = load(DataConfig(name="line", seed=seed))
        X, Y = ds.X_train, ds.Y_train
        w, b, m = np.zeros((1, 2)), 0.0, X.shape[1]
        for _ in range(2000):
            dZ = 1.0 / (1.0 + np.exp(-(w @ X + b))) - Y
            w -= 0.1 * (dZ @ X.T) / m
            b -= 0.1 * float(dZ.sum()) / m
        predicted = (w @ ds.X_test + b) > 0
        accuracies.append(float(np.mean(predicted == (ds.Y_test == 1.0))))
    assert abs(np.mean(accuracies) - 0.993) < 0.002


def test_gauss_blobs() -> None:
    X, Y = generate("gauss", 4000, 0.0, _rng(0))
    for label, centre in ((0.0, -2.0), (1.0, 2.0)):
        assert np.allclose(X[:, Y[0] == label].mean(axis=1), centre, atol=0.1)


def test_circle_disc_and_ring() -> None:
    X, Y = generate("circle", 2000, 0.0, _rng(0))
    r = np.hypot(X[0], X[1])
    assert r[Y[0] == 1].max() <= 2.5
    assert r[Y[0] == 0].min() >= 3.5 and r[Y[0] == 0].max() <= 5.0


def test_xor_quadrants_with_margin() -> None:
    X, Y = generate("xor", 2000, 0.0, _rng(0))
    assert np.array_equal(Y[0] == 1, X[0] * X[1] > 0)
    assert np.abs(X).min() >= 0.3


def test_spiral_and_moons_stay_in_their_domain() -> None:
    X, _ = generate("spiral", 2000, 0.0, _rng(0))
    assert np.hypot(X[0], X[1]).max() <= 5.0
    X, Y = generate("moons", 2000, 0.0, _rng(0))
    assert np.abs(X[0]).max() <= 4.5 + 1e-9 and np.abs(X[1]).max() <= 2.25 + 1e-9
    # The upper moon (class 0) is on average above the lower one.
    assert X[1, Y[0] == 0].mean() > X[1, Y[0] == 1].mean()


def test_regression_generators() -> None:
    X, Y = generate("reg-line", 100, 0.0, _rng(0))
    assert X.shape == (1, 100)
    assert np.allclose(Y, LINE_SLOPE * X + LINE_INTERCEPT)
    X, Y = generate("reg-plane", 100, 0.0, _rng(0))
    assert np.allclose(Y[0], 0.6 * X[0] - 0.4 * X[1] + 1.0)
    X, Y = generate("reg-bumps", 2000, 0.0, _rng(0))
    assert -1.0 < Y.min() < 0.0 < Y.max() < 1.1
    # Noise is a gaussian on the target, std = NOISE_SCALE * noise * span (24.6 for reg-line).
    _, Y0 = generate("reg-line", 20000, 0.0, _rng(1))
    _, Y1 = generate("reg-line", 20000, 0.1, _rng(1))
    assert abs(np.std(Y1 - Y0) - 2.46 * NOISE_SCALE) < 0.05 * NOISE_SCALE


# ------------------------------------------------------------------ standardization


def test_standardize_uses_training_statistics_and_moves_the_true_line() -> None:
    raw = load(DataConfig(name="line", samples=500, seed=2))
    ds = load(DataConfig(name="line", samples=500, seed=2, standardize=True))
    assert ds.standardization is not None
    mean, std = ds.standardization
    assert mean.shape == (2, 1) and std.shape == (2, 1)
    assert np.allclose(mean[:, 0], raw.X_train.mean(axis=1))
    assert np.allclose(std[:, 0], raw.X_train.std(axis=1))
    assert np.allclose(ds.X_train.mean(axis=1), 0.0) and np.allclose(ds.X_train.std(axis=1), 1.0)
    assert np.allclose(ds.X_test, (raw.X_test - mean) / std)
    # The boundary in the new coordinates still separates the labels.
    assert ds.true_line is not None
    a, b = ds.true_line
    above = ds.X_train[1] > a * ds.X_train[0] + b
    assert np.mean(above == (ds.Y_train[0] == 1.0)) > 0.998


# ------------------------------------------------------------------ warnings and validation


def test_minority_class_warning() -> None:
    Y = np.zeros((1, 1000))
    Y[0, :73] = 1.0
    (warning,) = balance_warnings(Y, ("0", "1"))
    assert warning.startswith("class 1 is only 7.3% of the training set")
    (warning,) = balance_warnings(1.0 - Y, ("no", "yes"))
    assert warning.startswith("class 0 ('no') is only 7.3%")
    Y[0, :100] = 1.0  # exactly 10%: fine
    assert balance_warnings(Y, ("0", "1")) == []


def test_assemble_collects_warnings_and_constant_columns() -> None:
    X = np.vstack([np.arange(20.0), np.full(20, 4.0)])
    Y = np.zeros((1, 20))
    Y[0, 0] = 1.0
    ds = assemble(
        X.copy(),
        Y,
        X.copy(),
        Y.copy(),
        feature_names=("a", "b"),
        problem="classification",
        class_names=("0", "1"),
        standardize=True,
        warnings=["first"],
    )
    assert ds.warnings[0] == "first"
    assert any(w.startswith("class 1 is only 5.0%") for w in ds.warnings)
    assert any("'b' is constant" in w for w in ds.warnings)
    assert ds.standardization is not None
    assert ds.standardization[1][1, 0] == 1.0
    assert np.all(ds.X_train[1] == 0.0) and np.isfinite(ds.X_train).all()


def test_dataset_rejects_inconsistent_shapes() -> None:
    X = np.zeros((2, 5))
    with pytest.raises(ValueError):
        Dataset(
            X,
            np.zeros((1, 4)),
            X,
            np.zeros((1, 5)),
            ("a", "b"),
            "classification",
            ("0", "1"),
            (),
            None,
            None,
            None,
        )


def test_invalid_config_and_arguments_raise_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        load(DataConfig(name="nope"))
    assert info.value.field == "name"
    with pytest.raises(ConfigError):
        load(DataConfig(noise=0.7))
    for args in (("nope", 10, 0.0), ("line", 0, 0.0), ("line", 10, -0.1), ("line", 10, math.nan)):
        with pytest.raises(ConfigError):
            generate(*args, _rng())  # type: ignore[arg-type]


def test_progress_ends_at_one() -> None:
    calls: list[float] = []
    load(DataConfig(samples=100, test_samples=300), progress=calls.append)
    assert calls == [0.25, 1.0]


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ALL),
    m=st.integers(1, 40),
    noise=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**63 - 1),
)
def test_generate_property(name: str, m: int, noise: float, seed: int) -> None:
    X, Y = generate(name, m, noise, _rng(seed))
    assert X.shape == ((1 if name == "reg-line" else 2), m) and Y.shape == (1, m)
    assert X.flags.c_contiguous and Y.flags.c_contiguous
    assert np.isfinite(X).all() and np.isfinite(Y).all()
    if name in GENERATORS:
        assert set(np.unique(Y)) <= {0.0, 1.0}
        if name != "line" and m >= 2:
            assert np.count_nonzero(Y) == m // 2  # exactly balanced
