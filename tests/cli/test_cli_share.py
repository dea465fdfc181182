"""Sharing a run: the command line that reproduces it, the exports, and the app's options.

``neuron-tui train`` reports the shortest command that trains the run again (and running it
gives bit-identical results); ``--export-history``/``-weights``/``-data`` write files that read
back to the run's own figures; ``neuron-tui [OPTIONS]`` opens the app with the same options,
parsed by the same code, and refuses a bad one in one line before any screen.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import signal
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tui.cli.run
from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.training.trainer import Trainer
from tui.__main__ import main
from tui.cli.app_start import AppStart
from tui.cli.reproduce import command_line


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["train", *args, "--json"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, json.loads(out)


def rerun_args(command: str) -> list[str]:
    """The options of a reported ``neuron-tui train ...`` command, as a shell would split it."""
    words = shlex.split(command)
    assert words[:2] == ["neuron-tui", "train"]
    return words[2:]


RICH_RUN = (
    "--dataset", "circle", "--samples", "300", "--test-samples", "200", "--noise", "0.1",
    "--seed", "3", "--standardize", "--features", "x1,x2,x1^2,x2^2", "--hidden", "4,2",
    "--activation", "relu", "--init", "he", "--init-seed", "7", "--optimizer", "adam",
    "--lr", "0.01", "--iterations", "150", "--batch-size", "64", "--shuffle-seed", "5",
    "--l2", "0.001", "--test-every", "10", "--dtype", "float32",
)  # fmt: skip


def test_the_reported_command_reproduces_the_run_bit_for_bit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    code, rep = run_json(capsys, *RICH_RUN, "--export-history", str(first))
    assert code == 0
    again = rerun_args(rep["command"])
    assert "--shuffle-seed" in again and "--init-seed" in again  # seeds in
    code, rep2 = run_json(capsys, *again, "--export-history", str(second))
    assert code == 0
    assert rep2["command"] == rep["command"]
    for key in ("weights", "biases", "first_cost", "final_cost", "final_test_cost",
                "train_accuracy", "test_accuracy", "iterations"):  # fmt: skip
        assert rep2[key] == rep[key], key
    # Every iteration's cost, written with its shortest exact text.
    assert first.read_text() == second.read_text()


def test_the_command_leaves_defaults_out_and_the_seed_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, rep = run_json(capsys, "--iterations", "20")
    assert code == 0 and rep["command"] == "neuron-tui train --seed 0 --iterations 20"
    # A default given explicitly is left out too; a random init brings its seed.
    _, rep = run_json(capsys, "--iterations", "20", "--lr", "0.1", "--init", "xavier")
    assert rep["command"] == "neuron-tui train --seed 0 --init xavier --init-seed 0 --iterations 20"
    assert "command: neuron-tui train --seed 0 --iterations 5" in run_plain(capsys, "5")


def run_plain(capsys: pytest.CaptureFixture[str], iterations: str) -> str:
    assert main(["train", "--iterations", iterations]) == 0
    return capsys.readouterr().out


def test_the_command_quotes_paths_and_column_names() -> None:
    data = DataConfig(
        source="csv", csv_path="my data/it's; rm -rf ~.csv", target="$(label)",
        features=("a b", "c;d"),
    )  # fmt: skip
    line = command_line(data, ModelConfig(), TrainConfig(batch_size=8, seed=0))
    words = shlex.split(line)
    assert words[words.index("--csv") + 1] == "my data/it's; rm -rf ~.csv"
    assert words[words.index("--target") + 1] == "$(label)"
    assert words[words.index("--features") + 1] == "a b,c;d"
    assert "--shuffle-seed" not in words  # the batch order follows --seed


def _apply(weights: dict[str, Any], X: np.ndarray) -> np.ndarray:
    """The exported model applied to raw points X (m, n) without the engine: standardize, build
    the named inputs, then each layer. Returns the output layer's pre-activation (m,)."""
    std = weights["standardization"]
    if std is not None:
        X = (X - np.array(std["mean"])) / np.array(std["std"])
    names = weights["features"]
    cols = {name: X[:, i] for i, name in enumerate(names)}
    x1, x2 = (X[:, 0], X[:, 1]) if X.shape[1] == 2 else (None, None)
    made = {"x1": x1, "x2": x2}
    if x1 is not None and x2 is not None:
        made.update({"x1^2": x1 * x1, "x2^2": x2 * x2, "x1*x2": x1 * x2,
                     "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)})  # fmt: skip
    inputs = [made[n] if weights["feature_map"] else cols[n] for n in weights["inputs"]]
    a = np.stack(inputs)
    acts = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z,
            "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z))}  # fmt: skip
    layers = weights["layers"]
    for layer in layers[:-1]:
        a = acts[layer["activation"]](np.array(layer["weights"]) @ a
                                      + np.array(layer["biases"])[:, None])  # fmt: skip
    last = layers[-1]
    z = np.array(last["weights"]) @ a + np.array(last["biases"])[:, None]
    return z.reshape(-1)


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("standardize", ["--no-standardize", "--standardize"])
def test_exports_read_back_to_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, standardize: str
) -> None:
    h, w, d = tmp_path / "h.csv", tmp_path / "w.json", tmp_path / "d.csv"
    code, rep = run_json(
        capsys, "--dataset", "xor", "--samples", "300", "--test-samples", "300",
        "--hidden", "5", "--init", "xavier", "--features", "x1,x2,x1*x2", "--lr", "0.5",
        "--iterations", "300", standardize,
        "--export-history", str(h), "--export-weights", str(w), "--export-data", str(d),
    )  # fmt: skip
    assert code == 0
    history = _read_csv(h)
    assert history[0] == ["iteration", "train_cost", "test_cost"]
    trained = [row for row in history[1:] if row[1]]
    assert len(trained) == rep["iterations"] == 300
    assert float(trained[0][1]) == rep["first_cost"]
    assert float(trained[-1][1]) == rep["final_cost"]
    assert float(history[-1][2]) == rep["final_test_cost"]
    weights = json.loads(w.read_text())
    assert weights["inputs"] == rep["inputs"] and weights["features"] == rep["features"]
    assert [layer["weights"] for layer in weights["layers"]] == rep["weights"]
    rows = _read_csv(d)
    assert rows[0] == ["x1", "x2", "label", "split"]
    points = np.array([[float(v) for v in row[:2]] for row in rows[1:]])
    labels = np.array([float(row[2]) for row in rows[1:]])
    split = np.array([row[3] for row in rows[1:]])
    assert (split == "train").sum() == rep["train_samples"]
    assert (split == "test").sum() == rep["test_samples"]
    predicted = (_apply(weights, points) > 0.0).astype(float)
    for part in ("train", "test"):
        mine = split == part
        assert np.mean(predicted[mine] == labels[mine]) == rep[f"{part}_accuracy"]


def test_names_from_a_csv_file_are_quoted_in_the_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    hostile = ['a,"b"', "c\nd", "label"]
    rng = np.random.default_rng(0)
    with open(source, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*hostile, "y"])
        for _ in range(40):
            a, b, c = rng.normal(size=3)
            writer.writerow([a, b, c, "yes" if a + b > 0 else "no"])
    w, d = tmp_path / "w.json", tmp_path / "d.csv"
    code, rep = run_json(
        capsys, "--csv", str(source), "--target", "y", "--iterations", "50",
        "--export-weights", str(w), "--export-data", str(d),
    )  # fmt: skip
    assert code == 0
    weights = json.loads(w.read_text())
    assert weights["features"] == hostile and weights["class_names"] == ["no", "yes"]
    rows = _read_csv(d)
    assert rows[0] == [*hostile, "label_", "split"]  # a feature is called "label"
    assert all(len(row) == 5 for row in rows)
    predicted = _apply(weights, np.array([[float(v) for v in r[:3]] for r in rows[1:]])) > 0
    labels = np.array([r[3] == "1" for r in rows[1:]])
    test = np.array([r[4] == "test" for r in rows[1:]])
    assert np.mean(predicted[test] == labels[test]) == rep["test_accuracy"]


