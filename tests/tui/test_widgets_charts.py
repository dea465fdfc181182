"""Cost chart, predictions plot and metrics view, mounted in a small app."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from conftest import settle
from rich.console import Console
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

from neuron_core.config import DataConfig
from neuron_core.metrics import ClassificationReport, RegressionReport
from tui.app import NeuronApp
from tui.charts.base import ChartPlot, theme_color
from tui.charts.cost_axes import full_range, recent_range
from tui.charts.cost_chart import TEST_MARK, CostChart
from tui.charts.predictions import (
    MARK_0,
    MARK_1,
    MARK_WRONG,
    SHADES,
    PredictionsPlot,
    PredictionView,
)
from tui.panes.predictions import PredictionsPane
from tui.widgets.confusion import ConfusionView

BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


class Host(App[None]):
    """An app showing one widget, full screen."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def lines(plot: ChartPlot) -> list[str]:
    return plot.picture().plain.split("\n")


def plot_area(plot: ChartPlot) -> list[str]:
    """The plot area's rows (top first), inside the frame plotext drew."""
    rows = lines(plot)
    area = plot.plot_area
    assert area is not None
    return [rows[y][area.x : area.right] for y in range(area.y, area.bottom)]


def outside_plot_area(plot: ChartPlot) -> list[str]:
    """The chart's lines with the plot area blanked: the frame, ticks, labels and title."""
    rows = lines(plot)
    area = plot.plot_area
    assert area is not None
    for y in range(area.y, area.bottom):
        rows[y] = rows[y][: area.x] + " " * area.width + rows[y][area.right :]
    return rows


def cost_curve(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    it = np.arange(n)
    return 0.693 * np.exp(-it / (n / 8)) + 0.02 + 0.002 * rng.random(n)


def test_x_ranges() -> None:
    # The full view grows with the run (issue 12): 110% of the iterations done, rounded up on
    # the 1-2-3-5 ladder, never past the planned total while the run is within it.
    assert full_range(500, 10_000) == (0, 1_000)
    assert full_range(454, 10_000) == (0, 500)
    assert full_range(0, 10_000) == (0, 10)
    assert full_range(1_000, 10_000) == (0, 2_000)
    assert full_range(2_800, 10_000) == (0, 5_000)
    assert full_range(9_100, 10_000) == (0, 10_000)
    assert full_range(10_000, 10_000) == (0, 10_000)
    assert full_range(3, 5) == (0, 5)
    for n in range(1, 100_000, 997):
        lo, hi = full_range(n, 10**6)
        assert lo == 0 and 1.1 * n <= hi <= 1.1 * n * 2 + 10
    assert full_range(12_000, 10_000) == (0, 20_000)  # ran past the plan: next nice number
    assert recent_range(100_000, 1_000_000) == (90_000, 100_000)
    # The right edge moves by a quarter window (2.5k) while the window stays 10k...
    assert recent_range(95_001, 1_000_000) == (87_500, 97_500)
    assert recent_range(97_500, 1_000_000) == (87_500, 97_500)
    # ...which is the 10% rounded up to 1-2-5: past 100k iterations it becomes 20k.
    assert recent_range(100_001, 1_000_000) == (85_000, 105_000)
    assert recent_range(50, 10_000) == (0, 200)  # at least 200 iterations
    assert recent_range(100, 150) == (0, 150)  # never wider than the whole run


async def test_empty_chart_shows_frame_and_hint() -> None:
    chart = CostChart(hint="press space to train")
    async with Host(chart).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = "\n".join(lines(chart))
        assert "press space to train" in text
        assert "iteration" in text and "cost" in text
        assert "┌" in text and "┘" in text
        assert not BRAILLE & set("".join(plot_area(chart)))


async def test_cost_chart_draws_both_series_and_keeps_spikes() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(100, 30)) as pilot:
        y = cost_curve(1_000_000)
        y[600_000] = 0.69  # a one-iteration spike late in the run
        iters = np.arange(2_500, 1_000_000, 5_000, dtype=np.int64)
        tests = y[iters] + 0.2  # above the training curve, so every marker is drawn
        chart.set_data(y, iters, tests, 1_000_000)
        await pilot.pause()
        area = plot_area(chart)
        text = "\n".join(area)
        assert BRAILLE & set(text)
        assert text.count(TEST_MARK) > 20
        labels = "\n".join(lines(chart))
        # x spans the planned run; y goes from 0 to a nice number above the highest test cost.
        assert "1M" in labels and "1.0┤" in labels and "0.8┤" in labels
        # The spike is a vertical braille line at 60% of the width reaching 0.69 (of 1.0).
        h, w = len(area), len(area[0])
        spike_col = int(0.6 * w)
        column = [row[spike_col - 1 : spike_col + 2] for row in area]
        top = min(i for i, cells in enumerate(column) if BRAILLE & set(cells))
        assert top == int((1 - 0.69) * h)
        # Elsewhere in the second half the curve stays at the bottom.
        assert not any(BRAILLE & set(row[spike_col + 3 :]) for row in area[: h - 3])


