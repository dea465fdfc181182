"""``neuron-tui train`` with per-layer activations, ``--loss`` and ``--dropout``: the report,
the run's command, saved runs and exports carry them; bad values are one line and exit 2."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from test_cli import run, run_json

from neuron_core.store.runfile import load_run

SMALL = ["--dataset", "circle", "--samples", "200", "--test-samples", "100", "--noise", "0.05"]
NET = [*SMALL, "--hidden", "4,2", "--optimizer", "adam", "--lr", "0.03"]


def test_per_layer_activations_loss_and_dropout_reach_the_report_and_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weights = tmp_path / "w.json"
    args = [*NET, "--activation", "silu, sine", "--loss", "squared", "--dropout", "0.1",
            "--iterations", "300", "--export-weights", str(weights)]  # fmt: skip
    code, rep = run_json(capsys, *args)
    assert code == 0 and rep["warnings"] == []
    assert (rep["activation"], rep["activations"]) == ("silu,sine", ["silu", "sine"])
    assert (rep["loss"], rep["dropout"], rep["init"]) == ("squared", 0.1, "xavier")
    assert rep["test_accuracy"] >= 0.9
    words = shlex.split(rep["command"])
    for flag, value in (("--activation", "silu,sine"), ("--loss", "squared"), ("--dropout", "0.1")):
        assert words[words.index(flag) + 1] == value
    # The command trains the same run again, bit for bit (the dropout masks are seeded).
    code, again = run_json(capsys, *words[2:])
    assert code == 0 and again["final_cost"] == rep["final_cost"]
    assert again["weights"] == rep["weights"]
    layers = json.loads(weights.read_text())["layers"]
    assert [layer["activation"] for layer in layers] == ["silu", "sine", "sigmoid"]
    # The plain summary says so too.
    code, out, _ = run(capsys, *args[:-2])
    assert "silu,sine hidden, sigmoid output, squared error" in out and "dropout 0.1" in out


def test_a_saved_dropout_run_continues_bit_for_bit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "drop.npz")
    common = [*NET, "--activation", "elu", "--dropout", "0.3", "--batch-size", "64"]
    code, _ = run_json(capsys, *common, "--iterations", "100", "--save", path)
    saved = load_run(path)
    assert code == 0 and saved.train_cfg.dropout == 0.3
    assert "dropout_rng" in saved.stepper_state
    code, cont = run_json(capsys, "--load", path, "--iterations", "250")
    code2, whole = run_json(capsys, *common, "--iterations", "250")
    assert code == code2 == 0 and cont["iterations_run"] == 150
    assert cont["final_cost"] == whole["final_cost"] and cont["weights"] == whole["weights"]


def test_notes_for_settings_without_effect(capsys: pytest.CaptureFixture[str]) -> None:
    _, rep = run_json(capsys, "--dataset", "reg-line", "--loss", "squared", "--iterations", "5")
    assert rep["warnings"] == [
        "--loss applies to classification; regression uses the mean squared error"
    ]
    assert rep["loss"] == "squared" and "--loss" not in rep["command"]
    _, rep = run_json(capsys, *SMALL, "--dropout", "0.5", "--iterations", "5")
    assert rep["warnings"] == ["--dropout has no effect without hidden layers (--hidden)"]


BAD = [
    (["--hidden", "4", "--activation", "tanh,relu"],
     "--activation: 2 names for 1 hidden layers: give one name for every layer or one per layer"),
    (["--activation", "tanh,relu"], "--activation: 2 names for 0 hidden layers"),
    (["--hidden", "4,2", "--activation", "tanh,swish"], "--activation: must be one of tanh"),
    (["--hidden", "4,2", "--activation", "tanh,"], "--activation: must be one of"),
    (["--loss", "hinge"], "--loss: must be one of log, squared; got 'hinge'"),
    (["--dropout", "1"], "--dropout: must be less than 1"),
    (["--dropout", "-0.1"], "--dropout: must be at least 0, got -0.1"),
    (["--dropout", "nan"], "--dropout: must be a number, got NaN"),
    (["--dropout", "x"], "--dropout: "),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_values_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("neuron-tui: error: "), err
    assert message in err
