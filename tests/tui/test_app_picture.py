"""The predictions picture as a person sees it in the app: the decision surface is there after a
pane switch, the lines of the ``line`` run cross the plot, regression residuals say above, below
or on."""

from __future__ import annotations

import pytest
from conftest import settle, train_to_end
from textual.pilot import Pilot

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.base import ChartPlot
from tui.charts.predictions import SHADES, PredictionsPlot


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
        ModelConfig(hidden=(6, 6)),
        TrainConfig(iterations=300, lr=0.5),
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
