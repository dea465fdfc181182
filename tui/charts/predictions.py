"""The predictions scatter: test points by predicted class, the learned boundary, the true line.

Everything reads without colour (NO_COLOR, 16-colour terminals, a screen reader on the captured
text); colour, from the Textual theme, only adds to it:

========================  =========  ==========================================================
what                      character  notes
========================  =========  ==========================================================
predicted class 0         ``o``      classification, correctly classified
predicted class 1         ``x``      classification, correctly classified
misclassified             ``!``      drawn on top of everything (bold)
learned boundary          braille    thin line ``w1*x1 + w2*x2 + b = 0`` (linear models);
                                     ``*`` where the terminal has no braille (``glyphs``)
true line                 ``-/|\\``  the ``line`` dataset's generating line, ASCII by its slope
decision surface          `` ·░▒``   P(class 1) in quarters: <.25 blank, <.5 ``·``, <.75 ``░``,
                                     else ``▒``; the boundary is where ``·`` meets ``░``
regression, one feature   ``o`` +    the test points (x1, target) and the fitted curve (braille,
                                     or ASCII strokes without braille)
regression, two features  ``+ -``    target above / below the prediction, over the shaded
                                     predicted value (normalised to the grid's range)
========================  =========  ==========================================================

``show(view)`` takes a ``PredictionView`` (computed by the app on the UI thread at 1-2 Hz and on
pause); like the cost chart it repaints only the cells that changed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tui.charts.base import MIN_CANVAS, CellPlot, Frame, canvas_size, empty_cells, fit_text
from tui.charts.decimate import (
    clip_line,
    format_tick,
    line_cells,
    polyline_braille,
    ticks_between,
    to_pixels,
)
from tui.views.predictions import PredictionView

F64 = NDArray[np.float64]


SHADES = np.array([" ", "·", "░", "▒"])
"""Surface shading by quarter of probability (or normalised value), lightest first."""
SHADE_EDGES = np.array([0.25, 0.5, 0.75])
MARK_0 = "o"
MARK_1 = "x"
MARK_WRONG = "!"
MARK_ABOVE = "+"
MARK_BELOW = "-"
BOUNDARY_SAMPLE = "⠤"
# Without braille the boundary is drawn in asterisks: the ASCII strokes ``-/|\`` are the true
# line's, and the two must stay apart.
BOUNDARY_ASCII = "*"
CURVE_SAMPLE_ASCII = "-"

SURFACE, BOUNDARY, TRUE_LINE, CLASS_0, CLASS_1, WRONG, FIT = range(1, 8)

# Padding around the points when there is no surface extent (fraction of their span).
PAD = 0.05


def _slope_char(slope_cells: float) -> str:
    """ASCII character for a line of ``slope_cells`` rows per column (a cell is ~2x taller than
    wide, so the visual slope is twice that)."""
    visual = 2.0 * slope_cells
    if abs(visual) < math.tan(math.radians(22.5)):
        return "-"
    if abs(visual) > math.tan(math.radians(67.5)):
        return "|"
    return "/" if visual > 0 else "\\"


def _bounds(values: F64) -> tuple[float, float]:
    """[min, max] of finite ``values`` padded by PAD of their span (never empty)."""
    v = values[np.isfinite(values)]
    if v.shape[0] == 0:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    pad = (hi - lo) * PAD if hi > lo else max(abs(lo) * 0.1, 0.5)
    return lo - pad, hi + pad


class PredictionsPlot(CellPlot):
    """ASCII scatter of the test points by predicted class, with boundary, true line, surface."""

    ROLES = (
        ("foreground", False),
        ("foreground-muted", False),  # surface
        ("foreground", False),  # boundary
        ("success", False),  # true line
        ("accent", False),  # class 0 / below
        ("primary", False),  # class 1 / above
        ("error", True),  # misclassified
        ("accent", False),  # fitted curve
    )

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

    @staticmethod
    def grid_shape_for(width: int, height: int) -> tuple[int, int]:
        """(gy, gx) surface grid for a plot of ``width`` x ``height`` cells: one value per plot
        cell (assuming y tick labels about 5 wide; any grid is resampled to the plot area)."""
        cols, rows = canvas_size(width, height, 5)
        return max(2, rows), max(2, cols)

    def show(self, view: PredictionView) -> None:
        """Draw ``view`` (repaints only the cells that changed)."""
        self._view = view
        self._update()

    def clear(self) -> None:
        """Back to the empty plot with its hint."""
        self._view = None
        self._update()

    # -- drawing --------------------------------------------------------------------------------

    def _compose_frame(self, width: int, height: int) -> Frame | None:
        _, rows = canvas_size(width, height, 0)
        if rows < MIN_CANVAS[1]:
            return None
        view = self._view
        if view is None:
            return self._empty(width, height, rows, self.hint, ("x1", "x2"))
        X = np.asarray(view.X, dtype=np.float64)
        y_true = np.asarray(view.Y, dtype=np.float64).reshape(-1)
        pred = np.asarray(view.pred, dtype=np.float64).reshape(-1)
        if X.ndim != 2 or X.shape[0] == 0:
            return self._empty(width, height, rows, "no test points to show", view.feature_names)
        x1 = X[0]
        x2 = X[1] if X.shape[0] > 1 else y_true
        m = min(x1.shape[0], x2.shape[0], y_true.shape[0], pred.shape[0])
        x1, x2, y_true, pred = x1[:m], x2[:m], y_true[:m], pred[:m]
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
            xlo, xhi, ylo, yhi = (float(e) for e in extent)
        else:
            xlo, xhi = _bounds(x1)
            ylo, yhi = _bounds(np.concatenate([x2, pred]) if curve else x2)
        finite = np.isfinite(x1) & np.isfinite(x2)
        if not finite.any():
            return self._empty(width, height, rows, "no test points to show", view.feature_names)

        yt, ystep = ticks_between(ylo, yhi, max(2, min(6, rows // 3 + 1)))
        ylabels = [format_tick(v, ystep) for v in yt]
        cols, rows = canvas_size(width, height, max(len(s) for s in ylabels))
        if cols < MIN_CANVAS[0]:
            return None
        yrows = to_pixels(np.array(yt), ylo, yhi, 4 * rows) // 4
        xt, xstep = ticks_between(xlo, xhi, max(2, cols // 10))
        xcols = to_pixels(np.array(xt), xlo, xhi, 2 * cols) // 2
        chars, roles = empty_cells(cols, rows)
        box = (xlo, xhi, ylo, yhi)
        legend: list[tuple[str, str]] = []

        if surface is not None:
            self._draw_surface(chars, roles, surface, box, view.surface_extent or box, regression)
        # The true line goes under the learned boundary: where they coincide, the model shows.
        true_char = ""
        if view.true_line is not None and all(map(math.isfinite, view.true_line)):
            slope, intercept = view.true_line
            seg = clip_line(slope, -1.0, intercept, box)
            true_char = _slope_char(slope * (rows / (yhi - ylo)) / (cols / (xhi - xlo)))
            if seg is not None:
                cx = to_pixels(np.array([seg[0], seg[2]]), xlo, xhi, cols)
                cy = to_pixels(np.array([seg[1], seg[3]]), ylo, yhi, rows)
                lx, ly = line_cells(int(cx[0]), int(cy[0]), int(cx[1]), int(cy[1]))
                chars[ly, lx] = true_char
                roles[ly, lx] = TRUE_LINE

        if view.boundary is not None and not regression and all(map(math.isfinite, view.boundary)):
            w1, w2, b = view.boundary
            seg = clip_line(w1, w2, b, box)
            if seg is not None:
                px = to_pixels(np.array([seg[0], seg[2]]), xlo, xhi, 2 * cols)
                py = to_pixels(np.array([seg[1], seg[3]]), ylo, yhi, 4 * rows)
                codes = polyline_braille(px, py, cols, rows)
                on = codes > 0
                chars[on] = self.line_chars(codes[on]) if self.unicode else BOUNDARY_ASCII
                roles[on] = BOUNDARY
            sample = BOUNDARY_SAMPLE if self.unicode else BOUNDARY_ASCII
            legend.append((f"{sample} boundary", f"{sample} bound."))
        if true_char:
            legend.append((f"{true_char} true line", f"{true_char} true"))
        inside = finite & (x1 >= xlo) & (x1 <= xhi) & (x2 >= ylo) & (x2 <= yhi)
        pc = to_pixels(x1[inside], xlo, xhi, cols)
        pr = to_pixels(x2[inside], ylo, yhi, rows)
        if curve:
            ok = np.isfinite(pred) & np.isfinite(x1)
            order = np.argsort(x1[ok], kind="stable")
            fx = to_pixels(x1[ok][order], xlo, xhi, 2 * cols)
            fy = to_pixels(pred[ok][order], ylo, yhi, 4 * rows)
            codes = polyline_braille(fx, fy, cols, rows)
            on = codes > 0
            chars[on] = self.line_chars(codes[on])
            roles[on] = FIT
            chars[pr, pc] = MARK_0
            roles[pr, pc] = CLASS_1
            sample = BOUNDARY_SAMPLE if self.unicode else CURVE_SAMPLE_ASCII
            legend = [
                (f"{MARK_0} test points", f"{MARK_0} points"),
                (f"{sample} fitted curve", f"{sample} fit"),
                *legend,
            ]
        elif regression:
            above = (y_true - pred)[inside] >= 0
            for mask, mark, role in ((~above, MARK_BELOW, CLASS_0), (above, MARK_ABOVE, CLASS_1)):
                chars[pr[mask], pc[mask]] = mark
                roles[pr[mask], pc[mask]] = role
            legend = [
                (f"{MARK_ABOVE} above prediction", f"{MARK_ABOVE} above"),
                (f"{MARK_BELOW} below", f"{MARK_BELOW} below"),
                *legend,
            ]
            if surface is not None:
                legend.append(self._surface_legend(view, ("·░▒ predicted value", "·░▒ value")))
        else:
            cls = pred[inside] > 0.5
            wrong = cls != (y_true[inside] > 0.5)
            for mask, mark, role in (
                (~cls & ~wrong, MARK_0, CLASS_0),
                (cls & ~wrong, MARK_1, CLASS_1),
                (wrong, MARK_WRONG, WRONG),
            ):
                chars[pr[mask], pc[mask]] = mark
                roles[pr[mask], pc[mask]] = role
            legend = [
                (f"{MARK_0} predicted 0", f"{MARK_0} 0"),
                (f"{MARK_1} predicted 1", f"{MARK_1} 1"),
                (f"{MARK_WRONG} misclassified", f"{MARK_WRONG} wrong"),
                *legend,
            ]
            if surface is not None:
                legend.append(self._surface_legend(view, ("·░▒ P(class 1)", "·░▒ P(1)")))

        return Frame(
            size=(width, height),
            title=self._legend(legend, cols),
            xlabel=view.feature_names[0],
            ylabel=view.feature_names[1],
            xticks=tuple(zip(xcols.tolist(), [format_tick(v, xstep) for v in xt], strict=True)),
            yticks=tuple(zip(yrows.tolist(), ylabels, strict=True)),
            chars=chars,
            roles=roles,
        )

    @staticmethod
    def _surface_legend(view: PredictionView, default: tuple[str, str]) -> tuple[str, str]:
        """Legend entry (long, short) for the shading: the view's own label, or ``default``."""
        if view.surface_label is None:
            return default
        return (f"·░▒ {view.surface_label}", f"·░▒ {view.surface_label}")

    @staticmethod
    def _legend(entries: list[tuple[str, str]], width: int) -> str:
        long = "  ".join(e[0] for e in entries)
        short = "  ".join(e[1] for e in entries)
        tiny = " ".join(e[1].split(" ")[0] for e in entries)
        return fit_text([long, short, tiny], width)

    @staticmethod
    def _draw_surface(
        chars: NDArray[np.str_],
        roles: NDArray[np.int8],
        surface: F64,
        box: tuple[float, float, float, float],
        extent: tuple[float, float, float, float],
        regression: bool,
    ) -> None:
        """Shade every plot cell by the surface value at its centre (nearest grid point)."""
        rows, cols = chars.shape
        gy, gx = surface.shape
        if gy == 0 or gx == 0:
            return
        xlo, xhi, ylo, yhi = box
        exlo, exhi, eylo, eyhi = extent
        if not (exhi > exlo and eyhi > eylo):
            return
        xc = xlo + (np.arange(cols) + 0.5) * (xhi - xlo) / cols
        yc = ylo + (np.arange(rows) + 0.5) * (yhi - ylo) / rows
        ix = np.floor((xc - exlo) / (exhi - exlo) * gx).astype(np.int64)
        iy = np.floor((eyhi - yc) / (eyhi - eylo) * gy).astype(np.int64)  # grid row 0 = top
        ok_x = (ix >= 0) & (ix < gx)
        ok_y = (iy >= 0) & (iy < gy)
        values = surface[np.clip(iy, 0, gy - 1)[:, None], np.clip(ix, 0, gx - 1)[None, :]]
        values = np.where(ok_y[:, None] & ok_x[None, :], values, np.nan)
        if regression:
            finite = values[np.isfinite(values)]
            if finite.shape[0] == 0:
                return
            lo, hi = float(finite.min()), float(finite.max())
            values = (values - lo) / (hi - lo) if hi > lo else np.full_like(values, 0.5)
        level = np.digitize(np.nan_to_num(values, nan=0.0), SHADE_EDGES)
        level[~np.isfinite(values)] = 0
        shaded = level > 0
        chars[shaded] = SHADES[level[shaded]]
        roles[shaded] = SURFACE

    def _empty(
        self, width: int, height: int, rows: int, note: str, names: tuple[str, str]
    ) -> Frame | None:
        yt, ystep = ticks_between(0.0, 1.0, max(2, min(6, rows // 3 + 1)))
        ylabels = [format_tick(v, ystep) for v in yt]
        cols, rows = canvas_size(width, height, max(len(s) for s in ylabels))
        if cols < MIN_CANVAS[0]:
            return None
        xt, xstep = ticks_between(0.0, 1.0, max(2, cols // 10))
        chars, roles = empty_cells(cols, rows)
        return Frame(
            size=(width, height),
            title="",
            xlabel=names[0],
            ylabel=names[1],
            xticks=tuple(
                zip(
                    (to_pixels(np.array(xt), 0, 1, 2 * cols) // 2).tolist(),
                    [format_tick(v, xstep) for v in xt],
                    strict=True,
                )
            ),
            yticks=tuple(
                zip((to_pixels(np.array(yt), 0, 1, 4 * rows) // 4).tolist(), ylabels, strict=True)
            ),
            chars=chars,
            roles=roles,
            note=note,
        )
