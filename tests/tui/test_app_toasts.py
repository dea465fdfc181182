"""Toasts: one row each, where they hide no status, and a key's confirmation replaces the one
before (``tui.toasts``)."""

from __future__ import annotations

import pytest
from conftest import settle, wait_for
from test_app_session import screen_text

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.toasts import CONFIRM_SECONDS, Toasts

SMALL = DataConfig(samples=200, test_samples=200)


def test_a_confirmation_clears_only_confirmations() -> None:
    toasts = Toasts()
    assert not toasts.clear_first("information", 2.0, now=0.0)  # nothing showing yet
    assert toasts.clear_first("information", 2.0, now=1.0)  # the first one still shows
    assert not toasts.clear_first("information", 2.0, now=3.5)  # it went at 3.0
    # A warning (or a longer message) on screen is never cleared for a confirmation.
    assert not toasts.clear_first("warning", 2.0, now=4.0)
    assert not toasts.clear_first("information", 2.0, now=4.5)
    assert not toasts.clear_first("information", 2.0, now=5.0)
    assert not toasts.clear_first("information", 5.0, now=7.0)  # not a confirmation
    assert not toasts.clear_first("information", CONFIRM_SECONDS, now=8.0)  # the 5 s one shows
    assert not toasts.clear_first("information", CONFIRM_SECONDS, now=12.5)  # all went
    assert toasts.clear_first("information", CONFIRM_SECONDS, now=13.0)


def lines_with(app: NeuronApp, text: str) -> list[tuple[int, str]]:
    """The rows of the screen (number, text) showing a toast that says ``text`` (a toast
    begins with its bar, ``▌``: the form's field shows "learning rate 0.1" too)."""
    rows = enumerate(screen_text(app).split("\n"))
    return [(y, line) for y, line in rows if f"▌ {text}" in line]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_setting_keys_show_one_toast_on_the_panes_border(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("[", "[", "[")
        await settle(pilot)
        lr = f"learning rate {app.controller.train_cfg.lr:g}"
        await wait_for(pilot, lambda: lines_with(app, lr), what="the last rate's toast")
        # One toast, not three stacked; on the panes' bottom border (above the status line at
        # 80x24, above the footer at 120x40), one row high.
        rows = lines_with(app, "learning rate")
        assert len(rows) == 1, rows
        y, line = rows[0]
        height = size[1]
        assert y == height - (3 if size == (80, 24) else 2), (y, screen_text(app))
        assert line[0] in "┗╰" and line.rstrip()[-1] in "┛╯", line  # a bottom border
        if size == (80, 24):
            status = screen_text(app).split("\n")[height - 2]
            assert "Iteration 0 / 2,000" in status and status.rstrip().endswith("%"), status


async def test_a_warning_stays_when_a_confirmation_comes() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.notify("the warning", severity="warning", timeout=30.0)
        await pilot.press("[", "[")
        await settle(pilot)
        lr = f"learning rate {app.controller.train_cfg.lr:g}"
        await wait_for(pilot, lambda: lines_with(app, lr), what="the last rate's toast")
        assert lines_with(app, "the warning")
