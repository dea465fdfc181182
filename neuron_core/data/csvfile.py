"""Loading a binary-classification table from a CSV file.

The file has a header row; ``cfg.target`` names the label column (any two distinct values, mapped
to 0/1 in sorted order) and ``cfg.features`` the numeric feature columns (``None``: all the others).
Rows are split into train and test with ``cfg.seed`` and ``cfg.test_ratio``.

Every problem with the file raises ``DataError`` with a one-line message naming the line (1-based,
as an editor shows it) or the column at fault; no other exception escapes ``load_csv`` or
``read_header`` (``ConfigError`` aside, for an invalid config).

Large files are read in two streaming passes, never held as Python strings all at once:

1. bytes, in 1 MiB blocks: SHA-256, byte-order mark, NUL bytes, whether it decodes as UTF-8
   (else latin-1, which decodes any byte), and the delimiter from the first record;
2. text, through ``csv.reader``: every ``_CHUNK_ROWS`` rows the feature cells are converted into one
   float64 block; the target cells become small integer codes.

The peak memory is about twice the final float64 arrays (the parsed blocks, then the train/test
copies) plus one chunk of strings.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import BinaryIO, NoReturn

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig
from neuron_core.data.datasets import Dataset, FloatArray, _assemble
from neuron_core.errors import ConfigError, DataError

# Rows per converted block: big enough that the per-block cost vanishes, small enough that the
# block's Python strings (~60 bytes each) stay a few MB.
_CHUNK_ROWS = 16_384
_BLOCK_BYTES = 1 << 20
_SAMPLE_BYTES = 1 << 16
# A longer physical line is not a CSV row; without this cap a multi-GB file with no newline would
# be read into memory as a single line.
_MAX_LINE_CHARS = 1 << 20
# Records parsed from the start of the file to choose the delimiter.
_SNIFF_RECORDS = 5
# How many distinct target values to remember for the error message.
_MAX_DISTINCT = 10
# Progress is reported in steps of 1/_PROGRESS_STEPS of the file (so at most that many calls).
_PROGRESS_STEPS = 20

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LABELS = {"utf-32": "UTF-32", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
# C0 control characters that have no business in a text table (tab, LF, CR are fine).
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


@dataclass(frozen=True)
class _Format:
    """What pass 1 learned about the file."""

    encoding: str
    delimiter: str
    size: int
    sha256: str | None


def _show(value: str, limit: int = 40) -> str:
    """``repr`` of a cell or name, shortened: messages stay on one line and readable."""
    if len(value) > limit:
        return repr(value[:limit]) + "..."
    return repr(value)


def _open(path: str) -> BinaryIO:
    """Open ``path`` for binary reading, turning every OS complaint into a ``DataError``."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise DataError(f"{path} is a directory, not a CSV file")
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or a device could block or never end.
            raise DataError(f"{path} is not a regular file")
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise DataError(f"file not found: {path}") from None
    except PermissionError:
        raise DataError(f"permission denied: cannot read {path}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise DataError(f"cannot open {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _sniff(path: str, *, want_sha: bool) -> _Format:
    """Pass 1 over the bytes: encoding, delimiter, size and SHA-256."""
    digest = hashlib.sha256() if want_sha else None
    with _open(path) as f:
        head = f.read(_BLOCK_BYTES)
        if not head:
            raise DataError(f"{path} is empty")
        encoding = "utf-8"
        for bom, name in _BOMS:
            if head.startswith(bom):
                encoding = name
                break
        eight_bit = encoding in ("utf-8", "utf-8-sig")
        decoder = codecs.getincrementaldecoder(encoding)()
        decodes = True
        offset = 0
        block = head
        while block:
            if digest is not None:
                digest.update(block)
            nul = block.find(b"\x00") if eight_bit else -1
            if nul >= 0:
                raise DataError(
                    f"{path} contains NUL bytes (byte {offset + nul}): it looks "
                    "like a binary file (or UTF-16 without a byte-order mark), not a CSV text file"
                )
            if decodes:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    if encoding != "utf-8":
                        # A byte-order mark promised this encoding: do not guess another one.
                        label = _LABELS[encoding]
                        raise DataError(
                            f"{path} starts with a {label} byte-order mark but is not valid "
                            f"{label} (near byte {offset + exc.start})"
                        ) from None
                    decodes = False
            offset += len(block)
            block = f.read(_BLOCK_BYTES)
        if decodes:
            try:
                decoder.decode(b"", final=True)  # a truncated multi-byte sequence at the end
            except UnicodeDecodeError:
                if encoding != "utf-8":
                    raise DataError(
                        f"{path} ends in the middle of a {_LABELS[encoding]} character"
                    ) from None
                decodes = False
    if not decodes:
        # Not UTF-8: a legacy 8-bit file. latin-1 maps every byte to a character, so it cannot fail.
        encoding = "latin-1"
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(
        head[:_SAMPLE_BYTES], final=len(head) <= _SAMPLE_BYTES
    )
    if not sample.strip():
        raise DataError(f"{path} is empty (only blank lines)")
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if controls > 0.01 * len(sample):
        raise DataError(
            f"{path} does not look like a CSV text file ({controls} control characters in its "
            f"first {len(sample)} characters)"
        )
    delimiter = _delimiter(sample, complete=len(head) <= _SAMPLE_BYTES)
    return _Format(encoding, delimiter, offset, digest.hexdigest() if digest else None)


def _widths(sample: str, delimiter: str, complete: bool) -> list[int]:
    """Field counts of the first few non-blank records of ``sample`` parsed with ``delimiter``."""
    widths: list[int] = []
    try:
        rows = csv.reader(
            io.StringIO(sample, newline=""), delimiter=delimiter, skipinitialspace=True
        )
        for row in rows:
            if row:
                widths.append(len(row))
                if len(widths) > _SNIFF_RECORDS:
                    break
    except csv.Error:
        pass
    if not complete and len(widths) > 1:
        widths.pop()  # the sample may end inside the last record
    return widths[:_SNIFF_RECORDS]


def _delimiter(sample: str, complete: bool) -> str:
    """Comma by default; ``;`` or tab when they fit the file and the comma does not.

    The first records are parsed as CSV (quotes respected, not characters counted). A delimiter
    "fits" when it splits the header into several fields and every sampled record into as many.
    Preference: a fitting comma, then the fitting delimiter with the most fields, then (nothing
    fits: a ragged file, reported later with its line) the comma if it splits the header at all.
    """
    widths = {d: _widths(sample, d, complete) for d in (",", ";", "\t")}

    def fits(d: str) -> bool:
        w = widths[d]
        return bool(w) and w[0] > 1 and all(x == w[0] for x in w)

    if fits(","):
        return ","
    fitting = [d for d in (";", "\t") if fits(d)]
    if fitting:
        return max(fitting, key=lambda d: widths[d][0])
    if widths[","] and widths[","][0] > 1:
        return ","
    best = max((";", "\t"), key=lambda d: widths[d][0] if widths[d] else 0)
    return best if widths[best] and widths[best][0] > 1 else ","


def _lines(text: io.TextIOWrapper, path: str) -> Iterator[str]:
    """Physical lines of ``text``, refusing absurdly long ones (see ``_MAX_LINE_CHARS``)."""
    number = 0
    while True:
        line = text.readline(_MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= _MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise DataError(
                f"{path} line {number} is longer than {_MAX_LINE_CHARS:,} characters: "
                "not a CSV file?"
            )
        yield line


def _header(reader: Iterator[list[str]], path: str) -> list[str]:
    """The column names from the first non-blank row, checked: non-empty and unique."""
    for row in reader:
        if row and any(cell.strip() for cell in row):
            names = [cell.strip() for cell in row]
            break
    else:
        raise DataError(f"{path} is empty")
    first: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            raise DataError(f"header: column {i} has no name; every column needs one")
        if name in first:
            raise DataError(
                f"header: column name {_show(name)} appears twice (columns {first[name]} and {i})"
            )
        first[name] = i
    return names


class _Reader:
    """A ``csv.reader`` over the decoded file, with its binary handle for progress."""

    def __init__(self, path: str, fmt: _Format) -> None:
        self.raw = _open(path)
        self.text = io.TextIOWrapper(self.raw, encoding=fmt.encoding, newline="")
        # skipinitialspace: in `a, "b c"` the second name is b c, not ' "b c"'.
        self.rows = csv.reader(
            _lines(self.text, path), delimiter=fmt.delimiter, skipinitialspace=True
        )

    def close(self) -> None:
        self.text.close()


def read_header(path: str) -> list[str]:
    """Column names of the CSV file at ``path`` (stripped of surrounding spaces), for a picker.

    Checks what ``load_csv`` checks before the data: the file opens, is text, has a header with
    unique non-empty names and at least one data row. Raises ``DataError`` otherwise.
    """
    path = os.fspath(path)
    try:
        fmt = _sniff(path, want_sha=False)
        reader = _Reader(path, fmt)
        try:
            names = _header(reader.rows, path)
            if not any(row and any(c.strip() for c in row) for row in reader.rows):
                raise DataError(f"{path} has a header but no data rows")
            return names
        finally:
            reader.close()
    except DataError:
        raise
    except csv.Error as exc:
        raise DataError(f"{path}: {exc}") from None
    except (OSError, UnicodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None


def _columns(names: list[str], cfg: DataConfig) -> tuple[int, list[int]]:
    """Indices of the target and the feature columns named by ``cfg``."""
    available = ", ".join(_show(n) for n in names)
    target = str(cfg.target)
    if target not in names:
        raise DataError(f"target column {_show(target)} not found; the columns are: {available}")
    t = names.index(target)
    if cfg.features is None:
        features = [i for i in range(len(names)) if i != t]
        if not features:
            raise DataError(
                f"the file has only the target column {_show(target)}; it needs feature columns"
            )
        return t, features
    features = []
    for name in cfg.features:
        if name not in names:
            raise DataError(f"feature column {_show(name)} not found; the columns are: {available}")
        if names.index(name) in features:
            raise DataError(f"feature column {_show(name)} is listed twice")
        features.append(names.index(name))
    return t, features


class _Table:
    """Accumulates parsed rows: feature cells are converted to float64 blocks every chunk."""

    def __init__(self, names: list[str], target: int, features: list[int]) -> None:
        self.names = names
        self.target_name = names[target]
        self.features = features
        self.blocks: list[FloatArray] = []
        self.code_blocks: list[NDArray[np.uint8]] = []
        # Target values in order of first appearance -> code; codes are remapped to sorted
        # order at the end. Only _MAX_DISTINCT + 1 are remembered: more is an error anyway.
        self.values: dict[str, int] = {}
        self.too_many = False
        self.cells: list[str] = []
        self.codes: list[int] = []
        self.lines: list[int] = []
        self.rows = 0

    def add_value(self, value: str) -> int:
        if len(self.values) > _MAX_DISTINCT:
            self.too_many = True
            return _MAX_DISTINCT
        code = len(self.values)
        self.values[value] = code
        return code

    def flush(self) -> None:
        """Convert the pending chunk; a bad cell raises ``DataError`` naming line and column."""
        if not self.codes:
            return
        n = len(self.features)
        try:
            # map(float) straight into the array: no intermediate list of floats or unicode array.
            flat = np.fromiter(map(float, self.cells), dtype=np.float64, count=len(self.cells))
        except ValueError:
            self._raise_first_bad_cell()
        finite = np.isfinite(flat)
        if not finite.all():
            k = int(np.argmin(finite))
            raise DataError(
                f"column {_show(self.names[self.features[k % n]])} row {self.lines[k // n]}: "
                f"{_show(self.cells[k])} is not a finite number"
            )
        self.blocks.append(flat.reshape(-1, n))
        self.code_blocks.append(np.array(self.codes, dtype=np.uint8))
        self.rows += len(self.codes)
        self.cells.clear()
        self.codes.clear()
        self.lines.clear()

    def _raise_first_bad_cell(self) -> NoReturn:
        n = len(self.features)
        for k, cell in enumerate(self.cells):
            try:
                float(cell)
            except ValueError:
                where = f"column {_show(self.names[self.features[k % n]])} row {self.lines[k // n]}"
                if not cell.strip():
                    raise DataError(f"{where}: empty cell (missing value)") from None
                raise DataError(f"{where}: {_show(cell)} is not a number") from None
        raise AssertionError("unreachable: a cell failed to convert, then converted")

    def labels(self) -> tuple[NDArray[np.uint8], tuple[str, str]]:
        """Codes of every row (0/1, sorted order of the values) and the two class names."""
        values = list(self.values)
        shown = ", ".join(_show(v) for v in sorted(values, key=_label_order))
        if self.too_many:
            raise DataError(
                f"target column {_show(self.target_name)} has more than {_MAX_DISTINCT} distinct "
                f"values ({shown}, ...); it must have exactly two (binary classification)"
            )
        if len(values) != 2:
            count = "only one value" if len(values) == 1 else f"{len(values)} distinct values"
            raise DataError(
                f"target column {_show(self.target_name)} has {count}: {shown}; "
                "it must have exactly two"
            )
        ordered = sorted(values, key=_label_order)
        # remap[first-seen code] = sorted position.
        remap = np.array([ordered.index(v) for v in values], dtype=np.uint8)
        codes = np.concatenate(self.code_blocks)
        return remap[codes], (ordered[0], ordered[1])


def _label_order(value: str) -> tuple[int, float, str]:
    """Sort key of target values: numbers by value (so "-1" < "1" < "10"), then text."""
    try:
        number = float(value)
    except ValueError:
        return (1, 0.0, value)
    if math.isnan(number):
        return (1, 0.0, value)
    return (0, number, value)


def _read_table(
    path: str, fmt: _Format, cfg: DataConfig, progress: Callable[[float], None] | None
) -> tuple[_Table, list[str]]:
    """Pass 2: parse every row into a ``_Table`` (features as float64 blocks)."""
    reader = _Reader(path, fmt)
    try:
        names = _header(reader.rows, path)
        t, features = _columns(names, cfg)
        table = _Table(names, t, features)
        width = len(names)
        # Bind hot-loop attributes to locals: this loop runs once per row of the file.
        rows = reader.rows
        lookup = table.values.get
        add_cells = table.cells.extend
        add_code = table.codes.append
        add_line = table.lines.append
        pick = itemgetter(*features)
        single = len(features) == 1
        next_report = 1
        try:
            for row in rows:
                if len(row) != width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # a blank line
                    table.flush()  # report an earlier bad cell first: errors come in file order
                    raise DataError(
                        f"row {rows.line_num} has {len(row)} fields, expected {width} "
                        "(as many as the header has columns)"
                    )
                value = row[t].strip()
                code = lookup(value)
                if code is None:
                    if not value:
                        table.flush()
                        raise DataError(
                            f"column {_show(names[t])} row {rows.line_num}: empty target cell "
                            "(missing label)"
                        )
                    code = table.add_value(value)
                add_code(code)
                add_line(rows.line_num)
                if single:
                    table.cells.append(pick(row))
                else:
                    add_cells(pick(row))
                if len(table.codes) >= _CHUNK_ROWS:
                    table.flush()
                    if progress is not None:
                        done = reader.raw.tell() / max(fmt.size, 1)
                        if next_report <= done * _PROGRESS_STEPS and next_report < _PROGRESS_STEPS:
                            progress(min(done, 0.99))
                            next_report = int(done * _PROGRESS_STEPS) + 1
        except csv.Error as exc:
            # The csv module's own complaints (a bare CR inside a field, a field over 128 KiB...).
            table.flush()
            raise DataError(f"row {rows.line_num}: {exc}") from None
        table.flush()
    finally:
        reader.close()
    return table, names


def _split(
    table: _Table, codes: NDArray[np.uint8], cfg: DataConfig, path: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, list[str]]:
    """Shuffle-split the parsed rows (labels ``codes``, ``(m,)``) into train and test parts.

    Returns ``X_train (n, m_train)``, ``Y_train (1, m_train)``, ``X_test``, ``Y_test``, warnings.
    """
    m, n = table.rows, len(table.features)
    # Blocks (k, n) -> one (n, m) array, freeing each block as soon as it is copied, so the peak
    # is one full copy plus one block rather than two full copies.
    X_all = np.empty((n, m))
    table.blocks.reverse()
    start = 0
    while table.blocks:
        block = table.blocks.pop()
        X_all[:, start : start + block.shape[0]] = block.T
        start += block.shape[0]
    if cfg.test_ratio == 0:
        # X_all already is the training set; the test set is a separate copy, so standardizing
        # one in place (or a caller writing into one) leaves the other alone.
        Y_all = codes.astype(np.float64).reshape(1, m)
        warning = (
            "test_ratio is 0: the test set is the training set, so test scores measure the fit, "
            "not how well the model generalizes"
        )
        return X_all, Y_all, X_all.copy(), Y_all.copy(), [warning]

    n_test = max(1, round(m * cfg.test_ratio))
    if m - n_test < 2:
        raise DataError(
            f"{path} has {m} data rows: test_ratio {cfg.test_ratio:g} takes {n_test} for "
            f"testing and leaves {m - n_test} for training; at least 2 training rows are needed"
        )
    order = np.random.default_rng(cfg.seed).permutation(m)

    def take(idx: NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        idx = np.sort(idx)  # each part keeps the file's row order: easier to relate to the file
        X = np.empty((n, idx.size))
        for j in range(n):  # row by row: no (n, k) temporary
            np.take(X_all[j], idx, out=X[j])
        return X, codes[idx].astype(np.float64).reshape(1, idx.size)

    X_test, Y_test = take(order[:n_test])
    X_train, Y_train = take(order[n_test:])
    return X_train, Y_train, X_test, Y_test, []


def load_csv(cfg: DataConfig, progress: Callable[[float], None] | None = None) -> Dataset:
    """Load the binary-classification table described by ``cfg`` (``source="csv"``).

    Returns a ``Dataset`` with ``X_train (n_features, m_train)``, ``Y_train (1, m_train)`` (labels
    0.0/1.0: the target's two values in sorted order, reported in ``class_names``), the test part
    likewise, ``csv_sha256`` of the file's bytes, and warnings. ``test_ratio`` 0 uses the training
    rows as the test set (with a warning). ``standardize`` fits mean/std on the training rows only.
    ``progress(fraction)`` is called at most 20 times, by bytes read, the last time with 1.0.
    Raises ``ConfigError`` for an invalid ``cfg``, ``DataError`` for any problem with the file.
    """
    cfg.validate()
    if cfg.source != "csv":
        raise ConfigError("source", "load_csv needs source='csv'")
    path = os.fspath(str(cfg.csv_path))
    try:
        fmt = _sniff(path, want_sha=True)
        table, names = _read_table(path, fmt, cfg, progress)
        if table.rows == 0:
            raise DataError(f"{path} has a header but no data rows")
        if table.rows == 1:
            raise DataError(f"{path} has only 1 data row; at least 2 are needed")
        codes, class_names = table.labels()
        X_train, Y_train, X_test, Y_test, warnings = _split(table, codes, cfg, path)
        if fmt.encoding == "latin-1":
            warnings.insert(
                0, "the file is not valid UTF-8; it was read as latin-1 (check accented names)"
            )
        dataset = _assemble(
            X_train,
            Y_train,
            X_test,
            Y_test,
            feature_names=tuple(names[i] for i in table.features),
            problem="classification",
            class_names=class_names,
            standardize=cfg.standardize,
            warnings=warnings,
            csv_sha256=fmt.sha256,
        )
    except DataError:
        raise
    except csv.Error as exc:  # normally caught with a line number in _read_table
        raise DataError(f"{path}: {exc}") from None
    except (OSError, UnicodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    except MemoryError:
        raise DataError(f"{path} is too large to load into memory") from None
    if progress is not None:
        progress(1.0)
    return dataset
