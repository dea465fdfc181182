"""Shared set-up of the command's tests."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _sigint_as_in_a_terminal() -> Iterator[None]:
    """Give SIGINT its usual handler while a test runs, if the test runner was started with it
    ignored. bash starts the background jobs of a script (`cmd &`) with SIGINT ignored, and the
    command rightly leaves an ignored signal ignored (as `nohup` asks for SIGHUP); the tests play
    a user pressing Ctrl+C in a terminal, in this process and in the commands it starts (a
    handled signal is back to its default in a child, an ignored one stays ignored)."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
