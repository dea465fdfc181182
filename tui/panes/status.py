"""The one-line run status shown under the panes in the compact layout (any tab active):
state, iteration, cost, test score and speed, so progress stays in view on every tab."""

from __future__ import annotations

import math

from textual.markup import escape

from tui.panes.training import STATE_STYLES, Sampled, iteration_text, short_count, short_rate
from tui.run.progress import Progress
from tui.widgets.live_text import LiveText


def status_markup(p: Progress, width: int | None = None, rate: str | None = None) -> str:
    """``running · Iteration 1,234 / 2,000 · cost 0.1234 · acc 97.5% · 41,000 it/s`` (the
    accuracy, or R², on the test set). ``rate`` is the speed already formatted (e.g. sampled
    once a second), by default ``short_rate(p.rate)``; "—" leaves it out.

    When that is wider than ``width`` the iteration counts become compact (``2.58M / 10M``) and
    then the least important parts go: the speed, then the score, then the cost.
    """
    style = STATE_STYLES.get(p.state, "$foreground")
    state = f"[b {style}]{escape(p.state)}[/]"
    if rate is None:
        rate = "—" if p.rate is None else short_rate(p.rate)
    extra: list[str] = []
    if p.cost is not None:
        extra.append(f"cost {p.cost:.4g}")
    if p.test_score is not None and math.isfinite(p.test_score):
        if p.score_name == "accuracy":
            extra.append(f"acc {100 * p.test_score:.1f}%")
        else:
            extra.append(f"R² {p.test_score:.4g}")
    if rate != "—" and p.state == "running":
        extra.append(f"{rate} it/s")
    iterations = [
        iteration_text(p),
        f"Iteration {short_count(p.iteration)} / {short_count(p.total)}",
    ]
    if width is None:
        return " · ".join([state, iterations[0], *extra])
    plain_state = len(p.state)
    for n_extra in range(len(extra), -1, -1):
        for it in iterations:
            parts = [it, *extra[:n_extra]]
            if plain_state + sum(len(x) + 3 for x in parts) <= width:
                return " · ".join([state, *parts])
    return " · ".join([state, iterations[1]])


class StatusLine(LiveText):
    """One line that fits its width; ``show`` repaints only the characters that changed, and
    the speed at most once a second."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rate = Sampled()
        self._state = ""

    def show(self, progress: Progress) -> None:
        """Display ``progress`` in the current width (the app calls this on every poll, so
        the text refits soon after a resize)."""
        force = progress.state != self._state
        self._state = progress.state
        known = progress.rate is not None and math.isfinite(progress.rate)
        rate = short_rate(float(f"{progress.rate:.3g}")) if known else "—"
        rate = self._rate(rate, force=force)
        width = self.content_region.width if self.is_mounted and self.size.width else None
        self.set_lines([status_markup(progress, width, rate)])
