"""Tests of saving and loading runs (``neuron_core.store.runfile``, ``record``, ``restore``) and
of atomic writes (``atomic``).

Loading must turn every kind of bad file into one ``StoreError`` line; saving must never damage
the previous file; a loaded run must continue exactly like the original.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.errors import StoreError
from neuron_core.store.atomic import atomic_write_bytes, atomic_write_text
from neuron_core.store.restore import rebuild_dataset, record_from_trainer, trainer_from_record
from neuron_core.store.runfile import FORMAT_VERSION, MAGIC, load_run, save_run
from neuron_core.training.history import History
from neuron_core.training.trainer import Trainer

LINE = DataConfig(name="line", samples=400, test_samples=300, seed=5)
Arrays = dict[str, NDArray[Any]]


def _trainer(
    data_cfg: DataConfig = LINE, train_cfg: TrainConfig | None = None, steps: int = 300
) -> Trainer:
    trainer = Trainer(load(data_cfg), ModelConfig(), train_cfg or TrainConfig(iterations=2000))
    trainer.step(steps)
    return trainer


def _bits(arrays: list[NDArray[Any]]) -> list[bytes]:
    """Exact bytes of each array (bit-identical comparison, -0.0 and NaN patterns included)."""
    return [np.ascontiguousarray(a).tobytes() for a in arrays]


def _history_bits(h: History) -> list[bytes]:
    iters, costs = h.test()
    return _bits([h.train(), iters, costs])


def _assert_same_state(a: Trainer, b: Trainer) -> None:
    assert _bits(a.model.get_params()) == _bits(b.model.get_params())
    assert _history_bits(a.history) == _history_bits(b.history)
    assert (a.iteration, a.status, a.reason) == (b.iteration, b.status, b.reason)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good saved run (line data, 300 iterations), shared read-only by the loading tests."""
    path = tmp_path_factory.mktemp("store") / "good.npz"
    save_run(path, record_from_trainer(_trainer(), LINE))
    return path


