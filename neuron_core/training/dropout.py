"""Inverted dropout on the hidden layers while training: the masks and their seeded stream.

With dropout rate ``p`` (keep probability ``q = 1 - p``), at every training step each hidden
unit of each sample is kept with probability ``q``: the layer's output ``A_l`` (n_l, w) becomes
``D_l = A_l * M_l`` with ``M_l`` = ``1/q`` where kept and 0 where dropped ("inverted": the
``1/q`` keeps the expected value of each unit, so evaluation simply uses every unit, unscaled).
The next layer reads ``D_l``; backpropagation multiplies the gradient reaching ``A_l`` by the
same ``M_l`` (``dA_l = M_l * (W_{l+1}^T dZ_{l+1})``).

The masks come from their own generator, ``default_rng([seed, DROPOUT_STREAM])`` with the run's
training seed, drawn block by block and layer by layer in a fixed order: the same config and
seed give the same masks, so a run is reproducible bit for bit. Its state is saved with the run
(``dropout_rng``, encoded like the shuffling's) so a continued run draws the same masks too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from neuron_core.training.shuffle import rng_state, rng_words

FloatArray = NDArray[np.floating]

# The dropout generator's stream next to the seed (the shuffling uses the seed alone).
DROPOUT_STREAM = 0x44524F50  # "DROP"
# The entry of a stepper's ``state()`` that holds the generator, and its length.
STATE_LENGTHS = {"dropout_rng": 10}


class MaskSource(Protocol):
    """Fills a hidden layer's mask for one block of one training step."""

    def fill(self, layer: int, mask: FloatArray) -> None:
        """Write the mask of hidden ``layer`` (0 = the first) into ``mask`` (n_l, w)."""
        ...


class Dropout:
    """Random inverted-dropout masks with rate ``rate`` (0 <= rate < 1) from ``seed``."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = float(rate)
        self._rng = np.random.default_rng([int(seed), DROPOUT_STREAM])

    def fill(self, layer: int, mask: FloatArray) -> None:
        """``mask`` (n_l, w) = ``1/q`` with probability ``q = 1 - rate``, else 0 (uniform draws
        in the mask's dtype, kept where below ``q``). ``layer`` does not change the draw: the
        order of the calls does."""
        keep = 1.0 - self.rate
        self._rng.random(out=mask)
        np.less(mask, keep, out=mask)
        np.multiply(mask, 1.0 / keep, out=mask)

    def state(self) -> dict[str, NDArray[np.int64]]:
        """``dropout_rng`` (10,) int64: the generator's state (``shuffle.rng_words``)."""
        return {"dropout_rng": rng_words(self._rng.bit_generator.state)}

    def restore(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from ``state()``; ``ValueError`` if it is not a valid generator state."""
        self._rng.bit_generator.state = rng_state(np.asarray(state["dropout_rng"]))
