"""The ``neuron-tui`` argument parser, built from the options table.

``build_parser`` makes the parser: no command (the app), ``--version``, and ``train`` with one
argument group per section of ``tui.cli.options``. Its errors become ``UsageError`` (one line,
exit 2) instead of argparse's usage block and ``sys.exit``. ``parse_args`` also glues a
negative-looking value to its option (``--lr -1e5``), so the number check, not argparse, judges it.

Imports only the standard library and ``neuron_core.config`` (pure Python).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, Protocol

from tui.cli.exits import (
    EXIT_DIVERGED,
    EXIT_HANGUP,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from tui.cli.grid import add_compare
from tui.cli.options import NUMERIC_FLAGS, OPTIONS, SECTION_TITLES, Option

PROG = "neuron-tui"

TRAIN_EPILOG = (
    f"exit codes: {EXIT_OK} completed (or stopped by --target-cost/--early-stop), {EXIT_USAGE} "
    f"bad input, {EXIT_DIVERGED} diverged, {EXIT_INTERRUPTED} interrupted (Ctrl+C), "
    f"{EXIT_TERMINATED} terminated (SIGTERM), {EXIT_HANGUP} hung up (SIGHUP). An interrupted run "
    "is kept: summarised, and saved with --save. --features has two uses: input features "
    "(x1,x2,x1^2,...) for generated data, CSV columns with --csv."
)


class UsageError(Exception):
    """Bad command line: printed as one ``neuron-tui: error: ...`` line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors become ``UsageError`` (one line, exit 2) instead of a
    usage block printed on stderr and ``sys.exit``, so the caller can return the exit code."""

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


class _ArgumentAdder(Protocol):
    """A parser or a group of its arguments: what ``_add_option`` needs."""

    def add_argument(self, *args: Any, **kwargs: Any) -> Any: ...


def _add_option(group: _ArgumentAdder, opt: Option) -> None:
    help_text = opt.help.replace("%", "%%")  # argparse %-formats help texts
    default = opt.default_text()
    if opt.kind != "flag" and default != "-":
        help_text += f" (default: {default})"
    if opt.kind == "flag":
        group.add_argument(opt.flag, action="store_true", default=None, help=help_text)
    elif opt.kind == "bool":
        group.add_argument(
            opt.flag, action=argparse.BooleanOptionalAction, default=None, help=help_text
        )
    else:
        group.add_argument(opt.flag, metavar=opt.metavar, default=None, help=help_text)


# Given without a command, these options open the app with their setting: every option of
# `train` that defines the data, the model or the training, and --load.
APP_PREFIX = "app_"
APP_OPTIONS: tuple[Option, ...] = tuple(
    opt for opt in OPTIONS if opt.section != "output" or opt.flag == "--load"
)
APP_DESCRIPTION = (
    "Watch a neuron learn, live, in your terminal. Without a command, start the app: any "
    f"option of '{PROG} train' that defines the data, the model or the training opens it with "
    f"that setting (e.g. '{PROG} --dataset circle --hidden 4 --init xavier'), and --load PATH "
    f"opens a saved run; see '{PROG} train --help'."
)


def _add_app_option(top: argparse.ArgumentParser, opt: Option) -> None:
    """``opt`` for the app, hidden from the top-level help (the description points to
    ``train --help``). Stored as ``app_<dest>`` and only when given, so options typed before a
    command (``neuron-tui --lr 1 train``) can be told apart and refused."""
    common: dict[str, Any] = {
        "dest": APP_PREFIX + opt.dest,
        "default": argparse.SUPPRESS,
        "help": argparse.SUPPRESS,
    }
    if opt.kind == "flag":
        top.add_argument(opt.flag, action="store_true", **common)
    elif opt.kind == "bool":
        top.add_argument(opt.flag, action=argparse.BooleanOptionalAction, **common)
    else:
        top.add_argument(opt.flag, **common)


def build_parser() -> argparse.ArgumentParser:
    """The ``neuron-tui`` parser: no command starts the app, ``train`` runs headless."""
    top = _Parser(
        prog=PROG,
        usage="%(prog)s [-h] [--version] [OPTIONS] | %(prog)s COMMAND ...",
        description=APP_DESCRIPTION,
        allow_abbrev=False,
    )
    top.add_argument(
        "--version", action=_VersionAction, help="print the version of neuron-tui and exit"
    )
    for opt in APP_OPTIONS:
        _add_app_option(top, opt)
    commands = top.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, prog=PROG
    )
    train = commands.add_parser(
        "train",
        help="train without the interface and print the results (add --help for its options)",
        description="Train a model without the interface and print the results.",
        epilog=TRAIN_EPILOG,
        allow_abbrev=False,
    )
    for section, title in SECTION_TITLES.items():
        members = [opt for opt in OPTIONS if opt.section == section]
        if members:
            group = train.add_argument_group(title)
            for opt in members:
                _add_option(group, opt)
    _add_serve(commands)
    commands.add_parser(
        "tour",
        help="start the app with the guided tour: the article's story in ten short steps",
        description="Start the app with the guided tour: each step sets the app up and says "
        "what to look at and which key to press (ctrl+→ or > next, ctrl+← or < back, Escape "
        "leaves the tour and keeps its setup; ctrl+t in the app starts it again).",
        allow_abbrev=False,
    )
    add_compare(commands, _add_option)
    return top


def _add_serve(commands: Any) -> None:
    """``serve``: the app in a web browser (``tui.cli.serve``)."""
    serve = commands.add_parser(
        "serve",
        help="serve the app to web browsers (textual-serve); add --help for its options",
        description="Serve the app to web browsers: each browser tab gets its own app, with the "
        "same keys. Listens on this machine only unless --host says otherwise; anyone who can "
        "reach the port gets an app running as you, able to read and write your files, with no "
        "password and no encryption.",
        allow_abbrev=False,
        epilog=f"Any option that opens the app ('{PROG} --help') also goes here: every browser "
        "tab then opens the app with it.",
    )
    for opt in APP_OPTIONS:
        _add_app_option(serve, opt)
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="HOST",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: every "
        "network interface)",
    )  # fmt: skip
    serve.add_argument("--port", default="8000", metavar="N", help="port (default: 8000)")
    serve.add_argument(
        "--public-url", default=None, metavar="URL",
        help="the address browsers use to reach the server, when it is not http://HOST:PORT "
        "(a proxy, or --host 0.0.0.0)",
    )  # fmt: skip


def join_numeric_values(argv: Sequence[str]) -> list[str]:
    """Write ``--lr -1e5`` as ``--lr=-1e5``: argparse would take ``-1e5`` (or ``-inf``, or
    ``--hidden -1,2``) for an option; glued, any value reaches the number check and gets a
    proper message."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in NUMERIC_FLAGS and i + 1 < len(argv):
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
    return build_parser().parse_args(join_numeric_values(argv))
