"""The fast neuron's engine for a large X: column blocks, read from memory once per iteration.

A module of its own because the data layout below, the pass over it and the second thread would
take ``fast_neuron`` (the stepper and its small-X engine) well over 300 lines; it is used only
through ``fast_neuron.NeuronStepper``.

Notation (see ``fast_neuron``): the samples are ordered by label, class 1 first, so that each
column block holds one class only, with label sign ``s = 2y - 1`` (+1 or -1). A block stores
``Xt_b = s X_b`` (rows, mb): the features with the sign folded in, zero rows up to ``rows``. The
parameters are halved: ``hf`` (rows,) for the features and ``hb`` for the bias, so
``u = hf . Xt_b + s hb`` is half the signed margin of each sample and ``T = tanh(u)``. The bias
needs no row of its own in memory: per block it is one scalar, ``s hb``.

Per iteration, each block does its forward product, bias, ``tanh`` and backward product while it
is in the CPU cache; the cost terms and the bias gradient's sums follow for a few blocks at a
time (a ``Group``). Every block and group writes its own sums, which are added in a fixed order,
so the result does not depend on which thread ran a group nor on the order the blocks are
visited. The plan (blocks, groups, the middle sample that splits the work between two threads)
depends only on the data, never on the number of CPUs: one thread and two give the same bits.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
Arr = NDArray[np.floating]
LOG2 = math.log(2.0)

# Levels of pairwise products before the log in the cost: products of 8 samples.
TREE_LEVELS = 3
_TREE = 1 << TREE_LEVELS
# Longest row summed with a BLAS dot product: OpenBLAS splits longer ones over threads, which
# costs far more than it gains at these sizes.
DOT_MAX = 8192
# Column blocks per group (the cost terms are computed once per group), and the fewest columns
# in a block (a wide X would otherwise make blocks of a handful of columns).
GROUP_BLOCKS = 4
MIN_BLOCK_COLS = 256
# Ufunc buffer size while an iteration runs: with the default 8192-element buffer NumPy copies
# short strided rows through it; a small buffer lets it work in place.
UFUNC_BUFSIZE = 64
# Two threads share the blocks from this size of X and its labels on (in the run's dtype), when
# two CPUs are usable: below it, handing the GIL over between the threads at every NumPy call
# costs more than the second core gives.
THREADS_MIN_BYTES = 16 << 20


def _ceil(a: int, b: int) -> int:
    return -(-a // b) * b


def plan(m1: int, m0: int, cols: int) -> tuple[list[tuple[list[int], int]], int]:
    """Split ``m1`` samples of class 1, then ``m0`` of class 0, into groups of column blocks.

    Returns every group as ``(widths of its blocks, sign)`` and the index of the first group of
    the second half. A block holds ``cols`` samples at most and one class only; a group holds up
    to ``GROUP_BLOCKS`` consecutive blocks. No block or group crosses the middle sample, so the
    groups before it hold exactly half of the samples (each of two threads gets half).
    """
    m, second = m1 + m0, 0
    groups: list[tuple[list[int], int]] = []
    cuts = sorted({0, m1, m // 2, m})
    for a, b in itertools.pairwise(cuts):
        if a == m // 2:
            second = len(groups)
        cut = [min(cols, b - j) for j in range(a, b, cols)]
        groups += [(cut[i : i + GROUP_BLOCKS], 1 if a < m1 else -1)
                   for i in range(0, len(cut), GROUP_BLOCKS)]  # fmt: skip
    return groups, second


class Group(NamedTuple):
    """A group's blocks, the views it computes with, and where its sums go.

    Scratch buffer: ``[u_1 .. u_G | zeros | T_1 .. T_G | ones | zeros]``: ``u`` zero padded to
    whole rows of ``DOT_MAX``; ``T`` padded with ones to a multiple of 8 (the product tree)
    and then with zeros to whole rows of ``DOT_MAX``. Each block's ``u`` and ``T`` are slices
    of it, and the group's cost terms are computed with one call per operation.
    """

    blocks: list[tuple[Arr, Arr, Arr, Arr]]  # (Xt_b (rows, mb), u_b, T_b, Xt_b T_b (rows,))
    bias: Arr  # 0-d view of the parameters: +hb for class 1, -hb for class 0
    u: Arr  # every u of the group and the zero padding, then min(u, 0)
    T: Arr  # every tanh(u), then 1 + |T|
    rows: Arr  # [u | T] with their padding, as rows of DOT_MAX
    zeros: Arr  # as long as u (a view of an array shared by the groups)
    halves: list[tuple[Arr, Arr]]  # pairs multiplied in place, level by level
    logs: Arr  # products of 1 + |T| over groups of 8 samples, then their logs
    sums: Arr  # -2/m times the sum of each of those rows: a slice of S
    slog: Arr  # sum(logs): a 0-d view into S


def _group(xbs: list[Arr], sign: int, G: Arr, sums: Arr, slog: Arr, h: Arr, zeros: Arr) -> Group:
    """The ``Group`` over the block arrays ``xbs`` ((rows, width) each) of one class; ``G``:
    its blocks' rows of ``Xt_b T_b``; ``sums``, ``slog``: its slices of ``S``; ``h`` (rows + 2,)
    = ``[hf | hb | -hb]``; ``zeros``: the shared array of zeros."""
    rows, dt = h.shape[0] - 2, xbs[0].dtype
    mg = sum(xb.shape[1] for xb in xbs)
    mp, mu = _ceil(mg, _TREE), _ceil(mg, DOT_MAX)
    scratch = np.zeros(mu + _ceil(mp, DOT_MAX), dtype=dt)
    scratch[mu + mg : mu + mp] = 1.0
    blocks, j = [], 0
    for xb, g in zip(xbs, G, strict=True):
        mb = xb.shape[1]
        blocks.append((xb, scratch[j : j + mb], scratch[mu + j : mu + j + mb], g))
        j += mb
    halves, w = [], mp
    for _ in range(TREE_LEVELS):
        w >>= 1
        halves.append((scratch[mu : mu + w], scratch[mu + w : mu + 2 * w]))
    b = rows if sign > 0 else rows + 1
    return Group(blocks, h[b : b + 1].reshape(()), scratch[:mu], scratch[mu : mu + mg],
                 scratch.reshape(-1, DOT_MAX), zeros[:mu], halves,
                 scratch[mu : mu + (mp >> TREE_LEVELS)], sums, slog.reshape(()))  # fmt: skip


def reverse(groups: Sequence[Group]) -> list[Group]:
    """The same groups, last block first.

    Every other iteration runs over the blocks in this order: the blocks read last in one
    iteration are the likeliest to be still in the CPU's last-level cache at the start of the
    next. The order changes no result: each block and group writes only its own sums.
    """
    return [g._replace(blocks=g.blocks[::-1]) for g in reversed(groups)]


def group_pass(groups: Sequence[Group], hf: Arr, weights: Arr) -> None:
    """Forward, ``tanh`` and backward of each block, then each group's sums, for parameters hf.

    ``hf`` (rows,): the feature half-parameters (the bias comes from each group's ``bias``);
    ``weights``: -2/m repeated ``DOT_MAX`` times. Runs with floating point errors ignored by
    the caller (non-finite values show in the sums).
    """
    dot, add, tanh, minimum, absolute, mul, log, vecdot, total = (
        np.dot, np.add, np.tanh, np.minimum, np.abs, np.multiply, np.log, np.vecdot, np.add.reduce
    )  # fmt: skip
    for blocks, bias, u_all, T_all, rows, zeros, halves, logs, sums, slog in groups:
        for xb, u, T, g in blocks:
            dot(hf, xb, u)
            add(u, bias, u)
            tanh(u, T)
            dot(xb, T, g)
        minimum(u_all, zeros, out=u_all)  # |u| - u = -2 min(u, 0): exact, no cancellation
        # The u terms for the cost and the T terms for the bias gradient, before T is
        # overwritten. Scaled by -2/m before they are summed, so that huge margins overflow no
        # earlier than in the small-X engine; rows of DOT_MAX keep OpenBLAS from splitting the
        # dot products over threads.
        vecdot(rows, weights, out=sums)
        absolute(T_all, T_all)
        add(T_all, 1.0, T_all)
        for lo, hi in halves:
            mul(lo, hi, lo)
        log(logs, logs)
        total(logs, out=slog)


class Blocked:
    """The engine: X (n, m) with labels y (m,) of 0/1, starting from the half-parameters
    ``w_half`` (n,) and ``b_half``, in ``dt``; blocks of about ``block_bytes``; ``threads``: 1 or
    2, or ``None`` for 2 when two CPUs are usable and X is at least ``THREADS_MIN_BYTES``.

    ``hcur`` = ``[hf | hb | -hb]`` holds the parameters of the pass under way (the groups read
    it); the iteration keeps them double-buffered in ``h``/``prev``, so that a diverging step
    can be undone.
    """

    def __init__(self, X: NDArray[np.floating], y: F64, w_half: F64, b_half: float,
                 dt: np.dtype[np.floating], block_bytes: int, threads: int | None) -> None:  # fmt: skip
        n, m = X.shape
        # Feature rows, zero padded: OpenBLAS's kernels take 4 rows faster than 3 (per row), and
        # 2 rows faster than 4 (per sample); above 4, padding would add bytes to read.
        rows = 2 if n <= 2 else max(n, 4)
        order = np.concatenate([np.flatnonzero(y == 1.0), np.flatnonzero(y == 0.0)])
        m1 = int(np.count_nonzero(y == 1.0))
        shapes, half = plan(m1, m - m1, max(MIN_BLOCK_COLS, block_bytes // (rows * dt.itemsize)))
        # S: the groups' row sums one group after the other, then one log sum per group.
        sizes = [(_ceil(sum(w), DOT_MAX) + _ceil(_ceil(sum(w), _TREE), DOT_MAX)) // DOT_MAX
                 for w, _ in shapes]  # fmt: skip
        n_rows = sum(sizes)
        self.hcur = np.zeros(rows + 2, dtype=dt)
        self.G = np.zeros((sum(len(w) for w, _ in shapes), rows), dtype=dt)
        self.S = np.zeros(n_rows + len(shapes), dtype=dt)
        # min(u, 0) reads an array of zeros: np.minimum has no vectorised loop for a scalar
        # operand (5x slower), and one shared array stays in the cache where one per group
        # would not. Written with fill, so that its pages are real memory (measured: a third of
        # the cost terms' time).
        zeros = np.empty(max(_ceil(sum(w), DOT_MAX) for w, _ in shapes), dtype=dt)
        zeros.fill(0.0)
        c = np.zeros(rows + 2)  # Xt 1, for [hf | hb | -hb]
        # Selectors of S[:n_rows]: the u sums, the T sums of class 1, those of class 0; and the
        # padding ones those T sums include.
        self.sel = np.zeros((3, n_rows))
        pad = {1: 0, -1: 0}
        self.groups: list[Group] = []
        j = blk = row = 0
        for gi, ((widths, sign), size) in enumerate(zip(shapes, sizes, strict=True)):
            xbs = []
            for width in widths:
                xb = np.empty((rows, width), dtype=dt)
                np.multiply(X[:, order[j : j + width]], float(sign), out=xb[:n], casting="unsafe")
                xb[n:] = 0.0
                c[:rows] += xb.sum(axis=1, dtype=np.float64)
                xbs.append(xb)
                j += width
            mg = sum(widths)
            u_rows = _ceil(mg, DOT_MAX) // DOT_MAX
            self.sel[0, row : row + u_rows] = 1.0
            self.sel[1 if sign > 0 else 2, row + u_rows : row + size] = 1.0
            pad[sign] += _ceil(mg, _TREE) - mg
            G = self.G[blk : blk + len(widths)]
            S, slog = self.S[row : row + size], self.S[n_rows + gi : n_rows + gi + 1]
            self.groups.append(_group(xbs, sign, G, S, slog, self.hcur, zeros))
            blk, row = blk + len(widths), row + size
        c[rows] = 2 * m1 - m  # sum of the label signs
        self.pad1, self.pad0 = float(pad[1]), float(pad[-1])
        if threads is None:
            big = (n + 1) * m * dt.itemsize >= THREADS_MIN_BYTES
            threads = 2 if big and _usable_cpus() >= 2 else 1
        # The groups of the second thread: the second half of the samples.
        self.threaded = len(shapes) - half if threads >= 2 and 0 < half < len(shapes) else 0
        self.rows, self.n, self.m, self.n_rows = rows, n, m, n_rows
        self.c = c.astype(dt)
        h = np.zeros(rows + 2)
        h[:n] = w_half
        h[rows], h[rows + 1] = b_half, -b_half
        self.h = h.astype(dt)
        self.prev = self.h.copy()
        self.g = np.empty(rows + 2, dtype=dt)
        self.neg_k = np.empty(len(self.G), dtype=dt)
        self.k = 0.0
        self.kc, self.c64 = np.empty(rows + 2, dtype=dt), c
        self.weights = np.full(DOT_MAX, -2.0 / m).astype(dt)
        # The row sums come scaled by the weight -2/m (as stored in dt); the T sums are scaled
        # back with its exact inverse, so that the padding ones count as exactly 1.
        self.sel[1:] /= float(self.weights[0])
        self.rows64 = np.empty(n_rows)
        self.r = np.empty(3)
        self._reversed = False  # the block order of the next iteration

    def set_step(self, k: float) -> None:
        self.k = k
        self.neg_k.fill(-k)
        with np.errstate(over="ignore", invalid="ignore"):
            self.kc[:] = k * self.c64

    def half_params(self) -> Arr:
        """``[w/2 (n) | b/2]``."""
        return np.concatenate([self.h[: self.n], self.h[self.rows : self.rows + 1]])

    def run(self, costs: F64, k: int) -> int:
        """As ``NeuronStepper.run``; a second thread, if any, lives for this call only."""
        if self.threaded == 0:
            return self._iterate(costs, k, self.groups, None)
        split = len(self.groups) - self.threaded
        partner = _Partner(self.groups[split:], self.hcur[: self.rows], self.weights)
        try:
            return self._iterate(costs, k, self.groups[:split], partner)
        finally:
            partner.close()

    def _iterate(self, costs: F64, k: int, own: list[Group], partner: _Partner | None) -> int:
        h, prev, g, G, S, m, c = self.h, self.prev, self.g, self.G, self.S, self.m, self.c
        hcur, rows, step, n_rows = self.hcur, self.rows, self.k, self.n_rows
        neg_k, kc, weights, sel, r = self.neg_k, self.kc, self.weights, self.sel, self.r
        dot, add, total, copyto = np.dot, np.add, np.add.reduce, np.copyto
        hf = hcur[:rows]
        orders = (own, reverse(own))
        row_sums, log_sums, rows64 = S[:n_rows], S[n_rows:], self.rows64
        pad1, pad0 = self.pad1, self.pad0
        try:
            for j in range(k):
                back = self._reversed
                copyto(hcur, h)
                if partner is not None:
                    partner.start(back)
                group_pass(orders[back], hf, weights)
                if partner is not None:
                    partner.wait()
                self._reversed = not back
                copyto(rows64, row_sums)
                dot(sel, rows64, r)  # [sum of u terms, of T | class 1, of T | class 0]
                s_log = float(total(log_sums, dtype=np.float64))
                # A mean of positive losses; rounding may dip below 0. 0 * sum(u): see
                # fast_neuron on infinite logits.
                cost = max(LOG2 + float(r[0]) - s_log / m, 0.0) + 0.0 * float(dot(h, c))
                if not math.isfinite(cost):
                    h, prev = prev, h  # h gave a non-finite cost; prev the last finite one
                    return j
                costs[j] = cost
                # Bias: sum over samples of sign * T = sum(T | class 1) - sum(T | class 0).
                t_sum = (float(r[1]) - pad1) - (float(r[2]) - pad0)
                dot(neg_k, G, g[:rows])  # -k Xt T, summed over blocks in a fixed order
                g[rows] = -step * t_sum
                add(g, kc, g)
                add(h, g, prev)
                prev[rows + 1] = -prev[rows]
                h, prev = prev, h
            return k
        finally:
            self.h, self.prev = h, prev


class _Partner:
    """A second thread that runs ``group_pass`` over its groups once per ``start``.

    ``start(reversed_order)`` lets it run one pass (with the parameters its groups read) and
    ``wait()`` waits for that pass to end; between the two the caller does its own groups. Two
    locks used as signals hand the turns over (cheaper than a ``threading.Barrier``).
    """

    def __init__(self, groups: list[Group], hf: Arr, weights: Arr) -> None:
        self._orders = (groups, reverse(groups))
        self._args = (hf, weights)
        self._go, self._done = threading.Lock(), threading.Lock()
        self._go.acquire()
        self._done.acquire()
        self._back = self._stop = self._busy = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="neuron-blocks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        with np.errstate(all="ignore"):
            np.setbufsize(UFUNC_BUFSIZE)
            while True:
                self._go.acquire()
                if self._stop:
                    return
                try:
                    group_pass(self._orders[self._back], *self._args)
                except BaseException as exc:  # handed to the caller in wait()
                    self._error = exc
                self._done.release()

    def start(self, reversed_order: bool) -> None:
        self._back, self._busy = reversed_order, True
        self._go.release()

    def wait(self) -> None:
        self._done.acquire()
        self._busy = False
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """End the thread, after the pass under way if there is one."""
        if self._busy:
            self._done.acquire()
        self._stop = True
        self._go.release()
        self._thread.join()


def _usable_cpus() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
