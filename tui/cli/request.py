"""Parsed ``neuron-tui train`` arguments turned into a checked ``Request`` (or one-line errors).

``build_request`` converts the values (``tui.cli.options``), rejects options that do not go
together and validates the resulting configs, so the run itself only meets problems of the data
or the files. ``describe_error`` words any expected failure as the one line the user reads.

Imports only the standard library and ``neuron_core.config``/``errors`` (pure Python).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from neuron_core.config import (
    DEFAULT_LR,
    DataConfig,
    ModelConfig,
    TrainConfig,
)
from neuron_core.errors import ConfigError
from tui.cli.options import (
    DATA_SECTIONS,
    FLAG_OF_FIELD,
    OPTION_BY_DEST,
    RUN_DEFINED_SECTIONS,
    Option,
    convert,
)
from tui.cli.parser import UsageError
from tui.cli.values import to_names


@dataclass(frozen=True)
class Request:
    """What ``neuron-tui train`` was asked to do, converted and checked.

    ``model_options`` are the ``ModelConfig`` fields given (``problem`` only if given; the
    data's problem is used otherwise, and a given one was checked to agree with it).
    """

    data_cfg: DataConfig | None  # None with --load: the saved run defines the data
    model_options: dict[str, Any]
    train_cfg: TrainConfig
    train_overrides: dict[str, Any]  # the TrainConfig fields given (they override --load)
    print_every: int | None
    save: str | None
    load: str | None
    json: bool
    # --export-history/-weights/-data: {"history"|"weights"|"data": PATH}, written at the end.
    exports: dict[str, str] = field(default_factory=dict)


def _given(ns: argparse.Namespace) -> dict[str, Option]:
    return {dest: opt for dest, opt in OPTION_BY_DEST.items() if getattr(ns, dest) is not None}


def _check_combinations(given: dict[str, Option]) -> None:
    """Reject options that do not apply together, naming both."""

    def clash(a: Option, b: Option, why: str) -> NoReturn:
        raise UsageError(f"{a.flag} cannot be used with {b.flag}{why}")

    csv = given.get("csv")
    dataset = given.get("dataset")
    load = given.get("load")
    if csv and dataset:
        clash(dataset, csv, " (choose one data source)")
    for opt in given.values():
        if load and opt.section in RUN_DEFINED_SECTIONS:
            clash(opt, load, " (the saved run defines the data and the model)")
        if csv and opt.section == "generated":
            clash(opt, csv, f" ({opt.flag} is for generated data)")
        if not csv and opt.section == "csv":
            raise UsageError(f"{opt.flag} needs --csv PATH")
    if csv and "target" not in given:
        raise UsageError("--csv needs --target COLUMN (the label column)")
    if "json" in given and "print_every" in given:
        raise UsageError(
            "--print-every cannot be used with --json (stdout holds only the JSON object)"
        )


def _values(ns: argparse.Namespace, given: dict[str, Option], sections: set[str]) -> dict[str, Any]:
    """``{config field: converted value}`` of the given options of ``sections``."""
    return {
        opt.field: convert(opt, getattr(ns, dest))
        for dest, opt in given.items()
        if opt.section in sections
    }


def _path(ns: argparse.Namespace, dest: str) -> str | None:
    value = getattr(ns, dest)
    if value is None:
        return None
    if not str(value).strip():
        raise ConfigError(OPTION_BY_DEST[dest].field, "give a file path")
    return str(value)


def problem_of(data_cfg: DataConfig) -> Literal["classification", "regression"]:
    """The kind of problem the data poses: the ``reg-*`` generators are regression; the other
    generators and CSV files (a label column with two values) are classification."""
    return data_cfg.problem


def _check_problem(data_cfg: DataConfig, model_options: dict[str, Any]) -> None:
    """A given ``--problem`` must be the one the data poses (a classifier cannot learn real
    targets, nor a regression two labels meaningfully)."""
    given = model_options.get("problem")
    expected = problem_of(data_cfg)
    if given is None or given == expected:
        return
    what = "CSV data" if data_cfg.source == "csv" else f"the {data_cfg.name} dataset"
    raise ConfigError(
        "problem",
        f"{what} is a {expected} problem, not {given}; use --problem {expected} or leave it out",
    )


def build_request(ns: argparse.Namespace) -> Request:
    """Turn parsed ``train`` arguments into validated configs.

    Options not given keep the config classes' defaults. ``--features`` goes to
    ``DataConfig.features`` with ``--csv`` and to ``ModelConfig.feature_map`` otherwise. Raises
    ``UsageError`` for options that do not go together and ``ConfigError`` (naming the config
    field; see ``FLAG_OF_FIELD``) for a bad value.
    """
    given = _given(ns)
    _check_combinations(given)
    csv = "csv" in given
    data_values = _values(ns, given, set(DATA_SECTIONS))
    model_options = _values(ns, given, {"model"})
    if "features" in given:
        opt = given["features"]
        if csv:
            data_values[opt.field] = to_names(ns.features, opt.field, "column name")
        else:
            assert opt.model_field is not None
            model_options[opt.model_field] = to_names(ns.features, opt.model_field, "feature name")
    data_cfg: DataConfig | None = None
    if "load" not in given:
        data_cfg = DataConfig(source="csv" if csv else "generator", **data_values)
        data_cfg.validate()
    ModelConfig(**model_options).validate()
    if data_cfg is not None:
        _check_problem(data_cfg, model_options)
    overrides = _values(ns, given, {"train"})
    # The data seed also orders the mini-batches (one knob for everything random about the
    # data), unless --shuffle-seed gives the order its own (in `overrides`).
    seed = data_cfg.seed if data_cfg is not None else 0
    defaults: dict[str, Any] = {"seed": seed}
    if data_cfg is not None:
        # Each kind of problem has its default learning rate (a loaded run keeps its own).
        defaults["lr"] = DEFAULT_LR[problem_of(data_cfg)]
    train_cfg = TrainConfig(**{**defaults, **overrides})
    train_cfg.validate()
    print_every = convert(OPTION_BY_DEST["print_every"], ns.print_every)
    if isinstance(print_every, int) and print_every < 1:
        raise ConfigError("print_every", f"must be at least 1, got {print_every:,}")
    return Request(
        data_cfg=data_cfg,
        model_options=model_options,
        train_cfg=train_cfg,
        train_overrides=overrides,
        print_every=print_every if isinstance(print_every, int) else None,
        save=_path(ns, "save"),
        load=_path(ns, "load"),
        json=bool(ns.json),
        exports={
            kind: path
            for kind in ("history", "weights", "data")
            if (path := _path(ns, f"export_{kind}")) is not None
        },
    )


def describe_error(exc: BaseException) -> str:
    """One line for the user: ``ConfigError``s name the option (``--lr: ...``)."""
    if isinstance(exc, ConfigError):
        name = FLAG_OF_FIELD.get(exc.field, exc.field)
        return f"{name}: {exc.message}"
    return " ".join(str(exc).split()) or type(exc).__name__
