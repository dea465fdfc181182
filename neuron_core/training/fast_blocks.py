"""The fast neuron's engine for a large X: column blocks, read from memory once per iteration.

A module of its own (used only by ``fast_neuron.NeuronStepper``): with its data layout and its
second thread it would take ``fast_neuron`` well over 300 lines.

Notation (see ``fast_neuron``): the samples are ordered by label, class 1 first, so that each
column block holds one class only, with label sign ``s = 2y - 1`` (+1 or -1). A block stores
``Xt_b = s X_b`` (rows, mb), zero rows up to ``rows``; with the halved parameters ``hf`` (rows,)
and ``hb``, ``u = hf . Xt_b + s hb`` is half the signed margin and ``T = tanh(u)``: the bias is one
scalar per block, not a row in memory.

Per iteration, a *group* of consecutive blocks of one class does its forward products, bias,
``tanh``, backward products (``Xt_b T_b``) and cost terms while its blocks are in the CPU's
cache, so X is read from memory once. Each block and group writes its own sums, added in a fixed
order. The plan (blocks, groups, and the middle sample where a second thread takes over) depends
only on the data: one thread and two give the same bits, whatever the number of CPUs. The two
threads take turns holding the GIL between NumPy calls, so a group makes few calls, each of which
lets the GIL go (``vecdot`` and a ``matmul`` of matrix-vector products keep it: not used here).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
Arr = NDArray[np.floating]
LOG2 = math.log(2.0)

# Levels of pairwise products before the log in the cost: products of 8 samples.
TREE_LEVELS = 3
_TREE = 1 << TREE_LEVELS
# Longest row summed with a BLAS dot product: OpenBLAS splits longer ones over threads.
DOT_MAX = 8192
# Column blocks per group (they share its calls), at most GROUP_SAMPLES samples unless one block
# has more (the group's row sums, 2 x GROUP_SAMPLES values, stay under the size from which OpenBLAS
# splits a matrix-vector product over threads, about 460,000), and the fewest columns in a block.
GROUP_BLOCKS = 6
GROUP_SAMPLES = 3 << 16
MIN_BLOCK_COLS = 256
# Ufunc buffer size while an iteration runs: with the default 8192-element buffer NumPy copies
# short strided rows through it; a small buffer lets it work in place.
UFUNC_BUFSIZE = 64
# Two threads share the groups from this size of X and its labels on (in the run's dtype), when
# two CPUs are usable: below it the data stays in the last-level cache and the second core gains
# little over the cost of passing the GIL to and fro (measured: 1.2x at 2.3 MiB, 1.6-1.7x from
# 7 MiB on; benchmarks/README.md).
THREADS_MIN_BYTES = 4 << 20


def _ceil(a: int, b: int) -> int:
    return -(-a // b) * b


def plan(m1: int, m0: int, cols: int) -> tuple[list[tuple[list[int], int]], int]:
    """Split ``m1`` samples of class 1, then ``m0`` of class 0, into groups of column blocks.

    Returns every group as ``(widths of its blocks, sign)`` and the index of the first group of
    the second half. A block holds ``cols`` samples at most and one class only; a group holds up
    to ``GROUP_BLOCKS`` consecutive blocks and ``GROUP_SAMPLES`` samples. No block or group
    crosses the middle sample: the groups before it hold half of the samples, one thread's share.
    """
    m, second, per = m1 + m0, 0, max(1, min(GROUP_BLOCKS, GROUP_SAMPLES // cols))
    groups: list[tuple[list[int], int]] = []
    for a, b in itertools.pairwise(sorted({0, m1, m // 2, m})):
        if a == m // 2:
            second = len(groups)
        cut = [min(cols, b - j) for j in range(a, b, cols)]
        groups += [(cut[i : i + per], 1 if a < m1 else -1) for i in range(0, len(cut), per)]
    return groups, second


class Group(NamedTuple):
    """A group's blocks, the views it computes with, and where its sums go.

    Its blocks of equal width are stacked into one array (k, rows, mb), so that one ``matmul``
    does all their forward products; a group has one stack, or two when its last block is
    narrower. The backward products take one ``dot`` per block. Scratch buffer:
    ``[u | zeros | T | ones | zeros]``: ``u`` zero padded to whole rows of ``DOT_MAX``; ``T``
    padded with ones to a multiple of 8 (the product tree), then zeros to whole rows.
    """

    stacks: list[tuple[Arr, Arr]]  # Xt (k, rows, mb) and its u (k, mb)
    blocks: list[tuple[Arr, Arr, Arr]]  # Xt_b (rows, mb), T_b (mb,), its row of G (rows,)
    bias: Arr  # 0-d view of the parameters: +hb for class 1, -hb for class 0
    u: Arr  # every u of the group
    T: Arr  # every tanh(u), then 1 + |T|
    u_all: Arr  # u and its zero padding, then min(u, 0)
    rows: Arr  # [u | T] with their padding, as rows of DOT_MAX
    zeros: Arr  # as long as u_all (a view of an array shared by the groups)
    tree: Arr  # 1 + |T| with its padding ones as (8, mp / 8)
    logs: Arr  # the products of tree's columns (8 samples each), then their logs
    sums: Arr  # -2/m times the sum of each of those rows: a slice of S
    slog: Arr  # sum(logs): a 0-d view into S


def _group(xts: list[Arr], sign: int, G: Arr, sums: Arr, slog: Arr, h: Arr, zeros: Arr) -> Group:
    """The ``Group`` over its stacks ``xts`` ((k, rows, mb) each) of one class; ``G``: its
    blocks' rows of ``Xt_b T_b``; ``sums``, ``slog``: its slices of ``S``; ``h`` (rows + 2,) =
    ``[hf | hb | -hb]``; ``zeros``: the shared array of zeros."""
    rows, dt, mg = h.shape[0] - 2, xts[0].dtype, sum(xt.shape[0] * xt.shape[2] for xt in xts)
    mp, mu = _ceil(mg, _TREE), _ceil(mg, DOT_MAX)
    scratch = np.zeros(mu + _ceil(mp, DOT_MAX), dtype=dt)
    scratch[mu + mg : mu + mp] = 1.0
    stacks, j = [], 0
    blocks: list[tuple[Arr, Arr, Arr]] = []
    for xt in xts:
        k, _, mb = xt.shape
        stacks.append((xt, scratch[j : j + k * mb].reshape(k, mb)))
        for xb in xt:
            blocks.append((xb, scratch[mu + j : mu + j + mb], G[len(blocks)]))
            j += mb
    b = rows if sign > 0 else rows + 1
    return Group(stacks, blocks, h[b : b + 1].reshape(()), scratch[:mg], scratch[mu : mu + mg],
                 scratch[:mu], scratch.reshape(-1, DOT_MAX), zeros[:mu],
                 scratch[mu : mu + mp].reshape(_TREE, -1), np.empty(mp // _TREE, dtype=dt), sums,
                 slog.reshape(()))  # fmt: skip


def reverse(groups: Sequence[Group]) -> list[Group]:
    """The same groups, last block first: every other iteration goes this way, so that the data
    read last, likeliest to be still in the last-level cache, is read first (no result changes)."""
    return [g._replace(stacks=g.stacks[::-1], blocks=g.blocks[::-1]) for g in reversed(groups)]


def group_pass(groups: Sequence[Group], hf: Arr, weights: Arr) -> None:
    """One iteration's work on each group for the parameters hf (rows,) (the bias comes from
    each group's ``bias``); ``weights``: -2/m repeated ``DOT_MAX`` times. Floating point errors
    are the caller's to ignore (non-finite values show in the sums)."""
    matmul, dot, add, product, total = np.matmul, np.dot, np.add, np.multiply.reduce, np.add.reduce
    for stacks, blocks, bias, u, T, u_all, rows, zeros, tree, logs, sums, slog in groups:
        for xt, ub in stacks:
            matmul(hf, xt, ub)  # u_b = hf . Xt_b, block by block: reads X from memory
        add(u, bias, u)
        np.tanh(u, T)
        for xb, Tb, g in blocks:
            dot(xb, Tb, g)  # Xt_b T_b, while Xt_b is in the cache
        np.minimum(u_all, zeros, out=u_all)  # |u| - u = -2 min(u, 0): exact, no cancellation
        # The u terms for the cost and the T terms for the bias gradient, before T is
        # overwritten, scaled by -2/m before they are summed (huge margins overflow no earlier
        # than in the small-X engine): one matrix-vector product on this thread.
        dot(rows, weights, sums)
        np.abs(T, T)
        add(T, 1.0, T)
        product(tree, axis=0, out=logs)  # each is 1 to 256: no overflow, an eighth of the logs
        np.log(logs, logs)
        total(logs, out=slog)


