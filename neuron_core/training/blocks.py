"""Column blocks of the fast neuron's data, and one pass of an iteration over them.

Shared by ``neuron.NeuronStepper`` (its large-X engine, ``_Blocked``) and by the helper process
(``neuron_core.training.helper``) that takes half of the blocks: both sides build the same blocks
from
the same ``GroupPlan`` and run the same code over them, so the split does not change a bit of
the result.

Notation (see ``NeuronStepper``): the samples are ordered by label, class 1 first, so that each
block holds one class only, with label sign ``s = 2y - 1`` (+1 or -1). A block stores
``Xt_b = s X_b`` (rows, mb): the features with the sign folded in, zero rows up to ``rows``.
The parameters are halved: ``hf`` (rows,) for the features and ``hb`` for the bias, so
``u = hf . Xt_b + s hb`` is half the signed margin of each sample, and ``T = tanh(u)``. The
bias needs no row of its own in memory: per block it is one scalar, ``s hb``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
Arr = NDArray[np.floating]

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


def _ceil(a: int, b: int) -> int:
    return -(-a // b) * b


@dataclass(frozen=True)
class GroupPlan:
    """One group of consecutive column blocks, all of one class, and where its sums go.

    Every group writes into the sums array ``S`` (see ``Plan``): from ``sums`` on, the row sums
    of its ``-2/m min(u, 0)`` (``u_rows`` values) then of its ``-2/m T`` (``t_rows`` values);
    at ``slog``, the sum of its logs; and each block's ``Xt_b T_b`` to row ``first_block + i``
    of ``G``.
    """

    widths: tuple[int, ...]  # columns of each block
    sign: int  # +1 (class 1) or -1 (class 0)
    first_block: int
    sums: int
    slog: int

    @property
    def samples(self) -> int:
        return sum(self.widths)

    @property
    def u_rows(self) -> int:
        """Rows of ``DOT_MAX`` that ``u`` is summed in (zero padded)."""
        return _ceil(self.samples, DOT_MAX) // DOT_MAX

    @property
    def tree(self) -> int:
        """Samples the product tree covers: ``T`` padded with ones to a multiple of 8."""
        return _ceil(self.samples, _TREE)

    @property
    def t_rows(self) -> int:
        """Rows of ``DOT_MAX`` that ``T`` is summed in (ones to ``tree``, then zeros)."""
        return _ceil(self.tree, DOT_MAX) // DOT_MAX

    @property
    def padding_ones(self) -> int:
        """How many padding ones the sum of ``T`` includes (to subtract from it)."""
        return self.tree - self.samples


@dataclass(frozen=True)
class Plan:
    """Every group of an X, and the layout of the sums array ``S``.

    ``S`` is the groups' row sums one group after the other (``n_rows`` values), then one log
    sum per group.
    """

    group_blocks: int
    groups: tuple[GroupPlan, ...]
    n_blocks: int
    n_rows: int
    second_half: int  # the first group of the second half of the samples

    @property
    def n_sums(self) -> int:
        return self.n_rows + len(self.groups)

    def padding_ones(self, sign: int) -> int:
        """Padding ones in the T sums of the groups of one class."""
        return sum(g.padding_ones for g in self.groups if g.sign == sign)

    def combine(self) -> F64:
        """(3, n_rows) selectors of ``S[:n_rows]``: u sums, T sums of class 1, of class 0."""
        sel = np.zeros((3, self.n_rows))
        for g in self.groups:
            sel[0, g.sums : g.sums + g.u_rows] = 1.0
            t = g.sums + g.u_rows
            sel[1 if g.sign > 0 else 2, t : t + g.t_rows] = 1.0
        return sel


def plan_groups(
    m1: int, m0: int, rows: int, itemsize: int, block_bytes: int, group_blocks: int | None = None
) -> Plan:
    """Split ``m1`` samples of class 1, then ``m0`` of class 0, into groups of column blocks.

    A block holds about ``block_bytes`` of ``rows`` values of ``itemsize`` bytes per sample (at
    least ``MIN_BLOCK_COLS`` samples) and one class only; a group holds up to ``group_blocks``
    (default ``GROUP_BLOCKS``) consecutive blocks. No block or group crosses the middle sample
    either: the groups before it (``Plan.second_half`` of them) hold exactly half of the samples,
    so that two CPUs get equal shares. The plan is the same however many CPUs run it, and so
    are the results, to the bit.
    """
    per_group = GROUP_BLOCKS if group_blocks is None else group_blocks
    cols = max(MIN_BLOCK_COLS, block_bytes // (rows * itemsize))
    m = m1 + m0
    middle = m // 2
    cuts = sorted({0, m1, middle, m})
    shapes: list[tuple[tuple[int, ...], int]] = []  # (widths, sign) per group
    second_half = 0
    for a, b in itertools.pairwise(cuts):
        if a == middle:
            second_half = len(shapes)
        count, sign = b - a, (1 if a < m1 else -1)
        cut = [min(cols, count - j) for j in range(0, count, cols)]
        for i in range(0, len(cut), per_group):
            shapes.append((tuple(cut[i : i + per_group]), sign))
    groups = []
    block = row = 0
    for widths, sign in shapes:
        g = GroupPlan(widths, sign, block, row, 0)
        block += len(widths)
        row += g.u_rows + g.t_rows
        groups.append(g)
    groups = [
        GroupPlan(g.widths, g.sign, g.first_block, g.sums, row + i) for i, g in enumerate(groups)
    ]
    return Plan(
        group_blocks=per_group,
        groups=tuple(groups),
        n_blocks=block,
        n_rows=row,
        second_half=second_half,
    )


def signed_features(X: NDArray[np.floating], sign: int, out: Arr) -> Arr:
    """Write ``sign * X`` (n, mb) into out (rows, mb), rows n and up zero. Returns out."""
    n = X.shape[0]
    np.multiply(X, float(sign), out=out[:n], casting="unsafe")
    out[n:] = 0.0
    return out


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


def zeros_for(plan: Plan, dtype: np.dtype[np.floating]) -> Arr:
    """One array of zeros long enough for every group's ``u`` (``make_group``'s ``zeros``).

    ``np.minimum(u, 0.0)`` has no vectorised loop for a scalar operand (5x slower than with an
    array), so ``min(u, 0)`` reads an array of zeros; one shared array stays in the CPU cache
    where one per group would not (measured: a third of the cost terms' time).
    """
    longest = max((g.u_rows for g in plan.groups), default=1) * DOT_MAX
    zeros = np.empty(longest, dtype=dtype)
    zeros.fill(0.0)  # written, so that its pages are real memory, not the shared zero page
    return zeros


def make_group(
    plan: GroupPlan, xbs: Sequence[Arr], G: Arr, S: Arr, h: Arr, rows: int, zeros: Arr
) -> Group:
    """The ``Group`` of ``plan`` over its block arrays ``xbs`` ((rows, width) each).

    ``G`` (n_blocks, rows), ``S`` (n_sums,) and ``h`` (rows + 2,) = ``[hf | hb | -hb]`` are
    the caller's arrays (shared memory for a helper process); ``zeros`` from ``zeros_for``.
    """
    dt = xbs[0].dtype
    mg, mp = plan.samples, plan.tree
    mu, mt = plan.u_rows * DOT_MAX, plan.t_rows * DOT_MAX
    scratch = np.zeros(mu + mt, dtype=dt)
    scratch[mu + mg : mu + mp] = 1.0
    blocks = []
    j = 0
    for i, xb in enumerate(xbs):
        mb = xb.shape[1]
        blocks.append(
            (xb, scratch[j : j + mb], scratch[mu + j : mu + j + mb], G[plan.first_block + i])
        )
        j += mb
    halves = []
    w = mp
    for _ in range(TREE_LEVELS):
        w >>= 1
        halves.append((scratch[mu : mu + w], scratch[mu + w : mu + 2 * w]))
    b = rows if plan.sign > 0 else rows + 1
    return Group(
        blocks=blocks,
        bias=h[b : b + 1].reshape(()),
        u=scratch[:mu],
        T=scratch[mu : mu + mg],
        rows=scratch.reshape(-1, DOT_MAX),
        zeros=zeros[:mu],
        halves=halves,
        logs=scratch[mu : mu + (mp >> TREE_LEVELS)],
        sums=S[plan.sums : plan.sums + plan.u_rows + plan.t_rows],
        slog=S[plan.slog : plan.slog + 1].reshape(()),
    )


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
