"""The prompt shown at start when a saved session exists: resume it, or start fresh.

It describes the saved run (data, model, progress, when it was saved) and offers two buttons;
everything works from the keyboard: Enter presses the focused button (Resume has the focus
first), ``c`` continues (resumes), ``f`` starts fresh, Tab or the arrow keys move between the
buttons. Escape resumes: the one answer that cannot lose anything. ``r`` does nothing here: in
the app it resets a run, and a key must not mean two things.

When several sessions were saved (several apps ran at once on one state folder, see
``tui.run.instance``) they are listed newest first, one line each (file, when saved, progress),
the chosen one marked ``▶`` (visible without colour) and described in full below the list. The
list has the focus; up and down choose, Enter (or ``c``, Escape, the Resume button) resumes the
chosen one and keeps the others for the next start. "Start fresh" forgets them all, and says so.

The screen returns the index of the session to resume, or ``None`` to start fresh (the app then
removes the saved sessions it offered).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from neuron_core.store.record import RunRecord
from tui.screens.dialog import Dialog
from tui.text import printable
from tui.views.features import shown_inputs

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
        # The file's name and column are data from the run file: escaped (``tui.text``).
        data = printable(f"{os.path.basename(str(d.csv_path))} (target {d.target})")
    else:
        data = f"{d.name}, {d.samples:,} train / {d.test_samples:,} test points, seed {d.seed}"
    if m.hidden:
        model = f"hidden layers {', '.join(map(str, m.hidden))} ({m.activation})"
    else:
        model = "one neuron"
    if m.feature_map is not None:
        model += " on " + ", ".join(shown_inputs(m.feature_map))
    n = record.history.n
    progress = f"iteration {n:,} / {t.iterations:,}, {_STATUS_WORDS.get(record.status, 'paused')}"
    if n:
        progress += f", cost {float(record.history.costs[n - 1]):.6g}"
    return "\n".join(
        (
            f"Data:     {data}",
            f"Model:    {model}, learning rate {t.lr:g}, {t.optimizer}",
            f"Progress: {progress}",
            f"Saved:    {printable(_saved_when(record.saved_at))}",
        )
    )


class ResumeScreen(Dialog[int | None]):
    """Resume a saved session or start fresh; see the module docstring. ``sessions`` are
    ``(file name, record)`` pairs, newest first."""

    DEFAULT_CSS = """
    ResumeScreen {
        align: center middle;
    }
    ResumeScreen > #resume-box {
        width: 90%;
        max-width: 90;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ResumeScreen #resume-summary {
        margin: 1 0;
    }
    ResumeScreen #resume-list {
        height: auto;
        max-height: 8;
        margin: 1 0 0 0;
    }
    ResumeScreen #resume-hint {
        margin: 0 0 1 0;
    }
    ResumeScreen #resume-buttons {
        height: auto;
        align-horizontal: center;
    }
    ResumeScreen Button {
        margin: 0 2;
    }
    """

    # The focus is where the answer is from the first frame on, so an Enter typed at once
    # answers: the list of sessions when there are several (it comes first), else Resume.
    AUTO_FOCUS = "#resume-list, #resume"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c,escape", "choose(True)", "Resume", id="resume.resume"),
        Binding("f", "choose(False)", "Start fresh", id="resume.fresh"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, sessions: list[tuple[str, RunRecord]]) -> None:
        super().__init__()
        if not sessions:
            raise ValueError("no saved session to offer")
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        many = len(self.sessions) > 1
        with Vertical(id="resume-box") as box:
            if many:
                box.border_title = f"{len(self.sessions)} saved sessions were found"
                box.border_subtitle = (
                    f"↑↓ choose · Enter/c resume · f start fresh (forgets all {len(self.sessions)})"
                )
                yield OptionList(
                    *(Option(self._line(i), id=f"s{i}") for i in range(len(self.sessions))),
                    id="resume-list",
                )
            else:
                box.border_title = "A saved session was found"
                box.border_subtitle = "Enter chooses · c resume · f start fresh"
            yield Static(describe(self.sessions[0][1]), id="resume-summary", markup=False)
            if many:
                yield Static(
                    "Newest first. Resume one: the others are kept for the next start.",
                    id="resume-hint",
                    markup=False,
                )
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", id="resume", variant="primary", compact=True)
                yield Button("Start fresh", id="fresh", compact=True)

    def _line(self, i: int, current: int = 0) -> Text:
        """Session ``i`` in one line, marked with ``▶`` when it is the ``current`` one (so
        the choice shows without colour)."""
        name, record = self.sessions[i]
        width = max(len(other) for other, _ in self.sessions)
        n, total = record.history.n, record.train_cfg.iterations
        mark = "▶" if i == current else " "
        when = printable(_saved_when(record.saved_at))  # a string from the run file
        return Text(f"{mark} {name:<{width}}  saved {when}  iteration {n:,} / {total:,}")

    def on_mount(self) -> None:
        if len(self.sessions) > 1:
            self.query_one(OptionList).highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Another session is highlighted: move the mark and show what it holds."""
        event.stop()
        current = event.option_index
        listing = self.query_one(OptionList)
        for i in range(len(self.sessions)):
            listing.replace_option_prompt_at_index(i, self._line(i, current))
        summary = describe(self.sessions[current][1])
        self.query_one("#resume-summary", Static).update(summary)

    def _highlighted(self) -> int:
        """The index of the session the list highlights (the only one when there is no list)."""
        if len(self.sessions) == 1:
            return 0
        option = self.query_one(OptionList).highlighted_option
        return int(option.id[1:]) if option is not None and option.id else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(event.button.id == "resume")

    def action_choose(self, resume: bool) -> None:
        """c / Escape: resume (the highlighted session); f: start fresh."""
        self.dismiss(self._highlighted() if resume else None)
