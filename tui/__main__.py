"""Entry point of the ``neuron-tui`` command and of ``python -m tui``: app or headless command.

``neuron-tui`` alone starts the Textual app; ``neuron-tui train ...``, ``--help``, ``--version``
and bad arguments are the headless command's (``tui.cli``). The app is imported only when it
starts, so the headless command never pays for importing Textual. Without a terminal (keys read
from stdin, the screen drawn on stderr, as Textual does) the app is not started: one line on
stderr points to ``neuron-tui train``, exit code 2.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from tui.cli.app_start import AppStart
from tui.cli.command import read_app_start, read_command_line, run_command
from tui.cli.exits import EXIT_USAGE
from tui.cli.parser import PROG


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


def missing_terminal() -> str | None:
    """What the app lacks to run here, or ``None``: it reads keys from stdin and draws on stderr
    (Textual's choice), so both must be a terminal. Without one the app would wait forever for
    keys that never come (``neuron-tui < /dev/null``, a cron job, ``ssh host neuron-tui``). With
    another Textual driver (``TEXTUAL_DRIVER``, as textual-serve sets it) no terminal is needed."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    missing = [
        name
        for name, stream in (("stdin", sys.__stdin__), ("stderr", sys.__stderr__))
        if not _is_terminal(stream)
    ]
    return " and ".join(missing) or None


def launch_app(start: AppStart | None = None) -> int:
    """Start the interactive app; returns its exit code once the user quits (0), or 128 + N
    when signal N (SIGHUP, SIGTERM, SIGINT) ended it after saving the session, or 2 at once
    (one line on stderr) when there is no terminal to run it in.

    What became of the session, when a person should know (it could not be saved: full disk,
    read-only state folder; or it went to another slot than ``session.npz`` because another
    neuron-tui holds that one), is said in one line on stderr once the terminal is restored;
    the exit code stays that of the quit.

    ``start`` holds the settings or the saved run given on the command line (``neuron-tui
    --dataset circle``, ``neuron-tui --load RUN.npz``); with any, the saved session is not
    offered.
    """
    missing = missing_terminal()
    if missing is not None:
        what = "are not terminals" if " and " in missing else "is not a terminal"
        with contextlib.suppress(OSError):
            print(
                f"{PROG}: error: the app needs a terminal ({missing} {what}); "
                f"for scripts and pipes use '{PROG} train' (see '{PROG} train --help')",
                file=sys.stderr,
                flush=True,
            )
        return EXIT_USAGE
    # No collection until the first frame is out: the imports and the widgets allocate ~120k
    # objects that all live as long as the app, and the collector walked them again and again
    # while they were made. ``settle_garbage_collector`` (1 s after the first frame) collects
    # once, freezes them and turns the collector back on.
    gc.disable()
    from tui.app import NeuronApp

    start = start or AppStart()
    app = NeuronApp(start.data_cfg, start.model_cfg, start.train_cfg, start=start)
    app.run()
    if app.session_note:
        # After a hang-up the terminal is gone: there is nobody to tell.
        with contextlib.suppress(OSError):
            print(f"neuron-tui: {app.session_note}", file=sys.stderr, flush=True)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``neuron-tui`` with ``argv`` (default: the process arguments); returns the exit code.

    The console script calls ``sys.exit(main())``.
    """
    parsed = read_command_line(sys.argv[1:] if argv is None else argv)
    if isinstance(parsed, int):  # --help or --version printed, or a bad argument reported
        return parsed
    start = read_app_start(parsed)
    if isinstance(start, int):  # a bad option for the app, or an unreadable --load file
        return start
    if parsed.command in (None, "tour"):
        return launch_app(start)
    return run_command(parsed)


if __name__ == "__main__":
    sys.exit(main())
