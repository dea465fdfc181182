"""Pilot tests of every key of the app: run control, data, chart, panes, help, palette, quit."""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import pytest
from conftest import notifications, palette_choose, settle, train_to_end, wait_for
from rich.console import Console
from textual.widgets import Input, Static, Tabs

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.panes.dataset import DatasetPane
from tui.panes.fields import Field
from tui.panes.hyper import HyperPane
from tui.panes.training import TrainingPane
from tui.screens.help import HelpScreen

SMALL = DataConfig(samples=200, test_samples=200)
# Long enough that a run is still going when the test pauses or quits it.
LONG = TrainConfig(iterations=50_000_000)


def stats_text(app: NeuronApp) -> str:
    return str(app.query_one("#stats", Static).render())


async def test_fresh_app_is_ready_with_training_focused() -> None:
    app = NeuronApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is app.query_one(TrainingPane)
        assert app.controller.trainer is not None
        assert app.controller.trainer.status == "ready"
        text = stats_text(app)
        assert "ready" in text
        assert "Iteration 0 / 2,000" in text
        status = str(app.query_one("#status-line", Static).render())
        assert "Iteration 0 / 2,000" in status


async def test_space_runs_the_default_line_run_to_the_end() -> None:
    app = NeuronApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None
        assert trainer.status == "completed"
        assert trainer.iteration == 2000
        # The first cost of a zero-initialised neuron is ln 2.
        assert trainer.history.train()[0] == pytest.approx(np.log(2.0), abs=1e-12)
        text = stats_text(app)
        assert "finished" in text
        assert "Iteration 2,000 / 2,000" in text
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score > 0.97


async def test_space_pauses_and_resumes() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 1000)
        assert "running" in stats_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "paused"
        paused_at = trainer.iteration
        assert 0 < paused_at < LONG.iterations
        await pilot.pause(0.1)
        assert trainer.iteration == paused_at  # really stopped
        assert "paused" in stats_text(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: trainer.iteration > paused_at + 1000)
        assert app.controller.running
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "paused"


async def test_footer_space_label_follows_the_state() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def space_action() -> str:
            return app.screen.active_bindings["space"].binding.action

        assert space_action() == "start"
        await pilot.press("space")
        await pilot.pause()
        assert space_action() == "pause"
        await pilot.press("space")
        await settle(pilot)
        assert space_action() == "resume"


async def test_n_steps_one_iteration_while_paused() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None
        await pilot.press("n")
        await pilot.pause()
        assert trainer.iteration == 1
        assert trainer.status == "paused"
        await pilot.press("n", "n")
        await pilot.pause()
        assert trainer.iteration == 3
        assert "Iteration 3 / 2,000" in stats_text(app)


async def test_n_while_running_is_refused_with_a_notice() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert app.controller.running
        await pilot.press("n")
        await pilot.pause()
        assert any("pause first" in n for n in notifications(app))
        await pilot.press("space")
        await settle(pilot)


async def test_r_resets_to_the_same_initial_parameters_and_data() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None
        X_before = trainer.data.X_train.copy()
        first = [p.copy() for p in trainer.model.get_params()]
        await pilot.press("space")
        await settle(pilot)
        assert trainer.iteration == 2000
        costs = trainer.history.train().copy()
        await pilot.press("r")
        await settle(pilot)
        # A new trainer on the same data; the trained one is kept as it was, for undo (u).
        old, trainer = trainer, app.controller.trainer
        assert trainer is not None and trainer is not old and trainer.data is old.data
        assert old.iteration == 2000
        assert trainer.iteration == 0
        assert trainer.status == "ready"
        for a, b in zip(trainer.model.get_params(), first, strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(trainer.data.X_train, X_before)
        assert "Iteration 0 / 2,000" in stats_text(app)
        # The same run again gives the same costs.
        await pilot.press("space")
        await settle(pilot)
        assert trainer.iteration == 2000
        np.testing.assert_array_equal(trainer.history.train(), costs)


async def test_r_while_running_stops_and_resets() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 100)
        await pilot.press("r")
        await settle(pilot)
        assert not app.controller.running
        reset = app.controller.trainer  # a new trainer: the stopped one is kept for undo
        assert reset is not None and reset is not trainer and trainer.iteration > 100
        assert reset.iteration == 0
        assert reset.status == "ready"


