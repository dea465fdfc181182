"""Optimizers: gradient descent, momentum and Adam, updating parameter arrays in place.

Each optimizer is built for a list of parameter arrays (it allocates its state with the same
shapes and dtype) and then ``step(params, grads)`` updates every ``p`` from its gradient ``g``
(same shape) in place. ``lr`` is a plain attribute: a new value applies from the next step. The
gradients are left untouched. With ``t`` the step number (1, 2, ...)::

    gd         p <- p - lr g
    momentum   v <- beta v + g;          p <- p - lr v              (heavy ball, beta = 0.9, v0 = 0)
    adam       m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
               p <- p - lr mhat / (sqrt(vhat) + eps),  mhat = m / (1 - b1^t), vhat = v / (1 - b2^t)
               (b1 = 0.9, b2 = 0.999, eps = 1e-8; Kingma & Ba 2015)

The network's stepper keeps all its parameters in one flat vector, so in practice these loops
run once per step over a single array.

``state()``/``set_state()`` copy the optimizer's whole memory (step count, velocity, moments) out
and back as flat float64/int64 arrays, so a saved run continues exactly where it stopped.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import OPTIMIZERS

FloatArray = NDArray[np.floating]

MOMENTUM = 0.9
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8


class Optimizer(ABC):
    """Updates a fixed list of parameter arrays from their gradients, in place.

    ``SLOTS`` names the per-parameter memory (``_slots``), as it appears in ``state()``.
    """

    SLOTS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: Sequence[FloatArray], lr: float) -> None:
        self.lr = float(lr)
        self.t = 0  # steps taken
        # Scratch buffers so a step allocates nothing.
        self._tmp = [np.empty_like(p) for p in params]

    @abstractmethod
    def step(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        """Apply one update to every ``params[i]`` using ``grads[i]`` (same shapes)."""

    def _slots(self) -> dict[str, list[FloatArray]]:
        """The per-parameter memory by name (``velocity``, or ``m`` and ``v``); none for GD."""
        return {}

    def state(self) -> dict[str, NDArray[Any]]:
        """A copy of everything the next steps depend on besides the parameters and ``lr``.

        ``t`` is an int64 array (1,); every memory array ``params[i]``-shaped is given flattened
        as float64 ``<slot>_<i>`` (a float32 value converts to float64 and back exactly).
        """
        out: dict[str, NDArray[Any]] = {"t": np.array([self.t], dtype=np.int64)}
        for name, arrays in self._slots().items():
            for i, a in enumerate(arrays):
                out[f"{name}_{i}"] = a.astype(np.float64).reshape(-1)
        return out

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Restore a ``state()`` taken from an optimizer of the same kind on same-shaped params.

        Raises ``ValueError`` (and changes nothing) when an entry is missing, extra, of the
        wrong size or kind, or when ``t`` is negative.
        """
        slots = self._slots()
        expected = {"t"} | {f"{n}_{i}" for n, arrays in slots.items() for i in range(len(arrays))}
        if set(state) != expected:
            raise ValueError(
                f"optimizer state has entries {sorted(state)}, expected {sorted(expected)}"
            )
        t = np.asarray(state["t"])
        if t.shape != (1,) or t.dtype.kind not in "iu" or int(t[0]) < 0:
            raise ValueError("optimizer state 't' must be one non-negative whole number")
        new: list[tuple[FloatArray, NDArray[Any]]] = []
        for name, arrays in slots.items():
            for i, a in enumerate(arrays):
                src = np.asarray(state[f"{name}_{i}"])
                if src.dtype.kind != "f" or src.shape != (a.size,):
                    raise ValueError(
                        f"optimizer state '{name}_{i}' must be {a.size} floats, got "
                        f"{src.dtype} {src.shape}"
                    )
                new.append((a, src))
        self.t = int(t[0])
        for a, src in new:
            a[...] = src.reshape(a.shape)


