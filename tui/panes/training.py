"""The training pane: the live cost chart and, beside it, the run's numbers and state.

The app feeds it ~10 times a second (``show_progress`` and ``feed_chart``); both do nothing when
nothing visible changed, so an idle or paused app costs no redraws. While training, only the
characters that changed are repainted (the stats column is a ``LiveText``, the chart a
``ChartPlot``), and the speed, the time left and the cost curve's growing end change at most
once a second: about 3.6 KB/s reach the terminal at 120x40 while training, the cursor shown or
not (``benchmarks/bench_bandwidth.py``; the budget is 4 KB/s).
"""

from __future__ import annotations

import math
import textwrap
import time

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape

from tui.charts.cost_chart import CostChart
from tui.charts.rate_chart import RateCostChart
from tui.run.progress import Progress, format_duration
from tui.views.cost import CostView
from tui.widgets.live_text import LiveText

# Theme colours of the state word (the word itself carries the meaning without colour).
STATE_STYLES: dict[str, str] = {
    "running": "$success",
    "paused": "$warning",
    "pausing…": "$warning",
    "finished": "$accent",
    "diverged": "$error",
    "not ready": "$error",
    "loading": "$warning",
    "ready": "$foreground",
}
BAR_WIDTH = 20
# Characters per line of the stats column (its CSS width less its padding).
STATS_WIDTH = 29
# While training, the speed and the time left are refreshed at most this often (seconds).
SLOW_SECONDS = 1.0
# While training, the cost curve's growing tail is repainted at most this often (seconds): a cell
# at its right end costs its whole row up to there (see ``tui.charts.throttle``).
TAIL_SECONDS = 1.0
# While training, the stats column (iteration, bar, costs) is repainted at most this often:
# four times a second reads as live, and its share of the terminal output (issue 12's 4 KB/s
# at 120x40) is 40% of what the 10 Hz poll would send. A change of state shows at once.
STATS_SECONDS = 0.25


def _cost(value: float | None) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6f}" if 1e-4 <= abs(value) < 1e4 or value == 0 else f"{value:.4e}"


