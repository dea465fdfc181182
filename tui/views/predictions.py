"""What the predictions plot shows: ``PredictionView`` (plain data), and ``prediction_view``,
which builds it from a scored model.

The view holds the test points in the data's original units (the model may see standardized
inputs), the predicted class of each, the learned boundary of a linear model, the ``line``
dataset's true line, or a probability surface for non-linear models. No widget is imported here:
the chart draws a view, the run controller builds and caches views.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.features import expand
from neuron_core.data.hand_points import hand_points, why_not
from neuron_core.model.network import Network
from tui.text import printable
from tui.views.neuron_output import points_extent

F64 = NDArray[np.float64]

# At most this many test points are drawn: a chart of ~60x20 cells cannot show more, and every
# point costs time to reduce and draw. Misclassified points are kept first, they are the
# interesting ones.
MAX_PLOTTED = 1200


@dataclass(frozen=True, eq=False)
class PredictionView:
    """What the predictions plot shows.

    ``X`` (2, m): the two plotted coordinates of the m test points, in the data's original units.
    ``Y`` (1, m): true labels 0/1 (classification) or target values (regression).
    ``pred`` (1, m): predicted class 0/1 (classification) or predicted value (regression).
    ``problem``: "classification" or "regression". ``feature_names``: the axis labels (x, y).
    ``boundary``: (w1, w2, b) of a linear decision boundary w1*x1 + w2*x2 + b = 0 in plotted units.
    ``true_line``: (slope, intercept) of the ``line`` dataset's true line x2 = slope*x1 + intercept.
    ``surface`` (gy, gx): predicted probability (or value) on a grid over ``surface_extent`` =
    (xmin, xmax, ymin, ymax), row 0 at the top (largest x2); when given, the extent is also the
    plot's range. ``PredictionsPlot.grid_shape_for`` gives a good grid size.

    One-feature regression: pass the target as the second coordinate (``X[1]`` equal to ``Y[0]``);
    the plot then draws the points and the fitted curve ``pred`` over x1. Two-feature regression:
    pass the predicted-value ``surface``; points are marked by the sign of target - prediction.
    ``surface_label`` names what the shading shows when it is not the model's own output (the
    network pane shades one hidden neuron's output, e.g. "h1.2 output").
    """

    X: F64
    Y: F64
    pred: F64
    problem: str
    feature_names: tuple[str, str]
    boundary: tuple[float, float, float] | None = None
    true_line: tuple[float, float] | None = None
    surface: F64 | None = None
    surface_extent: tuple[float, float, float, float] | None = None
    surface_label: str | None = None
    # 3 to 10 classes: ``Y``/``pred`` hold the class 0..K-1, ``surface`` the predicted class
    # per grid cell; ``class_names`` (escaped) in label order. Two classes leave these as they are.
    classes: int = 2
    class_names: tuple[str, ...] = ()
    # The points placed by hand (3, k): x1, x2 in the data's units and the class; and whether
    # points may be placed on this data (``neuron_core.data.hand_points``).
    hand: F64 | None = None
    placeable: bool = False


def _original_units(data: Dataset, X: F64) -> F64:
    """Undo the standardization of X (n, m) so the axes read in the data's own units."""
    if data.standardization is None:
        return X
    mean, std = data.standardization
    return X * std + mean


