"""Chart widgets of neuron-tui, and ``CellPlot``, the base they share.

How a chart is drawn: the widget reduces its data to a ``Frame``, a grid of characters for the plot
area (one per terminal cell, computed in NumPy: braille dots for lines, markers for points, shading
for surfaces) plus the axes' ticks and labels. plotext (through textual-plotext's ``Plot``) then
builds the frame around it (box, ticks, tick labels, title, axis labels, theme colours) and the
cells are written into its character matrix. Placing the cells ourselves instead of passing every
point to plotext keeps a redraw at ~2-5 ms whatever the data size (plotext costs ~7 µs per point
and more per line pixel), and gives an exact picture of what is on screen to compare.

That comparison is how the charts stay cheap over SSH: ``_update`` composes the new frame and
calls ``refresh`` only when something visible changed, and when only plot cells changed it
repaints just their bounding box, so a growing curve costs a few hundred bytes per poll instead of
the whole chart.

The layout of a plotext plot (``canvas_size``) is replicated here so the cells fit its plot area
exactly; ``tests/tui/test_widgets_charts.py`` checks it against plotext's own matrix.

Widgets: ``cost_chart.CostChart``, ``predictions.PredictionsPlot`` (with ``PredictionView``),
``confusion.ConfusionView``. Import them from their modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from plotext._utility import to_rgb
from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.geometry import Region
from textual_plotext import PlotextPlot

from tui.charts.decimate import BRAILLE_CHARS
from tui.charts.glyphs import ASCII_LINE_CHARS, unicode_lines

# Rows of a plotext plot around its plot area when it has a title and axis labels: the title row,
# the upper frame line, the lower frame line, the x tick labels and the axis-label row.
_TITLE_ROWS = 1
_FRAME_ROWS = 2
_XTICK_ROWS = 1
_LABEL_ROWS = 1
# Columns: the y tick labels, then the left and right frame lines.
_FRAME_COLS = 2
# Below this plot area there is no chart, just a one-line note.
MIN_CANVAS = (6, 2)
BLANK = "\u2800"
"""A blank that plotext does not strip (braille pattern blank): keeps a title/label row in place.
It never reaches the screen: ``_matrix_text`` turns it into a space (terminals without braille,
such as the Linux console, would show it as a box)."""


def canvas_size(width: int, height: int, ylabel_width: int) -> tuple[int, int]:
    """Plot area (W, H) in cells of a plotext plot of ``width`` x ``height`` with a title, axis
    labels, x tick labels and y tick labels ``ylabel_width`` wide (as plotext 5.3 lays it out)."""
    w = width - _FRAME_COLS - ylabel_width
    h = height - _TITLE_ROWS - _FRAME_ROWS - _XTICK_ROWS - _LABEL_ROWS
    return w, h


def canvas_origin(height: int, ylabel_width: int) -> tuple[int, int]:
    """(column, row from the top) of the plot area's bottom-left cell in the widget."""
    return ylabel_width + 1, height - 1 - (_LABEL_ROWS + _XTICK_ROWS + 1)


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything one drawing of a cell chart shows.

    ``chars`` (H, W) holds one character per plot cell, row 0 at the bottom (" " for empty);
    ``roles`` (H, W) the role of each cell (an index into the widget's ``ROLES``, which give its
    colour). Ticks are (cell index, label) pairs: columns for x, rows from the bottom for y.
    ``note`` is a line of text centred over the plot area ("no iterations yet"), "" for none.
    """

    size: tuple[int, int]
    title: str
    xlabel: str
    ylabel: str
    xticks: tuple[tuple[int, str], ...]
    yticks: tuple[tuple[int, str], ...]
    chars: NDArray[np.str_]
    roles: NDArray[np.int8]
    note: str = ""

    @property
    def canvas(self) -> tuple[int, int]:
        """(W, H) of the plot area."""
        return int(self.chars.shape[1]), int(self.chars.shape[0])

    @property
    def ylabel_width(self) -> int:
        """Width of the widest y tick label."""
        return max((len(label) for _, label in self.yticks), default=0)

    def layout_key(self) -> tuple[Any, ...]:
        """Everything but the plot cells: equal keys mean only cells can differ."""
        return (
            self.size,
            self.canvas,
            self.title,
            self.xlabel,
            self.ylabel,
            self.xticks,
            self.yticks,
            self.note,
        )


def fit_axis_labels(xlabel: str, ylabel: str, col_start: int, width: int) -> tuple[str, str]:
    """Shorten the axis labels so plotext shows both on the bottom row: the y label from column 0,
    the x label centred under a plot area of ``width`` columns starting at ``col_start`` (plotext
    drops a label that would touch another)."""
    xlabel = _truncate(xlabel, max(0, width - 2))
    x_start = col_start + width // 2 - len(xlabel) // 2
    ylabel = _truncate(ylabel, x_start - 1 if xlabel else col_start + width)
    return xlabel, ylabel


def _truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…" if width > 1 else ""


def empty_cells(width: int, height: int) -> tuple[NDArray[np.str_], NDArray[np.int8]]:
    """Blank ``chars`` and ``roles`` arrays (height, width) for a ``Frame``."""
    return np.full((height, width), " ", dtype="<U1"), np.zeros((height, width), dtype=np.int8)


def fit_text(variants: list[str], width: int) -> str:
    """The first of ``variants`` (longest first) that fits in ``width`` columns, else ""."""
    for v in variants:
        if len(v) <= width:
            return v
    return ""


@lru_cache(maxsize=512)
def _rich_style(fg: Any, style: str, bg: Any) -> Style:
    """Rich style for a plotext (fullground, style, background) triple."""

    def color(c: Any) -> RichColor | None:
        if c is None or c == "default":
            return None
        r, g, b = to_rgb(c)
        return RichColor.from_rgb(r, g, b)

    bold = "bold" in style.split() if isinstance(style, str) else False
    return Style(color=color(fg), bgcolor=color(bg), bold=bold or None)


class CellPlot(PlotextPlot):
    """A ``PlotextPlot`` whose plot area is filled from a ``Frame`` of cells.

    Subclasses implement ``_compose_frame(width, height)`` (the frame for a widget of that size,
    or None when nothing can be drawn) and call ``_update()`` after their data changed. ``ROLES``
    maps each role index to (Textual theme variable, bold); index 0 is unused (empty cells).
    ``unicode`` (from ``glyphs.unicode_lines()`` at construction) says whether lines are drawn
    in braille or, on terminals without braille, in ASCII (``line_chars``).
    """

    ROLES: ClassVar[tuple[tuple[str, bool], ...]] = (("foreground", False),)

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
        self._frame: Frame | None = None
        # How many repaints ``_update`` asked for (full or partial): tests and the benchmark read
        # it as a measure of the output volume.
        self.redraws = 0

    # -- for subclasses ----------------------------------------------------------------------------

    def _compose_frame(self, width: int, height: int) -> Frame | None:
        """The frame for a widget of ``width`` x ``height`` cells, or None if it is too small.

        Subclasses override this; the base class has nothing to draw.
        """
        return None

    def line_chars(self, codes: NDArray[np.int32]) -> NDArray[np.str_]:
        """The characters of braille dot patterns ``codes`` (any shape, 0 = no dot): braille,
        or their ASCII shapes when the terminal has no braille."""
        table = BRAILLE_CHARS if self.unicode else ASCII_LINE_CHARS
        chars: NDArray[np.str_] = table[codes]
        return chars

    # -- updates -----------------------------------------------------------------------------------

    def _update(self) -> None:
        """Recompose for the current size and repaint only what changed (nothing if nothing did)."""
        width, height = self.size.width, self.size.height
        if not self.is_mounted or width <= 0 or height <= 0:
            # Not laid out yet: render() composes when the size is known.
            self._frame = None
            self.refresh()
            return
        old = self._frame
        new = self._compose_frame(width, height)
        self._frame = new
        if old is None or new is None or old.layout_key() != new.layout_key():
            if old is None and new is None:
                return
            self.redraws += 1
            self.refresh()
            return
        changed = (old.chars != new.chars) | (old.roles != new.roles)
        if not changed.any():
            return
        rows = np.flatnonzero(changed.any(axis=1))
        cols = np.flatnonzero(changed.any(axis=0))
        x0, y0 = canvas_origin(height, new.ylabel_width)
        # Canvas row r (from the bottom) is widget line y0 - r.
        region = Region(
            x0 + int(cols[0]),
            y0 - int(rows[-1]),
            int(cols[-1] - cols[0]) + 1,
            int(rows[-1] - rows[0]) + 1,
        )
        self.redraws += 1
        self.refresh(region)

    # -- drawing -----------------------------------------------------------------------------------

    def _role_colors(self) -> list[tuple[int, int, int]]:
        """RGB of every role from the app's current theme (translucent colours blended on the
        surface), so charts follow theme changes and Textual downgrades them for 16-colour or
        NO_COLOR terminals."""
        variables = self.app.theme_variables
        surface = Color.parse(variables.get("surface", "#000000"))
        out = []
        for var, _bold in self.ROLES:
            c = Color.parse(variables.get(var, variables.get("foreground", "#ffffff")))
            if c.a < 1:
                c = surface + c
            out.append(c.rgb)
        return out

    def render(self) -> RenderResult:
        """Build the chart for the current size: plotext draws the frame, the cells go inside."""
        width, height = self.size.width, self.size.height
        frame = self._frame
        if frame is None or frame.size != (width, height):
            frame = self._compose_frame(width, height) if width > 0 and height > 0 else None
            self._frame = frame
        if frame is None:
            return Text("(enlarge the window to see this chart)", no_wrap=True, overflow="crop")
        return self._build(frame)

    def _build(self, frame: Frame) -> Text:
        width, height = frame.size
        # Any: the private parts of plotext's figure used below are not in textual-plotext's stubs.
        plt: Any = self._plot
        plt.clear_data()
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        plt.plotsize(width, height)
        plt._set_size(width, height)  # what PlotextPlot.render does: plotsize alone caps at the tty
        w, h = frame.canvas
        # plotext drops a blank title and with it the title row: a braille blank keeps the row.
        plt.title(frame.title or BLANK)
        xlabel, ylabel = fit_axis_labels(frame.xlabel, frame.ylabel, frame.ylabel_width + 1, w)
        plt.xlabel(xlabel or BLANK)
        plt.ylabel(ylabel or BLANK)
        plt.xlim(0, w - 1)
        plt.ylim(0, h - 1)
        plt.xticks([c for c, _ in frame.xticks], [lab for _, lab in frame.xticks])
        plt.yticks([r for r, _ in frame.yticks], [lab for _, lab in frame.yticks])
        # A text makes plotext lay out the lower and left axes even with no data series; the
        # note (or a blank) is it.
        plt.text(
            frame.note or " ",
            (w - 1) // 2,
            (h - 1) // 2,
            alignment="center",
            color=plt.monitor.ticks_color,
        )
        # build() minus the final string: lay out and draw the frame, then add our cells.
        plt._set_sizes()
        plt._build_matrix()
        matrix = plt.monitor.matrix
        col0 = matrix.Cols_canvas.start
        row0 = matrix.Rows_canvas.start
        colors = self._role_colors()
        bold = ["bold" if b else "default" for _, b in self.ROLES]
        note_row = (h - 1) // 2 if frame.note else -1
        note_cols = range(0)
        if frame.note:
            start = (w - 1) // 2 - len(frame.note) // 2
            note_cols = range(start, start + len(frame.note))
        rows, cols = np.nonzero(frame.chars != " ")
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if r == note_row and c in note_cols:
                continue  # the note stays readable on top of the data
            role = int(frame.roles[r, c])
            matrix.insert_element(
                col0 + c, row0 + r, str(frame.chars[r, c]), colors[role], bold[role]
            )
        return _matrix_text(matrix)


def _matrix_text(matrix: Any) -> Text:
    """Rich ``Text`` of a plotext character matrix (top row first), one span per run of equal
    style. Equivalent to ``Text.from_ansi(matrix.set_canvas())`` without making and re-parsing
    the ANSI string (which costs more than the drawing itself)."""
    text = Text(no_wrap=True, overflow="crop", end="")
    n_rows = matrix.rows
    for row in range(n_rows - 1, -1, -1):
        markers = matrix.marker[row]
        fgs = matrix.fullground[row]
        bgs = matrix.background[row]
        sts = matrix.style[row]
        start = 0
        n = len(markers)
        while start < n:
            key = (fgs[start], sts[start], bgs[start])
            end = start + 1
            while end < n and (fgs[end], sts[end], bgs[end]) == key:
                end += 1
            text.append("".join(markers[start:end]).replace(BLANK, " "), _rich_style(*key))
            start = end
        if row:
            text.append("\n")
    return text
