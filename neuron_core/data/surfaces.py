"""The two-input regression generators of ``neuron_core.data.datasets``: ``reg-plane`` (a plane a
single linear unit fits exactly) and ``reg-bumps`` (gaussian bumps it cannot). Each returns
``X`` (2, m) uniform on [-5, 5]^2 and the clean target ``Y`` (1, m); the noise is added by
``datasets.generate``."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# reg-plane: y = w . x + b.
_PLANE_W = (0.6, -0.4)
_PLANE_B = 1.0
# reg-bumps: (center x1, center x2, amplitude, width) of each gaussian bump.
_BUMPS = ((-2.0, -1.5, 1.0, 1.2), (2.5, 1.5, -0.8, 1.5), (0.0, 3.0, 0.6, 1.0))


def gen_reg_plane(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # y = 0.6 x1 - 0.4 x2 + 1 on the square [-5, 5]^2.
    X = rng.uniform(-5.0, 5.0, (2, m))
    Y = _PLANE_W[0] * X[0] + _PLANE_W[1] * X[1] + _PLANE_B
    return X, Y.reshape(1, m)


def gen_reg_bumps(m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    # y = sum_k a_k exp(-|x - c_k|^2 / (2 s_k^2)): a smooth surface a plane cannot fit.
    X = rng.uniform(-5.0, 5.0, (2, m))
    Y = np.zeros(m)
    for c1, c2, amp, width in _BUMPS:
        Y += amp * np.exp(-((X[0] - c1) ** 2 + (X[1] - c2) ** 2) / (2.0 * width * width))
    return X, Y.reshape(1, m)
