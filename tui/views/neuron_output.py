"""One neuron's output over the plane of the data, for shading under the test points.

``neuron_surface(model, layer, unit, extent, shape, expand)`` evaluates
``model.layer_outputs(P)[layer][unit]`` on a grid of points P over ``extent`` (in the plotted
units) and scales it to [0, 1] so ``PredictionsPlot`` can shade it (``PredictionView.surface``,
quarters ``' ·░▒'``). The grid is laid out exactly as the predictions surface of
``tui.run.evaluation``:
``shape`` = (gy, gx), x1 from ``xmin`` to ``xmax`` left to right, x2 from ``ymax`` (row 0, top)
down to ``ymin``.

How a neuron's output becomes a shade, chosen so that the neuron's own boundary (``z = 0``) is
where ``·`` meets ``░`` whenever the activation has one:

==========================  ======================  ============================================
neuron                      output range            shade
==========================  ======================  ============================================
sigmoid (hidden or output)  (0, 1)                  the output itself: 0.5 at z = 0
tanh                        (-1, 1)                 (a + 1) / 2: 0.5 at z = 0
relu                        [0, inf)                a / max over the grid: blank where inactive
linear hidden unit          any                     0.5 + 0.5 a / max|a|: 0.5 at z = 0
sine                        [-1, 1]                 as tanh
softplus                    (0, inf)                as relu
leaky-relu, elu, silu       either sign             as a linear unit: 0.5 at z = 0
regression output (linear)  any                     (a - min) / (max - min), like the plot does
==========================  ======================  ============================================

Pure NumPy (no Textual): the app calls it on the UI thread at the scatter's refresh rate; a grid
of one value per plot cell (~1,500 points) costs well under a millisecond for these small models.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from neuron_core.data.features import expand as expand_features
from neuron_core.model.network import Network

F64 = NDArray[np.float64]
Extent = tuple[float, float, float, float]
Expand = Callable[[F64], NDArray[np.floating]]
"""Turns grid points (2, m) in plotted units into the model's inputs (n_0, m)."""


def grid_points(extent: Extent, shape: tuple[int, int]) -> F64:
    """The (2, gy*gx) points of a (gy, gx) grid over ``extent`` = (xmin, xmax, ymin, ymax),
    row-major from the top-left corner (row 0 has the largest x2), as ``tui.run.evaluation`` lays
    out
    the predictions surface."""
    gy, gx = shape
    xmin, xmax, ymin, ymax = extent
    grid_x, grid_y = np.meshgrid(np.linspace(xmin, xmax, gx), np.linspace(ymax, ymin, gy))
    return np.stack([grid_x.reshape(-1), grid_y.reshape(-1)])


def points_extent(X: NDArray[np.floating]) -> Extent:
    """Bounds (xmin, xmax, ymin, ymax) of the points X (2, m) with a 5% margin, never empty
    (the same margin as the predictions surface)."""
    X = np.asarray(X, dtype=np.float64)
    lo = X.min(axis=1)
    hi = X.max(axis=1)
    pad = np.maximum((hi - lo) * 0.05, 1e-9)
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )


def model_inputs(
    standardization: tuple[NDArray[np.floating], NDArray[np.floating]] | None,
    feature_map: tuple[str, ...] | None,
) -> Expand:
    """The ``expand`` for data in original units: standardize with ``(mean (2, 1), std (2, 1))``
    (``Dataset.standardization``) if given, then build the mapped features (``features.expand``)
    — what the trainer did to the data the model learned from."""

    def to_inputs(points: F64) -> NDArray[np.floating]:
        if standardization is not None:
            mean, std = standardization
            points = (points - mean) / std
        return expand_features(points, feature_map)

    return to_inputs


def _check_index(name: str, index: int, count: int) -> int:
    """``index`` (negative counts from the end) in range(count); ``IndexError`` otherwise."""
    if not -count <= index < count:
        raise IndexError(f"{name} {index} does not exist (there are {count})")
    return index % count


