"""The summary lines of a classifier with 3 to 10 classes (``neuron-tui train`` without --json).

The report (``tui.cli.report``) holds the test set's K x K ``confusion`` (rows: true class,
columns: predicted) and per-class ``precision`` and ``recall`` lists; these functions word them as
one line each. Names come from the data: the caller escapes the text (``tui.text.printable``).
"""

from __future__ import annotations

from typing import Any


def _name(names: list[str] | None, k: int) -> str:
    return names[k] if names else str(k)


def class_scores_text(rep: dict[str, Any]) -> str:
    """``'a' precision 0.98 recall 0.97; 'b' ...``: every class's test precision and recall."""
    names = rep["class_names"]
    return "; ".join(
        f"{_name(names, k)!r} precision {p:.4f} recall {r:.4f}"
        for k, (p, r) in enumerate(zip(rep["precision"], rep["recall"], strict=True))
    )


def confusion_rows_text(rep: dict[str, Any]) -> str:
    """``true 'a': 50 1 0 | true 'b': ...``: each true class's row of predicted counts, columns in
    class order."""
    names = rep["class_names"]
    return " | ".join(
        f"true {_name(names, k)!r}: " + " ".join(f"{v:,}" for v in row)
        for k, row in enumerate(rep["confusion"])
    )
