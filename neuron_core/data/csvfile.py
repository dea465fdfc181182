"""Loading a binary-classification table from a CSV file.

The file has a header row; ``cfg.target`` names the label column (any two distinct values, mapped
to 0/1 in sorted order) and ``cfg.features`` the numeric feature columns (``None``: all the others).
Rows are split into train and test with ``cfg.seed`` and ``cfg.test_ratio``.

Every problem with the file raises ``DataError`` with a one-line message naming the line (1-based,
as an editor shows it) or the column at fault; no other exception escapes ``load_csv`` or
``read_header`` (``ConfigError`` aside, for an invalid config).

Large files are read in two streaming passes, never held as Python strings all at once:

1. bytes, in 1 MiB blocks (``csvformat.sniff``): SHA-256, byte-order mark, NUL bytes, whether it
   decodes as UTF-8 (else latin-1, which decodes any byte), and the delimiter;
2. text, through ``csv.reader`` (``csvtable.read_table``): every ``csvtable.CHUNK_ROWS`` rows the
   feature cells are converted into one float64 block; the target cells become small codes.

The parsed blocks go straight into the final train and test arrays (``_split``), each freed as
soon as it is copied: the peak memory is the blocks plus the final arrays (under twice the final
arrays) plus one chunk of strings. A file of more than ``csvtable.MAX_ROWS`` data rows (the
``samples`` limit) is refused as soon as its parse passes the limit.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig
from neuron_core.data.csvformat import Reader, header, sniff
from neuron_core.data.csvtable import Table, read_table
from neuron_core.data.dataset import Dataset, FloatArray, assemble
from neuron_core.errors import ConfigError, DataError


def read_header(path: str) -> list[str]:
    """Column names of the CSV file at ``path`` (stripped of surrounding spaces), for a picker.

    Checks what ``load_csv`` checks before the data: the file opens, is text, has a header with
    unique non-empty names and at least one data row. Raises ``DataError`` otherwise.
    """
    path = os.fspath(path)
    try:
        fmt = sniff(path, want_sha=False)
        reader = Reader(path, fmt)
        try:
            names = header(reader.rows, path)
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


def _scatter(
    blocks: list[FloatArray],
    in_test: NDArray[np.bool_] | None,
    X_train: FloatArray,
    X_test: FloatArray,
) -> None:
    """Copy the parsed ``blocks`` (each (k, n), in file order) into ``X_train`` and ``X_test``
    (n, m_part): row i goes to the test part where ``in_test[i]`` (``None``: all to train).

    Each part keeps the file's order, so a block fills the next columns of each part. Blocks
    are freed as they are copied: the peak is one set of blocks plus the final arrays.
    """
    blocks.reverse()
    row = train = test = 0
    while blocks:
        block = blocks.pop()
        k = block.shape[0]
        if in_test is None:
            X_train[:, train : train + k] = block.T
            train += k
        else:
            mask = in_test[row : row + k]
            c = int(np.count_nonzero(mask))
            X_test[:, test : test + c] = block[mask].T
            X_train[:, train : train + k - c] = block[~mask].T
            test, train = test + c, train + k - c
        row += k
        del block


def _split(
    table: Table, codes: NDArray[np.uint8], cfg: DataConfig, path: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, list[str]]:
    """Shuffle-split the parsed rows (labels ``codes``, ``(m,)``) into train and test parts.

    Returns ``X_train (n, m_train)``, ``Y_train (1, m_train)``, ``X_test``, ``Y_test``, warnings.
    The test rows are the first ``round(m * test_ratio)`` of ``default_rng(seed).permutation(m)``;
    each part keeps the file's row order (easier to relate to the file).
    """
    m, n = table.rows, len(table.features)
    if cfg.test_ratio == 0:
        X_all = np.empty((n, m))
        _scatter(table.blocks, None, X_all, X_all)
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
    in_test = np.zeros(m, dtype=bool)
    in_test[np.random.default_rng(cfg.seed).permutation(m)[:n_test]] = True
    X_train, X_test = np.empty((n, m - n_test)), np.empty((n, n_test))
    _scatter(table.blocks, in_test, X_train, X_test)
    Y_test = codes[in_test].astype(np.float64).reshape(1, n_test)
    np.logical_not(in_test, out=in_test)
    Y_train = codes[in_test].astype(np.float64).reshape(1, m - n_test)
    return X_train, Y_train, X_test, Y_test, []


def load_csv(cfg: DataConfig, progress: Callable[[float], None] | None = None) -> Dataset:
    """Load the classification table described by ``cfg`` (``source="csv"``).

    Returns a ``Dataset`` with ``X_train (n_features, m_train)``, ``Y_train (1, m_train)`` (labels
    0.0 .. K-1: the target's 2 to 10 values in sorted order, reported in ``class_names``), the
    test part likewise, ``csv_sha256`` of the file's bytes, and warnings. ``test_ratio`` 0 uses
    the training rows as the test set (with a warning). ``standardize`` fits mean/std on the
    training rows only. ``progress(fraction)`` is called at most 20 times, by bytes read, the
    last time with 1.0. Raises ``ConfigError`` for an invalid ``cfg``, ``DataError`` for any
    problem with the file.
    """
    cfg.validate()
    if cfg.source != "csv":
        raise ConfigError("source", "load_csv needs source='csv'")
    path = os.fspath(str(cfg.csv_path))
    try:
        fmt = sniff(path, want_sha=True)
        table, names = read_table(path, fmt, cfg, progress)
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
        dataset = assemble(
            X_train,
            Y_train,
            X_test,
            Y_test,
            feature_names=tuple(names[i] for i in table.features),
            problem="classification",
            class_names=class_names,
            standardize=cfg.standardizes,
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
