"""The charts' own renderer against plotext, the reference it replaces (issue 12: redraws).

The renderer must draw what plotext drew from the same sketch, cell for cell and style for
style: frame, ticks, tick labels, title, axis labels, markers, braille lines, notes. Compared
on the sketches the real chart widgets make (several sizes, every kind of picture) and on
random sketches. plotext inserts colliding tick labels in the order of a ``set`` (random from
one process to the next), so the random sketches keep their ticks a cell apart.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from plotext_reference import decode, plotext_ansi, plotext_rows
from rich.text import Text
from test_widgets_charts import Host, _linear_view, cost_curve
from textual.app import App, ComposeResult

from tui.charts.axes import format_tick, ticks_between
from tui.charts.base import ChartPlot
from tui.charts.cost_chart import CostChart
from tui.charts.picture import frame_area, row_text
from tui.charts.predictions import PredictionsPlot, PredictionView
from tui.charts.raster import to_bins
from tui.charts.render import render
from tui.charts.sketch import BLANK, BRAILLE, Sketch

COLORS = ((30, 30, 46), (205, 214, 244))
SIZES = [(80, 24), (44, 17), (120, 40), (200, 59)]


def assert_same_as_plotext(plot: ChartPlot, sizes: list[tuple[int, int]] = SIZES) -> None:
    """The widget's sketch at each size draws what plotext draws, runs and styles included."""
    for size in sizes:
        sketch = plot.sketch(*size)
        assert sketch is not None
        colors = plot.frame_colors()
        ours = render(sketch, size, colors).rows
        reference = plotext_rows(sketch, size, colors)
        for y, (a, b) in enumerate(zip(ours, reference, strict=True)):
            assert a == b, (size, y, row_text(a), row_text(b))


class Two(App[None]):
    """A cost chart and a predictions plot side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.cost, self.pred = CostChart(), PredictionsPlot()

    def compose(self) -> ComposeResult:
        yield self.cost
        yield self.pred


def _disc_view() -> PredictionView:
    """400 points of a disc, a few misclassified, over a P(class 1) surface."""
    rng = np.random.default_rng(4)
    X = rng.uniform(-6, 6, (2, 400))
    Y = (np.hypot(X[0], X[1]) < 4).astype(np.float64)[None, :]
    pred = Y.copy()
    pred[0, :9] = 1 - pred[0, :9]
    xs = np.linspace(-6.5, 6.5, 60)
    gx, gy = np.meshgrid(xs, xs[::-1])
    surface = 1 / (1 + np.exp(2 * (np.hypot(gx, gy) - 4)))
    return PredictionView(X=X, Y=Y, pred=pred, problem="classification",
                          feature_names=("x1", "x2"), surface=surface,
                          surface_extent=(-6.5, 6.5, -6.5, 6.5))  # fmt: skip


def _regression_view() -> PredictionView:
    x = np.linspace(0, 10, 200)
    target = 2 * x + 1 + np.sin(7 * x)
    return PredictionView(X=np.vstack([x, target]), Y=target[None, :],
                          pred=(2 * x + 1)[None, :], problem="regression",
                          feature_names=("x", "y"))  # fmt: skip


async def test_chart_widgets_draw_what_plotext_draws() -> None:
    app = Two()
    async with app.run_test(size=(120, 40)) as pilot:
        cost, pred = app.cost, app.pred
        assert_same_as_plotext(cost)  # empty: the frame and the hint
        assert_same_as_plotext(pred)
        y = cost_curve(3000)
        y[1500] = 5.0  # a spike far above the axis
        iters = np.arange(0, 3000, 100)
        cost.set_data(y, iters, y[iters] + 0.01, 4000)
        assert_same_as_plotext(cost)
        cost.show_cursor(1200)
        cost.log_y = True
        await pilot.pause()
        assert_same_as_plotext(cost)
        cost.unicode = False  # ASCII strokes, one series per run of equal strokes
        assert_same_as_plotext(cost)
        for view in (_linear_view(), _disc_view(), _regression_view()):
            pred.show(view)
            assert_same_as_plotext(pred)
        pred.unicode = False
        pred.show(_linear_view())
        assert_same_as_plotext(pred)


async def test_reference_decoder_matches_rich_ansi_decoder() -> None:
    """The tests' reader of plotext's output gives the characters and styles rich's gives."""
    plot = PredictionsPlot()
    async with Host(plot).run_test(size=(90, 30)) as pilot:
        plot.show(_linear_view())
        await pilot.pause()
        sketch = plot.sketch(90, 30)
        assert sketch is not None
        ansi = plotext_ansi(sketch, (90, 30), plot.frame_colors())
        rows = decode(ansi, {})
        expected = Text.from_ansi(ansi.replace(BLANK, " ")).split("\n", allow_blank=True)
        assert len(rows) == 30
        for row, line in zip(rows, expected, strict=False):
            assert row_text(row) == line.plain
            styles = [style for chars, style in row for _ in chars]
            for span in line.spans:
                assert all(s == span.style for s in styles[span.start : span.end])
            assert sum(span.end - span.start for span in line.spans) == len(styles)


def _ticks(
    lo: float, hi: float, most: int, cells: int, *, across: bool = False
) -> list[tuple[float, str]] | None:
    """Nice ticks between lo and hi, or None when two of them would share a cell, or (``across``:
    labels side by side, on the x axis) when two labels are close enough for one's place to
    depend on the other's: plotext places them in the order of a ``set``, which changes between
    processes, so its picture is no reference there (ours places them left to right)."""
    values, step = ticks_between(lo, hi, most)
    at = to_bins(np.array(values), lo, hi, cells)
    if len(set(at.tolist())) < len(values):
        return None
    labels = [format_tick(v, step) for v in values]
    if across:
        order = np.argsort(at)
        for a, b in itertools.pairwise(order):
            if at[b] - at[a] < len(labels[a]) + len(labels[b]):
                return None
    return list(zip(values, labels, strict=True))


