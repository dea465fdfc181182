"""What keeps a pane switch quick (issue 13, "never wait"), at the Pilot level.

``benchmarks/bench_latency.py`` times the keys in a real terminal; these tests pin the causes
found there, as behaviour: a pane switch shows and hides panes without restyling the widgets
inside them (a restyle of a form's ~100 widgets per switch was most of its 150-300 ms), the
footer is one widget drawing one line (no widgets rebuilt per key), and the focused pane is still
marked by its border.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import notifications, restyled, settle, wait_for
from rich.table import Table
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, Select

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp
from tui.charts.rate_chart import RateCostChart
from tui.messages import RunChanged
from tui.panes import workspace
from tui.panes.fields import Field
from tui.panes.training import STATS_SECONDS
from tui.panes.workspace import POLL_SECONDS
from tui.screens.help import HelpScreen

SMALL = DataConfig(samples=200, test_samples=200)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_pane_switches_restyle_no_field(size: tuple[int, int]) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        with restyled() as nodes:
            for key in "12453":
                await pilot.press(key)
                await pilot.pause()
        assert app.focused is app.workspace.training_pane
        fields = [n for n in nodes if isinstance(n, Field | Input)]
        assert not fields, f"a pane switch restyled {len(fields)} fields"


async def test_the_focused_pane_is_marked_by_its_border() -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dataset = app.workspace.dataset_pane
        unfocused = dataset.styles.border_top
        await pilot.press("1")
        await pilot.pause()
        assert app.focused is dataset
        assert dataset.styles.border_top != unfocused
        await pilot.press("3")
        await pilot.pause()
        assert dataset.styles.border_top == unfocused
        # In the theme's accent: a change of theme recolours it.
        training = app.workspace.training_pane
        before = training.styles.border_top
        app.theme = "nord" if app.theme != "nord" else "gruvbox"
        await settle(pilot)
        assert training.styles.border_top != before
        accent = Color.parse(app.get_css_variables()["accent"])
        assert training.styles.border_top == ("heavy", accent)


async def test_the_footer_is_one_line_that_follows_the_keys_without_widgets() -> None:
    # Textual's Footer mounted ~10 widgets again on every focus change (each pane key); the
    # footer is one widget drawing one line, so a pane switch costs it a repaint at most.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        footer = app.footer
        assert not list(footer.children)
        before = footer.text()
        await pilot.press("2")  # from form to form: the focus moves, the keys stay the same
        await settle(pilot)
        assert app.focused is app.workspace.hyper_pane
        assert app.footer is footer and footer.text() == before
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("z")  # Zoom becomes Unzoom
        await settle(pilot)
        assert "Unzoom" in footer.text() and " Zoom" not in footer.text()
        await pilot.press("z")
        await settle(pilot)
        assert " Zoom" in footer.text() and "Unzoom" not in footer.text()
        assert not list(footer.children)


@pytest.mark.parametrize("back", ["z", "escape"])
async def test_a_zoom_and_its_way_back_restyle_no_field(back: str) -> None:
    # Textual's Screen.maximize put a class on the screen, which restyled all ~210 widgets of
    # the app on each z and each unzoom (100-200 ms of the UI thread in a real terminal).
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chart = app.workspace.training_pane.chart
        with restyled() as nodes:
            await pilot.press("z")
            await settle(pilot)
            assert app.screen.maximized is chart and app.focused is chart
            assert (chart.size.width, chart.size.height) == (120, 39)
            await pilot.press(back)
            await settle(pilot)
        assert app.screen.maximized is None and app.focused is app.workspace.training_pane
        fields = [n for n in nodes if isinstance(n, Field | Input)]
        assert not fields, f"a zoom restyled {len(fields)} fields"


async def test_the_poll_slows_to_the_stats_rate_while_training() -> None:
    # Each wake of the UI thread takes the GIL from the training thread; while training the
    # stats change 4 times a second, so a 10 Hz poll only cost training speed.
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(iterations=100_000_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        delays: list[tuple[bool, float]] = []
        original = workspace.call_after

        def recording(node: Any, delay: float, callback: Any) -> Any:
            if getattr(callback, "__name__", "") == "_tick":
                delays.append((app.controller.running, delay))
            return original(node, delay, callback)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(workspace, "call_after", recording)
            await wait_for(pilot, lambda: any(not r for r, _ in delays), what="an idle poll")
            await pilot.press("space")
            await wait_for(pilot, lambda: sum(r for r, _ in delays) >= 3, what="training polls")
            await pilot.press("space")
            await settle(pilot)
        assert {d for r, d in delays if r} == {STATS_SECONDS}
        assert {d for r, d in delays if not r} == {POLL_SECONDS}


async def test_changing_the_generator_or_the_source_restyles_no_field() -> None:
    # Fields showed and hid through classes on the dataset pane (``-source-csv``,
    # ``-no-classes``, ``-name-formula``): each change restyled its ~90 widgets, at start-up
    # too. They show through each field's ``display`` now.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.workspace.dataset_pane
        rows = pane.fields()
        with restyled() as nodes:
            pane.query_one("#name", Select).value = "blobs"
            await settle(pilot)
            assert rows["classes"].display and not rows["csv_path"].display
            pane.query_one("#source", Select).value = "csv"
            await settle(pilot)
            assert rows["csv_path"].display and not rows["classes"].display
            assert not rows["name"].display
            pane.query_one("#source", Select).value = "generator"
            await settle(pilot)
            assert rows["classes"].display and not rows["csv_path"].display
        # The file's field alone is marked (no path given) and unmarked: restyled, itself only.
        path = rows["csv_path"]
        others = {n for n in nodes if isinstance(n, Field | Input)} - {path, *path.controls}
        assert not others, f"restyled {len(others)} fields"


@contextmanager
def refreshed() -> Iterator[list[str]]:
    """``type#id`` of every widget asked to repaint or lay out while the block runs, with
    ``layout`` when a layout was asked for."""
    calls: list[str] = []
    original = Widget.refresh

    def counting(self: Widget, *regions: Any, layout: bool = False, **kw: Any) -> Widget:
        calls.append(f"{type(self).__name__}#{self.id}" + (" layout" if layout else ""))
        return original(self, *regions, layout=layout, **kw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Widget, "refresh", counting)
        yield calls


async def test_a_wide_pane_switch_repaints_the_two_panes_and_lays_nothing_out() -> None:
    # With every pane in view a switch only moves the focus: the views were redrawn (the data
    # summary's ``Static.update`` lays the whole screen out, which re-renders every widget),
    # and all five panes' marks were set again, each repainting every widget of its pane.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with refreshed() as calls:
            await pilot.press("2")
            await settle(pilot)
        assert app.focused is app.workspace.hyper_pane
        assert not [c for c in calls if c.endswith("layout")], calls
        panes = {c for c in calls if c.split("#")[1] in {p for p, _ in workspace.PANES}}
        assert panes == {"HyperPane#hyper", "TrainingPane#training"}
        assert "▶" in str(app.workspace.hyper_pane.border_title)
        assert "▶" not in str(app.workspace.training_pane.border_title)
        # A pane that was out of view is drawn when it comes in (5 swaps the shared slot), and
        # nothing else is: the rest is in view and current.
        drawn: list[str] = []
        with refreshed() as calls, pytest.MonkeyPatch.context() as patch:
            for name in ("network", "predictions"):
                view = app.workspace.pane(name)
                patch.setattr(view, "show", lambda _, name=name: drawn.append(name))
            await pilot.press("5")
            await settle(pilot)
        assert app.workspace.network_pane.display and not app.workspace.predictions_pane.display
        assert drawn == ["network"]
        assert not any(c.startswith("Static#data-summary") for c in calls)


def test_a_full_redraw_queued_after_a_narrower_one_wins() -> None:
    # Queued run changes collapse into the newest: it redraws as much as the widest of them,
    # and starts the chart over if any of them cleared the history.
    older, newer = RunChanged(fresh=True), RunChanged(redraw="state")
    assert older.can_replace(newer)
    assert newer.fresh and newer.redraw == "views"
    older, newer = RunChanged(redraw="settings"), RunChanged(redraw="state")
    assert older.can_replace(newer) and newer.redraw == "settings" and not newer.fresh
    older, newer = RunChanged(redraw="state"), RunChanged(redraw="state")
    assert older.can_replace(newer) and newer.redraw == "state"


async def test_the_key_table_is_laid_out_once_per_width() -> None:
    # Rich lays the ~50-row table out in ~7 ms, and Textual asked for it two or three times
    # on each ``?``: the layout is kept per width.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        layouts: list[int] = []
        original = Table.__rich_console__

        def counting(self: Table, console: Any, options: Any) -> Any:
            layouts.append(options.max_width)
            return original(self, console, options)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Table, "__rich_console__", counting)
            for opening in range(3):
                await pilot.press("question_mark")
                await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
                text = app.screen.query_one("#help-table").render_lines(Region(0, 0, 90, 60))
                await pilot.press("escape")
                await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
                if opening == 0:
                    first = list(layouts)
        # The first opening lays it out at its widths (without and with the scroll bar).
        assert first and layouts == first
        assert "Start / Resume / Pause" in "".join(strip.text for strip in text)


async def test_a_new_learning_rate_redraws_the_chart_and_the_state_only() -> None:
    # `[` applies the rate: it redrew every view, though the scores, the pictures and the data
    # summary (whose update lays the screen out) stay as they were. The chart draws the rate
    # of a schedule under the costs, so it follows.
    app = NeuronApp(data_cfg=SMALL, train_cfg=TrainConfig(lr_schedule="exp"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chart = app.query_one(RateCostChart)
        before = chart.schedule
        assert before is not None
        redraws: list[object] = []
        real = app.workspace.refresh_views
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                app.workspace, "refresh_views", lambda **kw: redraws.append(kw) or real(**kw)
            )
            await pilot.press("left_square_bracket")
            await settle(pilot)
        assert chart.schedule is not None and chart.schedule.lr < before.lr
        assert f"learning rate {chart.schedule.lr:g}" in notifications(app)[-1]
        assert not redraws
