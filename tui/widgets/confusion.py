"""Metrics of the current model as a compact table: confusion matrix or regression errors.

Classification::

    accuracy 98.5%  (1,970 of 2,000)
    precision 0.990  recall 0.980
    F1 0.985
              pred 0  pred 1
    true 0    TN 985   FP 10
    true 1     FN 20  TP 985

Regression::

    R² 0.987  (400 points)
    MSE 0.0123  RMSE 0.111
    MAE 0.0891

About 33 columns at most, so it fits the side pane (a longer line would wrap, splitting a label
from its value); text only (bold for the headline), the theme gives the colours.
"""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from neuron_core.confusion import MultiClassReport
from neuron_core.metrics import ClassificationReport, RegressionReport


def _ratio(v: float) -> str:
    """A 0..1 metric with 3 decimals; undefined ones (NaN) as "n/a"."""
    return "n/a" if not math.isfinite(v) else f"{v:.3f}"


def _percent(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{100 * v:.1f}%"


def _error(v: float) -> str:
    """An error value to 3 significant digits; "—" when it overflowed (a diverged fit)."""
    return "—" if not math.isfinite(v) else f"{v:.3g}"


def _r2(v: float) -> str:
    """R² with 3 decimals, or 3 significant digits when large: a diverged fit drives it to
    -1e300 and beyond, which must not print 300 digits. "—" when not finite (undefined for a
    constant target, or overflowed)."""
    if not math.isfinite(v):
        return "—"
    return f"{v:.3f}" if abs(v) < 1000 else f"{v:.3g}"


def classification_table(report: ClassificationReport) -> RenderableType:
    """Accuracy, precision/recall/F1 and the labelled 2x2 confusion matrix of ``report``."""
    correct = report.tn + report.tp
    head = Text.assemble(
        ("accuracy ", ""),
        (_percent(report.accuracy), "bold"),
        f"  ({correct:,} of {report.m:,})",
    )
    # Two lines: the three scores on one (39 columns) would wrap in the 33-column side pane,
    # splitting "F1" from its value.
    scores = Text(
        f"precision {_ratio(report.precision)}  recall {_ratio(report.recall)}\n"
        f"F1 {_ratio(report.f1)}"
    )
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_column(justify="right")
    grid.add_row("", "pred 0", "pred 1")
    grid.add_row("true 0", f"TN {report.tn:,}", f"FP {report.fp:,}")
    grid.add_row("true 1", f"FN {report.fn:,}", f"TP {report.tp:,}")
    return Group(head, scores, grid)


def regression_table(report: RegressionReport) -> RenderableType:
    """R² and the error measures of ``report``."""
    head = Text.assemble(("R² ", ""), (_r2(report.r2), "bold"), f"  ({report.m:,} points)")
    errors = Text(f"MSE {_error(report.mse)}  RMSE {_error(report.rmse)}\nMAE {_error(report.mae)}")
    return Group(head, errors)


class ConfusionView(Static):
    """How good the model is: ``show(report)`` with a classification or regression report."""

    DEFAULT_CSS = """
    ConfusionView {
        height: auto;
    }
    """

    def __init__(
        self,
        *,
        hint: str = "no results yet",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(hint, name=name, id=id, classes=classes)
        self.hint = hint
        self.report: ClassificationReport | RegressionReport | MultiClassReport | None = None

    def show(
        self, report: ClassificationReport | RegressionReport | MultiClassReport | None
    ) -> None:
        """Display ``report`` (None: the hint). Does nothing if it equals the one shown (the
        hint is shown from the start), so repeated calls cost no repaint."""
        if report == self.report:
            return
        self.report = report
        if report is None:
            self.update(self.hint)
        elif isinstance(report, MultiClassReport):  # 3 to 10 classes
            from tui.widgets.confusion_k import multiclass_table

            self.update(multiclass_table(report))
        elif isinstance(report, ClassificationReport):
            self.update(classification_table(report))
        else:
            self.update(regression_table(report))
