"""The headless command: ``neuron-tui train`` (tui.cli) and the ``neuron-tui`` entry point.

Most tests call ``main(argv)`` in-process (fast, exit code returned); a few run the real command
in a subprocess where the process matters: tracebacks, SIGINT, broken pipes, imports, a terminal.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from numpy.typing import NDArray

import tui.cli.run
from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.store.runfile import load_run
from neuron_core.training.stepper import Stepper
from neuron_core.training.trainer import Trainer
from tui.__main__ import main
from tui.cli.options import OPTIONS, options_markdown
from tui.cli.report import finite_or_none
from tui.cli.run import train_in_chunks

LN2 = math.log(2.0)
REQUIRED_KEYS = {
    "dataset", "features", "train_samples", "test_samples", "iterations", "first_cost",
    "final_cost", "final_test_cost", "train_accuracy", "test_accuracy", "weights", "bias",
    "seconds", "iterations_per_second", "stopped", "reason", "confusion", "precision", "recall",
    "f1", "warnings", "class_names", "seed", "lr", "dtype",
}  # fmt: skip
ITERATION_LINE = re.compile(r"^Iteration \d+: [0-9.e-]+$")
ROOT = Path(__file__).resolve().parents[2]


def _no_nan(text: str) -> Any:
    """Parse JSON, failing on NaN/Infinity (which Python's json would otherwise accept)."""

    def bad(token: str) -> None:
        raise AssertionError(f"non-finite number {token} in the JSON")

    return json.loads(text, parse_constant=bad)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``neuron-tui train ARGS`` in-process: (exit code, stdout, stderr)."""
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, *args, "--json")
    assert err == ""
    assert out.count("\n") == 1, "stdout must be exactly one JSON object"
    return code, _no_nan(out)


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def spawn(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``python -m tui ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        **kwargs,
    )


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def test_json_report_of_the_default_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys)
    assert code == 0
    assert rep.keys() >= REQUIRED_KEYS
    assert abs(rep["first_cost"] - LN2) < 1e-12
    assert rep["test_accuracy"] >= 0.97
    assert rep["train_accuracy"] >= 0.97
    assert rep["stopped"] == "completed" and rep["reason"] == ""
    assert rep["dataset"] == "line" and rep["features"] == ["x1", "x2"]
    assert (rep["train_samples"], rep["test_samples"], rep["iterations"]) == (1000, 2000, 2000)
    assert (rep["seed"], rep["lr"], rep["dtype"]) == (0, 0.1, "float64")
    assert rep["class_names"] == ["0", "1"]
    assert rep["final_cost"] < 0.1 < rep["first_cost"]
    assert len(rep["weights"]) == 2 and isinstance(rep["bias"], float)
    (tn, fp), (fn, tp) = rep["confusion"]
    assert tn + fp + fn + tp == 2000
    assert rep["test_accuracy"] == pytest.approx((tn + tp) / 2000)
    assert rep["precision"] == pytest.approx(tp / (tp + fp))
    assert rep["recall"] == pytest.approx(tp / (tp + fn))
    assert rep["seconds"] > 0 and rep["iterations_per_second"] > 1000
    assert rep["warnings"] == []
    # The model and the training settings: the article's single neuron and plain descent.
    assert (rep["problem"], rep["hidden"], rep["layer_sizes"]) == ("classification", [], [2, 1])
    assert (rep["activation"], rep["init"], rep["biases"]) == (None, "zeros", None)
    assert (rep["optimizer"], rep["batch_size"], rep["l1"], rep["l2"]) == ("gd", None, 0.0, 0.0)
    assert (rep["target_cost"], rep["early_stop"], rep["test_every"]) == (None, None, 10)
    assert rep["signal"] is None


def test_json_matches_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    """The command reports exactly what the engine computes for the same settings."""
    code, rep = run_json(capsys, "--samples", "300", "--iterations", "500", "--lr", "0.05")
    assert code == 0
    trainer = Trainer(
        load(DataConfig(samples=300)), ModelConfig(), TrainConfig(lr=0.05, iterations=500)
    )
    trainer.run()
    costs = trainer.history.train()
    assert rep["final_cost"] == float(costs[-1])
    assert rep["final_test_cost"] == trainer.test_cost()
    assert rep["weights"] == trainer.model.get_params()[0].reshape(-1).tolist()


def test_print_every_prints_the_articles_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--print-every", "5")
    assert code == 0 and err == ""
    lines = out.splitlines()
    iteration_lines = [line for line in lines if ITERATION_LINE.match(line)]
    assert len(iteration_lines) == 400
    assert lines[0] == "Iteration 0: 0.6931471805599453"
    assert lines[:400] == iteration_lines  # all first, then the summary
    assert lines[399].startswith("Iteration 1995: ")
    # The numbers are the recorded costs, printed as the article's "%s" % c does.
    trainer = Trainer(load(DataConfig()), ModelConfig(), TrainConfig())
    trainer.run()
    expected = ["Iteration %s: %s" % (i, c) for i, c in enumerate(trainer.history.train().tolist())]  # noqa: UP031
    assert iteration_lines == expected[::5]


def test_plain_summary_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--iterations", "300")
    assert code == 0
    labels = [line.split(":", 1)[0] for line in out.splitlines()]
    assert {"dataset", "stopped", "cost", "accuracy", "weights"} <= set(labels)
    assert "stopped: completed at iteration 300" in out
    assert "\x1b[" not in out  # no terminal escapes in a pipe


def test_float_notation_for_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, "--samples", "1e3", "--iterations", "1_000")
    assert code == 0
    assert rep["train_samples"] == 1000 and rep["iterations"] == 1000


def test_csv_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (200, 3))
    label = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    path = tmp_path / "data.csv"
    rows = [f"{a},{b},{c},{y}" for (a, b, c), y in zip(x.tolist(), label.tolist(), strict=True)]
    path.write_text("a,b,c,label\n" + "\n".join(rows) + "\n")
    code, rep = run_json(
        capsys,
        "--csv",
        str(path),
        "--target",
        "label",
        "--features",
        "a, b",
        "--test-ratio",
        "0.25",
    )
    assert code == 0
    assert rep["dataset"] == str(path) and rep["source"] == "csv"
    assert rep["features"] == ["a", "b"] and rep["class_names"] == ["no", "yes"]
    assert (rep["train_samples"], rep["test_samples"]) == (150, 50)
    assert rep["test_accuracy"] > 0.8
    code, _, err = run(capsys, "--csv", str(path), "--target", "label", "--features", "a,zz")
    assert code == 2 and "'zz' not found" in err


def test_finite_or_none_replaces_every_non_finite_float() -> None:
    value = {"a": math.nan, "b": [1.0, math.inf, {"c": -math.inf}], "d": (2, "x"), "e": 0.5}
    assert finite_or_none(value) == {
        "a": None,
        "b": [1.0, None, {"c": None}],
        "d": [2, "x"],
        "e": 0.5,
    }


# --------------------------------------------------------------------------------------------
# Bad input: one line, exit 2, never a traceback
# --------------------------------------------------------------------------------------------

BAD_INPUT = [
    (["--lr", "nan"], "--lr: must be a number, got NaN"),
    (["--lr", "-1"], "--lr: must be greater than 0, got -1"),
    (["--lr", "inf"], "--lr: must be finite"),
    (["--lr", "-inf"], "--lr: must be finite"),
    (["--lr", "-1e5"], "--lr: must be greater than 0"),
    (["--lr", "abc"], "--lr: must be a number, got 'abc'"),
    (["--lr", ""], "--lr: must be a number, got ''"),
    (["--lr", "1e7"], "--lr: must be at most"),
    (["--lr"], "expected one argument"),
    (["--samples", "0"], "--samples: must be at least 2"),
    (["--samples", "1e99"], "--samples: 1e99 is far too large"),
    (["--samples", "2.5"], "--samples: must be a whole number, got '2.5'"),
    (["--samples", "1e7x"], "--samples: must be a whole number"),
    (["--samples", "99999999"], "--samples: must be at most 10,000,000"),
    (["--test-samples", "0"], "--test-samples: must be at least 1"),
    (["--iterations", "-5"], "--iterations: must be at least 1, got -5"),
    (["--iterations", ""], "--iterations: must be a whole number, got ''"),
    (["--iterations", "nan"], "--iterations: must be a whole number"),
    (["--noise", "0.6"], "--noise: must be at most 0.5"),
    (["--seed", "-1"], "--seed: must be at least 0"),
    (["--dataset", ""], "--dataset: must be one of"),
    (["--dataset", "nope"], "--dataset: must be one of line"),
    (["--dtype", "float16"], "--dtype: must be one of float64, float32"),
    (["--print-every", "0"], "--print-every: must be at least 1"),
    (["--print-every", "5", "--json"], "--print-every cannot be used with --json"),
    (["--csv", "x.csv"], "--csv needs --target"),
    (["--csv", "", "--target", "y"], "--csv: give the path of a CSV file"),
    (["--csv", "/nonexistent/x.csv", "--target", "y"], "file not found"),
    (["--csv", "x.csv", "--target", "y", "--features", ""], "--features: choose at least one"),
    (["--csv", "x.csv", "--target", "y", "--features", "a,,b"], "--features: an empty column"),
    (["--csv", "x.csv", "--target", "y", "--test-ratio", "2"], "--test-ratio: must be at most"),
    (["--csv", "x.csv", "--dataset", "line"], "--dataset cannot be used with --csv"),
    (["--csv", "x.csv", "--target", "y", "--samples", "9"], "--samples cannot be used with --csv"),
    (["--target", "y"], "--target needs --csv"),
    (["--load", "x.npz", "--dataset", "xor"], "--dataset cannot be used with --load"),
    (["--load", "/nonexistent/run.npz"], "file not found: /nonexistent/run.npz"),
    (["--load", ""], "--load: give a file path"),
    (["--save", ""], "--save: give a file path"),
    (["--save", "/nonexistent/dir/run.npz"], "does not exist"),
    (["--save", "/"], "is a directory"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--lr=0.1", "--samp", "3"], "unrecognized arguments"),  # no abbreviations
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("neuron-tui: error: "), err
    assert message in err


def test_bad_saved_run_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "run.npz"
    path.write_text("not a run")
    code, out, err = run(capsys, "--load", str(path))
    assert code == 2 and out == ""
    assert err == f"neuron-tui: error: {path} is not a neuron-tui run file\n"


@pytest.mark.parametrize(
    "args",
    [["train", "--lr", "abc"], ["train", "--samples", "1e99"], ["train", "--nope"], ["nope"]],
)
def test_bad_input_in_a_real_process_has_no_traceback(args: list[str]) -> None:
    proc = spawn(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("neuron-tui: error: ")
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------------------------
# Saving and continuing
# --------------------------------------------------------------------------------------------


def test_save_then_load_continues_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "run.npz")
    code, first = run_json(capsys, "--iterations", "1000", "--save", path)
    assert code == 0 and first["saved"] == path
    assert load_run(path).history.n == 1000

    code, cont = run_json(capsys, "--load", path, "--iterations", "2500", "--save", path)
    assert code == 0
    assert cont["iterations"] == 2500 and cont["iterations_run"] == 1500
    assert cont["loaded"] == path
    assert abs(cont["first_cost"] - LN2) < 1e-12  # the history goes on from the saved one
    assert load_run(path).history.n == 2500

    # Continuing gives exactly the costs of one uninterrupted run.
    code, whole = run_json(capsys, "--iterations", "2500")
    assert cont["final_cost"] == whole["final_cost"]
    assert cont["weights"] == whole["weights"] and cont["bias"] == whole["bias"]

    # The article's lines carry on with the global iteration numbers.
    code, out, _ = run(capsys, "--load", path, "--iterations", "2600", "--print-every", "50")
    lines = [line for line in out.splitlines() if ITERATION_LINE.match(line)]
    assert [int(line.split()[1][:-1]) for line in lines] == [2500, 2550]


def test_load_applies_overrides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = str(tmp_path / "run.npz")
    assert run_json(capsys, "--iterations", "200", "--save", path)[0] == 0
    code, rep = run_json(capsys, "--load", path, "--lr", "0.5", "--iterations", "400")
    assert code == 0 and rep["lr"] == 0.5 and rep["iterations"] == 400


def test_load_of_a_finished_run_trains_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "run.npz")
    assert run_json(capsys, "--iterations", "200", "--save", path)[0] == 0
    code, rep = run_json(capsys, "--load", path)
    assert code == 0
    assert rep["iterations"] == 200 and rep["iterations_run"] == 0
    assert any("already has 200 iterations" in w for w in rep["warnings"])


# --------------------------------------------------------------------------------------------
# Divergence and interruption
# --------------------------------------------------------------------------------------------


class _DivergingStepper:
    """Wraps a real stepper; after ``after`` iterations it reports a non-finite next cost (runs
    fewer iterations than asked), as a stepper does when the cost becomes inf/NaN. Everything
    else is the real stepper's."""

    def __init__(self, inner: Stepper, after: int) -> None:
        self.inner = inner
        self.left = after

    def run(self, costs: NDArray[np.float64], k: int, start: int = 0) -> int:
        done = self.inner.run(costs, min(k, self.left), start)
        self.left -= done
        return done

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_divergence_exits_3_and_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The single neuron's stable loss never becomes infinite, so divergence is simulated.
    original_init = Trainer.__init__

    def init(self: Trainer, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._stepper = cast(Stepper, _DivergingStepper(self._stepper, after=123))

    monkeypatch.setattr(Trainer, "__init__", init)
    path = str(tmp_path / "diverged.npz")
    code, rep = run_json(capsys, "--save", path)
    assert code == 3
    assert rep["stopped"] == "diverged" and rep["status"] == "diverged"
    assert rep["iterations"] == 123
    assert "infinite or NaN" in rep["reason"]
    assert math.isfinite(rep["final_cost"]) and math.isfinite(rep["final_test_cost"])
    assert load_run(path).status == "diverged"
    code, out, _ = run(capsys)
    assert code == 3 and "stopped: diverged at iteration 123" in out and "reason: " in out


@pytest.mark.filterwarnings("error")  # no NumPy overflow warning may reach stderr
def test_real_divergence_of_a_regression(capsys: pytest.CaptureFixture[str]) -> None:
    # Mean squared error on the article's line (x up to 10) blows up with a large step.
    code, rep = run_json(capsys, "--dataset", "reg-line", "--lr", "1")
    assert code == 3
    assert rep["stopped"] == "diverged" and 0 < rep["iterations"] < 2000
    assert "learning rate 1 is probably too high" in rep["reason"]
    # Nothing non-finite reaches the report (_no_nan checked the JSON text).
    assert rep["final_cost"] is None or math.isfinite(rep["final_cost"])


def test_regression_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, "--dataset", "reg-plane", "--lr", "0.1", "--iterations", "300")
    assert code == 0
    assert rep["test_r2"] > 0.99 and rep["test_rmse"] < 0.1
    assert rep["test_accuracy"] is None and rep["class_names"] is None
    assert rep["weights"] == pytest.approx([0.6, -0.4], abs=1e-6)


def test_ctrl_c_in_process_keeps_the_partial_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "partial.npz")
    before = signal.getsignal(signal.SIGINT)
    real = tui.cli.run.train_in_chunks

    def interrupted(trainer: Trainer, stop: threading.Event, on_chunk: Any) -> str:
        # Ctrl+C once the first chunk is done, whatever the machine's speed (a timer could
        # fire before training starts on a busy machine).
        sent: list[bool] = []

        def first_chunk_then_sigint() -> None:
            on_chunk()
            if trainer.iteration > 0 and not sent:
                sent.append(True)
                os.kill(os.getpid(), signal.SIGINT)

        return real(trainer, stop, first_chunk_then_sigint)

    monkeypatch.setattr(tui.cli.run, "train_in_chunks", interrupted)
    code, rep = run_json(capsys, "--iterations", "100000000", "--save", path)
    assert code == 130
    assert rep["stopped"] == "interrupted" and rep["status"] == "paused"
    assert 0 < rep["iterations"] < 100_000_000
    assert load_run(path).history.n == rep["iterations"]
    assert signal.getsignal(signal.SIGINT) is before  # the handler is put back


