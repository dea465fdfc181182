"""Hidden-layer activations, each forward pass next to its derivative (micrograd style).

An activation maps a layer's pre-activations ``Z`` (n_l, m) elementwise to its outputs
``A = f(Z)`` (n_l, m). Backpropagation needs ``dZ = dA * f'(Z)``; for most functions here
``f'(Z)`` is a function of ``A`` alone, so the forward pass keeps only ``A``::

    tanh        f(z) = tanh(z)                  f'(z) = 1 - a^2
    relu        f(z) = max(z, 0)                f'(z) = 1 if a > 0 else 0   (0 at the kink z = 0)
    sigmoid     f(z) = 1 / (1 + e^-z)           f'(z) = a (1 - a)
    linear      f(z) = z                        f'(z) = 1
    leaky-relu  f(z) = max(z, 0.01 z)           f'(z) = 1 if a > 0 else 0.01
    elu         f(z) = z if z > 0 else e^z - 1  f'(z) = 1 if a > 0 else a + 1
    softplus    f(z) = log(1 + e^z)             f'(z) = sigmoid(z) = 1 - e^-a
    silu        f(z) = z sigmoid(z)  (swish)    f'(z) = s (1 + z (1 - s)),  s = sigmoid(z)
    sine        f(z) = sin(z)                   f'(z) = cos(z)

SiLU and sine are not monotonic, so their derivative needs ``Z`` itself: they say so with
``uses_z`` and the training loop keeps ``Z`` for them. Every formula is computed without
overflow for any finite ``z`` (softplus as ``max(z, 0) + log1p(e^-|z|)``, ELU from
``expm1(min(z, 0))``, the sigmoids through ``tanh``).

Both methods take an optional ``out`` array so the training loop can reuse preallocated buffers.
``forward`` may write in place (``out`` may be ``z``); ``backward`` uses ``out`` as scratch, so
there ``out`` must not be ``da``, ``a`` or ``z``.
"""

from __future__ import annotations

import numpy as np

from neuron_core.model.activation_base import Activation, FloatArray, out_buffer
from neuron_core.model.activations_more import Elu, LeakyRelu, Silu, Sine, Softplus
from neuron_core.numerics import sigmoid

__all__ = ["ACTIVATIONS", "RELU_FAMILY", "Activation", "FloatArray", "get_activation"]


class Tanh(Activation):
    """``tanh(z)``, derivative ``1 - tanh(z)^2``; zero-centred, saturates at +-1."""

    name = "tanh"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.tanh(z, out=out_buffer(z, out))

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        np.multiply(out, da, out=out)
        return out


class Relu(Activation):
    """``max(z, 0)``, derivative 1 where the unit is active (``a > 0``), else 0."""

    name = "relu"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.maximum(z, 0.0, out=out_buffer(z, out))

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.greater(a, 0.0, out=out)  # 1.0 / 0.0 in the float buffer
        np.multiply(out, da, out=out)
        return out


class Sigmoid(Activation):
    """``1/(1+exp(-z))`` (as ``0.5 + 0.5 tanh(z/2)``: no overflow), derivative ``a(1-a)``."""

    name = "sigmoid"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        if out is None:
            return sigmoid(z)
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        np.multiply(out, 0.5, out=out)
        np.add(out, 0.5, out=out)
        return out

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.subtract(1.0, a, out=out)
        np.multiply(out, a, out=out)
        np.multiply(out, da, out=out)
        return out


class Linear(Activation):
    """The identity ``z``, derivative 1: a layer of linear units (stacked, still a linear model)."""

    name = "linear"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        if out is None:
            return np.array(z, copy=True)
        if out is not z:
            np.copyto(out, z)
        return out

    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        out = out_buffer(a, out)
        np.copyto(out, da)
        return out


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (Tanh(), Relu(), Sigmoid(), Linear(), LeakyRelu(), Elu(), Softplus(), Silu(), Sine())
}
# He initialisation suits these (``init.resolve_init``): zero (or nearly) for z < 0, z above.
RELU_FAMILY: tuple[str, ...] = ("relu", "leaky-relu", "elu")


def get_activation(name: str) -> Activation:
    """The activation called ``name`` (one of ``config.ACTIVATIONS``); ``KeyError`` otherwise."""
    return ACTIVATIONS[name]
