"""The two crashes the monkey test found (issue 10), each replayed on purpose.

* The command palette opened over the "enlarge the terminal" notice, then a resize and another
  ``ctrl+p``, crashed with ``DuplicateIds``: a second palette was pushed over a second notice.
  Now nothing opens over the notice (only quitting works there), so there is one notice, on top.
* Enter pressed twice at once in the path prompt crashed with ``ScreenStackError``: both Enters
  reached the prompt, which was dismissed twice, the second time popping the main screen. Now a
  modal screen is dismissed once, and only while it is on top.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import notifications, settle, wait_for
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.path_prompt import PathPrompt
from tui.screens.too_small import TooSmallScreen

SMALL = DataConfig(samples=200, test_samples=200)


def stack(app: NeuronApp) -> list[type[Screen[object]]]:
    return [type(screen) for screen in app.screen_stack]


async def send_at_once(pilot: Pilot[None], *keys: tuple[str, str | None]) -> None:
    """Post raw keys to the app in one go, as a terminal read delivers them when the app is
    busy (none waits for the previous one to be handled), then wait until all were handled."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    for key, char in keys:
        app.post_message(events.Key(key, char))
    await settle(pilot)
    while app.is_running and (app.keys.waiting or not app.keys.idle()):
        await pilot.pause()


async def test_the_palette_never_opens_over_the_size_notice() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert stack(app) == [MainScreen, TooSmallScreen]
        # The sequence that crashed: ctrl+p, a resize, ctrl+p again (and once more).
        for size in ((70, 22), (50, 12), (79, 23)):
            await pilot.press("ctrl+p")
            await pilot.resize_terminal(*size)
            await pilot.press("ctrl+p")
            assert app.is_running
            assert stack(app) == [MainScreen, TooSmallScreen]
        # No other screen opens over it either; the keys that would open one do nothing.
        await pilot.press("question_mark", "ctrl+s", "ctrl+o", "f1")
        assert stack(app) == [MainScreen, TooSmallScreen]
        assert "have 79x23" in app.screen.message  # type: ignore[attr-defined]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == [MainScreen]
        # Once the terminal is large enough, ctrl+p opens the palette as always.
        await pilot.press("ctrl+p")
        await wait_for(
            pilot, lambda: stack(app) == [MainScreen, CommandPalette], what="the palette"
        )
        await pilot.press("escape")
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_palette_open_when_the_terminal_shrinks_stays_under_one_notice() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert stack(app) == [MainScreen, CommandPalette]
        for size in ((60, 20), (70, 22)):
            await pilot.resize_terminal(*size)
            await pilot.press("ctrl+p")
            assert app.is_running
            assert stack(app) == [MainScreen, CommandPalette, TooSmallScreen]
        # Enlarged: the notice goes, the palette the person opened is back.
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert stack(app) == [MainScreen, CommandPalette]
        await pilot.press("escape")
        assert stack(app) == [MainScreen]
        await pilot.press("q")
    assert app.return_code == 0


async def test_enter_twice_at_once_in_the_open_prompt_opens_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        assert stack(app) == [MainScreen, PathPrompt]
        await send_at_once(pilot, ("enter", "\r"), ("enter", "\r"))
        assert app.is_running
        assert stack(app) == [MainScreen]
        # The one open was tried (there is no such file) and said so.
        assert sum("neuron-tui-run.npz" in n for n in notifications(app)) == 1
        await pilot.press("q")
    assert app.return_code == 0


async def test_enter_three_times_at_once_in_the_save_prompt_saves_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "neuron-tui-run.npz").write_bytes(b"old")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        # The first Enter asks to confirm the replacement, the second saves, the third is the
        # main screen's again.
        await send_at_once(pilot, ("enter", "\r"), ("enter", "\r"), ("enter", "\r"))
        assert app.is_running
        assert stack(app) == [MainScreen]
        assert (tmp_path / "neuron-tui-run.npz").read_bytes()[:2] == b"PK"  # a run file now
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_modal_screen_is_dismissed_once_and_only_from_the_top() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        answers: list[str | None] = []
        prompt = PathPrompt("open", "~/run.npz")
        app.push_screen(prompt, answers.append)
        await pilot.pause()
        # A second answer (a key repeated before the screen closed) does nothing: the main
        # screen is not popped from under it.
        prompt.dismiss("first")
        prompt.dismiss("second")
        await pilot.pause()
        assert answers == ["first"]
        assert stack(app) == [MainScreen]
        # A screen covered by another one does not close the one on top.
        help_screen = HelpScreen()
        app.push_screen(help_screen)
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        assert stack(app) == [MainScreen, HelpScreen, TooSmallScreen]
        help_screen.dismiss()
        await pilot.pause()
        assert stack(app) == [MainScreen, HelpScreen, TooSmallScreen]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == [MainScreen, HelpScreen]
        await pilot.press("escape")
        assert stack(app) == [MainScreen]
        await pilot.press("q")
    assert app.return_code == 0
