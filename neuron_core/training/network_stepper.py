"""The general training loop: ``NetworkStepper`` trains any ``Network`` with any optimizer.

``make_stepper`` (``stepper``) uses it for everything but the article's setting, which has a
faster special case (``fast_neuron``) with bit-compatible parameters. ``loss_and_gradients``
runs this loop's own code once, for the finite-difference gradient checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.network import BLOCK_COLS, Layout, Network
from neuron_core.training.block_pass import BlockPass
from neuron_core.training.chunk_loop import run_chunk
from neuron_core.training.dropout import Dropout, MaskSource
from neuron_core.training.full_batch_pass import FullBatchPass
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
      restores the parameters of the previous iteration, whose cost was the last one
      recorded. The optimizer's state is not restored: a diverged run is over (the trainer only
      continues it after a reset, which builds a new stepper). The parameters are checked
      once per ``run`` call, and the chunk replayed with a check at every iteration only when
      something was not finite (``run``).
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
        self._head = model.head
        self._acts = model.activations
        # Fixed masks in place of the seeded ones (the gradient checks set it), else None.
        self.mask_source: MaskSource | None = None
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
        self._fast: list[FullBatchPass] = []
        if self.batch == self.m:
            for j0 in range(0, self.m, self._block_cols):
                j1 = min(self.m, j0 + self._block_cols)
                xb = np.ascontiguousarray(self._X64[:, j0:j1], dtype=dt)
                yb = np.ascontiguousarray(self._Y64[:, j0:j1], dtype=dt)
                self._full_blocks.append((xb, yb, self._pass(j1 - j0)))
            # The same passes with every call prepared once (the same bits, faster): the first
            # block writes the gradient, the others their share into the scratch vector. It
            # takes one activation for every layer, read from A alone (not SiLU, sine).
            scale = 1.0 / self.m
            act = self._acts[0] if self._acts else self.model.activation
            if all(type(a) is type(act) and not a.uses_z for a in self._acts):
                self._fast = [
                    FullBatchPass(p, xb, yb, self._W, self._b, dW, db, act, self._head, scale)
                    for i, (xb, yb, p) in enumerate(self._full_blocks)
                    for dW, db in [(self._dW, self._db) if i == 0 else (self._sW, self._sb)]
                ]
        else:
            self._source = (
                np.ascontiguousarray(self._X64, dtype=dt),
                np.ascontiguousarray(self._Y64, dtype=dt),
            )
        self._opt: Optimizer = make_optimizer(cfg.optimizer, [self._theta], cfg.lr)
        self._dropout = Dropout(cfg.dropout, cfg.seed)
        self._apply_rates(cfg)

    def _apply_rates(self, cfg: TrainConfig) -> None:
        self.cfg = cfg
        self._opt.lr = float(cfg.lr)
        self.l1 = float(cfg.l1)
        self.l2 = float(cfg.l2)
        self._dropout.rate = float(cfg.dropout)

    def _pass(self, w: int) -> BlockPass:
        p = self._passes.get(w)
        if p is None:
            p = self._passes[w] = BlockPass(self._layout.sizes, w, self.dtype, self._acts)
        return p

    def set_config(self, cfg: TrainConfig) -> None:
        """Apply ``cfg`` from the next iteration: a new learning rate, ``l1``/``l2`` or dropout
        takes effect at once (optimizer state kept); a new dtype, optimizer, batch size or seed
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
        if self._masks() is self._dropout:
            out.update(self._dropout.state())
        return out

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from a ``state()`` taken from a stepper with the same model shape, data size
        and config (dtype, optimizer, batch size); an empty mapping keeps the fresh state.

        Raises ``ValueError`` when the entries do not fit this stepper (nothing is changed).
        """
        if not state:
            return
        opt = {k[4:]: v for k, v in state.items() if k.startswith("opt_")}
        drop = {k: v for k, v in state.items() if k.startswith("dropout_")}
        shuffle = {k: v for k, v in state.items() if not k.startswith(("opt_", "dropout_"))}
        wanted = {"shuffle_rng", "shuffle_pos"} if self.batch < self.m else set()
        if set(shuffle) != wanted:
            raise ValueError(
                f"the training state has entries {sorted(shuffle)} but this run (batch "
                f"{self.batch} of {self.m}) needs {sorted(wanted)}"
            )
        order = self._shuffle.check_state(shuffle) if wanted else None
        if drop:
            if set(drop) != {"dropout_rng"}:
                raise ValueError(f"unknown dropout state entries {sorted(drop)}")
            self._dropout.restore(drop)
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
    def _masks(self) -> MaskSource | None:
        """This step's dropout masks: the fixed ones if set, the seeded ones when the rate is
        above 0 and the network has hidden layers, else None."""
        if self.mask_source is not None:
            return self.mask_source
        return self._dropout if self._dropout.rate > 0 and len(self._acts) > 0 else None

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
        acts, head, masks = self._acts, self._head, self._masks()
        fast = self._fast if masks is None else []  # dropout: the general pass
        for i, full in enumerate(fast):  # full batch
            total += full.run()
            if i:
                np.add(self._grad, self._scratch, out=self._grad)
        for i, (xb, yb, p) in enumerate(() if fast else blocks):
            dW, db = (self._dW, self._db) if i == 0 else (self._sW, self._sb)
            total += p.run(xb, yb, self._W, self._b, dW, db, acts, head, scale, masks)
            if i > 0:
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
        parameters were not finite, and the parameters were restored to the last finite ones
        (checked once per call, ``chunk_loop.run_chunk``). ``start`` is the run's number of the
        first of them, which a learning-rate schedule (``lr_schedule``) turns into the rate of
        each update."""
        rate, opt = rate_function(self.cfg), self._opt
        at = None if rate is None else (lambda j: setattr(opt, "lr", rate(start + j)))
        return run_chunk(
            self._compute, opt.step, self._theta, self._prev, self._grad,
            self._ones_all, self.state, self.set_state, costs, k, at,
        )  # fmt: skip