class Blocked:
    """The engine: X (n, m) with labels y (m,) of 0/1, starting from the half-parameters
    ``h0`` = ``[w/2 (n) | b/2]``, in ``dt``; blocks of about ``block_bytes``; ``threads``: 1 or
    2, or ``None`` for 2 when two CPUs are usable and X is at least ``THREADS_MIN_BYTES``.

    ``hcur`` = ``[hf | hb | -hb]``: the parameters the groups read; the iteration keeps them
    double-buffered in ``h``/``prev``, so that a diverging step can be undone. ``S``: the groups'
    row sums, group after group, then one log sum per group; ``sel`` (3, rows of S) picks the u
    sums, the T sums of class 1 and those of class 0.
    """

    def __init__(self, X: Arr, y: F64, h0: F64, dt: np.dtype[np.floating], block_bytes: int,
                 threads: int | None) -> None:  # fmt: skip
        n, m = X.shape
        # Feature rows, zero padded: OpenBLAS's kernels take 4 rows faster than 3 (per row), and
        # 2 rows faster than 4 (per sample); above 4, padding would add bytes to read.
        rows = 2 if n <= 2 else max(n, 4)
        order = np.concatenate([np.flatnonzero(y == 1.0), np.flatnonzero(y == 0.0)])
        m1 = int(np.count_nonzero(y == 1.0))
        shapes, half = plan(m1, m - m1, max(MIN_BLOCK_COLS, block_bytes // (rows * dt.itemsize)))
        u_rows = [_ceil(sum(w), DOT_MAX) // DOT_MAX for w, _ in shapes]
        sizes = [u + _ceil(_ceil(sum(w), _TREE), DOT_MAX) // DOT_MAX
                 for u, (w, _) in zip(u_rows, shapes, strict=True)]  # fmt: skip
        self.n_rows = n_rows = sum(sizes)
        self.hcur = np.zeros(rows + 2, dtype=dt)
        self.G = np.zeros((sum(len(w) for w, _ in shapes), rows), dtype=dt)
        self.S = np.zeros(n_rows + len(shapes), dtype=dt)
        # min(u, 0) reads an array of zeros: np.minimum has no vectorised loop for a scalar
        # operand (5x slower), and one shared array stays in the cache where one per group
        # would not. Written with fill, so that its pages are real memory.
        zeros = np.empty(max(u_rows) * DOT_MAX, dtype=dt)
        zeros.fill(0.0)
        c = np.zeros(rows + 2)  # Xt 1, for [hf | hb | -hb]; c[rows] is the sum of the signs
        c[rows] = 2 * m1 - m
        self.sel = np.zeros((3, n_rows))
        pad = {1: 0.0, -1: 0.0}  # padding ones in the T sums of each class
        self.groups: list[Group] = []
        j = blk = row = 0
        for gi, ((widths, sign), size) in enumerate(zip(shapes, sizes, strict=True)):
            xts = []  # blocks of one width stacked, the sign folded in: (k, rows, width)
            for width, same in itertools.groupby(widths):
                cols = order[j : j + len(list(same)) * width].reshape(-1, width)
                xt = np.zeros((cols.shape[0], rows, width), dtype=dt)
                signed = X[:, cols].transpose(1, 0, 2)
                np.multiply(signed, float(sign), out=xt[:, :n], casting="unsafe")
                c[:rows] += xt.sum(axis=(0, 2), dtype=np.float64)
                j += cols.size
                xts.append(xt)
            self.sel[0, row : row + u_rows[gi]] = 1.0
            self.sel[1 if sign > 0 else 2, row + u_rows[gi] : row + size] = 1.0
            pad[sign] += _ceil(sum(widths), _TREE) - sum(widths)
            G, S = self.G[blk : blk + len(widths)], self.S[row : row + size]
            slog = self.S[n_rows + gi : n_rows + gi + 1]
            self.groups.append(_group(xts, sign, G, S, slog, self.hcur, zeros))
            blk, row = blk + len(widths), row + size
        self.pad1, self.pad0 = pad[1], pad[-1]
        if threads is None:
            big = (n + 1) * m * dt.itemsize >= THREADS_MIN_BYTES
            threads = 2 if big and _usable_cpus() >= 2 else 1
        # The groups of the second thread: the second half of the samples.
        self.threaded = len(shapes) - half if threads >= 2 and 0 < half < len(shapes) else 0
        self.rows, self.n, self.m = rows, n, m
        self.c, self.c64, self.kc = c.astype(dt), c, np.empty(rows + 2, dtype=dt)
        h = np.zeros(rows + 2)
        h[:n], h[rows], h[rows + 1] = h0[:n], h0[n], -h0[n]
        self.h, self.g = h.astype(dt), np.empty(rows + 2, dtype=dt)
        self.prev = self.h.copy()
        self.neg_k, self.k = np.empty(len(self.G), dtype=dt), 0.0
        self.weights = np.full(DOT_MAX, -2.0 / m).astype(dt)
        # The row sums come scaled by the weight -2/m (as stored in dt); the T sums are scaled
        # back with its exact inverse, so that the padding ones count as exactly 1.
        self.sel[1:] /= float(self.weights[0])
        self.rows64, self.r = np.empty(n_rows), np.empty(3)
        self._reversed = False  # the group order of the next iteration

    def set_step(self, k: float) -> None:
        self.k = k  # lr / (4m): see fast_neuron
        self.neg_k.fill(-k)
        with np.errstate(over="ignore", invalid="ignore"):
            self.kc[:] = k * self.c64

    def half_params(self) -> Arr:
        """``[w/2 (n) | b/2]``."""
        return np.concatenate([self.h[: self.n], self.h[self.rows : self.rows + 1]])

    def run(self, costs: F64, k: int) -> int:
        """As ``NeuronStepper.run``; a second thread, if any, lives for this call only."""
        if self.threaded == 0:
            return self._iterate(costs, k, None)
        with ThreadPoolExecutor(1, "neuron-blocks", _quiet) as pool:
            return self._iterate(costs, k, pool)

    def _iterate(self, costs: F64, k: int, pool: ThreadPoolExecutor | None) -> int:
        h, prev, g, G, S, m, c = self.h, self.prev, self.g, self.G, self.S, self.m, self.c
        hcur, rows, step, n_rows = self.hcur, self.rows, self.k, self.n_rows
        neg_k, kc, weights, sel, r = self.neg_k, self.kc, self.weights, self.sel, self.r
        dot, add, total, copyto = np.dot, np.add, np.add.reduce, np.copyto
        hf = hcur[:rows]
        split = len(self.groups) - self.threaded
        own, theirs = self.groups[:split], self.groups[split:]
        orders, others = (own, reverse(own)), (theirs, reverse(theirs))
        row_sums, log_sums, rows64 = S[:n_rows], S[n_rows:], self.rows64
        try:
            for j in range(k):
                back = self._reversed
                copyto(hcur, h)
                done = pool.submit(group_pass, others[back], hf, weights) if pool else None
                group_pass(orders[back], hf, weights)
                if done is not None:
                    done.result()
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
                t_sum = (float(r[1]) - self.pad1) - (float(r[2]) - self.pad0)
                dot(neg_k, G, g[:rows])  # -k Xt T, summed over blocks in a fixed order
                g[rows] = -step * t_sum
                add(g, kc, g)
                add(h, g, prev)
                prev[rows + 1] = -prev[rows]
                h, prev = prev, h
            return k
        finally:
            self.h, self.prev = h, prev


def _quiet() -> None:
    """The second thread's NumPy settings, as ``NeuronStepper.run`` sets them for its own."""
    np.seterr(all="ignore")
    np.setbufsize(UFUNC_BUFSIZE)


def _usable_cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
