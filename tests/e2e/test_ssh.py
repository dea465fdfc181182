"""neuron-tui in a real terminal, locally and over a real SSH connection (issue 6).

The app is the installed ``neuron-tui`` console script, run in a tmux pane. Over SSH it runs on
a throwaway ``sshd`` on loopback, reached with ``ssh -tt`` from inside the pane, exactly as a
person on a remote box would run it. The tests train, resize the terminal while training,
pause, quit, and check the screen, the exit code and that no process is left behind, also when
the connection drops mid-training. Each terminal type the app must work with (and ``NO_COLOR``)
gets a run that trains to the end and checks the stats and both classes of the scatter.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sshd import MARK_VAR, SshServer, ancestors, marked_pids, remote_command
from tmux import NeuronPane, screen_iteration

from tui.charts.predictions import MARK_0, MARK_1

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
LONG_RUN = 10_000_000
PATH_DIRS = "/usr/local/bin:/usr/bin:/bin"


def ssh_pane(
    make: Callable[..., NeuronPane],
    server: SshServer,
    program: str,
    env: dict[str, str],
    *,
    term: str = "xterm-256color",
    width: int = 120,
    height: int = 40,
) -> NeuronPane:
    """A pane running ``ssh -tt`` into ``server``, which runs ``program`` with the app's env."""
    remote_env = {
        "TERM": term,
        "PATH": f"{Path(program).parent}:{PATH_DIRS}",
        "XDG_STATE_HOME": env["XDG_STATE_HOME"],
        MARK_VAR: env[MARK_VAR],
    }
    argv = server.ssh_argv(remote_command(program, remote_env, REPO))
    # The marker goes to the remote app only: the local tmux and ssh client must not carry it.
    local_env = {k: v for k, v in env.items() if k != MARK_VAR}
    return make(argv, width=width, height=height, env=local_env, term=term)


def local_pane(
    make: Callable[..., NeuronPane],
    program: str,
    env: dict[str, str],
    *,
    term: str,
    width: int = 120,
    height: int = 40,
) -> NeuronPane:
    # Only the app carries the marker (through `env`, which execs it), not the tmux server.
    local_env = {k: v for k, v in env.items() if k != MARK_VAR}
    argv = ["env", f"{MARK_VAR}={env[MARK_VAR]}", program]
    return make(argv, width=width, height=height, env=local_env, term=term)


def assert_clean(screen: str) -> None:
    """No traceback or Python error text on the screen."""
    assert "Traceback" not in screen, screen
    assert not re.search(r"^\w*Error: ", screen, re.MULTILINE), screen


def drawn_for_width(screen: str, width: int) -> bool:
    """True when a pane box spans exactly ``width`` columns, top and bottom border included.

    tmux cuts what a program draws beyond the window, so a layout still drawn for a wider
    terminal shows no top-right corner in the last column: this tells a real re-layout apart.
    """
    lines = screen.splitlines()
    # Round corners, or heavy ones for the pane with the focus.
    tops = [i for i, ln in enumerate(lines) if len(ln) == width and ln.endswith(("╮", "┓"))]
    return any(
        len(ln) == width and ln.endswith(("╯", "┛")) for top in tops for ln in lines[top + 1 :]
    )


