"""A run's exports for other tools: the cost history, the model's weights, and the data.

Three texts, written atomically (``atomic.atomic_write_text``) by ``write_export``:

* ``history`` (CSV): ``iteration,train_cost,test_cost``. Row ``i`` (0-based, as the article
  counts) holds the training cost recorded by iteration ``i`` (the cost at the parameters before
  its update) and, where one was measured at ``i``, the test cost at the parameters after ``i``
  updates; the other rows leave ``test_cost`` empty. A test cost measured after the last update
  (``i = n``) gets a last row of its own with an empty ``train_cost``. A run with a
  learning-rate schedule adds a column ``lr``: the rate of row ``i``'s update.
* ``weights`` (JSON): everything needed to apply the model elsewhere. A raw point ``x`` (one
  value per name in ``features``) becomes the model's input by ``(x - mean) / std`` when
  ``standardization`` is given, then by the ``feature_map`` (``x1^2`` means the first
  standardized feature squared; ``null``: the features unchanged), giving one value per name in
  ``inputs``. Then for each layer ``a = activation(W a + b)`` with ``W`` as rows (n_l, n_{l-1})
  (each hidden layer names its own: tanh, relu, sigmoid, linear, leaky-relu (slope 0.01), elu
  (alpha 1), softplus, silu or sine, as ``neuron_core.model.activations``); the last layer's
  activation is ``sigmoid`` (classification: class ``class_names[1]`` when the output is above
  0.5, i.e. ``W a + b > 0``) or ``linear`` (regression); with K = 3 to 10 classes the last
  layer has K rows and its activation is ``softmax``: the point is the class ``class_names[k]``
  of the largest output k (the names in label order 0..K-1).
* ``data`` (CSV): one row per point, the train points first: the features (raw values, i.e.
  ``mean + std * x`` of the standardized ones), the label (0/1, or 0..K-1, for classification, see
  ``class_names`` in the weights; the target for regression) and ``split`` (``train``/``test``).

Numbers are written with ``repr`` (the shortest text that reads back to the same float64), so an
export read back holds the run's exact values. Names from the data (CSV column names, class
names) are quoted by the ``csv`` module and escaped by ``json``: a comma, a quote or a newline in
a name cannot shift a column or break the file.

NumPy and the standard library only.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from neuron_core.config import layer_activations
from neuron_core.data.features import input_names
from neuron_core.store.atomic import atomic_write_text
from neuron_core.training.lr_schedule import rates

if TYPE_CHECKING:
    from neuron_core.data.dataset import Dataset
    from neuron_core.training.schedule import Snapshot
    from neuron_core.training.trainer import Trainer

ExportKind = Literal["history", "weights", "data"]
EXPORT_KINDS: tuple[ExportKind, ...] = ("history", "weights", "data")
WEIGHTS_FORMAT = "neuron-tui weights 1"


def _num(x: float) -> str:
    """The shortest text that reads back to the same float64 (``nan``/``inf`` as Python writes
    them, which ``float()`` and most CSV readers understand)."""
    return repr(float(x))


def _csv_text(header: list[str], rows: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def history_csv(trainer: Trainer, snapshot: Snapshot | None = None) -> str:
    """The cost history as CSV text (up to ``snapshot``'s iteration, if given); see the module
    docstring for the rows."""
    n = trainer.iteration if snapshot is None else snapshot.iteration
    # Copies of what was recorded up to n: a training thread only appends beyond it.
    costs = trainer.history.costs[:n].tolist()
    test_iters, test_costs = trainer.history.test()
    tests = {i: c for i, c in zip(test_iters.tolist(), test_costs.tolist(), strict=True) if i <= n}
    rows: list[list[str]] = [
        [str(i), _num(c), _num(tests[i]) if i in tests else ""] for i, c in enumerate(costs)
    ]
    if n in tests:
        rows.append([str(n), "", _num(tests[n])])
    header = ["iteration", "train_cost", "test_cost"]
    if trainer.train_cfg.lr_schedule != "constant":
        # The rate each row's update used (the current schedule's): a fourth column only when
        # it moves, so a constant run's export stays as it was.
        lrs = rates(trainer.train_cfg, 0, len(costs)).tolist()
        rows = [[*row, _num(lrs[int(row[0])]) if row[1] else ""] for row in rows]
        header.append("lr")
    return _csv_text(header, rows)


def _finite_or_none(values: list[float]) -> list[float | None]:
    # JSON has no NaN: a diverged run's non-finite parameters become null.
    return [v if np.isfinite(v) else None for v in values]


def weights_dict(trainer: Trainer, snapshot: Snapshot | None = None) -> dict[str, Any]:
    """The model as a JSON-safe dict (the parameters of ``snapshot``, if given: safe while
    another thread trains); see the module docstring for how to apply it."""
    data, mcfg = trainer.data, trainer.model_cfg
    params = trainer.model.get_params() if snapshot is None else snapshot.params
    last = len(params) // 2 - 1
    output = "sigmoid" if data.problem == "classification" else "linear"
    hidden = layer_activations(mcfg.activation, last)
    if params[-1].shape[0] > 1:  # K output units: a softmax over K classes
        output = "softmax"
    layers = [
        {
            "weights": [_finite_or_none(row) for row in W.tolist()],
            "biases": _finite_or_none(b.reshape(-1).tolist()),
            "activation": output if layer == last else hidden[layer],
        }
        for layer, (W, b) in enumerate(zip(params[0::2], params[1::2], strict=True))
    ]
    standardization = None
    if data.standardization is not None:
        mean, std = data.standardization
        standardization = {
            "mean": _finite_or_none(mean.reshape(-1).tolist()),
            "std": _finite_or_none(std.reshape(-1).tolist()),
        }
    return {
        "format": WEIGHTS_FORMAT,
        "problem": data.problem,
        "features": list(data.feature_names),
        "standardization": standardization,
        "feature_map": list(mcfg.feature_map) if mcfg.feature_map is not None else None,
        "inputs": list(input_names(mcfg.feature_map, data.feature_names)),
        "class_names": list(data.class_names) if data.class_names else None,
        "layers": layers,
        "iteration": trainer.iteration if snapshot is None else snapshot.iteration,
    }


def weights_json(trainer: Trainer, snapshot: Snapshot | None = None) -> str:
    """The model as JSON text (``weights_dict``), indented for people."""
    return json.dumps(weights_dict(trainer, snapshot), indent=1, allow_nan=False) + "\n"


def _raw(data: Dataset, X: np.ndarray) -> np.ndarray:
    """The points of ``X`` (n, m) in the data's own units (undoing the standardization)."""
    if data.standardization is None:
        return X
    mean, std = data.standardization
    return X * std + mean


def data_csv(data: Dataset) -> str:
    """The points as CSV text; see the module docstring for the columns. The label and split
    columns are named ``label`` and ``split`` (with ``_`` added while a feature has the name)."""
    names = list(data.feature_names)
    label, split = "label", "split"
    while label in names:
        label += "_"
    while split in names or split == label:
        split += "_"

    def rows() -> Any:
        for X, Y, part in (
            (data.X_train, data.Y_train, "train"),
            (data.X_test, data.Y_test, "test"),
        ):
            columns = [*_raw(data, X).tolist(), Y.reshape(-1).tolist()]
            for point in zip(*columns, strict=True):
                yield [*map(_num, point[:-1]), _label(data, point[-1]), part]

    return _csv_text([*names, label, split], rows())


def _label(data: Dataset, y: float) -> str:
    if data.problem == "classification":
        return str(int(y))  # 0/1, or the class index 0..K-1
    return _num(y)


def export_text(kind: ExportKind, trainer: Trainer, snapshot: Snapshot | None = None) -> str:
    """The text of one export of ``trainer``'s run (at ``snapshot``, if given: then this may
    run on another thread while the trainer trains; the data never changes)."""
    if kind == "history":
        return history_csv(trainer, snapshot)
    if kind == "weights":
        return weights_json(trainer, snapshot)
    return data_csv(trainer.data)


def write_export(
    kind: ExportKind, path: str, trainer: Trainer, snapshot: Snapshot | None = None
) -> None:
    """Write one export atomically (the file holds its old content or the whole new one);
    raises ``StoreError`` with one line for a person when it cannot be written."""
    atomic_write_text(path, export_text(kind, trainer, snapshot))
