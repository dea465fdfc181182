"""Datasets: named 2-D generators (TensorFlow Playground style) and the ``Dataset`` type.

Shapes follow the reference article: ``X`` is ``(n_features, m)`` with one example per column,
``Y`` is ``(1, m)``. Every array handed out is float64 and C-contiguous, so ``np.dot(W, X)``
never copies.

Generators (``generate``) are deterministic for a given ``np.random.Generator`` state. Their
``noise`` (0 to 0.5) sets the standard deviation of a gaussian jitter, ``NOISE_SCALE * noise``
of the pattern's span on each axis. For classification the jitter moves the *points* after they
were labelled, so the labels still describe the clean pattern (as in TensorFlow Playground) and
a noisy point can sit on the "wrong" side of the true boundary. For regression the jitter is
added to the *target*.

``load(cfg)`` turns a validated ``DataConfig`` into a ``Dataset``: generators draw the training
set from ``default_rng(seed)`` and a fresh test set from the independent stream
``default_rng([seed, 1])``; CSV files go through ``neuron_core.data.csvfile``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import GENERATORS, REGRESSION_GENERATORS, DataConfig
from neuron_core.errors import ConfigError, DataError

FloatArray = NDArray[np.float64]
Problem = Literal["classification", "regression"]

# The reference article's line: a point is class 1 when it lies above y = 1.23 x + 3.23.
LINE_SLOPE = 1.23
LINE_INTERCEPT = 3.23

# TensorFlow Playground's noise slider tops out at 0.5 too, where its jitter is about an eighth
# of the pattern's span; the same scale here keeps the patterns recognisable at the maximum.
NOISE_SCALE = 0.25

# A class below this fraction of the training set gets a warning (accuracy becomes misleading).
MINORITY_WARNING = 0.10

# Nominal span of each generator's clean pattern, per input axis: the noise std is
# NOISE_SCALE * noise * span.
# `line` has independent ranges on x and y; the geometric patterns live in a square, so their
# jitter is isotropic (same span on both axes).
_X_SPAN: dict[str, tuple[float, ...]] = {
    "line": (20.0, 35.0),
    "gauss": (10.0, 10.0),
    "circle": (10.0, 10.0),
    "xor": (10.6, 10.6),
    "spiral": (10.0, 10.0),
    "moons": (9.0, 9.0),
}
# Nominal span of each regression generator's clean target: the noise std is
# NOISE_SCALE * noise * span.
_Y_SPAN: dict[str, float] = {"reg-line": 24.6, "reg-plane": 10.0, "reg-bumps": 1.8}

# reg-plane: y = w . x + b.
_PLANE_W = (0.6, -0.4)
_PLANE_B = 1.0
# reg-bumps: (center x1, center x2, amplitude, width) of each gaussian bump.
_BUMPS = ((-2.0, -1.5, 1.0, 1.2), (2.5, 1.5, -0.8, 1.5), (0.0, 3.0, 0.6, 1.0))


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for a model.

    ``X_train`` is ``(n_features, m_train)``, ``Y_train`` is ``(1, m_train)``; ``X_test``/``Y_test``
    likewise with ``m_test`` columns. All four are float64 and C-contiguous. For classification the
    labels are exactly 0.0 or 1.0 and ``class_names`` tells what they stand for (``("no", "yes")``:
    label 0 is "no"); for regression ``Y`` holds real values and ``class_names`` is ``None``.

    ``true_line`` is the ``(slope, intercept)`` of the generating boundary ``x2 = slope*x1 +
    intercept`` for the ``line`` generator (in the coordinates of ``X``, i.e. after standardization
    if that was asked for), ``None`` otherwise. ``standardization`` is ``(mean, std)``, each
    ``(n_features, 1)``, fitted on the training part only and already applied to both parts; apply
    ``(x - mean) / std`` to new points. ``warnings`` are one-line notes for the user (a rare class,
    a constant column, no separate test set...). ``eq=False``: arrays do not compare with ``==``.
    """

    X_train: FloatArray
    Y_train: FloatArray
    X_test: FloatArray
    Y_test: FloatArray
    feature_names: tuple[str, ...]
    problem: Problem
    class_names: tuple[str, str] | None
    warnings: tuple[str, ...]
    true_line: tuple[float, float] | None
    csv_sha256: str | None
    standardization: tuple[FloatArray, FloatArray] | None

    def __post_init__(self) -> None:
        # Programming errors only (users cannot reach this): catch a wrong shape at construction
        # rather than as a broadcasting surprise deep inside training.
        n = len(self.feature_names)
        for name, arr, rows in (
            ("X_train", self.X_train, n),
            ("X_test", self.X_test, n),
            ("Y_train", self.Y_train, 1),
            ("Y_test", self.Y_test, 1),
        ):
            if arr.ndim != 2 or arr.shape[0] != rows or arr.dtype != np.float64:
                raise ValueError(f"{name} must be float64 of shape ({rows}, m), got {arr.shape}")
        if self.X_train.shape[1] != self.Y_train.shape[1]:
            raise ValueError("X_train and Y_train have different numbers of examples")
        if self.X_test.shape[1] != self.Y_test.shape[1]:
            raise ValueError("X_test and Y_test have different numbers of examples")

    @property
    def n_features(self) -> int:
        """Number of input features (rows of ``X``)."""
        return int(self.X_train.shape[0])

    @property
    def m_train(self) -> int:
        """Number of training examples (columns of ``X_train``)."""
        return int(self.X_train.shape[1])

    @property
    def m_test(self) -> int:
        """Number of test examples (columns of ``X_test``)."""
        return int(self.X_test.shape[1])

    def class_balance(self) -> float:
        """Fraction of label 1 in the training set (0..1); NaN for regression."""
        if self.problem != "classification":
            return math.nan
        return float(np.count_nonzero(self.Y_train == 1.0)) / max(self.m_train, 1)


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------


