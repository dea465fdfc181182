"""The shortest ``neuron-tui train`` command line that reproduces a run, from its settings.

``command_args`` turns a run's three configs back into options of the table
(``tui.cli.options``): an option is written only when its value differs from the default, except
the seeds, which are always written (a default that changes later must not change the run), and
only where it matters (``--activation`` with hidden layers, ``--init-seed`` with a random init,
``--shuffle-seed`` with mini-batches when it differs from ``--seed``). Numbers are written so they
read back exactly (``repr`` of a float is its shortest round-trip text), so running the command
again gives bit-identical results. ``command_line`` quotes every word for a POSIX shell
(``shlex.quote``): a CSV path or column name cannot break out of the command.

The same options also open the app with the run (``neuron-tui`` without ``train``).

Imports only the standard library and ``neuron_core.config`` (pure Python).
"""

from __future__ import annotations

import shlex

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.cli.options import OPTIONS, Option
from tui.cli.parser import PROG
from tui.cli.values import NO_HIDDEN

# Written whatever their value when they apply ("seeds in"): they decide every random draw.
_ALWAYS = frozenset({"--seed", "--init-seed", "--shuffle-seed"})
# The schedule settings and the schedules that use them.
_SCHEDULE_FLAGS = {
    "--lr-decay": ("step", "exp"),
    "--lr-step-every": ("step", "exp"),
    "--lr-min": ("cosine",),
}


def _text(opt: Option, value: object) -> list[str]:
    """``opt`` with ``value`` as command-line words (``[]`` for a bool at its default)."""
    if opt.kind == "bool":
        return [opt.flag if value else f"--no-{opt.flag[2:]}"]
    if opt.kind == "float":
        return [opt.flag, repr(float(value))]  # type: ignore[arg-type]
    if opt.kind in ("widths", "list"):
        items = [str(item) for item in value]  # type: ignore[attr-defined]
        if opt.kind == "widths" and not items:
            return [opt.flag, NO_HIDDEN]
        return [opt.flag, ",".join(items)]
    return [opt.flag, str(value)]


def _value(
    opt: Option, data: DataConfig, model: ModelConfig, train: TrainConfig
) -> tuple[bool, object]:
    """``(applies, value)``: whether ``opt`` belongs in this run's command, and its value."""
    csv = data.source == "csv"
    section = opt.section
    if section == "output" or opt.flag == "--problem":  # the data decides the problem
        return False, None
    if opt.flag == "--dataset":
        return not csv, data.name
    if opt.flag == "--csv":
        return csv, data.csv_path
    if section == "generated":
        return not csv, getattr(data, opt.field)
    if section == "csv":
        return csv, getattr(data, opt.field)
    if section == "inputs":
        return True, data.features if csv else model.feature_map
    if section == "data":
        return True, getattr(data, opt.field)
    if opt.flag == "--activation":
        return bool(model.hidden), model.activation
    if opt.flag == "--loss":  # regression ignores it
        return model.problem == "classification", model.loss
    if opt.flag == "--init-seed":
        # Imported here: it brings NumPy, which `neuron-tui --help` does not load.
        from neuron_core.model.init import resolve_init

        scheme = resolve_init(model.init, model.hidden, model.activation)
        return scheme != "zeros", model.init_seed
    if section == "model":
        return True, getattr(model, opt.field)
    if opt.flag in _SCHEDULE_FLAGS:  # a schedule's settings, written with their schedule
        return train.lr_schedule in _SCHEDULE_FLAGS[opt.flag], getattr(train, opt.field)
    if opt.flag == "--shuffle-seed":
        # Only mini-batches are shuffled; by default their order follows --seed.
        return train.batch_size is not None and train.seed != data.seed, train.seed
    return True, getattr(train, opt.field)


def command_args(data: DataConfig, model: ModelConfig, train: TrainConfig) -> list[str]:
    """The options (words, unquoted) that rebuild a run with these settings; see the module
    docstring. Table order, so the same run always gives the same command."""
    words: list[str] = []
    for opt in OPTIONS:
        applies, value = _value(opt, data, model, train)
        if not applies or value is None:
            continue
        if value == opt.default and opt.flag not in _ALWAYS:
            continue
        words.extend(_text(opt, value))
    return words


def command_line(
    data: DataConfig, model: ModelConfig, train: TrainConfig, command: str | None = "train"
) -> str:
    """``neuron-tui train --dataset circle --seed 0 ...``, each word quoted for a POSIX shell
    (``command=None``: the app's command line, which opens the app with the run)."""
    head = [PROG] if command is None else [PROG, command]
    return shlex.join([*head, *command_args(data, model, train)])
