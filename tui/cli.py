"""The command line: ``neuron-tui`` argument parsing and the headless ``neuron-tui train``.

This module must start fast and never import textual (directly or through ``tui.app``): at import
time it loads only ``argparse`` and ``neuron_core.config`` (pure Python). NumPy and the engine are
imported when a command runs, rich only when a progress bar or a summary table is drawn on a
terminal.

Every option of ``train`` is one row of ``OPTIONS``: the table drives the argument parser, the
conversion and checking of values, which options may be combined, ``--help`` and the README's
options table (``options_markdown()``). Values are parsed as text and converted here, then the
engine's ``validate()`` checks them, so every message names the option the way the user typed it
("--lr: must be greater than 0, got -1").

Exit codes: 0 completed, 2 bad input (one line on stderr, never a traceback), 3 diverged,
130 interrupted (Ctrl+C; the partial run is still summarised and saved with ``--save``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from neuron_core.config import (
    DTYPES,
    GENERATORS,
    REGRESSION_GENERATORS,
    DataConfig,
    ModelConfig,
    TrainConfig,
)
from neuron_core.errors import ConfigError, NeuronError

if TYPE_CHECKING:
    from neuron_core.datasets import Dataset
    from neuron_core.trainer import Trainer

PROG = "neuron-tui"

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130
# 128 + SIGPIPE: what a shell reports when the reader of a pipe went away (`... | head`).
EXIT_BROKEN_PIPE = 141

# Training runs in chunks of about this many seconds; between chunks the progress bar is
# updated, "Iteration i: cost" lines are printed and Ctrl+C is noticed.
CHUNK_SECONDS = 0.05
# The progress bar is redrawn at most this often (it costs ~1 ms per redraw).
REDRAW_SECONDS = 0.1
# A whole number written in float notation beyond this is not a count anyone means.
_HUGE = 10**19


class UsageError(Exception):
    """Bad command line: printed as one ``neuron-tui: error: ...`` line, exit code 2."""


# --------------------------------------------------------------------------------------------
# The options table
# --------------------------------------------------------------------------------------------

Kind = Literal["int", "float", "text", "list", "bool", "flag"]
# Which options make sense together, and where their values go: `source` picks the data,
# `generated`/`csv` only apply to that kind of data, `data` to any data (these four fill
# DataConfig and are refused with --load, whose run carries its data); `model` fills ModelConfig
# (also refused with --load); `train` fills TrainConfig and also overrides a loaded run's
# settings; `output` options are the command's own.
Section = Literal["source", "generated", "csv", "data", "model", "train", "output"]

SECTION_TITLES: dict[Section, str] = {
    "source": "data source (one of)",
    "generated": "generated data (with --dataset)",
    "csv": "CSV data (with --csv)",
    "data": "any data",
    "model": "model",
    "train": "training (also override a --load'ed run)",
    "output": "output and saved runs",
}
DATA_SECTIONS: frozenset[str] = frozenset({"source", "generated", "csv", "data"})
_CONFIG_OF_SECTION: dict[str, type[DataConfig | ModelConfig | TrainConfig]] = {
    **dict.fromkeys(DATA_SECTIONS, DataConfig),
    "model": ModelConfig,
    "train": TrainConfig,
}


@dataclass(frozen=True)
class Option:
    """One option of ``neuron-tui train``.

    ``field`` is the config attribute the value goes to (``DataConfig``, ``ModelConfig`` or
    ``TrainConfig``, chosen by ``section``) or, for the command's own ``output`` options, the
    name its ``ConfigError`` messages use. Adding an option of an existing kind is one row in
    ``OPTIONS``; its default comes from the config class, so it is written in one place.
    """

    flag: str
    kind: Kind
    section: Section
    field: str
    help: str
    metavar: str | None = None

    @property
    def dest(self) -> str:
        """Attribute name in the parsed namespace (``--test-ratio`` -> ``test_ratio``)."""
        return self.flag[2:].replace("-", "_")

    @property
    def default(self) -> object:
        """The value used when the option is not given: the config class's default (``None``,
        meaning off, for ``output`` options)."""
        config = _CONFIG_OF_SECTION.get(self.section)
        if config is None:
            return None
        return next(f.default for f in fields(config) if f.name == self.field)

    def default_text(self) -> str:
        """The default as shown in ``--help`` and the README."""
        if self.kind == "bool":
            return f"--{'' if self.default else 'no-'}{self.flag[2:]}"
        if self.kind == "flag" or self.default is None:
            return "-"
        return str(self.default)


_DATASETS = GENERATORS + REGRESSION_GENERATORS

OPTIONS: tuple[Option, ...] = (
    Option("--dataset", "text", "source", "name",
           f"generated dataset: {', '.join(_DATASETS)}", "NAME"),
    Option("--csv", "text", "source", "csv_path",
           "train on a CSV file with a header row instead (needs --target)", "PATH"),
    Option("--samples", "int", "generated", "samples",
           "training points to generate", "N"),
    Option("--test-samples", "int", "generated", "test_samples",
           "fresh test points to generate", "N"),
    Option("--noise", "float", "generated", "noise",
           "gaussian jitter, as a fraction of the pattern's span (0 to 0.5)", "F"),
    Option("--target", "text", "csv", "target",
           "the CSV column holding the label (exactly two distinct values)", "COLUMN"),
    Option("--features", "list", "csv", "features",
           "comma-separated CSV feature columns (default: every other column)", "A,B"),
    Option("--test-ratio", "float", "csv", "test_ratio",
           "fraction of the CSV rows held out for testing (0 to 0.9)", "F"),
    Option("--seed", "int", "data", "seed",
           "random seed of the generated points and of the CSV train/test split", "N"),
    Option("--standardize", "bool", "data", "standardize",
           "rescale each feature to mean 0, std 1 (statistics of the training part)"),
    Option("--lr", "float", "train", "lr",
           "learning rate of gradient descent", "F"),
    Option("--iterations", "int", "train", "iterations",
           "gradient-descent iterations in total (with --load: including the saved ones)", "N"),
    Option("--dtype", "text", "train", "dtype",
           f"compute precision: {', '.join(DTYPES)}", "TYPE"),
    Option("--print-every", "int", "output", "print_every",
           "print 'Iteration i: cost' for every K-th iteration, as the reference article does",
           "K"),
    Option("--save", "text", "output", "save",
           "save the run (also a diverged or interrupted one) to PATH", "PATH"),
    Option("--load", "text", "output", "load",
           "continue a saved run up to --iterations in total (the run defines the data)", "PATH"),
    Option("--json", "flag", "output", "json",
           "print one JSON object with the results instead of the summary"),
)  # fmt: skip

OPTION_BY_DEST: dict[str, Option] = {opt.dest: opt for opt in OPTIONS}
# ConfigError.field -> the option to name in the message.
FLAG_OF_FIELD: dict[str, str] = {opt.field: opt.flag for opt in OPTIONS}


def options_markdown() -> str:
    """The options as a Markdown table (name, default, meaning), for the README."""
    rows = ["| Option | Default | Meaning |", "| --- | --- | --- |"]
    for opt in OPTIONS:
        name = opt.flag if opt.metavar is None else f"{opt.flag} {opt.metavar}"
        if opt.kind == "bool":
            name = f"{opt.flag}, --no-{opt.flag[2:]}"
        default = opt.default_text()
        shown = "" if default == "-" else f"`{default}`"
        rows.append(f"| `{name}` | {shown} | {opt.help} |")
    return "\n".join(rows) + "\n"


OPTIONS_HELP = options_markdown()


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors become ``UsageError`` (one line, exit 2) instead of a
    usage block printed on stderr and ``sys.exit``, so ``main`` can return the exit code."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(" ".join(message.split()))


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (importlib.metadata is slow-ish)."""

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("neuron-tui")
        except PackageNotFoundError:
            text = "unknown (not installed)"
        sys.stdout.write(f"{PROG} {text}\n")
        parser.exit()


