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

import numpy as np
from numpy.typing import NDArray

from neuron_core.numerics import mean_log_loss, sigmoid
from neuron_core.training.blocks import (
    DOT_MAX,
    TREE_LEVELS,
    UFUNC_BUFSIZE,
    Arr,
    Group,
    group_pass,
    make_group,
    plan_groups,
    reverse,
    signed_features,
    zeros_for,
)
from neuron_core.training.helper import HelperLost, HelperProcess, SharedLayout
from neuron_core.training.helper import available as helper_available

F64 = NDArray[np.float64]
LOG2 = math.log(2.0)
# Bytes of X per column block for a large X (NeuronStepper): a block stays in the CPU cache
# while the forward and the backward pass both read it, so X is read from memory once per
# iteration. An X up to this size is one block. Measured with benchmarks/bench_engine.py.
BLOCK_BYTES = 768 << 10


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
      ``2**TREE_LEVELS`` = 8 samples (each product is between 1 and 256, so it never
      overflows), which needs an eighth of the logs.

    Two layouts, chosen by the size of ``Xt`` against ``block_bytes``:

    * Small X (``_Chunked``, up to ``_CHUNKED_MAX_M`` samples): the Python loop of one
      iteration is three NumPy calls; the costs of a chunk of iterations are computed
      afterwards in one batch of calls.
    * Large X (``_Blocked``): the samples are taken class by class, so that a column block
      holds one class and its label sign is a constant: the blocks store only the signed
      features (no row of signs, a tenth less to read at 10 features) and the bias is one
      scalar per block. Each block stays in the CPU cache while the forward and the backward
      pass both read it, so X is read from memory once per iteration (see ``blocks``).

    ``threads`` (large X only): how many CPUs share the blocks, 1 or 2; ``None`` picks 2 when
    two CPUs are usable and X with its labels has at least ``_THREADS_MIN_BYTES`` in ``dtype``.
    ``helper``: what runs the second CPU's share, ``"process"`` (a helper process, see
    ``neuron_core.training.helper``; a thread where the platform has no anonymous shared memory,
    or if
    the process cannot start or is lost) or ``"thread"``. ``close()`` ends the helper process;
    so does garbage collection.

    Infinite logits: a logit ``u = +inf`` would add nothing to the cost (the limit of its
    loss), yet the model has overflowed, as the article's loop shows with a NaN cost; so the
    cost is NaN whenever ``sum(u) = h . c`` is not finite, and the run counts as diverged.

    Labels must be exactly 0 or 1. The costs and parameters do not depend on how the iterations
    are split into ``run`` calls nor on ``threads`` or ``helper``, and the same inputs give
    bit-identical results.
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
        helper: str = "process",
    ) -> None:
        if helper not in ("process", "thread"):
            raise ValueError(f"helper must be 'process' or 'thread', got {helper!r}")
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
                self._engine = _Blocked(
                    X, y, h0[:n], float(h0[n]), dt, block_bytes, threads, helper
                )
        self.set_lr(lr)

    @property
    def helper_pid(self) -> int | None:
        """The process id of the helper process while there is one, else None."""
        return self._engine.helper_pid if isinstance(self._engine, _Blocked) else None

    def close(self) -> None:
        """End the helper process now rather than at garbage collection. The stepper stays
        usable (a thread takes over the helper's share)."""
        if isinstance(self._engine, _Blocked):
            self._engine.close()

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
            np.setbufsize(UFUNC_BUFSIZE)
            return self._engine.run(costs, k)


# Rows of Xt are padded with zeros up to this many (see NeuronStepper).
_MIN_ROWS = 4
# _Chunked: bytes of one chunk's rows ``[u | T | h]``, and at most this many rows (iterations).
_CHUNK_BYTES = 4 << 20
_MAX_CHUNK = 256
# _Chunked sums a row of m + 1 + m/8 cost terms with one dot product: m up to this.
_CHUNKED_MAX_M = (DOT_MAX - 1) * 8 // 9
# _Blocked shares its blocks with a second CPU from these sizes of X and its labels on (in the
# run's dtype): with a helper process from 1 MiB (it halves the time per iteration from there,
# 1.8x at 2 x 100,000 float32, and its start, about 0.1 s, is paid back within a few thousand
# iterations); with a thread only from 16 MiB (below it, handing the GIL over between the two
# threads at every NumPy call costs more than the second core gives).
_PROCESS_MIN_BYTES = 1 << 20
_THREADS_MIN_BYTES = 16 << 20


