"""The run file's record of the points placed and removed by hand (``data.hand_points``).

A run with hand edits has one more entry, ``hand_log`` (k, 4) float64 (``Dataset.hand_log``),
and the metadata field ``hand_edits`` = k. A run without them has neither, and so have files
written before they existed (they load as before). The entry is bounded like every other one
before it is read: k from the metadata, at most ``MAX_HAND_EDITS`` rows of 4 values, stored
uncompressed (``archive.open_entry``). A reader that does not know the entry ignores it (and
opens the run without its hand edits).
"""

from __future__ import annotations

import zipfile
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.data.hand_points import MAX_HAND_EDITS
from neuron_core.store.archive import Invalid, open_entry, read_entry

F64 = NDArray[np.float64]

NAME = "hand_log"
COUNT = "hand_edits"


def check_log(log: object) -> None:
    """``Invalid`` unless ``log`` is None or a (k, 4) float64 array of finite values, k at most
    ``MAX_HAND_EDITS`` (whether it fits the data is decided when it is replayed)."""
    if log is None:
        return
    if not isinstance(log, np.ndarray) or log.dtype != np.float64 or log.ndim != 2:
        raise Invalid("the hand edits are not a 2-D float64 array")
    if log.shape[1] != 4 or log.shape[0] > MAX_HAND_EDITS:
        raise Invalid(f"the hand edits have shape {log.shape}")
    if not np.all(np.isfinite(log)):
        raise Invalid("the hand edits contain infinite or NaN values")


def entries(log: F64 | None) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The metadata fields and the archive entries that save ``log`` (none without edits)."""
    if log is None or log.shape[0] == 0:
        return {}, {}
    return {COUNT: int(log.shape[0])}, {NAME: np.ascontiguousarray(log)}


def read_log(zf: zipfile.ZipFile, meta: dict[str, Any]) -> F64 | None:
    """The hand edits of a run file, None when it has none; ``Invalid`` when the entry does not
    have exactly the metadata's number of rows (at most ``MAX_HAND_EDITS``)."""
    if COUNT not in meta:
        return None
    k = meta[COUNT]
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_HAND_EDITS:
        raise Invalid(f"the field {COUNT!r} is invalid")
    entry = open_entry(zf, NAME, "f", 2)
    if entry.shape != (k, 4):
        raise Invalid(f"the hand edits have shape {entry.shape}, not ({k}, 4)")
    log: F64 = read_entry(zf, entry)
    check_log(log)
    return log
