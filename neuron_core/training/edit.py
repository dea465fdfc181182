"""Changing a run by hand: one weight or bias (and the cost at the new parameters), or the data.

A person sets, say, the weight from ``x2`` into the hidden unit ``h1.3`` to ``-1.5`` and watches
the decision surface move. ``edited`` returns a trainer that continues the run from the edited
parameters: same data, settings, history, initial parameters (so ``reset`` still returns to the
start), training time and optimizer memory (momentum, Adam moments, mini-batch order), built
through the same public path that opens a saved run (``Trainer(..., history, params)`` and
``Trainer.restore``). The old trainer is left as it was.

Indices follow ``Network.layer_outputs``: ``layer`` 0 is the first hidden layer (or the output
of a network without one), the last is the output; ``unit`` counts the neurons of that layer
from 0; ``source`` is the index of the input (the previous layer's unit, or the data's input
feature for layer 0) the weight comes from, or ``None`` for the unit's bias. In the parameter
list ``[W1 (n_1, n_0), b1 (n_1, 1), ..., W_L (1, n_{L-1}), b_L (1, 1)]`` that is
``W_{layer+1}[unit, source]`` or ``b_{layer+1}[unit, 0]``.

The cost returned is the one the training curve plots, computed afresh at the edited
parameters on the whole training set: the data loss (mean log loss, or mean squared error)
plus the penalty ``l1 sum|W| + l2/2 sum W^2`` (``Network.cost`` + ``Network.penalty``). With a
full batch it is exactly the cost the next iteration records, since an iteration records the
cost before its update.

``with_data`` continues a run on its data with points placed or removed by hand
(``data.hand_points``), from the parameters it has.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.data.dataset import Dataset
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]

# The largest |value| a person may type: far beyond any weight training produces here, and small
# enough that the forward pass of a typical input stays finite (tanh and sigmoid saturate).
MAX_ABS_VALUE = 1e6


@dataclass(frozen=True)
class ParamEdit:
    """Set one parameter to ``value``: the weight from input ``source`` into ``unit`` of
    ``layer``, or that unit's bias when ``source`` is None (indices: see the module docstring)."""

    layer: int
    unit: int
    source: int | None
    value: float


def parse_value(text: str) -> float:
    """The number in ``text`` (``1.5``, ``-2e-3``...); ``ValueError`` with the reason in words
    when it is not a finite number of at most ``MAX_ABS_VALUE`` in size."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError(f"must be between -{MAX_ABS_VALUE:g} and {MAX_ABS_VALUE:g}")
    return value


def with_edits(params: Sequence[F64], edits: Sequence[ParamEdit]) -> list[F64]:
    """Copies of ``params`` (``get_params()`` order) with ``edits`` applied in turn.
    ``ValueError`` (nothing changed) for an index outside the network or a bad value."""
    out = [np.array(p, dtype=np.float64) for p in params]
    n_layers = len(out) // 2
    for e in edits:
        if not 0 <= e.layer < n_layers:
            raise ValueError(f"layer {e.layer} is not in a network of {n_layers} layers")
        W, b = out[2 * e.layer], out[2 * e.layer + 1]
        if not 0 <= e.unit < W.shape[0]:
            raise ValueError(f"layer {e.layer} has no unit {e.unit}")
        if not math.isfinite(e.value) or abs(e.value) > MAX_ABS_VALUE:
            raise ValueError(f"invalid value {e.value!r}")
        if e.source is None:
            b[e.unit, 0] = e.value
        elif 0 <= e.source < W.shape[1]:
            W[e.unit, e.source] = e.value
        else:
            raise ValueError(f"layer {e.layer} has no input {e.source}")
    return out


def edited(trainer: Trainer, edits: Sequence[ParamEdit]) -> tuple[Trainer, float]:
    """A trainer continuing ``trainer``'s run from its current parameters with ``edits``
    applied, and the training cost at those parameters (see the module docstring).

    Call while ``trainer`` is not running. A run that had ended (diverged, stopped early or at
    its target cost) is open again with the new parameters; one at its last iteration stays
    completed. ``ValueError`` (nothing changed) when an edit does not fit the network.
    """
    params = with_edits(trainer.model.get_params(), edits)
    fresh = Trainer(
        trainer.data, trainer.model_cfg, trainer.train_cfg, history=trainer.history, params=params
    )
    # "paused" keeps what the constructor derived from the history: ready, paused, completed.
    fresh.restore(trainer.initial_params, "paused", "", trainer.seconds, trainer.stepper_state())
    return fresh, training_cost(fresh)


def training_cost(trainer: Trainer) -> float:
    """The cost the training curve plots, at ``trainer``'s current parameters over its whole
    training set: data loss + ``l1 sum|W| + l2/2 sum W^2`` (see ``model.network``)."""
    cfg, model = trainer.train_cfg, trainer.model
    return model.cost(trainer.X_train, trainer.data.Y_train) + model.penalty(cfg.l1, cfg.l2)


def with_data(trainer: Trainer, data: Dataset) -> Trainer:
    """A trainer continuing ``trainer``'s run from its current parameters on ``data``, the same
    data with points placed or removed by hand (``data.hand_points``): same settings, history,
    initial parameters and training time. The optimizer memory goes on; a mini-batch order that
    no longer fits the new number of training points starts afresh (and with it, the
    optimizer's memory: the two are restored together). Call while ``trainer`` is not running.
    """
    params = trainer.model.get_params()
    fresh = Trainer(
        data, trainer.model_cfg, trainer.train_cfg, history=trainer.history, params=params
    )
    state = trainer.stepper_state()
    optimizer = {k: v for k, v in state.items() if k.startswith("opt_")}
    for kept in (state, optimizer, {}):
        try:
            fresh.restore(trainer.initial_params, "paused", "", trainer.seconds, kept)
        except ValueError:
            continue
        break
    return fresh