def _evaluate(
    model: Network,
    layer: int,
    unit: int,
    extent: Extent,
    shape: tuple[int, int],
    expand: Expand | None,
) -> tuple[F64, int, int]:
    """(values (gy, gx), the layer's index from 0, the number of layers)."""
    points = grid_points(extent, shape)
    inputs = points if expand is None else expand(points)
    outs = model.layer_outputs(inputs)
    layer = _check_index("layer", layer, len(outs))
    unit = _check_index("unit", unit, int(outs[layer].shape[0]))
    return np.asarray(outs[layer][unit], dtype=np.float64).reshape(shape), layer, len(outs)


def neuron_values(
    model: Network,
    layer: int,
    unit: int,
    extent: Extent,
    shape: tuple[int, int],
    expand: Expand | None = None,
) -> F64:
    """Output (gy, gx) of neuron ``unit`` of ``layer`` (an index of ``model.layer_outputs``,
    negative from the end: -1 is the output) at the grid points; ``expand`` maps the points
    (2, m) to the model's inputs (None: the points are the inputs). ``IndexError`` for a
    neuron the model does not have."""
    return _evaluate(model, layer, unit, extent, shape, expand)[0]


def shade_kind(model: Network, layer: int, n_layers: int) -> str:
    """How the output of ``layer`` (0 to ``n_layers`` - 1) is scaled to [0, 1]: ``"probability"``,
    ``"tanh"``, ``"relu"``, ``"symmetric"`` (linear hidden) or ``"range"`` (regression output);
    see the module docstring."""
    if layer == n_layers - 1:
        return "probability" if model.problem == "classification" else "range"
    per_layer = getattr(model, "activations", None)  # one per hidden layer
    activation = per_layer[layer] if per_layer else getattr(model, "activation", None)
    name = getattr(activation, "name", "")
    # softplus is >= 0 like relu; sine is in [-1, 1] like tanh; the rest take either sign.
    kinds = {"sigmoid": "probability", "tanh": "tanh", "relu": "relu", "softplus": "relu"}
    return {**kinds, "sine": "tanh"}.get(name, "symmetric")


def shade(values: F64, kind: str) -> F64:
    """``values`` scaled to [0, 1] by ``kind`` (see ``shade_kind``); NaN stays NaN (drawn blank),
    a constant surface is 0.5 (``range``) or 0 (``relu``)."""
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    with np.errstate(invalid="ignore"):
        if kind == "probability":
            return np.clip(v, 0.0, 1.0)
        if kind == "tanh":
            return np.clip((v + 1.0) * 0.5, 0.0, 1.0)
        if kind == "relu":
            top = float(finite.max()) if finite.size else 0.0
            return np.clip(v / top, 0.0, 1.0) if top > 0 else np.where(np.isnan(v), v, 0.0)
        if kind == "symmetric":
            big = float(np.abs(finite).max()) if finite.size else 0.0
            return 0.5 + 0.5 * v / big if big > 0 else np.where(np.isnan(v), v, 0.5)
        if kind == "range":
            if not finite.size:
                return v.copy()
            lo, hi = float(finite.min()), float(finite.max())
            return (v - lo) / (hi - lo) if hi > lo else np.where(np.isnan(v), v, 0.5)
    raise ValueError(f"unknown shade kind {kind!r}")


def neuron_surface(
    model: Network,
    layer: int,
    unit: int,
    extent: Extent,
    shape: tuple[int, int],
    expand: Expand | None = None,
) -> F64:
    """The output of neuron (``layer``, ``unit``) on a (gy, gx) grid over ``extent``, scaled to
    [0, 1] for shading (``neuron_values`` then ``shade``)."""
    values, layer, n_layers = _evaluate(model, layer, unit, extent, shape, expand)
    return shade(values, shade_kind(model, layer, n_layers))
