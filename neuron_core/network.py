"""A small multi-layer perceptron (0 to 6 hidden layers) and its training loop.

Layer sizes are ``(n_0, n_1, ..., n_L)``: ``n_0`` inputs, the hidden widths, and ``n_L = 1``
output. For a batch X of shape (n_0, m), with ``A_0 = X``::

    Z_l = W_l A_{l-1} + b_l        W_l (n_l, n_{l-1}), b_l (n_l, 1), Z_l (n_l, m)
    A_l = f(Z_l)                   hidden layers: tanh, relu, sigmoid or linear (activations.py)
    output Z_L (1, m):
      classification  A_L = sigmoid(Z_L),  loss = log loss computed from Z_L (never log(0))
      regression      A_L = Z_L,           loss = (A_L - Y)^2 (the cost is the mean squared error)

With no hidden layer this is the article's single neuron (``W_1`` is ``w^T``, shape (1, n_0)).

Backpropagation, with ``1/m`` folded into the output gradient::

    dZ_L = (A_L - Y) / m               classification (d log loss / dZ)
    dZ_L = 2 (A_L - Y) / m             regression     (d squared error / dZ)
    dW_l = dZ_l A_{l-1}^T,   db_l = sum over columns of dZ_l
    dA_{l-1} = W_l^T dZ_l,   dZ_{l-1} = dA_{l-1} * f'(Z_{l-1})

Costs (documented choices):

* ``Network.cost`` is the data loss only: mean log loss, or mean squared error
  ``mean((yhat - y)^2)`` (no 1/2). The trainer's test cost uses it.
* The cost a stepper records for an iteration is the loss of the batch that iteration used
  (full batch: the whole training set) **plus** the penalty ``l1 sum|W| + l2/2 sum W^2`` over
  the weights of every layer (never the biases), all evaluated at the parameters before that
  iteration's update. The gradient of ``|w|`` at exactly 0 is taken as 0. The penalty is not
  divided by m, and the test cost leaves it out, so with ``l1``/``l2`` > 0 the training curve
  sits above the test curve by the penalty.

``Network`` is the readable float64 reference (prediction, cost, per-layer outputs);
``NetworkStepper`` is the training loop (see its docstring), used by the trainer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .activations import Activation, get_activation
from .config import ModelConfig, TrainConfig
from .init import init_params
from .numerics import log_loss_from_logits, sigmoid
from .optim import Optimizer, make_optimizer

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
LOG2 = math.log(2.0)
# Training, prediction and cost process X in blocks of at most this many columns, so memory stays
# bounded for huge full batches (10M samples) and the per-layer buffers stay in cache. Measured
# on a 2-core machine with an (8, 8) network: 4096 is within ~10% of the best single-threaded
# block size, and larger blocks let OpenBLAS split the small products across threads, which was
# 5 to 10 times slower when the other core was busy.
BLOCK_COLS = 4096


# ---------------------------------------------------------------------------------------------
# Output heads: the output activation with its loss, forward and backward together
# ---------------------------------------------------------------------------------------------


class _LogLossHead:
    """Sigmoid output and log loss, both computed from the logits ``z`` (1, m)."""

    problem = "classification"

    @staticmethod
    def output(z: F64) -> F64:
        """Probability of class 1, ``sigmoid(z)``."""
        return np.asarray(sigmoid(z), dtype=np.float64)

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample log loss ``max(z,0) - z y + log(1 + e^-|z|)`` (stable, numerics.py)."""
        return np.asarray(log_loss_from_logits(z, y), dtype=np.float64)

    @staticmethod
    def forward_backward(
        z: FloatArray,
        y: FloatArray,
        dz: FloatArray,
        scale: float,
        work: FloatArray,
        ones: FloatArray,
        sums: FloatArray,
    ) -> float:
        """Sum of the losses of the columns of ``z`` (1, w); writes ``dz = scale (sigmoid(z) - y)``.

        With ``T = tanh(z/2)``: ``sigmoid(z) = (1 + T)/2`` and ``log(1 + e^-|z|) = log 2 -
        log1p(|T|)`` (exact algebra), so one ``tanh`` and one ``log1p`` per sample give both the
        loss and its gradient; nothing overflows since ``|T| <= 1``. ``work`` is (3, w) scratch.
        """
        T = work[0:1]
        np.multiply(z, 0.5, out=T)
        np.tanh(T, out=T)
        R = work[1:3]  # rows: log1p|T|, max(z, 0)
        np.abs(T, out=R[0:1])
        np.log1p(R[0:1], out=R[0:1])
        np.maximum(z, 0.0, out=R[1:2])
        np.dot(R, ones, out=sums)
        zy = float(np.dot(z[0], y[0]))
        total = int(z.shape[1]) * LOG2 - float(sums[0]) + float(sums[1]) - zy
        # dz = scale * ((1 + T)/2 - y)
        np.multiply(T, 0.5, out=dz)
        np.add(dz, 0.5, out=dz)
        np.subtract(dz, y, out=dz)
        np.multiply(dz, scale, out=dz)
        return total


