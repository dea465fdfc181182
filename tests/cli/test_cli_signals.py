"""Stopping ``neuron-tui train`` from outside: SIGINT, SIGTERM and SIGHUP keep the partial run,
a second signal gives up at once, a reader that goes away still leaves the run saved.

In-process tests send the signal from inside ``Trainer.step`` (after a few chunks), so it
arrives while the command's handler is installed, never to pytest itself; the real-process
tests wait for the first printed line before signalling.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Helpers of the CLI tests (pytest puts this directory on sys.path: tests are not a package).
from test_cli import ITERATION_LINE, run, run_json, subprocess_env

from neuron_core.store.runfile import load_run
from neuron_core.training.schedule import Status
from neuron_core.training.trainer import Trainer
from tui.cli.exits import EXIT_HANGUP, EXIT_INTERRUPTED, EXIT_TERMINATED, exit_code

SIGNALS = [
    pytest.param(signal.SIGINT, 130, id="SIGINT"),
    pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    pytest.param(signal.SIGHUP, 129, id="SIGHUP"),
]


def _signal_during_training(
    monkeypatch: pytest.MonkeyPatch, signum: int, times: int = 1, after_steps: int = 3
) -> None:
    """Make the ``after_steps``-th ``Trainer.step`` send ``signum`` to this process ``times``
    times, but only while the command's own handler is installed or the signal is ignored
    (else fail the test rather than kill pytest)."""
    original_step = Trainer.step
    default = signal.getsignal(signum)
    calls = 0

    def step(self: Trainer, k: int = 1) -> Status:
        nonlocal calls
        status = original_step(self, k)
        calls += 1
        if calls == after_steps:
            current = signal.getsignal(signum)
            assert current is not default or current is signal.SIG_IGN, "no handler installed"
            for _ in range(times):
                os.kill(os.getpid(), signum)
        return status

    monkeypatch.setattr(Trainer, "step", step)


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_keeps_the_partial_run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    signum: int,
    code: int,
) -> None:
    path = str(tmp_path / "partial.npz")
    before = signal.getsignal(signum)
    _signal_during_training(monkeypatch, signum)
    exit_code, rep = run_json(capsys, "--iterations", "100000000", "--save", path)
    assert exit_code == code
    assert rep["stopped"] == "interrupted" and rep["status"] == "paused"
    assert rep["signal"] == signal.Signals(signum).name
    assert 0 < rep["iterations"] < 100_000_000 and math.isfinite(rep["final_cost"])
    assert rep["saved"] == path and load_run(path).history.n == rep["iterations"]
    assert signal.getsignal(signum) is before  # the handler is put back


def test_the_plain_summary_names_the_signal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _signal_during_training(monkeypatch, signal.SIGTERM)
    code, out, err = run(capsys, "--iterations", "100000000")
    assert code == 143 and err == ""
    assert re.search(r"^stopped: interrupted \(SIGTERM\) at iteration [\d,]+$", out, re.M)


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_second_signal_gives_up_at_once(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    signum: int,
    code: int,
) -> None:
    path = tmp_path / "never.npz"
    before = signal.getsignal(signum)
    _signal_during_training(monkeypatch, signum, times=2)
    exit_code, out, err = run(capsys, "--iterations", "100000000", "--save", str(path))
    assert exit_code == code
    assert out == "" and err == "neuron-tui: interrupted\n"
    assert not path.exists()
    assert signal.getsignal(signum) is before


def test_an_ignored_signal_stays_ignored(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under `nohup` SIGHUP is ignored: the run must go on to the end."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        _signal_during_training(monkeypatch, signal.SIGHUP)
        code, rep = run_json(capsys, "--samples", "200", "--iterations", "3000")
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert code == 0 and rep["stopped"] == "completed" and rep["iterations"] == 3000


def test_a_signal_while_the_data_loads(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to keep yet: the command stops before training, with the signal's code."""
    import neuron_core.data.datasets as datasets

    original_load = datasets.load

    def load(cfg: Any, progress: Any = None) -> Any:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler is installed before loading
        return original_load(cfg, progress)

    monkeypatch.setattr(datasets, "load", load)
    code, out, err = run(capsys, "--iterations", "1000")
    assert code == 143 and out == "" and err == "neuron-tui: interrupted\n"


def test_exit_codes() -> None:
    assert exit_code("completed") == exit_code("target_reached") == 0
    assert exit_code("early_stopped") == 0 and exit_code("diverged") == 3
    assert exit_code("interrupted") == EXIT_INTERRUPTED == 130
    assert exit_code("interrupted", signal.SIGTERM) == EXIT_TERMINATED == 143
    assert exit_code("interrupted", signal.SIGHUP) == EXIT_HANGUP == 129


# --------------------------------------------------------------------------------------------
# Real processes
# --------------------------------------------------------------------------------------------


def _start(*args: str, session: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "train", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
        start_new_session=session,
    )


def test_ctrl_c_in_a_terminal_keeps_the_run(tmp_path: Path) -> None:
    # A terminal's Ctrl+C signals its whole foreground process group: the command saves the
    # run, prints no traceback and exits 130.
    path = tmp_path / "interrupted.npz"
    proc = _start("--iterations", "100000000", "--samples", "200000", "--print-every",
                  "100000000", "--save", str(path), session=True)  # fmt: skip
    assert proc.stdout is not None
    assert ITERATION_LINE.match(proc.stdout.readline().rstrip("\n"))
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err == ""
    assert "stopped: interrupted (SIGINT)" in out and f"saved: {path}" in out
    assert load_run(path).history.n > 0


def test_sigterm_to_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "terminated.npz"
    proc = _start("--iterations", "100000000", "--samples", "20000", "--print-every",
                  "100000000", "--save", str(path))  # fmt: skip
    assert proc.stdout is not None
    # The first line is printed after the first chunk: training has started.
    assert ITERATION_LINE.match(proc.stdout.readline().rstrip("\n"))
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err == ""
    match = re.search(r"^stopped: interrupted \(SIGTERM\) at iteration ([\d,]+)$", out, re.M)
    assert match is not None, out
    iterations = int(match.group(1).replace(",", ""))
    assert 0 < iterations < 100_000_000
    assert f"saved: {path}" in out
    assert load_run(path).history.n == iterations


def test_a_reader_going_away_still_leaves_the_run_saved(tmp_path: Path) -> None:
    path = tmp_path / "piped.npz"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "train", "--iterations", "100000000", "--print-every", "1",
         "--save", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"Iteration 0: 0.6931471805599453\n"
    proc.stdout.close()  # the reader goes away, like `| head -1`
    assert proc.wait(timeout=30) == 141
    assert proc.stderr.read() == b""
    record = load_run(path)
    assert record.history.n > 0 and record.status == "paused"
