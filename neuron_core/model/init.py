"""Initial weights: zeros, uniform, Xavier/Glorot and He, reproducible from a seed.

A network with layer sizes ``(n_0, n_1, ..., n_L)`` (``n_0`` inputs, ``n_L = 1`` output) has a
weight matrix ``W_l`` of shape (n_l, n_{l-1}) and a bias ``b_l`` of shape (n_l, 1) per layer.
Biases always start at 0; the weights are drawn as follows (``fan_in = n_{l-1}``,
``fan_out = n_l``):

    zeros     W = 0                                  (the article's choice for one neuron)
    uniform   W ~ U(-0.5, 0.5)                       (TensorFlow Playground's default range)
    xavier    W ~ U(-r, r), r = sqrt(6 / (fan_in + fan_out))   (Glorot & Bengio, for tanh)
    he        W ~ N(0, 2 / fan_in)                   (He et al., for ReLU)
    auto      zeros without hidden layers (the article's neuron, first cost ln 2); with hidden
              layers, per layer, he for the ReLU family (relu, leaky-relu, elu), xavier for
              the others (``layer_inits``)

Layer ``l`` draws from its own stream ``default_rng([seed, l])``: the same seed always gives the
same weights, and resizing one layer does not change the draws of the layers before it.

Zero weights are fine for one neuron but not with hidden layers: every unit of a layer then
computes the same function and receives the same update, so the units stay identical forever
(``symmetric_init_warning`` says so in words the app and the CLI can show).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import INITS, ModelConfig, layer_activations
from neuron_core.model.activations import RELU_FAMILY

F64 = NDArray[np.float64]

UNIFORM_LIMIT = 0.5


def layer_inits(scheme: str, hidden: tuple[int, ...], activation: str) -> tuple[str, ...]:
    """The scheme of each weight matrix (``len(hidden) + 1``, output last): ``auto`` is
    ``zeros`` for a network without hidden layers (convex, so zeros is a fine start and gives
    the article's exact figures); with hidden layers, the weights into a hidden layer are ``he``
    when its activation is of the ReLU family (relu, leaky-relu, elu: He keeps the variance of
    the half that passes) and ``xavier`` otherwise (tanh, sigmoid, linear, softplus, silu, sine),
    and the output weights follow the last hidden layer. Any other scheme is every layer's."""
    if scheme != "auto":
        return (scheme,) * (len(hidden) + 1)
    if not hidden:
        return ("zeros",)
    names = layer_activations(activation, len(hidden))
    schemes = tuple("he" if name in RELU_FAMILY else "xavier" for name in names)
    return (*schemes, schemes[-1])


def resolve_init(scheme: str, hidden: tuple[int, ...], activation: str) -> str:
    """The scheme ``scheme`` stands for (``layer_inits``): one name when every layer has the
    same, else a comma list, one per weight matrix (``"he,xavier,xavier"``)."""
    schemes = layer_inits(scheme, hidden, activation)
    return schemes[0] if len(set(schemes)) == 1 else ",".join(schemes)


def init_weight(scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> F64:
    """One weight matrix (fan_out, fan_in) drawn with ``scheme`` (see the module docstring;
    ``auto`` must be resolved first, by ``resolve_init``)."""
    shape = (fan_out, fan_in)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme == "uniform":
        return rng.uniform(-UNIFORM_LIMIT, UNIFORM_LIMIT, shape)
    if scheme == "xavier":
        r = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-r, r, shape)
    if scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    raise ValueError(f"init must be one of {', '.join(INITS)}; got {scheme!r}")


def init_params(sizes: tuple[int, ...], scheme: str | tuple[str, ...], seed: int) -> list[F64]:
    """Initial ``[W1, b1, W2, b2, ...]`` for layer sizes ``(n_0, ..., n_L)``.

    ``W_l`` is (n_l, n_{l-1}) drawn with ``scheme`` (one for every layer, or one per layer as
    ``layer_inits`` gives) from ``default_rng([seed, l])``; ``b_l`` is zeros (n_l, 1). All
    float64 and C-contiguous.
    """
    schemes = (scheme,) * (len(sizes) - 1) if isinstance(scheme, str) else scheme
    params: list[F64] = []
    for layer in range(1, len(sizes)):
        rng = np.random.default_rng([seed, layer])
        params.append(init_weight(schemes[layer - 1], sizes[layer - 1], sizes[layer], rng))
        params.append(np.zeros((sizes[layer], 1)))
    return params


def symmetric_init_warning(model_cfg: ModelConfig) -> str | None:
    """A warning when ``model_cfg`` starts hidden units identical (zero init with hidden layers),
    else ``None``. The run still works; it just cannot use more than one unit per layer."""
    if model_cfg.init != "zeros" or not model_cfg.hidden:
        return None
    return (
        "zero initialisation with hidden layers: every neuron of a layer starts with the same "
        "weights and gets the same update, so they stay identical and each layer acts like a "
        "single neuron. Choose uniform, xavier or he initialisation to break the symmetry."
    )