class _SquaredErrorHead:
    """Linear output and squared error ``(z - y)^2`` for regression; ``z`` is the prediction."""

    problem = "regression"

    @staticmethod
    def output(z: F64) -> F64:
        """The predicted value (the output unit is linear)."""
        return z

    @staticmethod
    def loss(z: F64, y: F64) -> F64:
        """Per-sample squared error ``(z - y)^2``."""
        r = z - y
        return r * r

    @staticmethod
    def forward_backward(
        z: FloatArray,
        y: FloatArray,
        dz: FloatArray,
        scale: float,
        work: FloatArray,
        ones: FloatArray,
        sums: FloatArray,
    ) -> float:
        """Sum of ``(z - y)^2`` over the columns of ``z`` (1, w); writes ``dz = 2 scale (z-y)``."""
        np.subtract(z, y, out=dz)
        total = float(np.dot(dz[0], dz[0]))
        np.multiply(dz, 2.0 * scale, out=dz)
        return total


_Head = _LogLossHead | _SquaredErrorHead
_Arrays = list[FloatArray]
_HEADS: dict[str, _Head] = {"classification": _LogLossHead(), "regression": _SquaredErrorHead()}


# ---------------------------------------------------------------------------------------------
# Flat parameter layout
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """All parameters in one flat vector: every ``W_l`` first (row-major), then every ``b_l``.

    Weights first so the regularised part is the single slice ``flat[:n_weights]``; one flat
    vector lets the optimizer, the rollback copy and the gradient accumulation each be one
    NumPy call whatever the depth.
    """

    sizes: tuple[int, ...]

    @property
    def n_weights(self) -> int:
        return sum(a * b for a, b in zip(self.sizes[1:], self.sizes[:-1], strict=True))

    @property
    def total(self) -> int:
        return self.n_weights + sum(self.sizes[1:])

    def views(self, flat: FloatArray) -> tuple[_Arrays, _Arrays, _Arrays]:
        """Views into ``flat``: ``W_l`` (n_l, n_{l-1}), ``b_l`` (n_l, 1) and ``b_l`` as (n_l,)."""
        Ws: list[FloatArray] = []
        bs: list[FloatArray] = []
        bs1: list[FloatArray] = []
        off = 0
        for rows, cols in zip(self.sizes[1:], self.sizes[:-1], strict=True):
            Ws.append(flat[off : off + rows * cols].reshape(rows, cols))
            off += rows * cols
        for rows in self.sizes[1:]:
            bs1.append(flat[off : off + rows])
            bs.append(bs1[-1].reshape(rows, 1))
            off += rows
        return Ws, bs, bs1


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