def _polar(r: FloatArray, t: FloatArray) -> FloatArray:
    """Points ``(2, k)`` at radius ``r`` and angle ``t`` (both ``(k,)``)."""
    return np.stack([r * np.sin(t), r * np.cos(t)])


def _two_classes(
    m: int, rng: np.random.Generator, make: Callable[[int, int], FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Exactly balanced classes: ``make(label, k)`` returns ``(2, k)`` points of that class.

    ``m - m//2`` points of class 0 and ``m//2`` of class 1 are drawn, then shuffled together, so
    even a tiny ``m`` has both classes and the order carries no information.
    """
    n1 = m // 2
    X = np.concatenate([make(0, m - n1), make(1, n1)], axis=1)
    Y = np.concatenate([np.zeros(m - n1), np.ones(n1)])
    order = rng.permutation(m)
    return X[:, order], Y[order].reshape(1, m)


def _gen_line(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # The reference article's data, kept exactly: x ~ U[-10, 10], y ~ U[-15, 20], class 1 above
    # the line. A zero-init sigmoid neuron (lr 0.1, 2000 GD steps) scores ~99.3% on it.
    x = rng.uniform(-10.0, 10.0, m)
    y = rng.uniform(-15.0, 20.0, m)
    label = (y > LINE_SLOPE * x + LINE_INTERCEPT).astype(np.float64)
    return np.stack([x, y]), label.reshape(1, m)


def _gen_gauss(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # Two unit-variance blobs centred at (-2, -2) (class 0) and (2, 2) (class 1).
    def make(label: int, k: int) -> FloatArray:
        centre = 2.0 if label else -2.0
        return centre + rng.standard_normal((2, k))

    return _two_classes(m, rng, make)


def _gen_circle(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # TF Playground: class 1 in a disc of radius 2.5, class 0 in the ring 3.5..5. The radius is
    # uniform (not the area), so the centre is denser, as in the Playground.
    def make(label: int, k: int) -> FloatArray:
        r = rng.uniform(0.0, 2.5, k) if label else rng.uniform(3.5, 5.0, k)
        return _polar(r, rng.uniform(0.0, 2.0 * np.pi, k))

    return _two_classes(m, rng, make)


def _gen_xor(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # Class 1 where x1 and x2 have the same sign. |x| is kept at least 0.3 from the axes (TF
    # Playground's padding) so the clean classes are separated by a small gap.
    def make(label: int, k: int) -> FloatArray:
        mag = rng.uniform(0.3, 5.3, (2, k))
        sign = rng.choice(np.array([-1.0, 1.0]), k)
        signs: FloatArray = np.stack([sign, sign if label else -sign])
        return mag * signs

    return _two_classes(m, rng, make)


def _gen_spiral(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # Two interleaved spirals of 1.75 turns out to radius 5, the second rotated by half a turn.
    def make(label: int, k: int) -> FloatArray:
        u = rng.uniform(0.0, 1.0, k)
        return _polar(5.0 * u, 1.75 * 2.0 * np.pi * u + (0.0 if label else np.pi))

    return _two_classes(m, rng, make)


def _gen_moons(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # scikit-learn's two moons (upper arc class 0, lower arc class 1), scaled by 3 and centred.
    def make(label: int, k: int) -> FloatArray:
        t = rng.uniform(0.0, np.pi, k)
        if label:
            pts = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
        else:
            pts = np.stack([np.cos(t), np.sin(t)])
        centred: FloatArray = pts - np.array([[0.5], [0.25]])
        return 3.0 * centred

    return _two_classes(m, rng, make)


def _gen_reg_line(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # One feature: y = 1.23 x + 3.23 on x ~ U[-10, 10] (the article's line, as a regression).
    x = rng.uniform(-10.0, 10.0, (1, m))
    return x, LINE_SLOPE * x + LINE_INTERCEPT


def _gen_reg_plane(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # y = 0.6 x1 - 0.4 x2 + 1 on the square [-5, 5]^2.
    X = rng.uniform(-5.0, 5.0, (2, m))
    Y = _PLANE_W[0] * X[0] + _PLANE_W[1] * X[1] + _PLANE_B
    return X, Y.reshape(1, m)


def _gen_reg_bumps(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # y = sum_k a_k exp(-|x - c_k|^2 / (2 s_k^2)): a smooth surface a plane cannot fit.
    X = rng.uniform(-5.0, 5.0, (2, m))
    Y = np.zeros(m)
    for c1, c2, amp, width in _BUMPS:
        Y += amp * np.exp(-((X[0] - c1) ** 2 + (X[1] - c2) ** 2) / (2.0 * width * width))
    return X, Y.reshape(1, m)


_GENERATORS: dict[str, Callable[[int, np.random.Generator], tuple[FloatArray, FloatArray]]] = {
    "line": _gen_line,
    "gauss": _gen_gauss,
    "circle": _gen_circle,
    "xor": _gen_xor,
    "spiral": _gen_spiral,
    "moons": _gen_moons,
    "reg-line": _gen_reg_line,
    "reg-plane": _gen_reg_plane,
    "reg-bumps": _gen_reg_bumps,
}


def generate(
    name: str, m: int, noise: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Draw ``m`` examples of the named pattern.

    Returns ``X`` of shape ``(2, m)`` (``(1, m)`` for ``reg-line``) and ``Y`` of shape ``(1, m)``,
    both float64 and C-contiguous. Classification labels are 0.0/1.0 and follow the clean pattern;
    then a gaussian jitter of std ``NOISE_SCALE * noise * span`` is added to ``X``
    (classification) or ``Y`` (regression). Deterministic for a given ``rng`` state; raises
    ``ConfigError`` on a bad ``name``, ``m`` or ``noise``.
    """
    if name not in _GENERATORS:
        choices = ", ".join(GENERATORS + REGRESSION_GENERATORS)
        raise ConfigError("name", f"must be one of {choices}; got {name!r}")
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise ConfigError("samples", f"must be a whole number of at least 1, got {m!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0.0 <= noise <= 0.5:
        # `not 0 <= noise <= 0.5` also rejects NaN.
        raise ConfigError("noise", f"must be between 0 and 0.5, got {noise!r}")
    X, Y = _GENERATORS[name](m, rng)
    # Jitter last: the clean points (and their labels) do not depend on the noise level, so the
    # same seed with more noise shows the same pattern, only blurrier.
    if noise > 0.0:
        if name in _Y_SPAN:
            Y = Y + (NOISE_SCALE * noise * _Y_SPAN[name]) * rng.standard_normal(Y.shape)
        else:
            span = np.array(_X_SPAN[name]).reshape(-1, 1)
            X = X + (NOISE_SCALE * noise * span) * rng.standard_normal(X.shape)
    return (
        np.ascontiguousarray(X, dtype=np.float64),
        np.ascontiguousarray(Y, dtype=np.float64),
    )


# --------------------------------------------------------------------------------------------
# Assembly shared with csvdata
# --------------------------------------------------------------------------------------------


def _balance_warnings(Y_train: FloatArray, class_names: tuple[str, str]) -> list[str]:
    """Warn about each class that is under 10% of the training labels ``(1, m)``."""
    m = Y_train.shape[1]
    ones = int(np.count_nonzero(Y_train == 1.0))
    out = []
    for label, count in ((0, m - ones), (1, ones)):
        frac = count / max(m, 1)
        if frac < MINORITY_WARNING:
            name = class_names[label]
            who = f"class {label}" if name == str(label) else f"class {label} ({name!r})"
            out.append(
                f"{who} is only {100.0 * frac:.1f}% of the training set: accuracy can look good "
                "while that class is always missed"
            )
    return out


def _standardize(
    X_train: FloatArray, X_test: FloatArray, feature_names: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, list[str]]:
    """Rescale ``X_train`` and ``X_test`` (``(n, m)``) in place with the train mean and std.

    Returns ``mean`` and ``std`` ``(n, 1)`` and warnings. Statistics come from the training part
    only: using the test part would leak information about it into training. A constant column
    (max == min: exact, unlike a float ``std == 0`` test) gets std 1 so nothing is divided by 0.
    """
    n = X_train.shape[0]
    mean = np.zeros((n, 1))
    std = np.ones((n, 1))
    warnings: list[str] = []
    # One row at a time: the temporaries are (m,), not another full (n, m) copy.
    for j in range(n):
        row = X_train[j]
        if row.size == 0 or row.max() == row.min():
            warnings.append(
                f"feature {feature_names[j]!r} is constant in the training set; it was centred "
                "but not scaled"
            )
            mean[j, 0] = row[0] if row.size else 0.0
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            mean[j, 0] = row.mean()
            std[j, 0] = row.std()
        if not (math.isfinite(mean[j, 0]) and math.isfinite(std[j, 0]) and std[j, 0] > 0.0):
            raise DataError(
                f"feature {feature_names[j]!r}: values too large (or too small) to standardize"
            )
    for X in (X_train, X_test):
        X -= mean
        X /= std
    return mean, std, warnings


def _assemble(
    X_train: FloatArray,
    Y_train: FloatArray,
    X_test: FloatArray,
    Y_test: FloatArray,
    *,
    feature_names: tuple[str, ...],
    problem: Problem,
    class_names: tuple[str, str] | None,
    standardize: bool,
    warnings: list[str],
    true_line: tuple[float, float] | None = None,
    csv_sha256: str | None = None,
) -> Dataset:
    """Build a ``Dataset`` from raw parts: class-balance warnings, optional standardization.

    Takes ownership of the arrays (standardization is done in place, so ``X_test`` must not be
    the same object as ``X_train``).
    """
    notes = list(warnings)
    if class_names is not None:
        notes.extend(_balance_warnings(Y_train, class_names))
    stats: tuple[FloatArray, FloatArray] | None = None
    if standardize:
        mean, std, std_notes = _standardize(X_train, X_test, feature_names)
        notes.extend(std_notes)
        stats = (mean, std)
        if true_line is not None:
            # x2 = a x1 + b with xi = mi + si * xi' gives
            # x2' = (a s1/s2) x1' + (a m1 + b - m2)/s2.
            a, b = true_line
            m1, m2 = float(mean[0, 0]), float(mean[1, 0])
            s1, s2 = float(std[0, 0]), float(std[1, 0])
            true_line = (a * s1 / s2, (a * m1 + b - m2) / s2)
    return Dataset(
        X_train=np.ascontiguousarray(X_train),
        Y_train=np.ascontiguousarray(Y_train),
        X_test=np.ascontiguousarray(X_test),
        Y_test=np.ascontiguousarray(Y_test),
        feature_names=feature_names,
        problem=problem,
        class_names=class_names,
        warnings=tuple(notes),
        true_line=true_line,
        csv_sha256=csv_sha256,
        standardization=stats,
    )


def load(cfg: DataConfig, progress: Callable[[float], None] | None = None) -> Dataset:
    """Build the ``Dataset`` described by ``cfg``.

    Validates ``cfg`` first (``ConfigError`` names the bad field). Generators: ``cfg.samples``
    training points from ``default_rng(seed)`` and ``cfg.test_samples`` fresh test points from the
    independent stream ``default_rng([seed, 1])``, so the test set never repeats training points
    and does not change when ``samples`` does. CSV: see ``csvdata.load_csv`` (raises ``DataError``).
    ``progress(fraction)`` (0..1) is called at most about 20 times, the last time with 1.0.
    """
    cfg.validate()
    if cfg.source == "csv":
        # Imported here: csvdata imports this module (Dataset, _assemble).
        from neuron_core.data.csvfile import load_csv

        return load_csv(cfg, progress)

    X_train, Y_train = generate(cfg.name, cfg.samples, cfg.noise, np.random.default_rng(cfg.seed))
    if progress is not None:
        progress(cfg.samples / (cfg.samples + cfg.test_samples))
    X_test, Y_test = generate(
        cfg.name, cfg.test_samples, cfg.noise, np.random.default_rng([cfg.seed, 1])
    )
    regression = cfg.name in REGRESSION_GENERATORS
    dataset = _assemble(
        X_train,
        Y_train,
        X_test,
        Y_test,
        feature_names=("x1",) if X_train.shape[0] == 1 else ("x1", "x2"),
        problem="regression" if regression else "classification",
        class_names=None if regression else ("0", "1"),
        standardize=cfg.standardize,
        warnings=[],
        true_line=(LINE_SLOPE, LINE_INTERCEPT) if cfg.name == "line" else None,
    )
    if progress is not None:
        progress(1.0)
    return dataset