class GradientDescent(Optimizer):
    """Plain gradient descent: ``p <- p - lr g``."""

    def step(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        self.t += 1
        for p, g, tmp in zip(params, grads, self._tmp, strict=True):
            np.multiply(g, self.lr, out=tmp)
            np.subtract(p, tmp, out=p)


class Momentum(Optimizer):
    """Gradient descent with momentum: ``v <- beta v + g``, ``p <- p - lr v`` (``v`` starts at 0).

    ``v`` is a running sum of past gradients decaying by ``beta`` per step, so steady directions
    speed up (by up to ``1/(1-beta)`` = 10x) and oscillating ones cancel out.
    """

    SLOTS = ("velocity",)

    def __init__(self, params: Sequence[FloatArray], lr: float, beta: float = MOMENTUM) -> None:
        super().__init__(params, lr)
        self.beta = float(beta)
        self.velocity = [np.zeros_like(p) for p in params]

    def _slots(self) -> dict[str, list[FloatArray]]:
        return {"velocity": self.velocity}

    def step(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        self.t += 1
        for p, g, v, tmp in zip(params, grads, self.velocity, self._tmp, strict=True):
            np.multiply(v, self.beta, out=v)
            np.add(v, g, out=v)
            np.multiply(v, self.lr, out=tmp)
            np.subtract(p, tmp, out=p)


class Adam(Optimizer):
    """Adam: moving averages of the gradient (``m``) and its square (``v``), bias-corrected.

    Every parameter moves by about ``lr`` per step whatever the scale of its gradient, which
    is why Adam copes with badly scaled inputs. Implemented in the equivalent form
    ``p <- p - lr_t m / (sqrt(v) + eps_t)`` with ``lr_t = lr sqrt(1-b2^t) / (1-b1^t)`` and
    ``eps_t = eps sqrt(1-b2^t)``, which needs no ``mhat``/``vhat`` arrays.
    """

    SLOTS = ("m", "v")

    def __init__(
        self,
        params: Sequence[FloatArray],
        lr: float,
        beta1: float = ADAM_BETA1,
        beta2: float = ADAM_BETA2,
        eps: float = ADAM_EPS,
    ) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        # m and v of a parameter are the two rows of one array, and so are g (1 - b1) and
        # g^2 (1 - b2): both moments take one call per operation (a step is ~10 NumPy calls on
        # small arrays, where each call's overhead is most of its time). The constants are
        # columns of the parameter's dtype, the value NumPy gives a Python float there.
        self._mv = [np.zeros((2, *p.shape), dtype=p.dtype) for p in params]
        self.m = [mv[0] for mv in self._mv]
        self.v = [mv[1] for mv in self._mv]
        self._gg = [np.empty((2, *p.shape), dtype=p.dtype) for p in params]
        self._betas = [_column((beta1, beta2), p) for p in params]
        self._decays = [_column((1.0 - beta1, 1.0 - beta2), p) for p in params]
        self._tmp2 = [np.empty_like(p) for p in params]

    def _slots(self) -> dict[str, list[FloatArray]]:
        return {"m": self.m, "v": self.v}

    def step(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        root = math.sqrt(1.0 - b2**self.t)
        lr_t = self.lr * root / (1.0 - b1**self.t)
        eps_t = self.eps * root
        mul = np.multiply
        for p, g, mv, gg, betas, decays, tmp, tmp2 in zip(
            params,
            grads,
            self._mv,
            self._gg,
            self._betas,
            self._decays,
            self._tmp,
            self._tmp2,
            strict=True,
        ):
            m, v = mv
            # m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2  (each product rounded as written)
            np.copyto(gg[0], g)
            mul(g, g, gg[1])
            mul(gg, decays, gg)
            mul(mv, betas, mv)
            np.add(mv, gg, mv)
            np.sqrt(v, tmp)
            np.add(tmp, eps_t, tmp)
            np.divide(m, tmp, tmp2)
            mul(tmp2, lr_t, tmp2)
            np.subtract(p, tmp2, p)


def _column(values: tuple[float, float], like: FloatArray) -> FloatArray:
    """``values`` as a (2, 1, ...) column of ``like``'s dtype, to scale the two rows of a
    (2, *like.shape) array."""
    return np.array(values, dtype=like.dtype).reshape((2,) + (1,) * like.ndim)


def make_optimizer(name: str, params: Sequence[FloatArray], lr: float) -> Optimizer:
    """The optimizer called ``name`` (``gd``, ``momentum`` or ``adam``) for ``params``."""
    if name == "gd":
        return GradientDescent(params, lr)
    if name == "momentum":
        return Momentum(params, lr)
    if name == "adam":
        return Adam(params, lr)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}")


def state_limits(sizes: Sequence[int]) -> dict[str, int]:
    """Every entry that ``state()`` of any optimizer built for parameter arrays of ``sizes``
    values holds, with its length: ``t`` (1) and ``<slot>_<i>`` (``sizes[i]``) for every slot of
    every optimizer (``SLOTS``)."""
    limits = {"t": 1}
    for cls in (GradientDescent, Momentum, Adam):
        for slot in cls.SLOTS:
            limits.update({f"{slot}_{i}": int(size) for i, size in enumerate(sizes)})
    return limits