def test_an_interrupted_run_is_exported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tui.cli.run.train_in_chunks

    def interrupted(trainer: Trainer, stop: threading.Event, on_chunk: Any) -> str:
        def first_chunk_then_sigint() -> None:
            on_chunk()
            if trainer.iteration > 0 and not stop.is_set():
                os.kill(os.getpid(), signal.SIGINT)

        return real(trainer, stop, first_chunk_then_sigint)

    monkeypatch.setattr(tui.cli.run, "train_in_chunks", interrupted)
    h, w = tmp_path / "h.csv", tmp_path / "w.json"
    code, rep = run_json(
        capsys, "--iterations", "100000000", "--export-history", str(h), "--export-weights", str(w)
    )
    assert code == 130 and rep["stopped"] == "interrupted"
    trained = [row for row in _read_csv(h)[1:] if row[1]]
    assert len(trained) == rep["iterations"] and float(trained[-1][1]) == rep["final_cost"]
    assert json.loads(w.read_text())["layers"][0]["weights"] == [rep["weights"]]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_export_that_cannot_be_written_fails_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["train", "--export-data", str(tmp_path / "missing" / "d.csv")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("neuron-tui: error: --export-data: the directory ")
    assert err.count("\n") == 1


# -- neuron-tui [OPTIONS]: the app ------------------------------------------------------------


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[AppStart]:
    starts: list[AppStart] = []

    def launch_app(start: AppStart) -> int:
        starts.append(start)
        return 0

    monkeypatch.setattr("tui.__main__.launch_app", launch_app)
    return starts


def test_options_open_the_app_with_their_settings(launched: list[AppStart]) -> None:
    args = ["--dataset", "reg-line", "--hidden", "3", "--lr", "1e-3", "--batch-size", "16"]
    assert main(args) == 0
    start = launched[-1]
    assert start.given and start.record is None
    assert start.data_cfg is not None and start.data_cfg.name == "reg-line"
    assert start.model_cfg == ModelConfig(problem="regression", hidden=(3,))
    assert start.train_cfg == TrainConfig(lr=1e-3, batch_size=16)
    assert main([]) == 0 and not launched[-1].given  # nothing given: the session is offered


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "-1"], "--lr: must be greater than 0, got -1"),
        (["--hidden", "x"], "--hidden: give layer widths"),
        (["--target", "y"], "--target needs --csv PATH"),
        (["--lr", "1", "train"], "--lr must come after the command"),
        (["--load", "r.npz", "--lr", "1"], "--lr cannot be used with --load in the app"),
        (["--load", "/nonexistent/r.npz"], "file not found"),
        (["--json"], "unrecognized arguments: --json"),
    ],
)
def test_a_bad_option_for_the_app_is_one_line_before_any_screen(
    launched: list[AppStart], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err
    assert launched == []


def test_load_opens_a_saved_run_in_the_app(
    launched: list[AppStart], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "run.npz")
    assert main(["train", "--iterations", "30", "--save", path]) == 0
    capsys.readouterr()
    assert main(["--load", path]) == 0
    start = launched[-1]
    assert start.given and start.path == path
    assert start.record is not None and start.record.history.n == 30
