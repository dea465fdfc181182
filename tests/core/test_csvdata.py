"""Tests of CSV loading: formats, every error message, the split, standardization, memory."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuron_core.config import DataConfig
from neuron_core.data.csvfile import load_csv, read_header
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.errors import ConfigError, DataError

BASIC = "a,b,y\n1,2,no\n3,4,yes\n5,6,no\n7,8,yes\n"


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def cfg(path: str, **kw: object) -> DataConfig:
    kw.setdefault("target", "y")
    # These tests read the file's values as they are (CSV data is standardized by default).
    kw.setdefault("standardize", False)
    return DataConfig(source="csv", csv_path=path, **kw)  # type: ignore[arg-type]


def load_text(tmp_path: Path, content: str | bytes, **kw: object) -> Dataset:
    return load_csv(cfg(write(tmp_path, content), **kw))


def error(tmp_path: Path, content: str | bytes, **kw: object) -> str:
    with pytest.raises(DataError) as info:
        load_text(tmp_path, content, **kw)
    message = str(info.value)
    assert "\n" not in message
    return message


# ------------------------------------------------------------------ well-formed files


def test_basic_load_maps_labels_in_sorted_order(tmp_path: Path) -> None:
    ds = load_text(tmp_path, BASIC, test_ratio=0.0)
    assert ds.feature_names == ("a", "b")
    assert ds.class_names == ("no", "yes")
    assert ds.problem == "classification"
    assert ds.X_train.tolist() == [[1, 3, 5, 7], [2, 4, 6, 8]]
    assert ds.Y_train.tolist() == [[0, 1, 0, 1]]
    for arr in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test):
        assert arr.dtype == np.float64 and arr.flags.c_contiguous
    assert ds.class_balance() == 0.5
    assert ds.true_line is None and ds.standardization is None


def test_numeric_labels_sort_by_value(tmp_path: Path) -> None:
    ds = load_text(tmp_path, "a,y\n1,10\n2,9\n3,10\n", test_ratio=0.0)
    assert ds.class_names == ("9", "10")
    assert ds.Y_train.tolist() == [[1, 0, 1]]
    ds = load_text(tmp_path, "a,y\n1,1\n2,-1\n3,-1\n", test_ratio=0.0)
    assert ds.class_names == ("-1", "1")
    ds = load_text(tmp_path, "a,y\n1, 0\n2,1 \n3,0\n", test_ratio=0.0)  # cells are stripped
    assert ds.class_names == ("0", "1") and ds.Y_train.tolist() == [[0, 1, 0]]


def test_feature_selection_and_order(tmp_path: Path) -> None:
    text = "a,y,b,c\n1,no,2,3\n4,yes,5,6\n7,no,8,9\n"
    ds = load_text(tmp_path, text, test_ratio=0.0, features=("c", "a"))
    assert ds.feature_names == ("c", "a")
    assert ds.X_train.tolist() == [[3, 6, 9], [1, 4, 7]]
    ds = load_text(tmp_path, text, test_ratio=0.0)
    assert ds.feature_names == ("a", "b", "c")


@pytest.mark.parametrize(
    "content",
    [
        BASIC.replace(",", ";"),
        BASIC.replace(",", "\t"),
        BASIC.replace("\n", "\r\n"),
        BASIC.replace("\n", "\r"),
        BASIC.encode("utf-8-sig"),
        BASIC.encode("utf-16"),
        b"\xfe\xff" + BASIC.encode("utf-16-be"),
        BASIC.encode("utf-32"),
        "\n\n" + BASIC + "\n\n   \n",  # blank lines around
        ' "a" , b ,"y"\n1 ,2, no\n 3,4,yes \n5,6,no\n7,8,yes\n',  # spaces and quotes
    ],
    ids=[
        "semicolon",
        "tab",
        "crlf",
        "cr",
        "utf8-bom",
        "utf16le",
        "utf16be",
        "utf32",
        "blank",
        "spaces",
    ],
)
def test_formats(tmp_path: Path, content: str | bytes) -> None:
    ds = load_text(tmp_path, content, test_ratio=0.0)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("no", "yes")
    assert ds.X_train.tolist() == [[1, 3, 5, 7], [2, 4, 6, 8]]


def test_latin1_fallback(tmp_path: Path) -> None:
    path = write(tmp_path, "café,y\n1,non\n2,oui\n3,oui\n".encode("latin-1"))
    assert read_header(path) == ["café", "y"]
    ds = load_csv(cfg(path, test_ratio=0.0))
    assert ds.feature_names == ("café",) and ds.class_names == ("non", "oui")
    assert any("read as latin-1" in w for w in ds.warnings)


def test_utf8_names(tmp_path: Path) -> None:
    ds = load_text(tmp_path, "größe,ключ\n1,α\n2,β\n3,α\n", target="ключ", test_ratio=0.0)
    assert ds.feature_names == ("größe",) and ds.class_names == ("α", "β")


def test_quoted_delimiters_in_the_header(tmp_path: Path) -> None:
    ds = load_text(tmp_path, 'a;"b,c";y\n1;2;1\n3;4;0\n5;6;1\n', test_ratio=0.0)
    assert ds.feature_names == ("a", "b,c")
    ds = load_text(tmp_path, '"a;1",b,y\n1,2,1\n3,4,0\n5,6,1\n', test_ratio=0.0)
    assert ds.feature_names == ("a;1", "b")


def test_number_formats(tmp_path: Path) -> None:
    ds = load_text(tmp_path, "a,y\n1e3,0\n -2.5 ,1\n.5,0\n1_000,1\n", test_ratio=0.0)
    assert ds.X_train.tolist() == [[1000.0, -2.5, 0.5, 1000.0]]


def test_sha256_of_the_file_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    ds = load_csv(cfg(path, test_ratio=0.0))
    assert ds.csv_sha256 == hashlib.sha256(BASIC.encode()).hexdigest()


def test_load_dispatches_to_csv(tmp_path: Path) -> None:
    ds = load(cfg(write(tmp_path, BASIC), test_ratio=0.0))
    assert ds.class_names == ("no", "yes")


def test_invalid_config_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    with pytest.raises(ConfigError):
        load_csv(cfg(path, test_ratio=0.95))
    with pytest.raises(ConfigError):
        load_csv(DataConfig(source="csv", csv_path=path))  # no target
    with pytest.raises(ConfigError):
        load_csv(DataConfig())  # a generator config


# ------------------------------------------------------------------ errors, one line each

ERROR_CASES = [
    # (file content, config overrides, expected fragment of the message)
    ("", {}, "is empty"),
    ("\n \n\n", {}, "is empty"),
    ("a,b,y\n", {}, "has a header but no data rows"),
    ("a,b,y\n\n\n", {}, "has a header but no data rows"),
    (b"a,b,y\n1,2,\x00\n", {}, "contains NUL bytes (byte 10)"),
    (
        b"\xef\xbb\xbfa,y\n1,\xff\n",
        {},
        "starts with a UTF-8 byte-order mark but is not valid UTF-8",
    ),
    (b"\xff\xfea\x00,", {}, "ends in the middle of a UTF-16 character"),
    ("a,y\x01\x02\x03\n1,\x04\x05\x06\n", {}, "does not look like a CSV text file"),
    ("a,b,y\n1,2,no\n3,4\n", {}, "row 3 has 2 fields, expected 3"),
    ("a,b,y\n1,2,no\n3,4,yes,5\n", {}, "row 3 has 4 fields, expected 3"),
    ("a,b,y\n1,,no\n3,4,yes\n", {}, "column 'b' row 2: empty cell (missing value)"),
    ("a,b,y\n1, ,no\n3,4,yes\n", {}, "column 'b' row 2: empty cell (missing value)"),
    ("a,b,y\n1,2,\n3,4,yes\n", {}, "column 'y' row 2: empty target cell (missing label)"),
    ("a,b,y\n1,2,no\n3,abc,yes\n", {}, "column 'b' row 3: 'abc' is not a number"),
    ("a,b,y\n1,2,no\n3,4,yes\nnan,1,no\n", {}, "column 'a' row 4: 'nan' is not a finite number"),
    ("a,b,y\n1,-inf,no\n3,4,yes\n", {}, "column 'b' row 2: '-inf' is not a finite number"),
    ("a,b,y\n1,1e999,no\n3,4,yes\n", {}, "column 'b' row 2: '1e999' is not a finite number"),
    ("a,b,y\n1,2,no\n3,4,no\n5,6,no\n", {}, "target column 'y' has only one value: 'no'; it must"),
    (
        # 3 to 10 values are classes now (softmax); 11 is one too many.
        "a,y\n" + "".join(f"{i},c{i}\n" for i in range(11)),
        {},
        "target column 'y' has more than 10 distinct values ('c0', 'c1', ",
    ),
    (
        "a,y\n" + "".join(f"{i},{i}\n" for i in range(30)),
        {},
        "target column 'y' has more than 10 distinct values ('0', '1', '2',",
    ),
    (BASIC, {"target": "z"}, "target column 'z' not found; the columns are: 'a', 'b', 'y'"),
    (
        BASIC,
        {"features": ("a", "q")},
        "feature column 'q' not found; the columns are: 'a', 'b', 'y'",
    ),
    (BASIC, {"features": ("a", "a")}, "feature column 'a' is listed twice"),
    ("a,b,a\n1,2,3\n", {"target": "b"}, "column name 'a' appears twice (columns 1 and 3)"),
    (",a,y\n1,2,no\n", {}, "header: column 1 has no name"),
    ("y\nno\nyes\n", {}, "has only the target column 'y'"),
    ("a,y\n1,no\n2,yes\n", {}, "has 2 data rows: test_ratio 0.2 takes 1 for testing and leaves 1"),
    ("a,y\n1,no\n", {"test_ratio": 0.0}, "has only 1 data row; at least 2 are needed"),
    ('a,y\n1,"' + "x" * 200_000 + '"\n', {}, "row 2: field larger than field limit"),
    ("a,y\n1,no\n" + "1" * (1 << 20) + "\n", {}, "line 3 is longer than 1,048,576 characters"),
]


@pytest.mark.parametrize(
    ("content", "overrides", "expected"), ERROR_CASES, ids=[case[2][:40] for case in ERROR_CASES]
)
def test_error_messages(
    tmp_path: Path, content: str | bytes, overrides: dict[str, object], expected: str
) -> None:
    assert expected in error(tmp_path, content, **overrides)


def test_errors_name_lines_as_an_editor_counts_them(tmp_path: Path) -> None:
    # CRLF endings, a blank line and a quoted multi-line cell before the bad row.
    text = 'a,y\r\n1,no\r\n\r\n2,"multi\r\nline"\r\nx,yes\r\n'
    assert "column 'a' row 6: 'x' is not a number" in error(tmp_path, text)


def test_the_first_error_in_the_file_is_reported(tmp_path: Path) -> None:
    # A bad number in row 2 is found before the ragged row 4, although numbers are converted
    # a chunk at a time.
    assert "row 2: 'x'" in error(tmp_path, "a,b,y\n1,x,no\n3,4,yes\n5,6\n")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    for call in (lambda: read_header(missing), lambda: load_csv(cfg(missing))):
        with pytest.raises(DataError, match="file not found"):
            call()
    for call in (lambda: read_header(str(tmp_path)), lambda: load_csv(cfg(str(tmp_path)))):
        with pytest.raises(DataError, match="is a directory"):
            call()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    os.chmod(path, 0)
    with pytest.raises(DataError, match="permission denied"):
        load_csv(cfg(path))


def test_read_header(tmp_path: Path) -> None:
    assert read_header(write(tmp_path, " a ;b;y\n1;2;3\n")) == ["a", "b", "y"]
    for content, expected in (
        ("", "is empty"),
        ("a,b,y\n", "no data rows"),
        ("a,a\n1,2\n", "appears twice"),
        (b"\x00\x01", "NUL"),
    ):
        with pytest.raises(DataError, match=expected):
            read_header(write(tmp_path, content))


# ------------------------------------------------------------------ split, scaling, warnings


def _table(m: int, seed: int = 0) -> str:
    """``m`` rows: id (0..m-1, to trace rows), a random feature, a label."""
    rng = np.random.default_rng(seed)
    rows = [
        f"{i},{v!r},{'yes' if v > 0 else 'no'}" for i, v in enumerate(rng.normal(size=m).tolist())
    ]
    return "id,v,y\n" + "\n".join(rows) + "\n"


def test_split_is_seeded_complete_and_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, _table(100))
    a = load_csv(cfg(path, seed=1, test_ratio=0.25))
    b = load_csv(cfg(path, seed=1, test_ratio=0.25))
    c = load_csv(cfg(path, seed=2, test_ratio=0.25))
    assert (a.m_train, a.m_test) == (75, 25)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.X_test, b.X_test)
    assert not np.array_equal(a.X_test, c.X_test)
    train_ids, test_ids = a.X_train[0], a.X_test[0]
    assert sorted(np.concatenate([train_ids, test_ids]).tolist()) == list(range(100))
    assert np.all(np.diff(train_ids) > 0) and np.all(np.diff(test_ids) > 0)
    # Labels travel with their rows.
    assert np.array_equal(a.Y_train[0] == 1.0, a.X_train[1] > 0)
    assert np.array_equal(a.Y_test[0] == 1.0, a.X_test[1] > 0)


def test_test_ratio_zero_reuses_the_training_rows(tmp_path: Path) -> None:
    ds = load_text(tmp_path, _table(20), test_ratio=0.0)
    assert np.array_equal(ds.X_train, ds.X_test) and np.array_equal(ds.Y_train, ds.Y_test)
    assert ds.X_test is not ds.X_train  # separate arrays: in-place work on one spares the other
    assert any("test set is the training set" in w for w in ds.warnings)


def test_standardization_uses_training_rows_only(tmp_path: Path) -> None:
    path = write(tmp_path, _table(200, seed=3))
    raw = load_csv(cfg(path, seed=4))
    ds = load_csv(cfg(path, seed=4, standardize=True))
    assert ds.standardization is not None
    mean, std = ds.standardization
    assert np.allclose(mean[:, 0], raw.X_train.mean(axis=1))
    assert np.allclose(std[:, 0], raw.X_train.std(axis=1))
    assert not np.allclose(mean[:, 0], np.hstack([raw.X_train, raw.X_test]).mean(axis=1))
    assert np.allclose(ds.X_train.mean(axis=1), 0.0) and np.allclose(ds.X_train.std(axis=1), 1.0)
    assert np.allclose(ds.X_test, (raw.X_test - mean) / std)


def test_constant_column_is_not_divided_by_zero(tmp_path: Path) -> None:
    ds = load_text(
        tmp_path, "a,b,y\n1,5,no\n2,5,yes\n3,5,no\n4,5,yes\n", standardize=True, test_ratio=0.0
    )
    assert ds.standardization is not None
    assert ds.standardization[1][1, 0] == 1.0
    assert np.isfinite(ds.X_train).all() and np.all(ds.X_train[1] == 0.0)
    assert any("'b' is constant in the training set" in w for w in ds.warnings)


def test_rare_class_warning(tmp_path: Path) -> None:
    rows = "".join(f"{i},{'sick' if i % 25 == 0 else 'well'}\n" for i in range(400))
    ds = load_text(tmp_path, "a,y\n" + rows, test_ratio=0.0)
    assert ds.class_names == ("sick", "well")
    assert any(
        w.startswith("class 0 ('sick') is only 4.0% of the training set") for w in ds.warnings
    )


# ------------------------------------------------------------------ large files: memory, progress


def test_large_file_memory_and_progress(tmp_path: Path) -> None:
    m = 200_000
    rng = np.random.default_rng(0)
    values = np.round(rng.normal(size=(m, 2)), 4)
    lines = [f"{a},{b},{int(a + b > 0)}" for a, b in values.tolist()]
    path = write(tmp_path, "x1,x2,y\n" + "\n".join(lines) + "\n")
    del lines
    calls: list[float] = []
    tracemalloc.start()
    try:
        ds = load_csv(cfg(path), progress=calls.append)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    final = sum(a.nbytes for a in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test))
    assert final == m * 3 * 8
    assert peak < 5 * final, f"peak {peak / 1e6:.1f} MB for {final / 1e6:.1f} MB of arrays"
    assert 2 <= len(calls) <= 20
    assert calls == sorted(calls) and calls[-1] == 1.0 and all(0 < c <= 1 for c in calls)
    assert np.array_equal(
        np.sort(np.hstack([ds.X_train, ds.X_test]), axis=1), np.sort(values.T, axis=1)
    )


# ------------------------------------------------------------------ property tests

_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=",;\t"),
    min_size=1,
    max_size=8,
).map(str.strip)
_NAME = _TEXT.filter(bool)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], int, list[list[float]], list[str], str, str]:
    n = draw(st.integers(1, 4))
    names = draw(st.lists(_NAME, min_size=n + 1, max_size=n + 1, unique=True))
    target = draw(st.integers(0, n))
    m = draw(st.integers(2, 25))
    finite = st.floats(allow_nan=False, allow_infinity=False)
    rows = draw(st.lists(st.lists(finite, min_size=n, max_size=n), min_size=m, max_size=m))
    classes = draw(st.lists(_NAME, min_size=2, max_size=2, unique=True))
    picks = draw(st.lists(st.sampled_from(classes), min_size=m, max_size=m))
    picks[:2] = classes  # both classes present
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return names, target, rows, picks, delimiter, encoding


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("csv") / "data.csv"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_round_trip(scratch: Path, table: tuple) -> None:  # type: ignore[type-arg]
    names, target, rows, labels, delimiter, encoding = table
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(names)
    for values, label in zip(rows, labels, strict=True):
        writer.writerow([*values[:target], label, *values[target:]])
    scratch.write_bytes(buffer.getvalue().encode(encoding))

    assert read_header(str(scratch)) == names
    ds = load_csv(cfg(str(scratch), target=names[target], test_ratio=0.0))
    assert ds.feature_names == tuple(names[:target] + names[target + 1 :])
    assert ds.X_train.tolist() == [list(col) for col in zip(*rows, strict=True)]
    assert ds.class_names is not None and set(ds.class_names) == set(labels)
    assert ds.Y_train[0].tolist() == [ds.class_names.index(v) for v in labels]

    # A real split keeps every row exactly once, with its label.
    m = len(rows)
    if m - max(1, round(m * 0.3)) >= 2:
        split = load_csv(cfg(str(scratch), target=names[target], test_ratio=0.3))
        got = sorted(
            (*x, y)
            for X, Y in ((split.X_train, split.Y_train), (split.X_test, split.Y_test))
            for x, y in zip(X.T.tolist(), Y[0].tolist(), strict=True)
        )
        expected = sorted(
            (*x, float(ds.class_names.index(v))) for x, v in zip(rows, labels, strict=True)
        )
        assert got == expected


def _load_or_data_error(path: Path) -> None:
    # Anything but DataError propagates and fails the test.
    with contextlib.suppress(DataError):
        read_header(str(path))
    with contextlib.suppress(DataError):
        load_csv(cfg(str(path), test_ratio=0.0))


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=400))
def test_garbage_bytes_raise_only_data_error(scratch: Path, content: bytes) -> None:
    scratch.write_bytes(content)
    _load_or_data_error(scratch)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["", "a,b,y\n", "a;y\r\n", "\ufeff", "y\n"]),
    body=st.text(
        st.sampled_from(list('0123456789.,;\t\n\r" -eEnaify\x00\x0b\u00e9')), max_size=200
    ),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_garbage_text_raises_only_data_error(
    scratch: Path, prefix: str, body: str, encoding: str
) -> None:
    scratch.write_bytes((prefix + body).encode(encoding, errors="ignore"))
    _load_or_data_error(scratch)
