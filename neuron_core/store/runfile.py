"""Saving and loading a whole run (configs, parameters, history) as one file.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays, written uncompressed):

* ``meta``: UTF-8 JSON as a uint8 array (m,): ``magic`` (``"neuron-tui-run"``), ``format_version``,
  the three configs (``to_dict``), ``n_params``, ``iterations_done`` (the length of ``costs``),
  ``status``, ``reason``, ``seconds``, ``csv_sha256``, ``feature_names``, ``saved_at``;
* ``param_0 .. param_{k-1}``: the current parameters, float64, in ``Network.get_params()`` order
  (format 1 stored a network without hidden layers trained as in the article as ``[w (n, 1), b]``:
  it loads as ``[W1 (1, n), b1]``, see ``record.upgrade_layout``);
* ``init_0 .. init_{k-1}``: the initial parameters (a reset after loading starts from them);
* ``costs`` (n,) float64: the training cost of every iteration; ``test_iters`` (t,) int64 and
  ``test_costs`` (t,) float64: the test cost measurements;
* ``state_<name>``: the training loop's state (``Trainer.stepper_state``: optimizer moments and
  step count, the mini-batch shuffling position), 1-D float64 or int64 arrays; the metadata's
  ``stepper_state`` maps each ``<name>`` to its kind (``"f"`` or ``"i"``). Files written before
  these entries existed have neither and load with a fresh optimizer state.
* ``pin_<i>_iters``, ``pin_<i>_costs``: the cost curves pinned to compare with, described by the
  metadata's ``pins`` (``neuron_core.store.pins``); older files have none.
* ``hand_log`` (k, 4) float64 with the metadata's ``hand_edits`` = k: the points placed and
  removed by hand, only in a run that has some (``hand_entry``).

Writing goes through ``atomic.atomic_write_bytes`` (a failed save never damages the previous
file). Reading trusts nothing and expands nothing before it is bounded: the zip's list of
entries is checked for size before ``zipfile`` reads it, the metadata entry is capped, then
every entry's header is checked against what the metadata allows (``limits``: the model's
parameter shapes, one cost per iteration done...) and every entry must be stored uncompressed
within the file before any array is read (``archive``: no pickle, read in pieces straight into
the arrays, zip CRCs verified). Memory while loading stays about twice the run's own arrays.
Every value is then checked by ``record.check_record`` (types, shapes, finiteness, the configs'
``validate()``). Any problem is a ``StoreError`` with one line for a person; no other exception
escapes ``load_run``.

The data itself is not stored (``restore.rebuild_dataset`` builds it again). Unknown extra
entries and fields are ignored, so a later format can add them (as ``state_*`` were added
without a new format version: an older reader ignores them and continues with a fresh
optimizer; ``iterations_done`` likewise: an older reader ignores it, and files without it are
bounded by their configured iterations, see ``limits``). Format 2 changed the layout of the
single neuron's parameters: a format-1 reader refuses such a file as "saved by a newer
neuron-tui" instead of misreading it.
"""

from __future__ import annotations

import errno
import io
import json
import os
import zipfile
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.errors import ConfigError, StoreError
from neuron_core.store.archive import (
    ZIP_MAGIC,
    Invalid,
    check_directory,
    damaged,
    get_field,
    one_line,
    open_checked,
    read_array,
    read_entry,
)
from neuron_core.store.atomic import atomic_write_bytes
from neuron_core.store.hand_entry import check_log, read_log
from neuron_core.store.hand_entry import entries as hand_entries
from neuron_core.store.limits import ITERATIONS_DONE, plan
from neuron_core.store.pins import pin_arrays, pins_meta, read_pins
from neuron_core.store.record import (
    RunRecord,
    check_feature_names,
    check_record,
    state_kind,
    upgrade_layout,
)
from neuron_core.training.history import History

FORMAT_VERSION = 2
MAGIC = "neuron-tui-run"
# The JSON metadata is a few kB; a larger entry is not ours (and is not read into memory).
_MAX_META_BYTES = 1 << 20


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
        ITERATIONS_DONE: record.history.n,
        "status": record.status,
        "reason": record.reason,
        "seconds": float(record.seconds),
        "csv_sha256": record.csv_sha256,
        "feature_names": list(record.feature_names),
        "saved_at": record.saved_at,
        "stepper_state": {name: state_kind(a) for name, a in record.stepper_state.items()},
        "pins": pins_meta(record.pins),
    }


