"""The outputs of every neuron of one layer over the plane of the data, as small thumbnails.

TensorFlow Playground draws, next to each node of its network, a small heatmap of that node's
output over the input plane: one forward pass over a 100x100 grid gives every node's output,
and each node's grid is averaged in 10x10 blocks into its thumbnail (``reduceMatrix``). The
network pane does the same for the units of the selected layer:

- one forward pass (``model.layer_outputs``) over a grid ``factor`` times finer than the
  thumbnail, in each direction, over the plot's extent (the same grid layout as the predictions
  surface: x1 left to right, x2 from the top down, ``neuron_output.grid_points``);
- each unit's outputs averaged over the ``factor`` x ``factor`` block of each thumbnail cell;
- scaled to [0, 1] exactly as the selected neuron's large plot is (``neuron_output.shade``: a
  sigmoid's output itself, tanh's (a + 1) / 2, relu's a / max...), so a thumbnail is a small
  copy of the large plot of that unit, shaded in the same quarters ``' ·░▒'``.

Pure NumPy (no widget): the run's evaluator calls ``layer_thumbnails`` once per model state,
layer and size (cached there), at the scatter's refresh rate while training. For the models of
the app (at most 8 units a layer, 6 layers) a forward pass over the ~800 points of 8
thumbnails of 8x3 cells with ``factor`` 2 costs well under a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.model.network import Network
from tui.views.neuron_output import Expand, Extent, grid_points, shade, shade_kind

F64 = NDArray[np.float64]

FACTOR = 2
"""Grid points per thumbnail cell in each direction (averaged, as Playground's blocks)."""


@dataclass(frozen=True, eq=False)
class ThumbnailsView:
    """The thumbnails of one layer: what the thumbnail strip draws.

    ``layer`` indexes ``model.layer_outputs`` (0 = the first hidden layer, the last = the
    output); ``labels`` (n,) names its n units (``h1.2``, ``out``); ``surfaces`` (n, gy, gx) is
    each unit's output on a gy x gx grid over ``extent`` = (xmin, xmax, ymin, ymax), row 0 at
    the top (largest x2), scaled to [0, 1] (NaN where the output is not finite: drawn blank).
    """

    layer: int
    labels: tuple[str, ...]
    surfaces: F64
    extent: Extent

    @property
    def shape(self) -> tuple[int, int]:
        """(gy, gx), the cells of one thumbnail."""
        return int(self.surfaces.shape[1]), int(self.surfaces.shape[2])


def block_mean(values: F64, factor: int) -> F64:
    """``values`` (n, gy * factor, gx * factor) averaged over ``factor`` x ``factor`` blocks:
    (n, gy, gx). A block with a non-finite value averages to NaN."""
    n, fy, fx = values.shape
    gy, gx = fy // factor, fx // factor
    blocks = values[:, : gy * factor, : gx * factor].reshape(n, gy, factor, gx, factor)
    means: F64 = blocks.mean(axis=(2, 4))
    return means


def layer_thumbnails(
    model: Network,
    layer: int,
    extent: Extent,
    shape: tuple[int, int],
    labels: tuple[str, ...],
    expand: Expand | None = None,
    factor: int = FACTOR,
) -> ThumbnailsView:
    """Every unit of ``layer`` (an index of ``model.layer_outputs``, negative from the end) on a
    (gy, gx) = ``shape`` grid over ``extent``, each cell the mean of ``factor`` x ``factor``
    points, scaled for shading (see the module docstring). ``expand`` maps points (2, m) in
    plotted units to the model's inputs (None: the points are the inputs); ``labels`` names the
    units. ``IndexError`` for a layer the model does not have, ``ValueError`` for an empty grid.
    """
    gy, gx = shape
    if gy < 1 or gx < 1 or factor < 1:
        raise ValueError(f"a thumbnail needs at least one cell, got {shape} (factor {factor})")
    fine = (gy * factor, gx * factor)
    points = grid_points(extent, fine)
    outs = model.layer_outputs(points if expand is None else expand(points))
    if not -len(outs) <= layer < len(outs):
        raise IndexError(f"layer {layer} does not exist (there are {len(outs)})")
    layer %= len(outs)
    values = np.asarray(outs[layer], dtype=np.float64).reshape(-1, *fine)
    means = block_mean(values, factor)
    kind = shade_kind(model, layer, len(outs))
    # Each unit is scaled on its own, as its large plot is (relu's maximum, a range...).
    surfaces = np.stack([shade(unit, kind) for unit in means]) if means.shape[0] else means
    if len(labels) != surfaces.shape[0]:
        raise ValueError(f"{len(labels)} labels for {surfaces.shape[0]} units")
    return ThumbnailsView(layer, labels, surfaces, extent)
