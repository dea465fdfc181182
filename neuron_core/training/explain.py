"""The article's equations with a run's numbers filled in: what the app's Math view shows.

For one sample ``i`` (a column of the training inputs X, (n_0, m)) and one neuron ``j`` of layer
``l`` (``l = L - 1`` and ``j = 0``: the output neuron, which for a network with no hidden layer
is the article's single neuron)::

    inputs   a_in = A_{l-1}[:, i]              (n_{l-1},)  the sample itself for the first layer
    forward  z = W_l[j, :] . a_in + b_l[j]      the pre-activation
             a = f(z)                           sigmoid at a classification output, the hidden
                                                activation inside, z itself at a regression one
    loss     L_i = loss(z_L[i], y_i)            the sample's own loss (log loss or squared error)
    cost     J = (1/m) sum_i L_i + penalty      what the trainer records for the next iteration
    share    dz = dZ_l[j, i]                    the sample's share of the backpropagated gradient
                                                (``(a - y_i)/m`` at the article's neuron)
    gradient dw = dW_l[j, :] = sum_i dZ_l[j, i] A_{l-1}[:, i]   (+ the penalty's gradient)
             db = db_l[j]    = sum_i dZ_l[j, i]
    update   w <- w - lr dw,  b <- b - lr db    plain gradient descent (``optimizer="gd"``)

``J``, ``dw`` and ``db`` come from the training loop's own code (``loss_and_gradients``), so the
numbers shown are the ones the next full-batch iteration uses; the per-sample values come from
the float64 reference forward pass (``Network.layer_outputs``) of that one sample and the
backpropagation written out below, which the tests check against the training loop's gradient
(a column's share of ``dZ`` depends on that column alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import ModelConfig, TrainConfig
from neuron_core.model.heads import head_for
from neuron_core.model.network import Network
from neuron_core.training.loop_gradients import loss_and_gradients

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]


@dataclass(frozen=True)
class UnitMath:
    """One neuron's numbers for one sample (see the module docstring for every symbol).

    ``inputs``, ``weights``, ``dw`` and ``w_next`` have shape (n_{l-1},); the rest are scalars.
    ``plain_gd`` is False when the run's optimizer is not plain gradient descent or uses
    mini-batches (then ``w_next`` is what full-batch gd would do, not what the next step does).
    """

    layer: int
    unit: int
    output: bool  # the output neuron (the article's neuron when there is no hidden layer)
    sample: int
    m: int
    inputs: F64
    y: float
    weights: F64
    bias: float
    z: float
    a: float
    loss: float
    cost: float
    dz: float
    dw: F64
    db: float
    lr: float
    w_next: F64
    b_next: float
    plain_gd: bool


def explain_unit(
    model_cfg: ModelConfig,
    train_cfg: TrainConfig,
    params: list[F64],
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    sample: int,
    layer: int = -1,
    unit: int = 0,
) -> UnitMath:
    """The numbers of neuron ``unit`` of layer ``layer`` (as ``Network.layer_outputs`` counts,
    -1: the output) for column ``sample`` of X (n_0, m) with labels Y (1, m), at ``params``
    (ordered as ``Network.get_params``), trained with ``train_cfg``. ``sample`` and ``unit`` are
    wrapped into range, so any integer picks one."""
    net = Network.from_config(model_cfg, int(X.shape[0]))
    net.set_params(params)
    n_layers = len(net.weights)
    layer = layer % n_layers
    unit = unit % net.sizes[layer + 1]
    m = int(X.shape[1])
    i = sample % m
    X64 = np.asarray(X, dtype=np.float64)
    Y64 = np.asarray(Y, dtype=np.float64)
    cost, grads = loss_and_gradients(net, X64, Y64, train_cfg.l1, train_cfg.l2)
    # A diverged run's last parameters may overflow here: the numbers are shown as inf or nan.
    # The sample's own forward and backward pass: a column's dZ depends on that column alone
    # (the 1/m of the cost included), so one column is enough.
    x_i, y_i = X64[:, i : i + 1], Y64[:, i : i + 1]
    with np.errstate(all="ignore"):
        outs = net.layer_outputs(x_i)  # [A_1, ..., A_L] (n_l, 1), A_L the head's output
        dZ = _backprop(net, x_i, y_i, outs, layer, m)
        inputs = x_i[:, 0] if layer == 0 else outs[layer - 1][:, 0]
        W, b = net.weights[layer], net.biases[layer]
        z = float(W[unit] @ inputs + b[unit, 0])
        zL = float(net.logits(x_i)[0, 0])
        loss = float(head_for(net.problem, net.loss).loss(np.array([[zL]]), y_i)[0, 0])
    dw = grads[2 * layer][unit].copy()
    db = float(grads[2 * layer + 1][unit, 0])
    lr = train_cfg.lr
    return UnitMath(
        layer=layer, unit=unit, output=layer == n_layers - 1, sample=i, m=m,
        inputs=inputs.copy(), y=float(Y64[0, i]), weights=W[unit].copy(),
        bias=float(b[unit, 0]), z=z, a=float(outs[layer][unit, 0]), loss=loss, cost=cost,
        dz=float(dZ[unit, 0]), dw=dw, db=db, lr=lr, w_next=_minus(W[unit], lr * dw),
        b_next=float(b[unit, 0]) - lr * db,
        plain_gd=train_cfg.optimizer == "gd" and train_cfg.batch_size in (None, m),
    )  # fmt: skip


def _minus(a: F64, b: F64) -> F64:
    """``a - b`` elementwise, inf - inf giving nan without a warning (a diverged run)."""
    with np.errstate(all="ignore"):
        return np.asarray(a - b, dtype=np.float64)


def _backprop(net: Network, X: F64, Y: F64, outs: list[F64], layer: int, m: int) -> F64:
    """``dZ_layer`` (n_{layer+1}, k) for k columns X (n_0, k) with labels Y (1, k) and layer
    outputs ``outs``: the cost's gradient with respect to that layer's pre-activations, for a
    cost averaged over ``m`` samples (the network module's backpropagation, written out)::

        dZ_L = the head's gradient at Z_L, scaled by 1/m (log loss: (A_L - Y)/m)
        dZ_{l-1} = (W_l^T dZ_l) * f_{l-1}'(Z_{l-1}),  f' from A_{l-1} (and Z_{l-1} for SiLU, sine)
    """
    k = int(Y.shape[1])
    zL = net.logits(X)
    dZ: FloatArray = np.empty((1, k))
    head_for(net.problem, net.loss).forward_backward(
        zL, Y, dZ, 1.0 / m, np.empty((3, k)), np.ones(k), np.empty(2)
    )
    for upper in range(len(net.weights) - 1, layer, -1):
        dA = net.weights[upper].T @ dZ
        below = upper - 1  # the hidden layer under ``upper``
        act = net.activations[below]
        A_in = X if below == 0 else outs[below - 1]
        z = net.weights[below] @ A_in + net.biases[below] if act.uses_z else None
        dZ = act.backward(outs[below], dA, z=z)
    return np.asarray(dZ, dtype=np.float64)
