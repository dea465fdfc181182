"""Run files are bounded before they are expanded (issue 10, class 2).

Every entry of a run file is checked against limits derived from the file's own metadata (the
model's parameter shapes, one cost per iteration done, at most one test cost per iteration, the
training state's known entries and sizes) and must be stored uncompressed within the file,
before any array is read. Bombs (deflated zeros, sizes or headers that lie, a huge list of
entries) fail with one ``StoreError`` line and a small peak; a large valid run loads within 3x
its own arrays. Peaks are measured in a fresh interpreter (``benchmarks/memory_cases.py``):
``tracemalloc`` and the growth of the process's peak RSS.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import ModelConfig
from neuron_core.errors import StoreError
from neuron_core.store import archive
from neuron_core.store.runfile import load_run
from neuron_core.training.history import History
from neuron_core.training.optim import Adam, GradientDescent, Momentum
from neuron_core.training.shuffle import STATE_LENGTHS
from neuron_core.training.stepper import state_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from memory_cases import (
    deflate_bomb,
    edit_meta,
    long_header,
    lying_sizes,
    many_entries,
    measure_load,
    write_run,
)

MB = 1 << 20
# A refused bomb reads the metadata and a few headers: far under a megabyte. (Before these
# limits the same files took from 57 MB to 4.3 GB.)
SMALL = 4 * MB
NET = ModelConfig(hidden=(4,), init="xavier", init_seed=1)
Arrays = dict[str, NDArray[Any]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with ``good.npz`` (a neuron, 300 iterations, a test cost every 10) and
    ``adam.npz`` (a 2-4-1 network trained with Adam: its state has moments of 17 values)."""
    root = tmp_path_factory.mktemp("limits")
    write_run(root / "good.npz", 300)
    write_run(root / "adam.npz", 300, model_cfg=NET, optimizer="adam")
    return root


