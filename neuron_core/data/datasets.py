"""Datasets: named 2-D generators (TensorFlow Playground style) and ``load``, which builds the
``dataset.Dataset`` a config describes.

Shapes follow the reference article: ``X`` is ``(n_features, m)`` with one example per column,
``Y`` is ``(1, m)``, float64 and C-contiguous.

Generators (``generate``) are deterministic for a given ``np.random.Generator`` state. Their
``noise`` (0 to 0.5) sets the standard deviation of a gaussian jitter, ``NOISE_SCALE * noise``
of the pattern's span on each axis. For classification the jitter moves the *points* after they
were labelled, so the labels still describe the clean pattern (as in TensorFlow Playground) and
a noisy point can sit on the "wrong" side of the true boundary. For regression the jitter is
added to the *target*.

``load(cfg)`` turns a validated ``DataConfig`` into a ``Dataset``: generators draw the training
set from ``default_rng(seed)`` and a fresh test set from the independent stream
``default_rng([seed, 1])``; CSV files go through ``neuron_core.data.csvfile``.

A ``name`` that is not a generator's is a formula, an inequality over x1, x2 that labels uniform
points (``neuron_core.data.formula`` reads it, ``formula_data`` draws and labels the points).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from neuron_core.config import GENERATORS, REGRESSION_GENERATORS, DataConfig
from neuron_core.data.csvfile import load_csv
from neuron_core.data.dataset import Dataset, FloatArray, assemble
from neuron_core.data.formula import FormulaError, parse
from neuron_core.data.formula_data import formula_points, require_two_classes
from neuron_core.data.surfaces import gen_reg_bumps, gen_reg_plane
from neuron_core.errors import ConfigError

# The reference article's line: a point is class 1 when it lies above y = 1.23 x + 3.23.
LINE_SLOPE = 1.23
LINE_INTERCEPT = 3.23

# TensorFlow Playground's noise slider tops out at 0.5 too, where its jitter is about an eighth
# of the pattern's span; the same scale here keeps the patterns recognisable at the maximum.
NOISE_SCALE = 0.25

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
    "blobs": (10.0, 10.0),
}
# Nominal span of each regression generator's clean target: the noise std is
# NOISE_SCALE * noise * span.
_Y_SPAN: dict[str, float] = {"reg-line": 24.6, "reg-plane": 10.0, "reg-bumps": 1.8}


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------


def _polar(r: FloatArray, t: FloatArray) -> FloatArray:
    """Points ``(2, k)`` at radius ``r`` and angle ``t`` (both ``(k,)``)."""
    return np.stack([r * np.sin(t), r * np.cos(t)])


def _two_classes(
    m: int, rng: np.random.Generator, make: Callable[[int, int], FloatArray], k: int = 2
) -> tuple[FloatArray, FloatArray]:
    """Exactly balanced classes: ``make(label, n)`` returns ``(2, n)`` points of that class.

    ``m - m//2`` points of class 0 and ``m//2`` of class 1 are drawn, then shuffled together, so
    even a tiny ``m`` has both classes and the order carries no information. With ``k`` classes
    (labels 0..k-1) each has ``m // k`` points, the first ``m % k`` classes one more (``k = 2``
    is the two-class draw above, bit for bit).
    """
    counts = [m // k + (1 if label < m % k else 0) for label in range(k)]
    X = np.concatenate([make(label, n) for label, n in enumerate(counts)], axis=1)
    Y = np.concatenate([np.full(n, float(label)) for label, n in enumerate(counts)])
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


def _gen_spiral(m: int, rng: np.random.Generator, k: int = 2) -> tuple[FloatArray, FloatArray]:
    # k interleaved spirals of 1.75 turns out to radius 5, arm j rotated by ((j + k//2) % k)/k of
    # a turn: for two arms class 1 unrotated and class 0 by half a turn, as always.
    def make(label: int, n: int) -> FloatArray:
        u = rng.uniform(0.0, 1.0, n)
        return _polar(5.0 * u, 1.75 * 2.0 * np.pi * u + 2.0 * np.pi * ((label + k // 2) % k) / k)

    return _two_classes(m, rng, make, k)


def _gen_blobs(m: int, rng: np.random.Generator, k: int = 2) -> tuple[FloatArray, FloatArray]:
    # k unit-variance gaussian blobs centred on a circle of radius max(5, k) (adjacent centres
    # at least 3.1 standard deviations from the midpoint between them: well separated).
    radius = max(5.0, float(k))

    def make(label: int, n: int) -> FloatArray:
        angle = 2.0 * np.pi * label / k
        centre = np.array([[radius * np.cos(angle)], [radius * np.sin(angle)]])
        return centre + rng.standard_normal((2, n))

    return _two_classes(m, rng, make, k)


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


_GENERATORS: dict[str, Callable[[int, np.random.Generator], tuple[FloatArray, FloatArray]]] = {
    "line": _gen_line,
    "gauss": _gen_gauss,
    "circle": _gen_circle,
    "xor": _gen_xor,
    "spiral": _gen_spiral,
    "moons": _gen_moons,
    "blobs": _gen_blobs,
    "reg-line": _gen_reg_line,
    "reg-plane": gen_reg_plane,
    "reg-bumps": gen_reg_bumps,
}


def _is_formula(name: str) -> bool:
    """Whether ``name`` reads as a formula (``neuron_core.data.formula``)."""
    try:
        parse(name)
    except FormulaError:
        return False
    return True


# The generators that draw any number of classes (``config.MULTICLASS_GENERATORS``).
_MULTICLASS: dict[str, Callable[[int, np.random.Generator, int], tuple[FloatArray, FloatArray]]] = {
    "blobs": _gen_blobs,
    "spiral": _gen_spiral,
}


def generate(
    name: str, m: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[FloatArray, FloatArray]:
    """Draw ``m`` examples of the named pattern (``classes`` 2 to 10 for blobs and spiral).

    Returns ``X`` of shape ``(2, m)`` (``(1, m)`` for ``reg-line``) and ``Y`` of shape ``(1, m)``,
    both float64 and C-contiguous. Classification labels are 0.0/1.0 and follow the clean pattern;
    then a gaussian jitter of std ``NOISE_SCALE * noise * span`` is added to ``X``
    (classification) or ``Y`` (regression). Deterministic for a given ``rng`` state; raises
    ``ConfigError`` on a bad ``name``, ``m`` or ``noise``.

    Any other ``name`` is a formula (``formula_data``): uniform points in ``line``'s ranges,
    labelled by it, jittered with ``line``'s spans.
    """
    # Any other name is a formula (neuron_core.data.formula_data), or refused here.
    formula = name not in _GENERATORS and _is_formula(name)
    if name not in _GENERATORS and not formula:
        choices = ", ".join(GENERATORS + REGRESSION_GENERATORS)
        raise ConfigError("name", f"must be one of {choices}; got {name!r}")
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise ConfigError("samples", f"must be a whole number of at least 1, got {m!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0.0 <= noise <= 0.5:
        # `not 0 <= noise <= 0.5` also rejects NaN.
        raise ConfigError("noise", f"must be between 0 and 0.5, got {noise!r}")
    if formula:
        X, Y = formula_points(name, m, rng)
    elif classes != 2:
        X, Y = _MULTICLASS[name](m, rng, classes)
    else:
        X, Y = _GENERATORS[name](m, rng)
    # Jitter last: the clean points (and their labels) do not depend on the noise level, so the
    # same seed with more noise shows the same pattern, only blurrier.
    if noise > 0.0:
        if name in _Y_SPAN:
            Y = Y + (NOISE_SCALE * noise * _Y_SPAN[name]) * rng.standard_normal(Y.shape)
        else:
            span = np.array(_X_SPAN["line" if formula else name]).reshape(-1, 1)
            X = X + (NOISE_SCALE * noise * span) * rng.standard_normal(X.shape)
    return (
        np.ascontiguousarray(X, dtype=np.float64),
        np.ascontiguousarray(Y, dtype=np.float64),
    )


def load(cfg: DataConfig, progress: Callable[[float], None] | None = None) -> Dataset:
    """Build the ``Dataset`` described by ``cfg``.

    Validates ``cfg`` first (``ConfigError`` names the bad field). Generators: ``cfg.samples``
    training points from ``default_rng(seed)`` and ``cfg.test_samples`` fresh test points from the
    independent stream ``default_rng([seed, 1])``, so the test set never repeats training points
    and does not change when ``samples`` does. CSV: see ``csvfile.load_csv`` (raises ``DataError``).
    ``progress(fraction)`` (0..1) is called at most about 20 times, the last time with 1.0.
    """
    cfg.validate()
    if cfg.source == "csv":
        return load_csv(cfg, progress)

    k = cfg.classes
    X_train, Y_train = generate(
        cfg.name, cfg.samples, cfg.noise, np.random.default_rng(cfg.seed), k
    )
    if cfg.name not in _GENERATORS:
        require_two_classes(Y_train)  # a formula that does not split the points
    if progress is not None:
        progress(cfg.samples / (cfg.samples + cfg.test_samples))
    X_test, Y_test = generate(
        cfg.name, cfg.test_samples, cfg.noise, np.random.default_rng([cfg.seed, 1]), k
    )
    regression = cfg.name in REGRESSION_GENERATORS
    dataset = assemble(
        X_train,
        Y_train,
        X_test,
        Y_test,
        feature_names=("x1",) if X_train.shape[0] == 1 else ("x1", "x2"),
        problem="regression" if regression else "classification",
        class_names=None if regression else tuple(str(c) for c in range(k)),
        standardize=cfg.standardizes,
        warnings=[],
        true_line=(LINE_SLOPE, LINE_INTERCEPT) if cfg.name == "line" else None,
    )
    if progress is not None:
        progress(1.0)
    return dataset