def _load_error(path: str | Path) -> str:
    """Load ``path``, expecting a StoreError (any other exception fails the test); its message."""
    with pytest.raises(StoreError) as info:
        load_run(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300, message
    assert "Traceback" not in message
    return message


def _entries(path: Path) -> tuple[Arrays, dict[str, Any]]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    return arrays, meta


def _rewrite(src: Path, dst: Path, change: Callable[[Arrays, dict[str, Any]], None]) -> Path:
    """Copy the run at ``src`` to ``dst`` after ``change(arrays, meta)`` edits it in place."""
    arrays, meta = _entries(src)
    change(arrays, meta)
    meta_bytes = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez(dst, allow_pickle=False, meta=meta_bytes, **arrays)
    return dst


# ================================================================= round trip


def test_round_trip_is_bit_identical_and_continues_identically(tmp_path: Path) -> None:
    original = _trainer(steps=300)
    path = tmp_path / "run.npz"
    save_run(path, record_from_trainer(original, LINE))

    record = load_run(path)
    assert record.data_cfg == LINE
    assert record.model_cfg == original.model_cfg
    assert record.train_cfg == original.train_cfg
    assert record.history.n == 300 and record.history.n_test > 0
    assert record.status == "paused"
    assert record.feature_names == ("x1", "x2")
    assert record.csv_sha256 is None
    datetime.fromisoformat(record.saved_at)

    dataset = rebuild_dataset(record)
    for name in ("X_train", "Y_train", "X_test", "Y_test"):
        assert getattr(dataset, name).tobytes() == getattr(original.data, name).tobytes()
    loaded = trainer_from_record(record, dataset)
    _assert_same_state(original, loaded)
    assert _bits(loaded.initial_params) == _bits(original.initial_params)
    assert loaded.seconds == original.seconds
    assert loaded.snapshot().iteration == 300

    original.step(300)
    loaded.step(300)
    assert original.iteration == 600
    _assert_same_state(original, loaded)

    # A reset goes back to the same start on both, and they train identically from there.
    original.reset()
    loaded.reset()
    original.step(50)
    loaded.step(50)
    _assert_same_state(original, loaded)


@pytest.mark.parametrize(
    ("model_cfg", "train_cfg"),
    [
        (ModelConfig(hidden=(4,), init="xavier", init_seed=3), TrainConfig(lr=0.1)),
        (
            ModelConfig(hidden=(4, 3), activation="relu", init="he", feature_map=("x1", "x2^2")),
            TrainConfig(lr=0.05, l2=0.01, dtype="float32"),
        ),
    ],
    ids=["tanh-4", "relu-4-3-mapped-f32"],
)
def test_network_run_continues_identically(
    tmp_path: Path, model_cfg: ModelConfig, train_cfg: TrainConfig
) -> None:
    data_cfg = DataConfig(name="circle", samples=200, test_samples=100, seed=2)
    original = Trainer(load(data_cfg), model_cfg, train_cfg)
    original.step(150)
    save_run(tmp_path / "net.npz", record_from_trainer(original, data_cfg))
    record = load_run(tmp_path / "net.npz")
    assert len(record.params) == 2 * (len(model_cfg.hidden) + 1)
    loaded = trainer_from_record(record, rebuild_dataset(record))
    _assert_same_state(original, loaded)
    assert _bits(loaded.initial_params) == _bits(original.initial_params)
    original.step(150)
    loaded.step(150)
    _assert_same_state(original, loaded)


def test_float32_run_continues_identically(tmp_path: Path) -> None:
    cfg = TrainConfig(lr=0.05, iterations=1000, dtype="float32")
    original = _trainer(train_cfg=cfg, steps=200)
    save_run(tmp_path / "f32.npz", record_from_trainer(original, LINE))
    record = load_run(tmp_path / "f32.npz")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    original.step(200)
    loaded.step(200)
    _assert_same_state(original, loaded)


def test_completed_run_stays_completed_and_can_be_extended(tmp_path: Path) -> None:
    cfg = TrainConfig(iterations=300)
    original = _trainer(train_cfg=cfg, steps=300)
    assert original.status == "completed"
    save_run(tmp_path / "done.npz", record_from_trainer(original, LINE))
    record = load_run(tmp_path / "done.npz")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert loaded.status == "completed"
    assert loaded.run() == "completed" and loaded.iteration == 300
    more = TrainConfig(iterations=500)
    original.set_train_config(more)
    loaded.set_train_config(more)
    assert original.run() == loaded.run() == "completed"
    _assert_same_state(original, loaded)


def test_finished_run_keeps_its_status_and_reason(tmp_path: Path) -> None:
    original = Trainer(load(LINE), ModelConfig(), TrainConfig(iterations=5000, target_cost=0.3))
    assert original.run() == "target_reached"
    save_run(tmp_path / "target.npz", record_from_trainer(original, LINE))
    record = load_run(tmp_path / "target.npz")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert loaded.status == "target_reached"
    assert loaded.reason == original.reason and "reached the target" in loaded.reason
    assert loaded.snapshot().status == "target_reached"  # the snapshot the UI reads is fresh
    assert loaded.snapshot().reason == original.reason
    n = loaded.iteration
    assert loaded.run() == "target_reached" and loaded.iteration == n
    _assert_same_state(original, loaded)


def test_diverged_status_is_restored(tmp_path: Path) -> None:
    # The stable single neuron cannot really diverge (its gradient is bounded), so the status
    # is set by hand as the trainer would set it.
    original = _trainer(steps=40)
    original.status = "diverged"
    original.reason = "the cost became infinite or NaN at iteration 40"
    save_run(tmp_path / "boom.npz", record_from_trainer(original, LINE))
    record = load_run(tmp_path / "boom.npz")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert (loaded.status, loaded.reason) == ("diverged", original.reason)
    assert loaded.step(5) == "diverged" and loaded.iteration == 40


def test_early_stopping_patience_survives_save_and_load(tmp_path: Path) -> None:
    cfg = TrainConfig(lr=0.1, iterations=5000, early_stop=5, test_every=10)
    data_cfg = DataConfig(name="line", samples=200, test_samples=200, noise=0.2)
    reference = Trainer(load(data_cfg), ModelConfig(), cfg)
    assert reference.run() == "early_stopped"
    stop = reference.iteration
    # Save two measurements before the end: three non-improving measurements are already
    # counted, so the loaded run must stop at the same iteration, not restart its patience.
    original = _trainer(data_cfg, cfg, steps=stop - 20)
    save_run(tmp_path / "es.npz", record_from_trainer(original, data_cfg))
    record = load_run(tmp_path / "es.npz")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert loaded.run() == "early_stopped"
    assert loaded.iteration == stop
    _assert_same_state(reference, loaded)


def test_running_status_is_saved_as_paused() -> None:
    trainer = _trainer(steps=20)
    trainer.status = "running"
    record = record_from_trainer(trainer, LINE)
    assert record.status == "paused"


def test_record_does_not_share_arrays_with_the_trainer() -> None:
    trainer = _trainer(steps=30)
    record = record_from_trainer(trainer, LINE)
    before = _bits(record.params) + _history_bits(record.history)
    trainer.step(30)
    assert _bits(record.params) + _history_bits(record.history) == before


def test_empty_history_round_trip(tmp_path: Path) -> None:
    trainer = Trainer(load(LINE), ModelConfig(), TrainConfig())
    save_run(tmp_path / "new.npz", record_from_trainer(trainer, LINE))
    record = load_run(tmp_path / "new.npz")
    assert record.history.n == 0 and record.status == "ready"
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert loaded.status == "ready"
    trainer.step(10)
    loaded.step(10)
    _assert_same_state(trainer, loaded)


# ================================================================= CSV data


def _write_csv(path: Path, seed: int = 0, rows: int = 120) -> None:
    rng = np.random.default_rng(seed)
    lines = ["a,b,label"]
    for _ in range(rows):
        a, b = rng.normal(size=2)
        lines.append(f"{a:.6f},{b:.6f},{'yes' if a + b > 0 else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_csv_run_round_trip_and_changed_or_missing_file(tmp_path: Path) -> None:
    csv_path = tmp_path / "data.csv"
    _write_csv(csv_path)
    cfg = DataConfig(source="csv", csv_path=str(csv_path), target="label", seed=1)
    original = _trainer(cfg, steps=100)
    run = tmp_path / "csv-run.npz"
    save_run(run, record_from_trainer(original, cfg))
    record = load_run(run)
    assert record.csv_sha256 == original.data.csv_sha256 is not None
    assert record.feature_names == ("a", "b")
    loaded = trainer_from_record(record, rebuild_dataset(record))
    original.step(100)
    loaded.step(100)
    _assert_same_state(original, loaded)

    # Same columns, other values: the data would silently differ, so it is refused.
    _write_csv(csv_path, seed=1)
    with pytest.raises(StoreError, match=r"the CSV file .*data\.csv has changed since"):
        rebuild_dataset(record)
    # Changed so much that it no longer parses: still reported as "changed".
    csv_path.write_text("just one column\n1\n", encoding="utf-8")
    with pytest.raises(StoreError, match="has changed since the run was saved"):
        rebuild_dataset(record)
    csv_path.unlink()
    with pytest.raises(StoreError, match=rf"{csv_path.name}.*cannot be found"):
        rebuild_dataset(record)


# ================================================================= bad files


def test_missing_file(tmp_path: Path) -> None:
    assert _load_error(tmp_path / "nope.npz") == f"file not found: {tmp_path / 'nope.npz'}"


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in _load_error(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.npz").write_bytes(b"")
    assert _load_error(tmp_path / "empty.npz").endswith("is empty")


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"a,b\n1,2\n", b"\x00" * 100])
def test_random_non_zip_file(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "x.npz").write_bytes(content)
    assert _load_error(tmp_path / "x.npz").endswith("is not a neuron-tui run file")


def test_foreign_zip(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("readme.txt", "not a run")
    assert "is not a neuron-tui run file" in _load_error(tmp_path / "other.zip")


def test_foreign_npz(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", x=np.arange(10), y=np.ones((3, 3)))
    assert "is not a neuron-tui run file" in _load_error(tmp_path / "other.npz")
    # An npz with a "meta" entry that is not ours is foreign too.
    np.savez(tmp_path / "meta.npz", meta=np.frombuffer(b'{"hello": 1}', dtype=np.uint8))
    assert "is not a neuron-tui run file" in _load_error(tmp_path / "meta.npz")


def test_truncated_file_at_many_points(saved: Path, tmp_path: Path) -> None:
    data = saved.read_bytes()
    size = len(data)
    cuts = [
        1,
        3,
        4,
        10,
        30,
        100,
        size // 4,
        size // 2,
        3 * size // 4,
        size - 100,
        size - 22,
        size - 1,
    ]
    for cut in cuts:
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(data[:cut])
        assert "is damaged or incomplete" in _load_error(path), cut


def test_flipped_bytes_never_load_wrong_data(saved: Path, tmp_path: Path) -> None:
    """Flip bytes all over the file: each load raises StoreError or (a flip in a field zip does not
    check, like a timestamp) gives exactly the original record. Never another exception, never
    silently different numbers."""
    good = load_run(saved)
    expected = _bits(good.params) + _bits(good.initial_params) + _history_bits(good.history)
    data = saved.read_bytes()
    path = tmp_path / "flip.npz"
    errors = 0
    for pos in range(0, len(data), 3):
        damaged = bytearray(data)
        damaged[pos] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            record = load_run(path)
        except StoreError as exc:
            assert "\n" not in str(exc)
            errors += 1
            continue
        got = _bits(record.params) + _bits(record.initial_params) + _history_bits(record.history)
        assert got == expected, f"flip at byte {pos} loaded different data"
    assert errors > 0.8 * len(range(0, len(data), 3))
    # In the middle the bytes are array data: the zip checksum catches every flip there.
    for pos in (len(data) // 2 - 7, len(data) // 2, len(data) // 2 + 13):
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        path.write_bytes(bytes(damaged))
        assert "damaged" in _load_error(path)


def test_newer_format_version(saved: Path, tmp_path: Path) -> None:
    def newer(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta["format_version"] = FORMAT_VERSION + 1

    path = _rewrite(saved, tmp_path / "newer.npz", newer)
    assert _load_error(path) == (
        f"{path} was saved by a newer neuron-tui (format 3); this version reads format 2"
    )


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_invalid_format_version(saved: Path, tmp_path: Path, version: object) -> None:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta["format_version"] = version

    path = _rewrite(saved, tmp_path / "v.npz", change)
    assert "damaged: the format version is missing or invalid" in _load_error(path)


def test_wrong_magic(saved: Path, tmp_path: Path) -> None:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta["magic"] = "someone-else"

    assert MAGIC == "neuron-tui-run"
    path = _rewrite(saved, tmp_path / "magic.npz", change)
    assert "is not a neuron-tui run file" in _load_error(path)


@pytest.mark.parametrize(
    "entry", ["param_0", "param_1", "init_0", "init_1", "costs", "test_iters", "test_costs"]
)
def test_missing_entry(saved: Path, tmp_path: Path, entry: str) -> None:
    def drop(arrays: Arrays, meta: dict[str, Any]) -> None:
        del arrays[entry]

    path = _rewrite(saved, tmp_path / "missing.npz", drop)
    assert _load_error(path) == f"{path} is damaged: the entry {entry!r} is missing"


def _set(entry: str, value: NDArray[Any]) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        arrays[entry] = value

    return change


def _meta(key: str, value: object) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta[key] = value

    return change


def _cfg(section: str, key: str, value: object) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta[section][key] = value

    return change


def _with_nan(entry: str, index: int, value: float) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        arrays[entry] = arrays[entry].copy()
        arrays[entry].flat[index] = value

    return change


BAD_CONTENT: list[tuple[str, Callable[[Arrays, dict[str, Any]], None], str]] = [
    # shapes
    ("w-3x1", _set("param_0", np.zeros((3, 1))), "the current parameter has (3, 1)"),
    (
        "w-both-3x1",
        lambda a, m: a.update(param_0=np.zeros((3, 1)), init_0=np.zeros((3, 1))),
        "parameter 0 has shape (3, 1) but the model needs (1, 2)",
    ),
    (
        "w-old-layout",  # the single neuron's layout of format 1, in a format-2 file
        lambda a, m: a.update(param_0=np.zeros((2, 1)), init_0=np.zeros((2, 1))),
        "parameter 0 has shape (2, 1) but the model needs (1, 2)",
    ),
    ("w-1d", _set("param_0", np.zeros(2)), "'param_0' has 1 dimensions, not 2"),
    (
        "b-empty",
        lambda a, m: a.update(param_1=np.zeros((0, 1)), init_1=np.zeros((0, 1))),
        "parameter 1 has shape (0, 1)",
    ),
    ("costs-2d", _set("costs", np.zeros((2, 2))), "'costs' has 2 dimensions"),
    ("test-lengths", _set("test_costs", np.zeros(1)), "different lengths"),
    ("n-params-3", _meta("n_params", 3), "the entry 'param_2' is missing"),
    ("n-params-0", _meta("n_params", 0), "invalid number of parameter arrays"),
    ("n-params-huge", _meta("n_params", 10**9), "invalid number of parameter arrays"),
    # types
    ("w-int", _set("param_0", np.zeros((1, 2), dtype=np.int64)), "holds int64, not float64"),
    ("w-float32", _set("param_0", np.zeros((1, 2), dtype=np.float32)), "holds float32"),
    ("iters-float", _set("test_iters", np.zeros(30)), "holds float64, not int64"),
    ("extra-entry", _set("meta2", np.zeros(1)), ""),  # ignored (forward compatible): loads
    # non-finite values
    ("w-nan", _with_nan("param_0", 1, np.nan), "parameter 0 contains infinite or NaN"),
    ("b-inf", _with_nan("param_1", 0, np.inf), "parameter 1 contains infinite or NaN"),
    ("init-nan", _with_nan("init_0", 0, np.nan), "initial parameter 0 contains infinite"),
    ("cost-inf", _with_nan("costs", 150, np.inf), "cost history contains infinite or NaN"),
    ("test-nan", _with_nan("test_costs", 3, np.nan), "test-cost history contains infinite"),
    ("iters-order", _with_nan("test_iters", 3, 10**6), "out of order or out of range"),
    ("iters-negative", _with_nan("test_iters", 0, -5), "out of order or out of range"),
    ("seconds-neg", _meta("seconds", -1.0), "invalid training time"),
    ("seconds-text", _meta("seconds", "1"), "the field 'seconds' is missing or invalid"),
    ("seconds-bool", _meta("seconds", True), "the field 'seconds' is missing or invalid"),
    # other metadata
    ("status", _meta("status", "exploded"), "unknown status 'exploded'"),
    ("status-missing", _meta("status", None), "the field 'status' is missing or invalid"),
    ("reason-number", _meta("reason", 3), "the field 'reason' is missing or invalid"),
    ("names-text", _meta("feature_names", "x1"), "the field 'feature_names'"),
    ("names-empty", _meta("feature_names", []), "the feature names are missing"),
    ("names-numbers", _meta("feature_names", [1, 2]), "the feature names are not all text"),
    ("names-three", _meta("feature_names", ["a", "b", "c"]), "the model needs (1, 3)"),
    ("sha-bad", _meta("csv_sha256", "abc"), "not a SHA-256"),
    ("saved-at", _meta("saved_at", 5), "the field 'saved_at' is missing or invalid"),
    # configs that fail validation
    ("lr", _cfg("train_cfg", "lr", -1.0), "the saved training settings are invalid: lr: must"),
    ("iterations", _cfg("train_cfg", "iterations", 0), "training settings are invalid"),
    ("samples", _cfg("data_cfg", "samples", 1), "the saved data settings are invalid: samples"),
    ("generator", _cfg("data_cfg", "name", "nope"), "data settings are invalid: name"),
    ("hidden", _cfg("model_cfg", "hidden", "abc"), "the saved model settings are invalid"),
    ("init", _cfg("model_cfg", "init", "magic"), "model settings are invalid: init"),
    ("data-not-dict", _meta("data_cfg", [1, 2]), "the field 'data_cfg' is missing or invalid"),
    ("csv-no-path", _cfg("data_cfg", "source", "csv"), "data settings are invalid: csv_path"),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [(c, m) for _, c, m in BAD_CONTENT],
    ids=[name for name, _, _ in BAD_CONTENT],
)
def test_bad_content(
    saved: Path, tmp_path: Path, change: Callable[[Arrays, dict[str, Any]], None], message: str
) -> None:
    path = _rewrite(saved, tmp_path / "bad.npz", change)
    if not message:
        load_run(path)
        return
    error = _load_error(path)
    assert error.startswith(str(path)), error
    assert message in error, error


def test_csv_source_without_checksum(saved: Path, tmp_path: Path) -> None:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta["data_cfg"].update(source="csv", csv_path="d.csv", target="y")

    assert "the CSV file's checksum is missing" in _load_error(
        _rewrite(saved, tmp_path / "c.npz", change)
    )


def test_json_garbage_and_object_arrays(saved: Path, tmp_path: Path) -> None:
    arrays, _ = _entries(saved)
    np.savez(
        tmp_path / "j.npz",
        allow_pickle=False,
        meta=np.frombuffer(b"{not json", dtype=np.uint8),
        **arrays,
    )
    assert "is not a neuron-tui run file" in _load_error(tmp_path / "j.npz")
    np.savez(
        tmp_path / "u.npz",
        allow_pickle=False,
        meta=np.frombuffer(b"\xff\xfe{}", dtype=np.uint8),
        **arrays,
    )
    assert "is not a neuron-tui run file" in _load_error(tmp_path / "u.npz")
    # A pickled object array is never unpickled.
    good_meta = _entries(saved)[1]
    meta = np.frombuffer(json.dumps(good_meta).encode(), dtype=np.uint8)
    objects = dict(arrays, costs=np.array([1.0, "x"], dtype=object))
    np.savez(tmp_path / "o.npz", allow_pickle=True, meta=meta, **objects)
    assert "'costs' holds object, not float64" in _load_error(tmp_path / "o.npz")


def test_header_claiming_a_huge_array_is_refused_before_allocating(
    saved: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(saved) as z:
        members = {name: z.read(name) for name in z.namelist()}
    costs = members["costs.npy"]
    end = costs.index(b"\n") + 1
    header = costs[:end]
    assert b"(300,)" in header
    # Claim 9e12 float64 (72 TB) keeping the header's length: its padding absorbs the digits.
    bigger = header[:-1].replace(b"(300,)", b"(9000000000000,)").rstrip(b" ")
    members["costs.npy"] = bigger.ljust(len(header) - 1) + b"\n" + costs[end:]
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as z:  # fresh CRCs: only the header lies
        for name, content in members.items():
            z.writestr(name, content)
    assert "'costs' has the wrong size for its shape (9000000000000,)" in _load_error(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(saved: Path, tmp_path: Path) -> None:
    path = tmp_path / "secret.npz"
    path.write_bytes(saved.read_bytes())
    path.chmod(0)
    assert _load_error(path) == f"permission denied: cannot read {path}"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    assert "is not a regular file" in _load_error(fifo)


# ================================================================= restoring onto a dataset


def test_trainer_from_record_rejects_params_that_do_not_fit(saved: Path) -> None:
    record = load_run(saved)
    record.params = [np.zeros((3, 1)), np.zeros((1, 1))]
    with pytest.raises(StoreError, match=r"parameter 0 has shape \(3, 1\) but the model needs"):
        trainer_from_record(record, rebuild_dataset(load_run(saved)))
    record = load_run(saved)
    record.params = [np.zeros((2, 1))]
    with pytest.raises(StoreError, match="1 parameter arrays saved but the model has 2"):
        trainer_from_record(record, rebuild_dataset(record))


def test_trainer_from_record_on_other_data(saved: Path) -> None:
    record = load_run(saved)
    one_feature = load(DataConfig(name="reg-line", samples=50, test_samples=10))
    with pytest.raises(StoreError, match="cannot restore this run"):
        trainer_from_record(record, one_feature)
    # Right number of features but regression targets: the classifier refuses them.
    plane = load(DataConfig(name="reg-plane", samples=50, test_samples=10))
    with pytest.raises(StoreError, match="cannot restore this run: labels must be 0 or 1"):
        trainer_from_record(record, plane)


def test_rebuild_dataset_checks_feature_names(saved: Path) -> None:
    record = load_run(saved)
    record.feature_names = ("a", "b")
    with pytest.raises(StoreError, match="no longer has the same features"):
        rebuild_dataset(record)


# ================================================================= optimizer state


CIRCLE = DataConfig(name="circle", samples=200, test_samples=100, seed=2)
NET = ModelConfig(hidden=(4,), init="xavier", init_seed=1)


@pytest.mark.parametrize(
    ("model_cfg", "train_cfg"),
    [
        (ModelConfig(), TrainConfig(lr=0.1, batch_size=32)),
        (NET, TrainConfig(lr=0.1, optimizer="momentum")),
        (NET, TrainConfig(lr=0.01, optimizer="adam")),
        (NET, TrainConfig(lr=0.01, optimizer="adam", batch_size=40, seed=7)),  # epoch boundary
        (
            ModelConfig(hidden=(4, 2), init="he", activation="relu"),
            TrainConfig(lr=0.02, optimizer="momentum", batch_size=37, l2=0.01, dtype="float32"),
        ),
        (ModelConfig(hidden=(3,)), TrainConfig(lr=0.02, optimizer="adam", dtype="float32")),
    ],
    ids=["gd-batch32", "momentum", "adam", "adam-batch40", "momentum-batch37-f32", "adam-f32"],
)
def test_optimizer_state_survives_save_and_load(
    tmp_path: Path, model_cfg: ModelConfig, train_cfg: TrainConfig
) -> None:
    """Momentum, Adam moments, step count and the mini-batch order are saved: the loaded run
    continues bit for bit like the original (batch 40 of 200 saves right at an epoch's end)."""
    original = Trainer(load(CIRCLE), model_cfg, train_cfg)
    original.step(300)
    save_run(tmp_path / "opt.npz", record_from_trainer(original, CIRCLE))
    record = load_run(tmp_path / "opt.npz")
    assert record.stepper_state, "a network run saves its optimizer state"
    assert int(record.stepper_state["opt_t"][0]) == 300
    loaded = trainer_from_record(record, rebuild_dataset(record))
    for name, arr in original.stepper_state().items():
        assert _bits([loaded.stepper_state()[name]]) == _bits([arr]), name
    original.step(300)
    loaded.step(300)
    _assert_same_state(original, loaded)


@pytest.fixture(scope="module")
def saved_adam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved mini-batch Adam run on a network (300 iterations, mid-epoch)."""
    path = tmp_path_factory.mktemp("store") / "adam.npz"
    trainer = Trainer(load(CIRCLE), NET, TrainConfig(lr=0.01, optimizer="adam", batch_size=32))
    trainer.step(300)
    save_run(path, record_from_trainer(trainer, CIRCLE))
    return path


def _without_state(arrays: Arrays, meta: dict[str, Any]) -> None:
    """Make a file as saved before the optimizer state was stored."""
    for name in [k for k in arrays if k.startswith("state_")]:
        del arrays[name]
    del meta["stepper_state"]


def test_file_without_optimizer_state_loads_with_a_fresh_one(
    saved_adam: Path, tmp_path: Path
) -> None:
    with np.load(saved_adam, allow_pickle=False) as z:
        assert {"state_opt_t", "state_opt_m_0", "state_opt_v_0", "state_shuffle_rng"} <= set(
            z.files
        )
    old = _rewrite(saved_adam, tmp_path / "old.npz", _without_state)
    record = load_run(old)
    assert record.stepper_state == {}
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert int(loaded.stepper_state()["opt_t"][0]) == 0
    # The same as a trainer started from the saved parameters; not as the saved run.
    fresh = Trainer(load(CIRCLE), record.model_cfg, record.train_cfg, params=record.params)
    current = trainer_from_record(load_run(saved_adam), rebuild_dataset(record))
    for trainer in (loaded, fresh, current):
        trainer.step(50)
    new_costs = [t.history.train()[-50:] for t in (loaded, fresh, current)]
    assert _bits(new_costs[0:1]) == _bits(new_costs[1:2])
    assert not np.allclose(new_costs[0], new_costs[2], rtol=1e-6)


def _drop(entry: str) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        del arrays[entry]

    return change


def _kinds(value: object) -> Callable[[Arrays, dict[str, Any]], None]:
    return _meta("stepper_state", value)


BAD_STATE: list[tuple[str, Callable[[Arrays, dict[str, Any]], None], str]] = [
    ("missing", _drop("state_opt_m_0"), "the entry 'state_opt_m_0' is missing"),
    ("kinds-list", _kinds(["opt_t"]), "the field 'stepper_state' is invalid"),
    ("kind-bad", _kinds({"opt_t": "x"}), "training state entry 'opt_t' is invalid"),
    ("name-bad", _kinds({"../t": "i"}), "training state entry '../t' is invalid"),
    ("t-float", _set("state_opt_t", np.zeros(1)), "holds float64, not int64"),
    ("m-2d", _set("state_opt_m_0", np.zeros((2, 2))), "has 2 dimensions, not 1"),
    ("m-nan", _with_nan("state_opt_m_0", 0, np.nan), "'opt_m_0' contains infinite or NaN"),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BAD_STATE], ids=[n for n, _, _ in BAD_STATE]
)
def test_bad_optimizer_state_in_file(
    saved_adam: Path, tmp_path: Path, change: Callable[[Arrays, dict[str, Any]], None], message: str
) -> None:
    error = _load_error(_rewrite(saved_adam, tmp_path / "bad.npz", change))
    assert message in error, error


BAD_FIT: list[tuple[str, Callable[[Arrays, dict[str, Any]], None], str]] = [
    ("m-short", _set("state_opt_m_0", np.zeros(3)), "'m_0' must be 17 floats"),
    ("t-negative", _set("state_opt_t", np.array([-1])), "'t' must be one non-negative"),
    ("pos-big", _set("state_shuffle_pos", np.array([10**6])), "shuffle position must be one"),
    ("rng-short", _set("state_shuffle_rng", np.zeros(3, dtype=np.int64)), "10 whole numbers"),
    ("rng-range", _set("state_shuffle_rng", np.full(10, -1)), "generator state is out of range"),
    ("rng-inc", _set("state_shuffle_rng", np.zeros(10, dtype=np.int64)), "state is invalid"),
    ("other-optimizer", _cfg("train_cfg", "optimizer", "momentum"), "optimizer state has"),
    ("full-batch", _cfg("train_cfg", "batch_size", None), "needs []"),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BAD_FIT], ids=[n for n, _, _ in BAD_FIT]
)
def test_optimizer_state_that_does_not_fit_the_run(
    saved_adam: Path, tmp_path: Path, change: Callable[[Arrays, dict[str, Any]], None], message: str
) -> None:
    record = load_run(_rewrite(saved_adam, tmp_path / "bad.npz", change))
    with pytest.raises(StoreError, match="cannot restore this run") as info:
        trainer_from_record(record, rebuild_dataset(record))
    assert message in str(info.value), str(info.value)


def test_diverged_or_non_finite_state_is_not_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    trainer = Trainer(load(CIRCLE), NET, TrainConfig(optimizer="momentum"))
    trainer.step(20)
    state = trainer.stepper_state()
    assert record_from_trainer(trainer, CIRCLE).stepper_state
    trainer.status = "diverged"
    assert record_from_trainer(trainer, CIRCLE).stepper_state == {}
    trainer.status = "paused"
    # float32 squared gradients can overflow to inf in Adam's second moment.
    state["opt_velocity_0"][0] = np.inf
    monkeypatch.setattr(trainer, "stepper_state", lambda: state)
    record = record_from_trainer(trainer, CIRCLE)
    assert record.stepper_state == {}  # saved without it rather than not at all


# ================================================================= saving


def test_save_refuses_an_inconsistent_record(saved: Path, tmp_path: Path) -> None:
    record = load_run(saved)
    record.params = [record.params[0] * np.nan, record.params[1]]
    target = tmp_path / "bad.npz"
    with pytest.raises(StoreError, match=r"cannot save to .*bad\.npz: parameter 0 contains"):
        save_run(target, record)
    assert not target.exists()
    record = load_run(saved)
    record.status = "weird"
    with pytest.raises(StoreError, match="unknown status"):
        save_run(target, record)


def test_save_writes_a_plain_npz(saved: Path) -> None:
    """The format is documented as a NumPy .npz: numpy itself reads it without pickle."""
    with np.load(saved, allow_pickle=False) as z:
        names = set(z.files)
        meta = json.loads(z["meta"].tobytes())
        assert z["costs"].shape == (300,) and z["param_0"].shape == (1, 2)
    assert names == {
        "meta",
        "param_0",
        "param_1",
        "init_0",
        "init_1",
        "costs",
        "test_iters",
        "test_costs",
        "state_opt_t",  # plain gradient descent's step count, on either stepper
    }
    assert meta["stepper_state"] == {"opt_t": "i"}
    assert meta["magic"] == MAGIC and meta["format_version"] == FORMAT_VERSION
    assert meta["n_params"] == 2 and meta["train_cfg"]["iterations"] == 2000


def _stray_files(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


@pytest.fixture()
def good_file(saved: Path, tmp_path: Path) -> Path:
    path = tmp_path / "keep.npz"
    path.write_bytes(saved.read_bytes())
    return path


def _assert_intact(path: Path, saved: Path) -> None:
    assert path.read_bytes() == saved.read_bytes()
    assert load_run(path).history.n == 300
    assert _stray_files(path.parent, {path.name}) == []


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_save_keeps_the_old_file(
    good_file: Path, saved: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    record = record_from_trainer(_trainer(steps=50), LINE)
    monkeypatch.setattr(os, failing, _enospc)
    with pytest.raises(StoreError) as info:
        save_run(good_file, record)
    assert str(info.value) == f"cannot save to {good_file}: No space left on device"
    monkeypatch.undo()
    _assert_intact(good_file, saved)


def test_failed_write_keeps_the_old_file(
    good_file: Path, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    written: list[int] = []

    def half_then_fail(fd: int, data: bytes) -> int:
        # The first call writes part of the data (as os.write may), the next one fails.
        if written:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        written.append(fd)
        return real_write(fd, bytes(data)[:100])

    monkeypatch.setattr(os, "write", half_then_fail)
    with pytest.raises(StoreError, match="Input/output error"):
        save_run(good_file, load_run(saved))
    monkeypatch.undo()
    _assert_intact(good_file, saved)


def test_interrupted_save_leaves_no_temp_file(
    good_file: Path, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_run(good_file, load_run(saved))
    monkeypatch.undo()
    _assert_intact(good_file, saved)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_directory_keeps_the_old_file(good_file: Path, saved: Path) -> None:
    directory = good_file.parent
    directory.chmod(0o555)
    try:
        with pytest.raises(StoreError, match=r"cannot save to .*: Permission denied"):
            save_run(good_file, load_run(saved))
    finally:
        directory.chmod(0o755)
    _assert_intact(good_file, saved)


def test_full_device_reports_no_space(saved: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    before = set(os.listdir("/dev"))
    with pytest.raises(StoreError) as info:
        save_run("/dev/full", load_run(saved))
    assert str(info.value) == "cannot save to /dev/full: No space left on device"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the device itself was not replaced
    assert set(os.listdir("/dev")) == before  # no temporary file left in /dev


def test_save_into_missing_directory_or_onto_a_directory(saved: Path, tmp_path: Path) -> None:
    record = load_run(saved)
    with pytest.raises(StoreError, match=r"nowhere does not exist$"):
        save_run(tmp_path / "nowhere" / "run.npz", record)
    (tmp_path / "plain").write_text("a file")
    with pytest.raises(StoreError, match=r"plain is not a folder$"):
        save_run(tmp_path / "plain" / "run.npz", record)
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(StoreError, match=r"dir\.npz: it is a directory"):
        save_run(tmp_path / "dir.npz", record)
    with pytest.raises(StoreError, match="cannot save to"):
        save_run(str(tmp_path / "nul\0.npz"), record)


# ================================================================= atomic writes directly


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    atomic_write_text(path, "first")
    assert path.read_text() == "first"
    path.chmod(0o640)
    atomic_write_text(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _stray_files(tmp_path, {"notes.txt"}) == []


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_bytes(tmp_path / "new.bin", b"\x00\x01")
    finally:
        os.umask(old)
    assert (tmp_path / "new.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o640


def test_atomic_write_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_atomic_write_text_encoding_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot save to"):
        atomic_write_text(tmp_path / "a.txt", "é", encoding="ascii")
    assert not (tmp_path / "a.txt").exists()


def test_devnull_accepts_a_save(saved: Path) -> None:
    save_run(os.devnull, load_run(saved))
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def _fsync_failing_on_directories(err: int) -> Callable[[int], None]:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(err, os.strerror(err))
        real_fsync(fd)

    return fsync


def test_directory_sync_unsupported_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some filesystems answer EINVAL to fsync on a directory: the save itself succeeded.
    monkeypatch.setattr(os, "fsync", _fsync_failing_on_directories(errno.EINVAL))
    atomic_write_bytes(tmp_path / "f.bin", b"data")
    monkeypatch.undo()
    assert (tmp_path / "f.bin").read_bytes() == b"data"


def test_directory_sync_failure_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real I/O error while syncing the directory: the file is in place but not durable.
    monkeypatch.setattr(os, "fsync", _fsync_failing_on_directories(errno.EIO))
    with pytest.raises(StoreError, match="Input/output error"):
        atomic_write_bytes(tmp_path / "f.bin", b"data")
    monkeypatch.undo()
    assert _stray_files(tmp_path, {"f.bin"}) == []


def test_initial_params_are_restored_for_reset(saved: Path) -> None:
    record = load_run(saved)
    start = [np.array([[0.5, -0.25]]), np.array([[0.125]])]
    record.initial_params = [p.copy() for p in start]
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert _bits(loaded.initial_params) == _bits(start)
    assert _bits(loaded.model.get_params()) == _bits(record.params)
    loaded.reset()
    assert _bits(loaded.model.get_params()) == _bits(start)
    assert loaded.iteration == 0 and loaded.status == "ready"


# ================================================================= files of format 1

# Written by the code before the one training path (commit 5bf8929, format 1): the line data
# above, 300 iterations, saved; then 200 more (``v1_continued.npz``: their costs and the
# parameters after them). Session files are run files too. The article's neuron was stored as
# ``[w (2, 1), b (1, 1)]``, a network without hidden layers (Adam, or a non-zero init) as
# ``[W1 (1, 2), b1 (1, 1)]``.
V1 = Path(__file__).parent / "data"


def _v1_expected(name: str) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    with np.load(V1 / "v1_continued.npz", allow_pickle=False) as z:
        return z[f"{name}_costs"], [z[f"{name}_param_{i}"] for i in range(2)]


@pytest.mark.parametrize(
    ("name", "layout"), [("neuron", (2, 1)), ("neuron_f32", (2, 1)), ("adam", (1, 2))]
)
def test_format_1_files_load_and_continue_bit_for_bit(
    tmp_path: Path, name: str, layout: tuple[int, int]
) -> None:
    with np.load(V1 / f"v1_{name}.npz", allow_pickle=False) as z:
        assert z["param_0"].shape == z["init_0"].shape == layout
    record = load_run(V1 / f"v1_{name}.npz")
    assert record.params[0].shape == record.initial_params[0].shape == (1, 2)
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert loaded.iteration == 300 and loaded.status == "paused"
    loaded.step(200)
    costs, (w, b) = _v1_expected(name)
    assert _bits([loaded.history.train()[300:]]) == _bits([costs])
    assert _bits(loaded.model.get_params()) == _bits([w.reshape(1, 2), b])
    # Saved again (format 2) and loaded, it goes on as the same run.
    save_run(tmp_path / "again.npz", record_from_trainer(loaded, LINE))
    again = trainer_from_record(load_run(tmp_path / "again.npz"), rebuild_dataset(record))
    _assert_same_state(loaded, again)
    # A reset goes back to the saved start: zero init, as a fresh run of the same settings.
    again.reset()
    fresh = Trainer(load(LINE), record.model_cfg, record.train_cfg)
    again.step(50)
    fresh.step(50)
    _assert_same_state(again, fresh)


def test_format_1_network_without_hidden_layer_continues_on_the_fast_stepper() -> None:
    # Gradient descent from Xavier weights ran on the general loop before; the fast stepper
    # fits it now (any init), with the general loop's step count as its state: the same run to
    # 1e-12.
    record = load_run(V1 / "v1_xavier_gd.npz")
    assert list(record.stepper_state) == ["opt_t"]
    loaded = trainer_from_record(record, rebuild_dataset(record))
    assert int(loaded.stepper_state()["opt_t"][0]) == 300
    loaded.step(200)
    costs, (w, b) = _v1_expected("xavier_gd")
    np.testing.assert_allclose(loaded.history.train()[300:], costs, rtol=0, atol=1e-12)
    W, b1 = loaded.model.get_params()
    np.testing.assert_allclose(W, w, rtol=1e-10)
    np.testing.assert_allclose(b1, b, rtol=1e-10)
