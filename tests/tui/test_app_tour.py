"""The guided tour (`neuron-tui tour`, ctrl+t): every step at 80x24 and 120x40, as a person walks
it: the step's panel and settings are on screen, the keys it names do what it says, and its
claim holds on screen (e.g. one neuron on the circle stays near 50%, x1² and x2² make it
high). ctrl+→ and `>` go on, `<` back, Escape leaves the tour with the setup kept.
"""

from __future__ import annotations

import re

import pytest
from conftest import settle, wait_for
from test_app_session import screen_text
from textual.pilot import Pilot

from tui.app import NeuronApp
from tui.cli.app_start import AppStart
from tui.cli.command import read_app_start, read_command_line
from tui.tour.steps import TourStep, parse_steps, tour_steps
from tui.widgets.tour_panel import TourPanel

# The accuracies the screen shows: the status line's (compact layout), the stats column's test
# accuracy and the predictions pane's (wide layout).
ACCURACY = re.compile(r"(?:· acc|test acc|accuracy)\s+([\d.]+)%")
COST = re.compile(r"(?:^|[│┃·]|\s{2})\s*cost\s+([\d.]+)", re.M)


def _tour_start() -> AppStart:
    ns = read_command_line(["tour"])
    assert not isinstance(ns, int)
    start = read_app_start(ns)
    assert isinstance(start, AppStart) and start.tour
    return start


def _ready(app: NeuronApp, step: TourStep) -> bool:
    c = app.controller
    t = c.trainer
    return (
        (c.data_cfg, c.model_cfg, c.train_cfg) == (step.data, step.model, step.train)
        and t is not None
        and t.status == "ready"
        and t.model_cfg == step.model
        and t.train_cfg == step.train
        and not c.busy
    )


async def _check_claim(pilot: Pilot[None], app: NeuronApp, step: TourStep) -> None:
    """Press what the step says and check what it claims, on screen."""
    check = step.check
    for key in check.get("press", []):
        await pilot.press(key)
    if "space" in check.get("press", []):
        await wait_for(
            pilot, lambda: app.controller.trainer is not None
            and app.controller.trainer.status == "completed" and not app.controller.running,
            timeout=120,
        )  # fmt: skip
        await settle(pilot)
        await pilot.pause(0.1)
    text = screen_text(app)
    if "accuracy_min" in check or "accuracy_max" in check:
        shown = [float(v) for v in ACCURACY.findall(text)]
        assert shown, text
        lo, hi = check.get("accuracy_min", 0.0), check.get("accuracy_max", 100.0)
        assert all(lo <= v <= hi for v in shown), (step.title, shown, text)
    if "cost_below" in check:
        shown = [float(v) for v in COST.findall(text)]
        assert shown and all(v < check["cost_below"] for v in shown), (step.title, text)
    if "cost_above" in check:
        costs = app.controller.trainer.history.train()  # type: ignore[union-attr]
        assert max(costs) > check["cost_above"], step.title
        # The chart's cost axis reaches that high (its top tick is above the claim).
        ticks = [float(v) for v in re.findall(r"(\d+(?:\.\d+)?)┤", text)]
        assert ticks and max(ticks) >= check["cost_above"], text
    if "math" in check:
        await wait_for(pilot, lambda: check["math"] in screen_text(app), what=check["math"])
        await pilot.press("escape")  # the Math view closes; the tour goes on
        await settle(pilot)
        assert app.touring


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_tour_walks_every_step_and_each_claim_holds(size: tuple[int, int]) -> None:
    start = _tour_start()
    steps = tour_steps()
    assert 8 <= len(steps) <= 12
    app = NeuronApp(start.data_cfg, start.model_cfg, start.train_cfg, start=start)
    async with app.run_test(size=size) as pilot:
        for i, step in enumerate(steps):
            await wait_for(pilot, lambda step=step: _ready(app, step), what=step.title)
            await settle(pilot)
            panel = app.query_one(TourPanel)
            assert panel.border_title == f"Tour {i + 1}/{len(steps)} · {step.title}"
            text = screen_text(app)
            assert f"Tour {i + 1}/{len(steps)} · {step.title}" in text
            # The whole text is on screen (wrapped to the width), and so are its settings.
            words = " ".join(text.replace("│", " ").split())
            assert " ".join(step.text.split()) in words, (step.title, text)
            assert f"/ {step.train.iterations:,}" in text
            await _check_claim(pilot, app, step)
            await pilot.press("ctrl+right" if i % 2 else "greater_than_sign")
        # Past the last step the tour ends, keeping the last step's setup.
        await wait_for(pilot, lambda: not app.touring and app.tour_panel is None)
        last = steps[-1]
        assert app.controller.data_cfg == last.data and app.controller.model_cfg == last.model


async def test_back_keys_escape_and_ctrl_t() -> None:
    start = _tour_start()
    steps = tour_steps()
    app = NeuronApp(start.data_cfg, start.model_cfg, start.train_cfg, start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _ready(app, steps[0]))
        await pilot.press("less_than_sign")  # nothing before the first step
        await pilot.press("greater_than_sign", "greater_than_sign", "ctrl+right")
        await wait_for(pilot, lambda: _ready(app, steps[3]))
        await pilot.press("ctrl+left")
        await wait_for(pilot, lambda: app.tour_index == 2 and _ready(app, steps[2]))
        # The cost chart's cursor keys are not the tour's: ← → move the cursor.
        await pilot.press("n", "n", "n", "3", "left")
        await wait_for(pilot, lambda: app.workspace.training_pane.chart.cursor is not None)
        assert app.tour_index == 2 and app.controller.trainer.iteration == 3  # type: ignore[union-attr]
        await pilot.press("escape")  # hides the cursor first
        await wait_for(pilot, lambda: app.workspace.training_pane.chart.cursor is None)
        assert app.touring
        await pilot.press("escape")  # then leaves the tour, the setup kept
        await wait_for(pilot, lambda: not app.touring and app.tour_panel is None)
        assert app.controller.data_cfg == steps[2].data
        assert app.controller.trainer.iteration == 3  # type: ignore[union-attr]
        await pilot.press("greater_than_sign")  # not the tour's any more
        await settle(pilot)
        assert app.tour_index == 2 and app.controller.data_cfg == steps[2].data
        await pilot.press("ctrl+t")  # starts it again, at the first step
        await wait_for(pilot, lambda: app.touring and _ready(app, steps[0]))
        assert "Tour 1/" in screen_text(app)


def test_the_steps_file_is_checked() -> None:
    with pytest.raises(ValueError, match="title and a text"):
        parse_steps('[[step]]\ntitle = "x"\n')
    with pytest.raises(ValueError, match="no steps"):
        parse_steps("")
    with pytest.raises(Exception, match="lr"):
        parse_steps('[[step]]\ntitle = "x"\ntext = "y"\ntrain = { lr = -1 }\n')