def _load_error(path: Path) -> str:
    with pytest.raises(StoreError) as info:
        load_run(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


def _consistent(n: int) -> Callable[[dict[str, Any]], None]:
    """Metadata that agrees with a history of ``n`` costs (so only the bytes can be wrong)."""

    def change(meta: dict[str, Any]) -> None:
        meta["iterations_done"] = n
        meta["train_cfg"]["iterations"] = n

    return change


# ================================================================= bombs

N = 12_500_000  # 100 MB of float64, deflated to about 100 kB


def _bomb(kind: str, root: Path, dst: Path) -> Path:
    good, adam = root / "good.npz", root / "adam.npz"
    step = dst.with_name("meta-" + dst.name)
    if kind == "costs-deflated":
        return deflate_bomb(good, dst, {"costs": "<f8"}, N)
    if kind == "costs-deflated-meta-agrees":
        return deflate_bomb(edit_meta(good, step, _consistent(N)), dst, {"costs": "<f8"}, N)
    if kind == "test-costs-deflated":  # the 159 kB file of issue 10, same shape
        return deflate_bomb(good, dst, {"test_iters": "<i8", "test_costs": "<f8"}, 5_000_000)
    if kind == "state-deflated":
        return deflate_bomb(adam, dst, {"state_opt_m_0": "<f8"}, N)
    if kind == "costs-sizes-lie":
        return lying_sizes(good, dst, "costs", 499_999_984)
    if kind == "costs-sizes-lie-meta-agrees":
        edit_meta(good, step, _consistent(499_999_984))
        return lying_sizes(step, dst, "costs", 499_999_984)
    if kind == "header-length-lies":
        return long_header(good, dst, "costs")
    if kind == "many-entries":  # over 65,535: the archive has zip64 end records
        return many_entries(good, dst, 70_000)
    raise AssertionError(kind)


BOMBS = [
    ("costs-deflated", "the entry 'costs' is compressed, which neuron-tui never writes"),
    ("costs-deflated-meta-agrees", "the entry 'costs' is compressed"),
    ("test-costs-deflated", "the entry 'test_iters' is compressed"),
    ("state-deflated", "the entry 'state_opt_m_0' is compressed"),
    ("costs-sizes-lie", "the cost history has 499,999,984 entries but the run did 300 iterations"),
    ("costs-sizes-lie-meta-agrees", "its entries claim 4,000,"),
    ("header-length-lies", "the entry 'costs' has an array header of 4,294,967,280 bytes"),
    ("many-entries", "its list of entries takes"),
]


@pytest.mark.parametrize(("kind", "message"), BOMBS, ids=[k for k, _ in BOMBS])
def test_bombs_are_refused_with_a_small_peak(
    runs: Path, tmp_path: Path, kind: str, message: str
) -> None:
    path = _bomb(kind, runs, tmp_path / f"{kind}.npz")
    assert path.stat().st_size < 8 * MB
    load = measure_load(path)
    assert load.error is not None and message in load.error, load
    assert load.error.startswith(f"{path} is damaged: "), load
    assert load.traced_peak < SMALL and load.rss_growth < SMALL, load


def test_a_large_valid_run_loads_within_three_times_its_arrays(tmp_path: Path) -> None:
    """Two million iterations with a test cost at every one: 48 MB of arrays (the costs, test
    iterations and test costs). The load copies each once (the file's arrays into the history);
    it used to build Python lists of the test costs, over 5x the arrays."""
    n = 2_000_000
    path = write_run(tmp_path / "big.npz", n, test_every=1)
    load = measure_load(path)
    assert load.error is None, load
    assert load.arrays >= 3 * 8 * n
    assert load.traced_peak <= 3 * load.arrays, load
    assert load.rss_growth <= 3 * load.arrays, load


# ================================================================= limits from the metadata


def _entries(path: Path) -> tuple[Arrays, dict[str, Any]]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(arrays.pop("meta").tobytes().decode("utf-8"))


def _rewrite(src: Path, dst: Path, change: Callable[[Arrays, dict[str, Any]], None]) -> Path:
    """An honest file (stored, sizes true) whose content ``change`` edited."""
    arrays, meta = _entries(src)
    change(arrays, meta)
    text = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez(dst, allow_pickle=False, meta=text, **arrays)
    return dst


def _longer_costs(arrays: Arrays, meta: dict[str, Any]) -> None:
    arrays["costs"] = np.full(301, 0.5)


def _legacy(change: Callable[[Arrays, dict[str, Any]], None] | None = None) -> Any:
    """A file as written before ``iterations_done`` existed, then ``change``."""

    def edit(arrays: Arrays, meta: dict[str, Any]) -> None:
        del meta["iterations_done"]
        if change is not None:
            change(arrays, meta)

    return edit


def _set(**entries: NDArray[Any]) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        arrays.update(entries)

    return change


def _meta(key: str, value: object) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta[key] = value

    return change


def _state(name: str, value: NDArray[Any]) -> Callable[[Arrays, dict[str, Any]], None]:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        arrays[f"state_{name}"] = value
        meta["stepper_state"][name] = "i" if value.dtype.kind == "i" else "f"

    return change


def _tests(iters: list[int]) -> Callable[[Arrays, dict[str, Any]], None]:
    return _set(test_iters=np.array(iters, dtype=np.int64), test_costs=np.full(len(iters), 0.3))


OVER_THE_LIMITS: list[tuple[str, str, Callable[[Arrays, dict[str, Any]], None], str]] = [
    ("costs-longer", "good", _longer_costs, "the cost history has 301 entries but the run did 300"),
    ("costs-shorter", "good", _set(costs=np.zeros(299)), "has 299 entries but the run did 300"),
    ("done-negative", "good", _meta("iterations_done", -1), "field 'iterations_done' is missing"),
    ("done-text", "good", _meta("iterations_done", "300"), "field 'iterations_done' is missing"),
    ("done-bool", "good", _meta("iterations_done", True), "field 'iterations_done' is missing"),
    ("done-huge", "good", _meta("iterations_done", 10**12), "field 'iterations_done' is missing"),
    (
        "legacy-costs-over-iterations",
        "good",
        _legacy(_set(costs=np.zeros(301), state_opt_t=np.array([300]))),
        "the cost history has 301 entries, more than the run's 300 iterations",
    ),
    ("tests-too-many", "good", _tests(list(range(302))), "test-cost history has 302 entries"),
    ("tests-repeated", "good", _tests([10, 20, 20, 30]), "out of order or out of range"),
    ("state-unknown", "adam", _state("opt_w_0", np.zeros(3)), "'opt_w_0' is not one neuron-tui"),
    ("state-second-array", "adam", _state("opt_m_1", np.zeros(3)), "'opt_m_1' is not one"),
    ("state-longer", "adam", _state("opt_m_0", np.zeros(18)), "'opt_m_0' has 18 values; a run"),
    ("state-t-two", "adam", _state("opt_t", np.array([1, 2])), "'opt_t' has 2 values"),
    ("state-rng-11", "adam", _state("shuffle_rng", np.zeros(11, dtype=np.int64)), "at most 10"),
]


@pytest.mark.parametrize(
    ("src", "change", "message"),
    [(s, c, m) for _, s, c, m in OVER_THE_LIMITS],
    ids=[name for name, _, _, _ in OVER_THE_LIMITS],
)
def test_entries_beyond_what_the_metadata_allows_are_refused(
    runs: Path,
    tmp_path: Path,
    src: str,
    change: Callable[[Arrays, dict[str, Any]], None],
    message: str,
) -> None:
    path = _rewrite(runs / f"{src}.npz", tmp_path / "over.npz", change)
    assert message in _load_error(path)


WITHIN_THE_LIMITS: list[tuple[str, str, Callable[[Arrays, dict[str, Any]], None]]] = [
    ("legacy", "good", _legacy()),
    # Iterations lowered after the run went further: the optimizer's step count vouches for it.
    (
        "legacy-lowered-iterations",
        "good",
        _legacy(lambda a, m: m["train_cfg"].update(iterations=200)),
    ),
    ("legacy-no-state", "good", _legacy(lambda a, m: m.update(stepper_state={}))),
    ("tests-every-iteration-and-0", "good", _tests(list(range(301)))),
    ("state-shorter", "adam", _state("opt_m_0", np.zeros(3))),  # refused when restored
]


@pytest.mark.parametrize(
    ("src", "change"),
    [(s, c) for _, s, c in WITHIN_THE_LIMITS],
    ids=[name for name, _, _ in WITHIN_THE_LIMITS],
)
def test_entries_within_the_limits_load(
    runs: Path, tmp_path: Path, src: str, change: Callable[[Arrays, dict[str, Any]], None]
) -> None:
    path = _rewrite(runs / f"{src}.npz", tmp_path / "ok.npz", change)
    arrays, _ = _entries(path)
    record = load_run(path)
    assert np.array_equal(record.history.train(), arrays["costs"])
    assert np.array_equal(record.history.test()[0], arrays["test_iters"])


def test_the_iteration_count_is_saved(runs: Path) -> None:
    _, meta = _entries(runs / "good.npz")
    assert meta["iterations_done"] == 300
    assert load_run(runs / "good.npz").history.n == 300


def test_a_compressed_copy_of_a_good_run_is_refused(runs: Path, tmp_path: Path) -> None:
    arrays, meta = _entries(runs / "good.npz")
    text = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(tmp_path / "zipped.npz", allow_pickle=False, meta=text, **arrays)
    assert "is compressed, which neuron-tui never writes" in _load_error(tmp_path / "zipped.npz")


def test_a_zip_comment_does_not_hide_the_list_of_entries(runs: Path, tmp_path: Path) -> None:
    """The end record is found behind a comment too (where ``zipfile`` finds it)."""
    commented = tmp_path / "commented.npz"
    commented.write_bytes((runs / "good.npz").read_bytes())
    with zipfile.ZipFile(commented, "a") as z:
        z.comment = b"x" * 1000
    assert load_run(commented).history.n == 300
    bomb = many_entries(runs / "good.npz", tmp_path / "many.npz", 5000)
    with zipfile.ZipFile(bomb, "a") as z:
        z.comment = b"y" * 60_000
    assert "its list of entries takes" in _load_error(bomb)


def test_big_endian_and_fortran_entries_read_as_written(runs: Path, tmp_path: Path) -> None:
    """Entries are read in pieces into the arrays: any byte order and layout numpy writes."""

    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        arrays["costs"] = arrays["costs"].astype(">f8")
        arrays["test_iters"] = arrays["test_iters"].astype(">i8")
        arrays["param_0"] = np.asfortranarray(arrays["param_0"])

    path = _rewrite(runs / "good.npz", tmp_path / "be.npz", change)
    arrays, _ = _entries(runs / "good.npz")
    record = load_run(path)
    assert record.history.train().dtype == np.float64 and record.history.train().flags.c_contiguous
    assert np.array_equal(record.history.train(), arrays["costs"])
    assert np.array_equal(record.history.test()[0], arrays["test_iters"])
    assert np.array_equal(record.params[0], arrays["param_0"])


def test_entries_are_read_in_pieces(
    runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a piece smaller than the history, the costs still read exactly (and a flipped byte
    in the last piece is still caught by the zip's CRC)."""
    monkeypatch.setattr(archive, "CHUNK_BYTES", 64)
    path = write_run(tmp_path / "run.npz", 1000)
    arrays, _ = _entries(path)
    assert np.array_equal(load_run(path).history.train(), arrays["costs"])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("costs.npy")
    data[info.header_offset + 30 + len(info.filename) + info.file_size - 3] ^= 1
    path.write_bytes(bytes(data))
    assert "Bad CRC-32" in _load_error(path)


# ================================================================= the history and the state


def test_history_from_arrays_copies_with_numpy() -> None:
    """No Python numbers: a million test costs cost their arrays, not ~60 bytes each."""
    n = 1_000_000
    costs, iters, tcosts = np.linspace(1, 0, n), np.arange(n, dtype=np.int64), np.ones(n)
    tracemalloc.start()
    try:
        h = History.from_arrays(costs, iters, tcosts)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1.1 * 3 * n * 8, peak  # its three arrays (the test ones were ~20x that)
    assert h.n == n and h.n_test == n
    assert np.array_equal(h.train(), costs) and np.array_equal(h.test()[0], iters)
    assert np.array_equal(h.test()[1], tcosts)
    roomy = History.from_arrays(costs, iters, tcosts, capacity=2 * n)
    assert roomy.capacity == 2 * n and np.array_equal(roomy.train(), costs)
    costs[0] = 5.0
    assert h.train()[0] == 1.0  # a copy
    h.add_test(n, 0.5)  # and it still grows
    assert h.test()[0][-1] == n and h.n_test == n + 1
    with pytest.raises(ValueError, match="test costs"):
        History.from_arrays(costs, iters, tcosts[:-1])


@pytest.mark.parametrize("cls", [GradientDescent, Momentum, Adam])
def test_state_limits_name_every_entry_an_optimizer_writes(cls: type) -> None:
    opt = cls([np.zeros(17)], 0.1)
    limits = state_limits(17)
    for name, arr in opt.state().items():
        assert arr.shape == (limits[f"opt_{name}"],), name
    assert {k: v for k, v in limits.items() if k.startswith("shuffle_")} == STATE_LENGTHS
