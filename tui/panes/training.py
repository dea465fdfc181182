"""The training pane: the live cost chart and, beside it, the run's numbers and state.

The app feeds it ~10 times a second (``show_progress`` and ``feed_chart``); both do nothing when
nothing visible changed, so an idle or paused app costs no redraws.
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Static

from neuron_core.trainer import Trainer

from ..controller import Progress, format_duration
from ..widgets.cost_chart import CostChart

# Theme colours of the state word (the word itself carries the meaning without colour).
STATE_STYLES: dict[str, str] = {
    "running": "$success",
    "paused": "$warning",
    "finished": "$accent",
    "diverged": "$error",
    "not ready": "$error",
    "loading": "$warning",
    "ready": "$foreground",
}
BAR_WIDTH = 20
# Characters per line of the stats column (its CSS width less its padding).
STATS_WIDTH = 29


def _cost(value: float | None) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6f}" if 1e-4 <= abs(value) < 1e4 or value == 0 else f"{value:.4e}"


def _score(value: float | None, name: str) -> str:
    """Accuracy as a percentage; R² (which a diverged fit drives to huge negative values) to
    four decimals, or in exponent form when large."""
    if value is None:
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


def stats_markup(p: Progress, chart_mode: str) -> str:
    """The stats column as Textual markup (values escaped)."""
    style = STATE_STYLES.get(p.state, "$foreground")
    short = "acc" if p.score_name == "accuracy" else "R²"
    rate = "—" if p.rate is None else f"{p.rate:,.0f} it/s"
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
        f"ETA        {format_duration(p.eta) if p.state == 'running' else '—'}",
        f"chart      {escape(chart_mode)}",
    ]
    if p.loading is not None:
        lines.append(f"loading    {100.0 * p.loading:.0f}%")
    if p.detail:
        lines += ["", f"[$text-muted]{escape(p.detail)}[/]"]
    return "\n".join(lines)


class TrainingPane(Horizontal):
    """Cost chart (left) and stats (right); focusable so the app's keys work from here."""

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "3 Training"
        self._last_stats: str | None = None
        self._fed: tuple[int, int, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield CostChart(id="cost-chart")
        yield Static("", id="stats")

    @property
    def chart(self) -> CostChart:
        """The cost chart widget."""
        return self.query_one(CostChart)

    def chart_mode(self) -> str:
        """ "log y · all" etc.: how the chart is scaled, for the stats column."""
        chart = self.chart
        return f"{'log' if chart.log_y else 'linear'} y · {'recent' if chart.recent else 'all'}"

    def show_progress(self, p: Progress) -> None:
        """Update the stats column (only when its text changed)."""
        text = stats_markup(p, self.chart_mode())
        if text != self._last_stats:
            self._last_stats = text
            # Its size comes from CSS, so no layout pass: a layout of the whole screen at 10 Hz
            # costs the training thread several percent of its speed (the GIL).
            self.query_one("#stats", Static).update(text, layout=False)

    def feed_chart(self, trainer: Trainer | None, *, fresh: bool = False) -> None:
        """Hand the chart the live history views when they grew (or ``fresh``: start over)."""
        chart = self.chart
        if fresh or trainer is None:
            chart.clear()
            self._fed = None
            if trainer is None:
                return
        hist = trainer.history
        key = (id(trainer), hist.n, hist.n_test, trainer.train_cfg.iterations)
        if key == self._fed:
            return
        self._fed = key
        iters, costs = hist.test()
        chart.set_data(hist.train(), iters, costs, trainer.train_cfg.iterations)
