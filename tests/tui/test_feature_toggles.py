"""The input-feature toggles of the dataset pane (issue 13): x1, x2, x1², x2², x1·x2, sin x1,
sin x2, each on or off, by keys (Tab reaches the group, arrows move, space flips) and by mouse.

A flip changes the model's inputs like any model field (the run starts over); at least one stays
on; data that is not 2-D turns the group off and says why; sessions keep the choice; and the
app trains exactly what ``neuron-tui train --features`` trains.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import notifications, settle, train_to_end, wait_for
from textual.pilot import Pilot
from textual.widgets import Input, Select

from neuron_core.config import FEATURE_MAPS, DataConfig, ModelConfig, TrainConfig
from neuron_core.store.runfile import load_run
from tui.__main__ import main
from tui.app import NeuronApp
from tui.keys import key_rows
from tui.run.session import session_path
from tui.screens.resume import ResumeScreen, describe
from tui.widgets.feature_list import FeatureList
from tui.widgets.feature_toggles import LAST_ONE, FeatureToggles, toggle_lines

OLD_RUN = Path(__file__).parents[1] / "core" / "data" / "v1_neuron.npz"
CIRCLE = DataConfig(name="circle")  # the defaults: 1,000 train and 2,000 test points


def toggles(app: NeuronApp) -> FeatureToggles:
    return app.query_one(FeatureToggles)


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` and wait until the app handled them all (none waits in its key gate, so
    the focus a key moves has moved) and is idle again."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await pilot.press(*keys)
    await settle(pilot)
    await wait_for(pilot, lambda: not app.keys.waiting and app.keys.idle(), what="keys handled")


async def tab_to_toggles(pilot: Pilot[None]) -> FeatureToggles:
    """From anywhere: show the dataset pane (key 1), then Tab until the toggles have the focus."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await press(pilot, "1")
    group = toggles(app)
    if app.focused is not group:
        # As many Tabs as fields stand between the focus and the toggles, typed in one go.
        chain = app.screen.focus_chain
        assert app.focused is not None
        tabs = (chain.index(group) - chain.index(app.focused)) % len(chain)
        assert 0 < tabs <= 10, tabs
        await press(pilot, *["tab"] * tabs)
    assert app.focused is group, f"Tab did not reach the toggles (focus on {app.focused})"
    return group


