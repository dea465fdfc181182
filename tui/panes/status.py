"""The one-line run status shown under the panes in the compact layout (any tab active):
state, iteration, cost, test score and speed, so progress stays in view on every tab."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

from ..controller import Progress
from .training import STATE_STYLES, iteration_text, short_rate


def status_markup(p: Progress) -> str:
    """``running · Iteration 1,234 / 2,000 · cost 0.1234 · acc 97.5% · 41,000 it/s`` (the
    accuracy, or R², on the test set)."""
    style = STATE_STYLES.get(p.state, "$foreground")
    parts = [f"[b {style}]{escape(p.state)}[/]", iteration_text(p)]
    if p.cost is not None:
        parts.append(f"cost {p.cost:.4g}")
    if p.test_score is not None:
        if p.score_name == "accuracy":
            parts.append(f"acc {100 * p.test_score:.1f}%")
        else:
            parts.append(f"R² {p.test_score:.4g}")
    if p.rate is not None and p.state == "running":
        parts.append(f"{short_rate(p.rate)} it/s")
    return " · ".join(parts)


class StatusLine(Static):
    """One fixed line; ``show`` repaints it only when its text changed, without a layout pass
    (a layout of the whole screen at 10 Hz would cost the training thread speed)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._text = ""

    def show(self, progress: Progress) -> None:
        """Display ``progress``."""
        text = status_markup(progress)
        if text != self._text:
            self._text = text
            self.update(text, layout=False)
