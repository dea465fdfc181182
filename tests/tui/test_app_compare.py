"""Compare… in the palette: a grid of runs from the current settings, trained in a worker while
the app stays live, each pinned on the cost chart; a bad grid is marked in the dialog; "Stop
comparing" stops it. Each pinned curve is the curve ``neuron-tui train`` gives, bit for bit."""

from __future__ import annotations

import numpy as np
from conftest import notifications, settle, wait_for
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.training.trainer import Trainer
from tui.app import NeuronApp
from tui.screens.compare import CompareDialog

SMALL = DataConfig(samples=100, test_samples=100)


async def _palette(pilot: Pilot[None], app: NeuronApp, title: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: CommandPalette.is_open(app), what="the palette")  # type: ignore[arg-type]
    await pilot.press(*title)

    def offered() -> bool:
        found = app.screen.query(OptionList)
        if not found:
            return False
        index = found.first().highlighted
        return index is not None and title in str(found.first().get_option_at_index(index).prompt)

    await wait_for(pilot, offered, what=f"{title!r} in the palette")
    await pilot.press("enter")


async def _ask(pilot: Pilot[None], app: NeuronApp, grid: str) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, CompareDialog), what="the dialog")
    field = app.screen.query_one("#grid", Input)
    field.value = grid
    await pilot.press("enter")


async def test_compare_pins_each_run_of_the_grid() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=80))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette(pilot, app, "Compare")
        await _ask(pilot, app, "--lr 0.1,0.03,x")
        message = app.screen.query_one("#compare-message", Static)
        await wait_for(pilot, lambda: "must be a number" in str(message.render()))
        await wait_for(pilot, lambda: message.display and message.region.height > 0, what="shown")
        assert isinstance(app.screen, CompareDialog)  # still open, saying why
        await _ask(pilot, app, "--optimizer gd,adam --lr 0.03")
        await wait_for(pilot, lambda: len(app.pin_board.pins) == 2, what="two pins")
        await settle(pilot)
        assert any("2 of 2 runs trained and pinned" in n for n in notifications(app))
        assert [p.settings.get("--optimizer") for p in app.pin_board.pins] == [None, "adam"]
        # The pinned curve is the run `train` makes: the same configs, the same costs.
        want = Trainer(load(SMALL), ModelConfig(), TrainConfig(iterations=80, optimizer="adam",
                                                               lr=0.03))  # fmt: skip
        want.run()
        pin = app.pin_board.pins[1]
        assert pin.length == 80
        np.testing.assert_array_equal(pin.costs, want.history.train()[pin.iters.astype(int)])
        # The current run was left alone.
        assert app.controller.trainer is not None and app.controller.trainer.iteration == 0


async def test_stop_comparing_stops_the_worker() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=10_000_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _palette(pilot, app, "Compare")
        await _ask(pilot, app, "--lr 0.1,0.3")
        await wait_for(pilot, lambda: app._compare_stop is not None, what="comparing")
        await _palette(pilot, app, "Stop comparing")
        await wait_for(pilot, lambda: app._compare_stop is None, what="stopped")
        await settle(pilot)
        assert app.pin_board.pins == []
        assert any("0 of 2 runs" in n for n in notifications(app))
