"""A saved run and a live one: a trainer's ``RunRecord``, and a record's dataset and trainer.

``runfile`` turns records into files and back; this module connects records with the engine.
The data itself is not stored: generated data is drawn again from the config's seed, and a CSV
file is read again and must have the same SHA-256 as when the run was saved.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from neuron_core.config import DataConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load as load_dataset
from neuron_core.data.hand_points import replay as replay_hand_edits
from neuron_core.errors import ConfigError, DataError, StoreError
from neuron_core.store.archive import Invalid
from neuron_core.store.record import (
    RunRecord,
    check_shapes,
    check_state,
    model_inputs,
    model_shapes,
)
from neuron_core.training.history import History
from neuron_core.training.trainer import Trainer


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
        check_state(state)
    except Invalid:
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
        hand_log=None if trainer.data.hand_log is None else trainer.data.hand_log.copy(),
    )


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
    a long CSV read, e.g. on Ctrl+C; that exception propagates unchanged). The points placed
    and removed by hand (``record.hand_log``) are applied again (``data.hand_points.replay``).
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
    if record.hand_log is not None:
        try:
            dataset = replay_hand_edits(dataset, record.hand_log)
        except ValueError as exc:
            raise StoreError(f"cannot place this run's points placed by hand: {exc}") from None
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
        n_inputs = model_inputs(model_cfg, dataset.n_features)
        expected = model_shapes(model_cfg, n_inputs)
        check_shapes([p.shape for p in record.params], expected)
        check_shapes([p.shape for p in record.initial_params], expected)
    except Invalid as exc:
        raise StoreError(f"cannot restore this run: {exc}") from None
    iters, tcosts = record.history.test()
    try:
        trainer = Trainer(
            dataset,
            model_cfg,
            train_cfg,
            # Room for the configured iterations now: the trainer's ``reserve`` would otherwise
            # copy the whole history once more while the record's copy is still alive.
            history=History.from_arrays(
                record.history.train(), iters, tcosts, capacity=train_cfg.iterations
            ),
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
