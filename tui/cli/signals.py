"""Stop signals during ``neuron-tui train``: the first stops and keeps the run, a second gives up.

Ctrl+C (SIGINT), SIGTERM and SIGHUP all stop a run the same way: ``stop_on_signals`` turns the
first into a set stop flag, so training ends after the current chunk and the partial run is
summarised and saved; the exit code is 128 + the signal's number (``tui.cli.exits``). A second
signal while the first is being handled raises ``SignalInterrupt`` and the command gives up at
once. A signal the process ignores (``nohup`` ignores SIGHUP) stays ignored.

Imports only the standard library.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The signals that stop a run and keep it. SIGHUP does not exist on Windows.
STOP_SIGNALS: tuple[int, ...] = tuple(
    int(s)
    for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
    if s is not None
)


def signal_name(signum: int) -> str:
    """``"SIGTERM"`` for 15, and so on."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class SignalInterrupt(KeyboardInterrupt):
    """Raised for a stop signal that cannot wait for the end of a chunk (a second one, or one
    while the data is loading). ``signum`` gives the exit code 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """While active, SIGINT, SIGTERM and SIGHUP set ``stop`` instead of ending the process;
    a second one raises ``SignalInterrupt`` (for when the first is not noticed quickly enough).
    A signal the process ignores (``nohup`` ignores SIGHUP) is left ignored.

    Yields the list of the signals received so far (the first one decides the exit code). The
    previous handlers are put back on exit. Outside the main thread (where handlers cannot be
    installed) it does nothing.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        if stop.is_set():
            raise SignalInterrupt(received[0])
        stop.set()

    previous: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            # An ignored signal stays ignored: `nohup` (SIGHUP) and background jobs of a script
            # (SIGINT) ask for exactly that.
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, handler)
        yield received
    finally:
        for signum, old in previous.items():
            # None: the previous handler was not installed from Python; the default is the
            # closest thing that can be put back.
            signal.signal(signum, signal.SIG_DFL if old is None else old)
