"""The reference article's single sigmoid neuron, done properly.

Model: ``z = w^T x + b`` and ``A = sigmoid(z)`` for one sample ``x`` of ``n`` features; for a
batch ``X`` of shape (n, m) the logits are ``Z = w^T X + b`` of shape (1, m). Loss is the log loss,
cost its mean; zero init (``w = 0``, ``b = 0``) gives a first cost of exactly ln 2.

Gradients (the article's result, derived from ``dL/dZ = A - Y``)::

    dZ = A - Y                      (1, m)
    dw = (1/m) X dZ^T               (n, 1)
    db = (1/m) sum(dZ)              scalar

``SingleNeuron`` holds the parameters and the readable reference implementation; ``NeuronStepper``
is the same gradient descent rewritten for speed (see its docstring), used by the trainer.
"""

from __future__ import annotations

import math
import os
import threading
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .numerics import mean_log_loss, sigmoid

F64 = NDArray[np.float64]
LOG2 = math.log(2.0)
# Bytes of X per column block for a large X (NeuronStepper): a block stays in the CPU cache
# while the forward and the backward pass both read it, so X is read from memory once per
# iteration. An X up to this size is one block. Measured with benchmarks/bench_engine.py.
BLOCK_BYTES = 1 << 20


class SingleNeuron:
    """One sigmoid neuron: weights ``w`` (n, 1) and a scalar bias ``b``, both starting at zero."""

    def __init__(self, n_features: int) -> None:
        self.w: F64 = np.zeros((n_features, 1))
        self.b: float = 0.0

    @property
    def n_features(self) -> int:
        """Number of inputs ``n``."""
        return int(self.w.shape[0])

    def logits(self, X: NDArray[np.floating]) -> F64:
        """``Z = w^T X + b``: X (n, m) -> Z (1, m), computed in float64."""
        return np.asarray(np.dot(self.w.T, X) + self.b, dtype=np.float64)

    def predict_proba(self, X: NDArray[np.floating]) -> F64:
        """``A = sigmoid(Z)``: X (n, m) -> probabilities of class 1, shape (1, m)."""
        return sigmoid(self.logits(X))

    def predict(self, X: NDArray[np.floating]) -> F64:
        """Predicted class (0.0 or 1.0) for each column of X (n, m) -> (1, m); ``A > 0.5``."""
        return (self.logits(X) > 0.0).astype(np.float64)

    def cost(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> float:
        """Mean log loss ``J(w, b)`` over the m columns of X (n, m) with labels Y (1, m)."""
        return mean_log_loss(self.logits(X), Y)

    def gradients(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> tuple[F64, float]:
        """Reference gradients ``(dw (n, 1), db)``: ``dZ = A - Y``, ``dw = X dZ^T / m``."""
        m = X.shape[1]
        dZ = self.predict_proba(X) - Y
        return np.dot(X, dZ.T) / m, float(np.sum(dZ)) / m

    def get_params(self) -> list[F64]:
        """Copies of the parameters: ``[w (n, 1), b (1, 1)]``."""
        return [self.w.copy(), np.array([[self.b]])]

    def set_params(self, params: list[F64]) -> None:
        """Set ``[w (n, 1), b (1, 1)]`` (copied)."""
        w, b = params
        if w.shape != self.w.shape:
            raise ValueError(f"w must have shape {self.w.shape}, got {w.shape}")
        self.w = np.array(w, dtype=np.float64)
        self.b = float(np.asarray(b).reshape(-1)[0])


class NeuronStepper:
    """Full-batch gradient descent for ``SingleNeuron``, the article's loop made fast.

    Same math as ``SingleNeuron.gradients``, reorganised so that an iteration costs one ``tanh``
    per sample, two small matrix-vector products and almost no other NumPy calls:

    * The bias is a weight on a constant feature 1, and the label sign ``t = 2y - 1`` (+-1) is
      folded into the data once: ``Xt[:, i] = t_i * [x_i; 1]`` (rows, m), padded with zero rows
      to at least 4 rows (BLAS kernels handle 4 rows faster than 2 or 3).
    * The parameters are stored halved, ``h = [w; b] / 2``, so one product gives
      ``u = h . Xt = z*t/2``, half the signed margin, and ``T = tanh(u)``.
    * Gradient: ``A - Y = t (sigmoid(2u) - 1) = t (T - 1) / 2``, so
      ``d[w;b] = (1/m) [X;1] (A-Y)^T = (Xt T - c) / (2m)`` with the constant ``c = Xt 1``; the
      update of ``h`` is ``h <- h - k Xt T + k c`` with ``k = lr / (4m)``.
    * Cost: ``loss_i = softplus(-2u_i) = log 2 - log(1 + |T_i|) - 2 min(u_i, 0)``, exact and
      stable: ``|T| < 1``, nothing overflows for finite ``u``, and the ``min(u, 0)`` terms are
      summed on their own, so a large margin does not cancel against anything. The sum of
      ``log(1 + |T|)`` is taken as the logs of products of ``1 + |T|`` over groups of
      ``2**_TREE_LEVELS`` = 8 samples (each product is between 1 and 256, so it never
      overflows), which needs an eighth of the logs.

    Two layouts, chosen by the size of ``Xt`` against ``block_bytes``:

    * Small X (``_Chunked``, up to ``_CHUNKED_MAX_M`` samples): the Python loop of one
      iteration is three NumPy calls; the costs of a chunk of iterations are computed
      afterwards in one batch of calls.
    * Large X (``_Blocked``): X is split in column blocks that stay in the CPU cache while the
      forward and the backward pass both read them, so X is read from memory once per
      iteration.

    ``threads`` (large X only): how many threads share the blocks, 1 or 2; ``None`` picks 2 when
    two CPUs are usable and ``Xt`` has at least ``_THREADS_MIN_BYTES``.

    Infinite logits: a logit ``u = +inf`` would add nothing to the cost (the limit of its
    loss), yet the model has overflowed, as the article's loop shows with a NaN cost; so the
    cost is NaN whenever ``sum(u) = h . c`` is not finite, and the run counts as diverged.

    Labels must be exactly 0 or 1. The costs and parameters do not depend on how the iterations
    are split into ``run`` calls nor on ``threads``, and the same inputs give bit-identical
    results.
    """

    def __init__(
        self,
        X: NDArray[np.floating],
        Y: NDArray[np.floating],
        w: F64,
        b: float,
        lr: float,
        dtype: str = "float64",
        block_bytes: int = BLOCK_BYTES,
        *,
        threads: int | None = None,
    ) -> None:
        n, m = X.shape
        y = np.asarray(Y, dtype=np.float64).reshape(-1)
        if y.shape[0] != m:
            raise ValueError(f"Y must have {m} labels, got {y.shape[0]}")
        if not np.all((y == 0.0) | (y == 1.0)):
            raise ValueError("labels must be 0 or 1")
        dt = np.dtype(dtype)
        self.dtype = dt
        self.m = m
        self.n = n
        rows = max(n + 1, _MIN_ROWS)
        h0 = np.zeros(rows)
        h0[:n] = 0.5 * np.asarray(w, dtype=np.float64).reshape(-1)
        h0[n] = 0.5 * b
        t = 2.0 * y - 1.0
        self._engine: _Chunked | _Blocked
        # Huge inputs may overflow in the target dtype; that shows up as a non-finite cost.
        with np.errstate(over="ignore", invalid="ignore"):
            if rows * m * dt.itemsize <= block_bytes and m <= _CHUNKED_MAX_M:
                self._engine = _Chunked(X, t, h0, dt)
            else:
                self._engine = _Blocked(X, t, h0, dt, block_bytes, threads)
        self.set_lr(lr)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate for the following iterations."""
        self.lr = float(lr)
        with np.errstate(over="ignore", invalid="ignore"):
            self._engine.set_step(self.lr / (4.0 * self.m))

    def params(self) -> tuple[F64, float]:
        """Current ``(w (n, 1), b)`` in float64."""
        with np.errstate(over="ignore"):
            full = 2.0 * self._engine.half_params().astype(np.float64)
        return full[: self.n].reshape(self.n, 1), float(full[self.n])

    def run(self, costs: F64, k: int) -> int:
        """Run up to ``k`` iterations; iteration j's cost (before its update) goes to ``costs[j]``.

        Returns how many iterations ran. Fewer than ``k`` means the next cost was not finite: the
        parameters are then rolled back to the last ones that gave a finite cost.
        """
        if k <= 0:
            return 0
        with np.errstate(all="ignore"):  # non-finite values are detected and handled
            # Row-wise operations on 2-D views: with the default 8192-element ufunc buffer NumPy
            # copies short strided rows through it; a small buffer lets it work in place (the
            # setting is scoped to this errstate block).
            np.setbufsize(_UFUNC_BUFSIZE)
            return self._engine.run(costs, k)


# Rows of Xt are padded with zeros up to this many (see NeuronStepper).
_MIN_ROWS = 4
# Levels of pairwise products before the log in the cost: products of 8 samples.
_TREE_LEVELS = 3
# _Chunked: bytes of one chunk's rows ``[u | T | h]``, and at most this many rows (iterations).
_CHUNK_BYTES = 4 << 20
_MAX_CHUNK = 256
# Ufunc buffer size inside ``NeuronStepper.run`` (see there).
_UFUNC_BUFSIZE = 64
# Longest row summed with a BLAS dot product: OpenBLAS splits longer ones over threads, which
# costs far more than it gains at these sizes.
_DOT_MAX = 8192
# _Chunked sums a row of m + 1 + m/8 cost terms with one dot product: m up to this.
_CHUNKED_MAX_M = (_DOT_MAX - 1) * 8 // 9
# _Blocked: column blocks per group (the cost terms are computed once per group), and the
# fewest columns in a block (a wide X would otherwise make blocks of a handful of columns).
_GROUP_BLOCKS = 4
_MIN_BLOCK_COLS = 256
# _Blocked uses a second thread from this size of Xt on: below it, handing the GIL over
# between the threads at every NumPy call costs more than the second core gives.
_THREADS_MIN_BYTES = 16 << 20

_Arr = NDArray[np.floating]


def _signed_rows(X: NDArray[np.floating], t: F64, dt: np.dtype[np.floating], rows: int) -> _Arr:
    """``Xt`` for the columns of X (n, mb) with label signs t (mb,): (rows, mb) in ``dt``."""
    n, mb = X.shape
    xb = np.zeros((rows, mb), dtype=dt)
    xb[:n] = X * t
    xb[n] = t
    return xb


class _Chunked:
    """NeuronStepper for an X that fits in the cache: a chunk of iterations, then their costs.

    Row j of ``V`` holds iteration j of the chunk:
    ``[u (m) | sum(u) | T (m) | ones (mp - m) | 1 | h_j (rows)]``. The loop is three calls:
    ``[u, sum(u)] = h_j . [Xt | c]``, ``T = tanh(u)``, and the next parameters straight into
    row j+1 as ``M . [T; ones; 1; h_j]`` with ``M = [-k Xt | 0 | k c | I]``. The chunk's costs
    are then computed together, in place over ``u`` and ``T`` (``_costs``).
    """

    def __init__(self, X: NDArray[np.floating], t: F64, h0: F64, dt: np.dtype[np.floating]):
        m = X.shape[1]
        rows = h0.shape[0]
        group = 1 << _TREE_LEVELS
        mp = -(-m // group) * group  # T padded with ones for the product tree
        self.m, self.mp, self.W = m, mp, mp >> _TREE_LEVELS
        xb = _signed_rows(X, t, dt, rows)
        self.c = xb.sum(axis=1, dtype=np.float64)  # Xt 1, (rows,)
        self.xf = np.empty((rows, m + 1), dtype=dt)  # [Xt | c]
        self.xf[:, :m] = xb
        self.xf[:, m] = self.c
        self.M = np.zeros((rows, mp + 1 + rows), dtype=dt)
        self.M[:, mp + 1 :] = np.eye(rows)
        width = m + 1 + mp + 1 + rows
        self.hs = slice(m + 1 + mp + 1, width)
        kb = max(1, min(_MAX_CHUNK, _CHUNK_BYTES // (width * dt.itemsize)))
        self.kb = kb
        self.V = np.ones((kb + 1, width), dtype=dt)
        self.V[0, self.hs] = h0
        self.prev = self.V[0, self.hs].copy()  # parameters of the last finite cost
        V = self.V
        self.steps = [
            (V[j, self.hs], V[j, : m + 1], V[j, :m], V[j, m + 1 : 2 * m + 1], V[j, m + 1 :],
             V[j + 1, self.hs])
            for j in range(kb)
        ]  # fmt: skip
        self.zeros = np.zeros(m, dtype=dt)
        # Per row, the cost is log 2 - 2/m sum(min(u, 0)) - 1/m sum(logs): one dot product,
        # which also multiplies sum(u) by 0 (see NeuronStepper on infinite logits).
        weights = np.concatenate([np.full(m, -2.0 / m), [0.0], np.full(self.W, -1.0 / m)])
        self.weights = weights.astype(dt)
        self.S = np.empty(kb, dtype=dt)
        self.cf = np.empty(kb, dtype=np.float64)

    def set_step(self, k: float) -> None:
        m = self.m
        self.M[:, :m] = -k * self.xf[:, :m].astype(np.float64)
        self.M[:, self.mp] = k * self.c

    def half_params(self) -> _Arr:
        return self.V[0, self.hs]

    def _costs(self, kc: int) -> F64:
        """Costs of the first ``kc`` rows of ``V`` (overwriting their u and T): (kc,) float64."""
        m, t0, W = self.m, self.m + 1, self.W
        V = self.V[:kc]
        u = V[:, :m]
        np.minimum(u, self.zeros, out=u)  # |u| - u = -2 min(u, 0): exact, no cancellation
        t = V[:, t0 : t0 + m]
        np.abs(t, t)
        np.add(t, 1.0, t)
        w = self.mp
        for _ in range(_TREE_LEVELS):  # pairwise products within each row
            w >>= 1
            lo = V[:, t0 : t0 + w]
            np.multiply(lo, V[:, t0 + w : t0 + 2 * w], lo)
        logs = V[:, t0 : t0 + W]
        np.log(logs, logs)
        # vecdot reduces each row on its own (a matrix product's rounding would depend on kc).
        s, cf = self.S[:kc], self.cf[:kc]
        np.vecdot(V[:, : t0 + W], self.weights, out=s)
        np.add(s, LOG2, out=cf, dtype=np.float64)
        np.maximum(cf, 0.0, out=cf)  # a mean of positive losses; rounding may dip below 0
        return cf

    def run(self, costs: F64, k: int) -> int:
        dot, tanh = np.dot, np.tanh
        xf, M, V, hs, kb = self.xf, self.M, self.V, self.hs, self.kb
        done = 0
        while done < k:
            kc = min(kb, k - done)
            for h, fwd, u, T, bwd, h_next in self.steps[:kc]:
                dot(h, xf, fwd)
                tanh(u, T)
                dot(M, bwd, h_next)
            cf = self._costs(kc)
            if not math.isfinite(float(np.add.reduce(cf))):
                bad = np.flatnonzero(~np.isfinite(cf))
                if bad.size:
                    j = int(bad[0])
                    costs[done : done + j] = cf[:j]
                    if j > 0:
                        self.prev[:] = V[j - 1, hs]
                    V[0, hs] = self.prev
                    return done + j
            costs[done : done + kc] = cf
            self.prev[:] = V[kc - 1, hs]
            V[0, hs] = V[kc, hs]
            done += kc
        return done


class _Group(NamedTuple):
    """Consecutive column blocks of ``_Blocked`` and one scratch buffer for their cost terms.

    The scratch buffer is ``[u_1 .. u_G | zeros | T_1 .. T_G | ones]``, the zeros up to a
    multiple of ``_DOT_MAX`` samples, the ones up to a multiple of 8: each block's ``u`` and
    ``T`` are slices of it, and the group's cost terms are computed with one call per
    operation over all of its samples.
    """

    blocks: list[tuple[_Arr, _Arr, _Arr, _Arr]]  # (Xt_b (rows, mb), u_b, T_b, Xt_b T_b)
    u: _Arr  # every u of the group and the zero padding, then min(u, 0)
    u_rows: _Arr  # the same, as rows of _DOT_MAX
    T: _Arr  # every tanh(u), then 1 + |T|
    zeros: _Arr  # as long as u
    halves: list[tuple[_Arr, _Arr]]  # pairs multiplied in place, level by level
    logs: _Arr  # products of 1 + |T| over groups of 8 samples, then their logs
    row_sums: _Arr  # -2/m sum(min(u, 0)) per row of u_rows
    s_u: _Arr  # -2/m sum(min(u, 0)), a 0-d view into _Blocked.S
    s_log: _Arr  # sum(logs), a 0-d view into _Blocked.S


class _Blocked:
    """NeuronStepper for a large X: per iteration, each column block does its whole share.

    The forward product, ``tanh`` and the backward product of block b run while ``Xt_b`` is in
    the cache; the cost terms follow for a few blocks at a time (``_Group``). Blocks are small
    enough that OpenBLAS keeps each product on the calling thread. For a very large X, a second
    thread takes half of the groups: NumPy releases the GIL inside BLAS and ufunc loops, but the
    two threads still hand the GIL over at every NumPy call, which only pays off when there is
    a lot to do per iteration. Per-group results are summed in a fixed order, so the thread
    count does not change a bit of the result. Parameters are double-buffered so that a
    diverging step can be undone.
    """

    def __init__(
        self,
        X: NDArray[np.floating],
        t: F64,
        h0: F64,
        dt: np.dtype[np.floating],
        block_bytes: int,
        threads: int | None,
    ):
        m = X.shape[1]
        rows = h0.shape[0]
        cols = max(_MIN_BLOCK_COLS, block_bytes // (rows * dt.itemsize))
        starts = list(range(0, m, cols))
        n_blocks = len(starts)
        firsts = starts[::_GROUP_BLOCKS]
        self.G = np.empty((n_blocks, rows), dtype=dt)  # per-block Xt_b T_b
        self.S = np.empty((2, len(firsts)), dtype=dt)  # per group: s_u, s_log (see _Group)
        self.weights = np.full(_DOT_MAX, -2.0 / m).astype(dt)
        self.groups: list[_Group] = []
        c = np.zeros(rows)
        for i, g0 in enumerate(firsts):
            g1 = min(m, g0 + _GROUP_BLOCKS * cols)
            mg = g1 - g0
            mu = -(-mg // _DOT_MAX) * _DOT_MAX  # u padded with zeros to whole rows
            mp = -(-mg // (1 << _TREE_LEVELS)) << _TREE_LEVELS  # T padded with ones
            W = mp >> _TREE_LEVELS
            scratch = np.ones(mu + mp, dtype=dt)
            scratch[:mu] = 0.0
            blocks = []
            for j0 in range(g0, g1, cols):
                j1 = min(g1, j0 + cols)
                xb = _signed_rows(X[:, j0:j1], t[j0:j1], dt, rows)
                c += xb.sum(axis=1, dtype=np.float64)
                u = scratch[j0 - g0 : j1 - g0]
                T = scratch[mu + j0 - g0 : mu + j1 - g0]
                blocks.append((xb, u, T, self.G[j0 // cols]))
            halves = []
            w = mp
            for _ in range(_TREE_LEVELS):
                w >>= 1
                halves.append((scratch[mu : mu + w], scratch[mu + w : mu + 2 * w]))
            group = _Group(
                blocks=blocks,
                u=scratch[:mu],
                u_rows=scratch[:mu].reshape(-1, _DOT_MAX),
                T=scratch[mu : mu + mg],
                zeros=np.zeros(mu, dtype=dt),
                halves=halves,
                logs=scratch[mu : mu + W],
                row_sums=np.empty(mu // _DOT_MAX, dtype=dt),
                s_u=self.S[0, i : i + 1].reshape(()),
                s_log=self.S[1, i : i + 1].reshape(()),
            )
            self.groups.append(group)
        self.c = c  # Xt 1 (rows,)
        self.c_dt = c.astype(dt)
        self.m = m
        self.h = h0.astype(dt)
        self.prev = self.h.copy()
        self.g = np.empty(rows, dtype=dt)
        self.neg_k = np.empty(n_blocks, dtype=dt)
        self.kc = np.empty(rows, dtype=dt)
        if threads is None:
            big = rows * m * dt.itemsize >= _THREADS_MIN_BYTES
            threads = 2 if big and _usable_cpus() >= 2 else 1
        self.threads = max(1, min(threads, 2, len(self.groups)))

    def set_step(self, k: float) -> None:
        self.neg_k.fill(-k)
        self.kc[:] = k * self.c

    def half_params(self) -> _Arr:
        return self.h

    def run(self, costs: F64, k: int) -> int:
        if self.threads == 1:
            return self._iterate(costs, k, None)
        half = (len(self.groups) + 1) // 2
        helper = _LockstepThread(self.groups[half:], self.weights)
        try:
            done = self._iterate(costs, k, helper)
        except BaseException:
            helper.close(abort=True)
            raise
        helper.close(abort=False)
        return done

    def _iterate(self, costs: F64, k: int, helper: _LockstepThread | None) -> int:
        h, prev, g, G, S, m, c = self.h, self.prev, self.g, self.G, self.S, self.m, self.c_dt
        own = self.groups if helper is None else self.groups[: len(self.groups) - helper.size]
        neg_k, kc, dot, add = self.neg_k, self.kc, np.dot, np.add
        for j in range(k):
            if helper is None:
                _group_pass(own, h, self.weights)
            else:
                helper.start(h)
                _group_pass(own, h, self.weights)
                helper.wait()
            s_u, s_log = np.add.reduce(S, axis=1, dtype=np.float64).tolist()
            # A mean of positive losses; rounding may dip below 0. 0 * sum(u): see NeuronStepper.
            cost = max(LOG2 + s_u - s_log / m, 0.0) + 0.0 * float(dot(h, c))
            if not math.isfinite(cost):
                # h gave a non-finite cost; prev gave the last finite one.
                self.h, self.prev = prev, h
                return j
            costs[j] = cost
            dot(neg_k, G, g)  # -k Xt T, summed over blocks in a fixed order
            add(g, kc, g)
            add(h, g, prev)
            h, prev = prev, h
        self.h, self.prev = h, prev
        return k


def _group_pass(groups: list[_Group], h: _Arr, weights: _Arr) -> None:
    """Forward, ``tanh`` and backward of each block, then each group's cost terms, for h.

    ``weights`` is -2/m repeated ``_DOT_MAX`` times.
    """
    dot, tanh, minimum, absolute, add, mul, log, vecdot, total = (
        np.dot, np.tanh, np.minimum, np.abs, np.add, np.multiply, np.log, np.vecdot, np.add.reduce
    )  # fmt: skip
    for blocks, u_all, u_rows, T_all, zeros, halves, logs, row_sums, s_u, s_log in groups:
        for xb, u, T, g in blocks:
            dot(h, xb, u)
            tanh(u, T)
            dot(xb, T, g)
        minimum(u_all, zeros, out=u_all)
        absolute(T_all, T_all)
        add(T_all, 1.0, T_all)
        for lo, hi in halves:
            mul(lo, hi, lo)
        log(logs, logs)
        # Scaled by -2/m before it is summed, so that huge margins overflow no earlier than in
        # _Chunked; rows of _DOT_MAX keep OpenBLAS from splitting the dot products over threads.
        vecdot(u_rows, weights, out=row_sums)
        total(row_sums, out=s_u)
        total(logs, out=s_log)


class _LockstepThread:
    """A second thread that runs ``_group_pass`` over its own groups once per ``start``.

    ``start(h)`` releases it for one pass with parameters h and ``wait()`` waits for the pass to
    end; between the two the caller does its own groups. Lives for one ``_Blocked.run`` call.
    """

    def __init__(self, groups: list[_Group], weights: _Arr) -> None:
        self.size = len(groups)
        self._groups = groups
        self._weights = weights
        self._h: _Arr | None = None
        self._go = threading.Barrier(2)
        self._done = threading.Barrier(2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="neuron-blocks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            with np.errstate(all="ignore"):
                np.setbufsize(_UFUNC_BUFSIZE)
                while True:
                    self._go.wait()
                    if self._h is None:
                        return
                    _group_pass(self._groups, self._h, self._weights)
                    self._done.wait()
        except threading.BrokenBarrierError:
            return
        except BaseException as exc:  # handed to the caller in wait()/close()
            self._error = exc
            self._go.abort()
            self._done.abort()

    def start(self, h: _Arr) -> None:
        self._h = h
        self._pass_barrier(self._go)

    def wait(self) -> None:
        self._pass_barrier(self._done)

    def _pass_barrier(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            if self._error is not None:
                raise self._error from None
            raise

    def close(self, abort: bool) -> None:
        """End the thread: after a completed pass, or at once (``abort``) after an error."""
        if abort:
            self._go.abort()
            self._done.abort()
        else:
            self._h = None
            self._pass_barrier(self._go)
        self._thread.join()


def _usable_cpus() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
