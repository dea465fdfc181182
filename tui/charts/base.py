"""``ChartPlot``: the base of the chart widgets, a textual-plotext ``PlotextPlot`` that repaints
only what changed.

How a chart is drawn: the widget reduces its data in NumPy (decimation, thinning to one point per
cell) and describes the picture as a ``Sketch`` (the plotext calls, see ``sketch``). The sketch is
replayed on ``self.plt`` with plotext's public API, and textual-plotext's own ``render()`` builds
it (``plt.build()``) at the widget's size with the app's theme. Nothing of plotext's internals or
layout is used here: where the widget needs to know where the plot area is (for tests, for a
cursor), it reads it from the built picture, the inside of the frame's corners.

How it stays cheap over SSH: ``_update`` (called by the subclasses when their data changed)
composes the new sketch and stops there when it equals the last one (a paused run, a poll with
no new iterations). Otherwise it builds the chart, compares the built lines with the previous
ones and repaints only the rectangle that holds every changed cell, or nothing if no cell
changed: a growing curve costs a few hundred bytes per poll instead of the whole chart.

Widgets: ``cost_chart.CostChart``, ``predictions.PredictionsPlot``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.geometry import Region
from textual_plotext import PlotextPlot

from tui.charts.glyphs import stroke_runs, unicode_lines
from tui.charts.sketch import BLANK, BRAILLE, Sketch
from tui.charts.sketch import Color as RGB

F64 = NDArray[np.float64]

TOO_SMALL = "(enlarge the window to see this chart)"
# The smallest plot area worth drawing (columns, rows).
MIN_AREA = (6, 2)
# Rows of the widget that plotext keeps for the title, the frame's two lines, the x tick labels
# and the axis labels, and columns for the frame's two lines besides the y tick labels. Only an
# estimate, to size the data reduction before plotext lays the chart out (two points per column,
# one surface point per cell); nothing is placed with it.
FRAME_ROWS = 5
FRAME_COLS = 2


def estimate_area(width: int, height: int, ylabel_width: int) -> tuple[int, int]:
    """About how many (columns, rows) of plot cells a ``width`` x ``height`` chart has with y tick
    labels ``ylabel_width`` wide (see ``FRAME_ROWS``)."""
    return width - FRAME_COLS - ylabel_width, height - FRAME_ROWS


def fit_text(variants: list[str], width: int) -> str:
    """The first of ``variants`` (longest first) that fits in ``width`` columns, else ""."""
    for v in variants:
        if len(v) <= width:
            return v
    return ""


def fit_axis_labels(xlabel: str, ylabel: str, col_start: int, width: int) -> tuple[str, str]:
    """Shorten the axis labels so both fit on the bottom row: the y label from column 0, the x
    label centred under a plot area of about ``width`` columns from ``col_start`` (plotext drops
    a label that would touch another)."""
    xlabel = _truncate(xlabel, max(0, width - 2))
    x_start = col_start + width // 2 - len(xlabel) // 2
    ylabel = _truncate(ylabel, x_start - 2 if xlabel else col_start + width)
    return xlabel, ylabel


def _truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…" if width > 1 else ""


@dataclass(frozen=True, eq=False)
class Built:
    """One build of a chart: the key it was built for (size, theme, sketch), the picture as one
    ``Text`` and as its lines (top first), and the plot area inside the frame (None if the
    picture has no frame)."""

    key: tuple[Any, ...]
    text: Text
    lines: list[Text]
    area: Region | None


class ChartPlot(PlotextPlot):
    """A ``PlotextPlot`` drawn from a ``Sketch``, repainted only where its cells changed.

    Subclasses implement ``sketch(width, height)`` (the picture for a widget of that size, or
    None when it is too small) and call ``_update()`` after their data changed. ``ROLES`` maps
    each role (what a colour means) to a Textual theme variable; ``role_colors()`` gives their
    RGB in the current theme. ``unicode`` (``glyphs.unicode_lines()`` at construction) says
    whether lines are drawn in braille or, on terminals without braille, in ASCII strokes.
    """

    ROLES: ClassVar[Mapping[str, str]] = {"text": "foreground-muted"}

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.unicode = unicode_lines()
        self._built: Built | None = None
        # How many repaints ``_update`` asked for (full or partial): tests and the benchmarks
        # read it as a measure of the output volume.
        self.redraws = 0

    # -- for subclasses ----------------------------------------------------------------------------

    def sketch(self, width: int, height: int) -> Sketch | None:
        """The picture for a widget of ``width`` x ``height`` cells, or None if it is too small.

        Subclasses override this; the base class has nothing to draw.
        """
        return None

    def role_colors(self) -> dict[str, RGB]:
        """RGB of every role in the app's current theme (translucent colours blended on the
        surface), so charts follow theme changes; Textual downgrades them on 16-colour and
        NO_COLOR terminals."""
        variables = self.app.theme_variables
        surface = Color.parse(variables.get("surface", "#000000"))
        out = {}
        for role, var in self.ROLES.items():
            c = Color.parse(variables.get(var, variables.get("foreground", "#ffffff")))
            if c.a < 1:
                c = surface + c
            out[role] = c.rgb
        return out

    def draw_line(
        self,
        sk: Sketch,
        x: F64,
        y: F64,
        color: RGB,
        box: tuple[float, float, float, float],
        cells: tuple[int, int],
    ) -> None:
        """Add the polyline through (x (k,), y (k,)) (sorted by x) to ``sk``: a braille line, or
        ASCII strokes by slope (one series per run of equal strokes) without braille. ``box``
        (xmin, xmax, ymin, ymax) and about how many (columns, rows) of cells it spans give the
        slopes on screen."""
        if self.unicode or x.shape[0] < 2:
            sk.line(x, y, BRAILLE if self.unicode else "-", color)
            return
        xlo, xhi, ylo, yhi = box
        dx = np.diff(x) * (cells[0] / (xhi - xlo))
        dy = np.diff(y) * (cells[1] / (yhi - ylo))
        for first, last, stroke in stroke_runs(dx, dy):
            sk.line(x[first : last + 1], y[first : last + 1], stroke, color)

    # -- what was drawn ----------------------------------------------------------------------------

    @property
    def plot_area(self) -> Region | None:
        """The plot area (inside the frame) of the chart on screen, in widget coordinates, as
        plotext built it; None before the first build or when the chart is too small."""
        return self._built.area if self._built is not None else None

    # -- updates -----------------------------------------------------------------------------------

    def _update(self) -> None:
        """Rebuild for the current size and repaint only what changed (nothing if nothing did)."""
        width, height = self.size.width, self.size.height
        if not self.is_mounted or width <= 0 or height <= 0:
            # Not laid out yet: render() builds when the size is known.
            self._built = None
            self.refresh()
            return
        old = self._built
        new = self._build(width, height)
        if new is old:
            return
        self._built = new
        if old is None or len(old.lines) != len(new.lines):
            self.redraws += 1
            self.refresh()
            return
        region = changed_region(old.lines, new.lines)
        if region is not None:
            self.redraws += 1
            self.refresh(region)

    def render(self) -> RenderResult:
        """The chart at the current size (built only if something changed since the last build)."""
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            return Text(TOO_SMALL, no_wrap=True, overflow="crop")
        built = self._built
        if built is None or built.key[0] != (width, height, self.app.theme):
            built = self._built = self._build(width, height)
        return built.text

    def _build(self, width: int, height: int) -> Built:
        """Build the chart for ``width`` x ``height``, or return the last build if its sketch,
        size and theme are the same."""
        sketch = self.sketch(width, height)
        key = (width, height, self.app.theme), sketch
        old = self._built
        if old is not None and old.key == key:
            return old
        if sketch is None:
            text = Text(TOO_SMALL, no_wrap=True, overflow="crop", end="")
            return Built(key, text, [text], None)
        sketch.replay(self.plt)
        # textual-plotext's render() sets the plot's size to the widget's and its theme to the
        # app's, then builds it: the one place that turns the sketch into characters.
        built = super().render()
        assert isinstance(built, Text)
        plain = built.plain
        if plain.endswith("\n"):
            built.right_crop(1)
            plain = built.plain
        # Same length, so the spans (the colours) still fit.
        text = Text(
            plain.replace(BLANK, " "), no_wrap=True, overflow="crop", end="", spans=built.spans
        )
        lines = list(text.split("\n", allow_blank=True))
        return Built(key, text, lines, frame_area(lines))


def frame_area(lines: list[Text]) -> Region | None:
    """The region inside the box drawn by plotext (``┌`` top left, ``┘`` bottom right)."""
    top = next((y for y, line in enumerate(lines) if "┌" in line.plain), None)
    if top is None:
        return None
    left = lines[top].plain.index("┌")
    right = lines[top].plain.find("┐", left)
    bottom = next((y for y in range(top + 1, len(lines)) if "└" in lines[y].plain), None)
    if right < 0 or bottom is None:
        return None
    return Region(left + 1, top + 1, right - left - 1, bottom - top - 1)


def _cells(line: Text) -> list[tuple[str, Style | str | None]]:
    """(character, style) of every cell of a line."""
    styles: list[Style | str | None] = [None] * len(line.plain)
    for span in line.spans:
        styles[span.start : span.end] = [span.style] * (span.end - span.start)
    return list(zip(line.plain, styles, strict=True))


def changed_region(old: list[Text], new: list[Text]) -> Region | None:
    """The smallest rectangle holding every cell (character or style) that differs between two
    pictures of the same height, or None if they are the same."""
    rows = [y for y, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if not rows:
        return None
    first, last = len(new[0].plain) + 1, -1
    for y in rows:
        a, b = _cells(old[y]), _cells(new[y])
        n = max(len(a), len(b))
        a += [("", None)] * (n - len(a))
        b += [("", None)] * (n - len(b))
        diff = [x for x in range(n) if a[x] != b[x]]
        if diff:
            first, last = min(first, diff[0]), max(last, diff[-1])
    if last < 0:
        return None
    return Region(first, rows[0], last - first + 1, rows[-1] - rows[0] + 1)
