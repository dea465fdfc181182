"""``neuron-tui compare``: a grid of ``train`` runs, each identical to ``train`` bit for bit."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from tui.__main__ import main
from tui.cli.grid import MAX_GRID_RUNS, expand_grid, reached_at
from tui.cli.parser import parse_args

# Wall-clock figures: the only keys two identical runs may differ in.
TIMED = {"seconds", "iterations_per_second"}


def _compare(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["compare", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _untimed(rep: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rep.items() if k not in TIMED}


def test_each_run_equals_train_bit_for_bit(capsys: pytest.CaptureFixture[str]) -> None:
    grid = ["--dataset", "moons", "--samples", "60", "--iterations", "40"]
    code, out, err = _compare(
        capsys, *grid, "--hidden", "3x2,none", "--optimizer", "gd,adam", "--lr", "0.3", "--json"
    )
    assert (code, err) == (0, "")
    reports = json.loads(out)
    assert [(r["hidden"], r["optimizer"]) for r in reports] == [
        ([3, 2], "gd"), ([3, 2], "adam"), ([], "gd"), ([], "adam")
    ]  # fmt: skip
    for rep, hidden, optimizer in zip(
        reports, ["3,2", "3,2", "none", "none"], ["gd", "adam", "gd", "adam"], strict=True
    ):
        assert main(["train", *grid, "--hidden", hidden, "--optimizer", optimizer,
                     "--lr", "0.3", "--json"]) == 0  # fmt: skip
        alone = json.loads(capsys.readouterr().out)
        # Same keys, same floats (== on floats: bit for bit), same weights.
        assert _untimed(rep) == _untimed(alone)
        assert set(rep) == set(alone)


def test_table_has_one_row_per_run_and_the_varied_settings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _compare(
        capsys, "--iterations", "30", "--optimizer", "gd,adam", "--lr", "0.1,1", "--reach", "0.6"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["optimizer", "lr"]
    assert "cost≤0.6 at" in lines[0] and "test" in lines[0]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["gd", "0.1"], ["gd", "1"], ["adam", "0.1"], ["adam", "1"]
    ]  # fmt: skip


def test_hidden_values_write_their_commas_as_x() -> None:
    runs = expand_grid(parse_args(["compare", "--hidden", "8x8,4X2", "--lr", "0.1"]))
    assert [run.words for run in runs] == [
        ["--hidden=8,8", "--lr=0.1"], ["--hidden=4,2", "--lr=0.1"]
    ]  # fmt: skip
    assert [run.varied for run in runs] == [{"--hidden": "8x8"}, {"--hidden": "4x2"}]
    # `--hidden 8,8` is two runs of one layer of 8.
    assert len(expand_grid(parse_args(["compare", "--hidden", "8,8"]))) == 2


def test_features_and_csv_apply_whole() -> None:
    runs = expand_grid(parse_args(["compare", "--features", "x1,x2,x1^2", "--lr", "1,2"]))
    assert [run.words[0] for run in runs] == ["--features=x1,x2,x1^2"] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "0.1,"], "--lr: an empty value in '0.1,'"),
        (["--lr", "0.1,x"], "--lr: must be a number"),
        (["--seed", ",".join(map(str, range(MAX_GRID_RUNS + 1)))], "the grid has 65 runs"),
        (["--reach", "abc"], "--reach: must be a number"),
        (["--reach", "nan"], "--reach: must be a finite number"),
        (["--save", "x.npz"], "unrecognized arguments"),
    ],
)
def test_bad_grid_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _compare(capsys, "--iterations", "5", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_options_before_the_command_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lr", "1", "compare"]) == 2
    assert "must come after the command" in capsys.readouterr().err


def test_reached_at_is_the_first_iteration_at_or_below() -> None:
    costs = np.array([0.7, 0.5, 0.3, 0.4, 0.2])
    assert reached_at(costs, 0.3) == 2
    assert reached_at(costs, 0.1) is None


def test_help_says_how_to_write_hidden_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--hidden 8x8,4x2 is two runs of two layers each" in text
    assert "--hidden 8,8 two runs of one layer of 8" in text
