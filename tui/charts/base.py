"""``ChartPlot``: the base of the chart widgets, drawn from a ``Sketch`` by our own renderer and
repainted only where it changed.

How a chart is drawn: the widget reduces its data in NumPy (decimation, thinning to one point per
cell) and describes the picture as a ``Sketch`` (title, labels, limits, ticks, then the series
in drawing order, see ``sketch``). ``render.render`` draws the sketch into a cell grid at the
widget's size, in the app's theme (the chart over the theme's surface, frame, ticks and labels
in its foreground), as rows of styled runs (``picture``) shown as a Textual ``Visual``. The
layout is plotext's (the charts were drawn by plotext once): where the widget needs to know where
the plot area is (for tests, for a cursor), it reads it from the built picture, the inside of
the frame's corners.

How it stays cheap over SSH: ``_update`` (called by the subclasses when their data changed)
composes the new sketch and stops there when it equals the last one (a paused run, a poll with
no new iterations). Otherwise it draws the chart, compares the rows with the previous ones and
repaints only the changed span of each changed row, or nothing if no cell changed: a growing
curve costs a few hundred bytes per poll instead of the whole chart.

Widgets: ``cost_chart.CostChart``, ``predictions.PredictionsPlot``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from textual.app import RenderResult
from textual.color import Color, ColorParseError
from textual.geometry import Region
from textual.reactive import Reactive
from textual.widget import Widget

from tui.charts.glyphs import stroke_runs, unicode_lines
from tui.charts.picture import Picture, Row, StripCache, changed_regions, frame_area
from tui.charts.render import render
from tui.charts.sketch import BRAILLE, Sketch
from tui.charts.sketch import Color as RGB

F64 = NDArray[np.float64]

TOO_SMALL = "(enlarge the window to see this chart)"
# The smallest plot area worth drawing (columns, rows).
MIN_AREA = (6, 2)
# Rows of the widget that the layout keeps for the title, the frame's two lines, the x tick
# labels and the axis labels, and columns for the frame's two lines besides the y tick labels
# (see ``layout``): to size the data reduction (two points per column, one surface point per
# cell) before the chart is laid out; nothing is placed with it.
FRAME_ROWS = 5
FRAME_COLS = 2


def theme_color(value: str, fallback: Color) -> Color:
    """The colour a theme variable holds: a colour Textual parses (``#rrggbb``, ``ansi_red``...),
    or one followed by an opacity, as the ANSI themes write their muted colours
    (``ansi_default 50%``, which ``Color.parse`` refuses). Anything else (a theme of someone
    else's making) gives ``fallback`` rather than a crash in the middle of a redraw."""
    color, _, alpha = value.strip().rpartition(" ")
    try:
        if color and alpha.endswith("%"):
            return Color.parse(color).with_alpha(float(alpha[:-1]) / 100)
        return Color.parse(value)
    except (ColorParseError, ValueError):
        return fallback


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
    label centred under a plot area of about ``width`` columns from ``col_start`` (the layout
    drops a label that would touch another)."""
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
    """One build of a chart: the key it was built for ((width, height, theme), sketch), the
    picture, the plot area inside the frame (None if the picture has no frame), and the code
    points and looks of its cells (``grid.Drawing``; None for the "too small" note)."""

    key: tuple[Any, ...]
    picture: Picture
    area: Region | None
    cells: tuple[NDArray[np.uint32], NDArray[np.int64]] | None = None


class ChartPlot(Widget):
    """A chart drawn from a ``Sketch``, repainted only where its cells changed.

    Subclasses implement ``sketch(width, height)`` (the picture for a widget of that size, or
    None when it is too small) and call ``_update()`` after their data changed. ``ROLES`` maps
    each role (what a colour means) to a Textual theme variable; ``role_colors()`` gives their
    RGB in the current theme. ``unicode`` (``glyphs.unicode_lines()`` at construction) says
    whether lines are drawn in braille or, on terminals without braille, in ASCII strokes.
    """

    DEFAULT_CSS = """
    ChartPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    ROLES: ClassVar[Mapping[str, str]] = {"text": "foreground-muted"}
    # A chart has no links: Textual need not look for them in every run of every line it paints.
    auto_links: Reactive[bool] = Reactive(False)
    # A chart can fill the screen (the ``z`` key, ``tui.panes.zoom``) though it takes no focus.
    ALLOW_MAXIMIZE: ClassVar[bool | None] = True

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
        self._strips = StripCache()
        # How many repaints ``_update`` asked for (full or partial): tests and the benchmarks
        # read it as a measure of the output volume.
        self.redraws = 0

    def on_mount(self) -> None:
        """Redraw in the new colours when the app's theme changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

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
        surface = theme_color(variables.get("surface", ""), Color(0, 0, 0))
        foreground = theme_color(variables.get("foreground", ""), Color(255, 255, 255))
        out = {}
        for role, var in self.ROLES.items():
            c = theme_color(variables.get(var, ""), foreground)
            if c.a < 1:
                c = surface + c
            out[role] = c.rgb
        return out

    def frame_colors(self) -> tuple[RGB, RGB]:
        """(background, frame) RGB in the app's current theme: the whole chart over the theme's
        surface, the frame, ticks and labels in its foreground."""
        variables = self.app.theme_variables
        surface = theme_color(variables.get("surface", ""), Color(0, 0, 0))
        foreground = theme_color(variables.get("foreground", ""), Color(255, 255, 255))
        return surface.rgb, foreground.rgb

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

    # -- what was drawn ---------------------------------------------------------------------------

    @property
    def plot_area(self) -> Region | None:
        """The plot area (inside the frame) of the chart on screen, in widget coordinates, as
        it was drawn; None before the first build or when the chart is too small."""
        return self._built.area if self._built is not None else None

    def picture(self) -> Picture:
        """The chart as it is (or is about to be) on screen, built for the current size."""
        width, height = self.size.width, self.size.height
        built = self._built
        if built is None or built.key[0] != (width, height, self.app.theme):
            built = self._built = self._build(width, height)
        return built.picture

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
        if (
            old is None
            or old.cells is None
            or new.cells is None
            or old.cells[0].shape != new.cells[0].shape
        ):
            self.redraws += 1
            self.refresh()
            return
        regions = changed_regions(old.cells, new.cells)
        if regions:
            self.redraws += 1
            self.refresh(*regions)

    def render(self) -> RenderResult:
        """The chart at the current size (built only if something changed since the last build)."""
        return self.picture()

    def _build(self, width: int, height: int) -> Built:
        """Build the chart for ``width`` x ``height``, or return the last build if its sketch,
        size and theme are the same."""
        sketch = self.sketch(width, height) if width > 0 and height > 0 else None
        sized = (width, height, self.app.theme)
        key = (sized, sketch)
        old = self._built
        if old is not None and old.key == key:
            return old
        if sketch is None:
            note: list[Row] = [((TOO_SMALL, None),)]
            return Built(key, Picture(note, len(TOO_SMALL), self._strips), None)
        drawn = render(sketch, (width, height), self.frame_colors())
        picture = Picture(drawn.rows, width, self._strips)
        return Built(key, picture, frame_area(drawn.rows), (drawn.chars, drawn.looks))
