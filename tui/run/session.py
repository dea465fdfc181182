"""The user's session, kept across quits, hang-ups and crashes.

The whole run (data spec, configs, parameters, history) is written with the engine's store format
to ``$XDG_STATE_HOME/neuron-tui/session.npz`` (default ``~/.local/state/neuron-tui``): on quit
(q, ctrl+q, ctrl+c), when the terminal goes away (SIGHUP), when the process is told to end
(SIGTERM, SIGINT; the exit code is then 128 + the signal's number) and when the app crashes. The
next start offers to resume it (``tui.screens.resume``). Writes are atomic (the store writes
aside, then renames), so a crash during a save leaves the previous session intact. A session file
that cannot be read, or whose data cannot be rebuilt (its CSV file changed), is moved aside
(``session.npz.unreadable`` / ``.unrestorable``, or ``.unreadable.2``... when that name is
taken), never deleted, and never stops the app from starting. A save that fails (full disk,
read-only folder) never stops the app from quitting: ``neuron-tui`` says why in one line on
stderr.

Each running app has a session file of its own: a second app on the same state folder keeps its
session in ``session-2.npz`` and says so; which file an app holds, what it offers at start and
the rule that it never replaces or removes a file it did not write are ``tui.run.instance``'s
(the locks, ``tui.run.slots``). This module holds the file operations they use, by path.

What is kept is decided by the run controller (``RunController.keep_session``): a run with at least
one iteration, or settings that differ from the ones the app started with, is saved; a fresh,
untouched run removes the app's saved session (it is what "Start fresh" gives anyway) if that
file is as the app saw it; a state with nothing to save (no data, or settings the engine refused)
leaves the file as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from neuron_core.errors import StoreError
from neuron_core.store.record import RunRecord
from neuron_core.store.runfile import load_run, save_run
from tui.run.slots import SESSION_NAME

# The signals that end the app the way quitting does (session saved): the terminal went away
# (SIGHUP), the system or a user asks the process to end (SIGTERM), or an interrupt sent from
# outside (SIGINT; Ctrl+C typed in the app is a key, not a signal, because Textual turns the
# terminal's signal keys off).
TERMINATING_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
# After a terminating signal the app exits normally; if that hangs (the terminal it would restore
# is gone and a write blocks), the process is ended this many seconds later anyway.
EXIT_GRACE_SECONDS = 3.0
# Set-aside names tried for one file (``session.npz.unreadable``, ``.unreadable.2``...).
_MAX_ASIDE = 100

_Handler = Callable[[int, FrameType | None], object] | int | None


def state_dir() -> Path:
    """``$XDG_STATE_HOME/neuron-tui`` when that variable is an absolute path (as the XDG spec
    requires), else ``~/.local/state/neuron-tui``."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "neuron-tui"


def session_path() -> Path:
    """The first slot's session file, ``session.npz`` (the one a single app uses)."""
    return state_dir() / SESSION_NAME


def save_session(record: RunRecord, path: Path) -> Path:
    """Write ``record`` as the session file ``path`` (atomically, creating its folder); raises
    ``StoreError`` with the reason."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from exc
    save_run(path, record)
    return path


def load_session(path: Path) -> tuple[RunRecord | None, str | None]:
    """The session saved at ``path``, if any: ``(record, None)``, or ``(None, message)`` when
    the file exists but cannot be read (it is then set aside as ``<name>.unreadable`` so the
    next start is clean, and the message says where it went), or ``(None, None)`` when there is
    none."""
    if not path.exists():
        return None, None
    try:
        return load_run(path), None
    except StoreError as exc:
        aside = set_aside(path, "unreadable")
        if aside is None:
            return None, f"the saved session could not be read ({exc})"
        return None, f"the saved session could not be read ({exc}); it was moved to {aside}"


def move_unless_taken(src: Path, dst: Path) -> bool:
    """Rename ``src`` to ``dst`` unless something is there: True once moved, False when
    ``dst`` is taken; ``OSError`` when ``src`` cannot be moved. A hard link then an unlink
    never replaces ``dst``; without hard links (some filesystems) a check comes first."""
    try:
        os.link(src, dst)
    except FileExistsError:
        return False
    except OSError:
        if os.path.lexists(dst):
            return False
        os.replace(src, dst)
        return True
    os.unlink(src)
    return True


def set_aside(path: Path, suffix: str) -> Path | None:
    """Keep the session file ``path`` under another name (``<name>.<suffix>``, or
    ``<name>.<suffix>.2``... when that is taken: an earlier file set aside is never replaced)
    so it is no longer offered but not lost (e.g. a run whose CSV file has changed); returns
    where it went, or ``None`` when there was no file or it could not be moved."""
    for i in range(1, _MAX_ASIDE + 1):
        aside = path.with_name(f"{path.name}.{suffix}" + (f".{i}" if i > 1 else ""))
        try:
            if move_unless_taken(path, aside):
                return aside
        except OSError:
            return None
    return None


def discard_session(path: Path) -> None:
    """Remove the session file ``path`` (the person chose a fresh start, or the run is
    untouched); raises ``StoreError`` when it cannot be removed."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot remove {path}: {exc.strerror or exc}") from exc


class TerminationSignals:
    """Routes ``TERMINATING_SIGNALS`` to a callback on the asyncio loop, and back.

    ``install(loop, handler)`` makes each signal call ``handler(signum)`` on ``loop`` (so the
    handler may touch the app, unlike a plain ``signal.signal`` handler that interrupts whatever
    the main thread was doing); ``uninstall()`` restores the handlers there were before, so an
    app started inside another program (a test run) leaves its signals as it found them.
    Installing outside the main thread, or on a loop that cannot handle signals, does nothing.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: dict[signal.Signals, _Handler] = {}

    def install(self, loop: asyncio.AbstractEventLoop, handler: Callable[[int], None]) -> None:
        """Call ``handler(signum)`` on ``loop`` for each terminating signal."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = loop
        for sig in TERMINATING_SIGNALS:
            previous = signal.getsignal(sig)
            try:
                loop.add_signal_handler(sig, handler, int(sig))
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            self._previous[sig] = previous

    def uninstall(self) -> None:
        """Give the signals back to the handlers they had before ``install``."""
        loop, previous = self._loop, self._previous
        self._loop, self._previous = None, {}
        if loop is None:
            return
        for sig, handler in previous.items():
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
            if handler is not None:
                with contextlib.suppress(TypeError, ValueError, OSError):
                    signal.signal(sig, handler)


def arm_exit_watchdog(code: int, seconds: float = EXIT_GRACE_SECONDS) -> threading.Timer:
    """End the process with ``code`` in ``seconds`` unless it has ended by then.

    Only for a real terminal session that is ending anyway (the session is saved first): when the
    terminal has gone away, restoring it can block forever on a write, and a process left behind
    on a server is worse than a terminal left unrestored (there is none).
    """
    timer = threading.Timer(seconds, os._exit, args=(code,))
    timer.daemon = True
    timer.start()
    return timer


def settle_garbage_collector() -> None:
    """Move everything alive after start-up out of the collector's reach.

    The app holds ~120k long-lived objects (widgets, styles, NumPy wrappers); a full collection
    walks them all and took 60-216 ms, the only source of event-loop lag spikes above 50 ms
    while training. Frozen objects are skipped, which cuts a full collection to a few ms. The
    collector is turned back on (``neuron-tui`` starts the app with it off).
    """
    gc.collect()
    gc.freeze()
    gc.enable()
