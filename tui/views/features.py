"""How the model's input features are written on screen, and which of them a choice means.

The engine names the features as values (``x1^2``, ``x1*x2``, ``sin(x1)``: what ``--features``
takes and run files store); the app shows them as a person writes them (x1², x1·x2, sin x1).
A choice of features is kept canonical: in ``FEATURE_MAPS`` order, and ``None`` for the plain
inputs ``x1, x2`` (the data's own columns), so the same choice always gives an equal model config.
"""

from __future__ import annotations

from neuron_core.config import FEATURE_MAPS

# Engine name -> how it is shown.
FEATURE_LABELS: dict[str, str] = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1²",
    "x2^2": "x2²",
    "x1*x2": "x1·x2",
    "sin(x1)": "sin x1",
    "sin(x2)": "sin x2",
}
# What ``feature_map=None`` means on 2-D data: the two inputs as they are.
PLAIN_INPUTS: tuple[str, ...] = ("x1", "x2")


def feature_label(name: str) -> str:
    """How the input ``name`` is shown (a name that is not a feature, e.g. a CSV column, as is)."""
    return FEATURE_LABELS.get(name, name)


def chosen_features(feature_map: tuple[str, ...] | None) -> frozenset[str]:
    """The features a model config's ``feature_map`` turns on (``None``: x1 and x2)."""
    return frozenset(PLAIN_INPUTS if feature_map is None else feature_map)


def feature_map_of(chosen: frozenset[str] | set[str]) -> tuple[str, ...] | None:
    """The canonical ``feature_map`` of the features ``chosen`` (``None`` for just x1, x2)."""
    ordered = tuple(name for name in FEATURE_MAPS if name in chosen)
    return None if ordered == PLAIN_INPUTS else ordered


def shown_inputs(names: tuple[str, ...]) -> tuple[str, ...]:
    """The model's input names (``input_names``) as they are shown."""
    return tuple(feature_label(n) for n in names)
