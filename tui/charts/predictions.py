"""The predictions plot: test points by predicted class, the learned boundary, the true line.

Everything reads without colour (NO_COLOR, 16-colour terminals, a screen reader on the captured
text); colour, from the Textual theme, only adds to it:

========================  =========  ==========================================================
what                      character  notes
========================  =========  ==========================================================
predicted class 0         ``o``      classification, correctly classified
predicted class 1         ``x``      classification, correctly classified
misclassified             ``!``      over the other points (bold)
learned boundary          braille    thin line ``w1*x1 + w2*x2 + b = 0`` (linear models);
                                     ``*`` where the terminal has no braille (``glyphs``)
true line                 ``-/|\\``  the ``line`` dataset's generating line, ASCII by its slope
decision surface          `` ·░▒``   P(class 1) in quarters: <.25 blank, <.5 ``·``, <.75 ``░``,
                                     else ``▒``; the boundary is where ``·`` meets ``░``
regression, one feature   ``o`` +    the test points (x1, target) and the fitted curve (braille,
                                     or ASCII strokes without braille)
regression, two features  ``+ - =``  target above / below / on the prediction (within 5% of
                                     the targets' standard deviation), over the shaded
                                     predicted value (normalised to the grid's range)
========================  =========  ==========================================================

Drawing order (later series are drawn over earlier ones): the surface, the points, then the
lines (true line, boundary, fitted curve), so the lines stay visible over the points; last the
true line again in every other cell (``axes.dashes``), so where the learned boundary lies on the
true line (a trained model) both show along their whole length. The markers and the legend's
words come from ``glyphs`` (the same words in every pane); the legend is on the title row.

What is drawn is reduced in NumPy first (``scatter``): the points thinned to one per
plot cell (a misclassified point first), the surface sampled once per cell, one series per shade.
``show(view)`` takes a ``PredictionView`` (computed by the app at 1-2 Hz and on pause); like the
cost chart it repaints only the cells that changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from tui.charts.axes import clip_line, dashes, format_tick, ticks_between
from tui.charts.base import MIN_AREA, ChartPlot, estimate_area, fit_axis_labels
from tui.charts.class_marks import class_series, region_cells
from tui.charts.decimate import column_extrema
from tui.charts.glyphs import (
    BOUNDARY_ASCII,
    BOUNDARY_SAMPLE,
    CURVE_SAMPLE_ASCII,
    MARK_0,
    MARK_1,
    MARK_ABOVE,
    MARK_BELOW,
    MARK_ON,
    MARK_SAMPLE,
    MARK_WRONG,
    SHADE_SAMPLE,
    SHADES,
    WORDS,
    Entry,
    entries_shown,
    legend,
    stroke_chars,
)
from tui.charts.scatter import Box, padded_bounds, point_series, surface_levels
from tui.charts.sketch import BRAILLE, Sketch
from tui.charts.sketch import Color as RGB
from tui.views.predictions import PredictionView

F64 = NDArray[np.float64]

# Re-exported: the markers' home is ``glyphs``; tests and tools name them from here too.
__all__ = [
    "BOUNDARY_ASCII",
    "MARK_0",
    "MARK_1",
    "MARK_ABOVE",
    "MARK_BELOW",
    "MARK_ON",
    "MARK_WRONG",
    "SHADES",
    "PredictionView",
    "PredictionsPlot",
]


class PredictionsPlot(ChartPlot):
    """Scatter of the test points by predicted class, with boundary, true line and surface."""

    ROLES: ClassVar[Mapping[str, str]] = {
        "text": "foreground-muted",
        "surface": "foreground-muted",
        "boundary": "foreground",
        "true": "success",
        "class0": "accent",  # also: below the prediction
        "class1": "primary",  # also: above the prediction, the points of a fit
        "wrong": "error",
        "fit": "accent",  # also: on the prediction
    }

    def __init__(
        self,
        *,
        hint: str = "no predictions yet",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.hint = hint
        self._view: PredictionView | None = None
        # The legend of the last sketch, and whether the title row holds all its words (a pane
        # with room beside the plot shows it in full otherwise).
        self.legend_entries: list[Entry] = []
        self.legend_complete = True
        self.marked: tuple[float, float] | None = None  # the Math view's sample (``mark``)

    @staticmethod
    def grid_shape_for(width: int, height: int) -> tuple[int, int]:
        """(gy, gx) surface grid for a plot of ``width`` x ``height`` cells: about one value per
        plot cell (assuming y tick labels about 5 wide; any grid is resampled to the cells)."""
        cols, rows = estimate_area(width, height, 5)
        return max(2, rows), max(2, cols)

    def show(self, view: PredictionView) -> None:
        """Draw ``view`` (repaints only the cells that changed)."""
        self._view = view
        self._update()

    def mark(self, point: tuple[float, float] | None) -> None:
        """Mark ``point`` (x1, x2), the Math view's sample, with ``MARK_SAMPLE`` (None: no mark)."""
        if point != self.marked:
            self.marked = point
            self._update()

    @property
    def view(self) -> PredictionView | None:
        """The view drawn (None: the empty plot)."""
        return self._view

    def clear(self) -> None:
        """Back to the empty plot with its hint."""
        self._view = None
        self._update()

    # -- drawing --------------------------------------------------------------------------------

    def sketch(self, width: int, height: int) -> Sketch | None:
        if estimate_area(width, height, 0)[1] < MIN_AREA[1]:
            return None
        view = self._view
        if view is None:
            return self._empty(width, height, self.hint, ("x1", "x2"))
        X = np.asarray(view.X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            return self._empty(width, height, "no test points to show", view.feature_names)
        y_true = np.asarray(view.Y, dtype=np.float64).reshape(-1)
        pred = np.asarray(view.pred, dtype=np.float64).reshape(-1)
        x1 = X[0]
        x2 = X[1] if X.shape[0] > 1 else y_true
        m = min(x1.shape[0], x2.shape[0], y_true.shape[0], pred.shape[0])
        x1, x2, y_true, pred = x1[:m], x2[:m], y_true[:m], pred[:m]
        if not (np.isfinite(x1) & np.isfinite(x2)).any():
            return self._empty(width, height, "no test points to show", view.feature_names)
        regression = view.problem == "regression"
        curve = regression and bool(np.array_equal(x2, y_true, equal_nan=True))
        surface = view.surface if view.surface is not None and view.surface.ndim == 2 else None

        # Plot range: the surface's extent when there is one (the grid covers the plot), else the
        # points (and the fitted curve) with a margin.
        extent = view.surface_extent
        if (
            surface is not None
            and extent is not None
            and all(map(math.isfinite, extent))
            and (extent[1] > extent[0] and extent[3] > extent[2])
        ):
            box: Box = (float(extent[0]), float(extent[1]), float(extent[2]), float(extent[3]))
        else:
            xlo, xhi = padded_bounds(x1)
            ylo, yhi = padded_bounds(np.concatenate([x2, pred]) if curve else x2)
            box = (xlo, xhi, ylo, yhi)
        xlo, xhi, ylo, yhi = box
        rows = estimate_area(width, height, 0)[1]
        yt, ystep = ticks_between(ylo, yhi, max(2, min(6, rows // 3 + 1)))
        yticks = [(v, format_tick(v, ystep)) for v in yt]
        ylabel_width = max(len(label) for _, label in yticks)
        cols, rows = estimate_area(width, height, ylabel_width)
        if cols < MIN_AREA[0]:
            return None
        xt, xstep = ticks_between(xlo, xhi, max(2, cols // 10))
        colors = self.role_colors()
        cells = (cols, rows)
        kind = (regression, curve)
        many = view.classes > 2 and not regression and len(view.class_names) == view.classes
        if many:  # 3 to 10 classes: a marker per class, lettered regions (class_marks)
            points, entries = class_series((x1, x2), y_true, pred, box, cells, view.class_names)
        else:
            points, entries = point_series((x1, x2), y_true, pred, box, cells, kind)
        sk = Sketch()
        if surface is not None:
            # Cells under a point are left out: the point covers them.
            px = np.concatenate([p[0] for p in points])
            py = np.concatenate([p[1] for p in points])
            src = view.surface_extent or box
            for k, (sx, sy) in region_cells(surface, src, box, cells, px, py) if many else []:
                sk.points(sx, sy, str(k), colors["surface"])
            levels = [] if many else surface_levels(surface, src, box, cells, px, py, regression)
            for level, (sx, sy) in levels:
                sk.points(sx, sy, SHADES[level], colors["surface"])
        for px, py, mark, role in points:
            sk.points(px, py, mark, colors[role], bold=role == "wrong")
        entries = (
            self._lines(sk, view, box, cells, colors, (regression, curve), (x1, pred)) + entries
        )
        if self.marked is not None and all(map(math.isfinite, self.marked)):
            mx, my = self.marked
            sk.points([mx], [my], MARK_SAMPLE, colors["boundary"], bold=True)
            entries.insert(0, ("sample", MARK_SAMPLE, WORDS["sample"]))
        if surface is not None and many:
            entries.append(("surface", f"0-{view.classes - 1}", WORDS["regions"]))
        elif surface is not None and not curve:
            words = view.surface_label or WORDS["value" if regression else "probability"]
            entries.append(("surface", SHADE_SAMPLE, words))
        xlabel, ylabel = fit_axis_labels(*view.feature_names, ylabel_width + 1, cols)
        title = legend(entries, cols)
        self.legend_entries, self.legend_complete = entries, entries_shown(title, entries)
        sk.frame(title, xlabel, ylabel)
        sk.axes((xlo, xhi), (ylo, yhi), [(v, format_tick(v, xstep)) for v in xt], yticks)
        return sk

    def _lines(
        self,
        sk: Sketch,
        view: PredictionView,
        box: Box,
        cells: tuple[int, int],
        colors: Mapping[str, RGB],
        kind: tuple[bool, bool],
        fit: tuple[F64, F64],
    ) -> list[Entry]:
        """Add the lines, after the points so they stay visible: the true line, then the learned
        boundary over it, then the true line's dashes over the boundary (both show where they
        share cells) or, for a one-feature regression (``kind`` = (regression, curve)), the
        fitted curve through ``fit`` = (x1, prediction). Returns their legend entries."""
        regression, curve = kind
        xlo, xhi, ylo, yhi = box
        entries: list[Entry] = []
        stroke, slope, intercept = "", 0.0, 0.0
        if view.true_line is not None and all(map(math.isfinite, view.true_line)):
            slope, intercept = view.true_line
            # The stroke for the slope on screen: rows per column of the line.
            on_screen = slope * (cells[1] / (yhi - ylo)) / (cells[0] / (xhi - xlo))
            stroke = str(stroke_chars(np.array([1.0]), np.array([on_screen]))[0])
            seg = clip_line(slope, -1.0, intercept, box)
            if seg is not None:
                sk.line([seg[0], seg[2]], [seg[1], seg[3]], stroke, colors["true"])
            entries.append(("true", stroke, WORDS["true"]))
        if view.boundary is not None and not regression and all(map(math.isfinite, view.boundary)):
            w1, w2, b = view.boundary
            seg = clip_line(w1, w2, b, box)
            marker = BRAILLE if self.unicode else BOUNDARY_ASCII
            if seg is not None:
                sk.line([seg[0], seg[2]], [seg[1], seg[3]], marker, colors["boundary"])
                if stroke:
                    dx, dy = dashes(slope, -1.0, intercept, box, cells)
                    sk.points(dx, dy, stroke, colors["true"])
            sample = BOUNDARY_SAMPLE if self.unicode else BOUNDARY_ASCII
            entries.insert(0, ("boundary", sample, WORDS["boundary"]))
        if curve:
            x1, pred = fit
            order = np.argsort(x1, kind="stable")
            fx, fy = column_extrema(x1[order], pred[order], xlo, xhi, cells[0])
            self.draw_line(sk, fx, fy, colors["fit"], box, cells)
            sample = BOUNDARY_SAMPLE if self.unicode else CURVE_SAMPLE_ASCII
            entries.insert(0, ("fit", sample, WORDS["fit"]))
        return entries

    def _empty(self, width: int, height: int, note: str, names: tuple[str, str]) -> Sketch | None:
        self.legend_entries, self.legend_complete = [], True
        rows = estimate_area(width, height, 0)[1]
        yt, ystep = ticks_between(0.0, 1.0, max(2, min(6, rows // 3 + 1)))
        yticks = [(v, format_tick(v, ystep)) for v in yt]
        ylabel_width = max(len(label) for _, label in yticks)
        cols, _ = estimate_area(width, height, ylabel_width)
        if cols < MIN_AREA[0]:
            return None
        xt, xstep = ticks_between(0.0, 1.0, max(2, cols // 10))
        sk = Sketch()
        xlabel, ylabel = fit_axis_labels(*names, ylabel_width + 1, cols)
        sk.frame("", xlabel, ylabel)
        sk.axes((0.0, 1.0), (0.0, 1.0), [(v, format_tick(v, xstep)) for v in xt], yticks)
        sk.note(note, 0.5, 0.5, self.role_colors()["text"])
        return sk
