"""Entry point of the ``neuron-tui`` command and of ``python -m tui``: app or headless command.

``neuron-tui`` alone starts the Textual app; ``neuron-tui train ...``, ``--help``, ``--version``
and bad arguments are the headless command's (``tui.cli``). The app is imported only when it
starts, so the headless command never pays for importing Textual.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

from tui.cli.command import read_command_line, run_command


def launch_app() -> int:
    """Start the interactive app; returns its exit code once the user quits (0), or 128 + N
    when signal N (SIGHUP, SIGTERM, SIGINT) ended it after saving the session.

    What became of the session, when a person should know (it could not be saved: full disk,
    read-only state folder; or it went to another slot than ``session.npz`` because another
    neuron-tui holds that one), is said in one line on stderr once the terminal is restored;
    the exit code stays that of the quit.
    """
    from tui.app import NeuronApp

    app = NeuronApp()
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
    if parsed.command is None:
        return launch_app()
    return run_command(parsed)


if __name__ == "__main__":
    sys.exit(main())
