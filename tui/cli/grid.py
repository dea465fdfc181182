"""The grid of ``neuron-tui compare``: comma-separated values of ``train`` options, one run each.

``add_compare`` adds the ``compare`` command to the parser: every option of ``train`` that
defines the data, the model or the training (the same rows of ``tui.cli.options``), ``--json``
and ``--reach``. ``expand_grid`` turns the parsed values into one list of ``train`` words per
run (every combination of the values, the first option varying slowest), which
``tui.cli.parser.parse_args`` and ``tui.cli.request.build_request`` then read exactly as
``neuron-tui train`` would: the same parser, so the same run, bit for bit.

How a value splits: numbers and names at the commas (``--lr 0.1,0.03``). ``--hidden`` writes
the commas inside one value as ``x`` (``--hidden 8x8,4x2`` is two runs, of two layers each;
``--hidden 8,8`` two runs of one layer of 8). ``--csv``, ``--target`` and ``--features`` are
taken whole (paths and column names may hold commas): they apply to every run.

Imports only the standard library and the options table (pure Python).
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.cli.options import OPTIONS, SECTION_TITLES, Option

# A grid is run one run after another: more than this is a typo or a job for a script.
MAX_GRID_RUNS = 64
# The default of --reach: the training cost a run's "reached at" column waits for.
DEFAULT_REACH = 0.1
# Options taken whole: their values may themselves hold commas.
WHOLE_DESTS: frozenset[str] = frozenset({"csv", "target", "features"})
# Options that make no sense for a grid: each run is reported, not saved or continued.
LEFT_OUT_SECTIONS: frozenset[str] = frozenset({"output"})

COMPARE_DESCRIPTION = (
    "Train one run per combination of the values given, one after another, and print one row "
    "per run: the settings that vary, the final cost, the test accuracy (R² for regression), "
    "the iteration the cost first reached --reach, and the seconds. Each run is exactly "
    "'neuron-tui train' with those options. Values are separated by commas (--optimizer "
    "gd,adam --lr 0.1,0.03 is four runs); write the commas inside one --hidden value as x: "
    "--hidden 8x8,4x2 is two runs of two layers each, --hidden 8,8 two runs of one layer of 8. "
    f"--csv, --target and --features apply whole to every run. At most {MAX_GRID_RUNS} runs."
)
COMPARE_EPILOG = (
    "exit codes: 0 every run ended (a diverged run is a result: its row says so), 2 bad input, "
    "128 + N interrupted by signal N (the runs so far are printed)."
)


class GridError(ValueError):
    """A grid that cannot be run: one line for the user (exit code 2)."""


@dataclass(frozen=True)
class GridRun:
    """One run of the grid: ``varied`` maps the flag of each option with several values to
    this run's value (as typed, ``8x8`` for ``--hidden``); ``words`` are its ``train``
    arguments (``--lr=0.1``...), without the command."""

    varied: dict[str, str]
    words: list[str]


def compare_options() -> tuple[Option, ...]:
    """The ``train`` options ``compare`` takes: all but the output ones, then ``--json``."""
    kept = tuple(opt for opt in OPTIONS if opt.section not in LEFT_OUT_SECTIONS)
    return (*kept, *(opt for opt in OPTIONS if opt.dest == "json"))


def add_compare(commands: Any, add_option: Callable[[Any, Option], None]) -> None:
    """Add ``compare`` to ``commands`` (the parser's sub-parsers); ``add_option`` adds one row
    of the options table the way ``train`` does."""
    compare = commands.add_parser(
        "compare",
        help="train a grid of runs (comma-separated values) and compare them; add --help",
        description=COMPARE_DESCRIPTION,
        epilog=COMPARE_EPILOG,
        allow_abbrev=False,
    )
    chosen = compare_options()
    for section, title in SECTION_TITLES.items():
        members = [opt for opt in chosen if opt.section == section]
        if members:
            group = compare.add_argument_group(title)
            for opt in members:
                add_option(group, opt)
    compare.add_argument(
        "--reach", metavar="C", default=None,
        help=f"the cost whose first iteration each row gives (default: {DEFAULT_REACH:g})",
    )  # fmt: skip


def split_values(opt: Option, raw: str) -> list[str]:
    """The values of one option in the grid, each as ``train`` reads it (``8x8`` -> ``8,8``);
    raises ``GridError`` for an empty one (``--lr 0.1,``)."""
    if opt.dest in WHOLE_DESTS or opt.kind in ("flag", "bool"):
        return [raw]
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) > 1 and any(not part for part in parts):
        raise GridError(f"{opt.flag}: an empty value in {raw!r}")
    if opt.kind == "widths":
        return [part.lower().replace("x", ",") for part in parts]
    return parts


def _words(opt: Option, value: object) -> list[str]:
    if opt.kind == "flag":
        return [opt.flag] if value else []
    if opt.kind == "bool":
        return [opt.flag if value else f"--no-{opt.flag[2:]}"]
    return [f"{opt.flag}={value}"]


def expand_grid(ns: argparse.Namespace) -> list[GridRun]:
    """Every run of the grid the parsed ``compare`` arguments ask for, in order (the first
    option varying slowest); raises ``GridError`` for an empty value or more than
    ``MAX_GRID_RUNS`` runs. The ``--json`` flag is not passed on (it is the grid's)."""
    axes: list[tuple[Option, list[str]]] = []
    for opt in compare_options():
        raw = getattr(ns, opt.dest, None)
        if raw is None or opt.dest == "json":
            continue
        values = split_values(opt, raw) if isinstance(raw, str) else [raw]
        axes.append((opt, values))
    count = math.prod(len(values) for _, values in axes)
    if count > MAX_GRID_RUNS:
        raise GridError(f"the grid has {count:,} runs; at most {MAX_GRID_RUNS} (give fewer values)")
    runs: list[GridRun] = []
    for combo in itertools.product(*(values for _, values in axes)):
        varied: dict[str, str] = {}
        words: list[str] = []
        for (opt, values), value in zip(axes, combo, strict=True):
            words.extend(_words(opt, value))
            if len(values) > 1:
                shown = str(value).replace(",", "x") if opt.kind == "widths" else str(value)
                varied[opt.flag] = shown
        runs.append(GridRun(varied, words))
    return runs


def reached_at(costs: Any, level: float) -> int | None:
    """The first iteration whose training cost is at most ``level`` (``costs``: the history,
    one cost per iteration, iteration 0 first), or ``None`` if none is."""
    import numpy as np

    hits = np.flatnonzero(np.asarray(costs) <= level)
    return int(hits[0]) if hits.size else None
