"""Two neuron-tui processes on one state folder, in two real terminals (issue 10, class 3).

Each app is a real process in its own tmux pane; both panes get the same ``XDG_STATE_HOME``.
The second app finds ``session.npz`` locked by the first, keeps its session in
``session-2.npz`` and says so on screen and, after quitting, on stderr. Both orders of quitting
keep both runs; a killed app's lock dies with it, so the next app takes its slot again; the next
start offers every saved session.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sshd import MARK_VAR
from tmux import NeuronPane, PaneTimeout, screen_iteration

from neuron_core.store.runfile import load_run

pytestmark = pytest.mark.e2e

IN_USE = "session.npz is in use by another neuron-tui"


def start(
    make: Callable[..., NeuronPane], program: str, env: dict[str, str], **size: int
) -> NeuronPane:
    """The app in a pane; only the app carries the test's marker (``env`` execs it)."""
    local_env = {k: v for k, v in env.items() if k != MARK_VAR}
    return make(["env", f"{MARK_VAR}={env[MARK_VAR]}", program], env=local_env, **size)


def state(env: dict[str, str]) -> Path:
    return Path(env["XDG_STATE_HOME"]) / "neuron-tui"


def says(pane: NeuronPane, text: str, timeout: float = 15.0) -> bool:
    """True once ``text`` shows on the pane, False if it has not within ``timeout`` s (asserted
    at the end of a test, so that what matters most fails first)."""
    try:
        pane.wait_for(re.escape(text), timeout)
    except PaneTimeout:
        return False
    return True


def steps(pane: NeuronPane, k: int) -> None:
    """``k`` single iterations (key ``n``) from the ready app; waits until they show."""
    for _ in range(k):
        pane.send_keys("n")
    pane.wait_until(lambda s: screen_iteration(s) == (k, 2_000), 15, what=f"iteration {k}")


def quit_and_read_stderr(pane: NeuronPane, scratch: Path) -> str:
    """Press q; once the app has exited 0, what it wrote after giving the terminal back."""
    output = scratch / f"out-{time.monotonic_ns()}.bin"
    pane.start_pipe(output)
    pane.send_keys("q")
    assert pane.wait_exit(15) == 0
    deadline = time.monotonic() + 30.0
    while b"\x1b[?1049l" not in output.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    data = output.read_bytes()
    after = data[data.rindex(b"\x1b[?1049l") :].decode(errors="replace")
    assert "Traceback" not in after, after
    return after


def one_line(text: str, needle: str) -> str:
    """The one line of ``text`` containing ``needle``."""
    lines = [ln for ln in text.splitlines() if needle in ln]
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("order", ["first-quits-first", "second-quits-first"])
def test_two_apps_keep_both_runs_in_either_order_of_quitting(
    order: str,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
    tmp_path: Path,
) -> None:
    first = start(pane_factory, neuron_tui, app_env)
    first.wait_ready(30)
    second = start(pane_factory, neuron_tui, app_env)
    second.wait_ready(30)
    told = says(second, IN_USE)  # on screen, at start
    assert IN_USE not in first.capture()
    steps(first, 3)
    steps(second, 5)

    said: dict[str, str] = {}
    for name in ("first", "second") if order == "first-quits-first" else ("second", "first"):
        pane = first if name == "first" else second
        said[name] = quit_and_read_stderr(pane, tmp_path)
    assert load_run(state(app_env) / "session.npz").history.n == 3
    assert load_run(state(app_env) / "session-2.npz").history.n == 5
    # The second app says where its session went, and why, once the terminal is back.
    line = one_line(said["second"], "neuron-tui: the session was saved to")
    assert line.endswith(
        f"neuron-tui: the session was saved to {state(app_env)}/session-2.npz "
        f"(session.npz was in use by another neuron-tui, process {first.pane_pid()})"
    ), line
    if order == "second-quits-first":
        # The first one knows the other session is there (else it is still to be written, and
        # the first app's session went to the usual file).
        line = one_line(said["first"], "neuron-tui: the session was saved to")
        assert line.endswith("other sessions beside it: session-2.npz"), line
    assert told, "the second app did not say at start where its session goes"


def test_a_killed_apps_slot_is_taken_again_and_the_next_start_offers_both(
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
    tmp_path: Path,
) -> None:
    first = start(pane_factory, neuron_tui, app_env)
    first.wait_ready(30)
    second = start(pane_factory, neuron_tui, app_env)
    second.wait_ready(30)
    told = says(second, IN_USE)
    steps(second, 5)

    # The first app is killed: nothing saved, but its lock goes with the process.
    os.kill(first.pane_pid(), signal.SIGKILL)
    assert first.wait_exit(10) == -signal.SIGKILL
    third = start(pane_factory, neuron_tui, app_env)
    ready = third.wait_ready(30)
    assert "in use by another" not in ready  # session.npz is free again: it takes it
    steps(third, 2)
    assert "in use by another" not in quit_and_read_stderr(third, tmp_path)
    assert load_run(state(app_env) / "session.npz").history.n == 2
    quit_and_read_stderr(second, tmp_path)
    assert load_run(state(app_env) / "session-2.npz").history.n == 5

    # The next start offers both, newest first; Escape resumes the newest.
    fourth = start(pane_factory, neuron_tui, app_env)
    prompt = fourth.wait_for("2 saved sessions were found", 30)
    assert prompt is not None
    screen = fourth.capture()
    # session-2.npz (iteration 5) was saved last: it comes first.
    assert screen.index("iteration 5 / 2,000") < screen.index("iteration 2 / 2,000"), screen
    fourth.send_keys("Escape")
    fourth.wait_until(lambda s: screen_iteration(s) == (5, 2_000), 30, what="resumed run")
    fourth.send_keys("q")
    assert fourth.wait_exit(15) == 0
    assert load_run(state(app_env) / "session.npz").history.n == 2
    assert load_run(state(app_env) / "session-2.npz").history.n == 5
    assert told, "the second app did not say at start where its session goes"
