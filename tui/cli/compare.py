"""Running ``neuron-tui compare``: every run of the grid as ``train`` runs it, then one table.

``run_compare`` expands the grid (``tui.cli.grid``), reads every run's words with the parser
and the checks of ``train`` (so a bad value is one line and exit code 2 before anything
trains), trains the runs one after another with ``train``'s own steps (``tui.cli.run``), and
prints one row per run, or with ``--json`` a list of the objects ``train --json`` prints. A stop
signal ends the current run (reported as interrupted) and skips the rest.

NumPy and the engine are imported when the runs start, not at import time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from typing import Any

from neuron_core.errors import ConfigError
from tui.cli.exits import exit_code
from tui.cli.grid import DEFAULT_REACH, GridError, GridRun, expand_grid, reached_at
from tui.cli.parser import UsageError, parse_args
from tui.cli.report import Outcome
from tui.cli.request import Request, build_request
from tui.cli.run import _after_notes, _run_notes, _stopped, prepare, train_in_chunks
from tui.cli.signals import SignalInterrupt, signal_name, stop_on_signals
from tui.cli.values import to_float
from tui.text import printable


def grid_requests(ns: argparse.Namespace) -> list[tuple[GridRun, Request]]:
    """Each run of the grid with its checked ``train`` request; raises ``UsageError`` or
    ``ConfigError`` (naming the option) for the first bad one."""
    try:
        runs = expand_grid(ns)
    except GridError as exc:
        raise UsageError(str(exc)) from None
    return [(run, build_request(parse_args(["train", *run.words]))) for run in runs]


def reach_level(ns: argparse.Namespace) -> float:
    """The cost of the "reached at" column: ``--reach C`` (a finite number), or the default."""
    if ns.reach is None:
        return DEFAULT_REACH
    try:
        level = to_float(ns.reach, "reach")
    except ConfigError as exc:
        raise UsageError(f"--reach: {exc.message}") from None
    if not math.isfinite(level):
        raise UsageError(f"--reach: must be a finite number, got {ns.reach[:24]!r}")
    return level


def train_one(
    req: Request, stop: threading.Event, received: list[int]
) -> tuple[dict[str, Any], Any]:
    """One run as ``neuron-tui train`` makes it: ``(its report, its cost history)``."""
    trainer, data, data_cfg = prepare(req, stop, received)
    start_iteration, start_seconds = trainer.iteration, trainer.seconds
    notes = _run_notes(trainer, req)
    status = train_in_chunks(trainer, stop, lambda: None)
    stopped = _stopped(status)
    notes.extend(_after_notes(trainer, data_cfg))
    signum = received[0] if received and stopped == "interrupted" else None
    outcome = Outcome(
        trainer, data, data_cfg, start_iteration, start_seconds, stopped, None, None, notes,
        signal=None if signum is None else signal_name(signum),
    )  # fmt: skip
    return outcome.report(), trainer.history.train()


def _cells(run: GridRun, rep: dict[str, Any], reached: int | None) -> list[str]:
    if rep["stopped"] == "diverged":
        cost = "diverged"
    else:
        cost = "-" if rep["final_cost"] is None else f"{rep['final_cost']:.4g}"
    if rep["problem"] == "regression":
        score = "-" if rep["test_r2"] is None else f"R² {rep['test_r2']:.3f}"
    else:
        score = "-" if rep["test_accuracy"] is None else f"{100 * rep['test_accuracy']:.1f}%"
    return [
        *run.varied.values(),
        cost,
        score,
        "-" if reached is None else f"{reached:,}",
        f"{rep['seconds']:.2f}",
    ]


def table_text(rows: list[tuple[GridRun, dict[str, Any], int | None]], level: float) -> str:
    """The grid's results as an aligned text table, one row per run (values escaped)."""
    varied = list(rows[0][0].varied) if rows else []
    header = [*(flag[2:] for flag in varied), "final cost", "test", f"cost≤{level:g} at", "seconds"]
    body = [[printable(cell) for cell in _cells(*row)] for row in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in body]
    head = "  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))
    return "\n".join(line.rstrip() for line in [head, *lines]) + "\n"


def run_compare(ns: argparse.Namespace) -> int:
    """Run ``neuron-tui compare``; returns the exit code (0, or 128 + N after signal N).

    Raises ``UsageError``/``NeuronError`` for bad input (before any run trains) and
    ``KeyboardInterrupt`` as ``train`` does; ``tui.cli.command.run_command`` reports them.
    """
    level = reach_level(ns)
    requests = grid_requests(ns)
    stop = threading.Event()
    rows: list[tuple[GridRun, dict[str, Any], int | None]] = []
    signum: int | None = None
    with stop_on_signals(stop) as received:
        for index, (run, req) in enumerate(requests, 1):
            if sys.stderr.isatty() and not ns.json:
                label = " ".join(f"{k[2:]} {v}" for k, v in run.varied.items())
                sys.stderr.write(f"\rrun {index}/{len(requests)} {printable(label)}\x1b[K")
                sys.stderr.flush()
            try:
                rep, costs = train_one(req, stop, received)
            except SignalInterrupt as exc:  # while a data set loaded: nothing to keep
                signum = exc.signum
                break
            rows.append((run, rep, reached_at(costs, level)))
            if stop.is_set():
                signum = received[0] if received else None
                break
        if sys.stderr.isatty() and not ns.json:
            sys.stderr.write("\r\x1b[K")
    if ns.json:
        sys.stdout.write(json.dumps([rep for _, rep, _ in rows], allow_nan=False) + "\n")
    else:
        sys.stdout.write(table_text(rows, level))
    sys.stdout.flush()
    return exit_code("interrupted", signum) if stop.is_set() else 0