def _plotted_columns(pred: F64, Y: F64, problem: str, cap: int = MAX_PLOTTED) -> NDArray[np.intp]:
    """Indices of at most ``cap`` test points to draw: every misclassified point first (up to
    half the budget), then evenly spaced others. Deterministic, sorted."""
    m = Y.shape[1]
    if m <= cap:
        return np.arange(m)
    if problem == "classification":
        wrong = np.flatnonzero(pred.reshape(-1) != Y.reshape(-1))[: cap // 2]
    else:
        wrong = np.empty(0, dtype=np.intp)
    rest = np.linspace(0, m - 1, cap - wrong.size).astype(np.intp)
    return np.unique(np.concatenate([wrong, rest]))


def _linear_boundary(
    data: Dataset, params: list[F64], n_inputs: int
) -> tuple[float, float, float] | None:
    """``(w1, w2, b)`` of ``w1 x1 + w2 x2 + b = 0`` in original units for a one-layer model on
    two raw features, else ``None``.

    The model sees ``x' = (x - mean) / std``, so ``w . x' + b = 0`` becomes
    ``(w / std) . x + (b - sum(w * mean / std)) = 0``.
    """
    if n_inputs != 2 or len(params) != 2 or params[0].size != 2 or params[1].size != 1:
        return None
    w = params[0].reshape(-1).astype(np.float64)
    b = float(params[1].reshape(-1)[0])
    if data.standardization is not None:
        mean, std = (a.reshape(-1) for a in data.standardization)
        w = w / std
        b = b - float(np.dot(w, mean))
    if not (np.all(np.isfinite(w)) and np.isfinite(b)) or not np.any(w):
        return None
    return float(w[0]), float(w[1]), b


def _true_line(data: Dataset) -> tuple[float, float] | None:
    """The ``line`` dataset's true line ``x2 = a x1 + c`` in original units.

    ``Dataset.true_line`` is given in the coordinates of X (standardized when asked); with
    ``x' = (x - m) / s``: ``x2 = (a s2 / s1) x1 + (c s2 + m2 - a s2 m1 / s1)``.
    """
    if data.true_line is None:
        return None
    a, c = data.true_line
    if data.standardization is None:
        return a, c
    mean, std = (arr.reshape(-1) for arr in data.standardization)
    slope = a * std[1] / std[0]
    return float(slope), float(c * std[1] + mean[1] - slope * mean[0])


def _surface(
    data: Dataset,
    feature_map: tuple[str, ...] | None,
    model: Network,
    extent: tuple[float, float, float, float],
    shape: tuple[int, int],
) -> F64:
    """Predicted probability (or value) on a ``shape`` = (gy, gx) grid over ``extent`` in
    original units, row 0 at the top (largest x2)."""
    gy, gx = shape
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, gx)
    ys = np.linspace(ymax, ymin, gy)
    grid_x, grid_y = np.meshgrid(xs, ys)
    pts = np.stack([grid_x.reshape(-1), grid_y.reshape(-1)])
    if data.standardization is not None:
        mean, std = data.standardization
        pts = (pts - mean) / std
    inputs = expand(pts, feature_map)
    # K classes: the predicted class per cell (the plot letters the regions); else P(class 1).
    proba = model.predict(inputs) if model.sizes[-1] > 1 else model.predict_proba(inputs)
    return np.asarray(proba, dtype=np.float64).reshape(gy, gx)


def prediction_view(
    data: Dataset,
    model_cfg: ModelConfig,
    model: Network,
    pred_test: F64,
    grid_shape: tuple[int, int] | None,
) -> PredictionView:
    """The scatter's content for a scored ``model`` of ``model_cfg`` on ``data``: ``pred_test``
    (1, m_test) are its predictions on the test set.

    Two-feature data: the first two features of the test points; a linear model gets its
    boundary line, a non-linear one (hidden layers or mapped inputs) a probability surface on a
    ``grid_shape`` grid. One-feature data (``reg-line``): x1 against the target. More features:
    the first two, without boundary (it lives in more dimensions than the plot).
    """
    cols = _plotted_columns(pred_test, data.Y_test, data.problem)
    X_all = _original_units(data, data.X_test)
    Y = np.ascontiguousarray(data.Y_test[:, cols])
    pred = np.ascontiguousarray(pred_test[:, cols])
    names = [printable(n) for n in data.feature_names]  # axis labels: data, escaped
    if data.n_features == 1:
        # One input: plot it against the target; the "boundary" is the fitted curve drawn by the
        # widget from pred.
        X = np.vstack([X_all[0, cols], data.Y_test[0, cols]])
        return PredictionView(
            X=X,
            Y=Y,
            pred=pred,
            problem=data.problem,
            feature_names=(names[0], "y"),
            boundary=None,
            true_line=_true_line(data),
            surface=None,
            surface_extent=None,
        )
    X = np.ascontiguousarray(X_all[:2, cols])
    boundary = None
    surface = None
    extent = None
    linear = model_cfg.hidden == () and model_cfg.feature_map is None
    if data.n_features == 2:
        if linear and data.problem == "classification" and data.n_classes == 2:
            boundary = _linear_boundary(data, model.get_params(), data.n_features)
        elif grid_shape is not None and min(grid_shape) > 1:
            extent = points_extent(X_all[:2])
            surface = _surface(data, model_cfg.feature_map, model, extent, grid_shape)
    return PredictionView(
        X=X,
        Y=Y,
        pred=pred,
        problem=data.problem,
        feature_names=(names[0], names[1]),
        boundary=boundary,
        true_line=_true_line(data),
        surface=surface,
        surface_extent=extent,
        classes=data.n_classes if data.problem == "classification" else 2,
        class_names=tuple(printable(n) for n in data.class_names or ()),
        hand=hand_points(data) if data.n_hand else None,
        placeable=why_not(data) is None,
    )
