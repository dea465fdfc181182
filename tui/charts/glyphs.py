"""Which characters the charts may draw lines with: braille, or ASCII where braille cannot show.

The charts draw curves and boundaries at braille resolution (2x4 dots per cell). The Linux
console (``TERM=linux``) has no braille glyphs in its fonts (they show as diamonds or question
marks), and a terminal running a non-UTF-8 locale shows none of them either. There the same
dot patterns are drawn as ASCII (``ascii_line_chars``): each cell's dots become one of
``_ - ' | / \\`` by where they sit, which keeps the shape of a curve at cell resolution.

``NEURON_TUI_ASCII=1`` forces the ASCII drawing anywhere (a terminal font without braille);
``NEURON_TUI_ASCII=0`` forces braille.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

# Terminals whose fonts have no braille (the Linux virtual console and its framebuffer twin).
ASCII_TERMS = frozenset({"linux", "fbterm"})
ASCII_ENV = "NEURON_TUI_ASCII"

# The braille bit of each dot as (row from the bottom, column): the layout of
# ``tui.charts.decimate._BRAILLE_BITS``, repeated here so this module stays independent of it.
_DOT_BITS: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0x40),
    (0, 1, 0x80),
    (1, 0, 0x04),
    (1, 1, 0x20),
    (2, 0, 0x02),
    (2, 1, 0x10),
    (3, 0, 0x01),
    (3, 1, 0x08),
)


def unicode_lines(env: Mapping[str, str] | None = None) -> bool:
    """True when braille can be drawn: not the Linux console, not a locale that names a
    charset other than UTF-8 (``LC_ALL``, else ``LC_CTYPE``, else ``LANG``; an unset or plain
    ``C`` locale says nothing about the terminal and counts as Unicode). ``NEURON_TUI_ASCII``
    overrides ("1" ASCII, "0" braille)."""
    env = os.environ if env is None else env
    forced = env.get(ASCII_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "0"
    if env.get("TERM", "").lower() in ASCII_TERMS:
        return False
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(var, "")
        if value:
            _, dot, charset = value.partition(".")
            charset = charset.split("@")[0].lower().replace("-", "").replace("_", "")
            return not dot or charset in ("utf8", "")
    return True


def ascii_for_dots(code: int) -> str:
    """One ASCII character for the braille dot pattern ``code`` (0..255):

    - nothing: a blank;
    - dots higher in one column than in the other by a row or more: ``/`` or ``\\``;
    - dots spanning three or four rows: ``|``;
    - otherwise by height: ``_`` (bottom row), ``-`` (middle rows), ``'`` (top row).
    """
    rows: tuple[list[int], list[int]] = ([], [])
    for row, col, bit in _DOT_BITS:
        if code & bit:
            rows[col].append(row)
    left, right = rows
    every = left + right
    if not every:
        return " "
    if left and right:
        rise = sum(right) / len(right) - sum(left) / len(left)
        if rise >= 1:
            return "/"
        if rise <= -1:
            return "\\"
    if max(every) - min(every) >= 2:
        return "|"
    height = sum(every) / len(every)
    if height < 0.75:
        return "_"
    if height <= 2.25:
        return "-"
    return "'"


ASCII_LINE_CHARS: NDArray[np.str_] = np.array([ascii_for_dots(c) for c in range(256)])
"""``ascii_for_dots`` of every braille code, indexed like ``tui.charts.decimate.BRAILLE_CHARS``."""
