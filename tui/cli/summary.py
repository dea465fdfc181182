"""The report of ``neuron-tui train`` shown to its reader: one JSON object, lines, or a table.

``summary_rows`` turns the report (``tui.cli.report``) into (label, text) rows shared by the
plain summary (pipes, logs) and the rich table (a terminal); ``print_report`` picks the form.

Imports only the standard library; rich is imported when a table is drawn.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from tui.text import printable


def _num(x: float | None, digits: int = 6) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100.0 * x:.2f}%"


def _model_text(rep: dict[str, Any]) -> str:
    """``single neuron (sigmoid output, log loss), zeros init`` or
    ``network 2-4-2-1, tanh hidden, sigmoid output (log loss), xavier init (seed 0)``."""
    if rep["problem"] == "regression":
        output = "linear output, squared error"
    elif rep.get("loss") == "squared":
        output = "sigmoid output, squared error"
    else:
        output = "sigmoid output, log loss"
    k = rep.get("classes") or 2
    if k > 2:  # a softmax over k units; no hidden layer: multinomial logistic regression
        output = f"softmax output of {k} classes, cross-entropy"
    notes = ["auto"] if rep.get("init_setting") == "auto" else []
    if rep["init"] != "zeros":
        notes.append(f"seed {rep['init_seed']}")
    init = f"{rep['init']} init" + (f" ({', '.join(notes)})" if notes else "")
    if not rep["hidden"] and k > 2:
        return f"{k} neurons, no hidden layer ({output}), {init}"
    if not rep["hidden"]:
        return f"single neuron ({output}), {init}"
    sizes = "-".join(str(n) for n in rep["layer_sizes"])
    return f"network {sizes}, {rep['activation']} hidden, {output}, {init}"


def schedule_text(rep: dict[str, Any]) -> str:
    """``step x0.5 every 1,000``, ``exp x0.5 per 1,000`` or ``cosine to 0.001`` (as
    ``neuron_core.training.lr_schedule.describe``, from the report)."""
    kind = rep["lr_schedule"]
    if kind == "cosine":
        return f"cosine to {rep['lr_min']:g}"
    every = "every" if kind == "step" else "per"
    return f"{kind} x{rep['lr_decay']:g} {every} {rep['lr_step_every']:,}"


def _settings_text(rep: dict[str, Any]) -> str:
    """``gd, lr 0.1, full batch, float64`` plus whatever else is switched on."""
    batch = "full batch" if rep["batch_size"] is None else f"batches of {rep['batch_size']:,}"
    parts = [rep["optimizer"], f"lr {rep['lr']:g}", batch, rep["dtype"]]
    if rep.get("lr_schedule", "constant") != "constant":
        parts[1] += f" ({schedule_text(rep)})"
    if rep["l1"]:
        parts.append(f"l1 {rep['l1']:g}")
    if rep["l2"]:
        parts.append(f"l2 {rep['l2']:g}")
    if rep.get("dropout"):
        parts.append(f"dropout {rep['dropout']:g}")
    if rep["target_cost"] is not None:
        parts.append(f"target cost {rep['target_cost']:g}")
    if rep["early_stop"] is not None:
        parts.append(f"early stop after {rep['early_stop']} test costs without improvement")
    parts.append(f"test cost every {rep['test_every']:,}")
    return ", ".join(parts)


def _weights_text(rep: dict[str, Any]) -> str:
    if rep["bias"] is not None:
        pairs = ", ".join(
            f"{name} {_num(w)}" for name, w in zip(rep["inputs"], rep["weights"], strict=True)
        )
        return f"{pairs}; bias {_num(rep['bias'])}"
    shapes = ", ".join(f"{len(W)}x{len(W[0])}" for W in rep["weights"])
    count = sum(len(W) * len(W[0]) + len(W) for W in rep["weights"])
    return f"{count:,} parameters, weight matrices {shapes} (--json lists them)"


def summary_rows(rep: dict[str, Any]) -> list[tuple[str, str]]:
    """The report as (label, text) rows, shared by the plain and the table summary. Names from
    the data (CSV columns and labels, paths) are escaped (``tui.text.printable``)."""
    if rep["source"] == "csv":
        source = f"{rep['dataset']} (CSV, split seed {rep['seed']})"
    else:
        source = f"{rep['dataset']} (generated, seed {rep['seed']})"
    rows = [
        ("dataset", source),
        ("features", ", ".join(rep["features"])),
    ]
    if rep["inputs"] != rep["features"]:
        rows.append(("inputs", ", ".join(rep["inputs"])))
    rows.append(("samples", f"{rep['train_samples']:,} train, {rep['test_samples']:,} test"))
    rows.append(("model", _model_text(rep)))
    stopped = rep["stopped"].replace("_", " ")
    if rep["signal"]:
        stopped += f" ({rep['signal']})"
    rows.append(("stopped", f"{stopped} at iteration {rep['iterations']:,}"))
    if rep["reason"]:
        rows.append(("reason", rep["reason"]))
    speed = rep["iterations_per_second"]
    rows.append(
        (
            "time",
            f"{rep['seconds']:.3f} s for {rep['iterations_run']:,} iterations"
            + (f", {speed:,.0f} it/s" if speed else ""),
        )
    )
    rows.append(("settings", _settings_text(rep)))
    rows.append(
        (
            "cost",
            f"{_num(rep['first_cost'])} -> {_num(rep['final_cost'])} "
            f"(test {_num(rep['final_test_cost'])})",
        )
    )
    if rep["train_accuracy"] is not None and rep.get("classes", 2) > 2:
        rows += _multiclass_rows(rep)
    elif rep["train_accuracy"] is not None:
        rows.append(
            (
                "accuracy",
                f"train {_pct(rep['train_accuracy'])}, test {_pct(rep['test_accuracy'])}",
            )
        )
        rows.append(
            (
                "test scores",
                f"precision {_num(rep['precision'], 4)}, recall {_num(rep['recall'], 4)}, "
                f"f1 {_num(rep['f1'], 4)}",
            )
        )
        if rep["confusion"] is not None:
            rows.append(("test confusion", _confusion_text(rep["confusion"], rep["class_names"])))
    if rep["test_r2"] is not None:
        rows.append(
            (
                "fit",
                f"r2 train {_num(rep['train_r2'], 4)}, test {_num(rep['test_r2'], 4)}; "
                f"test rmse {_num(rep['test_rmse'], 4)}",
            )
        )
    rows.append(("weights", _weights_text(rep)))
    rows.extend(("warning", w) for w in rep["warnings"])
    if rep["loaded"]:
        rows.append(("loaded", rep["loaded"]))
    if rep["saved"]:
        rows.append(("saved", rep["saved"]))
    rows.append(("command", rep["command"]))
    return [(label, printable(text)) for label, text in rows]


def _multiclass_rows(rep: dict[str, Any]) -> list[tuple[str, str]]:
    """Accuracy, per-class scores and the K x K confusion of a 3 to 10 class run."""
    from tui.cli.classes_text import class_scores_text, confusion_rows_text

    acc = f"train {_pct(rep['train_accuracy'])}, test {_pct(rep['test_accuracy'])}"
    return [
        ("accuracy", f"{acc} ({rep['classes']} classes)"),
        ("test scores", class_scores_text(rep)),
        ("test confusion", confusion_rows_text(rep) + " (rows: true, columns: predicted)"),
    ]


def _confusion_text(confusion: list[list[int]], class_names: list[str] | None) -> str:
    """``[[tn, fp], [fn, tp]]`` (rows: true class, columns: predicted) as one line."""
    (tn, fp), (fn, tp) = confusion
    text = f"TN {tn:,}, FP {fp:,}, FN {fn:,}, TP {tp:,}"
    if class_names and class_names != ["0", "1"]:
        text += f" (positive class {class_names[1]!r})"
    return text


def print_plain_summary(rep: dict[str, Any], write: Callable[[str], object]) -> None:
    """``label: text`` lines, for pipes and logs."""
    write("".join(f"{label}: {text}\n" for label, text in summary_rows(rep)))


def print_table_summary(rep: dict[str, Any]) -> None:
    """A rich table, for a terminal (cells as plain text: a name like ``[red]x`` is no markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="neuron-tui train", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, text in summary_rows(rep):
        table.add_row(label, Text(text))
    Console().print(table)


def print_report(rep: dict[str, Any], as_json: bool, tty: bool) -> None:
    """Print ``rep`` on stdout: one JSON line (``--json``), a table on a terminal, else lines."""
    if as_json:
        sys.stdout.write(json.dumps(rep, allow_nan=False) + "\n")
    elif tty:
        print_table_summary(rep)
    else:
        print_plain_summary(rep, sys.stdout.write)
    sys.stdout.flush()
