"""The model protocol the trainer drives, and ``build_model`` which picks the implementation.

A model owns its parameters and knows its math (``predict_proba``, ``cost``); a *stepper* is the
fast training loop for one model, one data set and one training config, made by
``model.make_stepper``. Steppers keep their own working copy of the parameters (in the training
dtype, possibly transformed for speed) and write them back with ``sync``; ``state``/``set_state``
carry the rest of what a continued run needs (optimizer memory, mini-batch order) for saving.

Two implementations: ``NeuronModel`` (the article's single neuron with its dedicated fast
full-batch gradient descent) for exactly the article's setting, and ``network.Network`` for
everything else (hidden layers, regression, other optimizers, mini-batches, regularisation,
non-zero init). A network without hidden layers is the same neuron, so a run can move between
the two when its training config changes: both accept each other's parameter layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig, TrainConfig
from neuron_core.model.network import Network
from neuron_core.training.fast_neuron import NeuronStepper, SingleNeuron

F64 = NDArray[np.float64]


class Stepper(Protocol):
    """A running optimisation of one model on one training set."""

    def run(self, costs: F64, k: int) -> int:
        """Run up to ``k`` iterations writing each cost into ``costs[j]``; return how many ran
        (fewer means the next cost was not finite; the parameters are the last finite ones)."""
        ...

    def set_config(self, cfg: TrainConfig) -> None:
        """Apply a changed training config (learning rate, regularisation...) from now on."""
        ...

    def sync(self) -> None:
        """Write the stepper's current parameters back into its model (float64)."""
        ...

    def state(self) -> dict[str, NDArray[Any]]:
        """Copies of everything besides the parameters and the config that the next
        iterations depend on (optimizer memory, step count, mini-batch order), as named 1-D
        float64 or int64 arrays; empty when there is none."""
        ...

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        """Continue from ``state()`` of a stepper built with the same model shape, data and
        config; an empty mapping keeps the fresh state. ``ValueError`` if it does not fit."""
        ...

    def close(self) -> None:
        """Let go of what the stepper holds outside this thread (the fast neuron's helper
        process) now rather than at garbage collection. Not while ``run`` is running."""
        ...


class Model(Protocol):
    """What the trainer and the UI need from a model; X is (n_features, m), outputs (1, m)."""

    problem: str

    def predict_proba(self, X: NDArray[np.floating]) -> F64:
        """Probability of class 1 (classification) or the predicted value (regression), (1, m)."""
        ...

    def predict(self, X: NDArray[np.floating]) -> F64:
        """Predicted class 0/1 (classification) or value (regression), shape (1, m)."""
        ...

    def cost(self, X: NDArray[np.floating], Y: NDArray[np.floating]) -> float:
        """Mean loss over the m samples (log loss, or mean squared error for regression); the
        data loss only, without any regularisation penalty."""
        ...

    def layer_outputs(self, X: NDArray[np.floating]) -> list[F64]:
        """Output of every layer for X (n, m): hidden activations (n_l, m), then the output
        ``predict_proba(X)`` (1, m) last."""
        ...

    def get_params(self) -> list[F64]:
        """Copies of every parameter array, in a fixed order (``[W1, b1, W2, b2, ...]``; the
        single neuron gives ``[w (n, 1), b (1, 1)]``)."""
        ...

    def set_params(self, params: list[F64]) -> None:
        """Replace every parameter array (shapes must match ``get_params``)."""
        ...

    def make_stepper(self, X: NDArray[np.floating], Y: F64, cfg: TrainConfig) -> Stepper:
        """A fast training loop over X (n, m), Y (1, m) with ``cfg``."""
        ...


class _NeuronGD:
    """Adapts ``NeuronStepper`` (plain full-batch gradient descent) to the ``Stepper`` protocol."""

    def __init__(self, model: NeuronModel, X: NDArray[np.floating], Y: F64, cfg: TrainConfig):
        self.model = model
        self.inner = NeuronStepper(X, Y, model.w, model.b, cfg.lr, cfg.dtype)

    def run(self, costs: F64, k: int) -> int:
        return self.inner.run(costs, k)

    def set_config(self, cfg: TrainConfig) -> None:
        self.inner.set_lr(cfg.lr)

    def sync(self) -> None:
        self.model.w, self.model.b = self.inner.params()

    def state(self) -> dict[str, NDArray[Any]]:
        # Plain gradient descent remembers nothing between steps but the parameters.
        return {}

    def set_state(self, state: Mapping[str, NDArray[Any]]) -> None:
        if state:
            raise ValueError(
                f"full-batch gradient descent of one neuron has no training state; got "
                f"entries {sorted(state)}"
            )

    def close(self) -> None:
        self.inner.close()


class NeuronModel(SingleNeuron):
    """``SingleNeuron`` as a ``Model``: classification, full-batch gradient descent."""

    problem = "classification"

    def make_stepper(self, X: NDArray[np.floating], Y: F64, cfg: TrainConfig) -> Stepper:
        """Full-batch gradient descent with ``cfg.lr`` in ``cfg.dtype``."""
        return _NeuronGD(self, X, Y, cfg)

    def layer_outputs(self, X: NDArray[np.floating]) -> list[F64]:
        """The only layer is the output: ``[predict_proba(X) (1, m)]``."""
        return [self.predict_proba(X)]

    def set_params(self, params: list[F64]) -> None:
        """Set ``[w (n, 1), b (1, 1)]``; a network's ``[W1 (1, n), b1 (1, 1)]`` is accepted too."""
        if len(params) != 2:
            raise ValueError(f"expected 2 parameter arrays (w, b), got {len(params)}")
        w, b = params
        if w.size == self.n_features and w.shape != (self.n_features, 1):
            w = np.asarray(w, dtype=np.float64).reshape(self.n_features, 1)
        super().set_params([w, b])


def uses_fast_neuron(model_cfg: ModelConfig, train_cfg: TrainConfig) -> bool:
    """True when the run is the article's setting: one neuron, classification, full-batch plain GD
    with zero init and no regularisation; that case has a dedicated fast stepper."""
    return (
        model_cfg.hidden == ()
        and model_cfg.problem == "classification"
        and model_cfg.init == "zeros"
        and train_cfg.optimizer == "gd"
        and train_cfg.batch_size is None
        and train_cfg.l1 == 0.0
        and train_cfg.l2 == 0.0
    )


def build_model(model_cfg: ModelConfig, n_inputs: int, train_cfg: TrainConfig) -> Model:
    """The model for ``model_cfg`` with ``n_inputs`` inputs, initialised as configured:
    ``NeuronModel`` when ``uses_fast_neuron`` holds, a ``network.Network`` otherwise."""
    model_cfg.validate()
    if uses_fast_neuron(model_cfg, train_cfg):
        return NeuronModel(n_inputs)
    return Network.from_config(model_cfg, n_inputs)
