"""Saving and loading a whole run (configs, parameters, history) as one file.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays, written uncompressed):

* ``meta``: UTF-8 JSON as a uint8 array (m,): ``magic`` (``"neuron-tui-run"``), ``format_version``,
  the three configs (``to_dict``), ``n_params``, ``status``, ``reason``, ``seconds``,
  ``csv_sha256``, ``feature_names``, ``saved_at``;
* ``param_0 .. param_{k-1}``: the current parameters, float64, in ``model.get_params()`` order;
* ``init_0 .. init_{k-1}``: the initial parameters (a reset after loading starts from them);
* ``costs`` (n,) float64: the training cost of every iteration; ``test_iters`` (t,) int64 and
  ``test_costs`` (t,) float64: the test cost measurements;
* ``state_<name>``: the training loop's state (``Trainer.stepper_state``: optimizer moments and
  step count, the mini-batch shuffling position), 1-D float64 or int64 arrays; the metadata's
  ``stepper_state`` maps each ``<name>`` to its kind (``"f"`` or ``"i"``). Files written before
  these entries existed have neither and load with a fresh optimizer state.

Writing goes through ``atomic.atomic_write_bytes`` (a failed save never damages the previous
file). Reading trusts nothing: arrays are read without pickle, every entry's size is checked
against its header before anything is allocated, the zip CRC of every entry read is verified, and
every value is checked (types, shapes, finiteness, the configs' ``validate()``). Any problem is a
``StoreError`` with one line for a person; no other exception escapes ``load_run``.

The data itself is not stored: generated data is drawn again from the config's seed, and a CSV
file is read again and must have the same SHA-256 as when the run was saved (``rebuild_dataset``).
Unknown extra entries are ignored, so a later format can add them (as ``state_*`` were added
without a new format version: an older reader ignores them and continues with a fresh optimizer).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import math
import os
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.lib.format as npformat
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import Dataset
from neuron_core.data.datasets import load as load_dataset
from neuron_core.errors import ConfigError, DataError, StoreError
from neuron_core.store.atomic import atomic_write_bytes
from neuron_core.training.history import History
from neuron_core.training.stepper import build_model
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]

FORMAT_VERSION = 1
MAGIC = "neuron-tui-run"
STATUSES: tuple[str, ...] = (
    "ready",
    "running",
    "paused",
    "completed",
    "diverged",
    "target_reached",
    "early_stopped",
)
# The JSON metadata is a few kB; a larger entry is not ours (and is not read into memory).
_MAX_META_BYTES = 1 << 20
# More parameter arrays than any model here has (6 hidden layers: 14 arrays).
_MAX_PARAMS = 64
_ZIP_MAGIC = b"PK\x03\x04"
# The dtypes ``_read_array`` accepts, by kind.
_KINDS: dict[str, np.dtype[Any]] = {
    "f": np.dtype(np.float64),
    "i": np.dtype(np.int64),
    "u": np.dtype(np.uint8),
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Stepper state entries: a few per run (optimizer step count and memory, shuffling); names are
# short identifiers so they make safe archive entry names.
_MAX_STATE = 32
_STATE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(eq=False)
class RunRecord:
    """Everything needed to bring a run back: see the module docstring for the file layout.

    ``params`` and ``initial_params`` are lists of float64 arrays in ``model.get_params()`` order
    (for the single neuron: ``[w (n, 1), b (1, 1)]``). ``history`` holds every training cost and
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


class _Invalid(Exception):
    """A value in a record is wrong; the message says which (the caller adds the file name)."""


# --------------------------------------------------------------------------------------------
# Checking a record (shared by save and load, so whatever is saved can be loaded)
# --------------------------------------------------------------------------------------------


def _check_arrays(name: str, arrays: list[F64], like: list[F64] | None) -> None:
    for i, p in enumerate(arrays):
        if not isinstance(p, np.ndarray) or p.dtype != np.float64 or p.ndim != 2:
            raise _Invalid(f"{name} {i} is not a 2-D float64 array")
        if like is not None and p.shape != like[i].shape:
            raise _Invalid(
                f"{name} {i} has shape {p.shape} but the current parameter has {like[i].shape}"
            )
        if not np.all(np.isfinite(p)):
            raise _Invalid(f"{name} {i} contains infinite or NaN values")