def test_sigint_to_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "interrupted.npz"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "train", "--iterations", "100000000", "--samples", "100000",
         "--save", str(path), "--print-every", "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )  # fmt: skip
    # Interrupted once training has started (the article's lines are printed), however long
    # the start takes on a busy machine.
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("Iteration 0: 0.693147"), first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in (out + err).lower()
    record = load_run(path)
    assert 0 < record.history.n < 100_000_000
    assert abs(float(record.history.costs[0]) - LN2) < 1e-12


def test_broken_pipe_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "train", "--iterations", "100000000", "--print-every", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"Iteration 0: 0.6931471805599453\n"
    proc.stdout.close()  # the reader goes away, like `| head -1`
    assert proc.wait(timeout=30) == 141
    assert proc.stderr.read() == b""


# --------------------------------------------------------------------------------------------
# Chunked training
# --------------------------------------------------------------------------------------------


def test_chunks_grow_to_the_time_budget_and_stop_on_request() -> None:
    trainer = Trainer(load(DataConfig(samples=200)), ModelConfig(), TrainConfig(iterations=10**8))
    stop = threading.Event()
    seen: list[int] = []

    def on_chunk() -> None:
        seen.append(trainer.iteration)
        if len(seen) == 8:
            stop.set()

    assert train_in_chunks(trainer, stop, on_chunk, chunk_seconds=0.01) == "paused"
    assert len(seen) == 8 and seen[-1] == trainer.iteration
    sizes = np.diff([0, *seen])
    assert sizes[0] == 1 and sizes[-1] > 100  # starts small, grows toward 10 ms of work
    assert all(b <= 4 * a for a, b in itertools.pairwise(sizes))


