"""The activations beyond the article's: leaky ReLU, ELU, softplus, SiLU (swish) and sine.

The formulas, derivatives and the way each avoids overflow are in ``activations``' docstring;
``activations.ACTIVATIONS`` lists these with the others.
"""

from __future__ import annotations

import numpy as np

from neuron_core.model.activation_base import Activation, FloatArray, out_buffer
from neuron_core.numerics import sigmoid


class LeakyRelu(Activation):
    """``max(z, 0.01 z)``: ReLU with a small slope for ``z < 0``, so no unit stops learning."""

    name = "leaky-relu"
    slope = 0.01

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        out = out_buffer(z, out)
        np.maximum(z, z * self.slope, out=out)
        return out

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.greater(a, 0.0, out=out)  # 1 or 0, then 1 or slope
        np.multiply(out, 1.0 - self.slope, out=out)
        np.add(out, self.slope, out=out)
        np.multiply(out, da, out=out)
        return out


class Elu(Activation):
    """``z`` for ``z > 0``, ``e^z - 1`` below (alpha 1): smooth, tends to -1 for large negative z.

    Forward as ``max(z, expm1(min(z, 0)))`` (``e^z - 1 >= z``, and ``exp`` of a non-positive
    number never overflows); the derivative ``e^z = a + 1`` below 0, i.e. ``min(a, 0) + 1``."""

    name = "elu"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        neg = np.minimum(z, 0.0)
        np.expm1(neg, out=neg)
        return np.maximum(z, neg, out=out_buffer(z, out))

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.minimum(a, 0.0, out=out)
        np.add(out, 1.0, out=out)
        np.multiply(out, da, out=out)
        return out


class Softplus(Activation):
    """``log(1 + e^z)`` as ``max(z, 0) + log1p(e^-|z|)`` (no overflow); a smooth ReLU.

    Its derivative is ``sigmoid(z)``, and ``e^-a = 1/(1 + e^z) = 1 - sigmoid(z)``, so it is
    ``-expm1(-a)`` from the output alone (accurate for tiny ``a`` too)."""

    name = "softplus"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        t = np.abs(z)
        np.negative(t, out=t)
        np.exp(t, out=t)
        np.log1p(t, out=t)
        out = np.maximum(z, 0.0, out=out_buffer(z, out))
        np.add(out, t, out=out)
        return out

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.negative(a, out=out)
        np.expm1(out, out=out)
        np.negative(out, out=out)
        np.multiply(out, da, out=out)
        return out


class Silu(Activation):
    """SiLU (swish) ``z sigmoid(z)``, derivative ``s (1 + z (1 - s))``; needs ``z`` (it is not
    monotonic, so ``a`` does not tell ``z``)."""

    name = "silu"
    uses_z = True

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        s = np.asarray(sigmoid(z), dtype=z.dtype)
        return np.multiply(z, s, out=out_buffer(z, out))

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        if z is None:
            raise ValueError("silu's derivative needs the pre-activations z")
        out = out_buffer(a, out)
        s = np.asarray(sigmoid(z), dtype=z.dtype)
        np.subtract(1.0, s, out=out)
        np.multiply(out, z, out=out)
        np.add(out, 1.0, out=out)
        np.multiply(out, s, out=out)
        np.multiply(out, da, out=out)
        return out


class Sine(Activation):
    """``sin(z)``, derivative ``cos(z)``; periodic, so it needs ``z`` for the derivative."""

    name = "sine"
    uses_z = True

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.sin(z, out=out_buffer(z, out))

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        if z is None:
            raise ValueError("sine's derivative needs the pre-activations z")
        out = np.cos(z, out=out_buffer(a, out))
        np.multiply(out, da, out=out)
        return out
