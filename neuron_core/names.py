"""The names a run's settings choose from that need more than a list to check: the generators
(or a formula in their place) and the hidden layers' activations (one for all, or one per
layer). ``neuron_core.config`` re-exports them; they are here so config stays small."""

from __future__ import annotations

from neuron_core.data.formula import FormulaError, parse
from neuron_core.errors import ConfigError

GENERATORS: tuple[str, ...] = ("line", "gauss", "circle", "xor", "spiral", "moons", "blobs")
REGRESSION_GENERATORS: tuple[str, ...] = ("reg-line", "reg-plane", "reg-bumps")
ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid", "linear")
ACTIVATIONS += ("leaky-relu", "elu", "softplus", "silu", "sine")


def check_dataset_name(name: object) -> None:
    """A generator's name, or an inequality over x1, x2 (``neuron_core.data.formula``): a bare
    word is taken for a misspelt name, anything else for a formula, so each gets its own
    message (a formula's on the field ``formula``)."""
    names = GENERATORS + REGRESSION_GENERATORS
    if name in names:
        return
    if not isinstance(name, str) or all(
        ch.isascii() and (ch.isalnum() or ch in "-_") for ch in name
    ):
        raise ConfigError(
            "name",
            f"must be one of {', '.join(names)}, or an inequality over x1, x2 such as "
            f"'x2 > 1.23*x1 + 3.23'; got {name!r}",
        )
    try:
        parse(name)
    except FormulaError as exc:
        raise ConfigError("formula", str(exc)) from None


def layer_activations(activation: str, n_hidden: int) -> tuple[str, ...]:
    """The activation of each of ``n_hidden`` hidden layers from ``activation``: one name for
    every layer (``"tanh"``) or a comma list, one per layer (``"tanh,relu"``; spaces allowed).
    ``ConfigError("activation", ...)`` for an unknown name or a list of the wrong length."""
    if not isinstance(activation, str):
        raise ConfigError("activation", f"must be a name, got {activation!r}")
    names = tuple(n.strip() for n in activation.split(","))
    for name in names:
        if name not in ACTIVATIONS:  # typed text: shown shortened
            shown = name if len(name) <= 24 else name[:23] + "…"
            raise ConfigError(
                "activation", f"must be one of {', '.join(ACTIVATIONS)}; got {shown!r}"
            )
    if len(names) == 1:
        return names * n_hidden
    if len(names) != n_hidden:
        raise ConfigError(
            "activation",
            f"{len(names)} names for {n_hidden} hidden layers: give one name for every layer "
            "or one per layer",
        )
    return names