def test_chunks_run_to_completion_like_run() -> None:
    data = load(DataConfig(samples=200))
    a = Trainer(data, ModelConfig(), TrainConfig(iterations=3000))
    b = Trainer(data, ModelConfig(), TrainConfig(iterations=3000))
    a.run()
    assert train_in_chunks(b, threading.Event(), lambda: None) == "completed"
    assert a.history.train().tobytes() == b.history.train().tobytes()


# --------------------------------------------------------------------------------------------
# Entry point, help, imports
# --------------------------------------------------------------------------------------------


def test_no_command_launches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[str] = []

    def launch_app(start: object = None) -> int:
        launched.append("app")
        return 7

    monkeypatch.setattr("tui.__main__.launch_app", launch_app)
    assert main([]) == 7 and launched == ["app"]
    # Every other command line is the headless command's: the app is never started.
    assert main(["--version"]) == 0
    assert main(["train", "--help"]) == 0
    assert main(["nope"]) == 2
    assert launched == ["app"]


def test_the_app_starts_with_the_collector_off_until_it_settles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The imports and widgets of start-up are ~120k objects that live as long as the app: the
    # collector is off while they are made (83 ms of a 0.68 s launch went to walking them), and
    # the app's settle (1 s after its first frame) collects once, freezes and turns it back on.
    import gc

    import tui.app
    from tui.__main__ import launch_app
    from tui.run.session import settle_garbage_collector

    seen: list[bool] = []

    class App:
        session_note = None
        return_code = 0

        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def run(self) -> None:
            seen.append(gc.isenabled())
            settle_garbage_collector()
            seen.append(gc.isenabled())

    monkeypatch.setenv("TEXTUAL_DRIVER", "headless")  # no terminal needed
    monkeypatch.setattr(tui.app, "NeuronApp", App)
    try:
        assert launch_app() == 0
    finally:
        gc.enable()
    assert seen == [False, True]


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    for opt in OPTIONS:
        assert opt.flag in out
        assert f"`{opt.flag}" in options_markdown()
    flat = " ".join(out.split())
    assert "(default: 0.1, 0.01 for regression)" in flat and "(default: 2000)" in out
    assert main(["--help"]) == 0 and "train" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert re.fullmatch(r"neuron-tui \S+\n", capsys.readouterr().out)


