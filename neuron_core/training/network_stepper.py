"""The network's training loop: ``NetworkStepper`` (see its docstring and ``network``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.activations import Activation
from neuron_core.model.heads import HEADS, Head
from neuron_core.model.network import BLOCK_COLS, Layout, Network
from neuron_core.training.optim import Optimizer, make_optimizer

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]

# ---------------------------------------------------------------------------------------------
# The shuffling generator's state as numbers (the store reads arrays without pickle)
# ---------------------------------------------------------------------------------------------

_WORD = 1 << 32


def _rng_words(state: Mapping[str, Any]) -> NDArray[np.int64]:
    """A PCG64 ``bit_generator.state`` as 10 int64: the 128-bit ``state`` and ``inc`` as four
    32-bit words each (least significant first), then ``has_uint32`` and ``uinteger``."""
    inner = state["state"]
    words = [(int(inner[key]) >> (32 * i)) % _WORD for key in ("state", "inc") for i in range(4)]
    return np.array([*words, int(state["has_uint32"]), int(state["uinteger"])], dtype=np.int64)


def _rng_state(words: NDArray[Any]) -> dict[str, Any]:
    """The ``bit_generator.state`` dict encoded by ``_rng_words``; ``ValueError`` if invalid."""
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


# ---------------------------------------------------------------------------------------------
# The training loop
# ---------------------------------------------------------------------------------------------


class _Pass:
    """Forward + backward pass over one block of ``w`` columns, with preallocated buffers."""

    def __init__(self, sizes: tuple[int, ...], w: int, dtype: np.dtype[np.floating]) -> None:
        layers = range(1, len(sizes))
        self.x = np.empty((sizes[0], w), dtype=dtype)  # gathered mini-batch inputs
        self.y = np.empty((1, w), dtype=dtype)
        self.A = [np.empty((sizes[i], w), dtype=dtype) for i in layers]  # A_l (Z_L for the last)
        self.dZ = [np.empty((sizes[i], w), dtype=dtype) for i in layers]
        self.dA = [np.empty((sizes[i], w), dtype=dtype) for i in layers]
        self.ones = np.ones(w, dtype=dtype)
        self.work = np.empty((3, w), dtype=dtype)
        self.sums = np.empty(2, dtype=dtype)

    def run(
        self,
        X: FloatArray,
        Y: FloatArray,
        Ws: list[FloatArray],
        bs: list[FloatArray],
        dWs: list[FloatArray],
        dbs: list[FloatArray],
        act: Activation,
        head: Head,
        scale: float,
    ) -> float:
        """Sum of the losses of the block X (n_0, w), Y (1, w); writes ``scale *`` the gradient
        of that sum into ``dWs`` (n_l, n_{l-1}) and ``dbs`` (n_l,)."""
        dot = np.dot
        L = len(Ws)
        A_in = X
        for layer in range(L):
            Z = self.A[layer]
            dot(Ws[layer], A_in, out=Z)
            np.add(Z, bs[layer], out=Z)
            if layer < L - 1:
                act.forward(Z, out=Z)
            A_in = Z
        total = head.forward_backward(
            self.A[L - 1], Y, self.dZ[L - 1], scale, self.work, self.ones, self.sums
        )
        for layer in range(L - 1, -1, -1):
            dZ = self.dZ[layer]
            A_in = X if layer == 0 else self.A[layer - 1]
            dot(dZ, A_in.T, out=dWs[layer])
            dot(dZ, self.ones, out=dbs[layer])
            if layer > 0:
                dA = self.dA[layer - 1]
                dot(Ws[layer].T, dZ, out=dA)
                act.backward(self.A[layer - 1], dA, out=self.dZ[layer - 1])
        return total


class NetworkStepper:
    """Trains a ``Network`` with gradient descent, momentum or Adam, full batch or mini-batches.

    One iteration = one parameter update. Its recorded cost is the loss of the batch it used
    plus the weight penalty, at the parameters before the update (see the module docstring).

    * Work happens in ``cfg.dtype`` on one flat parameter vector (``Layout``); the model is
      updated (as float64) only by ``sync``.
    * Mini-batches (``cfg.batch_size`` < m): at the start of every epoch the column order is
      ``default_rng(cfg.seed).permutation(m)`` (one generator per stepper, drawn once per
      epoch), and consecutive slices of ``batch_size`` columns of it are the batches; the last
      batch of an epoch holds the ``m % batch_size`` leftover columns if there are any.
      ``batch_size`` None or >= m is full-batch gradient descent.
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
        self._passes: dict[int, _Pass] = {}
        bs = cfg.batch_size
        self.batch = self.m if bs is None else min(bs, self.m)
        self._rng = np.random.default_rng(cfg.seed)
        self._perm = np.arange(self.m)
        self._pos = self.m  # forces a shuffle before the first mini-batch
        # The generator's state just before the current epoch's permutation was drawn: drawing
        # again from it gives the same permutation, so it (plus the position) is the whole
        # shuffling state, without storing m indices.
        self._epoch_rng: Mapping[str, Any] = self._rng.bit_generator.state
        # Full batch: the data is split once into contiguous column blocks in the training dtype
        # (no gather per step; one block of float64 data is the caller's array, not a copy).
        # Mini-batches: one converted copy, gathered from at every step.
        self._full_blocks: list[tuple[FloatArray, FloatArray, _Pass]] = []
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

    def _pass(self, w: int) -> _Pass:
        p = self._passes.get(w)
        if p is None:
            p = self._passes[w] = _Pass(self._layout.sizes, w, self.dtype)
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
        Mini-batches add ``shuffle_pos`` (1,) int64, the position in the current epoch's
        permutation (m: the epoch is used up), and ``shuffle_rng`` (10,) int64, the PCG64
        generator's state before that permutation was drawn (``_rng_words``).
        """
        out = {f"opt_{k}": v for k, v in self._opt.state().items()}
        if self.batch < self.m:
            in_epoch = self._pos < self.m
            rng = self._epoch_rng if in_epoch else self._rng.bit_generator.state
            out["shuffle_rng"] = _rng_words(rng)
            out["shuffle_pos"] = np.array([self._pos if in_epoch else self.m], dtype=np.int64)
        return out

    def close(self) -> None:
        """Nothing to let go of: the network's stepper lives in this thread."""

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
        rng: dict[str, Any] | None = None
        pos = self.m
        if wanted:
            rng = _rng_state(shuffle["shuffle_rng"])
            p = np.asarray(shuffle["shuffle_pos"])
            if p.shape != (1,) or p.dtype.kind not in "iu" or not 0 <= int(p[0]) <= self.m:
                raise ValueError(f"the shuffle position must be one number from 0 to {self.m}")
            pos = int(p[0])
        self._opt.set_state(opt)
        if rng is not None:
            self._rng.bit_generator.state = rng
            self._perm = np.arange(self.m)
            self._pos = self.m
            if pos < self.m:  # redraw this epoch's permutation and go back to where it was
                self._next_indices()
                self._pos = pos

    def sync(self) -> None:
        """Write the current parameters back into the model (as float64)."""
        params: list[F64] = []
        for W, b in zip(self._W, self._b, strict=True):
            params += [W.astype(np.float64), b.astype(np.float64)]
        self.model.set_params(params)

    # -- one iteration ------------------------------------------------------------------------
    def _next_indices(self) -> NDArray[np.intp]:
        """Column indices of the next mini-batch (a new permutation at each epoch start)."""
        if self._pos >= self.m:
            self._epoch_rng = self._rng.bit_generator.state
            self._perm = self._rng.permutation(self.m)
            self._pos = 0
        idx = self._perm[self._pos : self._pos + self.batch]
        self._pos += idx.shape[0]
        return idx

    def _gathered(self, idx: NDArray[np.intp]) -> Iterator[tuple[FloatArray, FloatArray, _Pass]]:
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
        blocks: Iterable[tuple[FloatArray, FloatArray, _Pass]]
        if self.batch == self.m:
            blocks, width = self._full_blocks, self.m
        else:
            idx = self._next_indices()
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

    def run(self, costs: F64, k: int) -> int:
        """Run up to ``k`` iterations, writing iteration j's cost (before its update) into
        ``costs[j]``. Returns how many ran; fewer than ``k`` means the next cost or the
        parameters were not finite, and the parameters were restored to the last finite ones."""
        theta, prev, grad = self._theta, self._prev, self._grad
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
                step(params, grads)
        return k
