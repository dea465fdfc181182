"""A real terminal for end-to-end tests: one program in one tmux pane, driven from Python.

Each ``TmuxPane`` runs its own private tmux server (``tmux -S <socket> -f <config>``), so tests
never touch a user's tmux, never see each other's sessions, and ``kill()`` removes everything the
pane started. The pane is exactly ``width`` x ``height`` cells (the status line is off), and stays
on screen after its program exits (``remain-on-exit``), which is how the exit status is read
(``#{pane_dead_status}``) without wrapping the command in a shell.

What a test can do with it:

* ``send_keys("Space")`` / ``type_text("abc")``: tmux key names, or literal text;
* ``capture()``: the visible screen as plain text (one string, lines joined by ``\\n``);
* ``wait_for(regex, timeout)``: poll the screen until the pattern appears;
* ``resize(w, h)``: change the window size (the program gets ``SIGWINCH``);
* ``count_bytes(seconds)``: how many bytes the program wrote to the terminal in a window,
  measured with ``pipe-pane -O`` (the bytes the pane receives, escape sequences included);
  ``record(seconds)`` keeps the arrival time of each chunk too;
* ``wait_exit(timeout)``: the program's exit status once it has ended.

``NeuronPane`` adds what is specific to neuron-tui: reading the ``Iteration i / n`` text and the
run's state word from the screen, and the key sequence that sets the number of iterations.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

_SESSION = "e2e"
# Every wait lasts at least this long before it fails: a wait ends as soon as the screen shows
# what it waits for, so a long timeout costs nothing when things work, and on a busy machine
# (every core taken by other work) a slow start is not a failure.
MIN_TIMEOUT = 60.0
_TARGET = f"{_SESSION}:0.0"


class PaneTimeout(AssertionError):
    """A wait on the pane ran out of time; the message carries the last screen seen."""


@dataclass(frozen=True)
class ByteWindow:
    """Bytes a pane received during a timed window, and the window's real length in seconds."""

    nbytes: int
    seconds: float
    data: bytes

    @property
    def rate(self) -> float:
        """Average bytes per second over the window."""
        return self.nbytes / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Recording:
    """What a pane received between ``opened`` and ``closed`` (monotonic seconds), as
    ``(arrival time, bytes)`` chunks in order."""

    opened: float
    closed: float
    chunks: list[tuple[float, bytes]]

    @property
    def data(self) -> bytes:
        """All bytes received, concatenated."""
        return b"".join(chunk for _, chunk in self.chunks)

    @property
    def rate(self) -> float:
        """Average bytes per second over the window."""
        span = self.closed - self.opened
        return len(self.data) / span if span > 0 else 0.0


# The reader behind ``pipe-pane`` for ``TmuxPane.record``: each read becomes a record of
# (float64 arrival time, uint32 length, bytes).
_RECORDER = """
import os, struct, sys, time
with open(sys.argv[1], "ab", buffering=0) as out:
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        out.write(struct.pack("<dI", time.monotonic(), len(chunk)) + chunk)
"""


def _read_records(raw: bytes) -> list[tuple[float, bytes]]:
    chunks: list[tuple[float, bytes]] = []
    head = struct.calcsize("<dI")
    pos = 0
    while pos + head <= len(raw):
        stamp, size = struct.unpack_from("<dI", raw, pos)
        pos += head
        chunks.append((stamp, raw[pos : pos + size]))
        pos += size
    return chunks


def tmux_binary() -> str | None:
    """Path of the tmux executable, or None when it is not installed."""
    return shutil.which("tmux")