async def test_g_draws_new_data_with_the_next_seed() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        old = app.controller.trainer
        assert old is not None
        await pilot.press("n", "n")
        await pilot.press("g")
        await settle(pilot)
        assert app.controller.data_cfg.seed == 1
        assert app.query_one("#data-seed", Input).value == "1"
        new = app.controller.trainer
        assert new is not None and new is not old
        assert new.iteration == 0
        assert not np.array_equal(new.data.X_train, old.data.X_train)
        await pilot.press("g")
        await settle(pilot)
        assert app.query_one("#data-seed", Input).value == "2"


async def test_l_and_w_toggle_the_chart_scale_and_window() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        chart = app.query_one(TrainingPane).chart
        assert not chart.log_y
        await pilot.press("l")
        await pilot.pause()
        assert chart.log_y
        assert "log y" in stats_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert not chart.log_y
        await pilot.press("w")
        await pilot.pause()
        assert chart.recent
        assert "recent" in stats_text(app)


async def test_brackets_step_the_learning_rate_presets() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.controller.train_cfg.lr == 0.3
        assert app.query_one("#lr", Input).value == "0.3"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert app.controller.train_cfg.lr == 0.03
        trainer = app.controller.trainer
        assert trainer is not None and trainer.train_cfg.lr == 0.03


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_the_real_bindings_and_escape_closes(key: str) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.table)
        text = console.export_text()
        for binding in NeuronApp.BINDINGS:
            assert binding.description in text, binding.description  # type: ignore[union-attr]
        assert "Leave field" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_number_keys_switch_panes_in_the_compact_layout() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.query_one("#body").has_class("-compact")
        for key, pane in (
            ("1", "dataset"),
            ("2", "hyper"),
            ("4", "predictions"),
            ("3", "training"),
        ):
            await pilot.press(key)
            await pilot.pause()
            widget = app.query_one(f"#{pane}")
            assert widget.has_class("-active")
            assert widget.display
            assert app.query_one(Tabs).active == f"tab-{pane}"
            assert app.focused is widget
            others = [
                app.query_one(f"#{p}") for p in ("dataset", "hyper", "training", "predictions")
            ]
            assert sum(w.region.area > 0 for w in others) == 1


async def test_wide_layout_shows_all_four_panes_and_resizing_switches() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#body").has_class("-wide")
        panes = [app.query_one(f"#{p}") for p in ("dataset", "hyper", "training", "predictions")]
        assert all(p.region.area > 0 for p in panes)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 100)
        # Resizing while training works.
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: sum(p.region.area > 0 for p in panes) == 1)
        assert app.query_one("#body").has_class("-compact")
        assert app.controller.running
        await pilot.resize_terminal(130, 45)
        await wait_for(pilot, lambda: all(p.region.area > 0 for p in panes))
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "paused"


async def test_tab_and_shift_tab_move_between_fields() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")  # the dataset pane
        await pilot.press("tab")
        first = app.focused
        await pilot.press("tab")
        second = app.focused
        assert first is not None and second is not None and first is not second
        await pilot.press("shift+tab")
        assert app.focused is first


async def test_enter_applies_a_field_and_gives_the_keys_back() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lr = app.query_one("#lr", Input)
        lr.focus()
        await pilot.pause()
        lr.value = ""
        await pilot.press("0", ".", "3")
        # While typing, n is a character of the field, not "step".
        await pilot.press("enter")
        await pilot.pause()
        assert app.controller.train_cfg.lr == 0.3
        assert app.focused is app.query_one(HyperPane)
        await pilot.press("n")  # now a key again
        await pilot.pause()
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 1


async def test_escape_leaves_a_field() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        field = app.query_one("#iterations", Input)
        field.focus()
        await pilot.pause()
        await pilot.press("n")  # typed into the field
        assert field.value.endswith("n")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one(HyperPane)
        assert app.query_one("#iterations", Input).value.endswith("n")
        # The bad value is marked and training refuses to start.
        assert app.query_one(HyperPane).fields()["iterations"].has_class("-invalid")
        await pilot.press("space")
        await pilot.pause()
        assert not app.controller.running
        # The notice names the field by its label, and the focus is taken there.
        assert any(n.startswith("Iterations: not a whole number") for n in notifications(app))
        assert app.focused is app.query_one("#iterations", Input)