async def test_non_finite_history_draws_only_finite_values() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(80, 24)) as pilot:
        y = cost_curve(10_000)
        y[5_000] = np.nan
        y[6_000] = np.inf
        y[9_990:] = np.inf  # diverged at the end
        tests = np.array([0.5, np.nan, np.inf, -np.inf])
        chart.set_data(y, np.array([0, 10, 20, 30], dtype=np.int64), tests, 10_000)
        await pilot.pause()
        text = "\n".join(lines(chart)).lower()
        assert "nan" not in text and "inf" not in text
        assert BRAILLE & set(text)
        assert chart._ylim is not None and all(map(math.isfinite, chart._ylim))
        chart.toggle_log()
        await pilot.pause()
        assert "nan" not in "\n".join(lines(chart)).lower()
        # Only non-finite values: an empty-looking chart, no error.
        chart.clear()
        chart.set_data(np.full(100, np.nan), np.empty(0, np.int64), np.empty(0), 100)
        await pilot.pause()
        assert not BRAILLE & set("\n".join(plot_area(chart)))


async def test_redraw_only_when_visible_cells_change() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(120, 40)) as pilot:
        calls: list[tuple[Region, ...]] = []
        original = chart.refresh

        def spy(*regions: Region, **kwargs: Any) -> Any:
            calls.append(regions)
            return original(*regions, **kwargs)

        chart.refresh = spy  # type: ignore[method-assign]
        history = np.full(1_000_000, 0.25)
        none = np.empty(0, dtype=np.int64)
        chart.set_data(history[:200_000], none, np.empty(0), 1_000_000)
        await pilot.pause()
        before = lines(chart)
        redraws, n_calls = chart.redraws, len(calls)

        # Same data again, then a few more iterations at the same level: nothing visible changes.
        chart.set_data(history[:200_000], none, np.empty(0), 1_000_000)
        chart.set_data(history[:200_010], none, np.empty(0), 1_000_000)
        assert (chart.redraws, len(calls)) == (redraws, n_calls)

        # The curve grows by a few columns: one partial repaint covering just those cells.
        chart.set_data(history[:260_000], none, np.empty(0), 1_000_000)
        assert chart.redraws == redraws + 1
        assert len(calls) == n_calls + 1 and len(calls[-1]) == 1
        region = calls[-1][0]
        await pilot.pause()
        after = lines(chart)
        changed = {
            (x, y)
            for y, (a, b) in enumerate(zip(before, after, strict=True))
            for x, (ca, cb) in enumerate(zip(a, b, strict=True))
            if ca != cb
        }
        assert changed
        assert all(region.contains(x, y) for x, y in changed)
        assert region.width * region.height <= 4 * len(changed)


async def test_axes_stay_put_while_the_curve_converges() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(120, 40)) as pilot:
        y = cost_curve(100_000)
        none = np.empty(0, dtype=np.int64)
        frames = []
        ranges = []
        for n in range(20_000, 100_001, 10_000):
            chart.set_data(y[:n], none, np.empty(0), 100_000)
            frames.append(outside_plot_area(chart))
            ranges.append(chart.x_range())
        await pilot.pause()
        # The y axis (left of the plot area, and the rows above it) never moves; the x axis grows
        # with the run (issue 12), so whole frames are equal while its range is.
        area = chart.plot_area
        assert area is not None
        assert all(f[: area.bottom] == frames[0][: area.bottom] for f in frames)
        assert len(set(ranges)) < len(ranges)
        for f, r in zip(frames, ranges, strict=True):
            same = [g for g, q in zip(frames, ranges, strict=True) if q == r]
            assert all(g == f for g in same)


