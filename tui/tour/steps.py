"""The tour's steps, read from ``steps.toml`` (package data) with ``tomllib``.

Each step has a title, two or three lines of text (what to look at, which key to press), the
settings it sets the app up with (validated configs; fields not given keep their defaults) and
``check``, what the step claims (read by the tour's test). Pure data: nothing here imports
Textual, so the command line reads the first step's settings before the app starts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from neuron_core.config import DataConfig, ModelConfig, TrainConfig


@dataclass(frozen=True)
class TourStep:
    """One step: ``title``, ``text`` (a few lines), the settings, and the claim ``check``."""

    title: str
    text: str
    data: DataConfig
    model: ModelConfig
    train: TrainConfig
    check: dict[str, Any]


def parse_steps(text: str) -> tuple[TourStep, ...]:
    """The steps of a tour file's ``text``; ``ValueError`` (or the configs' ``ConfigError``)
    names what is wrong."""
    steps = []
    for i, raw in enumerate(tomllib.loads(text).get("step", []), 1):
        if not isinstance(raw, dict) or not raw.get("title") or not raw.get("text"):
            raise ValueError(f"tour step {i} needs a title and a text")
        data = DataConfig.from_dict(dict(raw.get("data", {})))
        # The model follows the data's kind of problem, as in the app.
        model = ModelConfig.from_dict({**raw.get("model", {}), "problem": data.problem})
        steps.append(
            TourStep(
                title=str(raw["title"]),
                text=str(raw["text"]).strip(),
                data=data,
                model=model,
                train=TrainConfig.from_dict(dict(raw.get("train", {}))),
                check=dict(raw.get("check", {})),
            )
        )
    if not steps:
        raise ValueError("the tour has no steps")
    return tuple(steps)


@cache
def tour_steps() -> tuple[TourStep, ...]:
    """The tour's steps, from the package's ``steps.toml``."""
    return parse_steps(resources.files("tui.tour").joinpath("steps.toml").read_text("utf-8"))
