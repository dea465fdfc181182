"""Loading the run's data, and building its trainer.

``DataLoader`` draws a generated set of up to ``SYNC_SAMPLES`` points on the UI thread (a few
milliseconds, so the new data shows in the very next frame, without a "loading" flicker); other
data is read or drawn in a thread worker of the controller, which also builds the trainer (on
large data its set-up takes a noticeable time the UI thread need not spend) and posts
``DataLoaded``. A newer request supersedes an older one: the old worker is cancelled through
Textual's worker cancellation (checked at every progress step) and its result is dropped.
``build_trainer`` turns data and settings into a trainer, or into the reason there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.widget import Widget
from textual.worker import get_current_worker

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.errors import ConfigError, NeuronError
from neuron_core.training.trainer import Trainer
from tui.messages import DataLoaded, RunNotice

# Generated data up to this many points (train + test) is drawn on the UI thread.
SYNC_SAMPLES = 100_000
# The training config's fields: a refusal naming one of them belongs to the training settings.
TRAIN_FIELDS = frozenset(TrainConfig.__dataclass_fields__)


class Cancelled(Exception):
    """Raised from the progress callback of a load whose worker was cancelled."""


def worker_progress(
    current: Callable[[], bool], report: Callable[[float], None]
) -> Callable[[float], None]:
    """A progress callback for the load running in this thread worker: it raises ``Cancelled``
    once the worker is cancelled (a newer request came), and reports the fraction read only
    while ``current()`` says the request is still the newest."""
    worker = get_current_worker()

    def progress(fraction: float) -> None:
        if worker.is_cancelled:
            raise Cancelled
        if current():
            report(fraction)

    return progress


class DataLoader:
    """Loads data for ``node`` (the run controller, which runs the worker and hands its
    ``DataLoaded`` to ``loaded``). ``loading`` is told how much is read (None: done),
    ``install(dataset, cfg, trainer)`` receives the data (with a trainer built for it, or
    None); why a load failed is posted to ``node`` as a notice that marks the field."""

    def __init__(
        self,
        node: Widget,
        loading: Callable[[float | None], None],
        install: Callable[[Dataset, DataConfig, Trainer | None], None],
    ) -> None:
        self._node = node
        self._loading = loading
        self._install = install
        self._token = 0  # the newest request; older results are dropped

    def load(self, cfg: DataConfig, model_cfg: ModelConfig, train_cfg: TrainConfig) -> None:
        """Load the data of ``cfg``: at once when it is small and generated, else in a worker
        that also builds a trainer with these settings."""
        self.abort()
        if cfg.source == "generator" and cfg.samples + cfg.test_samples <= SYNC_SAMPLES:
            try:
                dataset = load(cfg)
            except NeuronError as exc:
                self._node.post_message(data_failure(exc, cfg))
                return
            self._install(dataset, cfg, None)
            return
        token, loading = self._token, self._loading
        loading(0.0)

        def job() -> None:
            step = worker_progress(lambda: token == self._token, loading)
            try:
                dataset = load(cfg, step)
            except Cancelled:
                return
            except (NeuronError, OSError, MemoryError) as exc:
                self._node.post_message(DataLoaded(token, cfg, None, None, exc))
                return
            trainer = try_trainer(dataset, model_cfg, train_cfg)
            self._node.post_message(DataLoaded(token, cfg, dataset, trainer))

        self._node.run_worker(job, name="data", group="data", thread=True, exclusive=True,
                              exit_on_error=False)  # fmt: skip

    def loaded(self, message: DataLoaded, train_cfg: TrainConfig) -> None:
        """A worker's result; ``train_cfg`` are the training settings now (a trainer built for
        older ones is built again)."""
        if message.token != self._token:
            return  # superseded by a newer request
        self._loading(None)
        if message.dataset is None:
            self._node.post_message(data_failure(message.error, message.config))
            return
        trainer = message.trainer
        if trainer is not None and trainer.train_cfg != train_cfg:
            trainer = None
        self._install(message.dataset, message.config, trainer)

    def abort(self) -> None:
        """Forget any request in flight (its worker is cancelled, its result dropped)."""
        self._token += 1
        self._node.workers.cancel_group(self._node, "data")
        self._loading(None)


def model_for(dataset: Dataset, model_cfg: ModelConfig) -> ModelConfig:
    """The model ``model_cfg`` describes, on ``dataset``: the problem is the data's, and the
    input features (built from x1, x2) apply to 2-D data only; other data keeps its own inputs
    (the app's feature toggles say so, and keep the choice for the next 2-D data)."""
    model_cfg = replace(model_cfg, problem=dataset.problem)
    if model_cfg.feature_map is not None and dataset.n_features != 2:
        model_cfg = replace(model_cfg, feature_map=None)
    return model_cfg


def make_trainer(dataset: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig) -> Trainer:
    """``Trainer(dataset, model_for(dataset, model_cfg), train_cfg)``; raises ``ConfigError``
    naming the field for settings the engine refuses."""
    return Trainer(dataset, model_for(dataset, model_cfg), train_cfg)


def try_trainer(dataset: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig) -> Trainer | None:
    """``make_trainer``, or ``None`` when it fails (the UI thread then builds it again and
    reports why)."""
    try:
        return make_trainer(dataset, model_cfg, train_cfg)
    except (NeuronError, ValueError, MemoryError):
        return None


def describe(error: BaseException | None) -> str:
    """A one-line message for a person from an exception raised in a worker."""
    if error is None:
        return "unknown error"
    if isinstance(error, NeuronError):
        return str(error)
    if isinstance(error, MemoryError):
        return "not enough memory"
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}" if not isinstance(error, OSError) else text


