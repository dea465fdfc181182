"""A small multi-layer perceptron (0 to 6 hidden layers): the one model of the engine.

Layer sizes are ``(n_0, n_1, ..., n_L)``: ``n_0`` inputs, the hidden widths, and ``n_L = 1``
output (``n_L = K`` for K >= 3 classes: a softmax with cross-entropy, see ``softmax``).
For a batch X of shape (n_0, m), with ``A_0 = X``::

    Z_l = W_l A_{l-1} + b_l        W_l (n_l, n_{l-1}), b_l (n_l, 1), Z_l (n_l, m)
    A_l = f_l(Z_l)                 hidden layers: tanh, relu, sigmoid, linear, leaky-relu, elu,
                                   softplus, silu or sine, one for all or one per layer
    output Z_L (1, m):
      classification  A_L = sigmoid(Z_L),  loss = log loss computed from Z_L (never log(0)),
                                           or (A_L - Y)^2 with loss="squared" (heads.py)
      regression      A_L = Z_L,           loss = (A_L - Y)^2 (the cost is the mean squared error)

With no hidden layer this is the article's single neuron (``W_1`` is ``w^T``, shape (1, n_0));
``neuron.SingleNeuron`` is that neuron written as the article writes it, for the tests.

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

``Network`` (here) is the one model: it owns the parameters and is the readable float64
reference (prediction, cost, per-layer outputs). It knows nothing of training: the steppers in
``neuron_core.training`` read its parameters, train a working copy and write them back
(``training.stepper.make_stepper`` picks one). The output heads are in ``heads``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig, layer_activations
from neuron_core.model.activations import Activation, get_activation
from neuron_core.model.heads import HEADS
from neuron_core.model.init import init_params, layer_inits
from neuron_core.model.softmax import AnyHead, head_for, output_units

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
# Training, prediction and cost process X in blocks of at most this many columns, so memory stays
# bounded for huge full batches (10M samples) and the per-layer buffers stay in cache. Measured
# on a 2-core machine with an (8, 8) network: 4096 is within ~10% of the best single-threaded
# block size, and larger blocks let OpenBLAS split the small products across threads, which was
# 5 to 10 times slower when the other core was busy.
BLOCK_COLS = 4096

Arrays = list[FloatArray]


# ---------------------------------------------------------------------------------------------
# Flat parameter layout
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
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

    def views(self, flat: FloatArray) -> tuple[Arrays, Arrays, Arrays]:
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

    ``activation`` is one name for every hidden layer or a comma list, one per layer
    (``activations`` holds one object per hidden layer). ``problem`` picks the output: sigmoid +
    log loss (``classification``; ``loss="squared"``: squared error) or linear + squared error
    (``regression``). Weights are initialised with ``init`` from ``init_seed`` (init.py;
    ``auto`` is resolved by the hidden layers and the activation);
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
        loss: str = "log",
        classes: int = 2,
    ) -> None:
        if problem not in HEADS:
            raise ValueError(f"problem must be classification or regression, got {problem!r}")
        outputs = output_units(problem, classes)
        self.sizes: tuple[int, ...] = (int(n_inputs), *(int(h) for h in hidden), outputs)
        names = layer_activations(activation, len(hidden))
        self.activations: list[Activation] = [get_activation(n) for n in names]
        # The first hidden layer's (tanh without hidden layers), for code that shows one.
        self.activation: Activation = self.activations[0] if names else get_activation("tanh")
        self.problem = problem
        self.loss = loss  # regression (and a softmax) ignore it (head_for)
        # 3 to 10 classes: a softmax output of K units (softmax.py); 2: the sigmoid neuron.
        self.classes = int(classes) if outputs > 1 else (2 if problem == "classification" else 1)
        self._head: AnyHead = head_for(problem, classes, loss)
        params = init_params(self.sizes, layer_inits(init, self.sizes[1:-1], activation), init_seed)
        self.weights: list[F64] = params[0::2]
        self.biases: list[F64] = params[1::2]

    @classmethod
    def from_config(cls, cfg: ModelConfig, n_inputs: int) -> Network:
        """The network described by ``cfg`` for ``n_inputs`` inputs, freshly initialised."""
        return cls(
            n_inputs,
            cfg.hidden,
            cfg.activation,
            cfg.problem,
            cfg.init,
            cfg.init_seed,
            cfg.loss,
            cfg.classes,
        )

    @staticmethod
    def param_shapes(
        n_inputs: int, hidden: tuple[int, ...], outputs: int = 1
    ) -> list[tuple[int, int]]:
        """The shapes ``get_params()`` has for ``n_inputs`` inputs, the ``hidden`` widths and
        ``outputs`` output units (K for K >= 3 classes), without building the network:
        ``[(n_1, n_0), (n_1, 1), ..., (outputs, n_{L-1}), (outputs, 1)]``."""
        sizes = (int(n_inputs), *(int(h) for h in hidden), int(outputs))
        shapes: list[tuple[int, int]] = []
        for rows, cols in zip(sizes[1:], sizes[:-1], strict=True):
            shapes += [(rows, cols), (rows, 1)]
        return shapes

    @property
    def head(self) -> AnyHead:
        """The output layer with its loss (``heads``, or ``softmax`` for 3+ classes)."""
        return self._head

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
                self.activations[layer].forward(A, out=A)  # in place: A_l = f_l(Z_l)
            outs.append(A)
        return outs

    def logits(self, X: NDArray[np.floating]) -> F64:
        """Output pre-activation ``Z_L`` (n_L, m) for X (n_0, m), in column blocks (bounds memory);
        n_L is 1, or K for a K-class softmax."""
        m = X.shape[1]
        Z = np.empty((self.sizes[-1], m))
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
        """Probability of class 1 (classification) or predicted value (regression), (1, m);
        with K >= 3 classes the probability of every class, (K, m)."""
        return self._head.output(self.logits(X))

    def predict(self, X: NDArray[np.floating]) -> F64:
        """Class 0.0/1.0 (``A_L > 0.5``, i.e. ``Z_L > 0``) or the predicted value, (1, m);
        with K >= 3 classes the most probable class ``0.0 .. K-1`` (argmax of the logits)."""
        Z = self.logits(X)
        if Z.shape[0] > 1:
            best: F64 = np.argmax(Z, axis=0).astype(np.float64).reshape(1, -1)
            return best
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

    # -- parameters ---------------------------------------------------------------------------
    def get_params(self) -> list[F64]:
        """Copies ``[W1 (n_1, n_0), b1 (n_1, 1), W2, b2, ..., W_L (1, n_{L-1}), b_L (1, 1)]``."""
        out: list[F64] = []
        for W, b in zip(self.weights, self.biases, strict=True):
            out += [W.copy(), b.copy()]
        return out

    def set_params(self, params: list[F64]) -> None:
        """Replace every parameter (copied as float64) from a list ordered as ``get_params``.

        Raises ``ValueError`` on a wrong count or shape.
        """
        expected = [s for W, b in zip(self.weights, self.biases, strict=True) for s in (W, b)]
        if len(params) != len(expected):
            raise ValueError(f"expected {len(expected)} parameter arrays, got {len(params)}")
        new: list[F64] = []
        for i, (p, ref) in enumerate(zip(params, expected, strict=True)):
            arr = np.array(p, dtype=np.float64)
            if arr.shape != ref.shape:
                raise ValueError(f"parameter {i} must have shape {ref.shape}, got {arr.shape}")
            new.append(arr)
        self.weights = new[0::2]
        self.biases = new[1::2]
