"""Which characters the charts may draw lines with: braille, or ASCII where braille cannot show.

The charts draw curves and boundaries in braille (2x4 dots per cell). The
Linux console (``TERM=linux``) has no braille glyphs in its fonts (they show as diamonds or
question marks), and a terminal running a non-UTF-8 locale shows none of them either. There a
line is drawn in ASCII strokes instead: each segment of the polyline with the one of ``- / | \\``
closest to its slope on screen (``stroke_chars``), one series per run of segments that
share a stroke (``stroke_runs``), which keeps the shape of a curve at cell resolution.

``NEURON_TUI_ASCII=1`` forces the ASCII drawing anywhere (a terminal font without braille);
``NEURON_TUI_ASCII=0`` forces braille.

The markers of the scatter plots and the words their legends say (``WORDS``), in one place, so
every pane names a glyph the same way (``o predicted 0`` in the predictions pane, the network
pane and a zoomed plot alike). ``legend`` fits the entries to a width: every entry with its
words when they fit, else the words of the most important entries (``PRIORITY``: lines first)
and the glyph alone for the others, never other words.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

MARK_0 = "o"
MARK_1 = "x"
MARK_WRONG = "!"
MARK_ABOVE = "+"
MARK_BELOW = "-"
MARK_ON = "="
MARK_POINT = "o"
MARK_SAMPLE = "@"  # the Math view's sample (ASCII: every terminal has it)
SHADES = (" ", "·", "░", "▒")
"""Surface shading by quarter of probability (or normalised value), lightest first."""
SHADE_SAMPLE = "·░▒"
BOUNDARY_SAMPLE = "⠤"
# Without braille the boundary is drawn in asterisks: the ASCII strokes ``-/|\`` are the true
# line's, and the two must stay apart.
BOUNDARY_ASCII = "*"
CURVE_SAMPLE_ASCII = "-"

WORDS = {
    "class0": "predicted 0",
    "class1": "predicted 1",
    "wrong": "misclassified",
    "boundary": "boundary",
    "true": "true line",
    "fit": "fitted curve",
    "points": "test points",
    "above": "above fit",
    "below": "below fit",
    "on": "on fit",
    "probability": "P(class 1)",
    "value": "predicted value",
    "sample": "math sample",
    "regions": "predicted class",
}
"""What each legend entry says after its glyph, by role: the same words in every pane."""
PRIORITY = ("boundary", "true", "fit", "wrong", "on", "surface")
"""Entries whose words are kept first when the legend is short of room (the lines, then what
is rare on the plot); the others follow in their own order."""

Entry = tuple[str, str, str]
"""A legend entry: (role, glyph, words)."""


def legend(entries: list[Entry], width: int) -> str:
    """The legend for one row of ``width`` columns: every entry as ``glyph words`` (two spaces
    between entries) if that fits; else the words of as many entries as fit, in ``PRIORITY``
    order, and the glyph alone for the others, in the entries' order; else the glyphs alone
    (or nothing if even they do not fit). The classes' markers (roles ``class0``, ``class1``...)
    get their words all together or not at all: ``o 0 setosa  x  +`` read as if classes 1 and 2
    had no name (the legend beside the plot names them all then)."""
    full = "  ".join(f"{glyph} {words}" for _, glyph, words in entries)
    if len(full) <= width:
        return full
    rank = {role: i for i, role in enumerate(PRIORITY)}
    order = sorted(range(len(entries)), key=lambda i: (rank.get(entries[i][0], len(rank)), i))
    classes = {i for i, (role, _, _) in enumerate(entries) if role.startswith("class")}
    worded: set[int] = set()
    for i in order:
        unit = classes if i in classes else {i}
        if i in worded or len(_compose(entries, worded | unit)) > width:
            continue
        worded |= unit
    text = _compose(entries, worded)
    return text if len(text) <= width else ""


def entries_shown(text: str, entries: list[Entry]) -> bool:
    """True when the legend ``text`` (from ``legend``) gives every entry its words."""
    return all(f"{glyph} {words}" in text for _, glyph, words in entries)


def _compose(entries: list[Entry], worded: set[int]) -> str:
    parts = [f"{g} {w}" if i in worded else g for i, (_, g, w) in enumerate(entries)]
    return "  ".join(parts) if worded else " ".join(parts)


# Terminals whose fonts have no braille (the Linux virtual console and its framebuffer twin).
ASCII_TERMS = frozenset({"linux", "fbterm"})
ASCII_ENV = "NEURON_TUI_ASCII"


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


# A cell is about twice as tall as it is wide, so a segment rising dy rows over dx columns
# looks like a slope of 2 * dy / dx; the four strokes split the angles at 22.5 and 67.5 degrees.
_FLAT = math.tan(math.radians(22.5))
_STEEP = math.tan(math.radians(67.5))


def stroke_chars(dx: F64, dy: F64) -> NDArray[np.str_]:
    """The ASCII stroke of each segment going ``dx`` (k,) columns right and ``dy`` (k,) rows up:
    ``-`` within 22.5 degrees of horizontal (on screen), ``|`` within 22.5 degrees of vertical,
    else ``/`` (rising) or ``\\`` (falling). A zero-length segment is ``-``."""
    rise = 2.0 * np.abs(np.asarray(dy, dtype=np.float64))
    run = np.abs(np.asarray(dx, dtype=np.float64))
    rising = (np.asarray(dx) >= 0) == (np.asarray(dy) >= 0)
    out = np.where(rising, "/", "\\")
    out = np.where(rise > _STEEP * run, "|", out)
    strokes: NDArray[np.str_] = np.where(rise <= _FLAT * run, "-", out)
    return strokes


def stroke_runs(dx: F64, dy: F64) -> list[tuple[int, int, str]]:
    """The polyline with segments (``dx``, ``dy``) (k,) in cells, as runs of equal strokes:
    (first point, last point, stroke) triples, the points of run i being ``first..last``
    inclusive (consecutive runs share their end point)."""
    chars = stroke_chars(dx, dy)
    if chars.shape[0] == 0:
        return []
    cuts = np.flatnonzero(chars[1:] != chars[:-1]) + 1
    starts = np.r_[0, cuts]
    stops = np.r_[cuts, chars.shape[0]]
    pairs = zip(starts.tolist(), stops.tolist(), strict=True)
    return [(int(a), int(b), str(chars[a])) for a, b in pairs]