words = st.sampled_from(["", "x1", "cost (log)", "iteration", "o predicted 0  x predicted 1"])
marks = st.sampled_from([BRAILLE, "o", "x", "!", "·", "░", "▒", "-", "/", "|", "\\", "×"])


@st.composite
def sketches(draw: st.DrawFn) -> tuple[Sketch, tuple[int, int]]:
    """A sketch as the charts make them, at a size: frame, nice ticks, up to five series of
    points or lines (some points outside the limits, some not finite), maybe a note."""
    width, height = draw(st.integers(24, 160)), draw(st.integers(8, 50))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    xlo, ylo = draw(st.floats(-100, 100)), draw(st.floats(-100, 100))
    xhi = xlo + draw(st.floats(0.01, 1000))
    yhi = ylo + draw(st.floats(0.01, 1000))
    yticks = _ticks(ylo, yhi, max(2, (height - 5) // 3), height - 5)
    assume(yticks is not None)
    assert yticks is not None
    cols = width - 2 - max(len(label) for _, label in yticks)
    xticks = _ticks(xlo, xhi, max(2, cols // 10), cols, across=True)
    assume(xticks is not None)
    assert xticks is not None
    sk = Sketch()
    sk.frame(draw(words), draw(words), draw(words))
    sk.axes((xlo, xhi), (ylo, yhi), xticks, yticks)
    for _ in range(draw(st.integers(0, 5))):
        k = draw(st.integers(1, 300))
        x = rng.uniform(xlo - 0.1 * (xhi - xlo), xhi + 0.1 * (xhi - xlo), k)
        y = rng.uniform(ylo - 0.1 * (yhi - ylo), yhi + 0.1 * (yhi - ylo), k)
        y[rng.random(k) < 0.02] = np.nan
        r, g, b = (int(c) for c in rng.integers(0, 256, 3))
        marker = draw(marks)
        if draw(st.booleans()):
            sk.line(np.sort(x), y, marker, (r, g, b))
        else:
            sk.points(x, y, marker, (r, g, b), bold=draw(st.booleans()))
    if sk.series == 0 or draw(st.booleans()):
        sk.note(draw(st.sampled_from([" ", "no iterations yet"])), (xlo + xhi) / 2,
                (ylo + yhi) / 2, (128, 128, 128))  # fmt: skip
    return sk, (width, height)


@settings(max_examples=40, deadline=None)
@given(sketches())
def test_random_sketches_draw_what_plotext_draws(case: tuple[Sketch, tuple[int, int]]) -> None:
    sketch, size = case
    ours = render(sketch, size, COLORS).rows
    reference = plotext_rows(sketch, size, COLORS)
    assert [row_text(r) for r in ours] == [row_text(r) for r in reference]
    assert ours == reference


def test_a_spike_of_any_size_costs_a_line_across_the_chart() -> None:
    """A value far outside the axis (1e300) draws a line up to the frame, where plotext
    generated a dot for every step to it (memory and time without bound); infinite and NaN
    values break the line and draw nothing."""
    x = np.arange(10.0)
    y = np.full(10, 0.5)
    y[4], y[7], y[8] = 1e300, math.inf, math.nan
    sk = Sketch()
    sk.frame("", "x", "y")
    sk.axes((0.0, 9.0), (0.0, 1.0), [(0.0, "0"), (9.0, "9")], [(0.0, "0"), (1.0, "1")])
    sk.line(x, y, BRAILLE, (255, 0, 0))
    rows = render(sk, (60, 20), COLORS).rows
    area = frame_area(rows)
    assert area is not None
    plain = [row_text(r)[area.x : area.right] for r in rows[area.y : area.bottom]]
    level = next(i for i, line in enumerate(plain) if line.startswith("⠒"))  # y = 0.5
    # A vertical line from the frame's top down to the curve, each side of the spike.
    up = [c for c in range(area.width) if all(line[c] != " " for line in plain[: level + 1])]
    assert len(up) == 2 and up[0] < area.width * 4 // 9 < up[1]
    # Nothing from the infinite value (7) to the NaN (8); the last point (9) alone.
    assert not plain[level][area.width * 6 // 9 + 1 : -1].strip()
    assert plain[level][-1] != " "


@pytest.mark.parametrize(
    ("lo", "hi", "most", "expected"),
    [
        (4.3, 7.9, 3, [5.0, 6.0, 7.0]),  # step 2 gave 6 alone (a 3-class CSV at 80x24)
        (0.0, 1.0, 3, [0.0, 0.5, 1.0]),
        (-10.0, 10.0, 3, [-10.0, 0.0, 10.0]),
        (1.0, 1.1, 2, [1.0, 1.1]),
        (0.0, 10.0, 11, [float(v) for v in range(11)]),
    ],
)
def test_ticks_are_at_least_two_and_at_most_asked(
    lo: float, hi: float, most: int, expected: list[float]
) -> None:
    ticks, step = ticks_between(lo, hi, most)
    assert all(abs(t / step - round(t / step)) < 1e-9 for t in ticks)  # multiples of it
    assert np.allclose(ticks, expected), ticks
    assert 2 <= len(ticks) <= most
    assert all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks)