def _utf8_env(base: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``base`` with a UTF-8 locale, so box drawing and braille survive capture."""
    env = dict(base)
    env.pop("TMUX", None)  # a test run from inside tmux must not talk to the outer server
    env.pop("TMUX_PANE", None)
    # The pane's size is the terminal's: a COLUMNS/LINES inherited from the runner (pytest-xdist
    # workers set 80x24) would make Textual and rich ignore it.
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf-8" not in locale.lower() and "utf8" not in locale.lower():
        env["LC_ALL"] = "C.UTF-8"
    return env


class TmuxPane:
    """One program running in a private tmux server at a fixed size.

    ``argv`` is executed directly (no shell), so ``pane_pid()`` is the program itself. ``env``
    replaces the environment (``None`` = inherit ``os.environ``); ``term`` is the ``TERM`` the
    program sees (tmux sets it from ``default-terminal``).
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        width: int = 120,
        height: int = 40,
        env: Mapping[str, str] | None = None,
        term: str = "xterm-256color",
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        binary = tmux_binary()
        if binary is None:
            raise FileNotFoundError("tmux is not installed")
        if not argv:
            raise ValueError("argv must name a program")
        self._tmux = binary
        # A short directory name: the socket path must fit in sun_path (~104 bytes).
        self.workdir = Path(tempfile.mkdtemp(prefix="tmx-"))
        self._socket = self.workdir / "sock"
        self._env = _utf8_env(os.environ if env is None else env)
        self._env["TERM"] = self._env.get("TERM") or "xterm-256color"
        config = self.workdir / "tmux.conf"
        config.write_text(
            "\n".join(
                [
                    "set -g status off",
                    "set -g remain-on-exit on",
                    "set -g history-limit 100",
                    "set -g escape-time 0",
                    f"set -g default-terminal {shlex.quote(term)}",
                    "",
                ]
            )
        )
        self._config = config
        self._piping = False
        cmd = ["new-session", "-d", "-s", _SESSION, "-x", str(width), "-y", str(height)]
        if cwd is not None:
            cmd += ["-c", str(cwd)]
        self._run(*cmd, "--", *argv)
        # With no client attached the window keeps the size given above; "manual" makes sure a
        # later resize-window sticks instead of snapping back to a default size.
        self._run("set-option", "-w", "-t", _SESSION, "window-size", "manual")

    # -- plumbing -------------------------------------------------------------------------

    def tmux_argv(self, *args: str) -> list[str]:
        """The command line that runs ``tmux args`` on this pane's private server (run it with
        ``env``): for a client of one's own, such as a control-mode one (``-C``)."""
        return [self._tmux, "-u", "-S", str(self._socket), "-f", str(self._config), *args]

    @property
    def env(self) -> dict[str, str]:
        """The environment tmux commands on this pane run with (a copy)."""
        return dict(self._env)

    @property
    def target(self) -> str:
        """The pane's tmux target (``session:window.pane``)."""
        return _TARGET

    def _run(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            self.tmux_argv(*args),
            capture_output=True,
            text=True,
            env=self._env,
            timeout=10,
            check=False,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def _display(self, fmt: str) -> str:
        return self._run("display-message", "-p", "-t", _TARGET, fmt).strip()

    def __enter__(self) -> TmuxPane:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()

    # -- input ----------------------------------------------------------------------------

    def send_keys(self, *keys: str) -> None:
        """Press keys by tmux name (``"Space"``, ``"q"``, ``"C-c"``, ``"Escape"``, ``"Up"``)."""
        self._run("send-keys", "-t", _TARGET, *keys)

    def type_text(self, text: str) -> None:
        """Type ``text`` literally, character by character as the terminal would send it."""
        self._run("send-keys", "-t", _TARGET, "-l", "--", text)

    # -- output ---------------------------------------------------------------------------

    def capture(self, *, escapes: bool = False) -> str:
        """The visible screen as text; with ``escapes=True`` colours/attributes are kept."""
        args = ["capture-pane", "-p", "-t", _TARGET]
        if escapes:
            args.append("-e")
        return self._run(*args)

    def wait_until(
        self,
        predicate: Callable[[str], bool],
        timeout: float = 10.0,
        interval: float = 0.05,
        what: str = "condition",
    ) -> str:
        """Poll the screen until ``predicate(screen)`` holds; return that screen.

        Raises ``PaneTimeout`` (an ``AssertionError``) with the last screen after ``timeout`` s,
        stretched to at least ``MIN_TIMEOUT``.
        """
        timeout = max(timeout, MIN_TIMEOUT)
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture()
            if predicate(screen):
                return screen
            if time.monotonic() >= deadline:
                raise PaneTimeout(f"{what} not met within {timeout:g} s; screen:\n{screen}")
            time.sleep(interval)

    def wait_for(
        self, pattern: str, timeout: float = 10.0, interval: float = 0.05
    ) -> re.Match[str]:
        """Poll until the regex ``pattern`` matches the screen; return the match."""
        regex = re.compile(pattern, re.MULTILINE)
        found: list[re.Match[str]] = []

        def matches(screen: str) -> bool:
            m = regex.search(screen)
            if m is not None:
                found.append(m)
            return m is not None

        self.wait_until(matches, timeout, interval, what=f"pattern {pattern!r}")
        return found[-1]

    # -- geometry -------------------------------------------------------------------------

    def resize(self, width: int, height: int) -> None:
        """Resize the window (and so the pane); the program receives ``SIGWINCH``."""
        self._run("resize-window", "-t", _SESSION, "-x", str(width), "-y", str(height))

    def size(self) -> tuple[int, int]:
        """Current pane size as (columns, rows)."""
        w, h = self._display("#{pane_width} #{pane_height}").split()
        return int(w), int(h)

    # -- the program's life ---------------------------------------------------------------

    def pane_pid(self) -> int:
        """PID of the program started in the pane."""
        return int(self._display("#{pane_pid}"))

    def is_dead(self) -> bool:
        """True once the program in the pane has exited."""
        return self._display("#{pane_dead}") == "1"

    def exit_status(self) -> int | None:
        """The program's exit status, ``-N`` if signal N ended it, None while it runs.

        tmux marks the pane dead when the terminal closes and learns the status a moment later
        (when it reaps the child), so right after the program ends this may still be None.
        """
        dead, status, sig = (
            self._display("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}") + "::"
        ).split(":")[:3]
        if dead != "1":
            return None
        if status:
            return int(status)
        if sig:
            return -int(sig)
        return None

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to end; its exit status (``-N`` for signal N).

        Raises ``PaneTimeout`` if it is still running after ``timeout`` seconds (at least
        ``MIN_TIMEOUT``).
        """
        timeout = max(timeout, MIN_TIMEOUT)
        deadline = time.monotonic() + timeout
        while True:
            status = self.exit_status()
            if status is not None:
                return status
            if self.is_dead():
                # The terminal closed but tmux has not reaped the child: now and then (seen with
                # tmux 3.3a) its SIGCHLD is lost. Any child of the server that ends makes it reap
                # every finished child again, so run one.
                self._run("run-shell", "true", check=False)
            if time.monotonic() >= deadline:
                raise PaneTimeout(
                    f"program still running after {timeout:g} s; screen:\n{self.capture()}"
                )
            time.sleep(0.05)

    # -- byte counting --------------------------------------------------------------------

    def start_pipe(self, path: str | os.PathLike[str]) -> None:
        """Append every byte the program writes to the pane to ``path`` from now on."""
        if self._piping:
            raise RuntimeError("a pipe is already open on this pane")
        self._run("pipe-pane", "-O", "-t", _TARGET, f"cat >> {shlex.quote(str(path))}")
        self._piping = True

    def stop_pipe(self, path: str | os.PathLike[str]) -> None:
        """Close the pipe and wait until ``cat`` has flushed everything into ``path`` (a program
        that has exited has had its pipe closed by tmux already)."""
        self._run("pipe-pane", "-t", _TARGET, check=False)
        self._piping = False
        self._settle(Path(path))

    @staticmethod
    def _settle(target: Path) -> None:
        """Wait until ``cat`` has written what it had left after tmux closed its stdin."""
        last, stable_since = -1, time.monotonic()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            size = target.stat().st_size if target.exists() else 0
            if size != last:
                last, stable_since = size, time.monotonic()
            elif time.monotonic() - stable_since >= 0.15:
                return
            time.sleep(0.02)

    def _pipe_window(self, command: str, path: Path, seconds: float) -> tuple[float, float]:
        """Pipe the pane's output into ``command`` for ``seconds``; (opened, closed) times.

        The window opens and closes somewhere inside each tmux call (a few ms each, mostly the
        tmux client's start-up): the midpoints are taken so the rate is not skewed by them.
        """
        if self._piping:
            raise RuntimeError("a pipe is already open on this pane")
        t0 = time.monotonic()
        self._run("pipe-pane", "-O", "-t", _TARGET, command)
        opened = (t0 + time.monotonic()) / 2
        time.sleep(seconds)
        t1 = time.monotonic()
        self._run("pipe-pane", "-t", _TARGET)
        closed = (t1 + time.monotonic()) / 2
        self._settle(path)
        return opened, closed

    def _scratch(self, prefix: str) -> Path:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".bin", dir=self.workdir)
        os.close(fd)
        return Path(name)

    def count_bytes(self, seconds: float) -> ByteWindow:
        """Everything the program writes to the terminal for ``seconds``, through
        ``pipe-pane -O 'cat >> FILE'``."""
        path = self._scratch("pipe-")
        opened, closed = self._pipe_window(f"cat >> {shlex.quote(str(path))}", path, seconds)
        data = path.read_bytes()
        return ByteWindow(nbytes=len(data), seconds=closed - opened, data=data)

    def record(self, seconds: float) -> Recording:
        """Like ``count_bytes``, but keep when each chunk arrived (for frame and latency analysis).

        A small Python reader behind ``pipe-pane`` stamps each read with ``time.monotonic()``
        (system-wide on Linux, so comparable with this process's clock).
        """
        path = self._scratch("rec-")
        reader = " ".join(shlex.quote(w) for w in (sys.executable, "-c", _RECORDER, str(path)))
        opened, closed = self._pipe_window(reader, path, seconds)
        return Recording(opened, closed, _read_records(path.read_bytes()))

    # -- teardown -------------------------------------------------------------------------

    def kill(self) -> None:
        """Stop the tmux server (and with it the program, via SIGHUP) and remove temp files."""
        self._run("kill-server", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# neuron-tui on that pane: what its screen says, and the key sequences that drive it
# --------------------------------------------------------------------------------------------

# The stats line every layout shows ("Iteration 1,234 / 2,000") and the run's state word.
# Counts are shown in full ("1,234") or, when long, compactly ("2.54M", "10M", "12.5k").
_NUM = r"[\d,]+(?:\.\d+)?[kMG]?"
ITERATION = re.compile(rf"Iteration ({_NUM}) / ({_NUM})")
_WRAPPED_HEAD = re.compile(rf"Iteration ({_NUM}) /\s*(?:│|$)")
STATE_WORDS = ("loading", "not ready", "ready", "running", "paused", "finished", "diverged")
_STATE = re.compile(r"(?<![\w-])(" + "|".join(STATE_WORDS) + r")(?![\w-])")


def screen_iteration(screen: str) -> tuple[int, int] | None:
    """(iteration, total) from the screen's ``Iteration i / n`` text, or None.

    A narrow stats column may wrap the text after the slash; the total is then read from the
    next line, at the column where ``Iteration`` starts.
    """
    m = ITERATION.search(screen)
    if m is not None:
        return _count(m.group(1)), _count(m.group(2))
    lines = screen.splitlines()
    for row, line in enumerate(lines[:-1]):
        head = _WRAPPED_HEAD.search(line)
        if head is None:
            continue
        tail = re.match(rf"\s*({_NUM})", lines[row + 1][head.start() :])
        if tail is not None:
            return _count(head.group(1)), _count(tail.group(1))
    return None


_SCALE = {"k": 1_000, "M": 1_000_000, "G": 1_000_000_000}


def _count(text: str) -> int:
    """``"1,234"`` -> 1234; ``"2.54M"`` -> 2540000 (compact counts are rounded on screen)."""
    text = text.replace(",", "")
    if text[-1] in _SCALE:
        return round(float(text[:-1]) * _SCALE[text[-1]])
    return int(text)


def screen_state(screen: str) -> str | None:
    """The run's state word on screen (the first one, the stats column's), or None."""
    m = _STATE.search(screen)
    return m.group(1) if m else None


class NeuronPane(TmuxPane):
    """A ``TmuxPane`` running neuron-tui, with the few key sequences the tests need."""

    def state(self) -> str | None:
        """The state word now on screen."""
        return screen_state(self.capture())

    def iteration(self) -> tuple[int, int] | None:
        """(iteration, total) now on screen."""
        return screen_iteration(self.capture())

    def wait_state(self, state: str, timeout: float = 10.0) -> str:
        """Wait until the state word is ``state``; return that screen."""
        return self.wait_until(lambda s: screen_state(s) == state, timeout, what=f"state {state!r}")

    def wait_ready(self, timeout: float = 20.0) -> str:
        """Wait for the first drawn screen with data loaded (state ``ready``)."""
        return self.wait_state("ready", timeout)

    def set_iterations(self, iterations: int, timeout: float = 10.0) -> None:
        """Type ``iterations`` into the hyperparameter form's iterations field and apply it.

        ``2`` focuses the form; its first fields are the learning rate (a text field and a
        preset list), then the iterations. Enter applies the value and gives focus back to the
        form, ``3`` returns to the training pane. Waits until the total shows on screen.

        All the keys go in one read, as over SSH: the app handles each one with the focus the
        keys before it left (``tui.key_gate``), so no pause between them is needed.
        """
        self.send_keys("2", "Tab", "Tab", "Tab", "C-a", "C-k", *str(iterations), "Enter", "3")
        self.wait_until(
            lambda s: (screen_iteration(s) or (0, 0))[1] == iterations,
            timeout,
            what=f"total {iterations:,} on screen",
        )
