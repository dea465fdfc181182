"""neuron-tui in a real terminal when things go wrong (issue 5): the terminal goes away or the
process is told to end while training, Ctrl+C, a terminal that is too small, a state folder that
cannot be written.

Each test's app has its own ``XDG_STATE_HOME`` (``app_env``), so the session file checked here is
the one this test's app wrote: ``$XDG_STATE_HOME/neuron-tui/session.npz``.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sshd import MARK_VAR, marked_pids
from tmux import NeuronPane, screen_iteration

from neuron_core.store.runfile import load_run
from tui.panes.training import short_count

pytestmark = pytest.mark.e2e

LONG_RUN = 10_000_000
PROMPT = "A saved session was found"


def start(
    make: Callable[..., NeuronPane], program: str, env: dict[str, str], **size: int
) -> NeuronPane:
    """The app in a pane; only the app carries the test's marker (``env`` execs it)."""
    local_env = {k: v for k, v in env.items() if k != MARK_VAR}
    return make(["env", f"{MARK_VAR}={env[MARK_VAR]}", program], env=local_env, **size)


def session_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_STATE_HOME"]) / "neuron-tui" / "session.npz"


def assert_clean(screen: str) -> None:
    """No traceback or Python error text on the screen."""
    assert "Traceback" not in screen, screen
    assert not re.search(r"^\w*Error: ", screen, re.MULTILINE), screen


def assert_terminal_restored(pane: NeuronPane) -> None:
    """After the app: back on the normal screen, lines wrap again, no mouse reporting (what a
    shell prompt needs), read from tmux's own view of the pane. (Not the cursor: tmux hides it
    itself when it writes "Pane is dead".)"""
    flags = pane._display("#{alternate_on} #{wrap_flag} #{mouse_any_flag} #{mouse_all_flag}")
    assert flags.split() == ["0", "1", "0", "0"], flags


