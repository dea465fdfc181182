"""plotext as the reference the charts' renderer is compared with (tests only).

``plotext_rows(sketch, size, colors)`` replays a ``Sketch`` on plotext's global figure through
its public API, coloured as textual-plotext colours a chart (canvas and axes in the surface
colour, ticks in the foreground), builds it and reads the ANSI text into rows of (characters,
rich style) runs with ``decode``, the way the charts read plotext's output before they had a
renderer of their own.
"""

from __future__ import annotations

import re

import plotext
from rich.style import Style as RichStyle
from rich.text import Text

from tui.charts.picture import Row
from tui.charts.sketch import BLANK, Sketch
from tui.charts.sketch import Color as RGB

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


def replay(sketch: Sketch, plt: object) -> None:
    """Call plotext's methods on ``plt`` as the sketch records them."""
    for call in sketch.calls:
        getattr(plt, call.method)(*call.args, **dict(call.options))


def plotext_ansi(sketch: Sketch, size: tuple[int, int], colors: tuple[RGB, RGB]) -> str:
    """plotext's built text of ``sketch`` at ``size``, over ``colors[0]``, ticks in
    ``colors[1]``."""
    plotext.clear_figure()
    plotext.limit_size(False, False)
    plotext.plot_size(*size)
    surface, ink = colors
    plotext.canvas_color(surface)
    plotext.axes_color(surface)
    plotext.ticks_color(ink)
    replay(sketch, plotext)
    return str(plotext.build())


def plotext_rows(sketch: Sketch, size: tuple[int, int], colors: tuple[RGB, RGB]) -> list[Row]:
    """The rows plotext draws for ``sketch`` (see the module docstring)."""
    return decode(plotext_ansi(sketch, size, colors), {})
