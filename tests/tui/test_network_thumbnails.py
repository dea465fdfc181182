"""The thumbnails of a layer: the view-model (every unit over the plane, averaged per cell and
shaded as the large plot) and how the strip lays them out and marks the selected one."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_core.model.network import Network
from tui.views.neuron_output import grid_points, neuron_values, shade
from tui.views.neuron_thumbnails import block_mean, layer_thumbnails
from tui.widgets.network_thumbnails import (
    MIN_COLS,
    THUMB_COLS,
    label_text,
    shade_rows,
    strip_layout,
)

EXTENT = (-2.0, 2.0, -1.0, 3.0)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_each_thumbnail_is_the_units_output_averaged_per_cell(activation: str) -> None:
    model = Network(2, (5, 3), activation=activation, init="xavier", init_seed=4)
    for layer, n in ((0, 5), (1, 3), (2, 1)):
        labels = tuple(f"u{u}" for u in range(n))
        view = layer_thumbnails(model, layer, EXTENT, (3, 4), labels, factor=2)
        assert view.surfaces.shape == (n, 3, 4) and view.shape == (3, 4)
        assert view.layer == layer and view.labels == labels
        kind_of = {0: activation, 1: activation, 2: "sigmoid"}[layer]
        for u in range(n):
            fine = neuron_values(model, layer, u, EXTENT, (6, 8))
            means = fine.reshape(3, 2, 4, 2).mean(axis=(1, 3))
            kind = {"sigmoid": "probability", "linear": "symmetric"}.get(kind_of, kind_of)
            np.testing.assert_allclose(view.surfaces[u], shade(means, kind), atol=1e-12)
        assert np.nanmin(view.surfaces) >= 0.0 and np.nanmax(view.surfaces) <= 1.0


def test_grid_layout_and_expand_are_the_large_plots() -> None:
    model = Network(3, (2,), activation="tanh", init="xavier", init_seed=1)

    def expand(points: np.ndarray) -> np.ndarray:
        return np.vstack([points, points[:1] * points[1:]])

    view = layer_thumbnails(model, 0, EXTENT, (2, 2), ("a", "b"), expand, factor=1)
    P = grid_points(EXTENT, (2, 2))
    expected = model.layer_outputs(expand(P))[0].reshape(2, 2, 2)
    np.testing.assert_allclose(view.surfaces, (expected + 1) / 2, atol=1e-12)


def test_bad_requests_are_refused() -> None:
    model = Network(2, (3,), activation="tanh", init="xavier")
    with pytest.raises(IndexError):
        layer_thumbnails(model, 5, EXTENT, (2, 2), ("a",))
    with pytest.raises(ValueError, match="labels"):
        layer_thumbnails(model, 0, EXTENT, (2, 2), ("a",))
    with pytest.raises(ValueError, match="cell"):
        layer_thumbnails(model, 0, EXTENT, (0, 2), ("a", "b", "c"))


def test_block_mean() -> None:
    values = np.arange(2 * 4 * 6, dtype=np.float64).reshape(2, 4, 6)
    out = block_mean(values, 2)
    assert out.shape == (2, 2, 3)
    assert out[0, 0, 0] == np.mean([0, 1, 6, 7])
    values[1, 0, 0] = np.nan
    assert np.isnan(block_mean(values, 2)[1, 0, 0])


def test_strip_layout_fits_the_width() -> None:
    assert strip_layout(8, 76, 0) == (THUMB_COLS, tuple(range(8)))
    assert strip_layout(1, 76, 0) == (THUMB_COLS, (0,))
    cols, units = strip_layout(8, 60, 0)  # narrower thumbnails, all of them
    assert MIN_COLS <= cols < THUMB_COLS and units == tuple(range(8))
    assert 8 * cols + 7 <= 60
    cols, units = strip_layout(8, 40, 6)  # as many as fit, the selected one among them
    assert cols == MIN_COLS and 6 in units and len(units) < 8
    assert len(units) * (cols + 1) + len(f"+{8 - len(units)} more") <= 40
    assert units == tuple(range(units[0], units[0] + len(units)))
    assert strip_layout(0, 40, 0)[1] == ()


def test_shading_and_marker_read_without_colour() -> None:
    surface = np.array([[0.0, 0.3], [0.6, 0.9]])
    assert shade_rows(surface, 4, 2) == ["  ··", "░░▒▒"]
    assert shade_rows(np.array([[np.nan, 1.0]]), 2, 1) == [" ▒"]
    assert label_text("h1.2", True, 8) == " »h1.2« "
    assert label_text("h1.2", False, 8) == "  h1.2  "
    assert label_text("h6.8", True, MIN_COLS) == "»h6.8«"