async def test_log_toggle_changes_the_y_scale() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(80, 24)) as pilot:
        y = cost_curve(10_000)
        chart.set_data(y, np.empty(0, np.int64), np.empty(0), 10_000)
        await pilot.pause()
        linear = "\n".join(lines(chart))
        linear_area = plot_area(chart)
        assert "0.2" in linear and "0.01" not in linear
        chart.toggle_log()
        await pilot.pause()
        assert chart.log_y
        log = "\n".join(lines(chart))
        assert "0.01" in log and "1" in log and "cost (log)" in log
        assert plot_area(chart) != linear_area
        # In log scale the converged tail is no longer flat on the floor: it sits above row 0.
        assert not BRAILLE & set(plot_area(chart)[-1])
        chart.toggle_log()
        await pilot.pause()
        assert "\n".join(lines(chart)) == linear


async def test_recent_window_shows_the_last_iterations() -> None:
    chart = CostChart()
    async with Host(chart).run_test(size=(100, 24)) as pilot:
        y = cost_curve(100_000)
        chart.set_data(y, np.empty(0, np.int64), np.empty(0), 1_000_000)
        await pilot.pause()
        chart.toggle_recent()
        await pilot.pause()
        text = "\n".join(lines(chart))
        assert "last 10k iterations" in text
        assert "90k" in text and "100k" in text and "1M" not in text
        # Its own y limits: the tail fills the plot instead of hugging the floor.
        assert BRAILLE & set("\n".join(plot_area(chart)[: len(plot_area(chart)) // 2]))


def _linear_view(wrong: int = 5) -> PredictionView:
    """The article's `line` data with a learned boundary a bit off the true line."""
    rng = np.random.default_rng(3)
    m = 400
    X = np.vstack([rng.uniform(-10, 10, m), rng.uniform(-10, 25, m)])
    Y = (X[1] > 1.23 * X[0] + 3.23).astype(float)[None, :]
    pred = Y.copy()
    pred[0, :wrong] = 1 - pred[0, :wrong]
    # w1*x1 + w2*x2 + b = 0  <=>  x2 = 0.8*x1 + 5
    return PredictionView(
        X=X,
        Y=Y,
        pred=pred,
        problem="classification",
        feature_names=("x1", "x2"),
        boundary=(0.8, -1.0, 5.0),
        true_line=(1.23, 3.23),
    )


async def test_predictions_markers_boundary_and_true_line() -> None:
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=(100, 32)) as pilot:
        view = _linear_view()
        plot.show(view)
        await pilot.pause()
        area = plot_area(plot)
        text = "\n".join(area)
        for mark in (MARK_0, MARK_1, MARK_WRONG):
            assert mark in text
        assert text.count(MARK_WRONG) <= 5
        # The boundary x2 = 0.8 x1 + 5 is drawn in braille where it crosses the plot.
        h, w = len(area), len(area[0])
        xlo, xhi = -10 - 1.0, 10 + 1.0  # about the padded range
        hits = 0
        for col in range(2, w - 2, 6):
            x1 = xlo + (col + 0.5) * (xhi - xlo) / w
            x2 = 0.8 * x1 + 5
            row = int((x2 - (-10 - 1.75)) / (35 * 1.1) * h)
            window = "".join(area[h - 1 - r][col - 2 : col + 3] for r in range(row - 2, row + 3))
            hits += bool(BRAILLE & set(window))
        assert hits >= 8
        # The true line, in ASCII, and the legend naming everything.
        assert any(c in text for c in "-/|\\")
        title = lines(plot)[0]
        for word in ("predicted 0", "predicted 1", "misclassified", "boundary", "true line"):
            assert word in title
        assert "x1" in lines(plot)[-1] and "x2" in lines(plot)[-1]


async def test_predictions_surface_shading() -> None:
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=(90, 30)) as pilot:
        gy, gx = PredictionsPlot.grid_shape_for(90, 30)
        extent = (-5.0, 5.0, -5.0, 5.0)
        xs = np.linspace(-5, 5, gx)
        ys = np.linspace(5, -5, gy)
        gxx, gyy = np.meshgrid(xs, ys)
        surface = 1 / (1 + np.exp(3 * (np.hypot(gxx, gyy) - 3)))  # P(1) high inside r < 3
        rng = np.random.default_rng(4)
        X = rng.uniform(-5, 5, (2, 60))
        Y = (np.hypot(X[0], X[1]) < 3).astype(float)[None, :]
        view = PredictionView(
            X=X,
            Y=Y,
            pred=Y.copy(),
            problem="classification",
            feature_names=("a", "b"),
            surface=surface,
            surface_extent=extent,
        )
        plot.show(view)
        await pilot.pause()
        area = plot_area(plot)
        text = "\n".join(area)
        for shade in SHADES[1:]:
            assert shade in text
        h, w = len(area), len(area[0])
        assert area[h // 2][w // 2] in (SHADES[-1], MARK_1)  # the centre: P(1) ~ 1
        assert area[0][0] == " " and area[-1][-1] == " "  # the corners: P(1) ~ 0
        assert "P(class 1)" in lines(plot)[0]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (47, 20), (200, 60)])
