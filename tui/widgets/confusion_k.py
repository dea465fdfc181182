"""The metrics table of a classifier with 3 to 10 classes, for the predictions pane's side::

    accuracy 97.5%  (1,950 of 2,000)
    cls  prec   rec   0   1   2   (pred)
    o 0  .990  .985  659  8   0
    x 1  .970  .980   5  653  8
    + 2  ...

One row per true class: its marker on the plot (``tui.charts.class_marks``) and label, the
class's precision and recall, then the counts of the points of that class predicted as each
class (the K x K confusion matrix, rows = true class, columns = predicted). Text only, so it
reads without colour; the theme colours it.
"""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from neuron_core.confusion import MultiClassReport
from tui.charts.class_marks import class_mark


def _short(v: float) -> str:
    """A 0..1 ratio in 4 characters: ``.985``, ``1.00``; ``n/a`` when undefined."""
    if not math.isfinite(v):
        return "n/a"
    return "1.00" if v >= 0.9995 else f"{v:.3f}"[1:]


def multiclass_table(report: MultiClassReport) -> RenderableType:
    """Accuracy, then per true class: marker and label, precision, recall and its row of the
    confusion matrix."""
    correct = sum(report.confusion[k][k] for k in range(report.classes))
    head = Text.assemble(
        ("accuracy ", ""),
        (f"{100 * report.accuracy:.1f}%" if math.isfinite(report.accuracy) else "n/a", "bold"),
        f"  ({correct:,} of {report.m:,})",
    )
    grid = Table.grid(padding=(0, 1))
    grid.add_column()
    for _ in range(2 + report.classes):
        grid.add_column(justify="right")
    grid.add_row("cls", "prec", "rec", *(str(k) for k in range(report.classes)))
    for k, row in enumerate(report.confusion):
        cells = [f"{v:,}" for v in row]
        grid.add_row(
            f"{class_mark(k)} {k}", _short(report.precision[k]), _short(report.recall[k]), *cells
        )
    note = Text("rows true, columns predicted", style="italic")
    return Group(head, grid, note)
