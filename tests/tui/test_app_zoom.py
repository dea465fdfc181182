"""Zoom (``z``, Escape, the palette's Maximize) and the cost chart's cursor (arrows, Escape, the
mouse), driven by keys as a person would, at 80x24 and 120x40 (issue 12)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from conftest import palette_choose, settle
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.base import ChartPlot
from tui.charts.cost_chart import CostChart
from tui.charts.cost_cursor import MARK, column_iteration, format_cost, iteration_column
from tui.charts.predictions import PredictionsPlot
from tui.keys import key_rows
from tui.panes.network import NetworkPane
from tui.panes.predictions import PredictionsPane
from tui.screens.too_small import TooSmallScreen

DATA = DataConfig(name="circle", samples=200, test_samples=200, noise=0.05)
MODEL = ModelConfig(hidden=(4,), activation="tanh", init="xavier")
TRAIN = TrainConfig(optimizer="adam", lr=0.03, iterations=300)
SIZES = [(80, 24), (120, 40)]
PANE_KEYS = {"training": "3", "predictions": "4", "network": "5"}
CHART_IDS = {"training": "#cost-chart", "predictions": "#scatter", "network": "#neuron-plot"}


async def until(pilot: Pilot[None], cond: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (polling what the app shows) until ``cond()`` holds."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out waiting for the screen"
        await pilot.pause(0.02)


async def trained(pilot: Pilot[None]) -> NeuronApp:
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)
    assert app.controller.trainer is not None
    assert app.controller.trainer.status == "completed"
    return app


def full_screen(app: NeuronApp, chart: ChartPlot) -> bool:
    """The chart fills the screen above the one-line footer."""
    w, h = app.size
    return app.screen.maximized is chart and (chart.size.width, chart.size.height) == (w, h - 1)


def surface_shape(app: NeuronApp, pane: str) -> tuple[int, ...] | None:
    """The shape of the surface drawn on the predictions or the neuron plot (None: none)."""
    if pane == "predictions":
        view = app.query_one(PredictionsPane)._shown
    else:
        view = app.query_one(NetworkPane).neuron_view
    return None if view is None or view.surface is None else view.surface.shape


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("pane", ["training", "predictions", "network"])
@pytest.mark.parametrize("back", ["z", "escape"])
async def test_z_zooms_the_chart_in_view_and_z_or_escape_gives_it_back(
    size: tuple[int, int], pane: str, back: str
) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await trained(pilot)
        await pilot.press(PANE_KEYS[pane])
        await settle(pilot)
        chart = app.query_one(CHART_IDS[pane], ChartPlot)
        small = (chart.size.width, chart.size.height)
        focused = app.focused
        assert app.screen.active_bindings["z"].binding.action == "zoom"

        await pilot.press("z")
        await until(pilot, lambda: full_screen(app, chart))
        await settle(pilot)
        area = chart.plot_area
        assert area is not None and area.width > small[0] - 12
        # What is drawn is drawn for the new size: the picture, and any surface's grid.
        assert len(chart.picture().plain.split("\n")[0]) == size[0]
        if pane != "training":
            grid = PredictionsPlot.grid_shape_for(size[0], size[1] - 1)
            await until(pilot, lambda: surface_shape(app, pane) == grid)
        if pane == "predictions" and size == (80, 24):
            assert area.width >= 70
        assert app.screen.active_bindings["z"].binding.action == "unzoom"

        await pilot.press(back)
        await until(pilot, lambda: app.screen.maximized is None)
        await settle(pilot)
        assert (chart.size.width, chart.size.height) == small
        assert app.focused is focused
        assert len(chart.picture().plain.split("\n")[0]) == small[0]
        if pane != "training":
            grid = PredictionsPlot.grid_shape_for(*small)
            await until(pilot, lambda: surface_shape(app, pane) == grid)


async def test_zoom_from_a_form_pane_takes_the_last_chart_shown() -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await trained(pilot)
        await pilot.press("4", "2")  # the scatter was shown, then the hyperparameters focused
        await settle(pilot)
        await pilot.press("z")
        scatter = app.query_one("#scatter", ChartPlot)
        await until(pilot, lambda: full_screen(app, scatter))
        await pilot.press("z")
        await until(pilot, lambda: app.screen.maximized is None)
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await trained(pilot)
        await pilot.press("1", "z")  # the tab layout on the dataset tab: the cost chart
        chart = app.query_one(CostChart)
        await until(pilot, lambda: full_screen(app, chart))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.maximized is None)
        assert app.workspace.active_pane == "dataset"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_palette_maximize_zooms_the_chart_not_the_diagram(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await trained(pilot)
        await pilot.press("5")  # the network diagram has the focus
        await settle(pilot)
        for command, zoomed in (("maximize", True), ("minimize", False)):
            # Enter once the palette's search offers the command (not after a fixed pause).
            await palette_choose(pilot, command, command.capitalize())
            plot = app.query_one("#neuron-plot", ChartPlot)
            if zoomed:
                await until(pilot, lambda: full_screen(app, plot))  # noqa: B023
            else:
                await until(pilot, lambda: app.screen.maximized is None)


async def test_zoom_survives_training_and_resizes_and_never_opens_over_the_notice() -> None:
    long = TrainConfig(optimizer="adam", lr=0.001, iterations=2_000_000)
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=long)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "z")
        chart = app.query_one(CostChart)
        await until(pilot, lambda: full_screen(app, chart))
        trainer = app.controller.trainer
        assert trainer is not None
        start, redraws = trainer.iteration, chart.redraws
        await until(pilot, lambda: chart.redraws > redraws + 2 and trainer.iteration > start)
        assert full_screen(app, chart)
        assert len(chart.picture().plain.split("\n")[0]) == 80

        await pilot.resize_terminal(70, 20)  # too small: the notice covers the zoom
        await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.press("z", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await until(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
        await until(pilot, lambda: full_screen(app, chart))
        await pilot.press("space", "z")
        await until(pilot, lambda: app.screen.maximized is None)

        # Not over the notice, nor over the help.
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.press("z")
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
        await settle(pilot)
        assert app.screen.maximized is None
        await pilot.press("f1", "z", "escape")
        await settle(pilot)
        assert app.workspace.screen.maximized is None


def readout_matches_history(app: NeuronApp, chart: CostChart) -> None:
    """The cursor's readout is the history at its iteration, and the chart's top line says so."""
    trainer = app.controller.trainer
    assert trainer is not None and chart.cursor is not None
    r = chart.readout()
    assert r is not None and r.iteration == chart.cursor
    assert r.train == trainer.history.train()[chart.cursor]
    iters, costs = trainer.history.test()
    k = int(np.flatnonzero(iters <= chart.cursor)[-1])
    assert (r.test_iteration, r.test) == (int(iters[k]), costs[k])
    top = chart.picture().plain.split("\n")[0]
    assert format_cost(r.train) in top and format_cost(r.test) in top


def marker_column(chart: CostChart) -> int:
    """The plot column (from the plot area's left) where most rows show the cursor's mark."""
    rows = chart.picture().plain.split("\n")
    area = chart.plot_area
    assert area is not None
    counts = [
        sum(rows[y][area.x + c] == MARK for y in range(area.y, area.bottom))
        for c in range(area.width)
    ]
    best = int(np.argmax(counts))
    assert counts[best] >= area.height // 2, counts
    return best


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_cursor_keys_read_the_history(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await trained(pilot)
        chart = app.query_one(CostChart)
        assert app.screen.active_bindings["left"].binding.action == "cursor(-1)"
        await pilot.press("left")
        await until(pilot, lambda: chart.cursor == TRAIN.iterations - 1)
        readout_matches_history(app, chart)
        seen = [chart.cursor]
        for _ in range(6):
            await pilot.press("left")
            await until(pilot, lambda: chart.cursor != seen[-1])
            seen.append(chart.cursor)
            readout_matches_history(app, chart)
        assert seen == sorted(seen, reverse=True)
        area = chart.plot_area
        assert area is not None
        assert marker_column(chart) == iteration_column(chart.cursor, area.width, chart.x_range())
        # Each key moved the mark by one plot column.
        cols = [iteration_column(i, area.width, chart.x_range()) for i in seen]
        assert np.all(np.diff(cols[1:]) == -1), cols
        await pilot.press("right")
        await until(pilot, lambda: chart.cursor == seen[-2])
        readout_matches_history(app, chart)

        await pilot.press("escape")
        await until(pilot, lambda: chart.cursor is None)
        assert "train cost" in chart.picture().plain.split("\n")[0]
        # Leaving the pane hides it too.
        await pilot.press("left")
        await until(pilot, lambda: chart.cursor is not None)
        await pilot.press("2")
        await until(pilot, lambda: chart.cursor is None)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_cursor_keys_work_on_the_zoomed_chart(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await trained(pilot)
        await pilot.press("2", "z", "left", "left")  # from a form: the cost chart is zoomed
        chart = app.query_one(CostChart)
        await until(pilot, lambda: full_screen(app, chart) and chart.cursor is not None)
        await until(pilot, lambda: chart.cursor is not None and chart.cursor < 299)
        readout_matches_history(app, chart)
        area = chart.plot_area
        assert area is not None and area.width > size[0] - 10
        assert marker_column(chart) == iteration_column(chart.cursor, area.width, chart.x_range())
        await pilot.press("escape")  # back from the zoom first
        await until(pilot, lambda: app.screen.maximized is None)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_mouse_puts_the_cursor_on_the_chart(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=DATA, model_cfg=MODEL, train_cfg=TRAIN)
    async with app.run_test(size=size) as pilot:
        await trained(pilot)
        chart = app.query_one(CostChart)
        area = chart.plot_area
        assert area is not None
        column = area.width // 3
        await pilot.click(CostChart, offset=(area.x + column, area.y + 2))
        expected = column_iteration(column, area.width, chart.x_range())
        await until(pilot, lambda: chart.cursor == expected)
        readout_matches_history(app, chart)
        assert marker_column(chart) == column
        await pilot.hover(CostChart, offset=(area.x + 2 * column, area.y + 2))
        expected = column_iteration(2 * column, area.width, chart.x_range())
        await until(pilot, lambda: chart.cursor == expected)
        readout_matches_history(app, chart)


def test_zoom_and_cursor_are_in_the_help_and_the_palette() -> None:
    table = key_rows(NeuronApp())
    rows = {row.keys: row for row in table}
    assert rows["z"].description == "Zoom / Unzoom" and "screen" in rows["z"].explanation
    assert rows["←→"].description == "Cursor" and "cost" in rows["←→"].explanation
    assert any(r.keys == "esc" and r.description == "Hide cursor" for r in table)
