"""Option values of ``neuron-tui train`` read from text: whole numbers, numbers, names, widths.

Each reader either returns the typed value or raises ``ConfigError(field, reason)`` naming the
config field, so the message can name the option the user typed (``tui.cli.options``'s
``FLAG_OF_FIELD``). Ranges are left to the configs' own ``validate()``; these only check that the
text *is* a value of the right kind, and refuse texts too long to be one before Python's
``int()`` would.

Imports only the standard library and ``neuron_core.config``/``errors`` (pure Python).
"""

from __future__ import annotations

from decimal import Decimal, DecimalException, InvalidOperation

from neuron_core.config import MAX_HIDDEN_LAYERS, MAX_NEURONS
from neuron_core.errors import ConfigError

# A whole number written in float notation beyond this is not a count anyone means.
_HUGE = 10**19
# Names accepted by --hidden for "no hidden layer" (besides the empty string).
NO_HIDDEN = "none"


def to_int(text: str, field: str) -> int:
    """A whole number: ``1000``, ``1_000``, or float notation with an integral value (``1e6``)."""
    s = text.strip()
    if len(s) > 64:
        # Also keeps int() below Python's digit limit (a ValueError of another kind).
        raise ConfigError(field, f"{s[:20]}... is far too long for a number")
    try:
        return int(s)
    except ValueError:
        pass
    try:
        value = Decimal(s.replace("_", ""))
        integral = value.is_finite() and value == value.to_integral_value()
        huge = integral and abs(value) >= _HUGE
    except InvalidOperation:
        raise ConfigError(field, f"must be a whole number, got {text[:24]!r}") from None
    except DecimalException:
        # An exponent too big for exact arithmetic (1e999999999).
        raise ConfigError(field, f"{s[:24]} is far too large") from None
    if not integral:
        raise ConfigError(field, f"must be a whole number, got {text[:24]!r}")
    if huge:
        raise ConfigError(field, f"{text} is far too large")
    return int(value)


def to_float(text: str, field: str) -> float:
    """A number as Python reads it (``0.1``, ``1e-3``, ``nan``...); ``validate`` checks it."""
    try:
        return float(text.strip().replace("_", ""))
    except ValueError:
        raise ConfigError(field, f"must be a number, got {text[:24]!r}") from None


def to_names(text: str, field: str, noun: str = "name") -> tuple[str, ...]:
    """Comma-separated names, stripped; an empty list is left for ``validate``. ``noun`` says
    what a name is in the message about an empty one ("an empty column name in 'a,,b'")."""
    if not text.strip():
        return ()
    names = tuple(part.strip() for part in text.split(","))
    if any(not name for name in names):
        raise ConfigError(field, f"an empty {noun} in {text!r}")
    return names


def to_widths(text: str, field: str) -> tuple[int, ...]:
    """Hidden layer widths ``"4,2"`` -> ``(4, 2)``; ``""`` or ``"none"`` -> ``()`` (no hidden
    layer). Checked here rather than by ``ModelConfig.validate`` so the message can say what a
    width is and how to ask for no hidden layer."""
    s = text.strip()
    if not s or s.lower() == NO_HIDDEN:
        return ()
    parts = [part.strip() for part in s.split(",")]
    # A width has at most a digit or two; longer runs would also hit int()'s digit limit.
    if not all(part.isascii() and part.isdigit() and len(part) <= 3 for part in parts):
        raise ConfigError(
            field,
            f"give layer widths as whole numbers like 4,2 (or {NO_HIDDEN}), got {text[:24]!r}",
        )
    widths = tuple(int(part) for part in parts)
    if len(widths) > MAX_HIDDEN_LAYERS:
        raise ConfigError(field, f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(widths)}")
    for width in widths:
        if width == 0:
            raise ConfigError(
                field, f"a layer needs at least 1 neuron; for no hidden layer give {NO_HIDDEN}"
            )
        if width > MAX_NEURONS:
            raise ConfigError(field, f"at most {MAX_NEURONS} neurons per layer, got {width:,}")
    return widths
