"""Turning the text of form fields into typed config values, with a reason for every refusal.

The panes read raw widget values (strings, booleans, choices) and call these parsers; a parser
either returns a typed value or raises ``ConfigError(field, reason)`` naming the config field, so
the pane can mark that field. Range checks are left to the configs' own ``validate()``: the
parsers only check that the text *is* a number, so the reason a person reads for "0" or "1e99"
is the config's ("must be at least 2").

``build_config`` then assembles a config from the parsed values and collects *every* invalid
field at once (not only the first), so all bad fields are marked together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.errors import ConfigError

C = TypeVar("C", DataConfig, ModelConfig, TrainConfig)

# Characters people use to group digits ("10,000", "10_000", "10 000"); removed before parsing.
_GROUPING = str.maketrans("", "", ",_ ")


def _clean(text: str) -> str:
    return text.strip().translate(_GROUPING)


def parse_float(field: str, text: str, *, optional: bool = False) -> float | None:
    """A real number from ``text`` ("0.1", "1e-3", " 3 "); ``None`` for blank when ``optional``.

    Non-finite values ("nan", "inf") are returned as such: the config's ``validate`` refuses them
    with its own reason.
    """
    cleaned = _clean(text)
    if not cleaned:
        if optional:
            return None
        raise ConfigError(field, "required: enter a number")
    try:
        return float(cleaned)
    except ValueError:
        raise ConfigError(field, f"not a number: {text.strip()!r}") from None


def parse_int(field: str, text: str, *, optional: bool = False) -> int | None:
    """A whole number from ``text``: "2000", "2,000", "1e6" (a float with no fraction).

    ``None`` for blank when ``optional``. Fractions, NaN and infinity are refused here because an
    ``int`` cannot hold them.
    """
    cleaned = _clean(text)
    if not cleaned:
        if optional:
            return None
        raise ConfigError(field, "required: enter a whole number")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        raise ConfigError(field, f"not a whole number: {text.strip()!r}") from None
    if math.isnan(value):
        raise ConfigError(field, "must be a whole number, got NaN")
    if math.isinf(value):
        raise ConfigError(field, "must be finite, got infinity")
    if not value.is_integer():
        raise ConfigError(field, f"must be a whole number, got {value:g}")
    return int(value)


def parse_hidden(field: str, text: str) -> tuple[int, ...]:
    """Hidden layer widths from "4, 4" or "4 4" or "4x4"; blank is no hidden layer (one neuron)."""
    parts = text.replace(",", " ").replace("x", " ").replace(";", " ").split()
    widths: list[int] = []
    for part in parts:
        try:
            widths.append(int(part))
        except ValueError:
            raise ConfigError(
                field, f"neurons per layer, e.g. '4, 4'; {part!r} is not a whole number"
            ) from None
    return tuple(widths)


def parse_names(text: str) -> tuple[str, ...] | None:
    """Comma-separated names ("x1, x2, x1^2"); blank gives ``None`` (use the data's features)."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    return names or None


def build_config(
    make: Callable[..., C],
    values: Mapping[str, Any],
    fallback: Mapping[str, Any],
    errors: dict[str, str],
) -> C | None:
    """Build and validate ``make(**values)``, adding every invalid field's reason to ``errors``.

    ``errors`` may already hold parse errors (their fields are taken from ``fallback``, the last
    valid values). Each time ``validate`` names a field, that field is recorded and replaced by its
    fallback, and validation runs again, so one pass finds all the bad fields. Returns the config
    when nothing is wrong, else ``None``.
    """
    current = {k: (fallback[k] if k in errors else v) for k, v in values.items()}
    # Each round either succeeds or retires one field, so len(values) + 1 rounds suffice.
    for _ in range(len(current) + 1):
        try:
            cfg = make(**current)
            cfg.validate()
        except ConfigError as exc:
            if exc.field in errors or exc.field not in current:
                errors.setdefault(exc.field, exc.message)
                return None
            errors[exc.field] = exc.message
            current[exc.field] = fallback[exc.field]
            continue
        return None if errors else cfg
    return None
