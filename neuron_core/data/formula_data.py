"""Formula datasets, part 2: labelling points with a parsed inequality (NumPy).

``formula_points(text, m, rng)`` draws ``m`` points uniformly in the ``line`` generator's ranges
(x1 in [-10, 10], x2 in [-15, 20], the same two draws in the same order) and labels a point 1
when the formula (``neuron_core.data.formula``) holds there, else 0. So the article's line
written as ``x2 > 1.23*x1 + 3.23`` gives exactly the points and labels of ``line``.

Numbers that are not finite: each operation is NumPy's on float64 arrays with its warnings
silenced, so ``log`` of a negative number, ``sqrt`` of one, ``0/0`` or ``inf - inf`` give NaN
and ``1/0`` or an overflowing ``exp`` give an infinity. An infinity compares as usual (``1/x1 >
0`` holds for x1 = +0); **a point where either side is NaN is class 0**, since the inequality
cannot be said to hold there. A formula that puts every training point in one class cannot be
learned from: ``require_two_classes`` refuses it with a message that says so.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from neuron_core.data.dataset import FloatArray
from neuron_core.data.formula import Call, Comparison, Neg, Node, Num, Var, parse
from neuron_core.errors import ConfigError

# The ranges of the `line` generator (neuron_core.data.datasets._gen_line), drawn in this order.
X1_RANGE = (-10.0, 10.0)
X2_RANGE = (-15.0, 20.0)

_FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "abs": np.abs,
    "sqrt": np.sqrt,
}
_BINARY: dict[str, Callable[[FloatArray, FloatArray], FloatArray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": np.power,
}
_COMPARE: dict[str, Callable[[FloatArray, FloatArray], np.ndarray]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


def evaluate(node: Node, x: tuple[FloatArray, FloatArray]) -> FloatArray:
    """The value of ``node`` at the points ``x`` (two arrays of shape ``(m,)``): shape ``(m,)``,
    or a 0-d float64 array for a constant (NumPy broadcasts it)."""
    if isinstance(node, Num):
        # A float64 scalar, never a Python float: Python's ``**`` and ``/`` raise or turn
        # complex on 0 ** -1 or (-8) ** (1/3), NumPy's give inf or NaN.
        return np.asarray(node.value, dtype=np.float64)
    if isinstance(node, Var):
        return x[node.index]
    if isinstance(node, Neg):
        return np.negative(evaluate(node.operand, x))
    if isinstance(node, Call):
        return _FUNCTIONS[node.function](evaluate(node.argument, x))
    return _BINARY[node.op](evaluate(node.left, x), evaluate(node.right, x))


def label(tree: Comparison, x1: FloatArray, x2: FloatArray) -> FloatArray:
    """1.0 where ``tree`` holds at ``(x1, x2)`` (both shape ``(m,)``), else 0.0; shape ``(m,)``.

    A point where either side is NaN is 0.0 (a comparison with NaN is false); no warning is
    raised for the NaNs and infinities met on the way (see the module docstring).
    """
    with np.errstate(all="ignore"):
        left = evaluate(tree.left, (x1, x2))
        right = evaluate(tree.right, (x1, x2))
        holds = _COMPARE[tree.op](left, right)
    return np.broadcast_to(holds, x1.shape).astype(np.float64)


def formula_points(text: str, m: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """``m`` uniform points ``X`` ``(2, m)`` in the ``line`` ranges and their labels ``Y``
    ``(1, m)`` by the formula ``text`` (raises ``FormulaError`` when it is not one)."""
    tree = parse(text)
    x1 = rng.uniform(*X1_RANGE, m)
    x2 = rng.uniform(*X2_RANGE, m)
    return np.stack([x1, x2]), label(tree, x1, x2).reshape(1, m)


def require_two_classes(Y: FloatArray) -> None:
    """Raise ``ConfigError("formula", ...)`` when the labels ``Y`` (the training set's, any
    shape) are all one class: the formula does not split the drawn points."""
    ones = int(np.count_nonzero(Y))
    if ones in (0, Y.size):
        which = 1 if ones else 0
        raise ConfigError(
            "formula",
            f"every training point is class {which} (the inequality "
            f"{'holds' if which else 'fails'} at all of them); choose one that splits the "
            "region x1 in [-10, 10], x2 in [-15, 20]",
        )
