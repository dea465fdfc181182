"""The run controller: owns the data, the trainer and the background worker that trains.

One ``RunController`` lives in the app. It turns requests (new data, new settings, start, pause,
step, reset, save, open) into changes of its ``Trainer``, and keeps two promises:

* Only one thread ever touches the trainer at a time. Training runs in a Textual thread worker
  (``trainer.run(stop)``); anything that changes the trainer while that worker runs is queued,
  the stop flag is set, and the queue is drained on the UI thread once the worker has returned
  (``_when_idle``). Applying a new learning rate mid-run therefore costs one chunk of latency and
  a worker restart, and never races the training loop.
* The UI never waits for training. Readers poll ``progress()`` (cheap: a few attribute reads) and
  ``evaluate()`` (a forward pass on a copy of the parameters); the controller posts
  ``RunChanged`` only when the state changes, never per iteration.

Loading data (large generated sets, CSV files) and opening saved runs also run in thread workers,
so the interface stays live; a newer request supersedes an older one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.datasets import Dataset
from neuron_core.errors import ConfigError, NeuronError
from neuron_core.trainer import FINISHED, Trainer

from .messages import RunChanged, RunNotice, RunOpened, Severity
from .predict import Evaluation, evaluate

# Generated data up to this many points (train + test) is drawn on the UI thread: it takes a few
# milliseconds and shows the new data in the very next frame, without a "loading" flicker.
SYNC_SAMPLES = 100_000
# Above this many points (train + test), scoring during training runs in a worker thread.
ASYNC_EVAL_SAMPLES = 300_000
# it/s is measured over this sliding window of progress samples (seconds).
RATE_WINDOW = 2.0

# The words shown for the trainer's statuses; "finished" covers every normal ending.
STATE_WORDS: dict[str, str] = {
    "ready": "ready",
    "running": "running",
    "paused": "paused",
    "completed": "finished",
    "target_reached": "finished",
    "early_stopped": "finished",
    "diverged": "diverged",
}


class _Aborted(Exception):
    """Raised from a loader's progress callback to abandon a superseded load."""


@dataclass(frozen=True)
class Progress:
    """What the stats panel shows, read at ~10 Hz.

    ``state`` is one word ("loading", "not ready", "ready", "running", "paused", "finished",
    "diverged"); ``detail`` says why a run ended or cannot start. ``rate`` (it/s) and ``eta``
    (seconds) are ``None`` when unknown. ``train_score``/``test_score`` come from the last
    ``evaluate()`` (accuracy for classification, R² for regression, named by ``score_name``).
    """

    state: str
    detail: str
    iteration: int
    total: int
    cost: float | None
    test_cost: float | None
    train_score: float | None
    test_score: float | None
    score_name: str
    rate: float | None
    eta: float | None
    loading: float | None


class RateMeter:
    """Iterations per second over a sliding window of ``(time, iteration)`` samples."""

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def clear(self) -> None:
        """Forget every sample (a new run segment starts)."""
        self._samples.clear()

    def add(self, iteration: int, now: float | None = None) -> float | None:
        """Record ``iteration`` at ``now`` and return the rate, ``None`` until measurable."""
        t = time.perf_counter() if now is None else now
        samples = self._samples
        samples.append((t, iteration))
        while len(samples) > 2 and t - samples[0][0] > self.window:
            samples.popleft()
        t0, i0 = samples[0]
        if t - t0 < 0.05 or iteration <= i0:
            return None
        return (iteration - i0) / (t - t0)


