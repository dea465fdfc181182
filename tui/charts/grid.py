"""The cells of a chart being drawn (``Grid``), and the grid read out as rows of styled runs.

A ``Grid`` holds two arrays of the chart's size: the code point of every cell and the number of
its style, a (foreground colour, bold) pair from the grid's ``palette`` (style 0: no
foreground, the empty cell). Every cell has the same background, the theme's surface, so a style
needs no background of its own. Rows are numbered from the bottom (row 0 is the chart's last
line), as the chart's axes count them; ``drawing()`` turns the grid upside down as it reads it
out.

``drawing()`` reads the grid out: each row cut where the style changes, one (characters, rich
``Style``) run per stretch of cells of one style (the ``picture.Row`` that Textual shows), and
the cells as arrays with a look number valid across grids (what a repaint compares).

NumPy and rich only: no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color as RichColor
from rich.style import Style as RichStyle

from tui.charts.picture import Row, Run
from tui.charts.sketch import BLANK
from tui.charts.sketch import Color as RGB

SPACE = ord(" ")
StyleKey = tuple[RGB | None, bool]
"""A cell's look besides its background: (foreground RGB or None, bold)."""


_LOOKS: dict[tuple[RGB | None, bool, RGB], int] = {}


def look_id(fg: RGB | None, bold: bool, bg: RGB) -> int:
    """A number for the look (``fg``, ``bold``, ``bg``) of a cell, the same in every grid of
    the process (to compare two pictures cell by cell)."""
    return _LOOKS.setdefault((fg, bold, bg), len(_LOOKS))


@dataclass(frozen=True, eq=False)
class Drawing:
    """A drawn chart: its ``rows`` of runs (top first), and the code point (``chars``) and look
    (``looks``, from ``look_id``) of every cell, (height, width) arrays, top row first."""

    rows: list[Row]
    chars: NDArray[np.uint32]
    looks: NDArray[np.int64]


@lru_cache(maxsize=256)
def rich_style(fg: RGB | None, bold: bool, bg: RGB) -> RichStyle:
    """The rich style of a cell: foreground ``fg`` (None: the terminal's), bold or not, over
    ``bg``; the same style rich reads from the ANSI codes of those colours."""
    return RichStyle(
        color=RichColor.from_rgb(*fg) if fg is not None else None,
        bgcolor=RichColor.from_rgb(*bg),
        bold=True if bold else None,
    )


class Grid:
    """``width`` x ``height`` cells, all blank (a space in style 0) to begin with.

    ``chars`` (height, width) uint32 code points and ``styles`` (height, width) uint8 style
    numbers, row 0 at the bottom; ``palette`` numbers the styles in order of first use.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width = max(0, width)
        self.height = max(0, height)
        shape = (self.height, self.width)
        self.chars: NDArray[np.uint32] = np.full(shape, SPACE, dtype=np.uint32)
        self.styles: NDArray[np.uint16] = np.zeros(shape, dtype=np.uint16)
        self.palette: dict[StyleKey, int] = {(None, False): 0}

    def style(self, fg: RGB | None, bold: bool = False) -> int:
        """The number of the style (``fg``, ``bold``), added to the palette if new."""
        key = (fg, bold)
        number = self.palette.get(key)
        if number is None:
            number = self.palette[key] = len(self.palette)
        return number

    def blank(self, col: int, row: int, length: int) -> bool:
        """True when the ``length`` cells from (col, row) are all spaces (cells outside the grid
        count as spaces: only the ones inside can hold anything)."""
        if not 0 <= row < self.height:
            return True
        a, b = max(col, 0), min(col + length, self.width)
        return a >= b or bool((self.chars[row, a:b] == SPACE).all())

    def put(self, col: int, row: int, text: str, style: int) -> None:
        """Write ``text`` from (col, row) rightwards in ``style``; cells outside are skipped."""
        if not 0 <= row < self.height or not text:
            return
        a, b = max(col, 0), min(col + len(text), self.width)
        if a < b:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            self.chars[row, a:b] = codes[a - col : b - col]
            self.styles[row, a:b] = style

    def put_column(self, col: int, row: int, text: str, style: int) -> None:
        """Write ``text`` from (col, row) upwards in ``style``; cells outside are skipped."""
        if not 0 <= col < self.width or not text:
            return
        a, b = max(row, 0), min(row + len(text), self.height)
        if a < b:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            self.chars[a:b, col] = codes[a - row : b - row]
            self.styles[a:b, col] = style

    def drawing(self, bg: RGB) -> Drawing:
        """The grid read out, every cell over ``bg`` (see ``Drawing``): each row cut into runs
        where the style changes; braille blanks (which keep empty title and label rows in
        place) read as spaces."""
        chars = self.chars[::-1]
        chars = np.where(chars == ord(BLANK), SPACE, chars).astype(np.uint32)
        ids = np.array([look_id(fg, bold, bg) for fg, bold in self.palette], dtype=np.int64)
        looks = ids[self.styles[::-1]]
        if self.height == 0 or self.width == 0:
            return Drawing([() for _ in range(self.height)], chars, looks)
        styles = self.styles[::-1].reshape(-1)
        plain = chars.astype("<u4").tobytes().decode("utf-32-le")
        # A run starts at every row's first cell and wherever the style changes.
        change = np.ones(styles.shape[0], dtype=bool)
        change[1:] = styles[1:] != styles[:-1]
        change[:: self.width] = True
        starts = np.flatnonzero(change)
        ends = np.r_[starts[1:], styles.shape[0]].tolist()
        looks_of = {n: rich_style(fg, bold, bg) for (fg, bold), n in self.palette.items()}
        numbers = styles[starts].tolist()
        runs: list[Run] = [
            (plain[a:b], looks_of[s])
            for a, b, s in zip(starts.tolist(), ends, numbers, strict=True)
        ]
        # Where each row's runs begin in ``runs``.
        firsts = np.searchsorted(starts, np.arange(self.height + 1) * self.width).tolist()
        rows = [tuple(runs[firsts[y] : firsts[y + 1]]) for y in range(self.height)]
        return Drawing(rows, chars, looks)
