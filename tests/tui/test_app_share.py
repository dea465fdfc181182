"""Sharing from the app: started from a command line, the run's command (c), exports (ctrl+e).

``neuron-tui [OPTIONS]`` gives the app an ``AppStart`` (``tui.cli.app_start``): the settings or
a saved run, and no session prompt. ``c`` shows the command that repeats the run and copies it
(OSC 52); ``ctrl+e`` writes the exports ``neuron-tui train --export-*`` writes, or a screenshot.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.store.runfile import load_run
from tests.tui.conftest import notifications, settle, train_to_end, wait_for
from tui.__main__ import main
from tui.app import NeuronApp
from tui.cli.app_start import AppStart
from tui.run.session import session_path
from tui.screens.export import ExportScreen
from tui.screens.resume import ResumeScreen
from tui.screens.run_command import CommandScreen

SMALL = DataConfig(name="circle", samples=100, test_samples=100)
MODEL = ModelConfig(hidden=(3,), init="xavier", init_seed=2)
SHORT = TrainConfig(lr=0.5, iterations=200)


def started(data: DataConfig, model: ModelConfig, train: TrainConfig) -> NeuronApp:
    return NeuronApp(data, model, train, start=AppStart(data, model, train, given=True))


@pytest.mark.usefixtures("sessions")
async def test_options_skip_the_prompt_and_keep_an_earlier_session(tmp_path: Path) -> None:
    first = NeuronApp(data_cfg=SMALL, train_cfg=SHORT)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await train_to_end(pilot)
        await pilot.press("q")
    before = session_path().read_bytes()
    app = started(SMALL, MODEL, SHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ResumeScreen)
        trainer = await train_to_end(pilot)
        assert trainer.model_cfg.hidden == (3,) and trainer.train_cfg.lr == 0.5
        await pilot.press("q")
    # The session of the first app stays, for a start without options; the exit note says so.
    assert session_path().read_bytes() == before
    assert app.session_note is not None and "not kept as the session" in app.session_note


async def test_load_opens_the_saved_run_without_a_prompt(tmp_path: Path) -> None:
    path = str(tmp_path / "run.npz")
    assert main(["train", "--dataset", "xor", "--iterations", "40", "--save", path]) == 0
    record = load_run(path)
    app = NeuronApp(start=AppStart(path=path, record=record, given=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.controller.data_cfg.name == "xor", what="opened")
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 40
        assert app.run_path == path  # ctrl+s saves back there
        assert any(f"opened {path}" in n for n in notifications(app))


async def test_c_shows_and_copies_the_command_that_repeats_the_run() -> None:
    app = started(SMALL, MODEL, SHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandScreen), what="dialog")
        command = app.clipboard
        words = shlex.split(command)
        assert words[:2] == ["neuron-tui", "train"]
        for option in ("--dataset circle", "--hidden 3", "--init-seed 2", "--lr 0.5"):
            assert option in command
        assert str(app.screen.query_one("#command-text").render()).replace("\n", " ") == command
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandScreen), what="closed")


async def test_ctrl_e_exports_what_was_chosen_and_remembers_the_folder(tmp_path: Path) -> None:
    app = started(SMALL, MODEL, SHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trainer = await train_to_end(pilot)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="dialog")
        # What: the weights (the list opens with Enter); where: typed into the file field.
        await pilot.press("enter", "down", "enter", "tab")
        path = tmp_path / "w.json"
        field = app.screen.query_one("#export-path")
        assert str(field.value).endswith("neuron-tui-weights.json")  # type: ignore[attr-defined]
        field.value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, path.exists, what="the export")
        weights = json.loads(path.read_text())
        for layer, W in zip(weights["layers"], trainer.model.get_params()[0::2], strict=True):
            np.testing.assert_array_equal(np.array(layer["weights"]), W)
        await wait_for(pilot, lambda: any("exported the weights" in n for n in notifications(app)))
        # The next export starts in that folder, with the last kind.
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="dialog")
        value = str(app.screen.query_one("#export-path").value)  # type: ignore[attr-defined]
        assert value == str(tmp_path / "neuron-tui-weights.json")
        await pilot.press("escape")


async def test_the_palette_offers_copy_and_export() -> None:
    app = started(SMALL, MODEL, SHORT)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"copy run")
        await wait_for(pilot, lambda: "Copy run command" in _palette_text(app), what="palette")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandScreen), what="dialog")


def _palette_text(app: NeuronApp) -> str:
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    return " ".join(str(opt.prompt) for cl in lists for opt in cl.options)
