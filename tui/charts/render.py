"""A ``Sketch`` drawn into cells and read out as the rows of a ``Picture``: the charts' renderer.

``render(sketch, size, colors)`` lays the chart out (``layout``: the plot area, frame, ticks,
labels and title), draws each series over the ones before it (``raster``: braille lines, ASCII
strokes, markers; later series hide earlier ones cell by cell), then the notes, and reads the
cells out as rows of styled runs (``grid``). It reproduces what plotext 5 built from the same
calls (as textual-plotext coloured it: the whole chart over the theme's surface, the frame,
ticks and labels in its foreground), without plotext's per-point Python work: a 200x60 chart
costs about a millisecond instead of 15-30.

What a sketch's calls mean here (``sketch.Sketch`` writes them): ``title``, ``xlabel``,
``ylabel`` (stripped; an empty one gives up its row), ``xlim``, ``ylim`` (the data limits; from
the data when missing), ``xticks``, ``yticks`` ((values, labels), duplicates dropped),
``plot`` (a polyline), ``scatter`` (markers; ``style`` "bold" or not) and ``text`` (centred on
a data point). Each series' ``marker`` is ``"braille"`` or its first character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tui.charts.grid import Drawing, Grid
from tui.charts.layout import Ticks, draw_frame, draw_note, plot_area
from tui.charts.raster import draw_series, to_bins
from tui.charts.sketch import Color as RGB
from tui.charts.sketch import Sketch

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Series:
    """One series: points (x (k,), y (k,)), its marker and colour, bold, joined by lines."""

    x: F64
    y: F64
    marker: str
    color: RGB
    bold: bool
    joined: bool


@dataclass(frozen=True)
class Note:
    """A text centred on the data point (x, y), in ``color``."""

    text: str
    x: float
    y: float
    color: RGB


@dataclass
class Parts:
    """What a sketch draws, call by call (see the module docstring)."""

    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xticks: Ticks = ()
    yticks: Ticks = ()
    series: list[Series] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _label(text: object) -> str | None:
    """A title or axis label as drawn: stripped; None when nothing is left."""
    return str(text).strip() or None


def _limits(given: tuple[float, float] | None, values: Iterable[F64]) -> tuple[float, float]:
    """The axis limits: ``given`` (ordered), else the finite data's min and max (a single value
    v spans 0.5v..1.5v, or -1..1 for 0; no data spans 0..0)."""
    if given is not None:
        lo, hi = given
        return (lo, hi) if lo <= hi else (hi, lo)
    arrays = [np.asarray(v, dtype=np.float64).reshape(-1) for v in values]
    data = np.concatenate(arrays) if arrays else np.empty(0)
    data = data[np.isfinite(data)]
    if data.shape[0] == 0:
        return 0.0, 0.0
    lo, hi = float(data.min()), float(data.max())
    if lo != hi:
        return lo, hi
    return (0.5 * lo, 1.5 * lo) if lo != 0 else (-1.0, 1.0)


def parts(sketch: Sketch) -> Parts:
    """The sketch's calls sorted into what they draw."""
    out = Parts()
    for call in sketch.calls:
        args, options = call.args, dict(call.options)
        if call.method in ("title", "xlabel", "ylabel"):
            setattr(out, call.method, _label(args[0]))
        elif call.method in ("xlim", "ylim"):
            setattr(out, call.method, (float(args[0]), float(args[1])))
        elif call.method in ("xticks", "yticks"):
            pairs = dict.fromkeys(zip(map(float, args[0]), map(str, args[1]), strict=False))
            setattr(out, call.method, tuple(pairs))
        elif call.method in ("plot", "scatter"):
            x = np.asarray(args[0], dtype=np.float64).reshape(-1)
            y = np.asarray(args[1], dtype=np.float64).reshape(-1)
            n = min(x.shape[0], y.shape[0])
            marker = str(options.get("marker", "braille"))
            marker = marker if marker == "braille" else marker[:1] or " "
            bold = options.get("style") == "bold"
            joined = call.method == "plot"
            out.series.append(Series(x[:n], y[:n], marker, options["color"], bold, joined))
        elif call.method == "text":
            out.notes.append(Note(str(args[0]), float(args[1]), float(args[2]), options["color"]))
    return out


def render(sketch: Sketch, size: tuple[int, int], colors: tuple[RGB, RGB]) -> Drawing:
    """The chart ``sketch`` draws at ``size`` = (width, height) cells (its rows of runs and its
    cells, see ``grid.Drawing``), over the background ``colors[0]`` with frame, ticks and
    labels in ``colors[1]``."""
    p = parts(sketch)
    surface, ink = colors
    grid = Grid(*size)
    frame = grid.style(ink)
    # The axes are laid out only when something is drawn on them (as plotext does).
    used = bool(p.series or p.notes)
    xticks, yticks = (p.xticks, p.yticks) if used else ((), ())
    low_bar = p.xlabel is not None or p.ylabel is not None
    area = plot_area(size, p.title is not None, low_bar, xticks, yticks)
    xlim = _limits(p.xlim, [s.x for s in p.series] + [np.array([n.x for n in p.notes])])
    ylim = _limits(p.ylim, [s.y for s in p.series] + [np.array([n.y for n in p.notes])])
    limits = (*xlim, *ylim)
    draw_frame(grid, area, (p.title, p.xlabel, p.ylabel), (xticks, yticks), limits, frame)
    for s in p.series:
        style = grid.style(s.color, s.bold)
        draw_series(grid, area.box, (s.x, s.y), limits, s.marker, style, s.joined)
    for note in p.notes:
        cx = int(to_bins(np.array([note.x]), *xlim, area.cols)[0]) if area.cols > 0 else 0
        cy = int(to_bins(np.array([note.y]), *ylim, area.rows)[0]) if area.rows > 0 else 0
        draw_note(grid, area, note.text, (cx, cy), grid.style(note.color))
    return grid.drawing(surface)