async def test_surface_shades_every_cell_of_the_plot_area(size: tuple[int, int]) -> None:
    """One surface point per cell, whatever the size: no cell left blank, none outside."""
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=size) as pilot:
        await pilot.pause()
        gy, gx = PredictionsPlot.grid_shape_for(*size)
        rng = np.random.default_rng(7)
        X = rng.uniform(-1, 1, (2, 30))
        plot.show(
            PredictionView(
                X=X,
                Y=np.ones((1, 30)),
                pred=np.ones((1, 30)),
                problem="classification",
                feature_names=("a", "b"),
                surface=np.full((gy, gx), 0.9),
                surface_extent=(-1.0, 1.0, -1.0, 1.0),
            )
        )
        await pilot.pause()
        area = plot_area(plot)
        assert area and all(len(row) == len(area[0]) for row in area)
        assert set("".join(area)) <= {SHADES[-1], MARK_1}
        assert "".join(area).count(MARK_1) >= 10
        assert SHADES[-1] not in "".join(outside_plot_area(plot)[1:])  # below the legend


async def test_regression_curve_and_residual_markers() -> None:
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        x = np.linspace(0, 10, 200)
        target = 2 * x + 1 + np.sin(7 * x)
        view = PredictionView(
            X=np.vstack([x, target]),
            Y=target[None, :],
            pred=(2 * x + 1)[None, :],
            problem="regression",
            feature_names=("x", "y"),
        )
        plot.show(view)
        await pilot.pause()
        text = "\n".join(plot_area(plot))
        assert MARK_0 in text and BRAILLE & set(text)
        assert "fitted curve" in lines(plot)[0]
        two = PredictionView(
            X=np.vstack([x, x[::-1]]),
            Y=target[None, :],
            pred=target[None, :] + np.where(x > 5, 1.0, -1.0)[None, :],
            problem="regression",
            feature_names=("x1", "x2"),
        )
        plot.show(two)
        await pilot.pause()
        text = "\n".join(plot_area(plot))
        assert "+" in text and "-" in text


async def test_predictions_ignore_non_finite_points_and_clear() -> None:
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        view = _linear_view()
        X = view.X.copy()
        X[0, :50] = np.nan
        X[1, 50:60] = np.inf
        plot.show(
            PredictionView(
                X=X,
                Y=view.Y,
                pred=view.pred,
                problem="classification",
                feature_names=("x1", "x2"),
                boundary=(np.nan, 1.0, 0.0),
            )
        )
        await pilot.pause()
        text = "\n".join(lines(plot)).lower()
        assert "nan" not in text and "inf" not in text
        plot.show(
            PredictionView(
                X=np.full((2, 3), np.nan),
                Y=np.zeros((1, 3)),
                pred=np.zeros((1, 3)),
                problem="classification",
                feature_names=("x1", "x2"),
            )
        )
        await pilot.pause()
        assert "no test points" in "\n".join(lines(plot))
        plot.clear()
        await pilot.pause()
        assert "no predictions yet" in "\n".join(lines(plot))


async def test_charts_work_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    plot = PredictionsPlot()
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        plot.show(_linear_view())
        await pilot.pause()
        text = "\n".join(plot_area(plot))
        assert MARK_0 in text and MARK_1 in text and MARK_WRONG in text
        svg = app.export_screenshot()
        assert "misclassified" in svg


