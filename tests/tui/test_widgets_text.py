"""LiveText (partial repaints), ASCII line drawing for terminals without braille, and the
formatting of values that a diverged run drives out of range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget

from neuron_core.metrics import RegressionReport
from tui.charts.cost_chart import TRAIN_SAMPLE_ASCII, CostChart
from tui.charts.glyphs import stroke_chars, stroke_runs, unicode_lines
from tui.charts.predictions import BOUNDARY_ASCII, PredictionsPlot
from tui.charts.sketch import BLANK
from tui.views.predictions import PredictionView
from tui.widgets.confusion import ConfusionView
from tui.widgets.live_text import LiveText, changed_span

BRAILLE = {chr(c) for c in range(0x2800, 0x2900)}


class Host(App[None]):
    """An app showing one widget, full screen."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


# -- LiveText ---------------------------------------------------------------------------------


def test_changed_span_is_positional() -> None:
    assert changed_span("cost 0.5", "cost 0.5") is None
    assert changed_span("Iteration 19 / 99", "Iteration 20 / 99") == (10, 12)
    # A shorter text clears the cells the longer one used.
    assert changed_span("speed 1,000 it/s", "speed 990 it/s") == (6, 16)
    assert changed_span("", "ab") == (0, 2)


async def test_live_text_repaints_only_changed_cells() -> None:
    text = LiveText("[b]running[/]", "Iteration 1 / 10", "", "cost       0.500000")
    app = Host(text)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        before = text.repaints
        lines = ["[b]running[/]", "Iteration 2 / 10", "", "cost       0.500000"]
        text.set_lines(lines)
        assert text.repaints == before + 1
        assert text.last_regions == [Region(10, 1, 1, 1)]
        assert "Iteration 2 / 10" in str(text.render())
        # The same lines again: nothing at all.
        text.set_lines(lines)
        assert text.repaints == before + 1
        # Two values change: two one-line regions, from the first to the last changed cell.
        text.set_lines(["[b]running[/]", "Iteration 3 / 10", "", "cost       0.487000"])
        assert text.last_regions == [Region(10, 1, 1, 1), Region(13, 3, 3, 1)]
        # A change of style repaints that whole line.
        text.set_lines(["[i]running[/]", "Iteration 3 / 10", "", "cost       0.487000"])
        assert text.last_regions == [Region(0, 0, 7, 1)]
        # A different number of lines: one full repaint.
        text.set_lines(["[i]running[/]", "Iteration 3 / 10"])
        assert text.last_regions == []
        await pilot.pause()
        assert text.plain == "running\nIteration 3 / 10"


async def test_live_text_lines_never_wrap() -> None:
    text = LiveText("a long line that is wider than the widget", "second")
    app = Host(text)
    async with app.run_test(size=(12, 4)) as pilot:
        await pilot.pause()
        assert text.render_line(1).text.startswith("second")


# -- ASCII lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM": "xterm-256color", "LANG": "en_US.UTF-8"}, True),
        ({"TERM": "screen"}, True),
        ({"TERM": "xterm", "LANG": "C"}, True),
        ({"TERM": "linux", "LANG": "en_US.UTF-8"}, False),
        ({"TERM": "xterm", "LC_ALL": "de_DE.ISO-8859-1", "LANG": "de_DE.UTF-8"}, False),
        ({"TERM": "xterm", "LC_CTYPE": "en_US.utf8"}, True),
        ({"TERM": "linux", "NEURON_TUI_ASCII": "0"}, True),
        ({"TERM": "xterm-256color", "NEURON_TUI_ASCII": "1"}, False),
    ],
)
def test_unicode_lines_detection(env: dict[str, str], expected: bool) -> None:
    assert unicode_lines(env) is expected


def test_ascii_strokes_follow_the_slope_on_screen() -> None:
    # (columns right, rows up) of a segment; a row is about twice as tall as a column is wide.
    segments = {
        (4, 0): "-",
        (4, 0.5): "-",  # 14 degrees on screen
        (4, 1): "/",  # 27 degrees
        (1, 1): "/",
        (4, -2): "\\",
        (1, 2): "|",  # 76 degrees
        (0, -3): "|",  # a min/max span inside one column
        (0, 0): "-",
    }
    dx = np.array([d[0] for d in segments], dtype=float)
    dy = np.array([d[1] for d in segments], dtype=float)
    assert stroke_chars(dx, dy).tolist() == list(segments.values())
    # A polyline falling, then flat, then rising: three runs of strokes sharing their ends.
    x = np.arange(7.0)
    y = np.array([3.0, 2.5, 2.0, 2.0, 2.0, 2.5, 3.0])
    assert stroke_runs(np.diff(x), np.diff(y)) == [(0, 2, "\\"), (2, 4, "-"), (4, 6, "/")]
    assert stroke_runs(np.empty(0), np.empty(0)) == []


async def test_charts_draw_ascii_lines_on_the_linux_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("NEURON_TUI_ASCII", raising=False)
    chart = CostChart()
    app = Host(chart)
    async with app.run_test(size=(60, 16)) as pilot:
        n = 400
        costs = 0.7 * np.exp(-np.arange(n) / 60.0)
        chart.set_data(costs, np.arange(0, n, 50), costs[::50], n)
        await pilot.pause()
        text = chart.picture().plain
        assert not BRAILLE & set(text)
        assert set("_-'|/\\") & set(text)
        assert f"{TRAIN_SAMPLE_ASCII} train" in text

    plot = PredictionsPlot()
    app = Host(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        rng = np.random.default_rng(0)
        X = rng.uniform(-1, 1, (2, 60))
        Y = (X[0] + X[1] > 0).astype(np.float64)[None, :]
        plot.show(
            PredictionView(
                X=X,
                Y=Y,
                pred=Y.copy(),
                problem="classification",
                feature_names=("x1", "x2"),
                boundary=(1.0, 1.0, 0.0),
                true_line=(-1.0, 0.0),
            )
        )
        await pilot.pause()
        text = plot.picture().plain
        assert not BRAILLE & set(text)
        assert f"{BOUNDARY_ASCII} bound" in text  # the legend
        assert text.count(BOUNDARY_ASCII) > 10  # and the line itself
        assert "o" in text and "x" in text


async def test_empty_titles_never_put_a_braille_blank_on_screen() -> None:
    plot = PredictionsPlot()
    app = Host(plot)
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        assert BLANK not in plot.picture().plain


# -- values out of range ------------------------------------------------------------------------


def _text(view: ConfusionView, width: int = 33) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(view.content)
    return console.export_text()


async def test_r2_of_a_diverged_fit_is_short_and_never_nan() -> None:
    view = ConfusionView()
    app = Host(view)
    async with app.run_test(size=(40, 8)):
        view.show(RegressionReport(mse=5.46e304, rmse=2.34e152, mae=2.01e152, r2=-1.056e303, m=200))
        text = _text(view)
        assert "R² -1.06e+303  (200 points)" in text
        assert max(len(line) for line in text.splitlines()) <= 33
        view.show(RegressionReport(mse=math.inf, rmse=math.inf, mae=math.nan, r2=math.nan, m=200))
        text = _text(view)
        assert "R² —" in text and "MSE —" in text and "MAE —" in text
        assert "nan" not in text and "inf" not in text
        view.show(RegressionReport(mse=0.5, rmse=0.7, mae=0.6, r2=-12.34567, m=10))
        assert "R² -12.346" in _text(view)
