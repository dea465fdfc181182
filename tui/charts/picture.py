"""What a chart shows on screen: plotext's built picture as rows of styled runs (``Picture``).

plotext's ``build()`` returns the chart as text with ANSI colour codes: each row is a sequence of
runs of cells of one colour, each run written as its codes, its characters and a reset (``ESC[0m``).
``decode`` reads that into rows of (characters, rich ``Style``) runs. Each distinct code sequence
is parsed once, by rich's own ANSI decoder, and remembered: a chart uses a handful of colours, so
decoding costs a string split per run instead of rich's general decoder on every character
(``Text.from_ansi`` took longer than plotext's build itself on a chart with a shaded surface).

The rows are compared between builds (``changed_regions``: the spans to repaint) and handed to
Textual as a ``Picture``, a Textual ``Visual`` whose lines are made into strips once per distinct
row and base style (``StripCache``), so a repaint of a few changed cells converts only their rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from tui.charts.sketch import BLANK

Run = tuple[str, RichStyle | None]
"""Characters of one colour and their style (None: the terminal's default)."""
Row = tuple[Run, ...]
"""One line of the picture, left to right."""

# One run: its codes (any number of ``ESC[...m``), its characters, the reset.
_RUN = re.compile(r"((?:\x1b\[[0-9;]*m)*)([^\x1b]*)\x1b\[0m")


def _parse(codes: str) -> RichStyle | None:
    """The style an ANSI code sequence sets (rich's decoder, on one character)."""
    if not codes:
        return None
    spans = Text.from_ansi(codes + "x").spans
    style = spans[0].style if spans else None
    return style if isinstance(style, RichStyle) else None


def decode(ansi: str, styles: dict[str, RichStyle | None]) -> list[Row]:
    """The rows of plotext's built ``ansi`` text (one per line), with the braille blanks that
    hold empty title and label rows turned into spaces. ``styles`` remembers the style of every
    code sequence seen (updated in place)."""
    rows = []
    for line in ansi.rstrip("\n").split("\n"):
        runs = []
        for sgr, chars in _RUN.findall(line):
            if not chars:
                continue
            if sgr not in styles:
                styles[sgr] = _parse(sgr)
            runs.append((chars.replace(BLANK, " "), styles[sgr]))
        rows.append(tuple(runs))
    return rows


def row_text(row: Row) -> str:
    """The characters of a row."""
    return "".join(chars for chars, _ in row)


def _cells(row: Row) -> list[Run]:
    """(character, style) of every cell of a row."""
    return [(ch, style) for chars, style in row for ch in chars]


def changed_regions(old: list[Row], new: list[Row]) -> list[Region]:
    """For each row that differs between two pictures of the same height, the span from its
    first to its last differing cell (character or style); empty if they are the same.

    One region per changed row, not one rectangle around all of them: a learning boundary
    changes a few cells here and there, and a rectangle spanning them would repaint every row
    in between (the terminal output is the remote user's budget)."""
    regions: list[Region] = []
    for y, (a_row, b_row) in enumerate(zip(old, new, strict=True)):
        if a_row == b_row:
            continue
        a, b = _cells(a_row), _cells(b_row)
        n = max(len(a), len(b))
        a += [("", None)] * (n - len(a))
        b += [("", None)] * (n - len(b))
        diff = [x for x in range(n) if a[x] != b[x]]
        if diff:
            regions.append(Region(diff[0], y, diff[-1] - diff[0] + 1, 1))
    return regions


def frame_area(rows: list[Row]) -> Region | None:
    """The region inside the box plotext drew (``┌`` top left, ``└`` bottom left, ``┐`` top
    right), or None if there is no box."""
    plain = [row_text(row) for row in rows]
    top = next((y for y, line in enumerate(plain) if "┌" in line), None)
    if top is None:
        return None
    left = plain[top].index("┌")
    right = plain[top].find("┐", left)
    bottom = next((y for y in range(top + 1, len(plain)) if "└" in plain[y]), None)
    if right < 0 or bottom is None:
        return None
    return Region(left + 1, top + 1, right - left - 1, bottom - top - 1)


@dataclass
class StripCache:
    """Strips of rows already converted, by (row, base style); emptied when it outgrows
    ``limit`` (a few screens of rows)."""

    limit: int = 512
    strips: dict[tuple[Row, RichStyle], Strip] = field(default_factory=dict)

    def strip(self, row: Row, base: RichStyle, width: int) -> Strip:
        """The strip of ``row`` over the ``base`` style, ``width`` cells."""
        key = (row, base)
        strip = self.strips.get(key)
        if strip is None:
            if len(self.strips) >= self.limit:
                self.strips.clear()
            segments = Segment.apply_style([Segment(c, s) for c, s in row], base)
            strip = self.strips[key] = Strip(list(segments), width)
        return strip


class Picture(Visual):
    """A built chart as a Textual ``Visual``: ``rows`` (top first), ``width`` cells wide."""

    def __init__(self, rows: list[Row], width: int, cache: StripCache) -> None:
        self.rows = rows
        self.width = width
        self._cache = cache

    @property
    def plain(self) -> str:
        """The picture as plain text, one line per row."""
        return "\n".join(row_text(row) for row in self.rows)

    def text(self) -> Text:
        """The picture as a rich ``Text`` (characters and styles), one line per row."""
        out = Text(no_wrap=True, overflow="crop", end="")
        for y, row in enumerate(self.rows):
            if y:
                out.append("\n")
            for chars, style in row:
                out.append(chars, style)
        return out

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        base = style.rich_style
        return [self._cache.strip(row, base, self.width) for row in self.rows[:height]]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.rows)
