"""``neuron-tui [OPTIONS]``: the options that open the app, read by the same code as ``train``.

``app_start`` turns the options given without a command (``tui.cli.parser`` stores them as
``app_<dest>``) into an ``AppStart``: the configs the app starts with, or the saved run to open
(``--load``, read here, so a missing or broken file is one line and exit code 2 before any screen
is drawn). The values are converted and checked by ``tui.cli.request.build_request``, as for
``neuron-tui train``. Options typed before a command (``neuron-tui --lr 1 train``) are refused.

Imports only the standard library and ``neuron_core.config`` (pure Python) at import time; the
run file's reader (NumPy) loads only with ``--load``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from tui.cli.options import OPTION_BY_DEST
from tui.cli.parser import APP_PREFIX, PROG, UsageError
from tui.cli.request import build_request, problem_of

if TYPE_CHECKING:
    from neuron_core.store.record import RunRecord


@dataclass(frozen=True)
class AppStart:
    """What the app starts with: its settings (the defaults for those not given), or a saved run
    (``record``, read from ``path``). ``given`` is False when the command line had no option:
    then, and only then, the saved session is offered."""

    data_cfg: DataConfig | None = None
    model_cfg: ModelConfig | None = None
    train_cfg: TrainConfig | None = None
    path: str | None = None
    record: RunRecord | None = None
    given: bool = False
    tour: bool = False  # `neuron-tui tour`: the guided tour starts with the app


def given_app_options(ns: argparse.Namespace) -> dict[str, object]:
    """``{dest: raw value}`` of the app options on the command line."""
    return {
        key[len(APP_PREFIX) :]: value
        for key, value in vars(ns).items()
        if key.startswith(APP_PREFIX)
    }


def app_start(ns: argparse.Namespace) -> AppStart:
    """The app's start from the parsed command line; raises ``UsageError`` or ``NeuronError``
    (``ConfigError`` naming the field, ``StoreError`` for a run file) for one line on stderr."""
    given = given_app_options(ns)
    if ns.command in ("train", "compare"):
        if given:
            flag = OPTION_BY_DEST[next(iter(given))].flag
            raise UsageError(f"{flag} must come after the command ({PROG} {ns.command} {flag} ...)")
        return AppStart()
    if ns.command == "tour":
        if given:
            flag = OPTION_BY_DEST[next(iter(given))].flag
            raise UsageError(f"{flag} cannot be used with '{PROG} tour': each step sets the app up")
        from tui.tour.steps import tour_steps

        first = tour_steps()[0]  # the app starts set up for the tour's first step
        return AppStart(first.data, first.model, first.train, given=True, tour=True)
    if not given:
        return AppStart()
    # The app's options, checked now whether the app starts here or in each browser tab
    # (`neuron-tui serve`, which passes them on: `app_arguments`).
    load = given.get("load")
    if load is not None:
        others = [OPTION_BY_DEST[dest].flag for dest in given if dest != "load"]
        if others:
            # `train --load` takes training options as overrides; the app opens the run as it
            # was saved, and its settings are changed in the app.
            raise UsageError(
                f"{others[0]} cannot be used with --load in the app (change it in the app once "
                f"the run is open, or use '{PROG} train --load')"
            )
    full = argparse.Namespace(**{**dict.fromkeys(OPTION_BY_DEST), **given})
    req = build_request(full)
    if req.load is not None:
        from neuron_core.store.runfile import load_run

        return AppStart(path=req.load, record=load_run(req.load), given=True)
    assert req.data_cfg is not None  # no --load: build_request made the data's config
    return AppStart(
        data_cfg=req.data_cfg,
        model_cfg=ModelConfig(**{"problem": problem_of(req.data_cfg), **req.model_options}),
        train_cfg=req.train_cfg,
        given=True,
    )


def app_arguments(ns: argparse.Namespace) -> list[str]:
    """The app options on the command line as words again (``--lr 0.3``, ``--standardize``),
    for ``neuron-tui serve`` to start each browser tab's app with them."""
    words: list[str] = []
    for dest, value in given_app_options(ns).items():
        opt = OPTION_BY_DEST[dest]
        if opt.kind == "bool":
            words.append(opt.flag if value else f"--no-{opt.flag[2:]}")
        else:
            words.append(f"{opt.flag}={value}")
    return words
