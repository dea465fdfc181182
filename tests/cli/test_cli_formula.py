"""Formula datasets on the command line: ``neuron-tui train --dataset "x2 > 1.23*x1 + 3.23"``.

The article's line written as a formula gives the article's run exactly; a bad or hostile
formula is one line on stderr and exit 2, and nothing runs (no output, no file written, no
app); the run's command, saved runs and exports carry the formula.
"""

from __future__ import annotations

import csv
import json
import math
import shlex
from pathlib import Path
from typing import Any

import pytest

from tui.__main__ import main
from tui.cli.app_start import AppStart

ARTICLE_LINE = "x2 > 1.23*x1 + 3.23"
CIRCLE = "x1^2 + x2^2 < 6^2"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0 and err == "", err
    report: dict[str, Any] = json.loads(out)
    return report


# Results that depend on the data and the training only (not on timing nor on the name).
RESULTS = ("first_cost", "final_cost", "final_test_cost", "train_accuracy", "test_accuracy",
           "weights", "bias", "confusion", "precision", "recall", "f1")  # fmt: skip


def test_the_article_line_as_a_formula_gives_the_article_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = run_json(capsys, "--dataset", "line")
    formula = run_json(capsys, "--dataset", ARTICLE_LINE)
    for key in RESULTS:
        assert formula[key] == line[key], key
    assert formula["first_cost"] == math.log(2.0)
    assert formula["test_accuracy"] >= 0.98 and formula["dataset"] == ARTICLE_LINE


HOSTILE = [
    ("__import__('os')", "--dataset: unknown name '__import__' at column 1"),
    ("__import__('os').system('touch pwned') > 0", "unknown name '__import__' at column 1"),
    ("x1.real > 0", "--dataset: attribute access ('.') is not allowed, at column 3"),
    ("lambda: 1", "--dataset: unknown name 'lambda' at column 1"),
    ("x1 > " + "1+" * 5000 + "1", "--dataset: too long: 10,006 characters (at most 200)"),
    ("(" * 1000 + "x1" + ")" * 1000 + " > 0", "--dataset: too long: 2,006 characters"),
    ("x1 + x2", "--dataset: missing comparison"),
    ("x1 > 0\x1b]0;PWNED\x07", "--dataset: unexpected character '\\x1b' at column 7"),
    ("x2 > -100", "--dataset: every training point is class 1"),
    ("log(x1) > 100", "--dataset: every training point is class 0"),
]


@pytest.mark.parametrize(("formula", "message"), HOSTILE, ids=[repr(f[:30]) for f, _ in HOSTILE])
def test_a_bad_formula_is_one_line_exit_2_and_nothing_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, formula: str, message: str
) -> None:
    saved, data = tmp_path / "run.npz", tmp_path / "data.csv"
    code, out, err = run(
        capsys, "--dataset", formula, "--save", str(saved), "--export-data", str(data)
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("neuron-tui: error: "), err
    assert message in err and "Traceback" not in err
    assert "\x1b" not in err and "\x07" not in err
    assert list(tmp_path.iterdir()) == []  # nothing saved, exported or touched


def test_the_command_save_and_exports_carry_the_formula(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved, data = tmp_path / "run.npz", tmp_path / "data.csv"
    args = ("--dataset", CIRCLE, "--hidden", "4", "--iterations", "60", "--noise", "0.1")
    first = run_json(capsys, *args, "--save", str(saved), "--export-data", str(data))
    words = shlex.split(first["command"])
    assert words[:4] == ["neuron-tui", "train", "--dataset", CIRCLE]
    again = run_json(capsys, *words[2:])
    for key in (*RESULTS[:5], "weights", "biases"):
        assert again[key] == first[key], key
    # The saved run continues on the same data.
    more = run_json(capsys, "--load", str(saved), "--iterations", "80")
    assert more["dataset"] == CIRCLE and more["iterations_run"] == 20
    with data.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1000 + 2000
    assert {r["label"] for r in rows} == {"0", "1"}


def test_the_app_takes_a_formula_and_refuses_a_bad_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    starts: list[AppStart] = []

    def launch_app(start: AppStart) -> int:
        starts.append(start)
        return 0

    monkeypatch.setattr("tui.__main__.launch_app", launch_app)
    assert main(["--dataset", CIRCLE]) == 0
    assert starts[-1].data_cfg is not None and starts[-1].data_cfg.name == CIRCLE
    assert main(["--dataset", "x1.real > 0"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "attribute access" in err
    assert len(starts) == 1
