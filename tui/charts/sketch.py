"""A chart as data: what to draw (``Sketch``), recorded, compared, drawn by ``render``.

A chart widget turns its data (reduced in NumPy first: decimated, thinned to what the cells can
show) into a ``Sketch`` on every update: the title, labels, limits and ticks, then each series
with its marker and colour, in drawing order (later series are drawn over earlier ones, so
lines come after points; the title, labels, limits and ticks apply whatever their place). Equal
sketches draw the same picture, so an update whose sketch did not change (the data are reduced
to what the cells show first) costs no drawing and no repaint.

The calls are named after plotext's (``title``, ``xlabel``, ``ylabel``, ``xlim``, ``ylim``,
``xticks``, ``yticks``, ``plot``, ``scatter``, ``text``; the charts were drawn by plotext
once), with plotext's arguments, so that the tests can replay a sketch on plotext and compare
its picture with ours. ``render`` says what each one draws.

One series has one marker, one colour and one style; in separate series the later one wins a
cell both draw in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

Color = tuple[int, int, int]
"""An RGB colour (Textual's ``Color.rgb``)."""

BLANK = "\u2800"
"""A blank that is not stripped (braille pattern blank): an empty title or axis label keeps its
row, so the plot area does not move when a legend appears. The widget shows it as a space
(terminals without braille, such as the Linux console, would show it as a box)."""

BRAILLE = "braille"
"""The marker drawing 2x4 dots per cell: the thin lines."""


@dataclass(frozen=True)
class Call:
    """One drawing call: ``method(*args, **dict(options))`` (see the module docstring)."""

    method: str
    args: tuple[Any, ...]
    options: tuple[tuple[str, Any], ...] = ()


def _values(v: ArrayLike) -> tuple[float, ...]:
    """A series' coordinates as a tuple of floats (comparable, hashable)."""
    return tuple(np.asarray(v, dtype=np.float64).reshape(-1).tolist())


@dataclass
class Sketch:
    """The calls that draw one chart, in order (see the module docstring), and how many of
    them are data series (``line`` and ``points``). Compared by value."""

    calls: list[Call] = field(default_factory=list)
    series: int = 0

    def __repr__(self) -> str:
        return f"Sketch({len(self.calls)} calls, {self.series} series)"

    def frame(self, title: str, xlabel: str, ylabel: str) -> None:
        """The title row (the legend) and the axis labels; an empty one keeps its row."""
        self.calls.append(Call("title", (title or BLANK,)))
        self.calls.append(Call("xlabel", (xlabel or BLANK,)))
        self.calls.append(Call("ylabel", (ylabel or BLANK,)))

    def axes(
        self,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        xticks: Sequence[tuple[float, str]],
        yticks: Sequence[tuple[float, str]],
    ) -> None:
        """Axis limits (data at ``lo`` sits in the first cell, at ``hi`` in the last) and ticks
        as (value, label) pairs."""
        self.calls.append(Call("xlim", (float(xlim[0]), float(xlim[1]))))
        self.calls.append(Call("ylim", (float(ylim[0]), float(ylim[1]))))
        for axis, ticks in (("xticks", xticks), ("yticks", yticks)):
            values = tuple(float(v) for v, _ in ticks)
            labels = tuple(label for _, label in ticks)
            self.calls.append(Call(axis, (values, labels)))

    def line(self, x: ArrayLike, y: ArrayLike, marker: str, color: Color) -> None:
        """A polyline through the points (x (k,), y (k,)) in ``marker`` (``BRAILLE`` for a thin
        line; one character for a stroke); nothing for no points."""
        xs, ys = _values(x), _values(y)
        if xs:
            self.calls.append(Call("plot", (xs, ys), (("marker", marker), ("color", color))))
            self.series += 1

    def points(
        self, x: ArrayLike, y: ArrayLike, marker: str, color: Color, *, bold: bool = False
    ) -> None:
        """A marker at each point (x (k,), y (k,)); nothing for no points."""
        xs, ys = _values(x), _values(y)
        if xs:
            options: tuple[tuple[str, Any], ...] = (("marker", marker), ("color", color))
            if bold:
                options += (("style", "bold"),)
            self.calls.append(Call("scatter", (xs, ys), options))
            self.series += 1

    def note(self, text: str, x: float, y: float, color: Color) -> None:
        """``text`` centred on the data point (x, y), over everything drawn before it."""
        options = (("color", color), ("alignment", "center"))
        self.calls.append(Call("text", (text, float(x), float(y)), options))
