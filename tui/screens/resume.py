"""The prompt shown at start when a saved session exists: resume it, or start fresh.

It describes the saved run (data, model, progress, when it was saved) and offers two buttons;
everything works from the keyboard: Enter presses the focused button (Resume has the focus
first), ``r`` resumes, ``f`` starts fresh, Tab or the arrow keys move between the buttons.
Escape resumes: the one answer that cannot lose anything. The screen returns ``True`` to resume,
``False`` to start fresh (the app then removes the saved session).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from neuron_core.store.record import RunRecord
from tui.screens.dialog import Dialog

# How a saved status reads (a run saved while training was paused by the save).
_STATUS_WORDS: dict[str, str] = {
    "ready": "not started",
    "running": "paused",
    "paused": "paused",
    "completed": "finished",
    "target_reached": "finished (target cost reached)",
    "early_stopped": "finished (early stop)",
    "diverged": "diverged",
}


def _saved_when(stamp: str) -> str:
    """The ISO 8601 UTC time of saving as local time ("2025-03-01 14:05"), or as written."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%Y-%m-%d %H:%M")


def describe(record: RunRecord) -> str:
    """A few lines saying what the saved run is, for a person deciding whether to resume it."""
    d, m, t = record.data_cfg, record.model_cfg, record.train_cfg
    if d.source == "csv":
        data = f"{os.path.basename(str(d.csv_path))} (target {d.target})"
    else:
        data = f"{d.name}, {d.samples:,} train / {d.test_samples:,} test points, seed {d.seed}"
    if m.hidden:
        model = f"hidden layers {', '.join(map(str, m.hidden))} ({m.activation})"
    else:
        model = "one neuron"
    n = record.history.n
    progress = f"iteration {n:,} / {t.iterations:,}, {_STATUS_WORDS.get(record.status, 'paused')}"
    if n:
        progress += f", cost {float(record.history.costs[n - 1]):.6g}"
    return "\n".join(
        (
            f"Data:     {data}",
            f"Model:    {model}, learning rate {t.lr:g}, {t.optimizer}",
            f"Progress: {progress}",
            f"Saved:    {_saved_when(record.saved_at)}",
        )
    )


class ResumeScreen(Dialog[bool]):
    """Resume the saved session or start fresh; see the module docstring."""

    DEFAULT_CSS = """
    ResumeScreen {
        align: center middle;
    }
    ResumeScreen > #resume-box {
        width: 90%;
        max-width: 90;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ResumeScreen #resume-summary {
        margin: 1 0;
    }
    ResumeScreen #resume-buttons {
        height: auto;
        align-horizontal: center;
    }
    ResumeScreen Button {
        margin: 0 2;
    }
    """

    # Resume has the focus from the first frame on, so an Enter typed at once resumes.
    AUTO_FOCUS = "#resume"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,escape", "choose(True)", "Resume", id="resume.resume"),
        Binding("f", "choose(False)", "Start fresh", id="resume.fresh"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, record: RunRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box") as box:
            box.border_title = "A saved session was found"
            box.border_subtitle = "Enter chooses · r resume · f start fresh"
            yield Static(describe(self.record), id="resume-summary", markup=False)
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", id="resume", variant="primary", compact=True)
                yield Button("Start fresh", id="fresh", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "resume")

    def action_choose(self, resume: bool) -> None:
        """r / Escape: resume; f: start fresh."""
        self.dismiss(resume)
