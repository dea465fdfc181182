"""The order of the mini-batches, and that order's state as plain numbers for saving.

At the start of every epoch the column order is ``default_rng(seed).permutation(m)`` (one
generator per stepper, drawn once per epoch); consecutive slices of ``batch`` columns of it are
the batches, and the last batch of an epoch holds the ``m % batch`` leftover columns if there
are any. The whole state is the generator's state just before the current epoch's permutation
was drawn (drawing again from it gives the same permutation) and the position in it, so a saved
run does not store m indices. The store reads arrays without pickle, so the PCG64 state is
encoded as whole numbers (``rng_words``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WORD = 1 << 32
# The entries of ``Shuffle.state()`` and their lengths.
STATE_LENGTHS = {"shuffle_rng": 10, "shuffle_pos": 1}


def rng_words(state: Mapping[str, Any]) -> NDArray[np.int64]:
    """A PCG64 ``bit_generator.state`` as 10 int64: the 128-bit ``state`` and ``inc`` as four
    32-bit words each (least significant first), then ``has_uint32`` and ``uinteger``."""
    inner = state["state"]
    words = [(int(inner[key]) >> (32 * i)) % _WORD for key in ("state", "inc") for i in range(4)]
    return np.array([*words, int(state["has_uint32"]), int(state["uinteger"])], dtype=np.int64)


def rng_state(words: NDArray[Any]) -> dict[str, Any]:
    """The ``bit_generator.state`` dict encoded by ``rng_words``; ``ValueError`` if invalid."""
    w = np.asarray(words)
    if w.shape != (10,) or w.dtype.kind not in "iu":
        raise ValueError("the shuffle generator state must be 10 whole numbers")
    vals = [int(v) for v in w]
    if not all(0 <= v < _WORD for v in vals) or vals[8] not in (0, 1):
        raise ValueError("the shuffle generator state is out of range")
    state = sum(v << (32 * i) for i, v in enumerate(vals[0:4]))
    inc = sum(v << (32 * i) for i, v in enumerate(vals[4:8]))
    if inc % 2 == 0:  # PCG64's increment is always odd
        raise ValueError("the shuffle generator state is invalid")
    return {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": inc},
        "has_uint32": vals[8],
        "uinteger": vals[9],
    }


class Shuffle:
    """Column indices of consecutive mini-batches of ``batch`` of ``m`` samples (see above)."""

    def __init__(self, m: int, batch: int, seed: int) -> None:
        self.m, self.batch = m, batch
        self._rng = np.random.default_rng(seed)
        self._perm = np.arange(m)
        self._pos = m  # forces a permutation before the first batch
        self._epoch_rng: Mapping[str, Any] = self._rng.bit_generator.state

    def next_indices(self) -> NDArray[np.intp]:
        """Column indices of the next mini-batch (a new permutation at each epoch start)."""
        if self._pos >= self.m:
            self._epoch_rng = self._rng.bit_generator.state
            self._perm = self._rng.permutation(self.m)
            self._pos = 0
        idx = self._perm[self._pos : self._pos + self.batch]
        self._pos += idx.shape[0]
        return idx

    def state(self) -> dict[str, NDArray[np.int64]]:
        """``shuffle_pos`` (1,) int64, the position in the current epoch's permutation (m: the
        epoch is used up), and ``shuffle_rng`` (10,) int64, the generator's state before that
        permutation was drawn (``rng_words``)."""
        in_epoch = self._pos < self.m
        rng = self._epoch_rng if in_epoch else self._rng.bit_generator.state
        return {
            "shuffle_rng": rng_words(rng),
            "shuffle_pos": np.array([self._pos if in_epoch else self.m], dtype=np.int64),
        }

    def check_state(self, state: Mapping[str, NDArray[Any]]) -> tuple[dict[str, Any], int]:
        """The generator state and position in ``state()``'s entries; ``ValueError`` if they
        are not valid for this shuffle (nothing is changed)."""
        rng = rng_state(state["shuffle_rng"])
        p = np.asarray(state["shuffle_pos"])
        if p.shape != (1,) or p.dtype.kind not in "iu" or not 0 <= int(p[0]) <= self.m:
            raise ValueError(f"the shuffle position must be one number from 0 to {self.m}")
        return rng, int(p[0])

    def restore(self, rng: dict[str, Any], pos: int) -> None:
        """Continue from ``check_state``'s result: redraw that epoch's permutation and go back
        to where it was."""
        self._rng.bit_generator.state = rng
        self._perm = np.arange(self.m)
        self._pos = self.m
        if pos < self.m:
            self.next_indices()
            self._pos = pos
