"""One forward and backward pass of a network over a block of columns, in preallocated buffers.

``NetworkStepper`` splits every batch into column blocks (``network.BLOCK_COLS`` at most) and
runs this pass on each; the buffers of a block width are made once and reused at every step.
The maths is the backpropagation written out in ``model.network``'s docstring; dropout
(``dropout``, masks from a ``MaskSource``) multiplies each hidden layer's output by its mask
forward and the gradient reaching it by the same mask backward.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from neuron_core.model.activations import Activation
from neuron_core.model.softmax import AnyHead
from neuron_core.training.dropout import MaskSource

FloatArray = NDArray[np.floating]


class BlockPass:
    """Forward + backward pass over one block of ``w`` columns, with preallocated buffers.

    ``acts`` (one per hidden layer) says which layers keep their pre-activations ``Z_l``
    (activations with ``uses_z``); the dropout masks and outputs are made on first use."""

    def __init__(
        self,
        sizes: tuple[int, ...],
        w: int,
        dtype: np.dtype[np.floating],
        acts: Sequence[Activation] = (),
    ) -> None:
        layers = range(1, len(sizes))
        self.x = np.empty((sizes[0], w), dtype=dtype)  # gathered mini-batch inputs
        self.y = np.empty((1, w), dtype=dtype)
        self.A = [np.empty((sizes[i], w), dtype=dtype) for i in layers]  # A_l (Z_L for the last)
        self.dZ = [np.empty((sizes[i], w), dtype=dtype) for i in layers]
        self.dA = [np.empty((sizes[i], w), dtype=dtype) for i in layers]
        self.Z: list[FloatArray | None] = [
            np.empty_like(self.A[i]) if i < len(acts) and acts[i].uses_z else None
            for i in range(len(self.A))
        ]
        self.M: list[FloatArray] = []  # dropout masks of the hidden layers
        self.D: list[FloatArray] = []  # the hidden outputs after dropout
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
        acts: Sequence[Activation],
        head: AnyHead,
        scale: float,
        dropout: MaskSource | None = None,
    ) -> float:
        """Sum of the losses of the block X (n_0, w), Y (1, w); writes ``scale *`` the gradient
        of that sum into ``dWs`` (n_l, n_{l-1}) and ``dbs`` (n_l,). ``acts``: the activation of
        each hidden layer; ``dropout``: the masks of this step (None: no dropout)."""
        dot = np.dot
        L = len(Ws)
        if dropout is not None and not self.M:
            self.M = [np.empty_like(a) for a in self.A[:-1]]
            self.D = [np.empty_like(a) for a in self.A[:-1]]
        inputs = self.D if dropout is not None else self.A  # what layer l + 1 reads
        A_in = X
        for layer in range(L):
            A = self.A[layer]
            Z = self.Z[layer]
            Z = A if Z is None else Z  # Z_l in place of A_l unless the derivative needs it
            dot(Ws[layer], A_in, out=Z)
            np.add(Z, bs[layer], out=Z)
            if layer < L - 1:
                acts[layer].forward(Z, out=A)
                if dropout is not None:
                    dropout.fill(layer, self.M[layer])
                    np.multiply(A, self.M[layer], out=self.D[layer])
                A_in = inputs[layer]
        total = head.forward_backward(
            self.A[L - 1], Y, self.dZ[L - 1], scale, self.work, self.ones, self.sums
        )
        for layer in range(L - 1, -1, -1):
            dZ = self.dZ[layer]
            A_in = X if layer == 0 else inputs[layer - 1]
            dot(dZ, A_in.T, out=dWs[layer])
            dot(dZ, self.ones, out=dbs[layer])
            if layer > 0:
                dA = self.dA[layer - 1]
                dot(Ws[layer].T, dZ, out=dA)
                if dropout is not None:
                    np.multiply(dA, self.M[layer - 1], out=dA)
                acts[layer - 1].backward(
                    self.A[layer - 1], dA, out=self.dZ[layer - 1], z=self.Z[layer - 1]
                )
        return total
