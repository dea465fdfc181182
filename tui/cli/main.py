"""The command line: ``neuron-tui`` and the headless ``neuron-tui train``.

``main`` parses the arguments and either starts the app (through a function it is given, so
this module never imports textual) or runs ``train``, turning every expected failure into one
line on stderr and an exit code. The work is split by job:

* ``tui.cli.options``: the options table, value conversion, the README's options table;
* ``tui.cli.request``: the argument parser, the checked ``Request``, the exit codes;
* ``tui.cli.run``: data, trainer, chunked training with progress, signals, ``--save``/``--load``;
* ``tui.cli.report``: the results as a JSON-safe report, plain lines or a rich table.

This module re-exports their public names, so ``tui.cli.X`` keeps working.

It must start fast and never import textual (directly or through ``tui.app``): at import time
only ``argparse`` and ``neuron_core.config`` (pure Python) are loaded. NumPy and the engine are
imported when a command runs, rich only when a progress bar or a summary table is drawn on a
terminal.

Exit codes: 0 completed, 2 bad input (one line on stderr, never a traceback), 3 diverged,
130/143/129 interrupted by SIGINT (Ctrl+C)/SIGTERM/SIGHUP (the partial run is still summarised
and saved with ``--save``), 141 the reader of stdout went away.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from neuron_core.errors import NeuronError
from tui.cli.options import (
    FLAG_OF_FIELD,
    OPTION_BY_DEST,
    OPTIONS,
    OPTIONS_HELP,
    SECTION_TITLES,
    Option,
    convert,
    options_markdown,
)
from tui.cli.report import (
    Outcome,
    finite_or_none,
    print_plain_summary,
    print_table_summary,
    summary_rows,
)
from tui.cli.request import (
    EXIT_BROKEN_PIPE,
    EXIT_DIVERGED,
    EXIT_HANGUP,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    PROG,
    TRAIN_EPILOG,
    Request,
    UsageError,
    build_parser,
    build_request,
    describe_error,
    parse_args,
)
from tui.cli.run import (
    CHUNK_SECONDS,
    REDRAW_SECONDS,
    CostPrinter,
    ProgressBar,
    SignalInterrupt,
    exit_code,
    output_gone,
    run_train,
    silence_stdout,
    stop_on_signals,
    train_in_chunks,
)

__all__ = [
    "CHUNK_SECONDS",
    "EXIT_BROKEN_PIPE",
    "EXIT_DIVERGED",
    "EXIT_HANGUP",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "FLAG_OF_FIELD",
    "OPTIONS",
    "OPTIONS_HELP",
    "OPTION_BY_DEST",
    "PROG",
    "REDRAW_SECONDS",
    "SECTION_TITLES",
    "TRAIN_EPILOG",
    "CostPrinter",
    "Option",
    "Outcome",
    "ProgressBar",
    "Request",
    "SignalInterrupt",
    "UsageError",
    "build_parser",
    "build_request",
    "convert",
    "describe_error",
    "exit_code",
    "finite_or_none",
    "main",
    "options_markdown",
    "parse_args",
    "print_plain_summary",
    "print_table_summary",
    "run_command",
    "run_train",
    "stop_on_signals",
    "summary_rows",
    "train_in_chunks",
]


def _error(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None, launch_app: Callable[[], int] | None = None) -> int:
    """``neuron-tui`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    ``train ...`` runs headless; no command calls ``launch_app`` (``tui.__main__`` passes the
    function that starts the Textual app, so this module never imports it). Without
    ``launch_app``, no command is a usage error.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        ns = parse_args(args)
    except UsageError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if ns.command is None:
        if launch_app is None:
            return _error("name a command (train)")
        return launch_app()
    return run_command(ns)


def run_command(ns: argparse.Namespace) -> int:
    """Run a parsed ``train`` command, turning every expected failure into one stderr line."""
    try:
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
