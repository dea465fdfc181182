"""How many bytes neuron-tui pushes into a terminal, and how fast it answers a key (issue 6).

Runs the installed ``neuron-tui`` in a real tmux pane (optionally through a loopback sshd, as a
remote user would), starts a long training run, and measures:

* bytes per second the pane receives while training (5 s window, opened 1 s after ``space``),
  while training with the cost chart's cursor shown and with the cost chart zoomed (``z``),
  while training with three pinned curves on the cost chart (``p``, issue 16),
  while paused, and while finished, at 120x40 and 80x24, against the budget (4 KB/s at 120x40,
  issue 12; 10 KB/s at 80x24; near zero when nothing happens). 1 KB = 1000 bytes here (the
  stricter reading).
* key latency while training: the time from sending a key to tmux until the pane's screen shows
  its effect (``capture-pane`` polled every 5 ms), for ``l`` (log axis toggle) and ``space``
  (pause / resume), median and max over ``--presses`` presses, against the 100 ms budget.
* where the bytes go: frames per second and bytes per frame (chunks closer than 15 ms are one
  frame), the split between text, colour/style (SGR) sequences and cursor moves, and which screen
  regions are repainted (each cursor move starts a run of cells; runs are grouped by their
  starting column and labelled with the screen text there).

Usage::

    python benchmarks/bench_bandwidth.py            # both sizes, local tmux
    python benchmarks/bench_bandwidth.py --ssh      # through a loopback sshd (needs openssh-server)
    python benchmarks/bench_bandwidth.py --top      # also measure `top -d 1` for comparison
    python benchmarks/bench_bandwidth.py --term linux --no-color   # other terminals

Exit status 0 when every figure is within budget, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from sshd import SshServer, missing_tools  # noqa: E402
from tmux import (  # noqa: E402
    NeuronPane,
    PaneTimeout,
    Recording,
    TmuxPane,
    screen_state,
    tmux_binary,
)

KB = 1000
BUDGET_BYTES_PER_S: dict[tuple[int, int], float] = {(120, 40): 4 * KB, (80, 24): 10 * KB}
# The cost chart's legend: the cursor's readout line takes its place while the cursor shows.
COST_LEGEND = "× test"
# "Near zero" while paused or finished: a clock or a blinking cursor is allowed, a chart is not.
IDLE_BUDGET = 0.5 * KB
LATENCY_BUDGET_MS = 100.0
FRAME_GAP_S = 0.015
POLL_S = 0.005


# --------------------------------------------------------------------------------------------
# Driving the app
# --------------------------------------------------------------------------------------------


def neuron_tui_path() -> str:
    """``$NEURON_TUI`` if set (another build), else the console script next to this Python (a
    venv), else the one on PATH."""
    override = os.environ.get("NEURON_TUI")
    if override:
        found = shutil.which(override)
        if found is None:
            sys.exit(f"NEURON_TUI={override} is not an executable")
        return found
    beside = Path(sys.executable).parent / "neuron-tui"
    if beside.is_file():
        return str(beside)
    found = shutil.which("neuron-tui")
    if found is None:
        sys.exit("neuron-tui is not installed (pip install -e .)")
    return found


@dataclass
class Latency:
    """Milliseconds from sending a key until its effect is on screen, one per press."""

    key: str
    samples_ms: list[float] = field(default_factory=list)

    def line(self) -> str:
        if not self.samples_ms:
            return f"{self.key:<6} no samples"
        med = statistics.median(self.samples_ms)
        worst = max(self.samples_ms)
        ok = "ok" if worst <= LATENCY_BUDGET_MS else "OVER"
        return (
            f"{self.key:<6} median {med:6.1f} ms   max {worst:6.1f} ms   "
            f"(n={len(self.samples_ms)}, budget {LATENCY_BUDGET_MS:.0f} ms)  {ok}"
        )


def time_key(pane: TmuxPane, key: str, changed: Callable[[str, str], bool]) -> float:
    """Press ``key`` and poll the screen every 5 ms until ``changed(before, now)``; ms taken."""
    before = pane.capture()
    start = time.monotonic()
    pane.send_keys(key)
    deadline = start + 5.0
    while time.monotonic() < deadline:
        now = pane.capture()
        if changed(before, now):
            return (time.monotonic() - start) * 1000
        time.sleep(POLL_S)
    raise TimeoutError(f"no visible effect of {key!r} within 5 s")


_CHART_MODE = re.compile(r"\b(log|linear) y\b")


def log_axis_changed(before: str, now: str) -> bool:
    """The cost chart switched between a linear and a log axis (the stats say "log y")."""
    a, b = _CHART_MODE.search(before), _CHART_MODE.search(now)
    return a is not None and b is not None and a.group(1) != b.group(1)


def pause_toggled(before: str, now: str) -> bool:
    """The state word changed (running <-> paused)."""
    return screen_state(before) != screen_state(now) and screen_state(now) is not None


# --------------------------------------------------------------------------------------------
# Reading the byte stream
# --------------------------------------------------------------------------------------------

_CSI = re.compile(rb"\x1b\[([0-?]*)([ -/]*)([@-~])")
_OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass
class Composition:
    """Bytes of a stream by kind, and the runs of cells written after each cursor move."""

    text: int = 0
    sgr: int = 0
    sgr_count: int = 0
    cursor: int = 0
    other: int = 0
    # (row, col) of a cursor move -> bytes written until the next move (1-based, as on screen)
    runs: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return self.text + self.sgr + self.cursor + self.other


def compose(data: bytes) -> Composition:
    """Split ``data`` into text, SGR, cursor and other bytes; attribute everything to runs."""
    out = Composition()
    row, col = 1, 1
    pos = 0
    n = len(data)
    while pos < n:
        byte = data[pos]
        if byte == 0x1B:
            m = _CSI.match(data, pos)
            if m:
                size = m.end() - pos
                final = m.group(3)
                if final == b"m":
                    out.sgr += size
                    out.sgr_count += 1
                    out.runs[(row, col)] += size
                elif final in (b"H", b"f"):
                    out.cursor += size
                    parts = m.group(1).split(b";")
                    row = int(parts[0] or 1)
                    col = int(parts[1] or 1) if len(parts) > 1 else 1
                elif final in (b"A", b"B", b"C", b"D", b"G", b"d"):
                    out.cursor += size
                else:
                    out.other += size
                pos = m.end()
                continue
            m = _OSC.match(data, pos)
            end = m.end() if m else min(pos + 2, n)
            out.other += end - pos
            pos = end
            continue
        if byte in (0x0A, 0x0D, 0x08):
            out.cursor += 1
            if byte == 0x0A:
                row += 1
            pos += 1
            continue
        # A run of text up to the next control byte, attributed to the current run.
        end = pos
        while end < n and data[end] >= 0x20 and data[end] != 0x7F:
            end += 1
        if end == pos:
            out.other += 1
            pos += 1
            continue
        out.text += end - pos
        out.runs[(row, col)] += end - pos
        pos = end
    return out


def frames(rec: Recording) -> list[int]:
    """Bytes per frame: consecutive chunks less than ``FRAME_GAP_S`` apart are one frame."""
    sizes: list[int] = []
    last = -1.0
    for stamp, chunk in rec.chunks:
        if sizes and stamp - last < FRAME_GAP_S:
            sizes[-1] += len(chunk)
        else:
            sizes.append(len(chunk))
        last = stamp
    return sizes


def regions(comp: Composition, screen: list[str]) -> Iterator[tuple[str, int, str]]:
    """Repainted regions, biggest first: (rows/cols description, bytes, screen text there).

    A region is every run starting in the same column over consecutive rows (Textual moves the
    cursor to each widget's left edge for each line it repaints).
    """
    by_col: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (row, col), size in comp.runs.items():
        by_col[col].append((row, size))
    found: list[tuple[int, int, int, int]] = []  # bytes, col, first row, last row
    for col, rows in by_col.items():
        rows.sort()
        start, prev, total = rows[0][0], rows[0][0], 0
        for row, size in rows:
            if row > prev + 1:
                found.append((total, col, start, prev))
                start, total = row, 0
            total += size
            prev = row
        found.append((total, col, start, prev))
    for total, col, first, last in sorted(found, reverse=True):
        text = ""
        for r in range(first, last + 1):
            if 0 < r <= len(screen):
                text = screen[r - 1][col - 1 : col + 39].strip()
                if text:
                    break
        yield f"rows {first:>2}-{last:<2} from col {col:<3}", total, text


# --------------------------------------------------------------------------------------------
# One measured session
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    size: tuple[int, int]
    recordings: dict[str, Recording]
    latencies: list[Latency]
    screen: list[str]

    @property
    def rates(self) -> dict[str, float]:
        return {state: rec.rate for state, rec in self.recordings.items()}

    def budget(self, state: str) -> float:
        return BUDGET_BYTES_PER_S[self.size] if state.startswith("training") else IDLE_BUDGET


def launch(
    program: str,
    size: tuple[int, int],
    term: str,
    state_dir: Path,
    ssh: SshServer | None,
    no_color: bool = False,
) -> NeuronPane:
    """Start ``program`` in a pane of ``size`` (through ``ssh`` when given), with ``NO_COLOR=1``
    when ``no_color``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env["XDG_STATE_HOME"] = str(state_dir)
    if no_color:
        env["NO_COLOR"] = "1"
    if ssh is None:
        return NeuronPane([program], width=size[0], height=size[1], env=env, term=term, cwd=REPO)
    remote = (
        f"cd {REPO} && exec env TERM={term} XDG_STATE_HOME={state_dir} "
        f"{'NO_COLOR=1 ' if no_color else ''}PATH={Path(program).parent}:/usr/bin:/bin {program}"
    )
    return NeuronPane(ssh.ssh_argv(remote), width=size[0], height=size[1], env=env, term=term)


def measure_app(
    program: str,
    size: tuple[int, int],
    args: argparse.Namespace,
    ssh: SshServer | None,
) -> Result:
    """The full protocol for one terminal size: train, measure, press keys, pause, measure."""
    with tempfile.TemporaryDirectory(prefix="bench-state-") as state:
        pane = launch(program, size, args.term, Path(state), ssh, args.no_color)
        try:
            pane.wait_ready()
            # The default run is short: let it finish, and measure the finished screen first.
            pane.send_keys("Space")
            pane.wait_state("finished", timeout=30)
            time.sleep(1.0)
            recordings = {"finished": pane.record(args.idle_seconds)}
            # Raising the iterations lets the finished run go on: a long run to measure.
            pane.set_iterations(args.iterations)
            pane.send_keys("Space")
            pane.wait_state("running")
            time.sleep(1.0)
            recordings["training"] = pane.record(args.seconds)
            screen = pane.capture().splitlines()
            recordings.update(record_views(pane, args.seconds))

            log = Latency("l")
            for _ in range(args.presses):
                log.samples_ms.append(time_key(pane, "l", log_axis_changed))
                time.sleep(0.25)
            space = Latency("space")
            for _ in range(args.presses):
                # Each press flips running <-> paused; both directions count.
                space.samples_ms.append(time_key(pane, "Space", pause_toggled))
                time.sleep(0.25)
            if screen_state(pane.capture()) != "paused":
                pane.send_keys("Space")
            pane.wait_state("paused")
            time.sleep(1.0)
            recordings["paused"] = pane.record(args.idle_seconds)
            recordings["training+pins"] = record_pins(pane, args.seconds)
            pane.send_keys("q")
            try:
                status = pane.wait_exit(5)
                if status != 0:
                    print(f"  warning: neuron-tui exited with status {status}", flush=True)
            except PaneTimeout:
                # The figures are still valid; the quit problem is the e2e tests' business.
                print("  warning: neuron-tui did not exit within 5 s of `q`", flush=True)
        finally:
            pane.kill()
    label = f"neuron-tui{' over ssh' if ssh else ''}"
    return Result(label, size, recordings, [log, space], screen)


def record_views(pane: NeuronPane, seconds: float) -> dict[str, Recording]:
    """While training: the bytes with the cost chart's cursor shown (``3``, Left), then with the
    chart zoomed to the whole screen (``z``); both given back after."""
    pane.send_keys("3")
    pane.send_keys("Left")
    pane.wait_until(lambda screen: COST_LEGEND not in screen, what="the cursor's readout")
    time.sleep(0.5)
    out = {"training+cursor": pane.record(seconds)}
    pane.send_keys("Escape")
    # (an Escape followed at once by z would read as alt+z)
    pane.wait_until(lambda screen: COST_LEGEND in screen, what="the legend back")
    pane.send_keys("z")
    pane.wait_for(r"z Unzoom")
    time.sleep(0.5)
    out["training+zoom"] = pane.record(seconds)
    pane.send_keys("z")
    pane.wait_for(r"z Zoom")
    return out


def record_pins(pane: NeuronPane, seconds: float) -> Recording:
    """From the paused long run: pin it (``p``), then pin two runs of a second each at higher
    learning rates (``]``, ``r``, space, and ``u`` brings the long run back each time), then
    resume the long run with the three pinned curves on its chart, and record that (as
    ``training``, a run far into its course: at its start the boundary moves on every redraw
    of the predictions pane); paused again after."""
    pane.send_keys("p")
    for ups in (1, 2):
        pane.send_keys(*["]"] * ups, "r", "Space")
        pane.wait_state("running")
        time.sleep(1.0)
        pane.send_keys("Space")
        pane.wait_state("paused")
        pane.send_keys("p", "u")
        pane.wait_until(lambda screen: "Undone" in screen, what="the long run back")
    pane.send_keys("Space")
    pane.wait_state("running")
    pane.wait_until(lambda screen: "now  1" in screen, what="the pins' legend")
    time.sleep(1.0)
    rec = pane.record(seconds)
    pane.send_keys("Space")
    pane.wait_state("paused")
    return rec


def measure_plain(argv: list[str], size: tuple[int, int], seconds: float, term: str) -> float:
    """Bytes/s of any full-screen program over ``seconds`` (after 1.5 s to settle)."""
    with TmuxPane(argv, width=size[0], height=size[1], term=term) as pane:
        time.sleep(1.5)
        return pane.count_bytes(seconds).rate


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def report(results: list[Result], extra: list[tuple[str, tuple[int, int], float]]) -> bool:
    """Print the tables; True when everything is within budget."""
    ok = True
    print(f"\nBytes written to the terminal (1 KB = {KB} bytes)")
    print(f"{'program':<22} {'size':<7} {'state':<15} {'KB/s':>8} {'budget':>8}  verdict")
    for res in results:
        w, h = res.size
        for state, rate in res.rates.items():
            budget = res.budget(state)
            good = rate <= budget
            ok &= good
            print(
                f"{res.label:<22} {w}x{h:<4} {state:<15} {rate / KB:8.2f} {budget / KB:8.1f}  "
                f"{'ok' if good else 'OVER'}"
            )
    for label, (w, h), rate in extra:
        print(f"{label:<22} {w}x{h:<4} {'steady':<15} {rate / KB:8.2f} {'-':>8}  (comparison)")

    print("\nKey latency while training (send-keys until the screen shows the effect)")
    for res in results:
        for lat in res.latencies:
            ok &= bool(lat.samples_ms) and max(lat.samples_ms) <= LATENCY_BUDGET_MS
            print(f"{res.size[0]}x{res.size[1]:<4} {lat.line()}")

    for res in results:
        for state, rec in res.recordings.items():
            # The training stream always; an idle one only when it is over its budget.
            if state == "training" or rec.rate > res.budget(state):
                explain(res, state, rec)
    return ok


def explain(res: Result, state: str, rec: Recording) -> None:
    """Print frames, composition and the biggest repainted regions of one recording."""
    data = rec.data
    span = rec.closed - rec.opened
    sizes = frames(rec)
    comp = compose(data)
    total = max(1, comp.total)
    print(f"\nWhere the bytes go: {res.label} at {res.size[0]}x{res.size[1]}, {state}")
    if sizes:
        print(
            f"  frames {len(sizes) / span:5.1f}/s   bytes/frame median "
            f"{statistics.median(sizes):,.0f}  max {max(sizes):,}"
        )
    print(
        f"  text {comp.text / total:5.1%}   colour/style (SGR) {comp.sgr / total:5.1%} "
        f"in {comp.sgr_count:,} sequences (avg {comp.sgr / max(1, comp.sgr_count):.1f} B)   "
        f"cursor moves {comp.cursor / total:5.1%}   other {comp.other / total:5.1%}"
    )
    print("  repainted regions (bytes/s, share, screen text at that place):")
    for where, size, text in list(regions(comp, res.screen))[:8]:
        print(f"    {where}  {size / span:8,.0f} B/s  {size / total:5.1%}  {text!r}")


def parse_size(text: str) -> tuple[int, int]:
    w, _, h = text.partition("x")
    return int(w), int(h)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="120x40,80x24", help="comma-separated WxH")
    parser.add_argument("--seconds", type=float, default=5.0, help="training window (s)")
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="paused/finished window")
    parser.add_argument("--presses", type=int, default=10, help="key presses per latency figure")
    parser.add_argument("--iterations", type=int, default=10_000_000, help="length of the run")
    parser.add_argument("--term", default="xterm-256color", help="TERM inside the pane")
    parser.add_argument("--no-color", action="store_true", help="run with NO_COLOR=1")
    parser.add_argument("--ssh", action="store_true", help="run through a loopback sshd")
    parser.add_argument("--top", action="store_true", help="also measure `top -d 1`")
    parser.add_argument("--dump", type=Path, help="write each training byte stream here")
    args = parser.parse_args()
    if tmux_binary() is None:
        sys.exit("tmux is not installed")
    program = neuron_tui_path()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    for size in sizes:
        BUDGET_BYTES_PER_S.setdefault(size, BUDGET_BYTES_PER_S[(80, 24)])

    ssh: SshServer | None = None
    if args.ssh:
        missing = missing_tools()
        if missing:
            sys.exit(f"--ssh needs: {', '.join(missing)}")
        ssh = SshServer().start()
    results: list[Result] = []
    extra: list[tuple[str, tuple[int, int], float]] = []
    try:
        for size in sizes:
            print(f"measuring neuron-tui at {size[0]}x{size[1]} ...", flush=True)
            res = measure_app(program, size, args, ssh)
            results.append(res)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                for state, rec in res.recordings.items():
                    (args.dump / f"{state}-{size[0]}x{size[1]}.bin").write_bytes(rec.data)
        if args.top and shutil.which("top"):
            for size in sizes:
                extra.append(
                    ("top -d 1", size, measure_plain(["top", "-d", "1"], size, 5, "xterm"))
                )
    finally:
        if ssh is not None:
            ssh.stop()
    return 0 if report(results, extra) else 1


if __name__ == "__main__":
    sys.exit(main())
