"""The cost chart with the learning rate drawn under the costs, when a schedule moves it.

``RateCostChart`` is the training pane's ``CostChart``: with a learning-rate schedule other than
``constant`` (``set_schedule``) it adds one series to the chart's sketch, a dot (``·``; ``.``
without braille) per plot column at the rate of that column's iteration, sharing the cost's x
axis, and names it in the legend with its first and last rate in view (``· lr 0.1→0.001``).
The rate has its own scale: the plot's full height is 0 to the run's highest rate (the base
rate of a decaying schedule), so its shape reads the same on a linear or log cost axis, in the
recent view and in the zoomed chart (``z`` zooms this widget).

A constant schedule draws nothing: a flat line at the top of the plot would only repeat the
learning-rate field and crowd the first rows, where a cost curve starts.

The dots are drawn first, under the cost line, the test marks and the cursor. The rate is a
pure function of the iteration (``neuron_core.training.lr_schedule``), so no history is kept:
the points of a view are computed for its columns (cached per view and size), and a poll that
changes nothing leaves the sketch equal (no drawing, no repaint).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from neuron_core.config import TrainConfig
from neuron_core.training.lr_schedule import rate_at
from tui.charts.axes import format_count, snap
from tui.charts.base import estimate_area
from tui.charts.cost_axes import legend
from tui.charts.cost_chart import TRAIN_SAMPLE, TRAIN_SAMPLE_ASCII, CostChart
from tui.charts.sketch import Call, Sketch

RATE_MARK = "·"
RATE_MARK_ASCII = "."


@lru_cache(maxsize=16)
def rate_points(
    schedule: TrainConfig,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    cells: tuple[int, int],
) -> tuple[tuple[float, ...], tuple[float, ...], float, float]:
    """The rate curve of ``schedule`` in a plot of ``cells`` (columns, rows) spanning
    iterations ``xlim`` and axis units ``ylim``: x (cols,) at the column centres and y (cols,)
    with the rate scaled so 0 is the bottom and the run's highest rate the top (both snapped to
    their cells), and the rates at the two ends of ``xlim``."""
    (xlo, xhi), (ylo, yhi), (cols, rows) = xlim, ylim, cells
    top = max(rate_at(schedule, 0), rate_at(schedule, schedule.iterations))
    centres = xlo + (np.arange(cols, dtype=np.float64) + 0.5) * ((xhi - xlo) / cols)
    rates = np.array([rate_at(schedule, int(x)) for x in centres.tolist()])
    y = ylo + (yhi - ylo) * (rates / top)
    x = snap(centres, xlo, xhi, cols)
    y = snap(y, ylo, yhi, rows)
    first, last = rate_at(schedule, int(xlo)), rate_at(schedule, int(xhi))
    return tuple(x.tolist()), tuple(y.tolist()), first, last


def rate_legend(width: int, modes: list[str], sample: str, label: str) -> str:
    """The cost chart's legend (``cost_axes.legend``) with the rate's entry after it, the
    longest that fits ``width``: ``· lr 0.1→0.001``, else ``· lr``; else the legend alone."""
    for suffix in (f"   {label}", f"  {label}", f"  {label.split(' ')[0]} lr"):
        text = legend(width - len(suffix), modes, sample)
        if text:
            return text + suffix
    return legend(width, modes, sample)


class RateCostChart(CostChart):
    """``CostChart`` plus the learning rate of a schedule (see the module docstring)."""

    schedule: TrainConfig | None = None
    """The training config whose schedule is drawn (None: nothing drawn)."""

    def set_schedule(self, schedule: TrainConfig | None) -> None:
        """Draw ``schedule``'s rate (None or a constant schedule: no rate); redraws only when
        it changed."""
        if schedule is not None and schedule.lr_schedule == "constant":
            schedule = None
        if schedule != self.schedule:
            self.schedule = schedule
            self._update()

    def sketch(self, width: int, height: int) -> Sketch | None:
        sk = super().sketch(width, height)
        schedule = self.schedule
        if sk is None or schedule is None:
            return sk
        found = {call.method: i for i, call in enumerate(sk.calls)}
        xlim, ylim = sk.calls[found["xlim"]].args, sk.calls[found["ylim"]].args
        ylabels = sk.calls[found["yticks"]].args[1]
        cols, rows = estimate_area(width, height, max((len(s) for s in ylabels), default=0))
        if cols < 2 or rows < 2:
            return sk
        x, y, first, last = rate_points(schedule, xlim, ylim, (cols, rows))
        mark = RATE_MARK if self.unicode else RATE_MARK_ASCII
        color = self.role_colors()["text"]
        # Right after the axes: under every other series.
        dots = Call("scatter", (x, y), (("marker", mark), ("color", color)))
        sk.calls.insert(found["yticks"] + 1, dots)
        sk.series += 1
        if self.readout() is None:  # the legend line (the cursor's readout replaces it)
            arrow = "→" if self.unicode else "->"
            label = f"{mark} lr {first:.2g}{arrow}{last:.2g}"
            modes = ["log y" if self._log_ok else "log y: no positive cost"] if self.log_y else []
            if self.recent:
                modes.append(f"last {format_count(int(xlim[1] - xlim[0]))} iterations")
            sample = TRAIN_SAMPLE if self.unicode else TRAIN_SAMPLE_ASCII
            sk.calls[found["title"]] = Call("title", (rate_legend(cols, modes, sample, label),))
        return sk