def test_option_defaults_come_from_the_configs() -> None:
    by_flag = {opt.flag: opt for opt in OPTIONS}
    assert by_flag["--lr"].default == TrainConfig().lr
    assert by_flag["--samples"].default == DataConfig().samples
    assert by_flag["--dataset"].default == DataConfig().name
    assert by_flag["--save"].default is None


# What the headless command may load of `tui`: the package, its entry point, tui.cli and tui.text
# (escaping data for the terminal; standard library only).
HEADLESS_TUI = re.compile(r"tui(\.__main__|\.text|\.cli(\..*)?)?")
# UI libraries: the app's, never the headless command's.
UI_LIBRARIES = ("textual", "textual_plotext", "plotext")

# Imports every module of tui.cli, then runs `neuron-tui --help`, `neuron-tui train --help` and a
# short `neuron-tui train --json` through the console script's `main`, and prints the loaded
# modules worth knowing about after each step, as JSON.
_WHAT_LOADS = """
import contextlib, importlib, io, json, pkgutil, re, sys
import tui.cli
from tui.__main__ import main

headless = re.compile(HEADLESS)
def loaded():
    tops = {m: m.split(".")[0] for m in sys.modules}
    return {
        "ui": sorted(m for m, top in tops.items() if top in UI),
        "app": sorted(m for m, top in tops.items() if top == "tui" and not headless.fullmatch(m)),
        "slow": sorted(m for m, top in tops.items() if top in ("numpy", "rich")),
    }
names = [m.name for m in pkgutil.walk_packages(tui.cli.__path__, "tui.cli.")]
for name in names:
    importlib.import_module(name)
steps = {"modules": names, "import": loaded()}
with contextlib.redirect_stdout(io.StringIO()) as out:
    codes = [main(["--help"]), main(["train", "--help"])]
steps["help"] = loaded()
with contextlib.redirect_stdout(io.StringIO()) as out:
    codes.append(main(["train", "--iterations", "10", "--json"]))
steps["train"] = loaded()
steps["codes"] = codes
steps["report"] = json.loads(out.getvalue())
print(json.dumps(steps))
"""


