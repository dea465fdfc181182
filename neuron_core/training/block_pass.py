"""One forward and backward pass of a network over a block of columns, in preallocated buffers.

``NetworkStepper`` splits every batch into column blocks (``network.BLOCK_COLS`` at most) and
runs this pass on each; the buffers of a block width are made once and reused at every step.
The maths is the backpropagation written out in ``model.network``'s docstring.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neuron_core.model.activations import Activation
from neuron_core.model.heads import Head

FloatArray = NDArray[np.floating]


class BlockPass:
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