async def test_hyperparameter_changed_while_paused_applies_to_the_continued_run() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=100_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "n")
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 3
        lr = app.query_one("#lr", Input)
        lr.focus()
        lr.value = "1"
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.trainer is trainer  # the same run goes on
        assert trainer.iteration == 3
        assert trainer.train_cfg.lr == 1.0
        await pilot.press("n")
        await pilot.pause()
        assert trainer.iteration == 4


async def test_hyperparameter_changed_while_running_applies_and_keeps_running() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 100)
        app.query_one(HyperPane).set_lr(0.01)
        await wait_for(pilot, lambda: trainer.train_cfg.lr == 0.01)
        await wait_for(pilot, lambda: app.controller.running)
        await pilot.press("space")
        await settle(pilot)
        assert trainer.status == "paused"


async def test_changing_the_data_resets_the_run() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        noise = app.query_one("#noise", Input)
        noise.focus()
        noise.value = "0.1"
        await pilot.press("enter")
        await settle(pilot)
        assert app.controller.data_cfg.noise == 0.1
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 0


async def test_q_quits_at_once_while_training() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        trainer = app.controller.trainer
        assert trainer is not None
        await wait_for(pilot, lambda: trainer.iteration > 100)
        await pilot.press("q")
        await pilot.pause()
    # How fast is a figure (benchmarks/bench_bandwidth.py measures keys in a real terminal); what
    # a test can hold is that q ends the app while it trains, with the training thread stopped.
    assert app.return_code == 0
    # The training thread has stopped: no thread is left running the trainer.
    deadline = time.monotonic() + 30.0
    while trainer.status == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert trainer.status == "paused"
    assert trainer.iteration < LONG.iterations
    assert threading.active_count() < 20


async def test_ctrl_q_quits_even_from_a_text_field() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        app.query_one("#lr", Input).focus()
        await pilot.pause()
        await pilot.press("q")  # a character in the field
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_command_palette_offers_the_bindings() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The palette searches in the background: its first answer is waited for.
        await palette_choose(pilot, "step", "Step")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.iteration == 1


async def test_field_rows_are_fields() -> None:
    # Every form control sits in a Field that names its config attribute.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = {f.field for f in app.query(Field)}
        assert {"samples", "noise", "seed", "lr", "iterations", "hidden"} <= names
        assert app.query_one(DatasetPane).errors() == {}


async def test_more_iterations_continue_a_finished_run() -> None:
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=500))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        trainer = await train_to_end(pilot)
        await pilot.press("space")  # finished: refused with the way out
        await pilot.pause()
        assert any("press r to reset" in n for n in notifications(app))
        box = app.query_one("#iterations", Input)
        box.focus()
        box.value = "800"
        await pilot.press("enter")
        await settle(pilot)
        assert trainer.status == "paused"
        assert app.screen.active_bindings["space"].binding.action == "resume"
        await pilot.press("space")
        await settle(pilot)
        assert app.controller.trainer is trainer
        assert trainer.iteration == 800
        assert "Iteration 800 / 800" in stats_text(app)


async def test_pausing_a_run_whose_chunk_takes_long_says_so_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from neuron_core.training.trainer import Trainer

    release = threading.Event()
    real_run = Trainer.run

    def one_long_chunk(self: Trainer, stop: threading.Event) -> object:
        # As on a huge data set: the pause request is noticed only when the chunk ends.
        stop.wait(60)
        release.wait(60)
        return real_run(self, stop)

    monkeypatch.setattr(Trainer, "run", one_long_chunk)
    app = NeuronApp(data_cfg=SMALL, train_cfg=LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: "running" in stats_text(app))
        # Only the state word is redrawn at the request (a full redraw of the views scores the
        # data and lays the screen out first); the views follow when the worker stops.
        redraws: list[bool] = []
        real_refresh = app.workspace.refresh_views
        monkeypatch.setattr(
            app.workspace, "refresh_views", lambda **kw: redraws.append(True) or real_refresh(**kw)
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: "pausing…" in stats_text(app), what="'pausing…' shown")
        assert app.controller.running  # the chunk has not ended
        for _ in range(3):  # every message queued meanwhile handled (the worker is held)
            await pilot.pause()
        assert not redraws
        release.set()
        await wait_for(pilot, lambda: not app.controller.running, what="the worker stopped")
        await wait_for(
            pilot, lambda: "paused" in stats_text(app) and "pausing" not in stats_text(app)
        )
        assert redraws