def _signed_rows(X: NDArray[np.floating], t: F64, dt: np.dtype[np.floating], rows: int) -> Arr:
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
        group = 1 << TREE_LEVELS
        mp = -(-m // group) * group  # T padded with ones for the product tree
        self.m, self.mp, self.W = m, mp, mp >> TREE_LEVELS
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

    def half_params(self) -> Arr:
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
        for _ in range(TREE_LEVELS):  # pairwise products within each row
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


class _Blocked:
    """NeuronStepper for a large X: per iteration, each column block does its whole share.

    The samples are taken class by class (class 1 first), so that each column block holds one
    class: its label sign is then a constant of the block, the bias a scalar added per block,
    and a block stores only the (signed) features, ``rows`` of them (``blocks`` has the
    details). The forward product, the bias, ``tanh`` and the backward product of block b run
    while ``Xt_b`` is in the cache; the sums for the cost and the bias gradient follow for a few
    blocks at a time (``blocks.Group``). Blocks are small enough that OpenBLAS keeps each
    product on the calling thread, and every other iteration visits them in reverse order.

    With two CPUs the groups of the second half of the samples go to a helper: a process
    (``neuron_core.training.helper``) where the platform allows, else a thread
    (``_LockstepThread``),
    which shares the GIL and gains less. If the helper process is lost, its blocks (still in
    shared memory) are taken over by a thread from the iteration it failed in. Per-group sums
    are added in a fixed order, so neither the helper nor the block order changes a bit of the
    result. ``hcur`` = ``[hf | hb | -hb]`` holds the parameters of the pass under way (the
    groups read it; in shared memory with a helper process); the iteration itself keeps them
    double-buffered, so that a diverging step can be undone.
    """

    def __init__(
        self,
        X: NDArray[np.floating],
        y: F64,
        w_half: F64,
        b_half: float,
        dt: np.dtype[np.floating],
        block_bytes: int,
        threads: int | None,
        helper: str,
    ):
        n, m = X.shape
        # Feature rows, zero padded: OpenBLAS's kernels take 4 rows faster than 3 (per row), and
        # 2 rows faster than 4 (per sample); above 4, padding would add bytes to read.
        rows = 2 if n <= 2 else max(n, _MIN_ROWS)
        order = np.concatenate([np.flatnonzero(y == 1.0), np.flatnonzero(y == 0.0)])
        m1 = int(np.count_nonzero(y == 1.0))
        plan = plan_groups(m1, m - m1, rows, dt.itemsize, block_bytes)
        n_groups = len(plan.groups)
        size = (n + 1) * m * dt.itemsize
        use_process = helper == "process" and helper_available()
        # A thread that takes over a lost helper process's blocks only pays off on a large X.
        self._thread_pays = threads == 2 or size >= _THREADS_MIN_BYTES
        if threads is None:
            big = size >= (_PROCESS_MIN_BYTES if use_process else _THREADS_MIN_BYTES)
            threads = 2 if big and _usable_cpus() >= 2 else 1
        self.threads = max(1, min(threads, 2))
        if not 0 < plan.second_half < n_groups:  # too few samples to share
            self.threads = 1
        half = plan.second_half if self.threads == 2 else n_groups
        self._remote: HelperProcess | None = None
        if half < n_groups and use_process:
            shared = SharedLayout(dt.name, rows, (m1, m - m1), block_bytes, plan.group_blocks, half)
            try:
                self._remote = HelperProcess(shared)
            except OSError:  # no memory to share: a thread, where one pays off
                self._remote = None
                if not self._thread_pays:
                    self.threads, half = 1, n_groups
        if self._remote is not None:
            self.hcur, self.G, self.S = self._remote.h, self._remote.G, self._remote.S
        else:
            self.hcur = np.zeros(rows + 2, dtype=dt)
            self.G = np.zeros((plan.n_blocks, rows), dtype=dt)
            self.S = np.zeros(plan.n_sums, dtype=dt)
        self.plan, self.rows, self.n, self.m = plan, rows, n, m
        self.groups: list[Group] = []  # the groups this process runs
        zeros = zeros_for(plan, dt)
        c = np.zeros(rows + 2)  # Xt 1, for [hf | hb | -hb]
        j = 0
        for gi, gp in enumerate(plan.groups):
            remote = self._remote is not None and gi >= half
            xbs = []
            for k, width in enumerate(gp.widths):
                out = (
                    self._remote.blocks[gi - half][k]  # type: ignore[union-attr]
                    if remote
                    else np.empty((rows, width), dtype=dt)
                )
                signed_features(X[:, order[j : j + width]], gp.sign, out)
                c[:rows] += out.sum(axis=1, dtype=np.float64)
                xbs.append(out)
                j += width
            if not remote:
                self.groups.append(make_group(gp, xbs, self.G, self.S, self.hcur, rows, zeros))
        c[rows] = 2 * m1 - m  # sum of the label signs
        # Groups of a helper thread: the second half of self.groups (none with a process).
        self._threaded = 0 if self._remote is not None else n_groups - half
        if self._remote is not None:
            try:
                self._remote.launch()
            except HelperLost:
                self._adopt()
        self.c = c
        self.c_dt = c.astype(dt)
        h = np.zeros(rows + 2)
        h[:n] = w_half
        h[rows], h[rows + 1] = b_half, -b_half
        self.h = h.astype(dt)
        self.prev = self.h.copy()
        self.g = np.empty(rows + 2, dtype=dt)
        self.neg_k = np.empty(plan.n_blocks, dtype=dt)
        self.k = 0.0
        self.kc = np.empty(rows + 2, dtype=dt)
        self.weights = np.full(DOT_MAX, -2.0 / m).astype(dt)
        # The row sums come scaled by the weight -2/m (as stored in dt); the T sums are scaled
        # back with its exact inverse, so that the padding ones count as exactly 1.
        self.sel = plan.combine()
        self.sel[1:] /= float(self.weights[0])
        self.rows64 = np.empty(plan.n_rows)
        self.r = np.empty(3)
        self._reversed = False  # the block order of the next iteration
        self._progress = 0  # iterations done by the current _iterate call

    @property
    def helper_pid(self) -> int | None:
        """The helper process's id while there is one."""
        return None if self._remote is None else self._remote.pid

    def _adopt(self) -> None:
        """Take over the lost helper process's groups: from now on a thread runs them (or, for
        an X too small for a thread to pay off, this one)."""
        remote, self._remote = self._remote, None
        assert remote is not None
        remote.close()
        adopted = remote.layout.groups(self.hcur, self.G, self.S, remote.blocks)
        self.groups.extend(adopted)
        self._threaded = len(adopted) if self._thread_pays else 0

    def close(self) -> None:
        """End the helper process, if any; its groups then run here (see ``_adopt``)."""
        if self._remote is not None:
            self._adopt()

    def set_step(self, k: float) -> None:
        self.k = k
        self.neg_k.fill(-k)
        with np.errstate(over="ignore", invalid="ignore"):
            self.kc[:] = k * self.c

    def half_params(self) -> Arr:
        """``[w/2 (n) | b/2]``."""
        return np.concatenate([self.h[: self.n], self.h[self.rows : self.rows + 1]])

    def run(self, costs: F64, k: int) -> int:
        done = 0
        while True:
            try:
                return done + self._run(costs[done:], k - done)
            except HelperLost:
                done += self._progress
                self._adopt()

    def _run(self, costs: F64, k: int) -> int:
        if self._remote is not None:
            with self._remote.away():
                return self._iterate(costs, k, self.groups, self._remote)
        if self._threaded == 0:
            return self._iterate(costs, k, self.groups, None)
        split = len(self.groups) - self._threaded
        helper = _LockstepThread(self.groups[split:], self.hcur[: self.rows], self.weights)
        try:
            done = self._iterate(costs, k, self.groups[:split], helper)
        except BaseException:
            helper.close(abort=True)
            raise
        helper.close(abort=False)
        return done

    def _iterate(
        self, costs: F64, k: int, own: list[Group], helper: HelperProcess | _LockstepThread | None
    ) -> int:
        h, prev, g, G, S, m, c = self.h, self.prev, self.g, self.G, self.S, self.m, self.c_dt
        hcur, rows, plan, step = self.hcur, self.rows, self.plan, self.k
        neg_k, kc, weights, sel, r = self.neg_k, self.kc, self.weights, self.sel, self.r
        dot, add, total, copyto = np.dot, np.add, np.add.reduce, np.copyto
        hf = hcur[:rows]
        orders = (own, reverse(own))
        n_rows = plan.n_rows
        row_sums, log_sums, rows64 = S[:n_rows], S[n_rows:], self.rows64
        pad1, pad0 = float(plan.padding_ones(1)), float(plan.padding_ones(-1))
        try:
            for j in range(k):
                self._progress = j
                back = self._reversed
                copyto(hcur, h)
                if helper is None:
                    group_pass(orders[back], hf, weights)
                else:
                    helper.start(back)
                    group_pass(orders[back], hf, weights)
                    helper.wait()
                self._reversed = not back
                copyto(rows64, row_sums)
                dot(sel, rows64, r)  # [sum of u terms, of T | class 1, of T | class 0]
                s_u = float(r[0])
                s_log = float(total(log_sums, dtype=np.float64))
                # A mean of positive losses; rounding may dip below 0. 0 * sum(u): see
                # NeuronStepper.
                cost = max(LOG2 + s_u - s_log / m, 0.0) + 0.0 * float(dot(h, c))
                if not math.isfinite(cost):
                    # h gave a non-finite cost; prev gave the last finite one.
                    h, prev = prev, h
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


class _LockstepThread:
    """A second thread that runs ``group_pass`` over its own groups once per ``start``.

    ``start(reversed_order)`` releases it for one pass (with the parameters its groups read) and
    ``wait()`` waits for the pass to end; between the two the caller does its own groups.
    Lives for one ``_Blocked.run`` call.
    """

    def __init__(self, groups: list[Group], hf: Arr, weights: Arr) -> None:
        self._orders = (groups, reverse(groups))
        self._args = (hf, weights)
        self._running = True
        self._back = False
        self._go = threading.Barrier(2)
        self._done = threading.Barrier(2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="neuron-blocks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            with np.errstate(all="ignore"):
                np.setbufsize(UFUNC_BUFSIZE)
                while True:
                    self._go.wait()
                    if not self._running:
                        return
                    group_pass(self._orders[self._back], *self._args)
                    self._done.wait()
        except threading.BrokenBarrierError:
            return
        except BaseException as exc:  # handed to the caller in wait()/close()
            self._error = exc
            self._go.abort()
            self._done.abort()

    def start(self, reversed_order: bool) -> None:
        self._back = reversed_order
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
            self._running = False
            self._pass_barrier(self._go)
        self._thread.join()


def _usable_cpus() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