def _state_kind(arr: object) -> str | None:
    """``"f"`` for a 1-D float64 array, ``"i"`` for a 1-D int64 one, ``None`` otherwise."""
    if not isinstance(arr, np.ndarray) or arr.ndim != 1:
        return None
    for kind, dtype in (("f", _KINDS["f"]), ("i", _KINDS["i"])):
        if arr.dtype == dtype:
            return kind
    return None


def _check_state(state: dict[str, NDArray[Any]]) -> None:
    """Raise ``_Invalid`` unless ``state`` maps valid names to 1-D float64/int64 arrays with
    finite floats (fitting the model is checked when the trainer is restored)."""
    if not isinstance(state, dict) or len(state) > _MAX_STATE:
        raise _Invalid("the training state is not a small set of named arrays")
    for name, arr in state.items():
        if not isinstance(name, str) or not _STATE_NAME.fullmatch(name):
            raise _Invalid(f"invalid training state name {name!r}")
        kind = _state_kind(arr)
        if kind is None:
            raise _Invalid(f"the training state {name!r} is not a 1-D float64 or int64 array")
        if kind == "f" and not np.all(np.isfinite(arr)):
            raise _Invalid(f"the training state {name!r} contains infinite or NaN values")


def _check_shapes(params: list[F64], expected: list[tuple[int, ...]]) -> None:
    """Raise ``_Invalid`` unless ``params`` have exactly the ``expected`` shapes."""
    if len(params) != len(expected):
        raise _Invalid(f"{len(params)} parameter arrays saved but the model has {len(expected)}")
    for i, (p, shape) in enumerate(zip(params, expected, strict=True)):
        if p.shape != shape:
            raise _Invalid(
                f"parameter {i} has shape {p.shape} but the model needs {shape} (the model or "
                "the data's number of features does not match the saved parameters)"
            )


def _model_shapes(
    model_cfg: ModelConfig, train_cfg: TrainConfig, n_inputs: int
) -> list[tuple[int, ...]]:
    """The parameter shapes of the model described by the configs with ``n_inputs`` inputs."""
    try:
        model = build_model(model_cfg, n_inputs, train_cfg)
    except ValueError as exc:  # ConfigError: a model this version cannot build
        raise _Invalid(f"the model cannot be built: {exc}") from None
    return [p.shape for p in model.get_params()]


def _n_inputs(model_cfg: ModelConfig, n_features: int) -> int:
    """Number of model inputs: the feature map's length, or the data's feature count."""
    if model_cfg.feature_map is None:
        return n_features
    if n_features != 2:
        raise _Invalid(f"the model's input features need 2-D data; this data has {n_features}")
    return len(model_cfg.feature_map)


