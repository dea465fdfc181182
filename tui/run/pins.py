"""Pinned cost curves (key ``p``): runs kept on the cost chart to compare the current one with.

A ``Pin`` is a run's training cost, min/max-decimated to at most ``2 * PIN_BINS`` points (spikes
kept, whatever the run's length), its settings as the options of ``neuron-tui train`` would
write them (``settings_of``), and its marker: a digit, readable without colour and the same in
every terminal. ``PinBoard`` holds up to ``MAX_PINS``; a sixth pin replaces the oldest (and takes
its marker). ``pin_label`` names a pin by what differs from the current run ("adam lr 0.03").

Plain data and NumPy: no widget here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.store.pins import PinnedRun
from tui.charts.decimate import minmax_decimate
from tui.cli.options import OPTIONS, Option
from tui.cli.reproduce import command_args
from tui.cli.values import NO_HIDDEN
from tui.text import printable

F64 = NDArray[np.float64]

MAX_PINS = 5
MARKS = ("1", "2", "3", "4", "5")
"""The pins' markers: digits read the same without colour, in ASCII and on any font."""
PIN_BINS = 1024
# Options whose value alone names them in a label ("adam", "spiral"); the others say their name.
_BARE = frozenset({"--dataset", "--optimizer", "--activation", "--init", "--dtype"})


def _default_text(opt: Option) -> str:
    """The value ``command_args`` leaves out (it writes only values other than the default),
    as it would write it."""
    value = opt.default
    if opt.kind == "bool":
        return "auto" if value is None else "on" if value else "off"
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or NO_HIDDEN
    return repr(value) if isinstance(value, float) else str(value)


_DEFAULTS: dict[str, str] = {opt.flag: _default_text(opt) for opt in OPTIONS}
# Seeds written only where they matter (a random init, mini-batches): a difference only when
# both runs have one.
_WHEN_BOTH = frozenset({"--init-seed", "--shuffle-seed"})
# A label longer than this is cut: it shares one legend row with the other pins.
MAX_LABEL = 28


Pin = PinnedRun
"""A pinned run (``neuron_core.store.pins``, which saves it with the run): its decimated cost
``iters`` (k,), ``costs`` (k,), its ``length``, ``settings`` and ``mark``."""


def settings_of(data: DataConfig, model: ModelConfig, train: TrainConfig) -> dict[str, str]:
    """``{flag: value}`` of the options that rebuild a run with these settings (the words of
    ``command_args``; a switch such as ``--standardize`` has the value ``"on"`` or ``"off"``)."""
    words = command_args(data, model, train)
    out: dict[str, str] = {}
    i = 0
    while i < len(words):
        flag = words[i]
        has_value = i + 1 < len(words) and not words[i + 1].startswith("--")
        if has_value:
            out[flag] = words[i + 1]
        elif flag.startswith("--no-"):  # a switch: --standardize / --no-standardize
            out["--" + flag[5:]] = "off"
        else:
            out[flag] = "on"
        i += 2 if has_value else 1
    return out


def _shown(flag: str, value: str) -> str:
    if value and _number(value) is not None:
        value = f"{_number(value):g}"
    if not value:
        # A switch (--standardize), or an option off by default (no --batch-size: full batch).
        return "full batch" if flag == "--batch-size" else f"{flag[2:]} off"
    return value if flag in _BARE else f"{flag[2:]} {value}"


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and "," not in text else None


def pin_label(pin: dict[str, str], current: dict[str, str]) -> str:
    """What differs in the settings ``pin`` from ``current`` (both from ``settings_of``), in
    the options' order, as the pin's values: ``"adam lr 0.03"``; ``"same settings"`` when
    nothing does. At most ``MAX_LABEL`` characters (cut with an ellipsis)."""
    parts = []
    for opt in OPTIONS:
        mine, theirs = pin.get(opt.flag), current.get(opt.flag)
        if mine == theirs or (opt.flag in _WHEN_BOTH and (mine is None or theirs is None)):
            continue
        value = mine if mine is not None else _DEFAULTS.get(opt.flag, "")
        parts.append(_shown(opt.flag, value))
    # Escaped: a CSV path or column name is data, and must not drive the terminal.
    text = printable(" ".join(parts)) or "same settings"
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def make_pin(costs: F64, settings: dict[str, str], mark: str) -> Pin:
    """A pin of the training cost ``costs`` (n,) (iteration i's cost at i): decimated to at
    most ``2 * PIN_BINS`` points, non-finite costs dropped."""
    x, y = minmax_decimate(np.asarray(costs, dtype=np.float64), PIN_BINS)
    # Copies: a short history comes back as it is, a view of the live buffer, which the next
    # run (a reset in place) writes over.
    return Pin(x.copy(), y.copy(), int(costs.shape[0]), dict(settings), mark)


@dataclass
class PinBoard:
    """The pinned runs, oldest first (at most ``MAX_PINS``), and the last ones cleared (for
    undo)."""

    pins: list[Pin] = field(default_factory=list)
    cleared: list[Pin] = field(default_factory=list)

    def next_mark(self) -> tuple[str, Pin | None]:
        """The marker the next pin gets, and the pin it replaces (the oldest, when full)."""
        if len(self.pins) >= MAX_PINS:
            return self.pins[0].mark, self.pins[0]
        used = {pin.mark for pin in self.pins}
        return next(mark for mark in MARKS if mark not in used), None

    def add(self, costs: F64, settings: dict[str, str]) -> tuple[Pin, Pin | None]:
        """Pin a run (see ``make_pin``): ``(the new pin, the one it replaced or None)``."""
        mark, replaced = self.next_mark()
        pin = make_pin(costs, settings, mark)
        if replaced is not None:
            self.pins.remove(replaced)
        self.pins.append(pin)
        self.cleared = []
        return pin, replaced

    def clear(self) -> int:
        """Unpin every run (kept for ``restore``); how many there were."""
        count = len(self.pins)
        if count:
            self.cleared, self.pins = self.pins, []
        return count

    def restore(self) -> int:
        """Bring back the pins the last ``clear`` removed; how many (0: none kept)."""
        if not self.cleared or self.pins:
            return 0
        self.pins, self.cleared = self.cleared, []
        return len(self.pins)

    @property
    def span(self) -> int:
        """The iterations of the longest pinned run (0 without pins)."""
        return max((pin.length for pin in self.pins), default=0)
