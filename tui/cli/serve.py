"""``neuron-tui serve``: the app in a web browser, through textual-serve.

Each browser tab that opens the page gets its own ``neuron-tui`` app, started by textual-serve as
a child process (``python -I -m tui``: isolated, nothing is imported from the working directory)
with Textual's web driver; the same app and the same keys as in a terminal. The server listens on
``127.0.0.1`` unless ``--host`` says otherwise: whoever can reach the port gets an app running as
this user, which can read and write files (open, save, export, CSV data) wherever this user
may, with no password and no encryption; hence a warning when the host is not a loopback one.

textual-serve (with aiohttp) is imported here, only when the command runs, so neither the app's
start nor ``neuron-tui train`` pays for it.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from typing import Any

from tui.cli.app_start import app_arguments
from tui.cli.parser import PROG, UsageError
from tui.cli.values import to_int
from tui.text import printable


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(arguments: list[str]) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, isolated, with
    the app's options (already checked), each word quoted for the shell."""
    return shlex.join([sys.executable, "-I", "-m", "tui", *arguments])


def serve_settings(ns: argparse.Namespace) -> tuple[str, int, str | None]:
    """``(host, port, public URL)`` of a parsed ``serve`` command; ``UsageError`` if bad."""
    host = str(ns.host).strip()
    if not host:
        raise UsageError("--host: give a host name or address (127.0.0.1 for this machine only)")
    try:
        port = to_int(str(ns.port), "port")
    except ValueError as exc:  # ConfigError is a ValueError
        raise UsageError(f"--port: must be a whole number, got {ns.port!r}") from exc
    if not 1 <= port <= 65535:
        raise UsageError(f"--port: must be between 1 and 65535, got {port}")
    return host, port, ns.public_url


def run_serve(ns: argparse.Namespace) -> int:
    """Serve the app until Ctrl+C (or SIGTERM); returns the exit code (0, or 2 with one line on
    stderr when the settings are bad or the port cannot be listened on)."""
    host, port, public_url = serve_settings(ns)
    shown = printable(host)
    if not is_loopback(host):
        sys.stderr.write(
            f"{PROG}: warning: listening on {shown}: anyone who can reach port {port} gets an app "
            "running as you, able to read and write your files, with no password and no "
            "encryption\n"
        )
    from textual_serve.server import Server

    command = app_command(app_arguments(ns))
    server = Server(command, host=host, port=port, title=PROG, public_url=public_url)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        sys.stderr.write(f"{PROG}: error: cannot listen on {shown}:{port}: {exc.strerror or exc}\n")
        return 2
    finally:
        # Once the server's event loop is closed, a browser tab's app process that is collected
        # later reports "Event loop is closed" from asyncio's transport finalizer (a traceback on
        # the terminal after Ctrl+C). Nothing is left to do for it: stay quiet.
        sys.unraisablehook = _quiet
    return 0


def _quiet(unraisable: Any) -> None:
    """An ``sys.unraisablehook`` that says nothing (see ``run_serve``)."""
