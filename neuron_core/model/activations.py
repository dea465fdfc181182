"""Hidden-layer activations, each forward pass next to its derivative (micrograd style).

An activation maps a layer's pre-activations ``Z`` (n_l, m) elementwise to its outputs
``A = f(Z)`` (n_l, m). Backpropagation needs ``dZ = dA * f'(Z)``; for the four functions here
``f'(Z)`` is a function of ``A`` alone, so the forward pass keeps only ``A``::

    tanh      f(z) = tanh(z)            f'(z) = 1 - a^2
    relu      f(z) = max(z, 0)          f'(z) = 1 if a > 0 else 0   (0 at the kink z = 0)
    sigmoid   f(z) = 1 / (1 + e^-z)     f'(z) = a (1 - a)
    linear    f(z) = z                  f'(z) = 1

Both methods take an optional ``out`` array so the training loop can reuse preallocated buffers.
``forward`` may write in place (``out`` may be ``z``); ``backward`` uses ``out`` as scratch, so
there ``out`` must not be ``da`` or ``a``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from neuron_core.numerics import sigmoid

FloatArray = NDArray[np.floating]


def _buffer(like: FloatArray, out: FloatArray | None) -> FloatArray:
    return np.empty_like(like) if out is None else out


class Activation(ABC):
    """Base class: ``forward(z) = f(z)`` and ``backward(a, da) = da * f'(z)`` with ``a = f(z)``."""

    name: ClassVar[str] = ""

    @abstractmethod
    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``A = f(Z)`` elementwise, any shape; written into ``out`` (may be ``z``) if given."""

    @abstractmethod
    def backward(self, a: FloatArray, da: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``dZ = dA * f'(Z)`` from the outputs ``a = f(z)`` and upstream gradient ``da``."""


class Tanh(Activation):
    """``tanh(z)``, derivative ``1 - tanh(z)^2``; zero-centred, saturates at +-1."""

    name = "tanh"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.tanh(z, out=_buffer(z, out))

    def backward(self, a: FloatArray, da: FloatArray, out: FloatArray | None = None) -> FloatArray:
        out = _buffer(a, out)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        np.multiply(out, da, out=out)
        return out


class Relu(Activation):
    """``max(z, 0)``, derivative 1 where the unit is active (``a > 0``), else 0."""

    name = "relu"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.maximum(z, 0.0, out=_buffer(z, out))

    def backward(self, a: FloatArray, da: FloatArray, out: FloatArray | None = None) -> FloatArray:
        out = _buffer(a, out)
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

    def backward(self, a: FloatArray, da: FloatArray, out: FloatArray | None = None) -> FloatArray:
        out = _buffer(a, out)
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

    def backward(self, a: FloatArray, da: FloatArray, out: FloatArray | None = None) -> FloatArray:
        out = _buffer(a, out)
        np.copyto(out, da)
        return out


ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (Tanh(), Relu(), Sigmoid(), Linear())
}


def get_activation(name: str) -> Activation:
    """The activation called ``name`` (one of ``config.ACTIVATIONS``); ``KeyError`` otherwise."""
    return ACTIVATIONS[name]
