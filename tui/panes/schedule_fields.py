"""Which learning-rate schedule fields the hyperparameters pane shows.

The schedule (``lr schedule``) is always there; its settings only with a schedule that uses
them: ``lr decay`` and ``decay every`` for ``step`` and ``exp``, ``lr min`` for ``cosine``
(``neuron_core.training.lr_schedule``). A hidden field keeps its value, and the field jump and
the palette offer only the fields on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from neuron_core.config import TrainConfig
from tui.forms import parse_float, parse_int
from tui.panes.fields import Field

# The schedules each setting belongs to.
USED_BY: dict[str, tuple[str, ...]] = {
    "lr_decay": ("step", "exp"),
    "lr_step_every": ("step", "exp"),
    "lr_min": ("cosine",),
}
# How each setting's text is read.
PARSERS: dict[str, Callable[..., Any]] = {
    "lr_decay": parse_float,
    "lr_step_every": parse_int,
    "lr_min": parse_float,
}


def schedule_values(
    schedule: str, read: Callable[[str, Callable[..., Any]], Any], kept: TrainConfig
) -> dict[str, Any]:
    """The schedule settings for the form's config: read (``read(field, parser)``) where
    ``schedule`` uses them, else ``kept``'s (the run's): a hidden field never blocks the form,
    nor is marked."""
    return {
        name: read(name, PARSERS[name]) if schedule in schedules else getattr(kept, name)
        for name, schedules in USED_BY.items()
    }


def show_schedule_fields(fields: Mapping[str, Field], schedule: str) -> None:
    """Show the settings of ``schedule`` among ``fields`` (the form's rows by config field) and
    hide the others."""
    for name, schedules in USED_BY.items():
        field = fields.get(name)
        if field is not None:
            field.display = schedule in schedules