def wait_gone(marker: str, timeout: float) -> list[int]:
    """Wait until no process carries ``marker``; return the ones still alive at the end."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked_pids(marker)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)


def test_harness_counts_bytes_and_exit_status(
    pane_factory: Callable[..., NeuronPane],
) -> None:
    """The measuring tools themselves: a program writing 1,000 bytes every 50 ms is measured at
    ~20 KB/s (what the bandwidth budget is checked with), and its exit status comes through."""
    writer = (
        "import sys, time\n"
        "for _ in range(40):\n"
        "    sys.stdout.write('x' * 999 + '\\n'); sys.stdout.flush(); time.sleep(0.05)\n"
        "sys.exit(3)\n"
    )
    pane = pane_factory([sys.executable, "-c", writer], width=80, height=24)
    pane.wait_until(lambda s: "x" * 80 in s, 30, what="the writer's first line")
    window = pane.count_bytes(1.0)
    # 1,000 bytes per tick of at least 50 ms, plus the tty's \r before each \n: never more
    # than ~20 KB/s (fewer on a busy machine, where the writer's ticks are late), never 0.
    assert 0 < window.rate <= 21_500, window.rate
    assert set(window.data) <= set(b"x\r\n")
    assert pane.wait_exit(10) == 3


def test_over_ssh_train_resize_pause_quit(
    sshd_server: SshServer,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = ssh_pane(pane_factory, sshd_server, neuron_tui, app_env)
    pane.wait_ready()
    pane.set_iterations(LONG_RUN)

    pane.send_keys("Space")
    pane.wait_state("running")
    first = pane.wait_until(lambda s: (screen_iteration(s) or (0, 0))[0] > 0, 10)
    it0 = screen_iteration(first)
    assert it0 is not None and it0[1] == LONG_RUN
    # The process really runs under the test's sshd (not a local fallback).
    pids = marked_pids(app_env[MARK_VAR])
    assert pids and all(sshd_server.pid in ancestors(p) for p in pids), pids

    assert drawn_for_width(first, 120), "the first screen does not span 120 columns"

    # Shrink the terminal while training: the app lays out again for 80x24 and keeps training.
    pane.resize(80, 24)
    assert pane.size() == (80, 24)

    def relaid(screen: str) -> bool:
        now = screen_iteration(screen)
        return (
            drawn_for_width(screen, 80) and now is not None and it0 is not None and now[0] > it0[0]
        )

    small = pane.wait_until(relaid, 10, what="re-layout at 80x24 with training going on")
    assert_clean(small)
    assert pane.state() == "running"

    pane.send_keys("Space")
    paused = pane.wait_state("paused")
    held = screen_iteration(paused)
    # Paused for a while (what the terminal receives meanwhile is counted, and ignored): the
    # count does not move.
    pane.count_bytes(0.4)
    assert pane.iteration() == held, "the iteration count moved while paused"

    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    assert_clean(pane.capture())
    assert wait_gone(app_env[MARK_VAR], 5) == []


def _session_saving_wired() -> bool:
    """True once the app saves its session when the terminal goes away (the reliability work):
    some module of the app besides ``tui.run.session`` itself calls ``save_session``."""
    tui_dir = REPO / "tui"
    return any(
        "save_session" in p.read_text() for p in tui_dir.rglob("*.py") if p.name != "session.py"
    )


def test_dropped_connection_leaves_no_process(
    sshd_server: SshServer,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    marker = app_env[MARK_VAR]
    pane = ssh_pane(pane_factory, sshd_server, neuron_tui, app_env)
    pane.wait_ready()
    pane.set_iterations(LONG_RUN)
    pane.send_keys("Space")
    pane.wait_state("running")
    app_pids = marked_pids(marker)
    assert app_pids, "the app's process was not found by its marker"
    assert all(sshd_server.pid in ancestors(p) for p in app_pids)

    # The connection drops: the client dies without a word to the server.
    os.kill(pane.pane_pid(), signal.SIGKILL)
    left = wait_gone(marker, 5)
    assert left == [], f"still running on the server side after the drop: {left}"

    if _session_saving_wired():
        session = Path(app_env["XDG_STATE_HOME"]) / "neuron-tui" / "session.npz"
        assert session.is_file(), "the dropped session was not saved for resuming"


def scatter_cells(screen: str) -> str:
    """The characters inside the predictions plot's frame (its plot area), row after row.

    The pane is found by its border title ("Predictions"), the plot area between the plotext
    frame's corners ``┌``/``└`` and its left (``│`` or tick ``┤``) and right ``│`` edges.
    """
    lines = screen.splitlines()
    # The border is round, or heavy while the pane has the focus.
    top = next(
        (i for i, ln in enumerate(lines) if "Predictions" in ln and ("─" in ln or "━" in ln)),
        None,
    )
    if top is None:
        return ""
    title = lines[top].index("Predictions")
    left = max(lines[top].rfind("╭", 0, title), lines[top].rfind("┏", 0, title))
    right = max(lines[top].find("╮", title), lines[top].find("┓", title))
    if left < 0 or right < 0:
        return ""
    pane = []
    for line in lines[top + 1 :]:
        inner = line[left + 1 : right]
        if line[left : left + 1] in ("╰", "┗"):
            break
        pane.append(inner)
    start = next((i for i, ln in enumerate(pane) if "┌" in ln), None)
    end = next((i for i, ln in enumerate(pane) if "└" in ln), None)
    if start is None or end is None:
        return ""
    cells = []
    for row in pane[start + 1 : end]:
        edge = min((row.find(c) for c in "│┤" if c in row), default=-1)
        close = row.find("│", edge + 1)
        if edge >= 0 and close > edge:
            cells.append(row[edge + 1 : close])
    return "\n".join(cells)


TERMINALS = [
    pytest.param("xterm-256color", False, id="xterm-256color"),
    pytest.param("xterm", False, id="xterm"),
    pytest.param("screen", False, id="screen"),
    pytest.param("linux", False, id="linux"),
    pytest.param("xterm-256color", True, id="NO_COLOR"),
]

# A colour in an SGR sequence: 30-37/90-97 (16 colours), 38;5;n (256), 38;2;r;g;b (truecolor),
# and the same for backgrounds.
_SGR = re.compile(r"\x1b\[([\d;]*)m")


def _colour_codes(screen_with_escapes: str) -> set[str]:
    found: set[str] = set()
    for params in _SGR.findall(screen_with_escapes):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48") and i + 1 < len(parts):
                width = 3 if parts[i + 1] == "5" else 5
                found.add(";".join(parts[i : i + width]))
                i += width
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 107):
                found.add(p)
            i += 1
    return found


@pytest.mark.parametrize(("term", "no_color"), TERMINALS)
def test_terminal_types(
    term: str,
    no_color: bool,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    if no_color:
        app_env["NO_COLOR"] = "1"
    pane = local_pane(pane_factory, neuron_tui, app_env, term=term)
    ready = pane.wait_ready()
    assert_clean(ready)
    total = screen_iteration(ready)
    assert total is not None and total[0] == 0

    # The default run is short: train it to the end, then the scatter shows the final model.
    pane.send_keys("Space")
    done = pane.wait_state("finished", timeout=30)
    assert screen_iteration(done) == (total[1], total[1])
    # Both classes are on the scatter, each with its own marker (not only a colour).
    screen = pane.wait_until(
        lambda s: {MARK_0, MARK_1} <= set(scatter_cells(s)), 10, what="both class markers"
    )
    assert_clean(screen)

    colours = _colour_codes(pane.capture(escapes=True))
    if no_color:
        # NO_COLOR: no hue anywhere (greys are allowed: they are not colour information).
        assert all(_is_grey(code) for code in colours), colours
    else:
        assert colours, "no colour at all on a colour terminal"

    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    assert_clean(pane.capture())
    assert wait_gone(app_env[MARK_VAR], 5) == []


def _is_grey(code: str) -> bool:
    parts = code.split(";")
    if len(parts) == 5 and parts[1] == "2":
        r, g, b = map(int, parts[2:])
        return max(r, g, b) - min(r, g, b) <= 8
    if len(parts) == 3 and parts[1] == "5":
        n = int(parts[2])
        return n in (0, 7, 8, 15, 16, 231) or n >= 232
    # 16-colour codes: black, white and their bright variants are greys.
    return code in ("30", "37", "40", "47", "90", "97", "100", "107")
