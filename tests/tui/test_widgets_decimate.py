"""Decimation and streaming extrema (``tui.charts.decimate``), axis helpers (``tui.charts.axes``)
and the reduction of scatter points and surfaces (``tui.charts.scatter``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tui.charts.axes import (
    cell_centres,
    clip_line,
    format_count,
    format_tick,
    nice_step,
    nice_up,
    snap,
    ticks_between,
    to_cells,
)
from tui.charts.decimate import StreamingExtrema, bin_extrema, column_extrema, minmax_decimate
from tui.charts.scatter import surface_levels, thin_points


def _reference(y: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain-Python min/max per bin of ``bins`` equal bins, finite values only, by position."""
    return _reference_sized(y, -(-y.shape[0] // bins))


def _reference_sized(y: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain-Python min/max per bin of ``size`` values, finite values only, by position."""
    n = y.shape[0]
    xs: list[float] = []
    vs: list[float] = []
    for start in range(0, n, size):
        chunk = y[start : start + size]
        idx = [i for i in range(chunk.shape[0]) if np.isfinite(chunk[i])]
        if not idx:
            continue
        i_min = min(idx, key=lambda i: (chunk[i], i))
        i_max = max(idx, key=lambda i: (chunk[i], -i))
        for i in sorted({i_min, i_max}):
            xs.append(start + i)
            vs.append(float(chunk[i]))
    return np.array(xs, dtype=float), np.array(vs)


def test_decimation_keeps_global_extremes_and_spikes() -> None:
    rng = np.random.default_rng(0)
    y = 0.7 * np.exp(-np.arange(100_000) / 5_000) + 0.01 * rng.random(100_000)
    y[31_337] = 5.0  # a one-iteration spike
    y[77_777] = -1.0  # and a dip
    x, v = minmax_decimate(y, 70)
    assert x.shape == v.shape
    assert x.shape[0] <= 140
    assert v.max() == 5.0 and x[np.argmax(v)] == 31_337
    assert v.min() == -1.0 and x[np.argmin(v)] == 77_777
    # x values are the iterations of the kept values, in order
    assert np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(v, y[x.astype(int)])


def test_decimation_matches_reference_with_remainder() -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(size=1_003)  # 1003 = 10 bins of 101 + a short last bin
    x, v = minmax_decimate(y, 10, x0=500)
    rx, rv = _reference(y, 10)
    np.testing.assert_array_equal(x, rx + 500)
    np.testing.assert_array_equal(v, rv)


def test_short_series_is_returned_unchanged() -> None:
    y = np.array([3.0, 1.0, 2.0, 5.0])
    x, v = minmax_decimate(y, 2, x0=10)
    np.testing.assert_array_equal(x, [10, 11, 12, 13])
    np.testing.assert_array_equal(v, y)
    assert v is not y  # a copy


def test_non_finite_values_are_skipped() -> None:
    y = np.linspace(1.0, 0.0, 1000)
    y[10] = np.nan
    y[500] = np.inf
    y[900:] = np.nan  # a diverged tail: whole bins of NaN give no point
    x, v = minmax_decimate(y, 20)
    assert np.all(np.isfinite(v))
    assert 10 not in x and 500 not in x
    assert x.max() < 900
    assert v.max() == 1.0 and v.min() == y[899]
    x2, v2 = minmax_decimate(np.array([np.nan, 1.0, np.inf]), 5)
    np.testing.assert_array_equal(x2, [1.0])
    np.testing.assert_array_equal(v2, [1.0])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 400), elements=st.floats(-1e6, 1e6)),
    st.integers(1, 50),
)
def test_decimation_property(y: np.ndarray, bins: int) -> None:
    x, v = minmax_decimate(y, bins)
    assert x.shape[0] <= max(2 * bins, y.shape[0])
    assert v.min() == y.min() and v.max() == y.max()
    np.testing.assert_array_equal(v, y[x.astype(int)])
    if y.shape[0] > 2 * bins:
        rx, rv = _reference(y, bins)
        np.testing.assert_array_equal(x, rx)
        np.testing.assert_array_equal(v, rv)


def test_bin_extrema_positions_and_validity() -> None:
    y = np.array([1.0, 5.0, 2.0, np.nan, np.nan, np.nan, 0.5])
    ext = bin_extrema(y, 3)
    np.testing.assert_array_equal(ext.valid, [True, False, True])
    assert (ext.imin[0], ext.vmin[0], ext.imax[0], ext.vmax[0]) == (0, 1.0, 1, 5.0)
    assert (ext.imin[2], ext.imax[2]) == (6, 6)
    assert bin_extrema(np.empty(0), 4).imin.shape == (0,)


def _all_points(y: np.ndarray, x0: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """What StreamingExtrema must hold: min/max per bin of y[x0:], positions absolute."""
    x, v = _reference_sized(y[x0:], size)
    return x + x0, v


def test_streaming_extrema_equals_batch_whatever_the_polling() -> None:
    rng = np.random.default_rng(2)
    y = rng.random(50_000)
    x0, size = 1_000, 97
    s = StreamingExtrema(x0, size)
    n = 0
    for step in (1, 5, 996, 1, 96, 97, 500, 3_000, 0, 12_345, 40_000):
        n = min(y.shape[0], n + step)
        s.update_dense(y[:n])
        px, pv = s.points()
        bx, bv = _all_points(y[:n], x0, size)
        np.testing.assert_array_equal(px, bx)
        np.testing.assert_array_equal(pv, bv)


def test_streaming_extrema_detects_a_reset() -> None:
    s = StreamingExtrema(0, 10)
    a = np.arange(100, dtype=float)
    s.update_dense(a)
    b = -np.arange(120, dtype=float)  # a new run that already went further than the old one
    s.update_dense(b)
    _, v = s.points()
    assert v.max() == 0.0 and v.min() == -119.0
    s.update_dense(b[:5])  # shrank: truncated history
    x, _ = s.points()
    assert x.max() == 4


def test_streaming_sparse_series() -> None:
    iters = np.arange(0, 10_000, 10, dtype=np.int64)
    vals = np.cos(iters / 700.0)
    vals[123] = 9.0
    vals[456] = np.nan
    s = StreamingExtrema(0, 250)
    for k in (1, 7, 300, 301, 1000):
        s.update_sparse(iters[:k], vals[:k])
        x, v = s.points()
        assert np.all(np.isfinite(v))
        assert np.all(np.diff(x) >= 0)
        finite = np.isfinite(vals[:k])
        assert v.max() == vals[:k][finite].max()
        assert v.min() == vals[:k][finite].min()
    x, v = s.points()
    assert x[np.argmax(v)] == 1230
    assert x.shape[0] <= 2 * 40  # 40 bins of 250 iterations


def test_nice_numbers_and_labels() -> None:
    assert [nice_step(s) for s in (0.17, 0.2, 0.21, 3.0, 700.0)] == [0.2, 0.2, 0.25, 5.0, 1000.0]
    assert [nice_up(n) for n in (0, 1, 3, 200, 201, 999_999)] == [1, 1, 5, 200, 500, 1_000_000]
    ticks, step = ticks_between(0.0, 0.8, 5)
    assert step == 0.2 and ticks == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])
    assert [format_tick(v, 0.25) for v in (0.0, 0.25, 1.5)] == ["0", "0.25", "1.50"]
    assert format_tick(123456.0, 1e5) == "1.23e+05"
    assert [format_count(v) for v in (0, 500, 2500, 1e7, 1_250_000)] == [
        "0",
        "500",
        "2.5k",
        "10M",
        "1.25M",
    ]


def test_to_cells_puts_the_limits_in_the_middle_of_the_edge_cells() -> None:
    # 10 cells over [0, 1]: centres at 0, 1/9, ..., 1 (the limits in the first and last cell).
    p = to_cells(np.array([0.0, 0.05, 0.06, 0.5, 1.0, 2.0, -1.0, np.nan]), 0.0, 1.0, 10)
    np.testing.assert_array_equal(p, [0, 0, 1, 4, 9, 9, 0, 0])
    centres = cell_centres(0.0, 1.0, 10)
    assert centres[0] == 0.0 and centres[-1] == 1.0
    np.testing.assert_array_equal(to_cells(centres, 0.0, 1.0, 10), np.arange(10))
    assert to_cells(np.array([3.0]), 1.0, 1.0, 10).tolist() == [0]  # an empty axis
    # snap: the middle of the cell, for values on the axis; others are left alone.
    v = np.array([0.0, 0.04, 0.06, 0.52, 1.0, 1.5, -0.2])
    snapped = snap(v, 0.0, 1.0, 10)
    np.testing.assert_allclose(snapped, [0.0, 0.0, 1 / 9, 5 / 9, 1.0, 1.5, -0.2])
    np.testing.assert_array_equal(
        to_cells(snapped[:5], 0.0, 1.0, 10), to_cells(v[:5], 0.0, 1.0, 10)
    )


def test_column_extrema_keeps_two_points_per_column_and_the_spikes() -> None:
    x = np.arange(1000, dtype=float)
    y = np.sin(x / 50.0)
    y[333] = 5.0
    y[10] = np.nan
    cx, cy = column_extrema(x, y, 0.0, 999.0, 40)
    assert cx.shape[0] <= 80 and np.all(np.diff(cx) > 0)
    assert cy.max() == 5.0 and cx[np.argmax(cy)] == 333
    assert np.all(np.isfinite(cy)) and 10 not in cx
    # Per column, the lowest and the highest point of the column are both kept.
    col = np.clip(np.floor(x * 40 / 999.0), 0, 39)
    for c in (0, 13, 39):
        inside = (col == c) & np.isfinite(y)
        assert y[inside].min() in cy and y[inside].max() in cy
    few_x, few_y = column_extrema(np.array([1.0, 2.0]), np.array([3.0, 4.0]), 0.0, 10.0, 5)
    assert few_x.tolist() == [1.0, 2.0] and few_y.tolist() == [3.0, 4.0]


def test_thin_points_keeps_one_per_cell_by_priority() -> None:
    # Three points in one cell (the middle of a 5x5 plot), one alone, one outside, one NaN.
    x = np.array([0.5, 0.51, 0.49, 0.0, 2.0, np.nan])
    y = np.array([0.5, 0.5, 0.52, 1.0, 0.5, 0.5])
    box = (0.0, 1.0, 0.0, 1.0)
    assert thin_points(x, y, box, (5, 5)).tolist() == [True, False, False, True, False, False]
    priority = np.array([0, 2, 2, 0, 0, 0])
    keep = thin_points(x, y, box, (5, 5), priority=priority)
    assert keep.tolist() == [False, True, False, True, False, False]


def test_surface_levels_sample_one_point_per_cell() -> None:
    # P(1) rising from left to right over a 4x8 grid covering the whole 8x4-cell plot.
    surface = np.tile(np.linspace(0.0, 1.0, 8), (4, 1))
    box = (0.0, 1.0, 0.0, 1.0)
    levels = dict(surface_levels(surface, box, box, (8, 4), np.empty(0), np.empty(0), False))
    assert sorted(levels) == [1, 2, 3]
    counts = {lv: xs.shape[0] for lv, (xs, _) in levels.items()}
    assert sum(counts.values()) == 4 * 6  # 2 of 8 columns are below 0.25: blank
    xs, ys = levels[3]
    np.testing.assert_array_equal(np.unique(to_cells(xs, 0.0, 1.0, 8)), [6, 7])
    np.testing.assert_array_equal(np.unique(to_cells(ys, 0.0, 1.0, 4)), [0, 1, 2, 3])
    # A point's cell stays blank (the point covers it); values are normalised on request.
    covered = dict(
        surface_levels(surface, box, box, (8, 4), np.array([1.0]), np.array([1.0]), False)
    )
    assert covered[3][0].shape[0] == counts[3] - 1
    raw = dict(surface_levels(surface * 100, box, box, (8, 4), np.empty(0), np.empty(0), True))
    assert {lv: v[0].shape[0] for lv, v in raw.items()} == counts


def test_line_helpers() -> None:
    seg = clip_line(1.0, -1.0, 0.0, (0.0, 10.0, 0.0, 5.0))  # y = x
    assert seg == pytest.approx((0.0, 0.0, 5.0, 5.0))
    assert clip_line(0.0, 1.0, -20.0, (0.0, 10.0, 0.0, 5.0)) is None  # y = 20: outside
    assert clip_line(0.0, 0.0, 1.0, (0.0, 1.0, 0.0, 1.0)) is None
