"""Fixtures for the end-to-end tests: the installed ``neuron-tui`` in real tmux panes, over SSH.

Every test here is marked ``e2e``. tmux, sshd and ssh are required: ``.ci/run`` installs them, so
a test is skipped (with the reason) only when they really cannot be found, never silently.

Each app started by a test gets its own state folder (``XDG_STATE_HOME``), so a session saved by
one test is never offered to the next, and a unique ``NEURON_TUI_TEST_MARK`` in its environment,
so the test can find that exact process (and its children) in ``/proc`` afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from sshd import MARK_VAR, SshServer, marked_pids, missing_tools
from tmux import NeuronPane, tmux_binary

REPO = Path(__file__).resolve().parents[2]
# Variables that change how the app draws: removed so each test sets exactly what it means to.
_STYLE_VARS = ("NO_COLOR", "FORCE_COLOR", "TEXTUAL_COLOR_SYSTEM", "COLORTERM", "TEXTUAL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e`` (``-m 'not e2e'`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def find_neuron_tui() -> str | None:
    """The program under test: ``$NEURON_TUI`` if set (to test another build), else the
    ``neuron-tui`` console script of the Python running the tests (CI installs into a fresh
    ``.venv``), else the one on ``PATH``."""
    override = os.environ.get("NEURON_TUI")
    if override:
        return shutil.which(override)
    beside = Path(sys.executable).parent / "neuron-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("neuron-tui")


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def neuron_tui() -> str:
    """Path of the installed ``neuron-tui`` command (the tests fail if it is not installed)."""
    path = find_neuron_tui()
    if path is None:
        pytest.fail("neuron-tui is not installed (pip install -e .): no console script found")
    return path


@pytest.fixture(scope="session")
def tmux_ok() -> None:
    """Skip when tmux cannot be found (``.ci/run`` installs it, so this is only for laptops)."""
    if tmux_binary() is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")


@pytest.fixture(scope="session")
def sshd_server(tmux_ok: None) -> Iterator[SshServer]:
    """One loopback sshd for the whole session (starting it takes ~0.1 s, keys included)."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"cannot test over SSH, not installed: {', '.join(missing)}")
    with SshServer() as server:
        yield server


@pytest.fixture
def app_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for one app: private state folder, a fresh marker, no colour overrides.

    At teardown (after the panes are gone, see ``pane_factory``) any process still carrying
    this test's marker is killed, so a failing test never leaves an app running. Tests that
    care assert that nothing was left *before* this safety net.
    """
    env = {k: v for k, v in os.environ.items() if k not in _STYLE_VARS}
    state = tmp_path / "state"
    state.mkdir()
    env["XDG_STATE_HOME"] = str(state)
    env[MARK_VAR] = uuid.uuid4().hex
    yield env
    for pid in marked_pids(env[MARK_VAR]):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


PaneFactory = Callable[..., NeuronPane]


@pytest.fixture
def pane_factory(tmux_ok: None, app_env: dict[str, str]) -> Iterator[PaneFactory]:
    """``make(argv, width=, height=, env=, term=, cwd=)``: start a neuron-tui pane (any program
    works; the extra methods just read neuron-tui's screen) in ``cwd`` (default: the repository);
    all are killed at teardown, before ``app_env``'s sweep (which is why this fixture depends on
    it)."""
    panes: list[NeuronPane] = []

    def make(
        argv: Sequence[str],
        *,
        width: int = 120,
        height: int = 40,
        env: Mapping[str, str] | None = None,
        term: str = "xterm-256color",
        cwd: str | os.PathLike[str] = REPO,
    ) -> NeuronPane:
        pane = NeuronPane(argv, width=width, height=height, env=env, term=term, cwd=cwd)
        panes.append(pane)
        return pane

    yield make
    for pane in panes:
        pane.kill()
