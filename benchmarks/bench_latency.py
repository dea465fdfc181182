"""Never wait (issue 13): key to screen latency of the installed app in tmux, and its launch.

1. Every key, at 80x24 and 120x40, idle and while training: the time from sending the key to
   tmux until the pane shows its effect. Keys: the pane switches ``1``-``5``, ``l``, ``w``,
   ``z`` (zoom and unzoom), ``[``, ``]``, ``n``, ``?``, Escape (closes the help, unzooms) and
   space (start, pause, resume: a press counts as "idle" or "training" by the state it was
   pressed in). Target: 50 ms median, 100 ms max per key.
2. Launch to first frame: ``bench_app.measure_launch`` (the installed ``neuron-tui`` against a
   bare Textual app with a Header and a Footer, interleaved in the same run; target: at most
   twice the bare app's median), with Textual's floor: an app of the same widgets and nothing
   else (``textual_floor.py``), and NumPy's import.
3. Escape in a bare Textual app (``textual_floor.EscapeApp``): what any Textual app takes for
   that key, beside the app's figures.

How a key is timed. A tmux *control-mode* client (``tmux -C``, one process for the whole run)
sends the key and reads, on a thread, tmux's ``%output`` notices: one per chunk of bytes the
app writes, stamped on arrival. After each new chunk the client asks for the screen
(``capture-pane`` through the same client: no process is started per poll, so the benchmark
takes almost no CPU from the app it measures on this 2-core machine, and it polls only when
the app wrote something). Once the screen shows the key's effect, the latency is the arrival
of the last chunk tmux had received before that capture, minus the moment the key was sent:
the frame that carried the effect, not the poll that noticed it. tmux sends notices and
command replies in the order it handled them, so that chunk is the key's frame or one just
after it (a chart frame at most ~5 ms later while training). Each key has its own test of
its effect (a state word, a pane's title row, a footer label, a toast), so the chart's 10 Hz
frames while training are not mistaken for it; a key whose effect is a toast first waits
until no such toast is on screen.

Usage::

    python benchmarks/bench_latency.py                   # both sizes, idle and training, launch
    python benchmarks/bench_latency.py --presses 3 --sizes 80x24 --keys 1,2,l --no-launch

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_app import app_env, measure_launch, neuron_tui_path  # noqa: E402
from tmux import NeuronPane, screen_iteration, screen_state  # noqa: E402

MEDIAN_TARGET_MS = 50.0
MAX_TARGET_MS = 100.0
KEY_TIMEOUT = 5.0
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_CHART_MODE = re.compile(r"\b(log|linear) y · (all|recent)\b")
_ZOOM = re.compile(r"\bz (Zoom|Unzoom)\b")
TITLES = {"1": "1 Dataset", "2": "2 Hyperparameters", "3": "3 Training", "4": "4 Predictions"}
TITLES["5"] = "5 Network"
HELP = "Set up the data and the hyperparameters"  # the help's first line
LR_TOAST = "▌ learning rate"
STEP_TOAST = "pause first"


def ui_cpu_ms(pid: int) -> float:
    """CPU milliseconds used so far by the main thread of process ``pid`` (the app's UI
    thread: its event loop, handlers and rendering; not the training thread), from
    ``/proc/<pid>/schedstat`` (nanoseconds on the CPU). Unlike wall time it hardly depends on
    how busy the machine is; 0 where there is no such file."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as fh:
            return int(fh.read().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def plain(screen: str) -> str:
    """The screen without its colours (``capture-pane -e`` keeps them)."""
    return _SGR.sub("", screen)


# --------------------------------------------------------------------------------------------
# A control-mode client: commands without a process each, and when output arrived
# --------------------------------------------------------------------------------------------


class Control:
    """``tmux -C attach`` on ``pane``'s server; see the module docstring."""

    def __init__(self, pane: NeuronPane) -> None:
        self.pane = pane
        self.pid = pane.pane_pid()
        self.proc = subprocess.Popen(
            pane.tmux_argv("-C", "attach-session"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=pane.env,
        )
        self.arrivals: list[float] = []  # when each %output notice arrived (time.monotonic)
        self.new_output = threading.Condition()
        self.replies: queue.Queue[tuple[int, list[str]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.replies.get(timeout=10)  # the reply to attach-session itself

    def _read(self) -> None:
        """Sort tmux's lines: ``%output`` notices (stamped) and command replies (queued, with
        how many notices came before them)."""
        assert self.proc.stdout is not None
        reply: list[str] | None = None
        before = 0
        for raw in self.proc.stdout:
            now = time.monotonic()
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if reply is not None:
                if line.startswith(("%end ", "%error ")):
                    self.replies.put((before, reply))
                    reply = None
                else:
                    reply.append(line)
            elif line.startswith("%output "):
                with self.new_output:
                    self.arrivals.append(now)
                    self.new_output.notify_all()
            elif line.startswith("%begin "):
                reply, before = [], len(self.arrivals)

    def command(self, line: str) -> tuple[int, list[str]]:
        """Run one tmux command; (notices received before tmux ran it, its output lines)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        return self.replies.get(timeout=10)

    def screen(self) -> tuple[int, str]:
        """(notices before the capture, the screen with its colours)."""
        before, lines = self.command(f"capture-pane -p -e -t {self.pane.target}")
        return before, "\n".join(lines)

    def time_key(self, key: str, effect: Callable[[str, str], bool]) -> tuple[float, float]:
        """Send ``key`` (a tmux key name) and wait until ``effect(before, now)`` holds for the
        screens; milliseconds from the send to the arrival of the frame that showed it, and the
        CPU milliseconds the app's main (UI) thread used meanwhile."""
        seen, before = self.screen()
        cpu = ui_cpu_ms(self.pid)
        start = time.monotonic()
        self.command(f"send-keys -t {self.pane.target} '{key}'")
        deadline = start + KEY_TIMEOUT
        while True:
            with self.new_output:
                if len(self.arrivals) <= seen:
                    self.new_output.wait(timeout=max(0.0, deadline - time.monotonic()))
            count, now = self.screen()
            if effect(before, now) and count > 0:
                return (self.arrivals[count - 1] - start) * 1e3, ui_cpu_ms(self.pid) - cpu
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no visible effect of {key!r} within {KEY_TIMEOUT:g} s; before:\n"
                    f"{plain(before)}\nnow:\n{plain(now)}"
                )
            seen = count

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
        if self.proc.poll() is None:
            self.proc.kill()


# --------------------------------------------------------------------------------------------
# What each key does on screen
# --------------------------------------------------------------------------------------------


def title_rows(screen: str, title: str) -> list[str]:
    """The rows (with colours) holding a pane's border title: ``╭─ title``, or ``┏━ ▶ title``
    for the pane with the focus (its heavy border and mark)."""
    marks = (f"╭─ {title}", f"┏━ ▶ {title}", f"┏━ {title}")
    return [row for row in screen.splitlines() if any(m in plain(row) for m in marks)]


def pane_effect(key: str) -> Callable[[str, str], bool]:
    """``1``-``5``: the pane's title row appears or changes colour (the focused border)."""
    return lambda before, now: title_rows(before, TITLES[key]) != title_rows(now, TITLES[key])


def regex_effect(regex: re.Pattern[str]) -> Callable[[str, str], bool]:
    """What ``regex`` matches on the screen changed."""

    def changed(before: str, now: str) -> bool:
        a, b = regex.search(plain(before)), regex.search(plain(now))
        return b is not None and (a is None or a.groups() != b.groups())

    return changed


def appears(text: str) -> Callable[[str, str], bool]:
    """``text`` is on screen more often than before."""
    return lambda before, now: plain(now).count(text) > plain(before).count(text)


def gone(text: str) -> Callable[[str, str], bool]:
    """``text`` was on screen and is not any more."""
    return lambda before, now: text in plain(before) and text not in plain(now)


def stepped(before: str, now: str) -> bool:
    """``n``: the iteration moved on (paused), or the "pause first" toast showed (running)."""
    a, b = screen_iteration(plain(before)), screen_iteration(plain(now))
    return (b is not None and a != b) or appears(STEP_TOAST)(before, now)


def state_changed(before: str, now: str) -> bool:
    """Space: the run's state word changed."""
    b = screen_state(plain(now))
    return b is not None and b != screen_state(plain(before))


# The measured keys in the order they are pressed: (label, tmux key, effect, toast to wait out,
# the label of the key that must be timed too for this step to make sense). The sequence starts
# and ends on the training pane, with the chart as it was.
Step = tuple[str, str, Callable[[str, str], bool], str | None, str | None]
SEQUENCE: list[Step] = [
    *[(k, k, pane_effect(k), None, None) for k in "12453"],
    ("l", "l", regex_effect(_CHART_MODE), None, None),
    ("l", "l", regex_effect(_CHART_MODE), None, None),
    ("w", "w", regex_effect(_CHART_MODE), None, None),
    ("w", "w", regex_effect(_CHART_MODE), None, None),
    ("z", "z", regex_effect(_ZOOM), None, None),
    ("z", "z", regex_effect(_ZOOM), None, None),
    ("z", "z", regex_effect(_ZOOM), None, None),
    ("Escape", "Escape", regex_effect(_ZOOM), None, "z"),  # unzooms
    ("[", "[", appears(LR_TOAST), LR_TOAST, None),
    ("]", "]", appears(LR_TOAST), LR_TOAST, None),
    ("n", "n", stepped, STEP_TOAST, None),
    ("?", "?", appears(HELP), None, None),
    ("Escape", "Escape", gone(HELP), None, "?"),  # closes the help
]


# --------------------------------------------------------------------------------------------
# One session per size
# --------------------------------------------------------------------------------------------

# (phase, key) -> [(ms to screen, UI thread CPU ms)]
Samples = dict[tuple[str, str], list[tuple[float, float]]]


def wait_no(pane: NeuronPane, text: str) -> None:
    """Until ``text`` (a toast's) is off the screen."""
    pane.wait_until(lambda screen: text not in screen, timeout=15, what=f"no {text!r}")


def press_all(ctl: Control, pane: NeuronPane, keys: set[str], phase: str, out: Samples) -> None:
    """Time every key of ``SEQUENCE`` that is in ``keys`` once, in ``phase``."""
    for label, key, effect, toast, requires in SEQUENCE:
        # A step that undoes another (Escape after ? or z) runs whenever that one did.
        if (label not in keys and requires is None) or (requires and requires not in keys):
            continue
        if toast is not None:
            wait_no(pane, toast)
        timed = ctl.time_key(key, effect)
        if label in keys:
            out[phase, label].append(timed)
        # A pause between keys, as a person's; an Escape followed at once by a key would
        # read as alt+key.
        time.sleep(0.15)


def press_space(ctl: Control, pane: NeuronPane, out: Samples) -> None:
    """Time one space press; it counts as idle or training by the state before it."""
    phase = "training" if pane.state() == "running" else "idle"
    out[phase, "space"].append(ctl.time_key("Space", state_changed))
    time.sleep(0.15)


@contextlib.contextmanager
def controlled(pane: NeuronPane, ready: Callable[[NeuronPane], object]) -> Iterator[Control]:
    """Once ``ready(pane)`` returns, a control client of ``pane``; on leaving, whatever
    happened, the client is closed and the pane killed."""
    ctl: Control | None = None
    try:
        ready(pane)
        ctl = Control(pane)
        yield ctl
    finally:
        if ctl is not None:
            ctl.close()
        pane.kill()


def measure_size(size: tuple[int, int], presses: int, keys: set[str], iterations: int) -> Samples:
    """Launch the app at ``size``, time every key ``presses`` times idle, then while training."""
    out: Samples = defaultdict(list)

    def ready(pane: NeuronPane) -> None:
        pane.wait_ready()
        pane.set_iterations(iterations)

    with tempfile.TemporaryDirectory(prefix="bench-latency-") as state:
        pane = NeuronPane([neuron_tui_path()], width=size[0], height=size[1], env=app_env(state))
        with controlled(pane, ready) as ctl:
            for _ in range(presses):
                press_all(ctl, pane, keys, "idle", out)
            for _ in range(presses if "space" in keys else 0):
                press_space(ctl, pane, out)  # ready or paused -> running
                press_space(ctl, pane, out)  # running -> paused
            pane.send_keys("Space")
            pane.wait_state("running")
            for _ in range(presses):
                press_all(ctl, pane, keys, "training", out)
                if pane.state() != "running":
                    raise RuntimeError("the run stopped before the training keys were timed")
            pane.send_keys("q")
            with contextlib.suppress(AssertionError):
                pane.wait_exit(10)
    return out


ESCAPE_APP = [sys.executable, str(REPO / "benchmarks" / "textual_floor.py"), "escape"]
_ESCAPES = re.compile(r"escape (\d+)")


def measure_escape_floor(presses: int) -> list[float]:
    """Escape in a bare Textual app (``textual_floor.EscapeApp``, 80x24): ms from the key to
    the frame showing it, ``presses`` times. Textual's floor for that key in any app."""
    times: list[float] = []
    pane = NeuronPane(ESCAPE_APP, width=80, height=24, env=app_env(str(REPO)), cwd=REPO)

    def ready(pane: NeuronPane) -> None:
        pane.wait_until(lambda screen: "escape 0" in screen, timeout=30, what="the bare app")

    with controlled(pane, ready) as ctl:
        for _ in range(presses):
            times.append(ctl.time_key("Escape", regex_effect(_ESCAPES))[0])
            time.sleep(0.15)
    return times


def report(size: tuple[int, int], samples: Samples) -> bool:
    """Print one size's table; True when every key is within both targets."""
    ok = True
    print(f"\nKey to screen at {size[0]}x{size[1]} (ms; target median <= {MEDIAN_TARGET_MS:.0f}, "
          f"max <= {MAX_TARGET_MS:.0f}; load average {os.getloadavg()[0]:.2f}); "
          "UI CPU: the app's UI thread's CPU ms meanwhile (median)")  # fmt: skip
    print(f"  {'key':<8}{'phase':<10}{'n':>3}{'median':>9}{'max':>9}{'UI CPU':>8}  values")
    for (phase, key), pairs in sorted(samples.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        ms = [wall for wall, _ in pairs]
        med, worst = statistics.median(ms), max(ms)
        cpu = statistics.median(c for _, c in pairs)
        hit = med <= MEDIAN_TARGET_MS and worst <= MAX_TARGET_MS
        ok &= hit
        values = " ".join(f"{v:.0f}" for v in ms)
        print(f"  {key:<8}{phase:<10}{len(ms):>3}{med:>9.1f}{worst:>9.1f}{cpu:>8.1f}  {values}"
              f"{'' if hit else '  MISS'}")  # fmt: skip
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=5, help="presses of each key per phase")
    parser.add_argument("--sizes", default="80x24,120x40", help="terminal sizes, e.g. 80x24")
    all_keys = sorted({label for label, *_ in SEQUENCE} | {"space"})
    parser.add_argument("--keys", default=",".join(all_keys), help="keys to time (labels)")
    parser.add_argument("--iterations", type=int, default=100_000_000, help="the run's length")
    parser.add_argument("--launches", type=int, default=5, help="launches of each app")
    parser.add_argument("--no-launch", action="store_true", help="skip the launch figures")
    args = parser.parse_args(argv)
    keys = set(args.keys.split(","))
    print(f"neuron-tui key latency, {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")  # fmt: skip
    ok = True
    for text in args.sizes.split(","):
        w, h = (int(x) for x in text.split("x"))
        ok &= report((w, h), measure_size((w, h), args.presses, keys, args.iterations))
    if "Escape" in keys:
        floor = measure_escape_floor(args.presses)
        values = " ".join(f"{v:.0f}" for v in floor)
        print(f"\nEscape in a bare Textual app (benchmarks/textual_floor.py escape, 80x24): "
              f"median {statistics.median(floor):.1f} ms, max {max(floor):.1f} ms ({values}): "
              "Textual's own floor for that key")  # fmt: skip
    if not args.no_launch:
        ok &= measure_launch(args.launches, importtime=False, verdict=True)
    print(f"\nload average {', '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
