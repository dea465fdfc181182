"""Shared set-up of the app tests: a plain, deterministic terminal and helpers to drive the app."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
import textual.app
import textual.pilot
from textual import _wait
from textual.app import App
from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from textual.worker import WorkerCancelled

import tui.run.session
from neuron_core.training.trainer import Trainer


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Colours as on a normal terminal and a cursor that does not blink, so screenshots and
    assertions do not depend on the environment or on timing."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    # Pilot waits for the process to go idle (CPU time stops advancing) for up to 1 s after each
    # key. While the app trains in a thread the CPU never idles, so every key would cost 1 s;
    # the tests wait for the states they assert on instead, so a short cap is enough.
    fast = functools.partial(_wait.wait_for_idle, max_sleep=0.1)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", fast)
    monkeypatch.setattr(textual.app, "wait_for_idle", fast)
    yield


@pytest.fixture(autouse=True)
def state_home(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Path:
    """A private, empty ``XDG_STATE_HOME`` for every test: the app never offers a session saved
    by another test (or by the person running the tests), and never writes into the real
    ``~/.local/state``. Returns that folder (the session is in its ``neuron-tui`` folder).

    Tests that start several apps one after the other (save, then open...) would be asked to
    resume the first app's session by the second: unless a test asks for ``sessions``, no saved
    session is offered at start (one is still written on quit, into this folder).
    """
    home = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    if "sessions" not in request.fixturenames:
        monkeypatch.setattr(tui.run.session, "load_session", lambda _path: (None, None))
    return home


@pytest.fixture
def sessions(state_home: Path) -> Path:
    """Opt in to sessions as in real use: a session saved by one app is offered by the next.
    Returns the folder the session file goes to."""
    return state_home / "neuron-tui"


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and every queued message was handled (a finished worker may
    start another one, e.g. training that resumes after a change of settings)."""
    app = pilot.app
    # Keys pressed before wait in the app's key gate (``tui.key_gate``) while the app is busy:
    # on a loaded machine up to a second each, and a key still waiting has started no worker.
    gate = getattr(app, "keys", None)
    deadline = time.monotonic() + 60
    while True:
        # A worker superseded by a newer one of its group is cancelled: normal.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(not w.is_finished for w in app.workers) and not getattr(gate, "waiting", 0):
            await pilot.pause()
            if not getattr(gate, "waiting", 0):
                return
        if time.monotonic() >= deadline:
            running = [w.name for w in app.workers if not w.is_finished]
            waiting = getattr(gate, "waiting", 0)
            raise AssertionError(
                f"workers and keys did not settle: workers {running}, {waiting} keys waiting"
            )


async def wait_for(
    pilot: Pilot[None], predicate: Callable[[], object], timeout: float = 30.0, what: str = ""
) -> None:
    """Let the app run until ``predicate()`` holds. The timeout is generous: it only ends a test
    that would otherwise hang, so a busy machine makes a test slower, never red."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not reached in {timeout} s: {what or predicate}"
        await pilot.pause(0.02)


async def train_to_end(pilot: Pilot[None]) -> Trainer:
    """From a settled app: press space, wait for the run to finish; the completed trainer."""
    await pilot.press("space")
    await settle(pilot)
    trainer = pilot.app.controller.trainer  # type: ignore[attr-defined]
    assert trainer is not None and trainer.status == "completed", trainer
    return trainer  # type: ignore[no-any-return]


def notifications(app: App[None]) -> list[str]:
    """The text of every notification the app has shown (newest last)."""
    return [n.message for n in app._notifications]


async def palette_choose(pilot: object, letters: str, label: str) -> None:
    """ctrl+p, ``letters``, then Enter once ``label`` is the highlighted command."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: CommandPalette.is_open(app))
    await pilot.press(*letters)

    def highlighted() -> bool:
        results = app.screen.query(OptionList)
        if not results:
            return False
        found = results.first()
        index = found.highlighted
        if index is None:
            return False
        return str(found.get_option_at_index(index).prompt).startswith(label)

    await wait_for(pilot, highlighted, what=f"{label!r} highlighted after {letters!r}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not CommandPalette.is_open(app))
    await pilot.pause()


@contextlib.contextmanager
def restyled() -> Iterator[list[DOMNode]]:
    """Every node Textual restyles (``Stylesheet.update_nodes``) while the block runs."""
    nodes: list[DOMNode] = []
    original = Stylesheet.update_nodes

    def counting(self: Stylesheet, batch: Iterable[DOMNode], animate: bool = False) -> None:
        batch = list(batch)
        nodes.extend(batch)
        original(self, batch, animate=animate)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "update_nodes", counting)
        yield nodes
