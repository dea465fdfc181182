"""The results of ``neuron-tui train`` as one JSON-safe report.

``Outcome.report()`` gathers everything about a finished (or stopped) run into a dict with no
NaN or infinity (``None`` instead): the data, the course of the run and its settings, the model
and its parameters, the scores. ``tui.cli.summary`` shows it as JSON, lines or a table.

The model's parameters in the report: for the single neuron (no hidden layer) ``weights`` is a
flat list, one weight per input, and ``bias`` a float (``biases`` is ``None``); with hidden
layers ``weights`` is the list of per-layer matrices ``W_l`` as lists of rows, shape
(n_l, n_{l-1}), ``biases`` the list of per-layer bias vectors ``b_l`` (n_l values each), and
``bias`` is ``None``. ``layer_sizes`` is ``[n_0, ..., 1]`` either way.

NumPy and the engine are imported when a report is made, not at import time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from neuron_core.config import DataConfig
from tui.cli.reproduce import command_line

if TYPE_CHECKING:
    from neuron_core.data.dataset import Dataset
    from neuron_core.training.trainer import Trainer

# How a run ended, as the report's `stopped` says it.
Stopped = Literal["completed", "diverged", "interrupted", "target_reached", "early_stopped"]
# Trainer statuses that end a run by themselves (anything else means it was interrupted).
ENDINGS: frozenset[str] = frozenset({"completed", "diverged", "target_reached", "early_stopped"})


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN/inf float (at any depth of lists/dicts) replaced by ``None``:
    JSON has no NaN, and a consumer must never see one."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value


def _float(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass
class Outcome:
    """Everything the summary and the JSON report need about a finished (or stopped) run.

    ``signal`` names the signal that interrupted the run (``"SIGTERM"``), if one did.
    """

    trainer: Trainer
    data: Dataset
    data_cfg: DataConfig
    start_iteration: int
    start_seconds: float
    stopped: Stopped
    saved: str | None
    loaded: str | None
    warnings: list[str] = field(default_factory=list)
    signal: str | None = None

    def report(self) -> dict[str, Any]:
        """The results as a JSON-safe dict (no NaN/inf: ``None`` instead)."""
        import numpy as np

        # The parameters of a diverged run can overflow the metrics (an error of 1e200 squared):
        # those values become None below, NumPy need not warn about them on stderr.
        with np.errstate(all="ignore"):
            out = {**self._run(), **self._model(), **self._scores()}
        result: dict[str, Any] = finite_or_none(out)
        return result

    def _run(self) -> dict[str, Any]:
        """The data, the course of the run and the training settings."""
        from neuron_core.data.features import input_names

        tr, data = self.trainer, self.data
        csv_path = self.data_cfg.csv_path if self.data_cfg.source == "csv" else None
        costs = tr.history.train()
        ran = tr.iteration - self.start_iteration
        seconds = tr.seconds - self.start_seconds
        cfg = tr.train_cfg
        return {
            "dataset": self.data_cfg.name if csv_path is None else csv_path,
            "source": self.data_cfg.source,
            "problem": data.problem,
            "features": list(data.feature_names),
            # The model's inputs (what the weights apply to): the features, or a feature map.
            "inputs": list(input_names(tr.model_cfg.feature_map, data.feature_names)),
            "class_names": list(data.class_names) if data.class_names else None,
            "train_samples": data.m_train,
            "test_samples": data.m_test,
            "iterations": tr.iteration,
            "iterations_run": ran,
            "first_cost": _float(costs[0]) if costs.size else None,
            "final_cost": _float(costs[-1]) if costs.size else None,
            "final_test_cost": _float(tr.test_cost()),
            "seconds": seconds,
            "iterations_per_second": ran / seconds if seconds > 0 else None,
            "stopped": self.stopped,
            "signal": self.signal,
            "status": tr.status,
            "reason": tr.reason,
            "warnings": [*data.warnings, *self.warnings],
            "seed": self.data_cfg.seed,
            "optimizer": cfg.optimizer,
            "lr": cfg.lr,
            "lr_schedule": cfg.lr_schedule,
            "lr_decay": cfg.lr_decay,
            "lr_step_every": cfg.lr_step_every,
            "lr_min": cfg.lr_min,
            "batch_size": cfg.batch_size,
            "l1": cfg.l1,
            "l2": cfg.l2,
            "dropout": cfg.dropout,
            "target_cost": cfg.target_cost,
            "early_stop": cfg.early_stop,
            "test_every": tr.test_every,
            "dtype": cfg.dtype,
            "saved": self.saved,
            "loaded": self.loaded,
            # The shortest command that trains this run again, bit for bit.
            "command": command_line(self.data_cfg, tr.model_cfg, cfg),
        }

    def _model(self) -> dict[str, Any]:
        """The model's shape, settings and parameters (see the module docstring)."""
        from neuron_core.config import layer_activations
        from neuron_core.model.init import resolve_init

        tr = self.trainer
        mcfg = tr.model_cfg
        params = tr.model.get_params()
        weights, biases = params[0::2], params[1::2]
        sizes = [int(tr.X_train.shape[0]), *mcfg.hidden, tr.model.sizes[-1]]  # K for softmax
        out: dict[str, Any] = {
            "hidden": list(mcfg.hidden),
            "layer_sizes": sizes,
            # The activation only acts inside hidden layers.
            "activation": mcfg.activation if mcfg.hidden else None,
            "activations": list(layer_activations(mcfg.activation, len(mcfg.hidden))) or None,
            # The classification loss; regression always has the squared error.
            "loss": mcfg.loss if mcfg.problem == "classification" else "squared",
            # The scheme the weights were drawn with ("auto" resolved), and the setting.
            "init": resolve_init(mcfg.init, mcfg.hidden, mcfg.activation),
            "init_setting": mcfg.init,
            "init_seed": mcfg.init_seed,
        }
        if mcfg.hidden or tr.model.sizes[-1] > 1:  # layers of matrices (a softmax: K rows)
            out["weights"] = [W.tolist() for W in weights]
            out["biases"] = [b.reshape(-1).tolist() for b in biases]
            out["bias"] = None
        else:
            # The fast single neuron stores w as (n, 1), a network without hidden layers W1 as
            # (1, n): flattened, both are one weight per input.
            out["weights"] = weights[0].reshape(-1).tolist()
            out["biases"] = None
            out["bias"] = float(biases[0].reshape(-1)[0])
        return out

    def _scores(self) -> dict[str, Any]:
        """Classification metrics or regression fit on the train and test sets (the other
        kind's keys are ``None``)."""
        from neuron_core.metrics import ClassificationReport, RegressionReport

        tr, data = self.trainer, self.data
        out: dict[str, Any] = {"classes": 2 if data.problem == "classification" else None}
        out |= dict.fromkeys(
            (
                "train_accuracy", "test_accuracy", "confusion", "precision", "recall", "f1",
                "train_r2", "test_r2", "test_rmse",
            )
        )  # fmt: skip
        if data.n_classes > 2 and data.problem == "classification":
            from neuron_core.confusion import MultiClassReport

            k = data.n_classes
            train_k = MultiClassReport.from_predictions(
                tr.model.predict(tr.X_train), data.Y_train, k
            )
            test_k = MultiClassReport.from_predictions(tr.model.predict(tr.X_test), data.Y_test, k)
            out["train_accuracy"] = train_k.accuracy
            out["test_accuracy"] = test_k.accuracy
            out["confusion"] = [list(row) for row in test_k.confusion]  # rows: true class
            out["precision"] = list(test_k.precision)  # per class, label order
            out["recall"] = list(test_k.recall)
            out["classes"] = k
        elif data.problem == "regression":
            train_fit = RegressionReport.from_model(tr.model, tr.X_train, data.Y_train)
            test_fit = RegressionReport.from_model(tr.model, tr.X_test, data.Y_test)
            out["train_r2"] = train_fit.r2
            out["test_r2"] = test_fit.r2
            out["test_rmse"] = test_fit.rmse
        else:
            train_rep = ClassificationReport.from_model(tr.model, tr.X_train, data.Y_train)
            test_rep = ClassificationReport.from_model(tr.model, tr.X_test, data.Y_test)
            out["train_accuracy"] = train_rep.accuracy
            out["test_accuracy"] = test_rep.accuracy
            out["confusion"] = test_rep.confusion.tolist()  # [[TN, FP], [FN, TP]]
            out["precision"] = test_rep.precision
            out["recall"] = test_rep.recall
            out["f1"] = test_rep.f1
        return out
