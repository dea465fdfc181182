"""Many classes in the app: the classes field (field jump), the K x K table beside the plot, a
marker per class and lettered regions on the predictions plot, K outputs in the network pane,
and the run's command line."""

from __future__ import annotations

import numpy as np
from conftest import settle, wait_for
from test_app_session import screen_text
from textual.widgets import Input

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.confusion import MultiClassReport
from tui.app import NeuronApp
from tui.charts.class_marks import CLASS_MARKS, class_series, region_cells
from tui.charts.predictions import PredictionsPlot
from tui.screens.field_jump import FieldJump
from tui.widgets.confusion import ConfusionView

BLOBS = DataConfig(name="blobs", samples=150, test_samples=150)


def test_markers_and_regions_of_many_classes_read_without_colour() -> None:
    assert len(set(CLASS_MARKS)) == 10 and not any(m.isdigit() for m in CLASS_MARKS)
    x = np.array([0.0, 2.0, 4.0, 6.0])  # a free cell between points: none is thinned out
    y = np.zeros(4)
    truth = np.array([0.0, 1.0, 2.0, 2.0])
    pred = np.array([0.0, 1.0, 2.0, 0.0])
    series, legend = class_series((x, y), truth, pred, (0, 6, -1, 1), (7, 3), ("a", "b", "c"))
    marks = {mark: xs.tolist() for xs, _, mark, _ in series}
    assert marks == {"o": [0.0], "x": [2.0], "+": [4.0], "!": [6.0]}
    assert [(g, w) for _, g, w in legend] == [
        ("o", "0 a"),
        ("x", "1 b"),
        ("+", "2 c"),
        ("!", "misclassified"),
    ]
    # Left half class 0, right half class 1: every cell at the border shows its digit.
    surface = np.array([[0.0, 0.0, 1.0, 1.0]] * 2)
    empty = np.empty(0)
    cells = dict(region_cells(surface, (0, 4, 0, 2), (0, 4, 0, 2), (4, 2), empty, empty))
    assert sorted(cells) == [0, 1]
    # The plot's limits sit in the middle of its edge cells: columns at 0, 4/3, 8/3 and 4.
    border_x = {0: 4 / 3, 1: 8 / 3}  # the columns either side of the border
    for k, (xs, _) in cells.items():
        assert np.count_nonzero(np.isclose(xs, border_x[k])) == 2  # both rows


async def test_three_classes_from_the_keyboard_train_and_show_per_class_results() -> None:
    app = NeuronApp(data_cfg=BLOBS, train_cfg=TrainConfig(iterations=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldJump), what="the jump")
        await pilot.press("c")  # the classes field (blobs and spiral only)
        field = app.query_one("#classes", Input)
        await wait_for(pilot, lambda: app.focused is field, what="the classes field")
        await pilot.press("ctrl+u", "3", "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: app.controller.data_cfg.classes == 3, what="3 classes")
        await settle(pilot)
        await pilot.press("escape", "space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
        assert trainer.model.sizes == (2, 3) and trainer.model_cfg.classes == 3
        await pilot.press("4")
        await settle(pilot)
        table = app.query_one(ConfusionView)
        await wait_for(pilot, lambda: isinstance(table.report, MultiClassReport), what="K x K")
        assert isinstance(table.report, MultiClassReport)
        assert table.report.classes == 3 and table.report.accuracy >= 0.97
        plot = app.query_one(PredictionsPlot)
        words = [w for _, _, w in plot.legend_entries]
        assert words[:3] == ["0", "1", "2"] and "predicted class" in words
        assert "--classes 3" in app.run_command()


async def test_the_network_pane_shows_one_output_per_class() -> None:
    app = NeuronApp(
        data_cfg=DataConfig(name="spiral", classes=4, samples=100, test_samples=100),
        model_cfg=ModelConfig(hidden=(3,)),
        train_cfg=TrainConfig(iterations=20),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        text = screen_text(app)
        assert all(f"out{k}" in text for k in range(4)), text
        assert "softmax" in text
