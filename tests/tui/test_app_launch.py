"""What keeps the launch short (issue 13, "never wait"), at the Pilot level.

``benchmarks/bench_latency.py`` times the launch of the installed app in a real terminal beside
a bare Textual app and Textual's floor (``benchmarks/textual_floor.py``); these tests pin the
causes found there, as behaviour: the widgets are styled once at start-up (Textual styled them
all a second time when the screen first resumed), the first frame shows the run (the views
are drawn when the app mounts, not a message later, after a second layout), and the forms do
not check the values they were built with (each check walked a whole form, 17 at start).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import restyled, settle, wait_for
from textual import events
from textual.widgets import Input

from neuron_core.config import DataConfig
from tui.app import NeuronApp
from tui.panes.fields import Field, FormPane
from tui.screens.main import MainScreen

SMALL = DataConfig(samples=200, test_samples=200)


async def test_the_start_styles_the_screen_once() -> None:
    with restyled() as nodes:
        app = NeuronApp(data_cfg=SMALL)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            # Widgets restyle themselves (a class set, the focus); the screen, with all its
            # widgets, was restyled by its first resume.
            assert app.screen not in nodes
            assert len(nodes) < len(list(app.screen.walk_children())) / 2, len(nodes)


async def test_a_later_resume_restyles_as_textual_asks() -> None:
    """Only the first resume skips the styling: a later one that asks for it (Textual's switch
    of screen or mode does) restyles every widget."""
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        with restyled() as nodes:
            main.post_message(events.ScreenResume())
            await wait_for(pilot, lambda: main in nodes, what="the main screen restyled")
        assert len(nodes) >= len(list(main.walk_children()))


async def test_the_first_frame_shows_the_run_without_a_run_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The views are drawn when the app mounts: the first layout already holds them."""
    monkeypatch.setattr(NeuronApp, "on_run_changed", lambda self, message: None)
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "ready" in str(app.query_one("#stats").render())
        assert "200 train · 200 test" in str(app.query_one("#data-summary").render())


async def test_the_forms_check_no_value_they_were_built_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks: list[str] = []

    def counting(original: Callable[[FormPane], None]) -> Callable[[FormPane], None]:
        def check(self: FormPane) -> None:
            checks.append(str(self.id))
            original(self)

        return check

    for pane in FormPane.__subclasses__():
        monkeypatch.setattr(pane, "check_form", counting(pane.check_form))
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert checks == []
        # A person's first edit of a field is checked at once.
        field = app.query_one("#iterations", Input)
        field.focus()
        await pilot.press("end", "x")
        await wait_for(pilot, lambda: checks == ["hyper"], what="one check")
        row = next(a for a in field.ancestors if isinstance(a, Field))
        await wait_for(pilot, lambda: row.error is not None, what="the mark")
