"""The general training loop: ``NetworkStepper`` trains any ``Network`` with any optimizer.

``make_stepper`` (``stepper``) uses it for everything but the article's setting, which has a
faster special case (``fast_neuron``) with bit-compatible parameters. ``loss_and_gradients``
runs this loop's own code once, for the finite-difference gradient checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.heads import HEADS
from neuron_core.model.network import BLOCK_COLS, Layout, Network
from neuron_core.training.block_pass import BlockPass
from neuron_core.training.lr_schedule import rate_function
from neuron_core.training.optim import Optimizer, make_optimizer
from neuron_core.training.shuffle import Shuffle

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]


class NetworkStepper:
    """Trains a ``Network`` with gradient descent, momentum or Adam, full batch or mini-batches.

    One iteration = one parameter update. Its recorded cost is the loss of the batch it used
    plus the weight penalty, at the parameters before the update (see ``model.network``).

    * Work happens in ``cfg.dtype`` on one flat parameter vector (``Layout``); the model is
      updated (as float64) only by ``sync``.
    * Mini-batches (``cfg.batch_size`` < m) follow ``shuffle.Shuffle`` (a seeded permutation
      per epoch, cut into consecutive batches). ``batch_size`` None or >= m is full-batch.
    * Divergence: when an iteration's cost or parameters are not finite, ``run`` stops and
      restores the parameters of the previous iteration (copied before every update), whose
      cost was the last one recorded. The optimizer's state is not restored: a diverged run is
      over (the trainer only continues it after a reset, which builds a new stepper).
    * ``state()``/``set_state()`` carry the optimizer's memory and the shuffling position, so a
      stepper rebuilt from saved parameters continues bit for bit like the original.
    """

    def __init__(
        self,
        model: Network,
        X: NDArray[np.floating],
        Y: NDArray[np.floating],
        cfg: TrainConfig,
        block_cols: int = BLOCK_COLS,
    ) -> None:
        n, m = X.shape
        if n != model.n_inputs:
            raise ValueError(f"X must have {model.n_inputs} rows (features), got {n}")
        if Y.shape != (1, m):
            raise ValueError(f"Y must have shape (1, {m}), got {Y.shape}")
        if m == 0:
            raise ValueError("the training set is empty")
        self.model = model
        self.m = int(m)
        self._X64 = X
        self._Y64 = Y
        self._block_cols = max(1, int(block_cols))
        self._layout = Layout(model.sizes)
        self._head = HEADS[model.problem]
        self._act = model.activation
        self.cfg = cfg
        self._setup(cfg)

    def _setup(self, cfg: TrainConfig) -> None:
        """(Re)build everything that depends on the dtype, optimizer or batching of ``cfg``,
        starting from the model's current parameters."""
        dt = np.dtype(cfg.dtype)
        self.dtype = dt
        lay = self._layout
        self._theta = np.empty(lay.total, dtype=dt)
        self._grad = np.zeros(lay.total, dtype=dt)
        self._scratch = np.zeros(lay.total, dtype=dt)
        self._W, self._b, _ = lay.views(self._theta)
        self._dW, _, self._db = lay.views(self._grad)
        self._sW, _, self._sb = lay.views(self._scratch)
        for dst, src in zip(self._W + self._b, self.model.weights + self.model.biases, strict=True):
            dst[...] = src
        self._prev = self._theta.copy()
        nw = lay.n_weights
        self._w = self._theta[:nw]
        self._gw = self._grad[:nw]
        self._wtmp = np.empty(nw, dtype=dt)
        self._ones_w = np.ones(nw, dtype=dt)
        self._ones_all = np.ones(lay.total, dtype=dt)
        self._passes: dict[int, BlockPass] = {}
        bs = cfg.batch_size
        self.batch = self.m if bs is None else min(bs, self.m)
        self._shuffle = Shuffle(self.m, self.batch, cfg.seed)
        # Full batch: the data is split once into contiguous column blocks in the training dtype
        # (no gather per step; one block of float64 data is the caller's array, not a copy).
        # Mini-batches: one converted copy, gathered from at every step.
        self._full_blocks: list[tuple[FloatArray, FloatArray, BlockPass]] = []
        self._source: tuple[FloatArray, FloatArray] | None = None
        if self.batch == self.m:
            for j0 in range(0, self.m, self._block_cols):
                j1 = min(self.m, j0 + self._block_cols)
                xb = np.ascontiguousarray(self._X64[:, j0:j1], dtype=dt)
                yb = np.ascontiguousarray(self._Y64[:, j0:j1], dtype=dt)
                self._full_blocks.append((xb, yb, self._pass(j1 - j0)))
        else:
            self._source = (
                np.ascontiguousarray(self._X64, dtype=dt),
                np.ascontiguousarray(self._Y64, dtype=dt),
            )
        self._opt: Optimizer = make_optimizer(cfg.optimizer, [self._theta], cfg.lr)
        self._apply_rates(cfg)

    def _apply_rates(self, cfg: TrainConfig) -> None:
        self.cfg = cfg
        self._opt.lr = float(cfg.lr)
        self.l1 = float(cfg.l1)
        self.l2 = float(cfg.l2)

    def _pass(self, w: int) -> BlockPass:
        p = self._passes.get(w)
        if p is None:
            p = self._passes[w] = BlockPass(self._layout.sizes, w, self.dtype)
        return p

    def set_config(self, cfg: TrainConfig) -> None:
        """Apply ``cfg`` from the next iteration: a new learning rate or ``l1``/``l2`` takes
        effect at once (optimizer state kept); a new dtype, optimizer, batch size or seed
        rebuilds the loop from the current parameters (fresh optimizer state and shuffling)."""
        old = self.cfg
        if (old.dtype, old.optimizer, old.batch_size, old.seed) != (
            cfg.dtype,
            cfg.optimizer,
            cfg.batch_size,
            cfg.seed,
        ):
            self.sync()
            self._setup(cfg)
        else:
            self._apply_rates(cfg)

    # -- saving and restoring the loop's state -------------------------------------------------
    def state(self) -> dict[str, NDArray[Any]]:
        """Everything the next iterations depend on besides the parameters and the config.

        ``opt_*``: the optimizer's step count and memory (``Optimizer.state``, flat float64).
        Mini-batches add ``shuffle_pos`` and ``shuffle_rng`` (``Shuffle.state``).
        """
        out: dict[str, NDArray[Any]] = {f"opt_{k}": v for k, v in self._opt.state().items()}
        if self.batch < self.m:
            out.update(self._shuffle.state())
        return out

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from a ``state()`` taken from a stepper with the same model shape, data size
        and config (dtype, optimizer, batch size); an empty mapping keeps the fresh state.

        Raises ``ValueError`` when the entries do not fit this stepper (nothing is changed).
        """
        if not state:
            return
        opt = {k[4:]: v for k, v in state.items() if k.startswith("opt_")}
        shuffle = {k: v for k, v in state.items() if not k.startswith("opt_")}
        wanted = {"shuffle_rng", "shuffle_pos"} if self.batch < self.m else set()
        if set(shuffle) != wanted:
            raise ValueError(
                f"the training state has entries {sorted(shuffle)} but this run (batch "
                f"{self.batch} of {self.m}) needs {sorted(wanted)}"
            )
        order = self._shuffle.check_state(shuffle) if wanted else None
        self._opt.set_state(opt)
        if order is not None:
            self._shuffle.restore(*order)

    def sync(self) -> None:
        """Write the current parameters back into the model (as float64)."""
        params: list[F64] = []
        for W, b in zip(self._W, self._b, strict=True):
            params += [W.astype(np.float64), b.astype(np.float64)]
        self.model.set_params(params)

    # -- one iteration ------------------------------------------------------------------------
    def _gathered(
        self, idx: NDArray[np.intp]
    ) -> Iterator[tuple[FloatArray, FloatArray, BlockPass]]:
        """The blocks ``(X (n_0, w), Y (1, w), pass)`` of a mini-batch, gathered one at a time:
        blocks of equal width share a pass and its buffers, so each is filled just before use."""
        source = self._source
        assert source is not None, "mini-batch data is prepared by _setup"
        X, Y = source
        for j0 in range(0, idx.shape[0], self._block_cols):
            part = idx[j0 : j0 + self._block_cols]
            p = self._pass(part.shape[0])
            np.take(X, part, axis=1, out=p.x, mode="clip")
            np.take(Y, part, axis=1, out=p.y, mode="clip")
            yield p.x, p.y, p

    def _compute(self) -> float:
        """Cost of the next batch at the current parameters (loss + penalty); its gradient goes
        into ``self._grad``."""
        blocks: Iterable[tuple[FloatArray, FloatArray, BlockPass]]
        if self.batch == self.m:
            blocks, width = self._full_blocks, self.m
        else:
            idx = self._shuffle.next_indices()
            blocks, width = self._gathered(idx), int(idx.shape[0])
        scale = 1.0 / width
        total = 0.0
        act, head = self._act, self._head
        for i, (xb, yb, p) in enumerate(blocks):
            if i == 0:
                total += p.run(xb, yb, self._W, self._b, self._dW, self._db, act, head, scale)
            else:
                total += p.run(xb, yb, self._W, self._b, self._sW, self._sb, act, head, scale)
                np.add(self._grad, self._scratch, out=self._grad)
        cost = total * scale
        w, gw, tmp = self._w, self._gw, self._wtmp
        if self.l2:
            cost += 0.5 * self.l2 * float(np.dot(w, w))
            np.multiply(w, self.l2, out=tmp)
            np.add(gw, tmp, out=gw)
        if self.l1:
            np.abs(w, out=tmp)
            cost += self.l1 * float(np.dot(tmp, self._ones_w))
            np.sign(w, out=tmp)
            np.multiply(tmp, self.l1, out=tmp)
            np.add(gw, tmp, out=gw)
        return cost

    def cost_and_gradients(self) -> tuple[float, list[F64]]:
        """Cost and gradient ``[dW1, db1, ...]`` (float64 copies) at the current parameters, on
        the next batch (full batch: the training set; a mini-batch advances the epoch)."""
        with np.errstate(all="ignore"):
            cost = self._compute()
        _, _, db1 = self._layout.views(self._grad)
        grads: list[F64] = []
        for dW, db in zip(self._dW, db1, strict=True):
            grads += [dW.astype(np.float64), db.astype(np.float64).reshape(-1, 1)]
        return cost, grads

    def run(self, costs: F64, k: int, start: int = 0) -> int:
        """Run up to ``k`` iterations, writing iteration j's cost (before its update) into
        ``costs[j]``. Returns how many ran; fewer than ``k`` means the next cost or the
        parameters were not finite, and the parameters were restored to the last finite ones.
        ``start`` is the run's number of the first of them, which a learning-rate schedule
        (``lr_schedule``) turns into the rate of each update."""
        theta, prev, grad = self._theta, self._prev, self._grad
        rate, opt = rate_function(self.cfg), self._opt
        params, grads = [theta], [grad]
        step = self._opt.step
        ones = self._ones_all
        isfinite = math.isfinite
        with np.errstate(all="ignore"):  # non-finite values are detected and handled below
            for j in range(k):
                cost = self._compute()
                if not (isfinite(cost) and isfinite(float(np.dot(theta, ones)))):
                    np.copyto(theta, prev)
                    return j
                costs[j] = cost
                np.copyto(prev, theta)
                if rate is not None:
                    opt.lr = rate(start + j)
                step(params, grads)
        return k


def loss_and_gradients(
    net: Network, X: NDArray[np.floating], Y: NDArray[np.floating], l1: float = 0.0, l2: float = 0.0
) -> tuple[float, list[F64]]:
    """Cost (data loss + penalty) of ``net`` on the full batch X (n_0, m), Y (1, m) and its
    gradient ``[dW1, db1, dW2, db2, ...]`` (shapes as ``get_params``), in float64.

    Computed by the training loop's own code, so checking these against finite differences
    checks what training uses.
    """
    cfg = TrainConfig(lr=1.0, optimizer="gd", l1=l1, l2=l2, dtype="float64")
    Y64 = np.asarray(Y, dtype=np.float64)
    return NetworkStepper(net, X, Y64, cfg).cost_and_gradients()
