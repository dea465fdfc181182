"""Issue 5's long run: ten million iterations in the app, with memory bounded and the UI live.

The app trains the default ``line`` data (1,000 samples) for ``--iterations`` (default
10,000,000, about 40 s here) at 120x40, in this process through ``App.run_test`` (frames are
rendered and encoded as for a real terminal, see ``bench_app.terminal_output``) or, with
``--tmux``, in a real tmux pane. Meanwhile:

* the process's RSS is read every second (``VmRSS`` of ``/proc/self/status``), and at the start
  and the end of the training;
* a 10 ms timer in the app's event loop records its intervals (lag = interval - 10 ms);
* every ``--keys-every`` seconds ``l`` or ``w`` is pressed (log axis, recent window: the chart
  switches views over the whole history); the time until the chart's view has changed is the
  key latency (in-process: from the driver's key event; tmux: from ``send-keys`` to the
  screen, polled every 5 ms).

Targets: RSS growth from the start of the training to its peak under 3x the history's size
(8 bytes per iteration) + 50 MB; the lag's 99th percentile under 50 ms. ``tests/test_soak.py``
runs a shorter soak with the same checks (``pytest -m slow``).

Usage::

    python benchmarks/soak_app.py                          # 10M iterations, in-process
    python benchmarks/soak_app.py --iterations 2000000     # shorter
    python benchmarks/soak_app.py --tmux                   # the app in a real terminal

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench_app import (
    LAG_TARGET_MS,
    MB,
    REPO,
    SIZE,
    Probe,
    app_env,
    fresh_state,
    percentile,
    rss_bytes,
    serve_argv,
    terminal_output,
    wait_ready,
)
from textual import events
from tmux import NeuronPane, PaneTimeout, tmux_binary

from neuron_core.config import DataConfig, TrainConfig
from tui.app import NeuronApp

# Bytes of history per iteration: one float64 training cost.
HISTORY_BYTES_PER_ITERATION = 8
GROWTH_FACTOR = 3
GROWTH_SLACK = 50 * MB
KEYS = ("l", "w")


@dataclass
class SoakResult:
    """What a soak measured. Sizes in bytes, times in seconds; ``rss`` is a timeline of
    (seconds since the app started, RSS, iteration)."""

    mode: str
    planned: int
    iterations: int
    seconds: float
    status: str
    rss_before: int
    rss_start: int
    rss_end: int
    rss_hwm: int
    rss: list[tuple[float, int, int]]
    lags_ms: list[float]
    gc_ms: list[float] = field(default_factory=list)
    presses: int = 0
    key_ms: list[float] = field(default_factory=list)
    before_label: str = "before the app"

    @property
    def history_bytes(self) -> int:
        """The history's expected size: 8 bytes per iteration."""
        return HISTORY_BYTES_PER_ITERATION * self.iterations

    @property
    def rss_peak(self) -> int:
        """Highest RSS seen during the soak (samples, start and end)."""
        return max([self.rss_start, self.rss_end, *(r for _, r, _ in self.rss)])

    @property
    def growth(self) -> int:
        """RSS growth from the start of the training to its peak."""
        return self.rss_peak - self.rss_start

    @property
    def bound(self) -> int:
        """Allowed growth: 3x the history + 50 MB."""
        return GROWTH_FACTOR * self.history_bytes + GROWTH_SLACK

    @property
    def responded(self) -> int:
        """Key presses whose effect was seen (within 2 s)."""
        return len(self.key_ms)

    @property
    def lag_p99_ms(self) -> float:
        """99th percentile of the event-loop lag while training (ms)."""
        return percentile(self.lags_ms, 99)

    @property
    def memory_ok(self) -> bool:
        return self.growth < self.bound

    @property
    def lag_ok(self) -> bool:
        return bool(self.lags_ms) and self.lag_p99_ms < LAG_TARGET_MS

    def summary(self) -> str:
        """A few lines with every figure and both verdicts."""
        rate = self.iterations / self.seconds if self.seconds > 0 else 0.0
        lags = self.lags_ms
        lines = [
            f"soak: {self.iterations:,} of {self.planned:,} iterations in the app at "
            f"{SIZE[0]}x{SIZE[1]} ({self.mode}), status {self.status}",
            f"  training      {self.seconds:.1f} s, {rate:,.0f} it/s",
            f"  RSS           {self.before_label} {self.rss_before / MB:.0f} MB, training start "
            f"{self.rss_start / MB:.0f} MB, peak {self.rss_peak / MB:.0f} MB, end "
            f"{self.rss_end / MB:.0f} MB (VmHWM {self.rss_hwm / MB:.0f} MB)",
            f"  growth        {self.growth / MB:.1f} MB; history 8 B x {self.iterations:,} = "
            f"{self.history_bytes / MB:.1f} MB; bound 3 x history + 50 MB = "
            f"{self.bound / MB:.0f} MB: {'PASS' if self.memory_ok else 'MISS'}",
            f"  event loop    {len(lags):,} intervals of a 10 ms timer while training: "
            f"p50 {percentile(lags, 50):.1f} ms, p99 {self.lag_p99_ms:.1f} ms, "
            f"max {max(lags, default=float('nan')):.1f} ms (target p99 < "
            f"{LAG_TARGET_MS:.0f} ms): {'PASS' if self.lag_ok else 'MISS'}",
            f"  full GCs      {len(self.gc_ms)} during the training, longest "
            f"{max(self.gc_ms, default=0.0):.0f} ms (the event loop stands still meanwhile)",
            f"  keys          {self.presses} presses of l/w while training, "
            f"{self.responded} took effect; key to effect median "
            f"{percentile(self.key_ms, 50):.0f} ms, max {max(self.key_ms, default=0.0):.0f} ms",
        ]
        return "\n".join(lines)

    def timeline(self, rows: int = 10) -> str:
        """RSS and iteration at about ``rows`` evenly spaced samples."""
        samples = self.rss
        if not samples:
            return "  (no RSS samples)"
        step = max(1, len(samples) // rows)
        picked = samples[::step]
        if picked[-1] is not samples[-1]:
            picked.append(samples[-1])
        out = ["  timeline      t (s)     iteration   RSS (MB)"]
        out += [f"              {t:6.1f}  {it:>12,}   {r / MB:8.1f}" for t, r, it in picked]
        return "\n".join(out)


def _result(
    mode: str,
    planned: int,
    report: dict[str, Any],
    rss_before: int,
    presses: int,
    key_ms: list[float],
) -> SoakResult:
    rss = [(float(t), int(r), int(i)) for t, r, i in report["rss"]]
    start = report["rss_start"] if report["rss_start"] is not None else rss[0][1]
    end = report["rss_end"] if report["rss_end"] is not None else rss[-1][1]
    return SoakResult(
        mode=mode,
        planned=planned,
        iterations=int(report["iterations"]),
        seconds=float(report["seconds"]),
        status=str(report["status"]),
        rss_before=rss_before,
        rss_start=int(start),
        rss_end=int(end),
        rss_hwm=int(report["rss_peak"]),
        rss=rss,
        lags_ms=[float(x) for x in report["lags_ms"]],
        gc_ms=[float(x) for x in report["gc_ms"]],
        presses=presses,
        key_ms=key_ms,
    )


def _view(app: NeuronApp) -> tuple[bool, bool]:
    chart = app.workspace.training_pane.chart
    return chart.log_y, chart.recent


async def key_latency(app: NeuronApp, key: str, timeout: float = 2.0) -> float | None:
    """Send ``key`` the way the terminal driver does and wait until the chart's view changed:
    milliseconds taken, or None if nothing changed within ``timeout``."""
    before = _view(app)
    event = events.Key(key, key)
    t0 = time.perf_counter()
    # What the terminal driver does with a key it read: hand it to the app.
    app.post_message(event)
    while time.perf_counter() - t0 < timeout:
        await asyncio.sleep(0.002)
        if _view(app) != before:
            return (time.perf_counter() - t0) * 1e3
    return None


async def soak(
    iterations: int = 10_000_000,
    samples: int = 1000,
    keys_every: float = 5.0,
    timeout: float | None = None,
) -> SoakResult:
    """Train ``iterations`` in the app in this process (``run_test`` at 120x40), pressing
    ``l``/``w`` every ``keys_every`` seconds; see the module docstring."""
    rss_before = rss_bytes()
    limit = timeout if timeout is not None else 60.0 + iterations / 20_000
    fresh_state()
    app = NeuronApp(DataConfig(samples=samples), None, TrainConfig(iterations=iterations))
    presses = 0
    key_ms: list[float] = []
    with terminal_output():
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(app, pilot)
            probe = Probe(app)
            probe.attach()
            await pilot.press("space")
            deadline = time.perf_counter() + limit
            next_key = time.perf_counter() + keys_every
            try:
                while not probe.finished:
                    now = time.perf_counter()
                    if now > deadline:
                        raise TimeoutError(f"the soak did not finish in {limit:g} s")
                    if now >= next_key and app.controller.running:
                        ms = await key_latency(app, KEYS[presses % len(KEYS)])
                        presses += 1
                        if ms is not None:
                            key_ms.append(ms)
                        next_key = time.perf_counter() + keys_every
                    await asyncio.sleep(0.05)
            finally:
                probe.close()
            report = probe.report()
    return _result("run_test", iterations, report, rss_before, presses, key_ms)


def soak_tmux(iterations: int, samples: int, keys_every: float, timeout: float) -> SoakResult:
    """The same soak with the app in a real 120x40 tmux pane (``bench_app.py --serve``). Key
    presses are sent through tmux; whether they took effect is read from the stats column
    ("chart  log y · all")."""
    presses = 0
    key_ms: list[float] = []
    with tempfile.TemporaryDirectory(prefix="soak-app-") as tmp:
        out = Path(tmp) / "report.json"
        argv = serve_argv(out, samples, iterations)
        pane = NeuronPane(argv, width=SIZE[0], height=SIZE[1], env=app_env(tmp), cwd=REPO)
        try:
            pane.wait_ready(timeout=60)
            pane.send_keys("Space")
            deadline = time.monotonic() + timeout
            next_key = time.monotonic() + keys_every
            while not out.exists():
                now = time.monotonic()
                if now > deadline or pane.is_dead():
                    raise PaneTimeout(f"no report after {timeout:g} s:\n{pane.capture()}")
                if now >= next_key and pane.state() == "running":
                    before = _chart_mode(pane.capture())
                    t0 = time.monotonic()
                    pane.send_keys(KEYS[presses % len(KEYS)])
                    presses += 1
                    with contextlib.suppress(PaneTimeout):
                        pane.wait_until(partial(_changed, before), 2.0, 0.005)
                        key_ms.append((time.monotonic() - t0) * 1e3)
                    next_key = time.monotonic() + keys_every
                time.sleep(0.1)
            pane.send_keys("q")
            with contextlib.suppress(PaneTimeout):
                pane.wait_exit(30)
        finally:
            pane.kill()
        report: dict[str, Any] = json.loads(out.read_text())
    res = _result("tmux", iterations, report, int(report["rss"][0][1]), presses, key_ms)
    res.before_label = "app mounted"
    return res


def _changed(before: str, screen: str) -> bool:
    """True when the chart line of ``screen`` differs from ``before``."""
    return _chart_mode(screen) != before


def _chart_mode(screen: str) -> str:
    """The stats column's chart line ("linear y · all"), "" if not on screen."""
    for line in screen.splitlines():
        if "chart " in line and " y · " in line:
            # The pane's right border: round, or heavy while the pane has the focus.
            return line.split("chart", 1)[1].replace("┃", "│").split("│")[0].strip()
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=10_000_000, help="length of the run")
    parser.add_argument("--samples", type=int, default=1000, help="training samples (line)")
    parser.add_argument("--keys-every", type=float, default=5.0, help="seconds between keys")
    parser.add_argument("--tmux", action="store_true", help="run the app in a real tmux pane")
    args = parser.parse_args()
    timeout = 60.0 + args.iterations / 20_000
    began = time.perf_counter()
    if args.tmux:
        if tmux_binary() is None:
            sys.exit("tmux is not installed")
        res = soak_tmux(args.iterations, args.samples, args.keys_every, timeout)
    else:
        res = asyncio.run(soak(args.iterations, args.samples, args.keys_every, timeout))
    wall = time.perf_counter() - began
    print(res.summary())
    print(res.timeline())
    rates = [
        (i1 - i0) / (s1 - s0)
        for (s0, _, i0), (s1, _, i1) in zip(res.rss, res.rss[1:], strict=False)
        if i1 > i0 and s1 > s0
    ]
    if rates:
        print(
            f"  speed         per-second samples: median {statistics.median(rates):,.0f} it/s, "
            f"min {min(rates):,.0f}, max {max(rates):,.0f} (whole script {wall:.0f} s)"
        )
    return 0 if res.memory_ok and res.lag_ok and res.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
