"""Entry point of the ``neuron-tui`` command and of ``python -m tui``.

``neuron-tui`` alone starts the Textual app; ``neuron-tui train ...`` runs headless (see
``tui.cli``). The app is imported only when it is started, so ``neuron-tui train`` and
``--help`` never pay for importing Textual.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from tui.cli import main as cli_main


def launch_app() -> int:
    """Start the interactive app; returns its exit code once the user quits."""
    from tui.app import NeuronApp

    app = NeuronApp()
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``neuron-tui`` with ``argv`` (default: the process arguments); returns the exit code.

    The console script calls ``sys.exit(main())``.
    """
    return cli_main(argv, launch_app=launch_app)


if __name__ == "__main__":
    sys.exit(main())
