"""Progress and rate: what the stats column and the status line show, read at about 10 Hz.

``Progress`` is plain data; ``progress_of`` reads it from a trainer cheaply (a few attribute
reads, no pass over the data) and ``RateMeter`` turns iteration counts into a speed over a
sliding window, so the figure follows the current speed rather than the whole run's average.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass

from neuron_core.training.trainer import Trainer

# it/s is measured over this sliding window of progress samples (seconds).
RATE_WINDOW = 2.0
# No speed (and so no time left) until a run segment has been measured this long: the first
# chunks after a start are warm-up (threads starting, caches filling), and a figure from them is
# wrong by a wide margin, which the ETA then multiplies.
RATE_SETTLE = 1.0

# The words shown for the trainer's statuses; "finished" covers every normal ending.
STATE_WORDS: dict[str, str] = {
    "ready": "ready",
    "running": "running",
    "paused": "paused",
    "completed": "finished",
    "target_reached": "finished",
    "early_stopped": "finished",
    "diverged": "diverged",
}


@dataclass(frozen=True)
class Progress:
    """What the stats panel shows.

    ``state`` is one word ("loading", "not ready", "ready", "running", "paused", "finished",
    "diverged"); ``detail`` says why a run ended or cannot start. ``rate`` (it/s) and ``eta``
    (seconds) are ``None`` when unknown. ``train_score``/``test_score`` come from the latest
    evaluation (accuracy for classification, R² for regression, named by ``score_name``).
    ``loading`` is the fraction of the data read while a load runs, else ``None``.
    """

    state: str
    detail: str
    iteration: int
    total: int
    cost: float | None
    test_cost: float | None
    train_score: float | None
    test_score: float | None
    score_name: str
    rate: float | None
    eta: float | None
    loading: float | None


@dataclass(frozen=True)
class Scores:
    """Train and test score of the latest evaluation, and what they measure."""

    train: float | None = None
    test: float | None = None
    name: str = "accuracy"


class RateMeter:
    """Iterations per second over a sliding window of ``(time, iteration)`` samples."""

    def __init__(self, window: float = RATE_WINDOW, settle: float = RATE_SETTLE) -> None:
        self.window = window
        self.settle = settle
        self._samples: deque[tuple[float, int]] = deque()
        self._start: float | None = None  # the first sample of this run segment

    def clear(self) -> None:
        """Forget every sample (a new run segment starts)."""
        self._samples.clear()
        self._start = None

    def add(self, iteration: int, now: float | None = None) -> float | None:
        """Record ``iteration`` at ``now`` and return the rate, ``None`` until measurable: for
        the first ``settle`` seconds of a segment, or while the count stands still."""
        t = time.perf_counter() if now is None else now
        if self._start is None:
            self._start = t
        samples = self._samples
        samples.append((t, iteration))
        while len(samples) > 2 and t - samples[0][0] > self.window:
            samples.popleft()
        t0, i0 = samples[0]
        if t - self._start < self.settle or t - t0 < 0.05 or iteration <= i0:
            return None
        return (iteration - i0) / (t - t0)


def idle_progress(blocker: tuple[str, str] | None, total: int, loading: float | None) -> Progress:
    """Progress when there is no trainer: loading, settings refused (``blocker`` = (field,
    reason)), or no data yet."""
    if loading is not None:
        state, detail = "loading", "reading the data"
    elif blocker is not None:
        state, detail = "not ready", f"{blocker[0]}: {blocker[1]}"
    else:
        state, detail = "not ready", "no data"
    return Progress(
        state, detail, 0, total, None, None, None, None, "accuracy", None, None, loading
    )


def progress_of(
    trainer: Trainer,
    running: bool,
    rate: RateMeter,
    scores: Scores,
    loading: float | None,
    *,
    pausing: bool = False,
) -> Progress:
    """The progress of ``trainer``: ``running`` says whether its worker is alive (the trainer's
    own status lags behind a requested pause; ``pausing``: one was asked for, the state reads
    "pausing…" until the worker stops); ``rate`` measures the speed while running, and between
    runs the whole run's average speed is shown."""
    hist = trainer.history
    n = hist.n
    total = trainer.train_cfg.iterations
    cost = float(hist.costs[n - 1]) if n else None
    test_cost = float(hist.test_costs[hist.n_test - 1]) if hist.n_test else None
    eta: float | None = None
    if running:
        state, detail = ("pausing…" if pausing else "running"), ""
        speed = rate.add(n)
        if speed:
            eta = max(0, total - n) / speed
    else:
        state = STATE_WORDS.get(trainer.status, trainer.status)
        detail = trainer.reason
        speed = n / trainer.seconds if n and trainer.seconds > 0 else None
    if loading is not None:
        state, detail = "loading", "reading the data"
    return Progress(
        state,
        detail,
        n,
        total,
        cost,
        test_cost,
        scores.train,
        scores.test,
        scores.name,
        speed,
        eta,
        loading,
    )


def format_duration(seconds: float | None) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"2 h 07 min"``; "—" when unknown or not finite."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    s = round(seconds)
    if s < 60:
        return f"{max(s, 0)} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
