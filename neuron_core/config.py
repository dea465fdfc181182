"""Validated configuration objects: what the UI and the CLI turn user input into.

Three frozen dataclasses describe a run completely:

* ``DataConfig``: where the data comes from (a named generator or a CSV file) and how it is split.
* ``ModelConfig``: the model (no hidden layer = the article's single sigmoid neuron).
* ``TrainConfig``: how it is trained (learning rate, iterations, optimizer...).

Each has ``validate()``, which raises ``ConfigError(field, reason)`` for the first bad value, so
the UI can mark exactly that field. ``to_dict``/``from_dict`` give a JSON-safe form for the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from neuron_core.checks import check_choice as _check_choice
from neuron_core.checks import check_float as _check_float
from neuron_core.checks import check_int as _check_int
from neuron_core.checks import has_control as _has_control
from neuron_core.errors import ConfigError
from neuron_core.names import ACTIVATIONS as ACTIVATIONS
from neuron_core.names import GENERATORS as GENERATORS
from neuron_core.names import REGRESSION_GENERATORS as REGRESSION_GENERATORS
from neuron_core.names import check_dataset_name as _check_dataset_name
from neuron_core.names import layer_activations as layer_activations
from neuron_core.serial import Serializable as _Serializable

# The generators that draw 2 to MAX_CLASSES classes (``DataConfig.classes``).
MULTICLASS_GENERATORS: tuple[str, ...] = ("blobs", "spiral")
MAX_CLASSES = 10
# The classification loss: the article's log loss, or Playground's squared error on the sigmoid.
LOSSES: tuple[str, ...] = ("log", "squared")
# "auto": zeros for the single neuron (the article), xavier or he (by activation) with hidden
# layers (``neuron_core.model.init.resolve_init``).
INITS: tuple[str, ...] = ("auto", "zeros", "uniform", "xavier", "he")
OPTIMIZERS: tuple[str, ...] = ("gd", "momentum", "adam")
# Learning-rate schedules: how the rate moves with the iteration (``training.lr_schedule``).
LR_SCHEDULES: tuple[str, ...] = ("constant", "step", "exp", "cosine")
DTYPES: tuple[str, ...] = ("float64", "float32")
PROBLEMS: tuple[str, ...] = ("classification", "regression")
# Extra input features a model may use on 2-D data (TensorFlow Playground's set).
FEATURE_MAPS: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")

# The learning rates offered as presets (the app's drop-down and its [ ] keys; suggestions).
LR_PRESETS: tuple[float, ...] = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
# The default learning rate of each kind of problem: the article's 0.1 for classification. A
# linear regression's cost is quadratic and gradient descent diverges above 2 / its largest
# curvature (``neuron_core.training.stability``): about 0.03 on reg-line (x spans -10 to 10),
# so regression starts at 0.01, which fits every regression generator in the default run.
DEFAULT_LR: dict[str, float] = {"classification": 0.1, "regression": 0.01}

MAX_SAMPLES = 10_000_000
MAX_ITERATIONS = 1_000_000_000
MAX_LR = 1e6
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class DataConfig(_Serializable):
    """Where the data comes from.

    ``source="generator"``: ``name`` is one of ``GENERATORS`` (or ``REGRESSION_GENERATORS``),
    or a formula: an inequality over x1, x2 that labels uniform points (``formula_data``);
    ``samples`` training points and ``test_samples`` fresh test points are drawn with ``seed``;
    ``noise`` (0 to 0.5) is the amount of gaussian jitter, as a fraction of the data's span.

    ``source="csv"``: ``csv_path`` with a header row; ``target`` names the label column,
    ``features`` the feature columns (``None``: every other column); rows are split into train and
    test by ``test_ratio`` with ``seed``. ``standardize`` rescales every feature to mean 0, std 1
    using statistics of the training part only; ``None`` (the default) standardizes CSV data
    (its columns come in any units) and keeps generated data raw (the article's values), see
    ``standardizes``.
    """

    source: Literal["generator", "csv"] = "generator"
    name: str = "line"
    samples: int = 1000
    test_samples: int = 2000
    noise: float = 0.0
    seed: int = 0
    csv_path: str | None = None
    target: str | None = None
    features: tuple[str, ...] | None = None
    test_ratio: float = 0.2
    standardize: bool | None = None
    # Classes of the ``blobs`` and ``spiral`` generators (2 to 10; the others have 2). Left out
    # of the saved form when 2.
    classes: int = 2

    # ``classes`` is saved only when it is not 2 (older files have none).
    SPARSE: ClassVar[dict[str, Any]] = {"classes": 2}

    @property
    def standardizes(self) -> bool:
        """Whether the features are standardized: ``standardize`` when given, else for CSV data
        only."""
        if self.standardize is None:
            return self.source == "csv"
        return self.standardize

    @property
    def problem(self) -> Literal["classification", "regression"]:
        """The kind of problem the data poses: the ``reg-*`` generators are regression; the
        other generators and CSV files (a label column with two values) classification."""
        if self.source == "generator" and self.name in REGRESSION_GENERATORS:
            return "regression"
        return "classification"

    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first invalid field."""
        _check_choice("source", self.source, ("generator", "csv"))
        _check_int("seed", self.seed, 0, MAX_SEED)
        if self.source == "generator":
            _check_dataset_name(self.name)
            _check_int("samples", self.samples, 2, MAX_SAMPLES)
            _check_int("test_samples", self.test_samples, 1, MAX_SAMPLES)
            _check_float("noise", self.noise, 0.0, 0.5)
            _check_int("classes", self.classes, 2, MAX_CLASSES)
            if self.classes != 2 and self.name not in MULTICLASS_GENERATORS:
                raise ConfigError(
                    "classes",
                    f"only {' and '.join(MULTICLASS_GENERATORS)} have more than 2 classes",
                )
        else:
            if not self.csv_path:
                raise ConfigError("csv_path", "give the path of a CSV file")
            if not isinstance(self.csv_path, str) or _has_control(self.csv_path):
                # It could not be shown nor typed back faithfully (and a run file carrying one
                # would be a way to drive the terminal that shows it).
                raise ConfigError("csv_path", "the path contains control characters")
            if not self.target:
                raise ConfigError("target", "name the target (label) column")
            if self.features is not None:
                if not self.features:
                    raise ConfigError("features", "choose at least one feature column")
                if self.target in self.features:
                    raise ConfigError("features", "the target column cannot also be a feature")
            _check_float("test_ratio", self.test_ratio, 0.0, 0.9)
        if self.standardize is not None and not isinstance(self.standardize, bool):
            raise ConfigError("standardize", "must be true or false (or left out: auto)")


@dataclass(frozen=True)
class ModelConfig(_Serializable):
    """The model: ``hidden=()`` is the article's single sigmoid neuron.

    ``hidden`` gives the neurons of each hidden layer (0 to 6 layers of 1 to 8); ``activation`` is
    the hidden layers' activation (one name, or a comma list with one per layer:
    ``layer_activations``); the output is a sigmoid with log loss (``classification``; ``loss``
    ``squared``: squared error on the sigmoid, as TensorFlow Playground) or linear with mean
    squared error (``regression``, which ignores ``loss``). ``init`` picks the initial weights,
    drawn with ``init_seed`` (``auto``: zeros without hidden layers, else per layer He for the
    ReLU family (relu, leaky-relu, elu), Xavier otherwise).
    ``feature_map`` lists the inputs built from 2-D data (``x1``, ``x2``, ``x1^2``...); ``None``
    uses the data's own features unchanged.
    """

    problem: Literal["classification", "regression"] = "classification"
    hidden: tuple[int, ...] = ()
    activation: str = "tanh"
    init: str = "auto"
    init_seed: int = 0
    feature_map: tuple[str, ...] | None = None
    loss: str = "log"
    # Classes of a classification: 2 is the sigmoid neuron; 3 to 10 a softmax output with one
    # unit per class. The trainer sets it from the data (``Trainer``); left out of the saved
    # form when 2, so two-class runs are saved exactly as before.
    classes: int = 2

    def __post_init__(self) -> None:
        # One spelling of a per-layer list ("tanh, relu" is "tanh,relu"), so equal models
        # compare equal and the run's command line needs no quoting.
        if isinstance(self.activation, str) and "," in self.activation:
            names = ",".join(n.strip() for n in self.activation.split(","))
            object.__setattr__(self, "activation", names)

    # ``classes`` is saved only when it is not 2 (older files have none).
    SPARSE: ClassVar[dict[str, Any]] = {"classes": 2}

    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first invalid field."""
        _check_choice("problem", self.problem, PROBLEMS)
        _check_int("classes", self.classes, 2, MAX_CLASSES)
        if not isinstance(self.hidden, tuple) or len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ConfigError("hidden", f"at most {MAX_HIDDEN_LAYERS} hidden layers")
        for width in self.hidden:
            _check_int("hidden", width, 1, MAX_NEURONS)
        layer_activations(self.activation, len(self.hidden))
        _check_choice("init", self.init, INITS)
        _check_int("init_seed", self.init_seed, 0, MAX_SEED)
        if self.feature_map is not None:
            if not self.feature_map:
                raise ConfigError("feature_map", "choose at least one input feature")
            for f in self.feature_map:
                _check_choice("feature_map", f, FEATURE_MAPS)
            if len(set(self.feature_map)) != len(self.feature_map):
                raise ConfigError("feature_map", "each input feature may appear once")
        _check_choice("loss", self.loss, LOSSES)


@dataclass(frozen=True)
class TrainConfig(_Serializable):
    """How the model is trained.

    Gradient descent (``gd``), ``momentum`` or ``adam`` with learning rate ``lr`` for
    ``iterations`` updates; ``batch_size=None`` is full-batch (the article), otherwise mini-batches
    shuffled with ``seed``. ``l1``/``l2`` add a penalty ``l1*sum|W| + l2/2*sum W^2`` on the weights
    (not biases). Training stops early when the cost reaches ``target_cost`` or, with
    ``early_stop=k``, when the test cost has not improved for ``k`` evaluations. The test cost is
    measured every ``test_every`` iterations (``None``: about 200 times a run). ``dtype`` is the
    compute precision. ``dropout`` is the share of hidden units dropped at each training step
    (inverted dropout, masks drawn from ``seed``; evaluation and predictions use every unit).

    ``lr_schedule`` moves the rate with the iteration t (0, 1, ...; ``training.lr_schedule``):
    ``constant`` keeps ``lr``; ``step`` multiplies it by ``lr_decay`` every ``lr_step_every``
    iterations (``lr * decay^floor(t/every)``); ``exp`` does the same smoothly
    (``lr * decay^(t/every)``); ``cosine`` goes from ``lr`` down to ``lr_min`` along half a cosine
    over the run's ``iterations``.
    """

    lr: float = 0.1
    iterations: int = 2000
    dtype: Literal["float64", "float32"] = "float64"
    optimizer: Literal["gd", "momentum", "adam"] = "gd"
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    target_cost: float | None = None
    early_stop: int | None = None
    test_every: int | None = None
    seed: int = 0
    dropout: float = 0.0
    lr_schedule: Literal["constant", "step", "exp", "cosine"] = "constant"
    lr_decay: float = 0.5
    lr_step_every: int = 1000
    lr_min: float = 0.0

    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first invalid field."""
        _check_float("lr", self.lr, 0.0, MAX_LR, lo_open=True)
        _check_int("iterations", self.iterations, 1, MAX_ITERATIONS)
        _check_choice("dtype", self.dtype, DTYPES)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        if self.batch_size is not None:
            _check_int("batch_size", self.batch_size, 1, MAX_SAMPLES)
        _check_float("l1", self.l1, 0.0, 1e3)
        _check_float("l2", self.l2, 0.0, 1e3)
        if self.target_cost is not None:
            _check_float("target_cost", self.target_cost, 0.0, 1e300)
        if self.early_stop is not None:
            _check_int("early_stop", self.early_stop, 1, 1_000_000)
        if self.test_every is not None:
            _check_int("test_every", self.test_every, 1, MAX_ITERATIONS)
        _check_int("seed", self.seed, 0, MAX_SEED)
        _check_float("dropout", self.dropout, 0.0, float("inf"))  # a number, at least 0; then:
        if self.dropout >= 1.0:  # 1.5 is refused for the same reason as 1
            raise ConfigError(
                "dropout", f"must be less than 1 (the share of units dropped), got {self.dropout:g}"
            )
        _check_choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        _check_float("lr_decay", self.lr_decay, 0.0, 1.0, lo_open=True)
        _check_int("lr_step_every", self.lr_step_every, 1, MAX_ITERATIONS)
        _check_float("lr_min", self.lr_min, 0.0, MAX_LR)
