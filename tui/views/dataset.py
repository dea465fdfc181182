"""What the dataset pane says about the data: its split, class balance and warnings (class names
and warnings quote the file's data: escaped, see ``tui.text``)."""

from __future__ import annotations

import math

from neuron_core.data.dataset import Dataset
from tui.text import printable


def dataset_summary(dataset: Dataset) -> tuple[list[str], tuple[str, ...]]:
    """(lines, warnings) describing ``dataset``: the split and the number of features, then the
    class balance (classification) or the target's mean and spread (regression)."""
    n = dataset.n_features
    lines = [
        f"{dataset.m_train:,} train · {dataset.m_test:,} test · {n} feature{'s' if n != 1 else ''}"
    ]
    if dataset.problem == "classification" and dataset.n_classes > 2:
        lines.append(class_shares(dataset))
    elif dataset.problem == "classification":
        ones = dataset.class_balance()
        names = tuple(printable(n) for n in dataset.class_names or ("0", "1"))
        # CSV labels have names ("yes"/"no"); generated ones are just 0 and 1.
        named = names != ("0", "1")
        one = f"class 1 ({names[1]})" if named else "class 1"
        zero = f"class 0 ({names[0]})" if named else "class 0"
        lines.append(f"{one}: {100.0 * ones:.1f}% · {zero}: {100.0 * (1.0 - ones):.1f}%")
    else:
        y = dataset.Y_train
        std = float(y.std())
        line = f"regression · target mean {float(y.mean()):.3g}, std {std:.3g}"
        lines.append(line if math.isfinite(std) else line + " (not finite)")
    if dataset.hand_log is not None:
        # Hand edits (``neuron_core.data.hand_points``): the rule, where the split is shown.
        lines.append(f"by hand: {dataset.n_hand:,} placed (in train), {edits_count(dataset)} edits")
    return lines, tuple(printable(w) for w in dataset.warnings)


def class_shares(dataset: Dataset) -> str:
    """``3 classes: 0 33% · 1 33% · 2 33%``: each class's share of the training set, by label
    (the name after the label when it is not the label itself, escaped)."""
    import numpy as np

    names = dataset.class_names or ()
    counts = np.bincount(dataset.Y_train.reshape(-1).astype(np.intp), minlength=len(names))
    total = max(int(counts.sum()), 1)
    parts = [
        f"{k}{'' if name == str(k) else ' ' + printable(name)} {100.0 * int(c) / total:.0f}%"
        for k, (name, c) in enumerate(zip(names, counts, strict=False))
    ]
    return f"{len(names)} classes: " + " · ".join(parts)


def edits_count(dataset: Dataset) -> int:
    """How many points were placed or removed by hand."""
    return 0 if dataset.hand_log is None else int(dataset.hand_log.shape[0])
