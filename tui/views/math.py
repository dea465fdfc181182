"""What the Math view says: the article's equations with the engine's numbers filled in.

``math_lines`` turns one neuron's numbers (``neuron_core.training.explain.UnitMath``) into a few
lines of text (a header with the iteration and the sample first), every number written by
``num`` (4 significant digits, so a person can check each one by hand and a test can find each
one on screen). For the article's single neuron::

    iteration 12 · sample 8 of 1000: x = (0.42, -1.3), y = 1
    z = w·x + b = 0.812·0.42 + (-0.301)·(-1.3) + 0.05 = 0.7823
    a = σ(z) = 0.6862   loss = -[y ln a + (1-y) ln(1-a)] = 0.3765
    J = (1/m) Σ loss = 0.4123   (all 1000 samples: the cost n records)
    dw = X(A - Y)ᵀ/m = (-0.031, 0.078)   db = Σ(A - Y)/m = -0.012
    w ← w - α·dw = (0.812, -0.301) - 0.1·(-0.031, 0.078) = (0.815, -0.309)
    b ← b - α·db = 0.05 - 0.1·(-0.012) = 0.0512   (the step n makes)

A neuron of a network says the same of its own inputs (the previous layer's outputs), its
activation, and its share ``dz`` of the gradient backpropagated from the output. Plain data: no
widget is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from neuron_core.training.explain import UnitMath

_FUNCTIONS = {
    "sigmoid": "σ(z)",
    "tanh": "tanh(z)",
    "relu": "max(0, z)",
    "linear": "z",
}


def num(value: float) -> str:
    """A number as the Math view writes it: 4 significant digits (``-0.0312``, ``1.25e-05``)."""
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def _par(value: float) -> str:
    """A number inside a product: negative ones in parentheses, ``(-0.3)``."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def vec(values: NDArray[np.float64] | Sequence[float]) -> str:
    """A vector, ``(0.812, -0.301)``."""
    return "(" + ", ".join(num(float(v)) for v in values) + ")"


def math_lines(
    um: UnitMath,
    *,
    label: str,
    function: str,
    input_names: Sequence[str],
    problem: str,
    iteration: int,
) -> list[str]:
    """The Math view's lines for neuron ``label`` (``out`` or ``h1.2``) with activation
    ``function`` (``sigmoid``, ``tanh``, ``relu``, ``linear``); ``input_names`` name its inputs
    (the features, or the previous layer's units). ``problem`` picks the loss; ``iteration``
    is the run's (the parameters shown are the ones after that many iterations)."""
    single = um.output and um.layer == 0
    x = "x" if um.layer == 0 else "a_in"
    head = f"iteration {iteration} · sample {um.sample + 1} of {um.m}"
    seen = f" x = {vec(um.inputs)}," if single else ""
    lines = [f"{head}:{seen} y = {num(um.y)}"]
    if not single:
        named = ", ".join(
            f"{name} {num(float(v))}" for name, v in zip(input_names, um.inputs, strict=False)
        )
        lines.append(f"{label} inputs {x} = ({named})")
    terms = " + ".join(
        f"{_par(float(w))}·{_par(float(v))}" for w, v in zip(um.weights, um.inputs, strict=True)
    )
    lines.append(f"z = w·{x} + b = {terms} + {_par(um.bias)} = {num(um.z)}")
    if problem == "classification":
        loss = "loss = -[y ln a + (1-y) ln(1-a)]" if um.output else "loss at the output"
    else:
        loss = "loss = (a - y)²" if um.output else "loss at the output"
    a = f"a = {_FUNCTIONS.get(function, function + '(z)')} = {num(um.a)}"
    lines.append(f"{a}   {loss} = {num(um.loss)}")
    lines.append(f"J = (1/m) Σ loss = {num(um.cost)}   (all {um.m} samples: the cost n records)")
    two = "" if problem == "classification" else "2"
    if single:
        lines.append(f"dw = {two}X(A - Y)ᵀ/m = {vec(um.dw)}   db = {two}Σ(A - Y)/m = {num(um.db)}")
    else:
        lines.append(f"dz = ∂J/∂z, this sample's share (backpropagated) = {num(um.dz)}")
        lines.append(f"dw = Σ dz·{x}ᵀ = {vec(um.dw)}   db = Σ dz = {num(um.db)}")
    if um.plain_gd:
        lines.append(
            f"w ← w - α·dw = {vec(um.weights)} - {num(um.lr)}·{vec(um.dw)} = {vec(um.w_next)}"
        )
        lines.append(
            f"b ← b - α·db = {num(um.bias)} - {num(um.lr)}·{_par(um.db)} = {num(um.b_next)}"
            "   (the step n makes)"
        )
    else:
        lines.append(
            "the next step is not w - α·dw: the optimizer or the mini-batches change it "
            "(the article's is gd on the full batch)"
        )
    return lines
