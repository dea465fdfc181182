"""The interface every hidden-layer activation follows (``activations`` lists them all).

``forward(z) = f(z)`` elementwise and ``backward(a, da) = da * f'(z)`` with ``a = f(z)``; an
activation whose derivative is not a function of ``a`` sets ``uses_z`` and reads ``z`` too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating]


def out_buffer(like: FloatArray, out: FloatArray | None) -> FloatArray:
    """``out``, or a new array shaped like ``like`` when it is None."""
    return np.empty_like(like) if out is None else out


class Activation(ABC):
    """Base class: ``forward(z) = f(z)`` and ``backward(a, da) = da * f'(z)`` with ``a = f(z)``."""

    name: ClassVar[str] = ""
    # True when ``backward`` needs the pre-activations ``z`` (f' is not a function of a).
    uses_z: ClassVar[bool] = False

    @abstractmethod
    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``A = f(Z)`` elementwise, any shape; written into ``out`` (may be ``z``) if given."""

    @abstractmethod
    def backward(
        self,
        a: FloatArray,
        da: FloatArray,
        out: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> FloatArray:
        """``dZ = dA * f'(Z)`` from the outputs ``a = f(z)`` and upstream gradient ``da`` (and
        the pre-activations ``z``, which only the activations with ``uses_z`` read)."""
