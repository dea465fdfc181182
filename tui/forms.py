"""Turning the text of form fields into typed config values, with a reason for every refusal.

The panes read raw widget values (strings, booleans, choices) and call these parsers; a parser
either returns a typed value or raises ``ConfigError(field, reason)`` naming the config field, so
the pane can mark that field. Range checks are left to the configs' own ``validate()``: the
parsers only check that the text *is* a number, so the reason a person reads for "0" or "1e99"
is the config's ("must be at least 2").

``build_config`` then assembles a config from the parsed values and collects *every* invalid
field at once (not only the first), so all bad fields are marked together.

Digit grouping is accepted only where it is unambiguous: groups of exactly three digits after the
first ("10,000", "1 000 000.5", "10_000"). "0,5" is refused rather than read as 5 (a decimal comma
would otherwise turn a learning rate of one half into five). The text a refusal quotes is cut to
a few dozen characters, so a pasted page never floods the form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from neuron_core.config import LR_PRESETS, DataConfig, ModelConfig, TrainConfig
from neuron_core.errors import ConfigError

C = TypeVar("C", DataConfig, ModelConfig, TrainConfig)

# Characters people use to group digits ("10,000", "10_000", "10 000"); removed before parsing.
_GROUP_CHARS = ",_ "
_GROUPING = str.maketrans("", "", _GROUP_CHARS)
# A number with its digits grouped by threes (one kind of separator), then an optional fraction
# and exponent: the only place grouping characters are accepted.
_GROUPED = re.compile(
    r"[+-]?[0-9]{1,3}(?P<sep>[,_ ])[0-9]{3}(?:(?P=sep)[0-9]{3})*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
)
# No whole number setting goes this high (the largest, a seed, is below 2**63): refused here so
# that no message spells out a number hundreds of digits long.
_HUGE = 10**19
# How much of a refused text is quoted back.
_SHOWN_CHARS = 24


def _shown(text: str) -> str:
    """``text`` (stripped) quoted for a message, cut to ``_SHOWN_CHARS`` characters."""
    text = text.strip()
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return repr(text)


def _clean(field: str, text: str, noun: str) -> str:
    """``text`` without blanks around it and without its digit grouping; raises
    ``ConfigError`` (saying it is not a ``noun``) for grouping that is not by threes ("0,5")."""
    stripped = text.strip()
    if not any(c in stripped for c in _GROUP_CHARS) or _GROUPED.fullmatch(stripped):
        return stripped.translate(_GROUPING)
    try:
        float(stripped.translate(_GROUPING))
    except ValueError:
        raise ConfigError(field, f"not {noun}: {_shown(text)}") from None
    raise ConfigError(
        field, f"not {noun}: {_shown(text)} (group digits by threes, decimals after a dot)"
    )


def _too_large(field: str, text: str) -> ConfigError:
    """The refusal of a number beyond what a float holds ("1e400", 400 digits)."""
    return ConfigError(field, f"far too large: {_shown(text)}")


def parse_float(field: str, text: str, *, optional: bool = False) -> float | None:
    """A real number from ``text`` ("0.1", "1e-3", " 3 "); ``None`` for blank when ``optional``.

    Non-finite values typed as such ("nan", "inf") are returned: the config's ``validate``
    refuses them with its own reason. A number too large for a float ("1e400") is refused here,
    rather than passed on as the infinity it would become.
    """
    cleaned = _clean(field, text, "a number")
    if not cleaned:
        if optional:
            return None
        raise ConfigError(field, "required: enter a number")
    try:
        value = float(cleaned)
    except ValueError:
        raise ConfigError(field, f"not a number: {_shown(text)}") from None
    if math.isinf(value) and "inf" not in cleaned.lower():
        raise _too_large(field, text)
    return value


def parse_int(field: str, text: str, *, optional: bool = False) -> int | None:
    """A whole number from ``text``: "2000", "2,000", "1e6" (a float with no fraction).

    ``None`` for blank when ``optional``. Fractions, NaN and infinity are refused here because an
    ``int`` cannot hold them, and so are numbers of 20 digits or more (no setting is that large).
    """
    cleaned = _clean(field, text, "a whole number")
    if not cleaned:
        if optional:
            return None
        raise ConfigError(field, "required: enter a whole number")
    try:
        whole = int(cleaned)
    except ValueError:
        pass
    else:
        if abs(whole) >= _HUGE:
            raise _too_large(field, text)
        return whole
    try:
        value = float(cleaned)
    except ValueError:
        raise ConfigError(field, f"not a whole number: {_shown(text)}") from None
    if math.isnan(value):
        raise ConfigError(field, "must be a whole number, got NaN")
    if math.isinf(value):
        if "inf" not in cleaned.lower():
            raise _too_large(field, text)
        raise ConfigError(field, "must be finite, got infinity")
    if not value.is_integer():
        raise ConfigError(field, f"must be a whole number, got {value:g}")
    if abs(value) >= _HUGE:
        raise _too_large(field, text)
    return int(value)


def parse_hidden(field: str, text: str) -> tuple[int, ...]:
    """Hidden layer widths from "4, 4" or "4 4" or "4x4"; blank is no hidden layer (one neuron)."""
    parts = text.replace(",", " ").replace("x", " ").replace(";", " ").split()
    widths: list[int] = []
    for part in parts:
        try:
            width = int(part)
        except ValueError:
            raise ConfigError(
                field, f"neurons per layer, e.g. '4, 4'; {_shown(part)} is not a whole number"
            ) from None
        if abs(width) >= _HUGE:
            raise _too_large(field, part)
        widths.append(width)
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


def next_preset(current: float, direction: int) -> float:
    """The learning-rate preset (``LR_PRESETS``) just above ``current`` (``direction`` > 0) or
    just below it, the last or first preset past the ends (a rate between two presets moves to
    the next one in that direction; 1e-9 relative keeps a preset typed as text a preset)."""
    if direction > 0:
        bigger = [p for p in LR_PRESETS if p > current * (1 + 1e-9)]
        return bigger[0] if bigger else LR_PRESETS[-1]
    smaller = [p for p in LR_PRESETS if p < current * (1 - 1e-9)]
    return smaller[-1] if smaller else LR_PRESETS[0]
