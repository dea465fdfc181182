"""The ``neuron-tui`` command line read, and the ``train`` command run, failures as one line.

``read_command_line`` parses the arguments (``tui.cli.parser``) and returns the parsed namespace,
or the exit code when parsing alone finished the job: ``--help`` and ``--version`` print and give
0, a bad argument is one ``neuron-tui: error: ...`` line on stderr and 2. ``tui.__main__`` then
starts the app (no command) or calls ``run_command``, which runs ``train`` (``tui.cli.request``,
``tui.cli.run``) and turns every expected failure into one line on stderr and an exit code
(``tui.cli.exits``), never a traceback.

Imports only the standard library and ``neuron_core.config``/``errors`` (pure Python) at import
time, so ``--help`` is fast; NumPy and the engine load when a command runs.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from neuron_core.errors import NeuronError
from tui.cli.app_start import AppStart, app_start
from tui.cli.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_HANGUP,
    EXIT_OK,
    EXIT_USAGE,
    output_gone,
    silence_stdout,
)
from tui.cli.parser import PROG, UsageError, parse_args
from tui.cli.request import build_request, describe_error
from tui.cli.run import run_train
from tui.cli.signals import SignalInterrupt
from tui.text import printable


def _error(message: str) -> int:
    # Messages quote values from the command line and from data files: escaped, so a file's
    # column name cannot drive the terminal.
    sys.stderr.write(f"{PROG}: error: {printable(message)}\n")
    return EXIT_USAGE


def read_command_line(argv: Sequence[str]) -> argparse.Namespace | int:
    """The parsed ``neuron-tui`` arguments (``command`` is ``None`` for the app, or ``"train"``),
    or the exit code when there is nothing left to do: 0 after ``--help`` or ``--version``
    printed, 2 after a bad argument was reported in one line on stderr."""
    try:
        return parse_args(argv)
    except UsageError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK


def read_app_start(ns: argparse.Namespace) -> AppStart | int:
    """What the app starts with (``tui.cli.app_start``), or 2 after one line on stderr for a bad
    option or an unreadable ``--load`` file, before any screen is drawn."""
    try:
        return app_start(ns)
    except UsageError as exc:
        return _error(str(exc))
    except NeuronError as exc:  # ConfigError, DataError, StoreError
        return _error(describe_error(exc))
    except MemoryError:
        return _error("not enough memory to read this run")


def run_command(ns: argparse.Namespace) -> int:
    """Run a parsed ``train`` or ``serve`` command, turning every expected failure into one
    stderr line."""
    try:
        if ns.command == "serve":
            from tui.cli.serve import run_serve

            return run_serve(ns)
        if ns.command == "compare":
            from tui.cli.compare import run_compare

            return run_compare(ns)
        return run_train(build_request(ns))
    except UsageError as exc:
        return _error(str(exc))
    except NeuronError as exc:  # ConfigError, DataError, StoreError
        return _error(describe_error(exc))
    except MemoryError:
        return _error("not enough memory for this data set; use fewer samples")
    except KeyboardInterrupt as exc:
        # Before training started (nothing to keep), or a second signal while stopping.
        signum = exc.signum if isinstance(exc, SignalInterrupt) else signal.SIGINT
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 128 + signum
    except OSError as exc:
        if not output_gone(exc):
            raise
        # The reader went away (`neuron-tui train --print-every 1 | head`) or the terminal hung
        # up: stop quietly (the run was saved first, with --save), and keep Python from
        # complaining again when it flushes stdout at exit.
        silence_stdout()
        return EXIT_BROKEN_PIPE if isinstance(exc, BrokenPipeError) else EXIT_HANGUP