TRAIN_EPILOG = (
    "exit codes: 0 completed, 2 bad input, 3 diverged, 130 interrupted (Ctrl+C; the partial run "
    "is kept, summarised and saved with --save)"
)


def build_parser() -> argparse.ArgumentParser:
    """The ``neuron-tui`` parser: no command starts the app, ``train`` runs headless."""
    top = _Parser(
        prog=PROG,
        description="Watch a neuron learn, live, in your terminal. "
        "Without a command, start the app.",
        allow_abbrev=False,
    )
    top.add_argument(
        "--version", action=_VersionAction, help="print the version of neuron-tui and exit"
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    train = commands.add_parser(
        "train",
        help="train without the interface and print the results (add --help for its options)",
        description="Train a model without the interface and print the results.",
        epilog=TRAIN_EPILOG,
        allow_abbrev=False,
    )
    for section, title in SECTION_TITLES.items():
        members = [opt for opt in OPTIONS if opt.section == section]
        if not members:
            continue
        group = train.add_argument_group(title)
        for opt in members:
            help_text = opt.help
            if opt.kind != "flag" and opt.default is not None:
                help_text += f" (default: {opt.default_text()})"
            if opt.kind == "flag":
                group.add_argument(opt.flag, action="store_true", default=None, help=help_text)
            elif opt.kind == "bool":
                group.add_argument(
                    opt.flag, action=argparse.BooleanOptionalAction, default=None, help=help_text
                )
            else:
                group.add_argument(opt.flag, metavar=opt.metavar, default=None, help=help_text)
    return top


def _join_numeric_values(argv: Sequence[str]) -> list[str]:
    """Write ``--lr -1e5`` as ``--lr=-1e5``: argparse would take ``-1e5`` (or ``-inf``) for an
    option; glued, any value reaches the number check and gets a proper message."""
    numeric = {opt.flag for opt in OPTIONS if opt.kind in ("int", "float")}
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in numeric and i + 1 < len(argv):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
            continue
        if token == "--":
            out.extend(argv[i:])
            break
        out.append(token)
        i += 1
    return out


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``neuron-tui`` arguments; raises ``UsageError`` (``--help``: ``SystemExit(0)``)."""
    return build_parser().parse_args(_join_numeric_values(argv))


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _to_int(text: str, field: str) -> int:
    """A whole number: ``1000``, ``1_000``, or float notation with an integral value (``1e6``)."""
    s = text.strip()
    try:
        return int(s)
    except ValueError:
        pass
    try:
        value = Decimal(s.replace("_", ""))
    except InvalidOperation:
        raise ConfigError(field, f"must be a whole number, got {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ConfigError(field, f"must be a whole number, got {text!r}")
    if abs(value) >= _HUGE:
        raise ConfigError(field, f"{text} is far too large")
    return int(value)


def _to_float(text: str, field: str) -> float:
    """A number as Python reads it (``0.1``, ``1e-3``, ``nan``...); ``validate`` checks it."""
    try:
        return float(text.strip().replace("_", ""))
    except ValueError:
        raise ConfigError(field, f"must be a number, got {text!r}") from None


def _to_names(text: str, field: str) -> tuple[str, ...]:
    """Comma-separated column names, stripped; an empty list is left for ``validate``."""
    if not text.strip():
        return ()
    names = tuple(part.strip() for part in text.split(","))
    if any(not name for name in names):
        raise ConfigError(field, f"an empty column name in {text!r}")
    return names


def convert(opt: Option, raw: object) -> object:
    """The typed value of ``opt`` given as ``raw`` (text from the command line, or a bool)."""
    if not isinstance(raw, str):
        return raw
    if opt.kind == "int":
        return _to_int(raw, opt.field)
    if opt.kind == "float":
        return _to_float(raw, opt.field)
    if opt.kind == "list":
        return _to_names(raw, opt.field)
    return raw


@dataclass(frozen=True)
class Request:
    """What ``neuron-tui train`` was asked to do, converted and checked."""

    data_cfg: DataConfig | None  # None with --load: the saved run defines the data
    model_options: dict[str, Any]  # ModelConfig fields given (the problem comes from the data)
    train_cfg: TrainConfig
    train_overrides: dict[str, Any]  # the TrainConfig fields given (they override --load)
    print_every: int | None
    save: str | None
    load: str | None
    json: bool


def _given(ns: argparse.Namespace) -> dict[str, Option]:
    return {dest: opt for dest, opt in OPTION_BY_DEST.items() if getattr(ns, dest) is not None}


def _check_combinations(given: dict[str, Option]) -> None:
    """Reject options that do not apply together, naming both."""

    def clash(a: Option, b: Option, why: str) -> NoReturn:
        raise UsageError(f"{a.flag} cannot be used with {b.flag}{why}")

    csv = given.get("csv")
    dataset = given.get("dataset")
    load = given.get("load")
    if csv and dataset:
        clash(dataset, csv, " (choose one data source)")
    for opt in given.values():
        if load and (opt.section in DATA_SECTIONS or opt.section == "model"):
            clash(opt, load, " (the saved run defines the data and the model)")
        if csv and opt.section == "generated":
            clash(opt, csv, f" ({opt.flag} is for generated data)")
        if not csv and opt.section == "csv":
            raise UsageError(f"{opt.flag} needs --csv PATH")
    if csv and "target" not in given:
        raise UsageError("--csv needs --target COLUMN (the label column)")
    if "json" in given and "print_every" in given:
        raise UsageError(
            "--print-every cannot be used with --json (stdout holds only the JSON object)"
        )


def _values(ns: argparse.Namespace, given: dict[str, Option], sections: set[str]) -> dict[str, Any]:
    """``{config field: converted value}`` of the given options of ``sections``."""
    return {
        opt.field: convert(opt, getattr(ns, dest))
        for dest, opt in given.items()
        if opt.section in sections
    }


def _path(ns: argparse.Namespace, dest: str) -> str | None:
    value = getattr(ns, dest)
    if value is None:
        return None
    if not str(value).strip():
        raise ConfigError(OPTION_BY_DEST[dest].field, "give a file path")
    return str(value)


def build_request(ns: argparse.Namespace) -> Request:
    """Turn parsed ``train`` arguments into validated configs.

    Options not given keep the config classes' defaults. Raises ``UsageError`` for options that
    do not go together and ``ConfigError`` (naming the config field; see ``FLAG_OF_FIELD``) for a
    bad value.
    """
    given = _given(ns)
    _check_combinations(given)
    data_cfg: DataConfig | None = None
    if "load" not in given:
        source: Literal["generator", "csv"] = "csv" if "csv" in given else "generator"
        data_cfg = DataConfig(source=source, **_values(ns, given, set(DATA_SECTIONS)))
        data_cfg.validate()
    model_options = _values(ns, given, {"model"})
    ModelConfig(**model_options).validate()
    overrides = _values(ns, given, {"train"})
    # The same seed drives everything random (mini-batch order included): one knob, as in the app.
    seed = data_cfg.seed if data_cfg is not None else 0
    train_cfg = TrainConfig(**{"seed": seed, **overrides})
    train_cfg.validate()
    print_every = convert(OPTION_BY_DEST["print_every"], ns.print_every)
    if isinstance(print_every, int) and print_every < 1:
        raise ConfigError("print_every", f"must be at least 1, got {print_every:,}")
    return Request(
        data_cfg=data_cfg,
        model_options=model_options,
        train_cfg=train_cfg,
        train_overrides=overrides,
        print_every=print_every if isinstance(print_every, int) else None,
        save=_path(ns, "save"),
        load=_path(ns, "load"),
        json=bool(ns.json),
    )


def describe_error(exc: BaseException) -> str:
    """One line for the user: ``ConfigError``s name the option (``--lr: ...``)."""
    if isinstance(exc, ConfigError):
        name = FLAG_OF_FIELD.get(exc.field, exc.field)
        return f"{name}: {exc.message}"
    return " ".join(str(exc).split()) or type(exc).__name__


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


@contextmanager
def sigint_sets(stop: threading.Event) -> Iterator[None]:
    """While active, Ctrl+C (SIGINT) sets ``stop`` instead of raising ``KeyboardInterrupt``;
    a second Ctrl+C raises it (for when the first one is not noticed quickly enough)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be installed from the main thread
        return

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def train_in_chunks(
    trainer: Trainer,
    stop: threading.Event,
    on_chunk: Callable[[], None],
    chunk_seconds: float = CHUNK_SECONDS,
) -> str:
    """Run ``trainer`` to its end in chunks of about ``chunk_seconds``, calling ``on_chunk``
    after each, until it finishes or ``stop`` is set. Returns the trainer's status.

    ``Trainer.run(stop)`` checks ``stop`` only on test-cost boundaries, which for a long run on a
    large data set can be minutes apart; chunks sized by measured time keep Ctrl+C and the
    progress bar responsive at a cost of one ``step`` call (~20 µs) per chunk.
    """
    # Start with one iteration: on a huge data set a single one can take a good fraction of a
    # second, and Ctrl+C is only noticed between chunks.
    k = 1
    while not stop.is_set():
        before = trainer.iteration
        t0 = time.perf_counter()
        status = trainer.step(k)
        elapsed = time.perf_counter() - t0
        on_chunk()
        if status != "paused":
            break
        done = trainer.iteration - before
        if done > 0:
            # Aim at chunk_seconds, growing at most 4x a chunk (the first ones include warm-up).
            k = max(1, min(4 * k, int(done * chunk_seconds / max(elapsed, 1e-9))))
    return trainer.status


class CostPrinter:
    """Prints ``Iteration i: cost`` for each recorded iteration ``i`` with ``i % every == 0``,
    formatted as the reference article's ``print("Iteration %s: %s" % (i, c))``."""

    def __init__(self, trainer: Trainer, every: int, out: Callable[[str], object]) -> None:
        self.trainer = trainer
        self.every = every
        self.out = out
        self.next = -(-trainer.iteration // every) * every  # first multiple not printed yet

    def __call__(self) -> None:
        n = self.trainer.iteration
        if self.next >= n:
            return
        costs = self.trainer.history.costs[self.next : n : self.every].tolist()
        start = self.next
        self.out(
            "".join(
                "Iteration %s: %s\n" % (start + j * self.every, c)  # noqa: UP031 (the article's)
                for j, c in enumerate(costs)
            )
        )
        self.next = start + len(costs) * self.every


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN/inf float (at any depth of lists/dicts) replaced by ``None``:
    JSON has no NaN, and a consumer must never see one."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value


def _float(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass
class Outcome:
    """Everything the summary and the JSON report need about a finished (or stopped) run."""

    trainer: Trainer
    data: Dataset
    data_cfg: DataConfig
    start_iteration: int
    start_seconds: float
    stopped: Literal["completed", "diverged", "interrupted"]
    saved: str | None
    loaded: str | None
    warnings: list[str] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        """The results as a JSON-safe dict (no NaN/inf: ``None`` instead)."""
        import numpy as np

        # The parameters of a diverged run can overflow the metrics (an error of 1e200 squared):
        # those values become None below, NumPy need not warn about them on stderr.
        with np.errstate(all="ignore"):
            return self._report()

    def _report(self) -> dict[str, Any]:
        from neuron_core.features import input_names
        from neuron_core.metrics import ClassificationReport, RegressionReport

        tr, data = self.trainer, self.data
        csv_path = self.data_cfg.csv_path if self.data_cfg.source == "csv" else None
        costs = tr.history.train()
        ran = tr.iteration - self.start_iteration
        seconds = tr.seconds - self.start_seconds
        params = tr.model.get_params()
        weights: list[float] | None = None
        bias: float | None = None
        if len(params) == 2:  # a single neuron: [w (n, 1), b (1, 1)]
            weights = params[0].reshape(-1).tolist()
            bias = float(params[1].reshape(-1)[0])
        out: dict[str, Any] = {
            "dataset": self.data_cfg.name if csv_path is None else csv_path,
            "source": self.data_cfg.source,
            "features": list(data.feature_names),
            # The model's inputs (what the weights apply to): the features, or a feature map.
            "inputs": list(input_names(tr.model_cfg.feature_map, data.feature_names)),
            "class_names": list(data.class_names) if data.class_names else None,
            "train_samples": data.m_train,
            "test_samples": data.m_test,
            "iterations": tr.iteration,
            "iterations_run": ran,
            "first_cost": _float(costs[0]) if costs.size else None,
            "final_cost": _float(costs[-1]) if costs.size else None,
            "final_test_cost": _float(tr.test_cost()),
            "train_accuracy": None,
            "test_accuracy": None,
            "confusion": None,
            "precision": None,
            "recall": None,
            "f1": None,
            "train_r2": None,
            "test_r2": None,
            "test_rmse": None,
            "weights": weights,
            "bias": bias,
            "seconds": seconds,
            "iterations_per_second": ran / seconds if seconds > 0 else None,
            "stopped": self.stopped,
            "status": tr.status,
            "reason": tr.reason,
            "warnings": [*data.warnings, *self.warnings],
            "seed": self.data_cfg.seed,
            "lr": tr.train_cfg.lr,
            "dtype": tr.train_cfg.dtype,
            "saved": self.saved,
            "loaded": self.loaded,
        }
        if data.problem == "regression":
            train_fit = RegressionReport.from_model(tr.model, tr.X_train, data.Y_train)
            test_fit = RegressionReport.from_model(tr.model, tr.X_test, data.Y_test)
            out["train_r2"] = train_fit.r2
            out["test_r2"] = test_fit.r2
            out["test_rmse"] = test_fit.rmse
        else:
            train_rep = ClassificationReport.from_model(tr.model, tr.X_train, data.Y_train)
            test_rep = ClassificationReport.from_model(tr.model, tr.X_test, data.Y_test)
            out["train_accuracy"] = train_rep.accuracy
            out["test_accuracy"] = test_rep.accuracy
            out["confusion"] = test_rep.confusion.tolist()  # [[TN, FP], [FN, TP]]
            out["precision"] = test_rep.precision
            out["recall"] = test_rep.recall
            out["f1"] = test_rep.f1
        result: dict[str, Any] = finite_or_none(out)
        return result


def exit_code(stopped: str) -> int:
    """The process exit code for how the run ended."""
    return {"completed": EXIT_OK, "diverged": EXIT_DIVERGED}.get(stopped, EXIT_INTERRUPTED)


# --------------------------------------------------------------------------------------------
# Summary for people
# --------------------------------------------------------------------------------------------


def _num(x: float | None, digits: int = 6) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100.0 * x:.2f}%"


def summary_rows(rep: dict[str, Any]) -> list[tuple[str, str]]:
    """The report as (label, text) rows, shared by the plain and the table summary."""
    if rep["source"] == "csv":
        source = f"{rep['dataset']} (CSV, split seed {rep['seed']})"
    else:
        source = f"{rep['dataset']} (generated, seed {rep['seed']})"
    rows = [
        ("dataset", source),
        ("features", ", ".join(rep["features"])),
        ("samples", f"{rep['train_samples']:,} train, {rep['test_samples']:,} test"),
    ]
    stopped = rep["stopped"]
    rows.append(("stopped", f"{stopped} at iteration {rep['iterations']:,}"))
    if rep["reason"]:
        rows.append(("reason", rep["reason"]))
    speed = rep["iterations_per_second"]
    rows.append(
        (
            "time",
            f"{rep['seconds']:.3f} s for {rep['iterations_run']:,} iterations"
            + (f", {speed:,.0f} it/s" if speed else ""),
        )
    )
    rows.append(("settings", f"lr {rep['lr']:g}, {rep['dtype']}"))
    rows.append(
        (
            "cost",
            f"{_num(rep['first_cost'])} -> {_num(rep['final_cost'])} "
            f"(test {_num(rep['final_test_cost'])})",
        )
    )
    if rep["train_accuracy"] is not None:
        rows.append(
            (
                "accuracy",
                f"train {_pct(rep['train_accuracy'])}, test {_pct(rep['test_accuracy'])}",
            )
        )
        rows.append(
            (
                "test scores",
                f"precision {_num(rep['precision'], 4)}, recall {_num(rep['recall'], 4)}, "
                f"f1 {_num(rep['f1'], 4)}",
            )
        )
        if rep["confusion"] is not None:
            rows.append(("test confusion", _confusion_text(rep["confusion"], rep["class_names"])))
    if rep["test_r2"] is not None:
        rows.append(
            (
                "fit",
                f"r2 train {_num(rep['train_r2'], 4)}, test {_num(rep['test_r2'], 4)}; "
                f"test rmse {_num(rep['test_rmse'], 4)}",
            )
        )
    if rep["weights"] is not None:
        pairs = ", ".join(
            f"{name} {_num(w)}" for name, w in zip(rep["inputs"], rep["weights"], strict=True)
        )
        rows.append(("weights", f"{pairs}; bias {_num(rep['bias'])}"))
    rows.extend(("warning", w) for w in rep["warnings"])
    if rep["loaded"]:
        rows.append(("loaded", rep["loaded"]))
    if rep["saved"]:
        rows.append(("saved", rep["saved"]))
    return rows


def _confusion_text(confusion: list[list[int]], class_names: list[str] | None) -> str:
    """``[[tn, fp], [fn, tp]]`` (rows: true class, columns: predicted) as one line."""
    (tn, fp), (fn, tp) = confusion
    text = f"TN {tn:,}, FP {fp:,}, FN {fn:,}, TP {tp:,}"
    if class_names and class_names != ["0", "1"]:
        text += f" (positive class {class_names[1]!r})"
    return text


def print_plain_summary(rep: dict[str, Any], write: Callable[[str], object]) -> None:
    """``label: text`` lines, for pipes and logs."""
    write("".join(f"{label}: {text}\n" for label, text in summary_rows(rep)))


def print_table_summary(rep: dict[str, Any]) -> None:
    """A rich table, for a terminal."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="neuron-tui train", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, text in summary_rows(rep):
        table.add_row(label, text)
    Console().print(table)


# --------------------------------------------------------------------------------------------
# Progress bar
# --------------------------------------------------------------------------------------------


class ProgressBar:
    """A rich progress bar (iteration, cost, it/s, ETA) redrawn at most every
    ``REDRAW_SECONDS`` by ``update`` (no refresh thread: nothing competes with training)."""

    def __init__(self, trainer: Trainer) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.trainer = trainer
        self.start_iteration = trainer.iteration
        self.start_seconds = trainer.seconds
        # About 72 columns in all, so the line fits an 80-column terminal.
        self.progress = Progress(
            BarColumn(bar_width=16),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
            TextColumn("cost {task.fields[cost]}"),
            TextColumn("{task.fields[rate]} it/s"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            auto_refresh=False,
        )
        self.task = self.progress.add_task(
            "training",
            total=trainer.train_cfg.iterations,
            completed=trainer.iteration,
            cost="-",
            rate="-",
        )
        self.last_draw = 0.0

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.update(force=True)
        self.progress.stop()

    def update(self, force: bool = False) -> None:
        """Move the bar to the trainer's state (redraws at most every ``REDRAW_SECONDS``)."""
        now = time.perf_counter()
        if not force and now - self.last_draw < REDRAW_SECONDS:
            return
        self.last_draw = now
        tr = self.trainer
        n = tr.iteration
        ran = n - self.start_iteration
        seconds = tr.seconds - self.start_seconds
        cost = f"{tr.history.costs[n - 1]:.6g}" if n else "-"
        rate = f"{ran / seconds:,.0f}" if seconds > 0 else "-"
        self.progress.update(self.task, completed=n, cost=cost, rate=rate)
        self.progress.refresh()


# --------------------------------------------------------------------------------------------
# The train command
# --------------------------------------------------------------------------------------------


def _check_writable(path: str) -> None:
    """Fail before training, not after, when ``--save PATH`` obviously cannot be written."""
    from neuron_core.errors import StoreError

    if os.path.isdir(path):
        raise StoreError(f"--save: {path} is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise StoreError(f"--save: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise StoreError(f"--save: cannot write into {parent} (permission denied)")


def _prepare(req: Request, stop: threading.Event) -> tuple[Trainer, Dataset, DataConfig, list[str]]:
    """Load the data and build the trainer (from scratch, or continuing ``--load``)."""
    from neuron_core.datasets import load
    from neuron_core.trainer import Trainer

    def progress(fraction: float) -> None:
        # Loading a big CSV can take a while: let Ctrl+C end it.
        if stop.is_set():
            raise KeyboardInterrupt

    notes: list[str] = []
    if req.load is None:
        assert req.data_cfg is not None
        data = load(req.data_cfg, progress)
        model_cfg = ModelConfig(problem=data.problem, **req.model_options)
        return Trainer(data, model_cfg, req.train_cfg), data, req.data_cfg, notes

    from neuron_core.store import load_run, rebuild_dataset, trainer_from_record

    record = load_run(req.load)
    data = rebuild_dataset(record)
    trainer = trainer_from_record(record, data)
    if req.train_overrides:
        cfg = replace(trainer.train_cfg, **req.train_overrides)
        cfg.validate()
        trainer.set_train_config(cfg)
    if trainer.status == "diverged":
        notes.append("the saved run diverged; it cannot be continued")
    elif trainer.iteration >= trainer.train_cfg.iterations:
        notes.append(
            f"the saved run already has {trainer.iteration:,} iterations; give --iterations "
            "above that to train further"
        )
    return trainer, data, record.data_cfg, notes


def run_train(req: Request) -> int:
    """Run ``neuron-tui train`` for a checked request; returns the exit code.

    Raises ``NeuronError`` (bad data, unreadable run...) and ``KeyboardInterrupt`` (Ctrl+C
    before training started, or twice); ``main`` turns both into one line on stderr.
    """
    if req.save is not None:
        _check_writable(req.save)
    stop = threading.Event()
    with sigint_sets(stop):
        trainer, data, data_cfg, notes = _prepare(req, stop)
        start_iteration, start_seconds = trainer.iteration, trainer.seconds
        tty = sys.stdout.isatty() and not req.json
        callbacks: list[Callable[[], None]] = []
        if req.print_every is not None:
            callbacks.append(CostPrinter(trainer, req.print_every, _write_flush))
        bar = ProgressBar(trainer) if tty and req.print_every is None else None
        if bar is not None:
            callbacks.append(bar.update)

        def on_chunk() -> None:
            for callback in callbacks:
                callback()

        if bar is not None:
            with bar:
                status = train_in_chunks(trainer, stop, on_chunk)
        else:
            status = train_in_chunks(trainer, stop, on_chunk)
        if stop.is_set() and status not in ("completed", "diverged"):
            stopped: Literal["completed", "diverged", "interrupted"] = "interrupted"
        else:
            stopped = "diverged" if status == "diverged" else "completed"
        if req.save is not None:
            from neuron_core.store import record_from_trainer, save_run

            save_run(req.save, record_from_trainer(trainer, data_cfg))
        outcome = Outcome(
            trainer,
            data,
            data_cfg,
            start_iteration,
            start_seconds,
            stopped,
            req.save,
            req.load,
            notes,
        )
        rep = outcome.report()
    if req.json:
        sys.stdout.write(json.dumps(rep, allow_nan=False) + "\n")
    elif tty:
        print_table_summary(rep)
    else:
        print_plain_summary(rep, sys.stdout.write)
    sys.stdout.flush()
    return exit_code(stopped)


def _write_flush(text: str) -> None:
    # Flushed at once: lines piped into `tee` or a log should arrive while the run goes on.
    sys.stdout.write(text)
    sys.stdout.flush()


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
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`neuron-tui train --print-every 1 | head`): stop quietly, and
        # keep Python from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