def _score(value: float | None, name: str) -> str:
    """Accuracy as a percentage; R² (which a diverged fit drives to huge negative values) to
    four decimals, or in exponent form when large."""
    if value is None or not math.isfinite(value):
        return "—"
    if name == "accuracy":
        return f"{100.0 * value:.2f}%"
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3e}"


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``████████░░░░ 62%``: filled cells in proportion, readable without colour."""
    frac = 0.0 if total <= 0 else min(1.0, done / total)
    filled = int(frac * width)
    return "█" * filled + "░" * (width - filled) + f" {100.0 * frac:3.0f}%"


def iteration_text(p: Progress, width: int | None = None) -> str:
    """``Iteration 1,234 / 2,000`` (the line end-to-end tests look for); when that is wider than
    ``width``, the short form ``Iteration 12.3M / 100M``."""
    text = f"Iteration {p.iteration:,} / {p.total:,}"
    if width is None or len(text) <= width:
        return text
    return f"Iteration {short_count(p.iteration)} / {short_count(p.total)}"


def short_count(n: int) -> str:
    """``950``, ``12.3k``, ``4.56M``, ``1G``: three significant digits at most."""
    for size, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            return f"{n / size:.3g}{suffix}"
    return str(n)


def short_rate(rate: float) -> str:
    """Iterations per second, ``41,200`` or ``248k`` above 100,000 (it must fit one line)."""
    return f"{rate:,.0f}" if rate < 100_000 else f"{rate / 1000:,.0f}k"


def sig_rate(rate: float | None) -> str:
    """Iterations per second to three significant digits (``241,000 it/s``, ``52.4 it/s``), so
    the figure does not flicker in its last digits; "—" when unknown."""
    if rate is None or not math.isfinite(rate):
        return "—"
    rounded = float(f"{rate:.3g}")
    return f"{rounded:,.0f} it/s" if rounded >= 100 else f"{rounded:g} it/s"


class Sampled:
    """A text that, while it keeps changing, is shown at most once per ``period`` seconds.

    The speed and the time left change on every poll while training; redrawing them at 10 Hz
    costs bytes and reads worse than a steady figure once a second. ``force`` (a change of state)
    and a change between known and unknown ("—") show the new text at once.
    """

    def __init__(self, period: float = SLOW_SECONDS) -> None:
        self.period = period
        self._text: str | None = None
        self._at = 0.0

    def __call__(self, text: str, *, force: bool = False, now: float | None = None) -> str:
        t = time.monotonic() if now is None else now
        old = self._text
        if old is None or force or (old == "—") != (text == "—") or t - self._at >= self.period:
            self._text, self._at = text, t
            return text
        return old


def stats_lines(p: Progress, chart_mode: str, rate: str, eta: str) -> list[str]:
    """The stats column, one Textual markup string per line (values escaped). ``rate`` and
    ``eta`` come formatted (they are sampled once a second while training)."""
    style = STATE_STYLES.get(p.state, "$foreground")
    short = "acc" if p.score_name == "accuracy" else "R²"
    lines = [
        f"[b {style}]{escape(p.state)}[/]",
        iteration_text(p, STATS_WIDTH),
        progress_bar(p.iteration, p.total),
        "",
        f"cost       {_cost(p.cost)}",
        f"test cost  {_cost(p.test_cost)}",
        f"train {short:<4} {_score(p.train_score, p.score_name)}",
        f"test {short:<5} {_score(p.test_score, p.score_name)}",
        f"speed      {rate}",
        f"ETA        {eta}",
        f"chart      {escape(chart_mode)}",
    ]
    if p.loading is not None:
        lines.append(f"loading    {100.0 * p.loading:.0f}%")
    if p.detail:
        lines += ["", *(f"[$text-muted]{escape(d)}[/]" for d in wrap_words(p.detail, STATS_WIDTH))]
    return lines


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` characters at spaces (a longer word is
    cut), so a note in the stats column keeps one text line per screen row."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


class TrainingPane(Horizontal):
    """Cost chart (left) and stats (right); focusable so the app's keys work from here."""

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "3 Training"
        self._fed: tuple[int, int, int, int] | None = None
        self._state = ""
        self._rate = Sampled()
        self._eta = Sampled()
        self._stats_at = 0.0  # when the stats were last repainted while training
        self._mode = ""  # the chart mode last shown

    def compose(self) -> ComposeResult:
        yield RateCostChart(id="cost-chart", tail_seconds=TAIL_SECONDS)
        yield LiveText(id="stats")

    @property
    def chart(self) -> CostChart:
        """The cost chart widget."""
        return self.query_one(CostChart)

    @property
    def stats(self) -> LiveText:
        """The stats column."""
        return self.query_one("#stats", LiveText)

    def chart_mode(self) -> str:
        """ "log y · all" etc.: how the chart is scaled, for the stats column."""
        chart = self.chart
        return f"{'log' if chart.log_y else 'linear'} y · {'recent' if chart.recent else 'all'}"

    def show_progress(self, p: Progress) -> bool:
        """Update the stats column: only its changed cells are repainted (nothing when nothing
        changed), and the speed and time left change at most once a second while training.
        False when skipped (shown less than ``STATS_SECONDS`` ago, same state): the status line
        then waits too, so the two never show different counts."""
        mode = self.chart_mode()
        force = p.state != self._state or p.state != "running" or mode != self._mode
        self._mode = mode
        now = time.monotonic()
        # Less a margin: the workspace polls every STATS_SECONDS while training, and a poll a
        # little early must not wait for the next one.
        if not force and now - self._stats_at < STATS_SECONDS - 0.05:
            return False
        self._stats_at = now
        self._state = p.state
        rate = self._rate(sig_rate(p.rate), force=force)
        eta = self._eta(format_duration(p.eta) if p.state == "running" else "—", force=force)
        # Its size comes from CSS, so no layout pass: a layout of the whole screen at 10 Hz
        # costs the training thread several percent of its speed (the GIL).
        self.stats.set_lines(stats_lines(p, mode, rate, eta))
        if p.state != "running":
            self.chart.flush()  # the last of the curve, now that it stops growing
        return True

    def feed_chart(self, view: CostView | None, *, fresh: bool = False) -> None:
        """Hand the chart the cost history when it grew (``fresh``: the history was replaced,
        start over; ``None``: there is no run)."""
        chart = self.chart
        if fresh or view is None:
            chart.clear()
            self._fed = None
            if view is None:
                return
        self.query_one(RateCostChart).set_schedule(view.schedule)  # the rate under the costs
        if view.key == self._fed:
            return
        self._fed = view.key
        chart.set_data(view.train, view.test_iters, view.test_costs, view.planned)
