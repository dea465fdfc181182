"""Run the test suite while every core is kept busy by other processes (issue 10, class 7).

    python benchmarks/busy_suite.py                 # the whole default suite
    python benchmarks/busy_suite.py -- tests/e2e    # or what follows `--`, as pytest arguments

One busy-looping Python process per core (``os.cpu_count()``; ``--burners N`` for another
number) runs at the same priority as the tests for the suite's whole length, so the app, the
tmux panes and sshd compete for every core as on a shared machine. Prints the suite's result
and wall time; exits with pytest's status. The burners are stopped however the run ends.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

BURN = "while True: pass"


def main(argv: list[str] | None = None) -> int:
    """Start the burners, run pytest with the given arguments, stop the burners."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("pytest_args", nargs="*", help="after --: arguments for pytest")
    args = parser.parse_args(argv)
    burners = [subprocess.Popen([sys.executable, "-I", "-c", BURN]) for _ in range(args.burners)]
    start = time.monotonic()
    try:
        status = subprocess.call([sys.executable, "-m", "pytest", "-q", *args.pytest_args])
    finally:
        for proc in burners:
            proc.kill()
        for proc in burners:
            proc.wait()
    minutes = (time.monotonic() - start) / 60
    print(f"busy_suite: pytest exit {status} in {minutes:.1f} min with {args.burners} burners")
    return status


if __name__ == "__main__":
    sys.exit(main())
