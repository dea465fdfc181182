"""Keys that arrive early are handled as if they came late (issue 10).

Right after start (data still loading), or whenever the app is busy, several keys reach the app
in one go. Each must act with the focus the keys before it left: ``2`` Tab Tab Tab ``250`` Enter
sets 250 iterations, as it does when typed slowly, instead of opening the learning-rate presets
(the focus moves of ``2`` and the Tabs used to come after the next keys had been routed).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import notifications, settle, wait_for
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from neuron_core.config import DataConfig
from tui import key_gate
from tui.app import NeuronApp
from tui.panes.hyper import HyperPane
from tui.screens.path_prompt import PathPrompt

SMALL = DataConfig(samples=200, test_samples=200)
CHARS = {"tab": "\t", "enter": "\r", "escape": "\x1b", "space": " "}


def post_keys(app: NeuronApp, *keys: str) -> None:
    """Send raw keys to the app in one go, as one read from a busy terminal delivers them."""
    for key in keys:
        app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))


async def handled(pilot: Pilot[None]) -> None:
    """Wait until every key sent was handled and the app is idle again."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    await settle(pilot)
    while app.is_running and (app.keys.waiting or not app.keys.idle()):
        await pilot.pause()


class StarvedClock:
    """``time`` as the key gate sees it on a machine so busy that seconds pass between two
    polls: the wall clock runs a thousand times faster than the app's CPU time."""

    @staticmethod
    def monotonic() -> float:
        return time.monotonic() * 1000.0

    @staticmethod
    def thread_time() -> float:
        return time.thread_time()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("machine", ["quiet", "starved"])
async def test_keys_sent_at_once_right_after_start_go_where_typed_slowly_they_go(
    size: tuple[int, int], machine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if machine == "starved":
        # Keys handed on after a wall-clock wait were routed before the keys before them took
        # effect (on CI, two test workers on two cores): only the app's own CPU time counts.
        monkeypatch.setattr(key_gate, "time", StarvedClock)
        monkeypatch.setattr(key_gate, "MAX_WALL_SECONDS", float("inf"), raising=False)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=size) as pilot:
        # No wait for the data: these keys arrive while the app is still starting.
        post_keys(app, "2", "tab", "tab", "tab", "2", "5", "0", "enter")
        await handled(pilot)
        assert app.controller.train_cfg.iterations == 250
        assert app.query_one("#iterations", Input).value == "250"
        assert app.query_one("#lr", Input).value == "0.1"
        # Enter applied the field and gave the focus back to the form, as typed slowly.
        assert app.focused is app.query_one(HyperPane)
        assert "Iteration 0 / 250" in str(app.query_one("#stats", Static).render())
        post_keys(app, "3", "space")
        await handled(pilot)
        assert app.controller.trainer is not None
        post_keys(app, "q")
        await handled(pilot)
    assert app.return_code == 0


async def test_text_typed_at_once_after_ctrl_o_goes_into_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.controller.data_cfg
        # The prompt is not even mounted when the name's letters arrive: they wait for it (and
        # never reach the app's own keys: n steps, r resets, g draws new data).
        post_keys(app, "ctrl+o", *"nogr.npz", "enter")
        await handled(pilot)
        assert not isinstance(app.screen, PathPrompt)
        assert any("nogr.npz" in n for n in notifications(app)), notifications(app)
        assert app.controller.data_cfg == before
        assert app.controller.trainer is not None
        assert app.controller.trainer.history.n == 0


async def test_a_burst_of_tabs_and_escapes_ends_where_typed_slowly_it_ends() -> None:
    slow = NeuronApp(data_cfg=SMALL)
    keys = ("1", "tab", "tab", "escape", "2", "tab", "tab", "tab", "tab", "escape", "5", "4")
    async with slow.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        expected = slow.focused
        assert expected is not None
    fast = NeuronApp(data_cfg=SMALL)
    async with fast.run_test(size=(120, 40)) as pilot:
        post_keys(fast, *keys)
        await handled(pilot)
        assert fast.focused is not None
        assert fast.focused.id == expected.id
        assert type(fast.focused) is type(expected)
        assert fast.workspace.slot_pane == "predictions"


async def test_keys_are_handed_on_even_if_the_app_never_looks_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Some widget that never stops messaging (or a machine short of CPU) would keep the gate
    # shut: after MAX_WAIT_SECONDS the next key goes on anyway, so the keyboard never locks up.
    monkeypatch.setattr(key_gate, "MAX_WAIT_SECONDS", 0.01)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(key_gate.KeyGate, "idle", lambda self: False)
        post_keys(app, "l", "l", "w", "q")
        deadline = time.monotonic() + 30.0
        while app.is_running and time.monotonic() < deadline:
            await pilot.pause()
        assert not app.is_running, "the keys were never handed on"
    assert app.return_code == 0


async def test_a_lost_poll_does_not_hold_the_keys_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    # The gate polls with a timer; if one poll never comes back (its callback lost on the way),
    # the next key schedules another once the poll is older than LOST_SECONDS.
    monkeypatch.setattr(key_gate, "MAX_WAIT_SECONDS", 0.01)
    monkeypatch.setattr(key_gate, "LOST_SECONDS", 0.01)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        gate = app.keys
        monkeypatch.setattr(key_gate.KeyGate, "idle", lambda self: False)
        real_call_after = key_gate.call_after
        lost: list[int] = []

        def first_poll_lost(node: Any, delay: float, callback: Any) -> Any:
            if not lost:
                lost.append(1)
                return None  # this poll never hands anything on
            return real_call_after(node, delay, callback)

        monkeypatch.setattr(key_gate, "call_after", first_poll_lost)
        post_keys(app, "l")
        await wait_for(pilot, lambda: lost and gate.waiting == 1, what="a key held by a lost poll")
        held = time.monotonic()  # let the pending poll grow older than LOST_SECONDS
        await wait_for(pilot, lambda: time.monotonic() - held > 0.02, what="the poll aged")
        post_keys(app, "l", "q")
        deadline = time.monotonic() + 30.0
        while app.is_running and time.monotonic() < deadline:
            await pilot.pause()
        assert not app.is_running, "the keys were held for ever"
    assert app.return_code == 0


async def test_a_key_waits_until_the_screen_was_drawn_with_the_one_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Textual lays a screen out on its refresh timer, after the queues drained, and Tab follows
    # that layout: a Tab handed on before the pane ``2`` shows was laid out went by stale
    # positions (a loaded CI machine: ``2`` Tab skipped the learning-rate field). The gate hands
    # the next key on only once Textual called back after a refresh.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        post_keys(app, "1")
        await wait_for(pilot, lambda: not app.keys.waiting and app.keys.settled(), what="1 drawn")
        held: list[object] = []
        real = app.call_after_refresh

        def hold(callback: object, *args: object, **kwargs: object) -> bool:
            held.append((callback, args, kwargs))
            return True

        monkeypatch.setattr(app, "call_after_refresh", hold)
        post_keys(app, "2", "tab")
        await wait_for(pilot, lambda: held and app.keys.idle(), what="the refresh asked for")
        await pilot.pause(0.1)
        # Queues empty, the refresh not yet reported: Tab still waits, ``2`` took effect.
        assert app.keys.waiting == 1
        assert app.focused is app.query_one(HyperPane)
        monkeypatch.setattr(app, "call_after_refresh", real)
        for callback, args, kwargs in held:
            real(callback, *args, **kwargs)  # type: ignore[arg-type]
        await handled(pilot)
        assert app.keys.waiting == 0
        assert app.focused is app.query_one("#lr", Input)
