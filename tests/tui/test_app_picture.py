"""The predictions picture as a person sees it in the app: the decision surface is there after a
pane switch, the lines of the ``line`` run cross the plot, regression residuals say above, below
or on."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import settle, train_to_end
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.axes import dashes
from tui.charts.base import ChartPlot
from tui.charts.glyphs import legend
from tui.charts.predictions import (
    MARK_ABOVE,
    MARK_BELOW,
    MARK_ON,
    SHADES,
    PredictionsPlot,
    PredictionView,
)
from tui.charts.scatter import thin_dense


def plot_area(plot: ChartPlot) -> list[str]:
    """The plot area's rows (top first), inside the frame plotext drew."""
    rows = plot.picture().plain.split("\n")
    area = plot.plot_area
    assert area is not None
    return [rows[y][area.x : area.right] for y in range(area.y, area.bottom)]


def spiral_app() -> NeuronApp:
    """A small network on the spiral: a non-linear model, so the plot is shaded."""
    return NeuronApp(
        DataConfig(name="spiral", samples=300, test_samples=300),
        ModelConfig(hidden=(8, 8), init="xavier"),
        TrainConfig(iterations=1000, lr=0.03, optimizer="adam"),
    )


async def shaded_cells(pilot: Pilot[None]) -> int:
    """How many cells of the visible predictions plot are shaded, once the screen settled."""
    await settle(pilot)
    await pilot.pause()
    plot = pilot.app.query_one("#scatter", PredictionsPlot)
    assert plot.size.width > 0, "the predictions plot is not on screen"
    return sum(row.count(shade) for row in plot_area(plot) for shade in SHADES[1:])


@pytest.mark.parametrize(
    ("size", "elsewhere"), [((80, 24), "3"), ((120, 40), "5")], ids=["80x24", "120x40"]
)
async def test_surface_is_drawn_when_the_pane_is_shown_after_training(
    size: tuple[int, int], elsewhere: str
) -> None:
    """Trained while another pane was shown, then `4`: the surface is there at once (it was
    missing until `4` was pressed a second time: the view was made while the plot had no size)."""
    app = spiral_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(elsewhere)
        await train_to_end(pilot)
        await pilot.press("4")
        assert await shaded_cells(pilot) > 0
        # And after a resize (to the same layout), and back from another pane.
        await pilot.resize_terminal(size[0] + 10, size[1] + 4)
        assert await shaded_cells(pilot) > 0
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("4")
        assert await shaded_cells(pilot) > 0


BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


def line_cells(area: list[str], chars: set[str]) -> list[tuple[int, int]]:
    """(column, row from the top) of every cell of the plot area showing one of ``chars``."""
    return [(x, y) for y, row in enumerate(area) for x, ch in enumerate(row) if ch in chars]


def assert_crosses(area: list[str], cells: list[tuple[int, int]], what: str) -> None:
    """The line's ``cells`` run from one edge of the plot area to another (left or bottom or
    top at its left end, right or top or bottom at its right end, within a cell), with no two
    columns in a row where it does not show."""
    h, w = len(area), len(area[0])
    assert cells, f"no {what} on the plot"
    cols = sorted({x for x, _ in cells})
    first = [y for x, y in cells if x == cols[0]]
    last = [y for x, y in cells if x == cols[-1]]

    def at_edge(col: int, rows: list[int], side: int) -> bool:
        return abs(col - side) <= 1 or min(rows) <= 1 or max(rows) >= h - 2

    assert at_edge(cols[0], first, 0), f"{what} starts inside the plot: {cols[0]}, {first}"
    assert at_edge(cols[-1], last, w - 1), f"{what} ends inside the plot: {cols[-1]}, {last}"
    gaps = [b - a for a, b in itertools.pairwise(cols)]
    assert max(gaps, default=1) <= 2, f"{what} is hidden over {max(gaps) - 1} columns: {cols}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_line_run_boundary_and_true_line_cross_the_plot(size: tuple[int, int]) -> None:
    """The finished `line` run: the learned boundary (braille) and the true line (``/``) are
    both drawn over the points from one edge of the plot to the other; where they share cells
    each shows in every other one."""
    app = NeuronApp()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        await pilot.press("4")
        await settle(pilot)
        plot = app.query_one("#scatter", PredictionsPlot)
        area = plot_area(plot)
        boundary = line_cells(area, BRAILLE)
        true = line_cells(area, {"/"})
        # The boundary takes one cell per column at least: it crosses the plot.
        assert len(boundary) >= len(area[0]) // 2
        assert_crosses(area, boundary, "boundary")
        assert_crosses(area, true, "true line")
        # Points are still drawn around the lines.
        text = "\n".join(area)
        assert text.count("o") > 50 and text.count("x") > 50


