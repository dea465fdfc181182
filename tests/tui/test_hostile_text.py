"""Strings from data never drive the terminal (issue 10, class 5): what the app writes shows a
CSV's escape sequences, bidirectional overrides and markup-like names as text.

The headless driver is made to take the output a terminal's driver would get, so the test sees
the very bytes a terminal would receive.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import settle, train_to_end
from textual.drivers.headless_driver import HeadlessDriver

from neuron_core.config import DataConfig, TrainConfig
from neuron_core.errors import ConfigError
from tui.app import NeuronApp
from tui.text import printable

ESC, BEL = "\x1b", "\x07"
TITLE = f"{ESC}]0;PWNED{BEL}"  # retitles the terminal
CLEAR = f"{ESC}[2J"  # clears the screen
COLUMNS = (f"a{TITLE}", "b[red]x[/red]", f"lab{CLEAR}")
LABELS = ("[bold]yes", "no\u202e")  # markup, and a right-to-left override
# Escape sequences of the kind Textual writes itself (styles, cursor moves), to read the text.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def evil_csv(path: Path, rows: int = 300) -> Path:
    """A CSV file whose header and labels carry terminal escapes and markup."""
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        x1, x2 = (i * 37 % 101) / 101, (i * 53 % 97) / 97
        lines.append(f"{x1},{x2},{LABELS[int(x1 > x2)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def terminal_output() -> Iterator[list[str]]:
    """Everything the app writes to its terminal while the block runs."""
    written: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
        patch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
        yield written


def test_printable_escapes_control_and_format_characters_only() -> None:
    assert printable("plain name, café, 数据 x") == "plain name, café, 数据 x"
    assert printable(TITLE) == "\\x1b]0;PWNED\\x07"
    assert printable("no\u202e") == "no\\u202e"
    assert printable("a\tb\nc\x9bd\x7f") == "a\\x09b\\x0ac\\x9bd\\x7f"
    assert printable("[red]x[/red]") == "[red]x[/red]"  # markup is the caller's business
    assert printable("\u00a0nbsp") == "\u00a0nbsp"


def test_a_csv_path_with_control_characters_is_refused() -> None:
    with pytest.raises(ConfigError, match="control characters") as info:
        DataConfig(source="csv", csv_path=f"data{CLEAR}.csv", target="y").validate()
    assert info.value.field == "csv_path"


async def test_names_from_a_csv_reach_the_terminal_as_text(tmp_path: Path) -> None:
    csv = evil_csv(tmp_path / "evil.csv")
    data = DataConfig(source="csv", csv_path=str(csv), target=COLUMNS[2])
    with terminal_output() as written:
        app = NeuronApp(data_cfg=data, train_cfg=TrainConfig(iterations=50))
        # notifications=True: Pilot leaves the toasts out unless asked.
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            await train_to_end(pilot)
            for pane in "15":  # the network: input names in the diagram and its formula
                await pilot.press(pane)
                await settle(pilot)
            app.controller.notice(f"a notice quoting {COLUMNS[0]} and {LABELS[1]}")
            app.notify(f"[bold]{COLUMNS[2]}")
            deadline = time.monotonic() + 30.0
            while "notice quoting" not in _ANSI.sub("", "".join(written)):  # the toasts are drawn
                assert time.monotonic() < deadline, "the notifications were not drawn"
                await pilot.pause(0.05)
            await pilot.press("q")
    out = "".join(written)
    assert out, "nothing was written"
    # (Textual ends its own OSC sequences with BEL, so BEL alone is no sign of a leak.)
    for raw in (TITLE, CLEAR, "\u202e"):
        assert raw not in out, f"{raw!r} reached the terminal"
    text = _ANSI.sub("", out)
    # The names are on screen, escaped and as written: the feature list, the dataset summary
    # (class names), the axis labels, the diagram, the notices.
    assert "a\\x1b]0;PWNED\\x07" in text
    assert "b[red]x[/red]" in text
    assert "[bold]yes" in text and "no\\u202e" in text
    assert "[bold]lab\\x1b[2J" in text and "a notice quoting a\\x1b]0;PWNED" in text


async def test_path_completion_skips_names_with_control_characters(tmp_path: Path) -> None:
    from tui.screens.path_prompt import PathSuggester

    (tmp_path / f"a{TITLE}.npz").write_bytes(b"")
    (tmp_path / "ab.npz").write_bytes(b"")
    suggestion = await PathSuggester().get_suggestion(str(tmp_path / "a"))
    assert suggestion == str(tmp_path / "ab.npz")