def wait_gone(marker: str, timeout: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while marked_pids(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return marked_pids(marker)


def train_a_while(pane: NeuronPane) -> int:
    """Start a long run and let it get going; the iteration on screen."""
    pane.wait_ready()
    pane.set_iterations(LONG_RUN)
    pane.send_keys("Space")
    pane.wait_state("running")
    screen = pane.wait_until(lambda s: (screen_iteration(s) or (0, 0))[0] > 1_000, 15)
    shown = screen_iteration(screen)
    assert shown is not None
    return shown[0]


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_signal_saves_the_session_and_the_next_start_resumes_it(
    sig: signal.Signals,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    marker = app_env[MARK_VAR]
    pane = start(pane_factory, neuron_tui, app_env)
    before = train_a_while(pane)
    os.kill(pane.pane_pid(), sig)
    assert pane.wait_exit(10) == 128 + sig
    assert wait_gone(marker) == []
    if sig == signal.SIGTERM:
        # The terminal is still there: it is given back as it was.
        assert_terminal_restored(pane)
        assert_clean(pane.capture())
    record = load_run(session_file(app_env))
    saved = record.history.n
    assert saved > before and record.status == "paused"
    assert record.train_cfg.iterations == LONG_RUN

    # The next start offers it; Enter resumes it where it stopped.
    again = start(pane_factory, neuron_tui, app_env)
    prompt = again.wait_for(PROMPT, 20)
    screen = again.capture()
    assert f"iteration {saved:,} / {LONG_RUN:,}, paused" in screen, screen
    assert prompt is not None
    again.send_keys("Enter")
    # The run is rebuilt in the background: the default run shows until it is ready.
    # The stats column shows the count exactly, or to three digits ("112k") where it does not fit.
    compact = screen_iteration(f"Iteration {short_count(saved)} / {short_count(LONG_RUN)}")
    shown_as = {(saved, LONG_RUN), compact}
    resumed = again.wait_until(lambda s: screen_iteration(s) in shown_as)
    assert PROMPT not in resumed
    assert again.wait_state("paused")
    assert_clean(again.capture())
    again.send_keys("q")
    assert again.wait_exit(10) == 0
    assert_terminal_restored(again)
    assert wait_gone(marker) == []
    assert load_run(session_file(app_env)).history.n == saved


def test_quit_then_start_fresh_then_nothing_is_offered(
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = start(pane_factory, neuron_tui, app_env)
    pane.wait_ready()
    pane.send_keys("n", "n", "n")  # three single steps
    pane.wait_until(lambda s: screen_iteration(s) == (3, 2_000))
    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    assert load_run(session_file(app_env)).history.n == 3

    fresh = start(pane_factory, neuron_tui, app_env)
    fresh.wait_for(PROMPT, 20)
    fresh.send_keys("f")
    fresh.wait_until(lambda s: PROMPT not in s and screen_iteration(s) == (0, 2_000))
    assert not session_file(app_env).exists()
    fresh.send_keys("q")
    assert fresh.wait_exit(10) == 0

    third = start(pane_factory, neuron_tui, app_env)
    third.wait_ready()
    # Keys wait until the first screen (and a resume prompt, if any) is mounted and focused:
    # `1` showing the dataset pane proves no prompt took it.
    third.send_keys("1")
    shown = third.wait_until(lambda s: "━ ▶ 1 Dataset" in s, what="the dataset pane")
    assert PROMPT not in shown, shown
    third.send_keys("q")
    assert third.wait_exit(10) == 0
    assert not session_file(app_env).exists()


@pytest.mark.parametrize("in_field", [False, True], ids=["training-pane", "text-field"])
def test_ctrl_c_quits_cleanly_and_restores_the_terminal(
    in_field: bool,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = start(pane_factory, neuron_tui, app_env, width=80, height=24)
    train_a_while(pane)
    if in_field:
        # The learning-rate field; Ctrl+C below is handled after these (keys keep their order).
        pane.send_keys("2", "Tab")
    pane.send_keys("C-c")
    assert pane.wait_exit(10) == 0
    assert_terminal_restored(pane)
    assert_clean(pane.capture())
    assert wait_gone(app_env[MARK_VAR]) == []
    assert load_run(session_file(app_env)).history.n > 1_000


def test_a_small_terminal_is_told_to_grow_and_the_app_recovers(
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = start(pane_factory, neuron_tui, app_env, width=60, height=20)
    pane.wait_for(r"need 80x24, have 60x20", 20)
    pane.resize(70, 22)
    pane.wait_for(r"need 80x24, have 70x22")
    pane.resize(80, 24)
    ready = pane.wait_ready()
    assert "need 80x24" not in ready
    assert screen_iteration(ready) == (0, 2_000)
    pane.send_keys("q")
    assert pane.wait_exit(10) == 0


def test_a_state_folder_that_cannot_be_written_does_not_stop_the_quit(
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
    tmp_path: Path,
) -> None:
    # A file where the state folder should be: as on a read-only or full disk, the save fails.
    (Path(app_env["XDG_STATE_HOME"]) / "neuron-tui").write_text("in the way\n")
    pane = start(pane_factory, neuron_tui, app_env)
    pane.wait_ready()
    pane.send_keys("n")
    pane.wait_until(lambda s: screen_iteration(s) == (1, 2_000))
    output = tmp_path / "output.bin"
    pane.start_pipe(output)
    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    # The pipe closes with the pane; give its reader a moment to write what it has.
    deadline = time.monotonic() + 30.0
    while b"not saved" not in output.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert_clean(pane.capture())
    assert_terminal_restored(pane)
    # One line says why, written once the terminal is back to normal (read from the bytes the
    # terminal received: tmux misreads the kitty keyboard reset Textual sends on exit and
    # overwrites the first line of the normal screen, so it may not be on the screen itself).
    data = output.read_bytes()
    after = data[data.rindex(b"\x1b[?1049l") :].decode(errors="replace")
    lines = [ln for ln in after.splitlines() if "the session was not saved" in ln]
    assert len(lines) == 1, after
    assert lines[0].endswith(
        "neuron-tui: the session was not saved: cannot create "
        f"{app_env['XDG_STATE_HOME']}/neuron-tui: File exists"
    ), lines
