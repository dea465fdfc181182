"""``benchmarks/textual_floor.py``: the floor app holds the app's first-frame widgets (so its
launch is what Textual takes for them), and the bare app counts its Escape presses."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import settle, wait_for

from tui.app import NeuronApp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from textual_floor import EscapeApp, FloorApp, census


async def test_the_floor_holds_the_apps_first_frame_widgets() -> None:
    """Widget for widget by Textual class: when the app's first frame gains or loses widgets,
    the floor must follow (``DATASET_ROWS``, ``HYPER_ROWS``, ``FloorScreen``)."""
    app = NeuronApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = census(app.screen)
    floor = FloorApp()
    async with floor.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert census(floor.screen) == expected


async def test_the_floor_shows_what_the_launch_waits_for() -> None:
    """The words ``bench_app.full_frame`` waits for: the pane titles, the footer's Quit and a
    run state."""
    floor = FloorApp()
    async with floor.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [str(pane.border_title) for pane in floor.screen.query(".pane")]
        assert titles[:4] == ["1 Dataset", "2 Hyperparameters", "3 Training", "4 Predictions"]
        assert all(pane.region.height > 0 for pane in floor.screen.query(".pane")[:4])
        assert "Quit" in str(floor.query_one("#footer").render())
        assert "ready" in str(floor.query_one("#training Static").render())


async def test_escape_counts_in_the_bare_app() -> None:
    app = EscapeApp()
    async with app.run_test() as pilot:
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: "escape 2" in str(app.query_one("#presses").render()))
