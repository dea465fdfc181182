"""What the predictions plot shows: ``PredictionView``, plain data computed from a scored model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


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