class RunController:
    """See the module docstring. ``host`` runs the workers and receives the messages (the app)."""

    def __init__(
        self,
        host: DOMNode,
        data_cfg: DataConfig,
        model_cfg: ModelConfig,
        train_cfg: TrainConfig,
    ) -> None:
        self._host = host
        self.data_cfg = data_cfg
        self.model_cfg = model_cfg
        self.train_cfg = train_cfg
        self.dataset: Dataset | None = None
        self.trainer: Trainer | None = None
        # The config the current dataset was built from (data_cfg may already be newer).
        self.dataset_cfg: DataConfig | None = None
        # Why no trainer could be built: (config field, reason) of the model settings.
        self.blocker: tuple[str, str] | None = None
        # Fraction of the data read while a load runs in the background, else None.
        self.loading: float | None = None
        self._stop = threading.Event()
        self._train_worker: Worker[Any] | None = None
        self._resume = False
        self._idle_queue: list[Callable[[], None]] = []
        self._jobs: dict[Worker[Any], Callable[[Worker[Any]], None]] = {}
        self._load_abort: threading.Event | None = None
        self._rate = RateMeter()
        self._evaluation: Evaluation | None = None
        self._eval_key: tuple[int, int, str] | None = None
        self._eval_pending = False
        self._closed = False

    # -- reading ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the training worker is alive (including a requested pause in flight)."""
        return self._train_worker is not None

    @property
    def busy(self) -> bool:
        """True while data or a saved run is being loaded in the background."""
        return self.loading is not None

    def can_start(self) -> str | None:
        """``None`` when ``start`` would train, else the reason it would not (for a notice)."""
        if self.running:
            return "training is already running"
        if self.busy:
            return "the data is still loading"
        if self.trainer is None:
            if self.blocker is not None:
                return f"{self.blocker[0]}: {self.blocker[1]}"
            return "there is no data to train on"
        status = self.trainer.status
        if status == "diverged":
            return "the run diverged: press r to reset, or lower the learning rate"
        if status in FINISHED:
            return "the run is finished: press r to reset, or raise the iterations"
        return None

    def progress(self) -> Progress:
        """A cheap read of the run's progress (called ~10x/s on the UI thread)."""
        ev = self._evaluation
        train_score = test_score = None
        score_name = "accuracy"
        if ev is not None:
            train_score, test_score, score_name = ev.train_score, ev.test_score, ev.score_name
        trainer = self.trainer
        if trainer is None:
            if self.busy:
                state, detail = "loading", "reading the data"
            elif self.blocker is not None:
                state, detail = "not ready", f"{self.blocker[0]}: {self.blocker[1]}"
            else:
                state, detail = "not ready", "no data"
            return Progress(
                state,
                detail,
                0,
                self.train_cfg.iterations,
                None,
                None,
                None,
                None,
                score_name,
                None,
                None,
                self.loading,
            )
        hist = trainer.history
        n = hist.n
        total = trainer.train_cfg.iterations
        cost = float(hist.costs[n - 1]) if n else None
        test_cost = float(hist.test_costs[hist.n_test - 1]) if hist.n_test else None
        rate: float | None
        eta: float | None = None
        if self.running:
            state, detail = "running", ""
            rate = self._rate.add(n)
            if rate:
                eta = max(0, total - n) / rate
        else:
            state = STATE_WORDS.get(trainer.status, trainer.status)
            detail = trainer.reason
            # Between runs: the average speed of the whole run so far.
            rate = n / trainer.seconds if n and trainer.seconds > 0 else None
        if self.busy:
            state, detail = "loading", "reading the data"
        return Progress(
            state,
            detail,
            n,
            total,
            cost,
            test_cost,
            train_score,
            test_score,
            score_name,
            rate,
            eta,
            self.loading,
        )

    def evaluate(self) -> Evaluation | None:
        """Scores and predictions of the latest published parameters (cached until they change).

        Runs a forward pass over the training and test sets on a private copy of the model, so
        it is safe while the worker trains. Called at 1-2 Hz and whenever the run changes. On
        large data while training, the pass runs in a worker (NumPy releases the GIL there, so
        the UI stays smooth) and this returns the previous result until the new one is ready.
        """
        trainer = self.trainer
        if trainer is None:
            self._evaluation = None
            return None
        snap = trainer.snapshot()
        key = (id(trainer), snap.iteration, snap.status)
        if key == self._eval_key and self._evaluation is not None:
            return self._evaluation
        large = trainer.data.m_train + trainer.data.m_test > ASYNC_EVAL_SAMPLES
        if not (large and self.running):
            self._evaluation = evaluate(trainer, snap.params, snap.iteration)
            self._eval_key = key
            return self._evaluation
        if not self._eval_pending:
            self._eval_pending = True

            def done(ev: Evaluation | None, error: BaseException | None) -> None:
                self._eval_pending = False
                if ev is not None and self.trainer is trainer:
                    self._evaluation = ev
                    self._eval_key = key

            self._start_job(lambda: evaluate(trainer, snap.params, snap.iteration), "eval", done)
        current = self._evaluation
        return current if current is not None and self._eval_key is not None else None

    # -- data and settings -----------------------------------------------------------------
    def load_data(self, cfg: DataConfig) -> None:
        """Draw or read the data of ``cfg`` and start a fresh run on it.

        Training stops first. Small generated sets are drawn at once, others in a worker (the
        current run stays on screen until the new data is ready). Problems are posted as
        ``RunNotice`` naming the field.
        """
        from neuron_core.datasets import load

        self.data_cfg = cfg
        self._pause_for_change()
        self._abort_load()
        if cfg.source == "generator" and cfg.samples + cfg.test_samples <= SYNC_SAMPLES:
            try:
                dataset = load(cfg)
            except (ConfigError, NeuronError) as exc:
                self._data_failed(exc)
                return
            self.loading = None
            self._when_idle(lambda: self._install_data(dataset, cfg))
            return
        abort = threading.Event()
        self._load_abort = abort
        self.loading = 0.0

        def progress(fraction: float) -> None:
            if abort.is_set():
                raise _Aborted
            self.loading = fraction

        model_cfg, train_cfg = self.model_cfg, self.train_cfg

        def job() -> tuple[Dataset, Trainer | None]:
            dataset = load(cfg, progress)
            # The trainer is built here too: on large data its set-up (copies of X for the
            # fast loop) takes a noticeable time that the UI thread need not spend.
            return dataset, _try_trainer(dataset, model_cfg, train_cfg)

        def done(
            result: tuple[Dataset, Trainer | None] | None, error: BaseException | None
        ) -> None:
            if abort.is_set():
                return
            self._load_abort = None
            self.loading = None
            if result is None:
                self._data_failed(error)
                self._changed()
                return
            dataset, trainer = result
            if (self.model_cfg, self.train_cfg) != (model_cfg, train_cfg):
                trainer = None  # the settings changed meanwhile: build it again
            self._when_idle(lambda: self._install_data(dataset, cfg, trainer))

        self._start_job(job, "data", done)
        self._changed()

    def set_model_config(self, cfg: ModelConfig) -> None:
        """New model settings: a new model on the same data, so the run starts over."""
        self.model_cfg = cfg
        self._pause_for_change()
        self._when_idle(self._build_trainer)

    def set_train_config(self, cfg: TrainConfig) -> None:
        """New training settings, applied to the continued run (training resumes if it ran)."""
        self.train_cfg = cfg
        if self.trainer is None:
            if self.dataset is not None and self.blocker is not None and not self.busy:
                # The engine refused the last settings: these may be acceptable.
                self._when_idle(self._build_trainer)
            return
        trainer = self.trainer

        def apply() -> None:
            if self.trainer is not trainer:
                return
            try:
                trainer.set_train_config(cfg)
            except ConfigError as exc:
                self._notice(exc.message, "error", exc.field, "train")
            except NeuronError as exc:
                self._notice(str(exc), "error")

        self._when_idle(apply)
        self._changed()

    # -- running ---------------------------------------------------------------------------
    def start(self) -> str | None:
        """Start or resume training in the worker; returns why not, or ``None``."""
        why = self.can_start()
        if why is not None:
            return why
        self._resume = True
        self._launch()
        self._changed()
        return None

    def pause(self) -> None:
        """Ask the worker to stop after its current chunk; the run is then ``paused``."""
        self._resume = False
        if self.running:
            self._stop.set()

    def step(self) -> str | None:
        """One iteration, on the UI thread (it takes microseconds); returns why not, or None."""
        if self.running:
            return "pause first: a single step runs only while paused"
        why = self.can_start()
        if why is not None or self.trainer is None:
            return why
        self.trainer.step(1)
        self._changed()
        return None

    def reset(self) -> None:
        """Back to the initial parameters with the same data; the history is cleared."""
        self._pause_for_change()

        def do() -> None:
            if self.trainer is not None:
                self.trainer.reset()
                self._rate.clear()
                self._changed(fresh=True)

        self._when_idle(do)

    # -- files -----------------------------------------------------------------------------
    def save(self, path: str) -> None:
        """Save the run to ``path`` (written atomically); training pauses for the write and
        resumes afterwards. The outcome is posted as a ``RunNotice``."""
        from neuron_core.store import record_from_trainer, save_run

        trainer = self.trainer
        data_cfg = self.dataset_cfg
        if trainer is None or data_cfg is None:
            self._notice("there is no run to save yet", "error")
            return

        def do() -> None:
            try:
                save_run(path, record_from_trainer(trainer, data_cfg))
            except NeuronError as exc:
                self._notice(str(exc), "error")
            except OSError as exc:  # belt and braces: the store reports StoreError
                self._notice(f"cannot save to {path}: {exc}", "error")
            else:
                self._notice(f"saved the run to {path}")

        if self.running:
            self._stop.set()
        self._when_idle(do)

    def open(self, path: str) -> None:
        """Open a saved run in a worker; on success it replaces the current run, on failure the
        current run is left untouched and the reason is posted."""
        from neuron_core.store import load_run, rebuild_dataset, trainer_from_record

        def job() -> tuple[Any, Dataset, Trainer]:
            record = load_run(path)
            dataset = rebuild_dataset(record)
            return record, dataset, trainer_from_record(record, dataset)

        def done(result: tuple[Any, Dataset, Trainer] | None, error: BaseException | None) -> None:
            if result is None:
                self._notice(_reason(error), "error")
                return
            record, dataset, trainer = result
            self._pause_for_change()
            self._abort_load()

            def install() -> None:
                self.data_cfg = record.data_cfg
                self.model_cfg = record.model_cfg
                self.train_cfg = record.train_cfg
                self.dataset = dataset
                self.dataset_cfg = record.data_cfg
                self.trainer = trainer
                self.blocker = None
                self.loading = None
                self._rate.clear()
                self._host.post_message(
                    RunOpened(record.data_cfg, record.model_cfg, record.train_cfg)
                )
                self._notice(f"opened {path}")
                self._changed(fresh=True)

            self._when_idle(install)

        self._start_job(job, "open", done)

    # -- lifecycle -------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop everything now (quit): the worker returns within one chunk, loads abort."""
        self._closed = True
        self._resume = False
        self._idle_queue.clear()
        self._stop.set()
        self._abort_load()

    def on_worker_state(self, worker: Worker[Any]) -> None:
        """Forwarded ``Worker.StateChanged``: finish whatever was waiting for ``worker``."""
        if worker.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        handler = self._jobs.pop(worker, None)
        if handler is not None and not self._closed:
            handler(worker)

    # -- internals -------------------------------------------------------------------------
    def _start_job(
        self,
        job: Callable[[], Any],
        group: str,
        done: Callable[[Any, BaseException | None], None],
    ) -> None:
        """Run ``job`` in a thread worker; ``done(result, error)`` runs on the UI thread after.

        Expected failures (bad files, bad settings, no memory, an aborted load) come back as
        ``error``; a worker superseded by a newer one of the same group is dropped silently.
        """

        def guarded() -> tuple[Any, BaseException | None]:
            try:
                return job(), None
            except (NeuronError, OSError, MemoryError, _Aborted) as exc:
                return None, exc

        def finished(worker: Worker[Any]) -> None:
            if worker.state == WorkerState.SUCCESS and worker.result is not None:
                result, error = worker.result
                done(result, error)
            elif worker.state == WorkerState.ERROR:
                done(None, worker.error)

        worker = self._host.run_worker(
            guarded, name=group, group=group, thread=True, exclusive=True, exit_on_error=False
        )
        self._jobs[worker] = finished

    def _launch(self) -> None:
        trainer = self.trainer
        assert trainer is not None
        self._stop.clear()
        self._rate.clear()
        stop = self._stop
        worker = self._host.run_worker(
            lambda: trainer.run(stop),
            name="training",
            group="training",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        self._train_worker = worker
        self._jobs[worker] = self._training_done

    def _training_done(self, worker: Worker[Any]) -> None:
        self._train_worker = None
        if worker.state == WorkerState.ERROR:
            self._resume = False
            self._notice(f"training stopped: {_reason(worker.error)}", "error")
        queue, self._idle_queue = self._idle_queue, []
        for fn in queue:
            fn()
        if self._resume and self.can_start() is None:
            self._launch()
        else:
            self._resume = False
        self._changed()

    def _when_idle(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if no training worker is alive, else once it has stopped."""
        if self._train_worker is None:
            fn()
        else:
            self._idle_queue.append(fn)
            self._stop.set()

    def _pause_for_change(self) -> None:
        """A change that starts the run over: stop training and do not resume."""
        self._resume = False
        if self.running:
            self._stop.set()

    def _abort_load(self) -> None:
        if self._load_abort is not None:
            self._load_abort.set()
            self._load_abort = None
        self.loading = None

    def _install_data(
        self, dataset: Dataset, cfg: DataConfig, trainer: Trainer | None = None
    ) -> None:
        self.dataset = dataset
        self.dataset_cfg = cfg
        self._build_trainer(trainer)

    def _build_trainer(self, prebuilt: Trainer | None = None) -> None:
        """A new trainer for the current data and settings (the run starts over);
        ``prebuilt`` is one a worker already built for exactly these."""
        dataset = self.dataset
        if dataset is None:
            return
        # The data decides the kind of problem; the model follows it.
        self.model_cfg = replace(self.model_cfg, problem=dataset.problem)
        self.trainer = None
        self._evaluation = None
        self._eval_key = None
        self._rate.clear()
        try:
            if prebuilt is not None and prebuilt.model_cfg == self.model_cfg:
                self.trainer = prebuilt
            else:
                self.trainer = _make_trainer(dataset, self.model_cfg, self.train_cfg)
        except ConfigError as exc:
            self.blocker = (exc.field, exc.message)
            source = "train" if exc.field in _TRAIN_FIELDS else "model"
            self._notice(exc.message, "error", exc.field, source)
        except (NeuronError, ValueError) as exc:
            self.blocker = ("model", str(exc))
            self._notice(str(exc), "error", None, "model")
        else:
            self.blocker = None
        self._changed(fresh=True)

    def _data_failed(self, error: BaseException | None) -> None:
        if isinstance(error, _Aborted):
            return
        if isinstance(error, ConfigError):
            field, message = error.field, error.message
        else:
            # A file problem belongs to the path; memory trouble to the number of samples.
            field = "csv_path" if self.data_cfg.source == "csv" else "samples"
            message = _reason(error)
        self._notice(message, "error", field, "data")

    def _notice(
        self,
        message: str,
        severity: Severity = "information",
        field: str | None = None,
        source: str | None = None,
    ) -> None:
        self._host.post_message(RunNotice(message, severity, field, source))

    def _changed(self, fresh: bool = False) -> None:
        if not self._closed:
            self._host.post_message(RunChanged(fresh))


_TRAIN_FIELDS = frozenset(f for f in TrainConfig.__dataclass_fields__)


def _make_trainer(dataset: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig) -> Trainer:
    """``Trainer(dataset, model_cfg, train_cfg)`` with the problem taken from the data; raises
    ``ConfigError`` naming the field for settings the engine refuses."""
    model_cfg = replace(model_cfg, problem=dataset.problem)
    if model_cfg.feature_map is not None and dataset.n_features != 2:
        # The engine says so with a ValueError; as a ConfigError it marks the field.
        raise ConfigError(
            "feature_map",
            f"input features need 2-D data (x1, x2); this data has {dataset.n_features}",
        )
    return Trainer(dataset, model_cfg, train_cfg)


def _try_trainer(
    dataset: Dataset, model_cfg: ModelConfig, train_cfg: TrainConfig
) -> Trainer | None:
    """``_make_trainer``, or ``None`` when it fails (the UI thread then builds it again and
    reports why)."""
    try:
        return _make_trainer(dataset, model_cfg, train_cfg)
    except (NeuronError, ValueError):
        return None


def _reason(error: BaseException | None) -> str:
    """A one-line message for a person from an exception raised in a worker."""
    if error is None:
        return "unknown error"
    if isinstance(error, NeuronError):
        return str(error)
    if isinstance(error, MemoryError):
        return "not enough memory"
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}" if not isinstance(error, OSError) else text


def format_duration(seconds: float | None) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"2 h 07 min"``; "—" when unknown or not finite."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    s = round(seconds)
    if s < 60:
        return f"{max(s, 0)} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