def _check_record(r: RunRecord) -> None:
    """Raise ``_Invalid`` for the first value that could not have come from a real run."""
    for cfg, cls in (
        (r.data_cfg, DataConfig),
        (r.model_cfg, ModelConfig),
        (r.train_cfg, TrainConfig),
    ):
        if not isinstance(cfg, cls):
            raise _Invalid(f"{cls.__name__} expected, got {type(cfg).__name__}")
        try:
            cfg.validate()
        except ConfigError as exc:
            raise _Invalid(f"invalid {cls.__name__}: {exc}") from None
    if not r.params or len(r.params) > _MAX_PARAMS or len(r.params) != len(r.initial_params):
        raise _Invalid(f"{len(r.params)} parameter arrays and {len(r.initial_params)} initial ones")
    _check_arrays("parameter", r.params, None)
    _check_arrays("initial parameter", r.initial_params, r.params)
    if not isinstance(r.feature_names, tuple) or not r.feature_names:
        raise _Invalid("the feature names are missing")
    if not all(isinstance(f, str) for f in r.feature_names):
        raise _Invalid("the feature names are not all text")
    n_inputs = _n_inputs(r.model_cfg, len(r.feature_names))
    _check_shapes(r.params, _model_shapes(r.model_cfg, r.train_cfg, n_inputs))
    _check_state(r.stepper_state)

    h = r.history
    costs = h.train()
    iters, tcosts = h.test()
    if not np.all(np.isfinite(costs)):
        raise _Invalid("the cost history contains infinite or NaN values")
    if not np.all(np.isfinite(tcosts)):
        raise _Invalid("the test-cost history contains infinite or NaN values")
    if iters.size and (int(iters[0]) < 0 or int(iters[-1]) > h.n or np.any(np.diff(iters) < 0)):
        raise _Invalid("the test-cost iterations are out of order or out of range")

    if r.status not in STATUSES:
        raise _Invalid(f"unknown status {r.status!r}")
    if not isinstance(r.reason, str) or not isinstance(r.saved_at, str):
        raise _Invalid("the reason or the time of saving is not text")
    if (
        isinstance(r.seconds, bool)
        or not isinstance(r.seconds, int | float)
        or not math.isfinite(r.seconds)
        or r.seconds < 0
    ):
        raise _Invalid(f"invalid training time {r.seconds!r}")
    if r.csv_sha256 is not None and (
        not isinstance(r.csv_sha256, str) or not _SHA256.fullmatch(r.csv_sha256)
    ):
        raise _Invalid("the CSV file's checksum is not a SHA-256")
    if r.data_cfg.source == "csv" and r.csv_sha256 is None:
        raise _Invalid("the CSV file's checksum is missing")
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
        raise _Invalid("the CSV path, target or feature names are not text")


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def _meta(record: RunRecord) -> dict[str, Any]:
    return {
        "magic": MAGIC,
        "format_version": FORMAT_VERSION,
        "data_cfg": record.data_cfg.to_dict(),
        "model_cfg": record.model_cfg.to_dict(),
        "train_cfg": record.train_cfg.to_dict(),
        "n_params": len(record.params),
        "status": record.status,
        "reason": record.reason,
        "seconds": float(record.seconds),
        "csv_sha256": record.csv_sha256,
        "feature_names": list(record.feature_names),
        "saved_at": record.saved_at,
        "stepper_state": {name: _state_kind(a) for name, a in record.stepper_state.items()},
    }


