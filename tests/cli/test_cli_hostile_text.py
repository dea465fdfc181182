"""Strings from data never drive the terminal in ``neuron-tui train`` (issue 10, class 5).

A CSV whose header and labels carry escape sequences, a bidirectional override and markup-like
names: the plain summary, the table, the error line and the JSON show them as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cli import run

from tui.cli.summary import print_report

ESC = "\x1b"
TITLE = f"{ESC}]0;PWNED\x07"
CLEAR = f"{ESC}[2J"
COLUMNS = (f"a{TITLE}", "b[red]x[/red]", f"lab{CLEAR}")
LABELS = ("[bold]yes", "no\u202e")
RAW = (ESC, "\x07", "\u202e")


def evil_csv(path: Path, rows: int = 200) -> Path:
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        x1, x2 = (i * 37 % 101) / 101, (i * 53 % 97) / 97
        lines.append(f"{x1},{x2},{LABELS[int(x1 > x2)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_shown_as_text(out: str) -> None:
    for raw in RAW:
        assert raw not in out, f"{raw!r} reached the terminal"
    assert "a\\x1b]0;PWNED\\x07" in out
    assert "b[red]x[/red]" in out


def train_args(tmp_path: Path) -> list[str]:
    csv = evil_csv(tmp_path / "evil.csv")
    return ["--csv", str(csv), "--target", COLUMNS[2], "--iterations", "50"]


def test_the_plain_summary_shows_data_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *train_args(tmp_path))
    assert code == 0, err
    assert_shown_as_text(out)
    assert "no\\u202e" in out  # the positive class, named in the confusion line


def test_the_table_shows_data_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *train_args(tmp_path), "--json")
    assert code == 0
    report: dict[str, Any] = json.loads(out)
    print_report(report, as_json=False, tty=True)  # what a terminal gets: a rich table
    table = capsys.readouterr().out
    assert_shown_as_text(table)


def test_the_json_keeps_the_names_exactly_and_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *train_args(tmp_path), "--json")
    assert code == 0
    for raw in RAW:
        assert raw not in out
    report = json.loads(out)
    assert report["features"] == list(COLUMNS[:2])
    assert report["class_names"] == sorted(LABELS)


def test_an_error_line_quoting_data_is_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = evil_csv(tmp_path / "evil.csv")
    code, out, err = run(capsys, "--csv", str(csv), "--target", f"nope{CLEAR}")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    for raw in RAW:
        assert raw not in err, f"{raw!r} reached the terminal"
    assert "nope\\x1b[2J" in err and "a\\x1b]0;PWNED\\x07" in err