def save_run(path: str | os.PathLike[str], record: RunRecord) -> None:
    """Write ``record`` to ``path`` atomically (an existing file is replaced only when the new
    one is completely on disk). Raises ``StoreError`` when the record is inconsistent (it would
    not load back) or the file cannot be written (no space, no permission...)."""
    shown = os.fspath(path)
    try:
        check_record(record)
        check_log(record.hand_log)
    except Invalid as exc:
        raise StoreError(f"cannot save to {shown}: {exc}") from None
    meta = _meta(record) | hand_entries(record.hand_log)[0]
    text = json.dumps(meta, allow_nan=False, ensure_ascii=False)
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
    arrays.update(pin_arrays(record.pins))
    arrays.update(hand_entries(record.hand_log)[1])
    buf = io.BytesIO()
    np.savez(buf, allow_pickle=False, **arrays)
    atomic_write_bytes(shown, buf.getbuffer())


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _config(meta: dict[str, Any], key: str, cls: type[Any], shown: str) -> Any:
    raw = meta.get(key)
    if not isinstance(raw, dict):
        raise Invalid(f"the field {key!r} is missing or invalid")
    try:
        return cls.from_dict(raw)
    except ConfigError as exc:
        label = {"data_cfg": "data", "model_cfg": "model", "train_cfg": "training"}[key]
        raise StoreError(f"{shown}: the saved {label} settings are invalid: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise Invalid(f"the field {key!r} is invalid ({one_line(exc)})") from None


def _read_meta(zf: zipfile.ZipFile, shown: str) -> dict[str, Any]:
    """The metadata dict, after checking that this is a neuron-tui run we can read."""
    not_ours = StoreError(f"{shown} is not a neuron-tui run file")
    try:
        info = zf.getinfo("meta.npy")
    except KeyError:
        raise not_ours from None
    if info.file_size > _MAX_META_BYTES:
        raise not_ours
    raw = read_array(zf, "meta", "u", 1)
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise not_ours from None
    if not isinstance(meta, dict) or meta.get("magic") != MAGIC:
        raise not_ours
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Invalid("the format version is missing or invalid")
    if version > FORMAT_VERSION:
        raise StoreError(
            f"{shown} was saved by a newer neuron-tui (format {version}); this version reads "
            f"format {FORMAT_VERSION}"
        )
    return meta


def _read_record(zf: zipfile.ZipFile, shown: str, file_size: int) -> RunRecord:
    meta = _read_meta(zf, shown)
    data_cfg = _config(meta, "data_cfg", DataConfig, shown)
    model_cfg = _config(meta, "model_cfg", ModelConfig, shown)
    train_cfg = _config(meta, "train_cfg", TrainConfig, shown)
    names = check_feature_names(get_field(meta, "feature_names", list))
    sha = None if meta.get("csv_sha256") is None else get_field(meta, "csv_sha256", str)
    status = get_field(meta, "status", str)
    reason = get_field(meta, "reason", str)
    seconds = float(get_field(meta, "seconds", (int, float)))
    saved_at = get_field(meta, "saved_at", str)
    # Every entry is checked against the metadata before any array is read.
    entries = plan(zf, meta, model_cfg, train_cfg, names, file_size)
    version = int(meta["format_version"])
    params = upgrade_layout(version, model_cfg, [read_entry(zf, e) for e in entries.params])
    initial = upgrade_layout(version, model_cfg, [read_entry(zf, e) for e in entries.initial])
    history = History.from_arrays(
        read_entry(zf, entries.costs),
        read_entry(zf, entries.test_iters),
        read_entry(zf, entries.test_costs),
    )  # the entries' arrays are dropped once copied: the peak is twice the history
    record = RunRecord(
        data_cfg=data_cfg,
        model_cfg=model_cfg,
        train_cfg=train_cfg,
        params=params,
        initial_params=initial,
        history=history,
        status=status,
        reason=reason,
        seconds=seconds,
        csv_sha256=sha,
        feature_names=names,
        saved_at=saved_at,
        stepper_state={name: read_entry(zf, e) for name, e in entries.state.items()},
        pins=read_pins(zf, meta),
        hand_log=read_log(zf, meta),
    )
    check_record(record)
    return record


def load_run(path: str | os.PathLike[str]) -> RunRecord:
    """Read a run saved by ``save_run``.

    Raises ``StoreError`` (and nothing else) with one line naming the file and the problem: not
    found, a directory, empty, not a neuron-tui run (a text file, a foreign zip or ``.npz``),
    damaged or incomplete (truncated, corrupt bytes, missing entries, wrong shapes, non-finite
    values, entries larger than the metadata allows, compressed entries), saved by a newer
    version, or settings that fail validation. Nothing is expanded before it is bounded (see
    the module docstring): the memory used is about twice the run's arrays, whatever the file.
    """
    shown = os.fspath(path)
    with open_checked(shown) as fh:
        try:
            head = fh.read(len(ZIP_MAGIC))
            fh.seek(0)
            if not (head.startswith(ZIP_MAGIC) or ZIP_MAGIC.startswith(head)):
                raise StoreError(f"{shown} is not a neuron-tui run file")
            check_directory(fh)
            with zipfile.ZipFile(fh) as zf:
                return _read_record(zf, shown, os.fstat(fh.fileno()).st_size)
        except StoreError:
            raise
        except Invalid as exc:
            raise StoreError(f"{shown} is damaged: {exc}") from None
        except OSError as exc:
            # EINVAL here is a seek to a nonsense offset read from the damaged archive; other
            # errors (EIO...) are the disk's.
            if exc.errno not in (None, errno.EINVAL):
                raise StoreError(f"cannot read {shown}: {exc.strerror or exc}") from None
            raise StoreError(damaged(shown, exc)) from None
        except MemoryError:
            raise StoreError(f"{shown} is too large to load into memory") from None
        except Exception as exc:
            # A damaged archive can fail in any layer: zipfile (BadZipFile, NotImplementedError
            # for an unknown compression method, RuntimeError for an "encrypted" entry), numpy's
            # header parser (ValueError), EOFError... The promise is one StoreError.
            raise StoreError(damaged(shown, exc)) from None
