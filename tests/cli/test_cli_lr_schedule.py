"""``neuron-tui train`` with learning-rate schedules: the options reach the engine, the report,
the run's command, saved runs and the history export carry them, bad values are one line."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

import pytest
from test_cli import run, run_json

from neuron_core.config import TrainConfig
from neuron_core.store.runfile import load_run
from neuron_core.training.lr_schedule import rate_at
from tui.__main__ import main

COSINE = ["--lr-schedule", "cosine", "--lr-min", "0.01", "--lr", "0.5"]


def test_schedule_in_report_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, *COSINE, "--iterations", "300")
    assert code == 0
    assert (rep["lr_schedule"], rep["lr_min"], rep["lr"]) == ("cosine", 0.01, 0.5)
    words = shlex.split(rep["command"])
    assert words[words.index("--lr-schedule") + 1] == "cosine"
    assert words[words.index("--lr-min") + 1] == "0.01"
    assert "--lr-decay" not in words  # a setting the cosine schedule does not use
    code, again = run_json(capsys, *words[2:], "--json")
    assert code == 0 and again["final_cost"] == rep["final_cost"]
    assert again["weights"] == rep["weights"]
    code, const = run_json(capsys, "--lr", "0.5", "--iterations", "300")
    assert const["lr_schedule"] == "constant" and "--lr-" not in const["command"]
    assert const["final_cost"] != rep["final_cost"]


def test_step_schedule_in_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--lr-schedule", "step", "--lr-decay", "0.9", "--lr-step-every", "50",
        "--iterations", "100",
    )  # fmt: skip
    assert code == 0
    assert "lr 0.1 (step x0.9 every 50)" in out
    assert "--lr-schedule step --lr-decay 0.9 --lr-step-every 50" in out


def test_saved_scheduled_run_continues_bit_identically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A step schedule does not depend on --iterations, so 400 saved + 200 loaded = 600 at once.
    path = str(tmp_path / "step.npz")
    common = ["--dataset", "circle", "--hidden", "3", "--optimizer", "momentum", "--lr", "0.5",
              "--lr-schedule", "step", "--lr-step-every", "150", "--lr-decay", "0.7"]  # fmt: skip
    code, first = run_json(capsys, *common, "--iterations", "400", "--save", path)
    assert code == 0 and load_run(path).train_cfg.lr_schedule == "step"
    code, cont = run_json(capsys, "--load", path, "--iterations", "600")
    assert code == 0 and cont["iterations_run"] == 200 and cont["lr_schedule"] == "step"
    code, whole = run_json(capsys, *common, "--iterations", "600")
    assert code == 0
    assert cont["final_cost"] == whole["final_cost"] != first["final_cost"]
    assert cont["weights"] == whole["weights"] and cont["biases"] == whole["biases"]


def test_history_export_has_the_rate_of_each_iteration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "h.csv"
    args = ["--lr-schedule", "step", "--lr-step-every", "3", "--iterations", "8"]
    code, _, _ = run(capsys, *args, "--export-history", str(path))
    assert code == 0
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["iteration", "train_cost", "test_cost", "lr"]
    cfg = TrainConfig(lr_schedule="step", lr_step_every=3, iterations=8)
    assert [float(r[3]) for r in rows[1:9]] == [rate_at(cfg, t) for t in range(8)]
    assert [r[3] for r in rows[9:]] == [""]  # the final test-cost row has no update
    code, _, _ = run(capsys, "--iterations", "8", "--export-history", str(path))
    assert next(csv.reader(path.open())) == ["iteration", "train_cost", "test_cost"]


BAD = [
    (["--lr-schedule", "linear"], "--lr-schedule: must be one of constant, step, exp, cosine"),
    (["--lr-decay", "0"], "--lr-decay: must be greater than 0, got 0"),
    (["--lr-decay", "1.5"], "--lr-decay: must be at most 1, got 1.5"),
    (["--lr-decay", "nan"], "--lr-decay: must be a number, got NaN"),
    (["--lr-step-every", "0"], "--lr-step-every: must be at least 1, got 0"),
    (["--lr-step-every", "x"], "--lr-step-every: must be a whole number, got 'x'"),
    (["--lr-min", "-1"], "--lr-min: must be at least 0, got -1"),
    (["--lr-min", "inf"], "--lr-min: must be finite"),
    (["--lr-schedule"], "expected one argument"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_schedule_values(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("neuron-tui: error: "), err
    assert message in err


def test_help_documents_the_schedules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--lr-schedule NAME" in out and "constant, step, exp, cosine" in out
    assert "lr * G^floor(t/N)" in out and "from lr down to --lr-min" in out
    assert "--lr-decay G" in out and "--lr-step-every N" in out and "--lr-min F" in out
