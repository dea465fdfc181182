"""What a saved run holds (``RunRecord``) and the checks that make it a run this version can
continue: shared by saving and loading, so that whatever is saved can be loaded.

Files of format 1 stored a network without hidden layers trained as in the article as the old
single neuron's ``[w (n, 1), b (1, 1)]``; ``upgrade_layout`` turns those into the network's
``[W1 (1, n), b1 (1, 1)]`` (the same numbers) before anything is checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.errors import ConfigError
from neuron_core.model.network import Network
from neuron_core.model.softmax import output_units
from neuron_core.store.archive import KINDS, Invalid
from neuron_core.store.pins import PinnedRun, check_pins
from neuron_core.training.history import History
from neuron_core.training.schedule import Status

F64 = NDArray[np.float64]

STATUSES: tuple[str, ...] = get_args(Status)
# More parameter arrays than any model here has (6 hidden layers: 14 arrays).
MAX_PARAMS = 64
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Stepper state entries: a few per run (optimizer step count and memory, shuffling); names are
# short identifiers so they make safe archive entry names.
MAX_STATE = 32
STATE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(eq=False)
class RunRecord:
    """Everything needed to bring a run back (``runfile`` describes the file layout).

    ``params`` and ``initial_params`` are lists of float64 arrays in ``Network.get_params()`` order
    (no hidden layer: ``[W1 (1, n), b1 (1, 1)]``). ``history`` holds every training cost and
    the test-cost measurements. ``csv_sha256`` is the SHA-256 of the CSV file's bytes for CSV
    data (``None`` for generated data). ``feature_names`` are the data's input columns;
    ``saved_at`` is an ISO 8601 UTC timestamp. ``stepper_state`` is the training loop's state
    (``Trainer.stepper_state``; empty: continue with a fresh optimizer). ``eq=False``: arrays do
    not compare with ``==``.
    """

    data_cfg: DataConfig
    model_cfg: ModelConfig
    train_cfg: TrainConfig
    params: list[F64]
    initial_params: list[F64]
    history: History
    status: str
    reason: str
    seconds: float
    csv_sha256: str | None
    feature_names: tuple[str, ...]
    saved_at: str
    stepper_state: dict[str, NDArray[Any]] = field(default_factory=dict)
    # Other runs' cost curves pinned to compare with (``neuron_core.store.pins``).
    pins: list[PinnedRun] = field(default_factory=list)
    # The points placed and removed by hand (``Dataset.hand_log``, (k, 4)), None without any.
    hand_log: F64 | None = None


def _check_arrays(name: str, arrays: list[F64], like: list[F64] | None) -> None:
    for i, p in enumerate(arrays):
        if not isinstance(p, np.ndarray) or p.dtype != np.float64 or p.ndim != 2:
            raise Invalid(f"{name} {i} is not a 2-D float64 array")
        if like is not None and p.shape != like[i].shape:
            raise Invalid(
                f"{name} {i} has shape {p.shape} but the current parameter has {like[i].shape}"
            )
        if not np.all(np.isfinite(p)):
            raise Invalid(f"{name} {i} contains infinite or NaN values")


def state_kind(arr: object) -> str | None:
    """``"f"`` for a 1-D float64 array, ``"i"`` for a 1-D int64 one, ``None`` otherwise."""
    if not isinstance(arr, np.ndarray) or arr.ndim != 1:
        return None
    for kind, dtype in (("f", KINDS["f"]), ("i", KINDS["i"])):
        if arr.dtype == dtype:
            return kind
    return None


def check_state(state: dict[str, NDArray[Any]]) -> None:
    """Raise ``Invalid`` unless ``state`` maps valid names to 1-D float64/int64 arrays with
    finite floats (fitting the model is checked when the trainer is restored)."""
    if not isinstance(state, dict) or len(state) > MAX_STATE:
        raise Invalid("the training state is not a small set of named arrays")
    for name, arr in state.items():
        if not isinstance(name, str) or not STATE_NAME.fullmatch(name):
            raise Invalid(f"invalid training state name {name!r}")
        kind = state_kind(arr)
        if kind is None:
            raise Invalid(f"the training state {name!r} is not a 1-D float64 or int64 array")
        if kind == "f" and not np.all(np.isfinite(arr)):
            raise Invalid(f"the training state {name!r} contains infinite or NaN values")


def check_shapes(shapes: list[tuple[int, ...]], expected: list[tuple[int, ...]]) -> None:
    """Raise ``Invalid`` unless the parameters' ``shapes`` are exactly the ``expected`` ones."""
    if len(shapes) != len(expected):
        raise Invalid(f"{len(shapes)} parameter arrays saved but the model has {len(expected)}")
    for i, (got, shape) in enumerate(zip(shapes, expected, strict=True)):
        if got != shape:
            raise Invalid(
                f"parameter {i} has shape {got} but the model needs {shape} (the model or "
                "the data's number of features does not match the saved parameters)"
            )


