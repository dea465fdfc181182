"""A session file that tries to expand (issue 10, class 2) is set aside at start like any
unreadable session: the app starts with its own run at once, says why, and keeps the file
(under ``session.npz.unreadable``); it used to load the bomb for 30 s and 8.5 GB."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import notifications, settle

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.run.session import session_path
from tui.screens.resume import ResumeScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from memory_cases import deflate_bomb, write_run

pytestmark = pytest.mark.usefixtures("sessions")


async def test_a_session_bomb_is_set_aside_and_the_app_starts(tmp_path: Path) -> None:
    path = session_path()
    path.parent.mkdir(parents=True)
    good = write_run(tmp_path / "good.npz", 300)
    deflate_bomb(good, path, {"test_iters": "<i8", "test_costs": "<f8"}, 5_000_000)
    bomb = path.read_bytes()
    app = NeuronApp(data_cfg=DataConfig(samples=100, test_samples=100))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ResumeScreen)
        shown = [n for n in notifications(app) if "could not be read" in n]
        assert shown and "'test_iters' is compressed" in shown[0], notifications(app)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "ready" and trainer.history.n == 0
    assert not path.exists()
    assert path.with_name("session.npz.unreadable").read_bytes() == bomb
