"""``neuron-tui`` without a terminal (issue 10): the installed command, started with stdin from
``/dev/null`` or with its screen (stderr, where Textual draws) going to a pipe, says in one line
that it needs a terminal and points to ``neuron-tui train``, and exits with code 2 at once,
instead of starting the full-screen app and waiting forever for keys that never come."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tui.__main__ import missing_terminal

# Generous: the refusal takes a fraction of a second; the app it replaces never ended at all.
TIMEOUT = 60.0


def _drain(fd: int) -> bytes:
    """Everything left to read on a pty master (the slave side is closed)."""
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the slave side is closed and everything was read
            return out
        if not chunk:
            return out
        out += chunk


def run_without_terminal(
    program: str, env: dict[str, str], cwd: Path, *, stdin_tty: bool, stderr_tty: bool
) -> tuple[int, str, str]:
    """Run ``program`` with stdout a pipe, stdin ``/dev/null`` or a pty, stderr a pipe or a pty;
    ``(exit code, stdout, stderr)`` where stderr is what the pipe or the pty received."""
    master, slave = pty.openpty()
    try:
        with open(os.devnull, "rb") as devnull:
            proc = subprocess.run(
                [program],
                stdin=slave if stdin_tty else devnull,
                stdout=subprocess.PIPE,
                stderr=slave if stderr_tty else subprocess.PIPE,
                env=env,
                cwd=cwd,
                timeout=TIMEOUT,
                check=False,
            )
    finally:
        os.close(slave)
    on_pty = _drain(master).decode("utf-8", "replace")
    os.close(master)
    stderr = on_pty if stderr_tty else proc.stderr.decode("utf-8", "replace")
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), stderr


@pytest.mark.parametrize(
    ("stdin_tty", "stderr_tty", "missing"),
    [
        (False, False, "stdin and stderr are not terminals"),
        (False, True, "stdin is not a terminal"),
        (True, False, "stderr is not a terminal"),
    ],
    ids=["nothing-is-a-terminal", "stdin-from-dev-null", "screen-to-a-pipe"],
)
def test_without_a_terminal_the_app_says_so_and_exits_2(
    stdin_tty: bool,
    stderr_tty: bool,
    missing: str,
    neuron_tui: str,
    app_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = {**app_env, "HOME": str(tmp_path)}
    code, out, err = run_without_terminal(
        neuron_tui, env, tmp_path, stdin_tty=stdin_tty, stderr_tty=stderr_tty
    )
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("neuron-tui: error: the app needs a terminal"), err
    assert missing in lines[0]
    assert "neuron-tui train" in lines[0]
    # Nothing of the full-screen app reached the terminal: no escape sequence at all.
    assert "\x1b" not in err
    assert "Traceback" not in err
    # Nothing was started, so nothing was saved.
    assert not (Path(app_env["XDG_STATE_HOME"]) / "neuron-tui").exists()


def test_the_command_it_points_to_runs_without_a_terminal(
    neuron_tui: str, app_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**app_env, "HOME": str(tmp_path)}
    proc = subprocess.run(
        [neuron_tui, "train", "--iterations", "5", "--json"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().lstrip().startswith("{")


def test_what_is_missing_is_named_and_another_driver_needs_no_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    monkeypatch.setattr(sys, "__stdin__", io.StringIO())
    monkeypatch.setattr(sys, "__stderr__", io.StringIO())
    assert missing_terminal() == "stdin and stderr"
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "__stdin__", closed)
    monkeypatch.setattr(sys, "__stderr__", None)
    assert missing_terminal() == "stdin and stderr"
    # textual-serve and other drivers draw elsewhere: the check does not apply.
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert missing_terminal() is None