class Network:
    """A fully connected network: ``hidden`` layers with ``activation``, one output unit.

    ``problem`` picks the output: sigmoid + log loss (``classification``) or linear + squared
    error (``regression``). Weights are initialised with ``init`` from ``init_seed`` (init.py);
    parameters are float64 lists ``weights[l]`` (n_{l+1}, n_l) and ``biases[l]`` (n_{l+1}, 1).
    """

    def __init__(
        self,
        n_inputs: int,
        hidden: tuple[int, ...] = (),
        activation: str = "tanh",
        problem: str = "classification",
        init: str = "xavier",
        init_seed: int = 0,
    ) -> None:
        if problem not in _HEADS:
            raise ValueError(f"problem must be classification or regression, got {problem!r}")
        self.sizes: tuple[int, ...] = (int(n_inputs), *(int(h) for h in hidden), 1)
        self.activation: Activation = get_activation(activation)
        self.problem = problem
        self._head: _Head = _HEADS[problem]
        params = init_params(self.sizes, init, init_seed)
        self.weights: list[F64] = params[0::2]
        self.biases: list[F64] = params[1::2]

    @classmethod
    def from_config(cls, cfg: ModelConfig, n_inputs: int) -> Network:
        """The network described by ``cfg`` for ``n_inputs`` inputs, freshly initialised."""
        return cls(n_inputs, cfg.hidden, cfg.activation, cfg.problem, cfg.init, cfg.init_seed)

    @property
    def n_inputs(self) -> int:
        """Number of inputs ``n_0``."""
        return self.sizes[0]

    # -- forward (readable float64 reference) -------------------------------------------------
    def _forward(self, X: NDArray[np.floating]) -> list[F64]:
        """``[A_1, ..., A_{L-1}, Z_L]`` for X (n_0, m): hidden outputs, then the output logits."""
        A = np.asarray(X, dtype=np.float64)
        outs: list[F64] = []
        last = len(self.weights) - 1
        for layer, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            A = W @ A + b
            if layer < last:
                self.activation.forward(A, out=A)  # in place: A_l = f(Z_l)
            outs.append(A)
        return outs

    def logits(self, X: NDArray[np.floating]) -> F64:
        """Output pre-activation ``Z_L`` (1, m) for X (n_0, m), in column blocks (bounds memory)."""
        m = X.shape[1]
        Z = np.empty((1, m))
        with np.errstate(over="ignore", invalid="ignore"):
            for j0 in range(0, m, BLOCK_COLS):
                j1 = min(m, j0 + BLOCK_COLS)
                Z[:, j0:j1] = self._forward(X[:, j0:j1])[-1]
        return Z

    def layer_outputs(self, X: NDArray[np.floating]) -> list[F64]:
        """Output of every layer for X (n_0, m): ``[A_1 (n_1, m), ..., A_L (1, m)]``.

        Hidden layers give their activations; the last entry equals ``predict_proba(X)``. The
        input layer (X itself) is not included.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            outs = self._forward(X)
            outs[-1] = self._head.output(outs[-1])
        return outs

    def predict_proba(self, X: NDArray[np.floating]) -> F64:
        """Probability of class 1 (classification) or predicted value (regression), (1, m)."""
        return self._head.output(self.logits(X))

    def predict(self, X: NDArray[np.floating]) -> F64:
        """Class 0.0/1.0 (``A_L > 0.5``, i.e. ``Z_L > 0``) or the predicted value, (1, m)."""
        Z = self.logits(X)
        return (Z > 0.0).astype(np.float64) if self.problem == "classification" else Z

    def cost(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> float:
        """Data loss only: mean log loss or mean squared error over the m columns of X (n_0, m)
        against Y (1, m). The regularisation penalty is not included (see ``penalty``)."""
        Z = self.logits(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.mean(self._head.loss(Z, np.asarray(Y, dtype=np.float64))))

    def penalty(self, l1: float, l2: float) -> float:
        """``l1 sum|W| + l2/2 sum W^2`` over every weight matrix (biases excluded)."""
        total = 0.0
        for W in self.weights:
            total += l1 * float(np.abs(W).sum()) + 0.5 * l2 * float(np.sum(W * W))
        return total

    def loss_and_gradients(
        self, X: NDArray[np.floating], Y: NDArray[np.floating], l1: float = 0.0, l2: float = 0.0
    ) -> tuple[float, list[F64]]:
        """Cost (data loss + penalty) on the full batch X (n_0, m), Y (1, m) and its gradient
        ``[dW1, db1, dW2, db2, ...]`` (shapes as ``get_params``), in float64.

        Computed by the training loop's own code (``NetworkStepper``), so checking these
        against finite differences checks what training uses.
        """
        cfg = TrainConfig(lr=1.0, optimizer="gd", l1=l1, l2=l2, dtype="float64")
        return NetworkStepper(self, X, np.asarray(Y, dtype=np.float64), cfg).cost_and_gradients()

    # -- parameters ---------------------------------------------------------------------------
    def get_params(self) -> list[F64]:
        """Copies ``[W1 (n_1, n_0), b1 (n_1, 1), W2, b2, ..., W_L (1, n_{L-1}), b_L (1, 1)]``."""
        out: list[F64] = []
        for W, b in zip(self.weights, self.biases, strict=True):
            out += [W.copy(), b.copy()]
        return out

    def set_params(self, params: list[F64]) -> None:
        """Replace every parameter (copied as float64) from a list ordered as ``get_params``.

        With no hidden layer the single neuron's layout ``[w (n_0, 1), b (1, 1)]`` is accepted
        too (``w`` is then ``W1`` transposed), so a run can switch between the two engines.
        Raises ``ValueError`` on a wrong count or shape.
        """
        expected = [s for W, b in zip(self.weights, self.biases, strict=True) for s in (W, b)]
        if len(params) != len(expected):
            raise ValueError(f"expected {len(expected)} parameter arrays, got {len(params)}")
        new: list[F64] = []
        for i, (p, ref) in enumerate(zip(params, expected, strict=True)):
            arr = np.array(p, dtype=np.float64)
            if len(self.sizes) == 2 and arr.size == ref.size and arr.shape != ref.shape:
                arr = arr.reshape(ref.shape)  # single-neuron layout: w (n, 1), b scalar-like
            if arr.shape != ref.shape:
                raise ValueError(f"parameter {i} must have shape {ref.shape}, got {arr.shape}")
            new.append(arr)
        self.weights = new[0::2]
        self.biases = new[1::2]

    def make_stepper(self, X: NDArray[np.floating], Y: F64, cfg: TrainConfig) -> NetworkStepper:
        """The training loop over X (n_0, m), Y (1, m) with ``cfg`` (see ``NetworkStepper``)."""
        return NetworkStepper(self, X, Y, cfg)


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
        head: _Head,
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

    * Work happens in ``cfg.dtype`` on one flat parameter vector (``_Layout``); the model is
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
        self._layout = _Layout(model.sizes)
        self._head = _HEADS[model.problem]
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