def save_run(path: str | os.PathLike[str], record: RunRecord) -> None:
    """Write ``record`` to ``path`` atomically (an existing file is replaced only when the new
    one is completely on disk). Raises ``StoreError`` when the record is inconsistent (it would
    not load back) or the file cannot be written (no space, no permission...)."""
    shown = os.fspath(path)
    try:
        _check_record(record)
    except _Invalid as exc:
        raise StoreError(f"cannot save to {shown}: {exc}") from None
    text = json.dumps(_meta(record), allow_nan=False, ensure_ascii=False)
    arrays: dict[str, NDArray[Any]] = {"meta": np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    for i, (p, p0) in enumerate(zip(record.params, record.initial_params, strict=True)):
        arrays[f"param_{i}"] = p
        arrays[f"init_{i}"] = p0
    iters, tcosts = record.history.test()
    arrays["costs"] = record.history.train()
    arrays["test_iters"] = iters
    arrays["test_costs"] = tcosts
    for name, arr in record.stepper_state.items():
        arrays[f"state_{name}"] = arr
    buf = io.BytesIO()
    np.savez(buf, allow_pickle=False, **arrays)
    atomic_write_bytes(shown, buf.getbuffer())


def record_from_trainer(trainer: Trainer, data_cfg: DataConfig) -> RunRecord:
    """Capture ``trainer`` (trained on the data of ``data_cfg``) as a ``RunRecord``.

    Call it while the trainer is not running (paused or finished): the parameters, the history
    and the training loop's state are copied as they are. A ``running`` status is recorded as
    ``paused``, which is what the run is when it is loaded again. The loop's state is left out
    for a diverged run (it never continues; a reset starts afresh) and in the rare case that it
    holds a non-finite value (float32 Adam moments can overflow): such a run loads with a fresh
    optimizer state rather than not saving at all.
    """
    h = trainer.history
    iters, tcosts = h.test()
    status = "paused" if trainer.status == "running" else trainer.status
    state = {} if status == "diverged" else trainer.stepper_state()
    try:
        _check_state(state)
    except _Invalid:
        state = {}
    return RunRecord(
        data_cfg=data_cfg,
        model_cfg=trainer.model_cfg,
        train_cfg=trainer.train_cfg,
        params=[np.array(p, dtype=np.float64) for p in trainer.model.get_params()],
        initial_params=[np.array(p, dtype=np.float64) for p in trainer.initial_params],
        history=History.from_arrays(h.train(), iters, tcosts),
        status=status,
        reason=trainer.reason,
        seconds=float(trainer.seconds),
        csv_sha256=trainer.data.csv_sha256,
        feature_names=tuple(trainer.data.feature_names),
        saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        stepper_state=state,
    )


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    """An exception's message on one short line (zip and numpy messages can be long)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _read_array(zf: zipfile.ZipFile, name: str, kind: str, ndim: int) -> NDArray[Any]:
    """Read entry ``name`` (``name.npy``) as an array of ``kind`` (``"f"``: float64, ``"i"``:
    int64, ``"u"``: uint8) with ``ndim`` dimensions, without pickle.

    The header's shape and dtype are checked against the entry's size before the data is read, so
    a damaged header cannot make us allocate gigabytes; reading the data to its end makes
    ``zipfile`` verify the entry's CRC.
    """
    try:
        info = zf.getinfo(f"{name}.npy")
    except KeyError:
        raise _Invalid(f"the entry {name!r} is missing") from None
    with zf.open(info) as f:
        version = npformat.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npformat.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npformat.read_array_header_2_0(f)
        else:
            raise _Invalid(f"the entry {name!r} has an unknown array format {version}")
        want = _KINDS[kind]
        if dtype.hasobject or dtype.kind != want.kind or dtype.itemsize != want.itemsize:
            raise _Invalid(f"the entry {name!r} holds {dtype}, not {want}")
        if len(shape) != ndim:
            raise _Invalid(f"the entry {name!r} has {len(shape)} dimensions, not {ndim}")
        nbytes = math.prod(shape) * dtype.itemsize
        if f.tell() + nbytes != info.file_size:
            raise _Invalid(f"the entry {name!r} has the wrong size for its shape {shape}")
        data = f.read(nbytes)
        if len(data) != nbytes:
            raise _Invalid(f"the entry {name!r} is incomplete")
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return np.array(arr, dtype=want)  # native byte order, writable, C-contiguous


def _get(meta: dict[str, Any], key: str, types: type | tuple[type, ...]) -> Any:
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, types):  # JSON true is not a number
        raise _Invalid(f"the field {key!r} is missing or invalid")
    return value


def _config(meta: dict[str, Any], key: str, cls: type[Any], shown: str) -> Any:
    raw = meta.get(key)
    if not isinstance(raw, dict):
        raise _Invalid(f"the field {key!r} is missing or invalid")
    try:
        return cls.from_dict(raw)
    except ConfigError as exc:
        label = {"data_cfg": "data", "model_cfg": "model", "train_cfg": "training"}[key]
        raise StoreError(f"{shown}: the saved {label} settings are invalid: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"the field {key!r} is invalid ({_one_line(exc)})") from None


def _read_meta(zf: zipfile.ZipFile, shown: str) -> dict[str, Any]:
    """The metadata dict, after checking that this is a neuron-tui run we can read."""
    not_ours = StoreError(f"{shown} is not a neuron-tui run file")
    try:
        info = zf.getinfo("meta.npy")
    except KeyError:
        raise not_ours from None
    if info.file_size > _MAX_META_BYTES:
        raise not_ours
    raw = _read_array(zf, "meta", "u", 1)
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise not_ours from None
    if not isinstance(meta, dict) or meta.get("magic") != MAGIC:
        raise not_ours
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Invalid("the format version is missing or invalid")
    if version > FORMAT_VERSION:
        raise StoreError(
            f"{shown} was saved by a newer neuron-tui (format {version}); this version reads "
            f"format {FORMAT_VERSION}"
        )
    return meta


def _read_record(zf: zipfile.ZipFile, shown: str) -> RunRecord:
    meta = _read_meta(zf, shown)
    data_cfg = _config(meta, "data_cfg", DataConfig, shown)
    model_cfg = _config(meta, "model_cfg", ModelConfig, shown)
    train_cfg = _config(meta, "train_cfg", TrainConfig, shown)
    n_params = _get(meta, "n_params", int)
    if not 1 <= n_params <= _MAX_PARAMS:
        raise _Invalid(f"invalid number of parameter arrays {n_params}")
    params = [_read_array(zf, f"param_{i}", "f", 2) for i in range(n_params)]
    initial = [_read_array(zf, f"init_{i}", "f", 2) for i in range(n_params)]
    costs = _read_array(zf, "costs", "f", 1)
    iters = _read_array(zf, "test_iters", "i", 1)
    tcosts = _read_array(zf, "test_costs", "f", 1)
    if iters.shape != tcosts.shape:
        raise _Invalid("the test-cost entries have different lengths")
    names = _get(meta, "feature_names", list)
    sha = meta.get("csv_sha256")
    kinds = meta.get("stepper_state", {})  # absent in files saved before it existed
    if not isinstance(kinds, dict) or len(kinds) > _MAX_STATE:
        raise _Invalid("the field 'stepper_state' is invalid")
    state: dict[str, NDArray[Any]] = {}
    for name, kind in kinds.items():
        if not _STATE_NAME.fullmatch(name) or kind not in ("f", "i"):
            raise _Invalid(f"the training state entry {name!r} is invalid")
        state[name] = _read_array(zf, f"state_{name}", kind, 1)
    record = RunRecord(
        data_cfg=data_cfg,
        model_cfg=model_cfg,
        train_cfg=train_cfg,
        params=params,
        initial_params=initial,
        history=History.from_arrays(costs, iters, tcosts),
        status=_get(meta, "status", str),
        reason=_get(meta, "reason", str),
        seconds=float(_get(meta, "seconds", (int, float))),
        csv_sha256=sha if sha is None else _get(meta, "csv_sha256", str),
        feature_names=tuple(names),
        saved_at=_get(meta, "saved_at", str),
        stepper_state=state,
    )
    _check_record(record)
    return record


def _open_checked(shown: str) -> io.BufferedReader:
    """Open ``shown`` for reading, turning every OS complaint into a one-line ``StoreError``."""
    try:
        st = os.stat(shown)
        if stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{shown} is a directory, not a saved run")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device could block or never end
            raise StoreError(f"{shown} is not a regular file")
        if st.st_size == 0:
            raise StoreError(f"{shown} is empty")
        return open(shown, "rb")  # the caller closes it
    except FileNotFoundError:
        raise StoreError(f"file not found: {shown}") from None
    except PermissionError:
        raise StoreError(f"permission denied: cannot read {shown}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise StoreError(f"cannot open {shown}: {_one_line(exc)}") from None


def load_run(path: str | os.PathLike[str]) -> RunRecord:
    """Read a run saved by ``save_run``.

    Raises ``StoreError`` (and nothing else) with one line naming the file and the problem: not
    found, a directory, empty, not a neuron-tui run (a text file, a foreign zip or ``.npz``),
    damaged or incomplete (truncated, corrupt bytes, missing entries, wrong shapes, non-finite
    values), saved by a newer version, or settings that fail validation.
    """
    shown = os.fspath(path)
    with _open_checked(shown) as fh:
        try:
            head = fh.read(len(_ZIP_MAGIC))
            fh.seek(0)
            if not (head.startswith(_ZIP_MAGIC) or _ZIP_MAGIC.startswith(head)):
                raise StoreError(f"{shown} is not a neuron-tui run file")
            with zipfile.ZipFile(fh) as zf:
                return _read_record(zf, shown)
        except StoreError:
            raise
        except _Invalid as exc:
            raise StoreError(f"{shown} is damaged: {exc}") from None
        except OSError as exc:
            # EINVAL here is a seek to a nonsense offset read from the damaged archive; other
            # errors (EIO...) are the disk's.
            if exc.errno not in (None, errno.EINVAL):
                raise StoreError(f"cannot read {shown}: {exc.strerror or exc}") from None
            raise StoreError(_damaged(shown, exc)) from None
        except MemoryError:
            raise StoreError(f"{shown} is too large to load into memory") from None
        except Exception as exc:
            # A damaged archive can fail in any layer: zipfile (BadZipFile, NotImplementedError
            # for an unknown compression method, RuntimeError for an "encrypted" entry), numpy's
            # header parser (ValueError), EOFError... The promise is one StoreError.
            raise StoreError(_damaged(shown, exc)) from None


def _damaged(shown: str, exc: BaseException) -> str:
    """The message for an archive that cannot be read; zip's own detail only when it is short
    and readable ("Bad CRC-32 for file 'costs.npy'"), not a dump of binary header bytes."""
    detail = " ".join(str(exc).split())
    if detail and len(detail) <= 60 and detail.isprintable():
        return f"{shown} is damaged or incomplete ({detail})"
    return f"{shown} is damaged or incomplete"


# --------------------------------------------------------------------------------------------
# Back to a dataset and a trainer
# --------------------------------------------------------------------------------------------


def _sha256_of(path: str) -> str | None:
    """SHA-256 of the file's bytes, or ``None`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def rebuild_dataset(record: RunRecord, progress: Callable[[float], None] | None = None) -> Dataset:
    """The run's data, built again from ``record.data_cfg`` (``datasets.load``).

    Generated data is drawn again from its seed (bit-identical). A CSV file must still exist and
    have the SHA-256 recorded at save time; otherwise ``StoreError`` names the file ("has
    changed since the run was saved"). Any other data problem is a ``StoreError`` too.
    ``progress(fraction)`` is passed to ``datasets.load`` (a caller may raise from it to abandon
    a long CSV read, e.g. on Ctrl+C; that exception propagates unchanged).
    """
    cfg = record.data_cfg
    csv_path = str(cfg.csv_path) if cfg.source == "csv" else None
    if csv_path is not None and not os.path.isfile(csv_path):
        raise StoreError(f"the CSV file {csv_path} used by this run cannot be found")
    changed = StoreError(f"the CSV file {csv_path} has changed since the run was saved")
    try:
        dataset = load_dataset(cfg, progress)
    except (DataError, ConfigError) as exc:
        if csv_path is not None and _sha256_of(csv_path) != record.csv_sha256:
            raise changed from None
        raise StoreError(f"cannot rebuild the data of this run: {exc}") from None
    if csv_path is not None and dataset.csv_sha256 != record.csv_sha256:
        raise changed
    if dataset.feature_names != record.feature_names:
        raise StoreError(
            "the data of this run no longer has the same features "
            f"({', '.join(dataset.feature_names)} instead of {', '.join(record.feature_names)})"
        )
    return dataset


def trainer_from_record(record: RunRecord, dataset: Dataset) -> Trainer:
    """A ``Trainer`` in the state the run was saved in, on ``dataset`` (``rebuild_dataset``).

    Restores the parameters, the history, the initial parameters (so ``reset`` starts where the
    original run started), the status and reason of a finished run, the training time, the
    early-stopping count (replayed from the test costs) and the training loop's state (optimizer
    moments and step count, mini-batch order; ``Trainer.restore``). Continuing it gives
    bit-identical costs to continuing the original trainer, for every optimizer and batch size;
    a file saved without the loop's state continues with a fresh optimizer. Raises
    ``StoreError`` when the parameters or the loop's state do not fit the model built on this
    dataset.
    """
    model_cfg, train_cfg = record.model_cfg, record.train_cfg
    try:
        n_inputs = _n_inputs(model_cfg, dataset.n_features)
        expected = _model_shapes(model_cfg, train_cfg, n_inputs)
        _check_shapes(record.params, expected)
        _check_shapes(record.initial_params, expected)
    except _Invalid as exc:
        raise StoreError(f"cannot restore this run: {exc}") from None
    iters, tcosts = record.history.test()
    try:
        trainer = Trainer(
            dataset,
            model_cfg,
            train_cfg,
            history=History.from_arrays(record.history.train(), iters, tcosts),
            params=[p.copy() for p in record.params],
        )
        trainer.restore(
            initial_params=record.initial_params,
            status=record.status,
            reason=record.reason,
            seconds=record.seconds,
            stepper_state=record.stepper_state,
        )
    except ValueError as exc:  # ConfigError too; e.g. regression targets for a classifier
        raise StoreError(f"cannot restore this run: {exc}") from None
    return trainer
