"""How ``neuron-tui train`` ends: its exit codes, and what counts as the output going away.

Exit codes: 0 completed (also stopped by ``--target-cost`` or ``--early-stop``), 2 bad input (one
line on stderr, never a traceback), 3 diverged, 128 + N stopped by signal N (130 Ctrl+C, 143
SIGTERM, 129 SIGHUP; the partial run is still summarised and saved with ``--save``), 141 the reader
of stdout went away.

Imports only the standard library.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DIVERGED = 3
# A run stopped by a signal exits with 128 + the signal's number, as a shell reports a process
# killed by it: 130 Ctrl+C (SIGINT), 143 SIGTERM (`kill`, a batch system's time limit), 129
# SIGHUP (the terminal or the SSH connection went away).
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM
EXIT_HANGUP = 128 + 1  # SIGHUP is 1 wherever it exists (not on Windows)
# 128 + SIGPIPE: what a shell reports when the reader of a pipe went away (`... | head`).
EXIT_BROKEN_PIPE = 128 + 13


def exit_code(stopped: str, signum: int | None = None) -> int:
    """The process exit code for how the run ended: 0 (also for a target cost reached or an
    early stop), 3 diverged, 128 + the signal's number when interrupted (Ctrl+C: 130)."""
    if stopped == "diverged":
        return EXIT_DIVERGED
    if stopped == "interrupted":
        return 128 + (signum if signum is not None else signal.SIGINT)
    return EXIT_OK


def output_gone(exc: OSError) -> bool:
    """True when writing failed because nobody reads any more: the pipe's reader exited
    (EPIPE, `... | head`) or the terminal hung up (EIO)."""
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EIO


def silence_stdout() -> None:
    """Send further output to the null device, so Python's flush of stdout at exit does not
    complain again about a reader that went away."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
