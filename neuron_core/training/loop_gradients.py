"""The cost and gradient of a network computed by the training loop's own code
(``NetworkStepper``), for the finite-difference checks: what they check is what training uses."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig
from neuron_core.model.network import Network
from neuron_core.training.dropout import MaskSource
from neuron_core.training.network_stepper import NetworkStepper

F64 = NDArray[np.float64]


def loss_and_gradients(
    net: Network,
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    l1: float = 0.0,
    l2: float = 0.0,
    masks: MaskSource | None = None,
) -> tuple[float, list[F64]]:
    """Cost (data loss + penalty) of ``net`` on the full batch X (n_0, m), Y (1, m) and its
    gradient ``[dW1, db1, dW2, db2, ...]`` (shapes as ``get_params``), in float64.

    Computed by the training loop's own code, so checking these against finite differences
    checks what training uses. ``masks``: fixed dropout masks (the same at every call).
    """
    cfg = TrainConfig(lr=1.0, optimizer="gd", l1=l1, l2=l2, dtype="float64")
    Y64 = np.asarray(Y, dtype=np.float64)
    stepper = NetworkStepper(net, X, Y64, cfg)
    stepper.mask_source = masks
    return stepper.cost_and_gradients()
