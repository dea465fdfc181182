"""What a chart shows on screen: rows of styled runs (``Picture``).

The renderer (``render``) reads its cell grid out as rows, each a sequence of runs of cells of
one style: (characters, rich ``Style``) pairs. The rows are compared between builds
(``changed_regions``: the spans to repaint) and handed to Textual as a ``Picture``, a Textual
``Visual`` whose lines are made into strips once per distinct row and base style
(``StripCache``), so a repaint of a few changed cells converts only their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

Run = tuple[str, RichStyle | None]
"""Characters of one colour and their style (None: the terminal's default)."""
Row = tuple[Run, ...]
"""One line of the picture, left to right."""


def row_text(row: Row) -> str:
    """The characters of a row."""
    return "".join(chars for chars, _ in row)


def changed_regions(
    old: tuple[NDArray[Any], NDArray[Any]], new: tuple[NDArray[Any], NDArray[Any]]
) -> list[Region]:
    """For each row that differs between two pictures of the same size, given as (code points,
    looks) of their cells ((height, width) arrays each), the span from its first to its last
    differing cell; empty if they are the same.

    One region per changed row, not one rectangle around all of them: a learning boundary
    changes a few cells here and there, and a rectangle spanning them would repaint every row
    in between (the terminal output is the remote user's budget)."""
    diff = (old[0] != new[0]) | (old[1] != new[1])
    if diff.ndim != 2 or diff.shape[1] == 0:
        return []
    changed = np.flatnonzero(diff.any(axis=1))
    first = diff[changed].argmax(axis=1).tolist()
    last = (diff.shape[1] - 1 - diff[changed, ::-1].argmax(axis=1)).tolist()
    return [
        Region(a, y, b - a + 1, 1) for y, a, b in zip(changed.tolist(), first, last, strict=True)
    ]


def frame_area(rows: list[Row]) -> Region | None:
    """The region inside the chart's frame (``┌`` top left, ``└`` bottom left, ``┐`` top
    right), or None if there is no frame."""
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
