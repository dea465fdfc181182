"""The options of ``neuron-tui train``: one table, and what is derived from it.

Every option is one row of ``OPTIONS``. The table drives the argument parser
(``tui.cli.parser``), the conversion of values (``convert``, with the readers of
``tui.cli.values``), which options may be combined (``tui.cli.request``), ``--help`` and the
README's options table (``options_markdown()``; a test checks the README holds exactly that
table). The engine's ``validate()`` then checks the values, and ``FLAG_OF_FIELD`` lets every
message name the option the way the user typed it ("--lr: must be greater than 0, got -1").

Imports only the standard library and ``neuron_core.config`` (pure Python), so ``--help`` is fast.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from neuron_core.config import (
    ACTIVATIONS,
    DEFAULT_LR,
    DTYPES,
    FEATURE_MAPS,
    GENERATORS,
    INITS,
    LOSSES,
    LR_SCHEDULES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    OPTIMIZERS,
    PROBLEMS,
    REGRESSION_GENERATORS,
    DataConfig,
    ModelConfig,
    TrainConfig,
)
from tui.cli.values import NO_HIDDEN, to_float, to_int, to_names, to_widths

# How a value is read: a whole number, a number, free text (choices are checked by the
# configs), comma-separated names, comma-separated layer widths, --x/--no-x, or a bare flag.
Kind = Literal["int", "float", "text", "list", "widths", "bool", "flag"]
# Which options make sense together, and where their values go: `source` picks the data,
# `generated`/`csv` only apply to that kind of data, `data` to any data (these four fill
# DataConfig); `inputs` (--features) fills DataConfig.features with --csv and
# ModelConfig.feature_map with generated data; `model` fills ModelConfig. All of these are
# refused with --load, whose run carries its data and model. `train` fills TrainConfig and also
# overrides a loaded run's settings; `output` options are the command's own.
Section = Literal["source", "generated", "csv", "inputs", "data", "model", "train", "output"]

SECTION_TITLES: dict[Section, str] = {
    "source": "data source (one of)",
    "generated": "generated data (with --dataset)",
    "csv": "CSV data (with --csv)",
    "inputs": "input features (generated 2-D data, or CSV columns with --csv)",
    "data": "any data",
    "model": "model",
    "train": "training (also override a --load'ed run)",
    "output": "output and saved runs",
}
DATA_SECTIONS: frozenset[str] = frozenset({"source", "generated", "csv", "data"})
# Sections whose options describe the data or the model, so a --load'ed run cannot take them.
RUN_DEFINED_SECTIONS: frozenset[str] = DATA_SECTIONS | {"inputs", "model"}
_CONFIG_OF_SECTION: dict[str, type[DataConfig | ModelConfig | TrainConfig]] = {
    **dict.fromkeys(DATA_SECTIONS, DataConfig),
    "model": ModelConfig,
    "train": TrainConfig,
}


@dataclass(frozen=True)
class Option:
    """One option of ``neuron-tui train``.

    ``field`` is the config attribute the value goes to (``DataConfig``, ``ModelConfig`` or
    ``TrainConfig``, chosen by ``section``) or, for the command's own ``output`` options, the
    name its ``ConfigError`` messages use. ``model_field`` is the ``ModelConfig`` attribute an
    ``inputs`` option fills for generated data (``field`` being the ``DataConfig`` one for CSV
    data). Adding an option of an existing kind is one row in ``OPTIONS``; its default comes
    from the config class, so it is written in one place; ``shown_default`` replaces the
    default's text in ``--help`` when the value is worked out at run time ("from the data").
    """

    flag: str
    kind: Kind
    section: Section
    field: str
    help: str
    metavar: str | None = None
    shown_default: str | None = None
    model_field: str | None = None

    @property
    def dest(self) -> str:
        """Attribute name in the parsed namespace (``--test-ratio`` -> ``test_ratio``)."""
        return self.flag[2:].replace("-", "_")

    @property
    def default(self) -> object:
        """The value used when the option is not given: the config class's default (``None``,
        meaning off, for ``output`` and ``inputs`` options)."""
        config = _CONFIG_OF_SECTION.get(self.section)
        if config is None:
            return None
        return next(f.default for f in fields(config) if f.name == self.field)

    def default_text(self) -> str:
        """The default as shown in ``--help`` and the README (``-``: none to show)."""
        if self.shown_default is not None:
            return self.shown_default
        if self.kind == "bool":
            return f"--{'' if self.default else 'no-'}{self.flag[2:]}"
        if self.kind == "flag" or self.default is None:
            return "-"
        return str(self.default)


DATASETS = GENERATORS + REGRESSION_GENERATORS


def _one_of(choices: tuple[str, ...]) -> str:
    return ", ".join(choices)


OPTIONS: tuple[Option, ...] = (
    Option("--dataset", "text", "source", "name",
           f"generated dataset: {_one_of(DATASETS)} (reg-* are regression, the others "
           "classification)"
           ", or an inequality over x1, x2 labelling uniform points, e.g. 'x2 > 1.23*x1 + 3.23' "
           "(+ - * / ^, parentheses, sin cos tan exp log abs sqrt)", "NAME"),
    Option("--csv", "text", "source", "csv_path",
           "train on a CSV file with a header row instead (needs --target)", "PATH"),
    Option("--samples", "int", "generated", "samples",
           "training points to generate", "N"),
    Option("--test-samples", "int", "generated", "test_samples",
           "fresh test points to generate", "N"),
    Option("--noise", "float", "generated", "noise",
           "gaussian jitter, as a fraction of the pattern's span (0 to 0.5)", "F"),
    Option("--classes", "int", "generated", "classes",
           "classes of blobs and spiral (2 to 10; 3 or more: a softmax output, one unit per "
           "class)", "K"),
    Option("--target", "text", "csv", "target",
           "the CSV column holding the label (2 to 10 distinct values, one per class)", "COLUMN"),
    Option("--test-ratio", "float", "csv", "test_ratio",
           "fraction of the CSV rows held out for testing (0 to 0.9)", "F"),
    Option("--features", "list", "inputs", "features",
           "comma-separated, two uses. Generated 2-D data: the model's input features, from "
           f"{_one_of(FEATURE_MAPS)} (default: x1,x2 unchanged). With --csv: the CSV feature "
           "columns (default: every column but the target)", "A,B",
           model_field="feature_map"),
    Option("--seed", "int", "data", "seed",
           "random seed of the generated points, of the CSV train/test split and of the "
           "mini-batch order (unless --shuffle-seed)", "N"),
    Option("--standardize", "bool", "data", "standardize",
           "rescale each feature to mean 0, std 1 (statistics of the training part); "
           "--no-standardize keeps a CSV file's values as they are",
           shown_default="on for --csv, off for --dataset"),
    Option("--problem", "text", "model", "problem",
           f"{' or '.join(PROBLEMS)}; must match the data (reg-* datasets are regression, the "
           "other datasets and CSV files classification)", "KIND", shown_default="from the data"),
    Option("--hidden", "widths", "model", "hidden",
           f"hidden layer widths, e.g. 4,2: up to {MAX_HIDDEN_LAYERS} layers of 1 to "
           f"{MAX_NEURONS} neurons; '{NO_HIDDEN}' (or '') for no hidden layer: the article's "
           "single neuron", "N,N", shown_default=NO_HIDDEN),
    Option("--activation", "text", "model", "activation",
           f"activation of the hidden layers: {_one_of(ACTIVATIONS)}; one name for every "
           "layer, or a comma list with one per layer (tanh,relu)", "NAME"),
    Option("--loss", "text", "model", "loss",
           f"classification loss: {_one_of(LOSSES)} (log: the article's log loss; squared: "
           "the squared error of the sigmoid output, as TensorFlow Playground). Regression "
           "always uses the mean squared error (a note says so)", "NAME"),
    Option("--init", "text", "model", "init",
           f"initial weights: {_one_of(INITS)}. auto: zeros for the single neuron (the "
           "article), with --hidden he for relu and xavier for the other activations (zeros "
           "keeps the units of a hidden layer identical; per layer: he also for leaky-relu "
           "and elu)", "NAME"),
    Option("--init-seed", "int", "model", "init_seed",
           "random seed of the initial weights (uniform, xavier, he)", "N"),
    Option("--optimizer", "text", "train", "optimizer",
           f"{_one_of(OPTIMIZERS)} (gd: plain gradient descent, as in the article)", "NAME"),
    Option("--lr", "float", "train", "lr",
           "learning rate (regression diverges above 2 / the cost's largest curvature: a "
           "warning says so)", "F",
           shown_default=f"{DEFAULT_LR['classification']:g}, {DEFAULT_LR['regression']:g} for "
           "regression"),
    Option("--lr-schedule", "text", "train", "lr_schedule",
           f"how the learning rate moves with the iteration t: {_one_of(LR_SCHEDULES)}. step: "
           "lr * G^floor(t/N); exp: lr * G^(t/N); cosine: from lr down to --lr-min over the "
           "run's --iterations", "NAME"),
    Option("--lr-decay", "float", "train", "lr_decay",
           "G, the factor (0 < G <= 1) the step and exp schedules multiply the rate by every "
           "--lr-step-every iterations", "G"),
    Option("--lr-step-every", "int", "train", "lr_step_every",
           "N, the iterations between two decays of the step and exp schedules", "N"),
    Option("--lr-min", "float", "train", "lr_min",
           "the rate the cosine schedule ends at", "F"),
    Option("--iterations", "int", "train", "iterations",
           "parameter updates in total (with --load: including the saved ones)", "N"),
    Option("--batch-size", "int", "train", "batch_size",
           "training examples per update, reshuffled every epoch with --seed", "N",
           shown_default="full batch"),
    Option("--shuffle-seed", "int", "train", "seed",
           "random seed of the mini-batch order, when it should differ from --seed", "N",
           shown_default="--seed"),
    Option("--l1", "float", "train", "l1",
           "L1 penalty: adds l1 * sum(abs(W)) over the weights (not the biases) to the cost",
           "F"),
    Option("--l2", "float", "train", "l2",
           "L2 penalty: adds l2/2 * sum(W^2) over the weights (not the biases) to the cost", "F"),
    Option("--target-cost", "float", "train", "target_cost",
           "stop as soon as the training cost is at most F", "F", shown_default="off"),
    Option("--early-stop", "int", "train", "early_stop",
           "stop when the test cost has not improved for K measurements in a row (patience; "
           "see --test-every)", "K", shown_default="off"),
    Option("--test-every", "int", "train", "test_every",
           "measure the test cost every N iterations", "N",
           shown_default="about 200 times a run, at least 10 iterations apart"),
    Option("--dropout", "float", "train", "dropout",
           "share P (0 <= P < 1) of the hidden units dropped at each training step (inverted "
           "dropout, masks seeded by --shuffle-seed); off for the test cost and predictions",
           "P"),
    Option("--dtype", "text", "train", "dtype",
           f"compute precision: {_one_of(DTYPES)}", "TYPE"),
    Option("--print-every", "int", "output", "print_every",
           "print 'Iteration i: cost' for every K-th iteration, as the reference article does",
           "K"),
    Option("--save", "text", "output", "save",
           "save the run (also a diverged or interrupted one) to PATH", "PATH"),
    Option("--load", "text", "output", "load",
           "continue a saved run up to --iterations in total (the run defines the data and the "
           "model)", "PATH"),
    Option("--export-history", "text", "output", "export_history",
           "write the cost history as CSV (iteration, train cost, test cost where measured)",
           "PATH"),
    Option("--export-weights", "text", "output", "export_weights",
           "write the model as JSON: per-layer weights and biases, activations, feature names "
           "and standardization, enough to apply it elsewhere", "PATH"),
    Option("--export-data", "text", "output", "export_data",
           "write the points as CSV: the features, the label and a train/test column", "PATH"),
    Option("--json", "flag", "output", "json",
           "print one JSON object with the results instead of the summary"),
)  # fmt: skip

OPTION_BY_DEST: dict[str, Option] = {opt.dest: opt for opt in OPTIONS}
# ConfigError.field -> the option to name in the message (an `inputs` option under both names).
# A field two options fill (`seed`: --seed, and --shuffle-seed for TrainConfig) is named by the
# first, the one people give.
FLAG_OF_FIELD: dict[str, str] = {
    **{opt.field: opt.flag for opt in reversed(OPTIONS)},
    **{opt.model_field: opt.flag for opt in OPTIONS if opt.model_field is not None},
    "formula": "--dataset",  # a --dataset that is an inequality (DataConfig.name holds it)
}
# Options whose value may look like a negative number (`--lr -1e5`): see `join_numeric_values`.
NUMERIC_FLAGS: frozenset[str] = frozenset(
    opt.flag for opt in OPTIONS if opt.kind in ("int", "float", "widths")
)


def _markdown_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell: ``|`` would end the cell, ``*`` start
    emphasis."""
    return text.replace("|", "\\|").replace("*", "\\*")


def options_markdown() -> str:
    """The options as a Markdown table (name, default, meaning), for the README."""
    rows = ["| Option | Default | Meaning |", "| --- | --- | --- |"]
    for opt in OPTIONS:
        name = opt.flag if opt.metavar is None else f"{opt.flag} {opt.metavar}"
        if opt.kind == "bool":
            name = f"{opt.flag}, --no-{opt.flag[2:]}"
        default = opt.default_text()
        # A value in code style; words ("from the data") as they are.
        shown = "" if default == "-" else default if " " in default else f"`{default}`"
        rows.append(f"| `{name}` | {shown} | {_markdown_cell(opt.help)} |")
    return "\n".join(rows) + "\n"


def convert(opt: Option, raw: object) -> object:
    """The typed value of ``opt`` given as ``raw`` (text from the command line, or a bool)."""
    if not isinstance(raw, str):
        return raw
    if opt.kind == "int":
        return to_int(raw, opt.field)
    if opt.kind == "float":
        return to_float(raw, opt.field)
    if opt.kind == "list":
        return to_names(raw, opt.field)
    if opt.kind == "widths":
        return to_widths(raw, opt.field)
    return raw