async def test_charts_draw_in_every_theme_of_the_palette() -> None:
    # Found by the monkey test: the palette's "Change theme" to an ANSI theme crashed the redraw
    # (its muted colours read "ansi_default 50%", which Color.parse refuses).
    app = NeuronApp(data_cfg=DataConfig(samples=200, test_samples=200))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert any(name.startswith("textual-ansi") or "ansi" in name for name in themes)
        for name in themes:
            app.theme = name
            await pilot.pause()
            assert app.is_running, name
            for chart in app.query(ChartPlot):
                assert set(chart.role_colors()) == set(chart.ROLES), name
                assert "".join(lines(chart)).strip(), name
        assert MARK_0 in "\n".join(plot_area(app.query_one(PredictionsPlot)))
        await pilot.press("q")
    assert app.return_code == 0


def test_theme_colors_with_an_opacity_and_unknown_ones() -> None:
    fallback = Color(1, 2, 3)
    assert theme_color("#ff0000", fallback) == Color(255, 0, 0)
    half = theme_color("ansi_red 50%", fallback)
    assert half.a == 0.5 and half.rgb == Color.parse("ansi_red").rgb
    assert theme_color("#00ff00 25%", fallback) == Color(0, 255, 0, 0.25)
    for junk in ("", "bold", "ansi_nothing 50%", "#ff0000 half%", "not a colour"):
        assert theme_color(junk, fallback) is fallback, junk


def _render(renderable: Any, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().rstrip("\n").split("\n")


async def test_confusion_view() -> None:
    view = ConfusionView()
    async with Host(view).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no results yet" in str(view.render())
        report = ClassificationReport.from_predictions(
            np.array([[1, 1, 0, 0, 1, 0, 1, 1]]), np.array([[1, 0, 0, 0, 1, 1, 1, 1]])
        )
        view.show(report)
        await pilot.pause()
        assert view.report is report
        out = _render(view.content, 40)
        text = "\n".join(out)
        assert "75.0%" in text and "(6 of 8)" in text
        assert "TN 2" in text and "FP 1" in text and "FN 1" in text and "TP 4" in text
        assert "pred 0" in text and "true 1" in text
        # Six lines, none wrapped in the 33 columns of the side pane.
        narrow = _render(view.content, 33)
        assert narrow == out and len(out) == 6
        assert out[1].split() == ["precision", "0.800", "recall", "0.800"] and out[2] == "F1 0.800"
        view.show(RegressionReport(mse=0.012345, rmse=0.1111, mae=0.089, r2=0.98765, m=400))
        await pilot.pause()
        text = "\n".join(_render(view.content, 40))
        assert "R² 0.988" in text and "MSE 0.0123" in text and "400 points" in text
        assert _render(view.content, 33) == text.split("\n")  # fits the side pane unwrapped
        view.show(None)
        await pilot.pause()
        assert view.report is None


class NoViews:
    """The views of an app with no run (no data yet, or new data loading)."""

    def prediction_view(self, grid: object) -> None:
        return None

    def latest(self) -> None:
        return None


async def test_predictions_pane_clears_and_redraws() -> None:
    app = NeuronApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        trainer = app.controller.trainer
        ev = app.controller.evaluate()
        assert trainer is not None and ev is not None
        pane = app.query_one(PredictionsPane)
        plot = pane.query_one(PredictionsPlot)
        confusion = pane.query_one(ConfusionView)
        assert plot._view is not None and confusion.report is ev.test
        # No run (new data loading, say): the old scatter and scores go.
        views = app.controller.evaluator
        pane.show(NoViews())  # type: ignore[arg-type]
        await pilot.pause()
        assert plot._view is None and confusion.report is None
        assert "no predictions yet" in "\n".join(lines(plot))
        pane.show(views)
        await pilot.pause()
        assert plot._view is not None and confusion.report is ev.test
        # Another evaluation of the same iteration (e.g. of new data) is drawn, not skipped.
        shown = plot._view
        views.clear()
        pane.show(views)
        assert plot._view is not shown
        # The same evaluation again costs nothing.
        redraws = plot.redraws
        shown = plot._view
        pane.show(views)
        assert plot._view is shown and plot.redraws == redraws
        # Reset: the scatter shows the untrained model (iteration 0), no longer the trained one.
        await pilot.press("r")
        await settle(pilot)
        assert app.controller.evaluate() is not None
        assert app.controller.evaluate().iteration == 0  # type: ignore[union-attr]
        assert plot._view is not shown
        assert "accuracy" in "\n".join(_render(confusion.content, 33))
