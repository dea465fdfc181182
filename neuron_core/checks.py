"""The checks behind ``neuron_core.config``'s ``validate()`` methods: each raises
``ConfigError(field, reason)`` with a reason a person can act on (the UI shows it on the field)."""

from __future__ import annotations

import math
import unicodedata

from neuron_core.errors import ConfigError


def check_int(field: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(field, f"must be a whole number, got {value!r}")
    if value < lo:
        raise ConfigError(field, f"must be at least {lo:,}, got {value:,}")
    if value > hi:
        raise ConfigError(field, f"must be at most {hi:,}, got {value:,}")


def check_float(field: str, value: object, lo: float, hi: float, *, lo_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(field, f"must be a number, got {value!r}")
    v = float(value)
    if math.isnan(v):
        raise ConfigError(field, "must be a number, got NaN")
    if math.isinf(v):
        raise ConfigError(field, "must be finite, got infinity")
    if v < lo or (lo_open and v == lo):
        bound = "greater than" if lo_open else "at least"
        raise ConfigError(field, f"must be {bound} {lo:g}, got {v:g}")
    if v > hi:
        raise ConfigError(field, f"must be at most {hi:g}, got {v:g}")


def has_control(text: str) -> bool:
    """True if ``text`` holds a control or format character (ESC, BEL, a bidi override...)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def check_choice(field: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(field, f"must be one of {', '.join(choices)}; got {value!r}")
