"""CSV files are bounded like generated data (issue 10, class 2): at most ``MAX_SAMPLES`` data
rows, refused as soon as the parse passes the limit; the loader's peak memory stays under twice
the final float64 arrays (the issue's limit is 3x); the split is the one it always was."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from neuron_core.config import MAX_SAMPLES, DataConfig
from neuron_core.data import csvtable
from neuron_core.data.csvfile import load_csv
from neuron_core.errors import DataError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from memory_cases import write_csv


def _cfg(path: Path, **kw: object) -> DataConfig:
    kw.setdefault("standardize", False)  # the file's values as they are
    return DataConfig(source="csv", csv_path=str(path), target="y", **kw)  # type: ignore[arg-type]


def _rows(path: Path, m: int, bad_line: int | None = None, blank_every: int = 0) -> Path:
    """``m`` data rows ``i,label`` (i = 0..m-1); a non-number on file line ``bad_line``; a
    blank line after every ``blank_every`` rows."""
    lines = ["id,y"]
    for i in range(m):
        lines.append(f"{i},{i % 2}")
        if blank_every and i % blank_every == 0:
            lines.append("")
    if bad_line is not None:
        lines[bad_line - 1] = "oops,1"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_row_limit_is_the_samples_limit() -> None:
    assert csvtable.MAX_ROWS == MAX_SAMPLES


def test_a_file_over_the_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvtable, "MAX_ROWS", 100)
    ok = load_csv(_cfg(_rows(tmp_path / "ok.csv", 100, blank_every=7)))
    assert ok.m_train + ok.m_test == 100
    path = _rows(tmp_path / "over.csv", 101)
    with pytest.raises(DataError) as info:
        load_csv(_cfg(path))
    assert str(info.value) == (
        f"{path} has more than 100 data rows; at most 100 can be loaded (as for generated samples)"
    )


def test_the_row_limit_stops_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad cell far past the limit is never reached: the parse stopped at the limit."""
    monkeypatch.setattr(csvtable, "MAX_ROWS", 100)
    path = _rows(tmp_path / "long.csv", 100_000, bad_line=50_000)
    with pytest.raises(DataError, match="has more than 100 data rows"):
        load_csv(_cfg(path))
    monkeypatch.setattr(csvtable, "MAX_ROWS", 100_000)
    with pytest.raises(DataError, match="row 50000"):
        load_csv(_cfg(path))


def test_the_split_is_the_seeded_permutation_in_file_order(tmp_path: Path) -> None:
    m = 50_000  # several parsed blocks
    path = _rows(tmp_path / "ids.csv", m)
    for seed, ratio in ((3, 0.25), (7, 0.5)):
        ds = load_csv(_cfg(path, seed=seed, test_ratio=ratio))
        n_test = round(m * ratio)
        test = np.sort(np.random.default_rng(seed).permutation(m)[:n_test])
        assert np.array_equal(ds.X_test[0], test)
        assert np.array_equal(ds.X_train[0], np.setdiff1d(np.arange(m), test))
        assert np.array_equal(ds.Y_test[0], test % 2) and np.array_equal(
            ds.Y_train[0], ds.X_train[0] % 2
        )
    ds = load_csv(_cfg(path, test_ratio=0.0))
    assert np.array_equal(ds.X_train[0], np.arange(m)) and np.array_equal(ds.X_test, ds.X_train)
    assert ds.X_test is not ds.X_train


def test_peak_memory_is_under_twice_the_final_arrays(tmp_path: Path) -> None:
    """Two million cells (500,000 rows of three features and a label). The parsed blocks go
    straight into the train and test arrays: blocks + final arrays, about 1.6x here; the loader
    used to hold all rows as one more array while it copied the parts out (2.3x here, and 3x
    in RSS on a 200 MB file)."""
    path = write_csv(tmp_path / "big.csv", 500_000, 3)
    tracemalloc.start()
    try:
        ds = load_csv(_cfg(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    final = sum(a.nbytes for a in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test))
    assert final == 500_000 * 4 * 8
    assert peak < 2 * final, f"peak {peak / 1e6:.1f} MB for {final / 1e6:.1f} MB of arrays"