def test_the_headless_command_loads_no_ui_library() -> None:
    """Importing every tui.cli module, --help and a short run load no Textual, plotext nor any
    module of the app; importing and --help load no NumPy nor rich (they start fast), and a
    --json run no rich (nothing is drawn)."""
    code = f"HEADLESS = {HEADLESS_TUI.pattern!r}\nUI = {UI_LIBRARIES!r}\n{_WHAT_LOADS}"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env()
    )
    assert proc.returncode == 0, proc.stderr
    steps = json.loads(proc.stdout)
    assert {"tui.cli.options", "tui.cli.request", "tui.cli.run", "tui.cli.report"} <= set(
        steps["modules"]
    )
    assert steps["codes"] == [0, 0, 0]
    assert steps["report"]["iterations"] == 10
    for step in ("import", "help", "train"):
        assert steps[step]["ui"] == [], f"{step} loaded {steps[step]['ui']}"
        assert steps[step]["app"] == [], f"{step} loaded {steps[step]['app']}"
    assert steps["import"]["slow"] == [] and steps["help"]["slow"] == []
    assert "numpy" in steps["train"]["slow"]
    assert not any(m.startswith("rich") for m in steps["train"]["slow"])


def _imported_by(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the installed ``neuron-tui ARGS`` (``python -m tui`` when the console script is not
    installed next to this Python) with Python's import log on; returns the process and the
    names of every module it imported."""
    script = Path(sys.executable).with_name("neuron-tui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tui"]
    proc = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=subprocess_env() | {"PYTHONPROFILEIMPORTTIME": "1"},
        timeout=60,
    )
    # Lines of the form "import time:  self |  cumulative | <indent>module", after a header.
    log = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in log[1:]}
    return proc, modules


@pytest.mark.parametrize(
    "args", [["train", "--help"], ["train", "--iterations", "10", "--json"]], ids=["help", "json"]
)
def test_the_console_script_loads_no_ui_library(args: list[str]) -> None:
    proc, modules = _imported_by(*args)
    assert proc.returncode == 0
    assert "tui.cli.command" in modules  # the log was read
    assert not [m for m in modules if m.split(".")[0] in UI_LIBRARIES]
    assert not [m for m in modules if m.split(".")[0] == "tui" and not HEADLESS_TUI.fullmatch(m)]
    if "--help" in args:
        assert "numpy" not in modules and "rich" not in modules
    else:
        assert _no_nan(proc.stdout)["iterations"] == 10


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_and_table_on_a_terminal() -> None:
    import pty

    primary, secondary = pty.openpty()
    env = subprocess_env() | {"COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "train", "--iterations", "100000"],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    assert proc.wait(timeout=60) == 0
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    bars = [line for line in re.split(r"[\r\n]+", screen) if " it/s ETA " in line]
    assert len(bars) >= 2  # redrawn while training
    assert bars[0].split()[1] == "0/100,000" and bars[-1].split()[1] == "100,000/100,000"
    assert "│ stopped" in screen and "completed at iteration 100,000" in screen
