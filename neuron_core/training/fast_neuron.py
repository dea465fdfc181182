"""The fast special case: full-batch gradient descent of a network with no hidden layer.

A ``Network`` without hidden layers is the article's neuron: ``W1`` (1, n) is ``w^T`` and ``b1``
(1, 1) the bias. When it is trained as in the article (classification, plain gradient descent,
full batch, no regularisation; any initial weights), ``NeuronStepper`` does the same iterations
as ``network_stepper.NetworkStepper``, reorganised so that one costs one ``tanh`` per sample, two
small matrix-vector products and almost no other NumPy calls:

* The bias is a weight on a constant feature 1, and the label sign ``t = 2y - 1`` (+-1) is
  folded into the data once: ``Xt[:, i] = t_i * [x_i; 1]`` (rows, m), padded with zero rows to
  at least 4 rows (BLAS kernels handle 4 rows faster than 2 or 3).
* The parameters are stored halved, ``h = [W1^T; b1] / 2``, so one product gives
  ``u = h . Xt = z*t/2``, half the signed margin, and ``T = tanh(u)``.
* Gradient: ``A - Y = t (sigmoid(2u) - 1) = t (T - 1) / 2``, so
  ``d[w;b] = (1/m) [X;1] (A-Y)^T = (Xt T - c) / (2m)`` with the constant ``c = Xt 1``; the update
  of ``h`` is ``h <- h - k Xt T + k c`` with ``k = lr / (4m)``.
* Cost: ``loss_i = softplus(-2u_i) = log 2 - log(1 + |T_i|) - 2 min(u_i, 0)``, exact and stable:
  ``|T| < 1``, nothing overflows for finite ``u``, and the ``min(u, 0)`` terms are summed on
  their own, so a large margin does not cancel against anything. The sum of ``log(1 + |T|)`` is
  taken as the logs of products of ``1 + |T|`` over groups of ``2**TREE_LEVELS`` = 8 samples
  (each product is between 1 and 256, so it never overflows), which needs an eighth of the logs.
* Infinite logits: a logit ``u = +inf`` would add nothing to the cost (the limit of its loss),
  yet the model has overflowed, as the article's loop shows with a NaN cost; so the cost is NaN
  whenever ``sum(u) = h . c`` is not finite, and the run counts as diverged.

Two engines, chosen by the size of ``Xt``: ``_Chunked`` (here) for an X that fits in the CPU
cache, and ``fast_blocks.Blocked`` for a larger one, which reads X from memory once per
iteration, on one or two threads. On the article's run the costs equal the general loop's to
1e-12 (float64); the costs and parameters do not depend on the engine's threads, on how the
iterations are split into ``run`` calls, or on the machine's CPU count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.network import Network
from neuron_core.training.fast_blocks import (
    DOT_MAX,
    TREE_LEVELS,
    UFUNC_BUFSIZE,
    Arr,
    Blocked,
)
from neuron_core.training.lr_schedule import segments
from neuron_core.training.optim import GradientDescent

F64 = NDArray[np.float64]
LOG2 = math.log(2.0)
# Bytes of X per column block for a large X (``fast_blocks``); an X up to this size (and of at
# most _CHUNKED_MAX_M samples) runs in ``_Chunked``. A block's products stay under the size from
# which OpenBLAS splits a matrix-vector product over threads (about 460,000 values), and larger
# blocks mean fewer calls per iteration. Measured with benchmarks/bench_engine.py.
BLOCK_BYTES = 1536 << 10
# Rows of Xt are padded with zeros up to this many (see the module docstring).
_MIN_ROWS = 4
# _Chunked: bytes of one chunk's rows ``[u | T | h]``, and at most this many rows (iterations).
_CHUNK_BYTES = 4 << 20
_MAX_CHUNK = 256
# _Chunked sums a row of m + 1 + m/8 cost terms with one dot product: m up to this.
_CHUNKED_MAX_M = (DOT_MAX - 1) * 8 // 9


class NeuronStepper:
    """The ``Stepper`` for a network with no hidden layer trained as in the article.

    ``model``: the ``Network`` whose ``[W1 (1, n), b1 (1, 1)]`` it starts from and writes back
    (``sync``); X (n, m) and Y (1, m) with labels exactly 0 or 1; ``cfg`` must satisfy
    ``fits``. ``block_bytes``: the size of a column block of a large X (tests make it small to
    get many blocks); ``threads``: 1 or 2 threads for a large X, ``None`` lets ``fast_blocks``
    choose. Plain gradient descent remembers nothing but its step count, so ``state`` is the
    general loop's ``{"opt_t"}`` and a run moves between the two loops without a trace.
    """

    def __init__(
        self,
        model: Network,
        X: NDArray[np.floating],
        Y: NDArray[np.floating],
        cfg: TrainConfig,
        *,
        block_bytes: int = BLOCK_BYTES,
        threads: int | None = None,
    ) -> None:
        if not self.fits(model, cfg):
            raise ValueError("the fast stepper trains one neuron with full-batch plain GD only")
        n, m = X.shape
        if n != model.n_inputs:
            raise ValueError(f"X must have {model.n_inputs} rows (features), got {n}")
        y = np.asarray(Y, dtype=np.float64).reshape(-1)
        if y.shape[0] != m or m == 0:
            raise ValueError(f"Y must have {m} labels, got {y.shape[0]}")
        if not np.all((y == 0.0) | (y == 1.0)):
            raise ValueError("labels must be 0 or 1")
        self.model, self.cfg, self.m, self.n = model, cfg, m, n
        self._opt = GradientDescent([], cfg.lr)  # the step count, as the general loop keeps it
        dt = np.dtype(cfg.dtype)
        rows = max(n + 1, _MIN_ROWS)
        h0 = np.zeros(rows)
        h0[:n] = 0.5 * model.weights[0].reshape(-1)
        h0[n] = 0.5 * float(model.biases[0][0, 0])
        self._engine: _Chunked | Blocked
        # Huge inputs may overflow in the target dtype; that shows up as a non-finite cost.
        with np.errstate(over="ignore", invalid="ignore"):
            if rows * m * dt.itemsize <= block_bytes and m <= _CHUNKED_MAX_M:
                self._engine = _Chunked(X, 2.0 * y - 1.0, h0, dt)
            else:
                self._engine = Blocked(X, y, h0, dt, block_bytes, threads)
        self._set_lr(cfg.lr)

    @staticmethod
    def fits(model: Network, cfg: TrainConfig) -> bool:
        """True when this stepper can train ``model`` with ``cfg``: no hidden layer,
        classification with log loss, plain gradient descent, full batch, no ``l1``/``l2``."""
        return (
            len(model.sizes) == 2
            and model.sizes[-1] == 1
            and model.problem == "classification"
            and model.loss == "log"
            and cfg.optimizer == "gd"
            and cfg.batch_size is None
            and cfg.l1 == 0.0
            and cfg.l2 == 0.0
        )

    def _set_lr(self, lr: float) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            self._engine.set_step(float(lr) / (4.0 * self.m))

    def set_config(self, cfg: TrainConfig) -> None:
        """Apply a new learning rate (or iteration count, stop conditions...) from the next
        iteration. ``ValueError`` if ``cfg`` needs another stepper (``stepper.keeps_stepper``)."""
        if not self.fits(self.model, cfg) or cfg.dtype != self.cfg.dtype:
            raise ValueError("this training config needs a new stepper")
        self.cfg = cfg
        self._opt.lr = cfg.lr
        self._set_lr(cfg.lr)

    def sync(self) -> None:
        """Write the current ``[W1 (1, n), b1 (1, 1)]`` into the model, in float64."""
        with np.errstate(over="ignore"):
            full = 2.0 * self._engine.half_params().astype(np.float64)
        self.model.set_params(
            [full[: self.n].reshape(1, self.n), full[self.n : self.n + 1].reshape(1, 1)]
        )

    def state(self) -> dict[str, NDArray[Any]]:
        """``{"opt_t": [steps taken]}``, as ``GradientDescent.state`` (prefixed as the general
        loop's ``state``)."""
        return {f"opt_{k}": v for k, v in self._opt.state().items()}

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from ``state()`` (or the general loop's, for the same config); an empty
        mapping keeps the fresh state. ``ValueError`` (nothing changed) if it does not fit."""
        if state:
            if any(not k.startswith("opt_") for k in state):
                raise ValueError(f"the training state has entries {sorted(state)}; full-batch "
                                 "gradient descent needs ['opt_t']")  # fmt: skip
            self._opt.set_state({k[4:]: v for k, v in state.items()})

    def run(self, costs: F64, k: int, start: int = 0) -> int:
        """Run up to ``k`` iterations; iteration j's cost (before its update) goes to ``costs[j]``.

        Returns how many iterations ran. Fewer than ``k`` means the next cost was not finite: the
        parameters are then rolled back to the last ones that gave a finite cost. ``start``:
        the run's number of the first iteration; a schedule runs stretches of one rate each
        (``lr_schedule.segments``) as engine calls, which give the same as one call.
        """
        if k <= 0:
            return 0
        with np.errstate(all="ignore"):  # non-finite values are detected and handled
            # Row-wise operations on 2-D views: with the default 8192-element ufunc buffer NumPy
            # copies short strided rows through it; a small buffer lets it work in place (the
            # setting is scoped to this errstate block).
            np.setbufsize(UFUNC_BUFSIZE)
            constant = self.cfg.lr_schedule == "constant"
            done = self._engine.run(costs, k) if constant else self._scheduled(costs, k, start)
        self._opt.t += done
        return done

    def _scheduled(self, costs: F64, k: int, start: int) -> int:
        """``run`` under a schedule: each stretch of one rate is one engine call."""
        done = 0
        for count, lr in segments(self.cfg, start, k):
            self._set_lr(lr)
            ran = self._engine.run(costs[done : done + count], count)
            done += ran
            if ran < count:
                break
        return done


class _Chunked:
    """The engine for an X that fits in the cache: a chunk of iterations, then their costs.

    Row j of ``V`` holds iteration j of the chunk:
    ``[u (m) | sum(u) | T (m) | ones (mp - m) | 1 | h_j (rows)]``. The loop is three calls:
    ``[u, sum(u)] = h_j . [Xt | c]``, ``T = tanh(u)``, and the next parameters straight into
    row j+1 as ``M . [T; ones; 1; h_j]`` with ``M = [-k Xt | 0 | k c | I]``. The chunk's costs
    are then computed together, in place over ``u`` and ``T`` (``_costs``).
    """

    def __init__(self, X: NDArray[np.floating], t: F64, h0: F64, dt: np.dtype[np.floating]):
        (n, m), rows = X.shape, h0.shape[0]
        group = 1 << TREE_LEVELS
        mp = -(-m // group) * group  # T padded with ones for the product tree
        self.m, self.mp, self.W = m, mp, mp >> TREE_LEVELS
        xt = np.zeros((rows, m), dtype=dt)
        xt[:n] = X * t
        xt[n] = t
        self.c = xt.sum(axis=1, dtype=np.float64)  # Xt 1, (rows,)
        self.xf = np.empty((rows, m + 1), dtype=dt)  # [Xt | c]
        self.xf[:, :m] = xt
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
        # which also multiplies sum(u) by 0 (see the module docstring on infinite logits).
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