@dataclass(frozen=True)
class Built:
    """The outcome of building a trainer: the ``trainer``, or why not as a ``blocker``
    (config field, reason) and the ``notice`` that tells the person (marking the field)."""

    trainer: Trainer | None
    blocker: tuple[str, str] | None = None
    notice: RunNotice | None = None


def build_trainer(
    dataset: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig, prebuilt: Trainer | None
) -> Built:
    """A trainer for ``dataset`` with these settings (``model_cfg`` with the data's problem);
    ``prebuilt`` is one a worker already built, used when it was built for exactly these."""
    try:
        if prebuilt is not None and prebuilt.model_cfg == model_for(dataset, model_cfg):
            return Built(prebuilt, notice=lr_notice(prebuilt))
        trainer = make_trainer(dataset, model_cfg, train_cfg)
        return Built(trainer, notice=lr_notice(trainer))
    except ConfigError as exc:
        source = "train" if exc.field in TRAIN_FIELDS else "model"
        notice = RunNotice(exc.message, "error", exc.field, source)
        return Built(None, (exc.field, exc.message), notice)
    except (NeuronError, ValueError) as exc:
        return Built(None, ("model", str(exc)), RunNotice(str(exc), "error", None, "model"))


def apply_train_config(trainer: Trainer, cfg: TrainConfig) -> RunNotice | None:
    """Apply ``cfg`` to the continued run of ``trainer`` (no thread may be training); the
    notice that marks the field the engine refused, or the warning of a new learning rate that
    will diverge (``lr_notice``), or None."""
    old_lr = trainer.train_cfg.lr
    try:
        trainer.set_train_config(cfg)
    except ConfigError as exc:
        return RunNotice(exc.message, "error", exc.field, "train")
    except NeuronError as exc:
        return RunNotice(str(exc), "error")
    return lr_notice(trainer) if cfg.lr != old_lr else None


def lr_notice(trainer: Trainer) -> RunNotice | None:
    """A warning, before the run starts, when its learning rate will make it diverge (see
    ``neuron_core.training.stability``), with the preset to use instead; else None."""
    from neuron_core.training.stability import divergence_lr, lr_warning

    mcfg, tcfg = trainer.model_cfg, trainer.train_cfg
    limit = divergence_lr(trainer.X_train, mcfg.hidden, mcfg.problem, tcfg.optimizer)
    text = lr_warning(tcfg.lr, limit, "{} ([ lowers it)")
    return None if text is None else RunNotice(text, "warning")


def data_failure(error: BaseException | None, cfg: DataConfig) -> RunNotice:
    """The notice for data that could not be loaded, on the field it belongs to: a file
    problem on the path, memory trouble on the number of samples."""
    if isinstance(error, ConfigError):
        return RunNotice(error.message, "error", error.field, "data")
    field = "csv_path" if cfg.source == "csv" else "samples"
    return RunNotice(describe(error), "error", field, "data")
