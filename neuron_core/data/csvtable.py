"""Parsing a CSV file's rows into a table: feature cells to float64, target cells to codes.

Pass 2 over the file (``read_table``), through ``csvformat.Reader``: every ``CHUNK_ROWS`` rows
the feature cells are converted into one float64 block, and the target cells become small
integer codes, mapped to 0/1 in the sorted order of the two values at the end
(``Table.labels``). Large files are never held as Python strings all at once. A bad cell raises
``DataError`` naming its line (1-based, as an editor shows it) and column. A file of more than
``MAX_ROWS`` data rows is refused as soon as the row after the limit is read.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from operator import itemgetter
from typing import NoReturn

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import MAX_SAMPLES, DataConfig
from neuron_core.data.csvformat import Format, Reader, header, show
from neuron_core.data.dataset import FloatArray
from neuron_core.errors import DataError

# Rows per converted block: big enough that the per-block cost vanishes, small enough that the
# block's Python strings (~60 bytes each) stay a few MB.
CHUNK_ROWS = 16_384
# At most this many data rows, as for generated data (``DataConfig.samples``): a longer file is
# refused when the row after the limit is read, before the rest of it is.
MAX_ROWS = MAX_SAMPLES
# How many distinct target values to remember for the error message.
_MAX_DISTINCT = 10
# Progress is reported in steps of 1/PROGRESS_STEPS of the file (so at most that many calls).
PROGRESS_STEPS = 20


def columns(names: list[str], cfg: DataConfig) -> tuple[int, list[int]]:
    """Indices of the target and the feature columns named by ``cfg``."""
    available = ", ".join(show(n) for n in names)
    target = str(cfg.target)
    if target not in names:
        raise DataError(f"target column {show(target)} not found; the columns are: {available}")
    t = names.index(target)
    if cfg.features is None:
        features = [i for i in range(len(names)) if i != t]
        if not features:
            raise DataError(
                f"the file has only the target column {show(target)}; it needs feature columns"
            )
        return t, features
    features = []
    for name in cfg.features:
        if name not in names:
            raise DataError(f"feature column {show(name)} not found; the columns are: {available}")
        if names.index(name) in features:
            raise DataError(f"feature column {show(name)} is listed twice")
        features.append(names.index(name))
    return t, features


class Table:
    """Accumulates parsed rows: feature cells are converted to float64 blocks every chunk."""

    def __init__(
        self, names: list[str], target: int, features: list[int], max_rows: int, path: str
    ) -> None:
        self.names = names
        self.max_rows = max_rows
        self.path = path
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

    def pending_limit(self) -> int:
        """Rows to gather before the next ``flush``: a chunk, or one past the row limit."""
        return min(CHUNK_ROWS, self.max_rows + 1 - self.rows)

    def flush(self) -> None:
        """Convert the pending chunk; a bad cell raises ``DataError`` naming line and column,
        as does a row past ``max_rows``."""
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
                f"column {show(self.names[self.features[k % n]])} row {self.lines[k // n]}: "
                f"{show(self.cells[k])} is not a finite number"
            )
        if self.rows + len(self.codes) > self.max_rows:
            raise DataError(
                f"{self.path} has more than {self.max_rows:,} data rows; at most "
                f"{self.max_rows:,} can be loaded (as for generated samples)"
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
                where = f"column {show(self.names[self.features[k % n]])} row {self.lines[k // n]}"
                if not cell.strip():
                    raise DataError(f"{where}: empty cell (missing value)") from None
                raise DataError(f"{where}: {show(cell)} is not a number") from None
        raise AssertionError("unreachable: a cell failed to convert, then converted")

    def labels(self) -> tuple[NDArray[np.uint8], tuple[str, ...]]:
        """Codes of every row (0..K-1, sorted order of the values) and the K class names: 2
        values keep the sigmoid neuron, 3 to 10 a softmax output."""
        values = list(self.values)
        shown = ", ".join(show(v) for v in sorted(values, key=_label_order))
        if self.too_many or len(values) > _MAX_DISTINCT:
            raise DataError(
                f"target column {show(self.target_name)} has more than {_MAX_DISTINCT} distinct "
                f"values ({shown}, ...); it must have 2 to {_MAX_DISTINCT} (one per class)"
            )
        if len(values) < 2:
            raise DataError(
                f"target column {show(self.target_name)} has only one value: {shown}; "
                f"it must have 2 to {_MAX_DISTINCT} (one per class)"
            )
        ordered = sorted(values, key=_label_order)
        # remap[first-seen code] = sorted position.
        remap = np.array([ordered.index(v) for v in values], dtype=np.uint8)
        codes = np.concatenate(self.code_blocks)
        self.code_blocks.clear()
        np.take(remap, codes, out=codes)
        return codes, tuple(ordered)


def _label_order(value: str) -> tuple[int, float, str]:
    """Sort key of target values: numbers by value (so "-1" < "1" < "10"), then text."""
    try:
        number = float(value)
    except ValueError:
        return (1, 0.0, value)
    if math.isnan(number):
        return (1, 0.0, value)
    return (0, number, value)


def read_table(
    path: str, fmt: Format, cfg: DataConfig, progress: Callable[[float], None] | None
) -> tuple[Table, list[str]]:
    """Pass 2: parse every row into a ``Table`` (features as float64 blocks)."""
    reader = Reader(path, fmt)
    try:
        names = header(reader.rows, path)
        t, features = columns(names, cfg)
        table = Table(names, t, features, MAX_ROWS, path)
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
        pending = table.pending_limit()
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
                            f"column {show(names[t])} row {rows.line_num}: empty target cell "
                            "(missing label)"
                        )
                    code = table.add_value(value)
                add_code(code)
                add_line(rows.line_num)
                if single:
                    table.cells.append(pick(row))
                else:
                    add_cells(pick(row))
                if len(table.codes) >= pending:
                    table.flush()
                    pending = table.pending_limit()
                    if progress is not None:
                        done = reader.raw.tell() / max(fmt.size, 1)
                        if next_report <= done * PROGRESS_STEPS and next_report < PROGRESS_STEPS:
                            progress(min(done, 0.99))
                            next_report = int(done * PROGRESS_STEPS) + 1
        except csv.Error as exc:
            # The csv module's own complaints (a bare CR inside a field, a field over 128 KiB...).
            table.flush()
            raise DataError(f"row {rows.line_num}: {exc}") from None
        table.flush()
    finally:
        reader.close()
    return table, names
