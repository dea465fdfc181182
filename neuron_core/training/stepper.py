"""The stepper protocol the trainer drives, and the one place where a stepper is chosen.

The model is always a ``network.Network``: it owns its parameters and knows its maths. A
*stepper* is the fast training loop for one network, one data set and one training config: it
keeps its own working copy of the parameters (in the training dtype, possibly transformed for
speed) and writes them back into the network with ``sync``; ``state``/``set_state`` carry the
rest of what a continued run needs (optimizer memory, mini-batch order) for saving.

``make_stepper`` picks the implementation: ``fast_neuron.NeuronStepper`` when the network has no
hidden layer and is trained as in the article (classification, plain gradient descent, full
batch, no regularisation: ``NeuronStepper.fits``), ``network_stepper.NetworkStepper`` otherwise.
Both read and write the same parameters, so a run whose config moves it from one to the other
(L2 turned on mid-run, or off again) continues from exactly the parameters it had.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.network import Network
from neuron_core.training.dropout import STATE_LENGTHS as DROPOUT_STATE_LENGTHS
from neuron_core.training.fast_neuron import NeuronStepper
from neuron_core.training.network_stepper import NetworkStepper
from neuron_core.training.optim import state_limits as optimizer_state_limits
from neuron_core.training.shuffle import STATE_LENGTHS as SHUFFLE_STATE_LENGTHS

F64 = NDArray[np.float64]


class Stepper(Protocol):
    """A running optimisation of one network on one training set."""

    def run(self, costs: F64, k: int, start: int = 0) -> int:
        """Run up to ``k`` iterations writing each cost into ``costs[j]``; return how many ran
        (fewer means the next cost was not finite; the parameters are the last finite ones).
        ``start``: the run's number of the first iteration (the learning-rate schedule's t)."""
        ...

    def set_config(self, cfg: TrainConfig) -> None:
        """Apply a changed training config (learning rate, regularisation...) from now on; only
        for changes that ``keeps_stepper`` allows."""
        ...

    def sync(self) -> None:
        """Write the stepper's current parameters back into its network (float64)."""
        ...

    def state(self) -> dict[str, NDArray[Any]]:
        """Copies of everything besides the parameters and the config that the next
        iterations depend on (optimizer memory, step count, mini-batch order), as named 1-D
        float64 or int64 arrays."""
        ...

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from ``state()`` of a stepper built with the same network shape, data and
        config; an empty mapping keeps the fresh state. ``ValueError`` if it does not fit."""
        ...


def make_stepper(
    model: Network, X: NDArray[np.floating], Y: NDArray[np.floating], cfg: TrainConfig
) -> Stepper:
    """The training loop for ``model`` over X (n_0, m), Y (1, m) with ``cfg``, starting from the
    model's current parameters: the fast single-neuron stepper where it fits, else the general
    one."""
    if NeuronStepper.fits(model, cfg):
        return NeuronStepper(model, X, Y, cfg)
    return NetworkStepper(model, X, np.asarray(Y, dtype=np.float64), cfg)


def keeps_stepper(model: Network, old: TrainConfig, new: TrainConfig) -> bool:
    """True when a stepper made for ``old`` takes ``new`` through ``set_config`` (learning rate,
    ``l1``/``l2``, iterations, stop conditions), keeping its optimizer memory. A new dtype,
    optimizer, batch size or seed, or a change that moves the run between the fast and the
    general stepper, needs a new stepper from the current parameters."""
    same = (old.dtype, old.optimizer, old.batch_size, old.seed) == (
        new.dtype,
        new.optimizer,
        new.batch_size,
        new.seed,
    )
    return same and NeuronStepper.fits(model, old) == NeuronStepper.fits(model, new)


def state_limits(n_values: int) -> dict[str, int]:
    """Every entry the ``state()`` of a stepper can hold for a network of ``n_values``
    parameters (all arrays together), with its length: the optimizer's step count and memory
    (``opt_*``, of every optimizer: both steppers keep the parameters in one flat vector, so
    each memory slot is one array of ``n_values``), the mini-batch order (``shuffle_*``) and
    the dropout masks' generator (``dropout_rng``).
    The store refuses a saved state with any other entry, or a longer one, before reading it."""
    limits = {f"opt_{name}": size for name, size in optimizer_state_limits([n_values]).items()}
    limits.update(SHUFFLE_STATE_LENGTHS)
    limits.update(DROPOUT_STATE_LENGTHS)
    return limits
