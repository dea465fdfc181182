"""The app's "Compare…": a grid of runs from the current settings, trained one after another.

``grid_of`` reads what the person typed (``--optimizer gd,adam --lr 0.1,0.03``: the grid syntax
of ``neuron-tui compare``, for the options of ``ALLOWED``) on top of the current settings, with
the command line's own parser and checks (``tui.cli.grid``, ``tui.cli.request``): each run is
exactly what ``neuron-tui train`` would train. ``train_grid`` trains them in the calling thread
(the app's worker) and hands each finished run's cost history and settings to ``done``; a set
``stop`` ends the current run and skips the rest.

No widget here: the dialog is ``tui.screens.compare``, the keys ``tui.app_pins``.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.errors import NeuronError
from tui.cli.grid import GridError, expand_grid
from tui.cli.options import OPTIONS
from tui.cli.parser import UsageError, parse_args
from tui.cli.reproduce import command_args
from tui.cli.request import Request, build_request, describe_error
from tui.cli.run import prepare, train_in_chunks
from tui.run.pins import MAX_PINS, settings_of

# The options the dialog takes: the model's and the training's (the data stays the current).
ALLOWED: frozenset[str] = frozenset(
    opt.flag for opt in OPTIONS if opt.section in ("model", "train")
)
EXAMPLE = "--optimizer gd,adam --lr 0.1,0.03"

Done = Callable[[int, NDArray[np.float64], dict[str, str]], None]


def grid_of(text: str, data: DataConfig, model: ModelConfig, train: TrainConfig) -> list[Request]:
    """The runs ``text`` asks for on top of the current settings; raises ``ValueError`` with
    one line for the person (an unknown option, a bad value, more than ``MAX_PINS`` runs)."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot read it: {exc}") from None
    if not words:
        raise ValueError(f"give options with comma-separated values, e.g. {EXAMPLE}")
    for word in words:
        flag = word.split("=", 1)[0]
        if word.startswith("-") and flag not in ALLOWED:
            raise ValueError(f"{word[:24]}: not an option of the model or the training here")
    try:
        runs = expand_grid(parse_args(["compare", *command_args(data, model, train), *words]))
        if len(runs) > MAX_PINS:
            raise ValueError(f"that is {len(runs)} runs; at most {MAX_PINS} (one per pin)")
        return [build_request(parse_args(["train", *run.words])) for run in runs]
    except (GridError, UsageError) as exc:
        raise ValueError(str(exc)) from None
    except NeuronError as exc:
        raise ValueError(describe_error(exc)) from None


def train_grid(requests: list[Request], stop: threading.Event, done: Done) -> int:
    """Train each run of ``requests`` to its end (or until ``stop``), one after another, and
    call ``done(index, costs (n,), settings)`` for each finished one; how many finished."""
    finished = 0
    for index, req in enumerate(requests):
        if stop.is_set():
            break
        trainer, _, data_cfg = prepare(req, stop, [])
        train_in_chunks(trainer, stop, lambda: None)
        if stop.is_set():
            break
        costs = np.array(trainer.history.train(), dtype=np.float64)
        done(index, costs, settings_of(data_cfg, trainer.model_cfg, trainer.train_cfg))
        finished += 1
    return finished