async def click_toggle(pilot: Pilot[None], name: str) -> None:
    """Click the middle of the toggle of feature ``name``, where the widget drew it."""
    group = toggles(pilot.app)  # type: ignore[arg-type]
    index = FEATURE_MAPS.index(name)
    for y, line in enumerate(toggle_lines(group.content_size.width)):
        for i, start, end in line:
            if i == index:
                assert await pilot.click(group, offset=((start + end) // 2, y))
                await pilot.pause()
                return
    raise AssertionError(name)


def shown(group: FeatureToggles) -> str:
    """The toggles as drawn, lines joined (text only: the boxes say on or off without colour)."""
    return " ".join(str(group.render()).split())


async def test_keys_turn_features_on_and_the_circle_becomes_separable() -> None:
    app = NeuronApp(data_cfg=CIRCLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        group = toggles(app)
        assert "[x] x1" in shown(group) and "[ ] x1²" in shown(group)
        # The help (generated from the bindings) lists the toggles' keys.
        help_rows = {(r.keys, r.description) for r in key_rows(app)}
        assert ("space, ⏎", "Inputs: turn on/off") in help_rows
        # x1, x2 only: one neuron draws a line through a circle, no better than a coin.
        plain = await train_to_end(pilot)
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score <= 0.6
        await tab_to_toggles(pilot)
        await press(pilot, "right", "right", "space", "right", "space")
        assert "[x] x1²" in shown(group) and "[x] x2²" in shown(group)
        assert app.controller.model_cfg.feature_map == ("x1", "x2", "x1^2", "x2^2")
        # A new model: the run starts over from new initial parameters.
        trainer = app.controller.trainer
        assert trainer is not None and trainer is not plain and trainer.iteration == 0
        assert trainer.model_cfg.feature_map == ("x1", "x2", "x1^2", "x2^2")
        # Space belongs to the toggles while they have the focus: Escape, then space trains.
        await press(pilot, "escape")
        trained = await train_to_end(pilot)
        assert trained is trainer
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score >= 0.9
        # The network pane (and the formula) names the new inputs as a person writes them.
        params = app.controller.evaluator.network_params()
        assert params is not None and params.input_names == ("x1", "x2", "x1²", "x2²")
        # The cursor stays where it was (x2²), and the arrows wrap round the group: four to the
        # left is sin x2, three to the right from there x1², which space turns off again.
        await tab_to_toggles(pilot)
        await press(pilot, "left", "left", "left", "left", "right", "right", "right", "space")
        assert app.controller.model_cfg.feature_map == ("x1", "x2", "x2^2")


async def test_clicks_match_the_command_line_and_the_last_input_stays_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", "--dataset", "circle", "--features", "x1^2,x2^2", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    app = NeuronApp(data_cfg=CIRCLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name in ("x1^2", "x2^2", "x1", "x2"):
            await click_toggle(pilot, name)
        await settle(pilot)
        assert app.focused is toggles(app)
        assert app.controller.model_cfg.feature_map == ("x1^2", "x2^2")
        await press(pilot, "escape")
        trainer = await train_to_end(pilot)
        np.testing.assert_array_equal(trainer.model.get_params()[0].ravel(), cli["weights"])
        assert float(trainer.model.get_params()[1].ravel()[0]) == cli["bias"]
        assert float(trainer.history.train()[-1]) == cli["final_cost"]
        ev = app.controller.evaluate()
        assert ev is not None and ev.test_score == cli["test_accuracy"] >= 0.9
        # Turning off the last input is refused, and the notice says why.
        await click_toggle(pilot, "x1^2")
        await settle(pilot)
        await click_toggle(pilot, "x2^2")
        await settle(pilot)
        assert app.controller.model_cfg.feature_map == ("x2^2",)
        assert "[x] x2²" in shown(toggles(app))
        assert LAST_ONE in notifications(app)


async def test_data_that_is_not_two_dimensional_turns_the_toggles_off_and_says_why() -> None:
    model = ModelConfig(feature_map=("x1^2", "x2^2"))
    data = DataConfig(name="reg-line", samples=100, test_samples=100)
    app = NeuronApp(data_cfg=data, model_cfg=model, train_cfg=TrainConfig(iterations=50))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        group = toggles(app)
        # reg-line has one input: the model uses it as it is, and the run is not blocked.
        assert "off: these need 2-D data; this has 1 input" in shown(group)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.model_cfg.feature_map is None
        await train_to_end(pilot)
        # The toggles refuse changes and say why.
        group.focus()
        await press(pilot, "space")
        assert any("2-D data" in n for n in notifications(app))
        assert app.controller.model_cfg.feature_map == ("x1^2", "x2^2")
        # 2-D data again: the toggles are on with the choice they kept.
        app.workspace.dataset_pane.query_one("#name").value = "circle"  # type: ignore[attr-defined]
        await settle(pilot)
        await wait_for(pilot, lambda: "off:" not in shown(group), what="the toggles back on")
        trainer = app.controller.trainer
        assert trainer is not None and trainer.model_cfg.feature_map == ("x1^2", "x2^2")


async def test_csv_data_uses_the_toggles_with_two_feature_columns_only(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    rng = np.random.default_rng(0)
    rows = [
        f"{h:.3f},{w:.3f},{a:.3f},{int(h * h + w * w > 1)}" for h, w, a in rng.normal(size=(60, 3))
    ]
    csv.write_text("\n".join(["height,weight,age,label", *rows]) + "\n")
    model = ModelConfig(feature_map=("x1^2", "x2^2"))
    app = NeuronApp(model_cfg=model, train_cfg=TrainConfig(iterations=50))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1")
        app.query_one("#source", Select).value = "csv"
        await pilot.pause()
        box = app.query_one("#csv-path", Input)
        box.focus()
        box.value = str(csv)
        await press(pilot, "enter")
        # Three feature columns: the toggles are off and say why; the columns are the inputs.
        await wait_for(pilot, lambda: "this has 3 inputs" in shown(toggles(app)), what="the reason")
        trainer = app.controller.trainer
        assert trainer is not None and trainer.model_cfg.feature_map is None
        assert trainer.X_train.shape[0] == 3
        # Two feature columns: the toggles build the inputs from them (x1², x2²).
        columns = app.query_one(FeatureList)
        columns.focus()
        await pilot.pause()
        columns.deselect("age")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: "off:" not in shown(toggles(app)), what="toggles back on")
        trainer = app.controller.trainer
        assert trainer is not None and trainer.model_cfg.feature_map == ("x1^2", "x2^2")
        assert trainer.data.feature_names == ("height", "weight")


@pytest.mark.usefixtures("sessions")
async def test_the_session_keeps_the_chosen_inputs() -> None:
    data = DataConfig(name="circle", samples=100, test_samples=100)
    app = NeuronApp(data_cfg=data, train_cfg=TrainConfig(iterations=20))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await tab_to_toggles(pilot)
        await press(pilot, "right", "right", "right", "right", "space")  # x1·x2
        await press(pilot, "escape")
        await train_to_end(pilot)
        await pilot.press("q")
    assert load_run(session_path()).model_cfg.feature_map == ("x1", "x2", "x1*x2")
    again = NeuronApp()
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen))
        assert "one neuron on x1, x2, x1·x2" in describe(load_run(session_path()))
        await press(pilot, "enter")  # Resume
        assert again.controller.model_cfg.feature_map == ("x1", "x2", "x1*x2")
        assert "[x] x1·x2" in shown(toggles(again))
        # The hyperparameters pane keeps the model: applying one of its fields keeps the inputs.
        await press(pilot, "2", "]")
        assert again.controller.model_cfg.feature_map == ("x1", "x2", "x1*x2")
        # A run file from before the toggles opens, and they show its plain inputs.
        again.controller.files.open(str(OLD_RUN))
        await settle(pilot)
        await wait_for(pilot, lambda: "[ ] x1·x2" in shown(toggles(again)), what="the old run")
        assert again.controller.model_cfg.feature_map is None
        assert "[x] x1 [x] x2 [ ] x1²" in shown(toggles(again))
