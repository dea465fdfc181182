"""The tour's panel: the step's title and its few lines, above the panes (``tui.app_tour``).

It takes no focus: the person drives the app with its usual keys while reading it. Its bottom
border names the tour's own keys (``TOUR_KEYS``), which the app binds while the tour is on.
"""

from __future__ import annotations

from textual.widgets import Static

from tui.tour.steps import TourStep

TOUR_KEYS = "ctrl+→ or > next · ctrl+← or < back · Esc leave"


class TourPanel(Static):
    """Shows one step of the tour: ``show(step, index, count)``."""

    DEFAULT_CSS = """
    TourPanel {
        height: auto;
        max-height: 40%;
        border: round $accent;
        border-title-color: $foreground;
        border-title-style: bold;
        border-subtitle-color: $foreground-muted;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.border_subtitle = TOUR_KEYS
        self.text = ""  # the step's text as shown (tests read it)

    def show(self, step: TourStep, index: int, count: int) -> None:
        """Step ``index`` (from 0) of ``count``: its title in the border, its text wrapped to
        the panel's width (one paragraph: the lines of the data file are joined)."""
        self.border_title = f"Tour {index + 1}/{count} · {step.title}"
        self.text = " ".join(step.text.split())
        self.update(self.text)