async def test_regression_residuals_say_above_below_or_on() -> None:
    """reg-plane fitted to R² 1.000: the points are on the fit (``=``), not all ``+`` (which
    read as "everything above"); the legend names the three markers."""
    app = NeuronApp(
        DataConfig(name="reg-plane", samples=300, test_samples=300),
        train_cfg=TrainConfig(iterations=2000, lr=0.1),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        ev = app.controller.evaluate()
        assert ev is not None and ev.test.r2 > 0.9995  # type: ignore[union-attr]
        await pilot.press("4")
        await settle(pilot)
        plot = app.query_one("#scatter", PredictionsPlot)
        text = "\n".join(plot_area(plot))
        assert text.count(MARK_ON) > 30
        assert text.count(MARK_ABOVE) + text.count(MARK_BELOW) < text.count(MARK_ON) / 10
        # The legend, on the title row or beside the plot, names all three.
        legend = plot.picture().plain.split("\n")[0]
        side = app.query_one("#plot-legend", Static)
        legend += "\n" + str(side.render())
        for words in (f"{MARK_ABOVE} above fit", f"{MARK_BELOW} below fit", f"{MARK_ON} on fit"):
            assert words in legend


def _line_view() -> PredictionView:
    rng = np.random.default_rng(3)
    X = rng.uniform(-10, 10, (2, 300))
    Y = (X[1] > 1.23 * X[0] + 3.23).astype(float)[None, :]
    pred = Y.copy()
    pred[0, :5] = 1 - pred[0, :5]
    return PredictionView(
        X=X,
        Y=Y,
        pred=pred,
        problem="classification",
        feature_names=("x1", "x2"),
        boundary=(1.2, -1.0, 3.0),
        true_line=(1.23, 3.23),
    )


class Host(App[None]):
    """Two predictions plots side by side, a wide one and a narrow one (as the network pane's
    and the predictions pane's)."""

    def compose(self) -> ComposeResult:
        yield PredictionsPlot(id="wide")
        yield PredictionsPlot(id="narrow")


async def test_legend_says_the_same_words_at_every_width() -> None:
    """A glyph is named with the same words wherever it is named: a narrow plot's legend gives
    some entries their glyph alone, never other words (it said ``o 0`` where a wide one said
    ``o predicted 0``)."""
    app = Host()
    async with app.run_test(size=(150, 20)) as pilot:
        wide = app.query_one("#wide", PredictionsPlot)
        narrow = app.query_one("#narrow", PredictionsPlot)
        wide.styles.width = 110
        narrow.styles.width = 40
        await pilot.pause()
        for plot in (wide, narrow):
            plot.show(_line_view())
        await pilot.pause()
        full = wide.picture().plain.split("\n")[0].strip()
        named = set(full.split("  "))
        assert {"o predicted 0", "x predicted 1", "! misclassified"} <= named
        assert "⠤ boundary" in named and any(e.endswith(" true line") for e in named)
        short = narrow.picture().plain.split("\n")[0].strip()
        assert short and short != full
        glyphs = {entry.split(" ")[0] for entry in named}
        for part in short.split("  "):
            assert part in named or part in glyphs, part
        assert wide.legend_complete and not narrow.legend_complete
        assert narrow.legend_entries == wide.legend_entries


def test_dense_plain_points_thin_to_every_other_cell() -> None:
    """A full row of correct points keeps every other cell; a point alone keeps its cell; the
    misclassified ones keep theirs whatever their neighbours."""
    box = (0.0, 9.0, 0.0, 9.0)
    cells = (10, 10)
    row = np.arange(10, dtype=np.float64)
    x = np.concatenate([row, [5.0], row])
    y = np.concatenate([np.full(10, 2.0), [7.0], np.full(10, 5.0)])
    keep = np.ones(21, dtype=bool)
    plain = np.ones(21, dtype=bool)
    plain[11:] = False  # the last row: misclassified
    out = thin_dense(x, y, keep, plain, box, cells)
    assert out[:10].tolist() == [(c + 2) % 2 == 0 for c in range(10)]
    assert out[10]  # alone on its row (column 5 + row 7 is even anyway)
    assert out[11:].all()
    lone = thin_dense(
        np.array([4.0]), np.array([7.0]), np.ones(1, bool), np.ones(1, bool), box, cells
    )
    assert lone[0]  # an odd cell, but no neighbour: kept


def test_dashes_lie_on_the_line_every_other_cell() -> None:
    box = (-10.0, 10.0, -20.0, 20.0)
    x, y = dashes(1.0, -1.0, 2.0, box, (40, 10))  # y = x + 2, flat on screen
    np.testing.assert_allclose(y, x + 2)
    assert np.allclose(np.diff(x), 2 * 20 / 39)
    x, y = dashes(10.0, -1.0, 0.0, box, (20, 20))  # y = 10 x, steep: every other row
    np.testing.assert_allclose(y, 10 * x)
    assert np.allclose(np.diff(y), 2 * 40 / 19)
    assert dashes(0.0, 1.0, -50.0, box, (20, 20))[0].shape == (0,)  # y = 50: outside


def test_legend_keeps_the_words_of_the_lines_first() -> None:
    entries = [
        ("class0", "o", "predicted 0"),
        ("class1", "x", "predicted 1"),
        ("boundary", "⠤", "boundary"),
    ]
    assert legend(entries, 80) == "o predicted 0  x predicted 1  ⠤ boundary"
    assert legend(entries, 20) == "o  x  ⠤ boundary"
    assert legend(entries, 5) == "o x ⠤"
    assert legend(entries, 3) == ""


@pytest.mark.usefixtures("sessions")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_surface_is_drawn_after_resume(size: tuple[int, int]) -> None:
    """A spiral network's session, resumed at the next start: pane 4 shows the surface."""
    app = spiral_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await train_to_end(pilot)
        await pilot.press("q")
        await pilot.pause()
    again = NeuronApp()
    async with again.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # resume
        await settle(pilot)
        trainer = again.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        await pilot.press("4")
        assert await shaded_cells(pilot) > 0


def test_the_classes_are_named_all_together_or_not_at_all() -> None:
    entries = [
        ("class0", "o", "0 setosa"),
        ("class1", "x", "1 versicolor"),
        ("class2", "+", "2 virginica"),
        ("wrong", "!", "misclassified"),
    ]
    assert legend(entries, 60) == "o 0 setosa  x 1 versicolor  + 2 virginica  ! misclassified"
    # Seen at 80x24: "o 0 setosa  x  +  ! misclassified" named one class of three.
    assert legend(entries, 35) == "o  x  +  ! misclassified"
    assert legend(entries, 17) == "o x + !"
    entries.append(("boundary", "⠤", "boundary"))  # the lines' words still come first
    assert legend(entries, 40) == "o  x  +  ! misclassified  ⠤ boundary"
