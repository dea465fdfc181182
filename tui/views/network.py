"""The network's parameters arranged by layer: what the network diagram draws (plain data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui.text import printable

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class NetworkParams:
    """A model's parameters arranged by layer, as the diagram needs them.

    ``weights[k]`` (n_{k+1}, n_k) and ``biases[k]`` (n_{k+1},) for k = 0..L-1: layer k of
    ``model.layer_outputs`` (the hidden layers, then the output). ``input_names`` has n_0 names;
    ``activation`` is the hidden layers' activation, one name or a comma list with one per
    layer (None without hidden layers), ``problem``
    decides the output's (sigmoid for classification, linear for regression).
    """

    weights: tuple[F64, ...]
    biases: tuple[F64, ...]
    input_names: tuple[str, ...]
    activation: str | None
    problem: str

    @classmethod
    def from_params(
        cls,
        params: Sequence[NDArray[np.floating]],
        input_names: tuple[str, ...],
        activation: str | None,
        problem: str,
    ) -> NetworkParams:
        """From ``model.get_params()``: ``[W1 (n_1, n_0), b1 (n_1, 1), ..., W_L (1, n_{L-1}),
        b_L (1, 1)]``, or the single neuron's ``[w (n, 1), b (1, 1)]``.

        Missing input names become ``x1``, ``x2``...; ``ValueError`` when the shapes do not chain.
        """
        if len(params) < 2 or len(params) % 2:
            raise ValueError(f"expected [W1, b1, W2, b2, ...], got {len(params)} arrays")
        weights: list[F64] = []
        biases: list[F64] = []
        for k in range(0, len(params), 2):
            W = np.array(params[k], dtype=np.float64)
            b = np.array(params[k + 1], dtype=np.float64).reshape(-1)
            if len(params) == 2 and b.shape[0] == 1:
                W = W.reshape(1, -1)  # one layer: a single output unit, whatever the layout
            if W.ndim != 2 or W.shape[0] != b.shape[0]:
                raise ValueError(f"layer {k // 2 + 1}: W {W.shape} does not fit b {b.shape}")
            if weights and W.shape[1] != weights[-1].shape[0]:
                raise ValueError(
                    f"layer {k // 2 + 1} takes {W.shape[1]} inputs but layer {k // 2} has "
                    f"{weights[-1].shape[0]} units"
                )
            weights.append(W)
            biases.append(b)
        n0 = int(weights[0].shape[1])
        # Input names are data (CSV columns): escaped for the terminal (``tui.text``).
        names = tuple(
            printable(input_names[i]) if i < len(input_names) else f"x{i + 1}" for i in range(n0)
        )
        return cls(tuple(weights), tuple(biases), names, activation, problem)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n_0, n_1, ..., n_L)``: inputs, then the units of every layer."""
        return (int(self.weights[0].shape[1]), *(int(W.shape[0]) for W in self.weights))

    @property
    def n_layers(self) -> int:
        """L, the layers with weights (the hidden layers and the output)."""
        return len(self.weights)

    @property
    def scale(self) -> float:
        """The largest finite |w| over every weight (biases excluded), 0.0 if there is none."""
        best = 0.0
        for W in self.weights:
            a = np.abs(W[np.isfinite(W)])
            if a.size:
                best = max(best, float(a.max()))
        return best

    def unit_label(self, layer: int, unit: int) -> str:
        """``h2.3`` (layer 2, unit 3 counted from 1) for a hidden unit, ``out`` for the output;
        ``out0`` .. ``out9`` for the outputs of a softmax over K classes (the class index)."""
        if layer == self.n_layers - 1:
            return f"out{unit}" if self.sizes[-1] > 1 else "out"
        return f"h{layer + 1}.{unit + 1}"

    def output_label(self, layer: int, unit: int) -> str:
        """What a unit's output plot shades: ``h2.3 output``, or ``model output`` for the
        output unit (its output is the model's prediction)."""
        name = self.unit_label(layer, unit)
        if layer == self.n_layers - 1 and self.sizes[-1] > 1:
            return f"P(class {unit})"
        return "model output" if layer == self.n_layers - 1 else f"{name} output"

    def source_label(self, layer: int, i: int) -> str:
        """Name of input ``i`` of ``layer``: an input's name, or the previous layer's unit."""
        return self.input_names[i] if layer == 0 else self.unit_label(layer - 1, i)

    def function(self, layer: int) -> str:
        """The activation of ``layer``: the hidden one, or the output's (sigmoid / linear)."""
        if layer == self.n_layers - 1 and self.sizes[-1] > 1:
            return "softmax"
        if layer == self.n_layers - 1:
            return "sigmoid" if self.problem == "classification" else "linear"
        names = (self.activation or "?").split(",")
        return names[layer] if len(names) > 1 and layer < len(names) else names[0]

    def same_as(self, other: NetworkParams) -> bool:
        """True when ``other`` draws exactly the same (equal names, functions and values)."""
        return (
            self.input_names == other.input_names
            and self.activation == other.activation
            and self.problem == other.problem
            and len(self.weights) == len(other.weights)
            and all(
                a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
                for a, b in zip(
                    self.weights + self.biases, other.weights + other.biases, strict=True
                )
            )
        )