def model_shapes(model_cfg: ModelConfig, n_inputs: int) -> list[tuple[int, ...]]:
    """The parameter shapes of the network ``model_cfg`` describes with ``n_inputs`` inputs
    (computed, not built: a file's metadata may claim any number of inputs)."""
    outputs = output_units(model_cfg.problem, model_cfg.classes)
    return list(Network.param_shapes(n_inputs, model_cfg.hidden, outputs))


def check_feature_names(names: object) -> tuple[str, ...]:
    """``names`` as a tuple of text, or ``Invalid`` when they are missing or not all text."""
    if not isinstance(names, tuple | list) or not names:
        raise Invalid("the feature names are missing")
    if not all(isinstance(f, str) for f in names):
        raise Invalid("the feature names are not all text")
    return tuple(names)


def model_inputs(model_cfg: ModelConfig, n_features: int) -> int:
    """Number of model inputs: the feature map's length, or the data's feature count."""
    if model_cfg.feature_map is None:
        return n_features
    if n_features != 2:
        raise Invalid(f"the model's input features need 2-D data; this data has {n_features}")
    return len(model_cfg.feature_map)


def check_record(r: RunRecord) -> None:
    """Raise ``Invalid`` for the first value that could not have come from a real run."""
    check_pins(r.pins)
    for cfg, cls in (
        (r.data_cfg, DataConfig),
        (r.model_cfg, ModelConfig),
        (r.train_cfg, TrainConfig),
    ):
        if not isinstance(cfg, cls):
            raise Invalid(f"{cls.__name__} expected, got {type(cfg).__name__}")
        try:
            cfg.validate()
        except ConfigError as exc:
            raise Invalid(f"invalid {cls.__name__}: {exc}") from None
    if not r.params or len(r.params) > MAX_PARAMS or len(r.params) != len(r.initial_params):
        raise Invalid(f"{len(r.params)} parameter arrays and {len(r.initial_params)} initial ones")
    _check_arrays("parameter", r.params, None)
    _check_arrays("initial parameter", r.initial_params, r.params)
    if not isinstance(r.feature_names, tuple):
        raise Invalid("the feature names are missing")
    check_feature_names(r.feature_names)
    n_inputs = model_inputs(r.model_cfg, len(r.feature_names))
    check_shapes([p.shape for p in r.params], model_shapes(r.model_cfg, n_inputs))
    check_state(r.stepper_state)

    h = r.history
    costs = h.train()
    iters, tcosts = h.test()
    if not np.all(np.isfinite(costs)):
        raise Invalid("the cost history contains infinite or NaN values")
    if not np.all(np.isfinite(tcosts)):
        raise Invalid("the test-cost history contains infinite or NaN values")
    # At most one measurement per iteration (0 to n), in the order they were taken.
    if iters.size and (int(iters[0]) < 0 or int(iters[-1]) > h.n or np.any(np.diff(iters) <= 0)):
        raise Invalid("the test-cost iterations are out of order or out of range")

    if r.status not in STATUSES:
        raise Invalid(f"unknown status {r.status!r}")
    if not isinstance(r.reason, str) or not isinstance(r.saved_at, str):
        raise Invalid("the reason or the time of saving is not text")
    if (
        isinstance(r.seconds, bool)
        or not isinstance(r.seconds, int | float)
        or not math.isfinite(r.seconds)
        or r.seconds < 0
    ):
        raise Invalid(f"invalid training time {r.seconds!r}")
    if r.csv_sha256 is not None and (
        not isinstance(r.csv_sha256, str) or not _SHA256.fullmatch(r.csv_sha256)
    ):
        raise Invalid("the CSV file's checksum is not a SHA-256")
    if r.data_cfg.source == "csv" and r.csv_sha256 is None:
        raise Invalid("the CSV file's checksum is missing")
    d = r.data_cfg
    # ``validate`` checks values, not types; a hand-edited file could hold numbers here.
    if d.source == "csv" and not (
        isinstance(d.csv_path, str)
        and isinstance(d.target, str)
        and (
            d.features is None
            or (isinstance(d.features, tuple) and all(isinstance(f, str) for f in d.features))
        )
    ):
        raise Invalid("the CSV path, target or feature names are not text")


def upgrade_shape(
    version: int, model_cfg: ModelConfig, index: int, shape: tuple[int, ...]
) -> tuple[int, ...]:
    """The shape parameter ``index`` saved as ``shape`` in a file of ``version`` has in
    ``Network.get_params()``'s layout.

    Format 1 saved the article's neuron as ``w`` (n, 1): it becomes ``W1`` (1, n). A network
    with no hidden layer saved by the general loop was already (1, n) and stays; anything else
    is left for the checks to judge.
    """
    old_neuron = version == 1 and model_cfg.hidden == () and index == 0
    if old_neuron and len(shape) == 2 and shape[1] == 1 and shape[0] > 1:
        return (1, shape[0])
    return shape


def upgrade_layout(version: int, model_cfg: ModelConfig, params: list[F64]) -> list[F64]:
    """``params`` as ``Network.get_params()`` lays them out, from a file of ``version``
    (``upgrade_shape``: the same numbers, reshaped)."""
    out = []
    for i, p in enumerate(params):
        shape = upgrade_shape(version, model_cfg, i, p.shape)
        out.append(p if shape == p.shape else p.reshape(shape))
    return out
