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
so the interface stays live (``loading`` holds the fraction read, shown as progress); a newer
request supersedes an older one.

The controller also keeps the user's session (``keep_session``, see ``tui.run.session``): on quit
and
when the terminal goes away the training thread is stopped and waited for (``stop_training``), so
the parameters, the history and the optimizer state written are those of one and the same
iteration.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.errors import ConfigError, NeuronError
from neuron_core.training.schedule import FINISHED
from neuron_core.training.trainer import Trainer
from tui.messages import RunChanged, RunNotice, RunOpened, Severity
from tui.run.evaluation import Evaluation, evaluate

if TYPE_CHECKING:
    from neuron_core.store.record import RunRecord

# Generated data up to this many points (train + test) is drawn on the UI thread: it takes a few
# milliseconds and shows the new data in the very next frame, without a "loading" flicker.
SYNC_SAMPLES = 100_000
# Above this many points (train + test), scoring during training runs in a worker thread.
ASYNC_EVAL_SAMPLES = 300_000
# it/s is measured over this sliding window of progress samples (seconds).
RATE_WINDOW = 2.0
# How long quitting waits for the training thread to finish its chunk (chunks last ~20 ms; one
# iteration on tens of millions of points can take longer).
STOP_WAIT_SECONDS = 3.0

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
        # Held by the training thread while it is inside the trainer: what stop_training waits
        # for. A thread that starts after a stop request returns without touching the trainer.
        self._train_lock = threading.Lock()
        self._restore_abort: threading.Event | None = None
        # The settings the app started with: a run still on them with no iteration is not worth
        # keeping as a session.
        self._initial = (data_cfg, model_cfg, train_cfg)
        # True once this app may write the session file: after the user answered the resume
        # prompt (or there was no session to offer). Until then a quit leaves the file alone.
        self.session_owned = False

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
        from neuron_core.data.datasets import load

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
        from neuron_core.store.restore import record_from_trainer
        from neuron_core.store.runfile import save_run

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
        from neuron_core.store.runfile import load_run

        self._restore(lambda: load_run(path), f"opened {path}")

    def resume(self, record: RunRecord, failed: Callable[[str], None] | None = None) -> None:
        """Bring back a saved session (``record``) like an opened run. Once it is installed this
        app owns the session file (``session_owned``); on failure ``failed(reason)`` is called
        (the current run stays)."""

        def installed() -> None:
            self.session_owned = True

        self._restore(lambda: record, "resumed the saved session", installed, failed)

    def _restore(
        self,
        get_record: Callable[[], RunRecord],
        done_message: str,
        installed: Callable[[], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Read a record, rebuild its data and trainer in a worker (with progress in
        ``loading``: a CSV file is read again), then replace the current run with it."""
        from neuron_core.store.restore import rebuild_dataset, trainer_from_record

        if self._restore_abort is not None:
            self._restore_abort.set()
        abort = threading.Event()
        self._restore_abort = abort
        # "loading" from now on (reading a large run or its CSV file takes a while), so the run
        # about to be replaced cannot be started meanwhile.
        self.loading = 0.0

        def progress(fraction: float) -> None:
            if abort.is_set():
                raise _Aborted
            self.loading = fraction

        def job() -> tuple[RunRecord, Dataset, Trainer]:
            record = get_record()
            dataset = rebuild_dataset(record, progress)
            return record, dataset, trainer_from_record(record, dataset)

        def done(
            result: tuple[RunRecord, Dataset, Trainer] | None, error: BaseException | None
        ) -> None:
            if abort.is_set():
                return
            self._restore_abort = None
            if self._load_abort is None:
                self.loading = None
            if result is None:
                reason = _reason(error)
                self._notice(reason, "error")
                if failed is not None:
                    failed(reason)
                self._changed()
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
                self._notice(done_message)
                if installed is not None:
                    installed()
                self._changed(fresh=True)

            self._when_idle(install)

        self._start_job(job, "open", done)
        self._changed()

    # -- the session -----------------------------------------------------------------------
    def stop_training(self, timeout: float = STOP_WAIT_SECONDS) -> bool:
        """Stop the training thread and wait (blocking, at most ``timeout`` s) until it has left
        the trainer; True when no thread trains any more. Training does not resume by itself."""
        self._resume = False
        self._stop.set()
        if not self._train_lock.acquire(timeout=timeout):
            return False
        self._train_lock.release()
        return True

    def session_worth_keeping(self) -> bool:
        """True when the run holds something a person would miss: at least one iteration, or
        data, model or training settings other than those the app started with."""
        trainer = self.trainer
        if trainer is None or self.dataset_cfg is None:
            return False
        if trainer.history.n > 0:
            return True
        data0, model0, train0 = self._initial
        # The problem kind follows the data, so it is not a setting of its own.
        model = replace(trainer.model_cfg, problem=model0.problem)
        return (self.dataset_cfg, model, trainer.train_cfg) != (data0, model0, train0)

    def session_record(self) -> RunRecord | None:
        """The run as a ``RunRecord`` (``None`` without a trainer). Call ``stop_training``
        first. Training settings applied while the run was training but not yet handed to the
        trainer are applied now, so the session holds what the form shows."""
        from neuron_core.store.restore import record_from_trainer

        trainer, data_cfg = self.trainer, self.dataset_cfg
        if trainer is None or data_cfg is None:
            return None
        if trainer.train_cfg != self.train_cfg:
            # The engine refused them (and said so): the trainer keeps its own.
            with contextlib.suppress(NeuronError, ValueError):
                trainer.set_train_config(self.train_cfg)
        return record_from_trainer(trainer, data_cfg)

    def keep_session(self) -> str | None:
        """Save the session for the next start (or forget it, see ``tui.run.session``); returns
        ``None`` on success, else one line saying why it was not saved. Never raises: a full
        disk or a read-only state folder must not stop the app from quitting."""
        from tui.run.session import discard_session, save_session

        if not self.session_owned:
            return None
        if not self.stop_training():
            return "the session was not saved: training did not stop in time"
        try:
            if self.session_worth_keeping():
                record = self.session_record()
                if record is not None:
                    save_session(record)
            elif self.trainer is not None:
                discard_session()
        except (NeuronError, OSError, MemoryError, ValueError) as exc:
            return f"the session was not saved: {_reason(exc)}"
        return None

    # -- lifecycle -------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop everything now (quit): the worker returns within one chunk, loads abort."""
        self._closed = True
        self._resume = False
        self._idle_queue.clear()
        self._stop.set()
        self._abort_load()
        if self._restore_abort is not None:
            self._restore_abort.set()
            self._restore_abort = None

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
        stop, lock = self._stop, self._train_lock

        def train() -> str:
            with lock:
                if stop.is_set():  # stopped before this thread even started
                    return trainer.status
                return trainer.run(stop)

        worker = self._host.run_worker(
            train,
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
