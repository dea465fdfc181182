"""Pinned cost curves in a run file: other runs' decimated costs, kept to compare with.

A ``PinnedRun`` is another run's training cost, reduced (min/max per bin) to at most
``MAX_PIN_POINTS`` points: ``iters`` (k,) the iterations, ``costs`` (k,) the costs there, both
float64; ``length`` the iterations that run did, ``settings`` its settings as ``{option:
value}`` text (what the app shows), ``mark`` the one-character marker it is drawn with.

In the file (``runfile``): the metadata's ``pins`` lists ``{"length", "settings", "mark",
"points"}`` per pin, and the entries ``pin_<i>_iters`` and ``pin_<i>_costs`` hold its points.
Files without ``pins`` (older ones) have none; an older reader ignores them. Reading checks
everything against the limits below before an array is read (``open_entry``), and after.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.store.archive import Entry, Invalid, open_entry, read_entry

F64 = NDArray[np.float64]

MAX_STORED_PINS = 8
MAX_PIN_POINTS = 4096
# Settings are a few options of a command line: short keys and values, a few dozen of them.
MAX_SETTINGS = 64
MAX_TEXT = 256
# Far more iterations than any run here can hold (a history of 1e12 costs is 8 TB).
MAX_LENGTH = 10**12


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """A pinned run's decimated training cost, length, settings and marker (see the module
    docstring). ``eq=False``: arrays do not compare with ``==``."""

    iters: F64
    costs: F64
    length: int
    settings: dict[str, str]
    mark: str


def pins_meta(pins: list[PinnedRun]) -> list[dict[str, Any]]:
    """The metadata of ``pins`` (their arrays go into ``pin_arrays``)."""
    return [
        {"length": p.length, "settings": dict(p.settings), "mark": p.mark,
         "points": int(p.iters.shape[0])}
        for p in pins
    ]  # fmt: skip


def pin_arrays(pins: list[PinnedRun]) -> dict[str, F64]:
    """The archive entries of ``pins``: ``pin_<i>_iters`` and ``pin_<i>_costs``."""
    out: dict[str, F64] = {}
    for i, p in enumerate(pins):
        out[f"pin_{i}_iters"] = np.ascontiguousarray(p.iters, dtype=np.float64)
        out[f"pin_{i}_costs"] = np.ascontiguousarray(p.costs, dtype=np.float64)
    return out


def check_pin(p: PinnedRun) -> None:
    """Raise ``Invalid`` unless ``p`` could have come from a real run."""
    for name, arr in (("iterations", p.iters), ("costs", p.costs)):
        if not isinstance(arr, np.ndarray) or arr.dtype != np.float64 or arr.ndim != 1:
            raise Invalid(f"a pinned run's {name} are not a 1-D float64 array")
        if arr.shape[0] > MAX_PIN_POINTS:
            raise Invalid(f"a pinned run has {arr.shape[0]:,} points, more than {MAX_PIN_POINTS}")
    if p.iters.shape != p.costs.shape:
        raise Invalid("a pinned run's iterations and costs have different lengths")
    if not np.all(np.isfinite(p.iters)) or np.any(np.diff(p.iters) < 0):
        raise Invalid("a pinned run's iterations are not finite and in order")
    if not np.all(np.isfinite(p.costs)):
        raise Invalid("a pinned run's costs contain infinite or NaN values")
    if isinstance(p.length, bool) or not isinstance(p.length, int):
        raise Invalid("a pinned run's length is not a whole number")
    if not 0 <= p.length <= MAX_LENGTH:
        raise Invalid(f"a pinned run's length {p.length} is out of range")
    if not isinstance(p.mark, str) or len(p.mark) != 1 or not p.mark.isprintable():
        raise Invalid("a pinned run's marker is not one printable character")
    settings = p.settings
    if not isinstance(settings, dict) or len(settings) > MAX_SETTINGS:
        raise Invalid("a pinned run's settings are invalid")
    for key, value in settings.items():
        if not (isinstance(key, str) and isinstance(value, str)):
            raise Invalid("a pinned run's settings are not text")
        if len(key) > MAX_TEXT or len(value) > MAX_TEXT:
            raise Invalid("a pinned run's settings are too long")


def check_pins(pins: list[PinnedRun]) -> None:
    """Raise ``Invalid`` for too many pins or the first that could not be real."""
    if len(pins) > MAX_STORED_PINS:
        raise Invalid(f"{len(pins)} pinned runs, more than {MAX_STORED_PINS}")
    for p in pins:
        check_pin(p)


def read_pins(zf: zipfile.ZipFile, meta: dict[str, Any]) -> list[PinnedRun]:
    """The pinned runs of a run file (none when its metadata has no ``pins``); every entry is
    checked against the metadata before it is read. Raises ``Invalid``."""
    raw = meta.get("pins", [])
    if not isinstance(raw, list) or len(raw) > MAX_STORED_PINS:
        raise Invalid("the field 'pins' is invalid")
    planned: list[tuple[dict[str, Any], Entry, Entry]] = []
    for i, item in enumerate(raw):
        points = item.get("points") if isinstance(item, dict) else None
        if isinstance(points, bool) or not isinstance(points, int):
            raise Invalid(f"pinned run {i} is invalid")
        entries = (
            open_entry(zf, f"pin_{i}_iters", "f", 1),
            open_entry(zf, f"pin_{i}_costs", "f", 1),
        )
        for entry in entries:
            if entry.count != points or points > MAX_PIN_POINTS:
                raise Invalid(f"pinned run {i} does not have the {points} points it claims")
        planned.append((item, *entries))
    pins = []
    for item, iters, costs in planned:
        length, settings, mark = item.get("length"), item.get("settings"), item.get("mark")
        if isinstance(length, float) and math.isfinite(length) and length.is_integer():
            length = int(length)
        pin = PinnedRun(read_entry(zf, iters), read_entry(zf, costs), length, settings, mark)  # type: ignore[arg-type]
        check_pin(pin)
        pins.append(pin)
    return pins
