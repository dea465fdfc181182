"""``BlockPass``'s forward and backward pass over a whole training set held in one block, with
every NumPy call prepared once: the same operations in the same order, so the same bits.

At the sizes the app trains (a few layers of up to a few dozen units, ~1,000 samples) an
iteration is about fifty NumPy calls on small arrays, and what a call costs besides its
arithmetic decides the speed (issue 15). ``BlockPass.run`` pays, at every call, for the keyword
``out=`` (parsed by NumPy at each call, ~0.25 us), for Python floats that NumPy converts to a
0-d array of the working dtype (~0.4 us each), for new ``.T`` views and for the lookups of a
general loop. ``FullBatchPass`` is built once per stepper for its one full-batch block and
keeps all of that ready: the views (``X.T``, ``W_l.T``, the head's rows), the constants as 0-d
arrays of the dtype (NumPy converts a Python float to exactly that value before the
operation, so the results do not change) and ``out`` passed by position.

Only the log-loss head (``heads.LogLossHead``) is written out here, operation for operation as
in its ``forward_backward``; any other head is called through its own ``forward_backward``.
Activations are called through the ``Activation`` interface, except ``tanh`` whose derivative
``dA (1 - A^2)`` is written out with the same three operations as ``Tanh.backward``.
``tests/core/test_full_batch_pass.py`` checks that both passes give the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from neuron_core.model.activations import Activation, Tanh
from neuron_core.model.heads import LogLossHead
from neuron_core.model.softmax import AnyHead
from neuron_core.training.block_pass import BlockPass

FloatArray = NDArray[np.floating]
LOG2 = math.log(2.0)

# One layer of the forward pass: W_l, its input A_{l-1} (X for the first), Z_l (then A_l, in
# place), b_l (n_l, 1), and whether the activation follows (every layer but the output).
_Forward = tuple[FloatArray, FloatArray, FloatArray, FloatArray, bool]
# One layer of the backward pass: dZ_l, A_{l-1}.T, dW_l, db_l, and for every layer but the
# first (W_l.T, dA_{l-1}, A_{l-1}, dZ_{l-1}) to carry the gradient down.
_Down = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
_Backward = tuple[FloatArray, FloatArray, FloatArray, FloatArray, _Down | None]


class FullBatchPass:
    """``BlockPass.run`` for one block, with everything a call needs prepared; see the module.

    Built for fixed arrays: X (n_0, w), Y (1, w), the parameter views ``Ws`` (n_l, n_{l-1}),
    ``bs`` (n_l, 1), the gradient views ``dWs``, ``dbs`` (n_l,) and the buffers of ``bp``; a
    stepper that replaces any of them builds a new one. ``run()`` returns the sum of the
    losses and writes ``scale *`` its gradient, as ``BlockPass.run`` does.
    """

    def __init__(
        self,
        bp: BlockPass,
        X: FloatArray,
        Y: FloatArray,
        Ws: list[FloatArray],
        bs: list[FloatArray],
        dWs: list[FloatArray],
        dbs: list[FloatArray],
        act: Activation,
        head: AnyHead,
        scale: float,
    ) -> None:
        dt = X.dtype
        L = len(Ws)
        inputs = [X, *bp.A[: L - 1]]  # what layer l reads: X, then A_1 .. A_{L-1}
        self._forward: list[_Forward] = [
            (Ws[i], inputs[i], bp.A[i], bs[i], i < L - 1) for i in range(L)
        ]
        self._backward: list[_Backward] = []
        for i in range(L - 1, -1, -1):
            down = None if i == 0 else (Ws[i].T, bp.dA[i - 1], bp.A[i - 1], bp.dZ[i - 1])
            self._backward.append((bp.dZ[i], inputs[i].T, dWs[i], dbs[i], down))
        # tanh: ``Tanh.forward`` is ``np.tanh`` into ``out``; called directly, out by position.
        self._act_forward: Callable[[FloatArray, FloatArray], FloatArray] = (
            np.tanh if isinstance(act, Tanh) else act.forward
        )
        self._act_backward: Callable[[FloatArray, FloatArray, FloatArray], FloatArray] = (
            self._tanh_backward if isinstance(act, Tanh) else act.backward
        )
        self._head = head
        self._log_loss = isinstance(head, LogLossHead)
        self._bp = bp
        self._z, self._y, self._dz = bp.A[L - 1], Y, bp.dZ[L - 1]
        self._z0, self._y0 = self._z[0], Y[0]
        work = bp.work
        self._T, self._R, self._R0, self._R1 = work[0:1], work[1:3], work[1:2], work[2:3]
        self._base = int(X.shape[1]) * LOG2
        self._scale = float(scale)
        self._c_scale = np.array(scale, dtype=dt)
        self._half = np.array(0.5, dtype=dt)
        self._zero = np.array(0.0, dtype=dt)
        self._one = np.array(1.0, dtype=dt)

    def _tanh_backward(self, a: FloatArray, da: FloatArray, out: FloatArray) -> FloatArray:
        """``Tanh.backward``: ``out = (1 - a^2) da``, the same three operations."""
        np.multiply(a, a, out)
        np.subtract(self._one, out, out)
        np.multiply(out, da, out)
        return out

    def _log_loss_head(self) -> float:
        """``LogLossHead.forward_backward`` on the output block, the same operations in the
        same order: the sum of the losses, and ``dz = scale (sigmoid(z) - y)``."""
        z, y, dz, T, R, R0 = self._z, self._y, self._dz, self._T, self._R, self._R0
        half, mul = self._half, np.multiply
        mul(z, half, T)
        np.tanh(T, T)
        np.abs(T, R0)
        np.log1p(R0, R0)
        np.maximum(z, self._zero, out=self._R1)  # (positional out is deprecated here)
        sums = self._bp.sums
        np.dot(R, self._bp.ones, sums)
        zy = float(np.dot(self._z0, self._y0))
        total = self._base - float(sums[0]) + float(sums[1]) - zy
        mul(T, half, dz)
        np.add(dz, half, dz)
        np.subtract(dz, y, dz)
        mul(dz, self._c_scale, dz)
        return total

    def run(self) -> float:
        """Sum of the losses over the block; ``scale *`` its gradient into ``dWs``, ``dbs``."""
        dot, add = np.dot, np.add
        forward = self._act_forward
        for W, A_in, Z, b, hidden in self._forward:
            dot(W, A_in, Z)
            add(Z, b, Z)
            if hidden:
                forward(Z, Z)
        if self._log_loss:
            total = self._log_loss_head()
        else:
            bp = self._bp
            total = self._head.forward_backward(
                self._z, self._y, self._dz, self._scale, bp.work, bp.ones, bp.sums
            )
        ones, backward = self._bp.ones, self._act_backward
        for dZ, A_inT, dW, db, down in self._backward:
            dot(dZ, A_inT, dW)
            dot(dZ, ones, db)
            if down is not None:
                WT, dA, A_prev, dZ_prev = down
                dot(WT, dZ, dA)
                backward(A_prev, dA, dZ_prev)
        return total
