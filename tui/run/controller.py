"""The run controller: owns the data, the trainer and the thread workers that train and load.

One ``RunController`` lives in the app as a non-visual widget: a widget, so that its thread
workers post typed results (``DataLoaded``, ``TrainingStopped``, ``RunRestored``,
``EvaluationReady``) to it and it handles them on the UI thread, where the run changes. It turns
requests (new data, new settings, start, pause, step, reset, open) into changes of its
``Trainer`` and keeps two promises:

* Only one thread ever touches the trainer at a time (``tui.run.training``): a change that
  arrives while the run trains waits until the training thread has stopped.
* The UI never waits for training: readers poll ``progress()`` and the views, which are cheap;
  the controller posts ``RunChanged`` only when the run's state changes, never per iteration.

Its parts, in ``tui.run``: ``training`` (the thread), ``loading`` (the data), ``progress``,
``evaluation`` (scores and views, cached per model state), ``persistence`` (files, session).
"""

from __future__ import annotations

from dataclasses import replace

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.store.record import RunRecord
from neuron_core.training.trainer import Trainer
from tui.messages import (
    DataLoaded,
    EvaluationReady,
    Redraw,
    RunChanged,
    RunNotice,
    RunOpened,
    RunRestored,
    Severity,
    TrainingStopped,
)
from tui.run.evaluation import Evaluator
from tui.run.loading import DataLoader, apply_train_config, build_trainer, data_failure, describe
from tui.run.persistence import RunFiles
from tui.run.progress import Progress, RateMeter, Scores, idle_progress, progress_of
from tui.run.scoring import Evaluation
from tui.run.training import TrainingThread
from tui.run.undo import Undo

Configs = tuple[DataConfig, ModelConfig, TrainConfig]


class RunController(Widget):
    """See the module docstring. Mounted, hidden, by the app; the ``RunChanged``, ``RunNotice``
    and ``RunOpened`` it posts bubble up to the app."""

    DEFAULT_CSS = "RunController { display: none; }"

    def __init__(self, data_cfg: DataConfig, model_cfg: ModelConfig, train_cfg: TrainConfig):
        super().__init__(id="run-controller")
        self.data_cfg, self.model_cfg, self.train_cfg = data_cfg, model_cfg, train_cfg
        self.dataset: Dataset | None = None
        # The config the current dataset was built from (data_cfg may already be newer).
        self.dataset_cfg: DataConfig | None = None
        self.trainer: Trainer | None = None
        # Why no trainer could be built: (config field, reason) of the model settings.
        self.blocker: tuple[str, str] | None = None
        # Fraction of the data read while a load runs in the background, else None. (Not
        # ``loading``: that is the widget's own loading indicator.)
        self.load_progress: float | None = None
        self.rate = RateMeter()
        self.training = TrainingThread(self)
        self.evaluator = Evaluator(self, lambda: (self.trainer, self.running))
        initial = (data_cfg, model_cfg, train_cfg)

        def opened(record: RunRecord, dataset: Dataset, trainer: Trainer) -> None:
            cfgs = (record.data_cfg, record.model_cfg, record.train_cfg)
            self.install(cfgs, dataset, trainer, "Opened a saved run")

        self.files = RunFiles(self, initial, self._set_loading, opened)
        self.data = DataLoader(self, self._set_loading, self._install_data)
        self.undo = Undo(self)
        self._quit = False

    # -- reading ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the training worker is alive (including a requested pause in flight)."""
        return self.training.running

    @property
    def busy(self) -> bool:
        """True while data or a saved run is being loaded in the background."""
        return self.load_progress is not None

    def can_start(self) -> str | None:
        """``None`` when ``start`` would train, else the reason it would not (for a notice)."""
        return self.training.why_not(self.trainer, self.busy, self.blocker)

    def evaluate(self) -> Evaluation | None:
        """Scores of the latest published parameters (see ``Evaluator.latest``)."""
        return self.evaluator.latest()

    def progress(self) -> Progress:
        """A cheap read of the run's progress (called about 10 times a second)."""
        if self.trainer is None:
            return idle_progress(self.blocker, self.train_cfg.iterations, self.load_progress)
        ev = self.evaluator.shown
        scores = Scores(ev.train_score, ev.test_score, ev.score_name) if ev else Scores()
        run = (self.trainer, self.running, self.rate, scores, self.load_progress)
        return progress_of(*run, pausing=self.training.pausing)

    # -- data and settings -----------------------------------------------------------------
    def load_data(self, cfg: DataConfig) -> None:
        """Draw or read the data of ``cfg`` and start a fresh run on it (training stops first).
        Problems become notices that mark the field."""
        self.data_cfg = cfg
        self.training.pause()
        self.data.load(cfg, self.model_cfg, self.train_cfg)
        self.changed()

    def on_data_loaded(self, message: DataLoaded) -> None:
        if not self._quit:
            self.data.loaded(message, self.train_cfg)
            self.changed()

    def set_model_config(self, cfg: ModelConfig) -> None:
        """New model settings: a new model on the same data, so the run starts over."""
        self.model_cfg = cfg
        self.training.pause()
        self.training.when_idle(self._build_trainer)

    def set_train_config(self, cfg: TrainConfig) -> None:
        """New training settings, applied to the continued run (training resumes if it ran)."""
        self.train_cfg = cfg
        trainer = self.trainer
        if trainer is None:
            if self.dataset is not None and self.blocker is not None and not self.busy:
                self.training.when_idle(self._build_trainer)  # the last ones were refused
            return

        def apply() -> None:
            refused = apply_train_config(trainer, cfg) if self.trainer is trainer else None
            if refused is not None:
                self.post_message(refused)

        self.training.when_idle(apply)
        self.changed(redraw="settings")  # (a running worker stops first: all is redrawn then)

    # -- running ---------------------------------------------------------------------------
    def start(self) -> str | None:
        """Start or resume training in the worker; returns why not, or ``None``."""
        why = self.can_start()
        if why is not None:
            return why
        self.training.resume = True
        self._launch()
        self.changed()
        return None

    def pause(self) -> None:
        """Ask the worker to stop after its current chunk ("pausing…" until it has)."""
        self.training.pause()
        self.changed(redraw="state")

    def step(self) -> str | None:
        """One iteration, on the UI thread (it takes microseconds); returns why not, or None."""
        if self.running:
            return "pause first: a single step runs only while paused"
        why = self.can_start()
        if why is not None or self.trainer is None:
            return why
        self.trainer.step(1)
        self.changed()
        return None

    def reset(self) -> None:
        """Back to the initial parameters with the same data; the history is cleared (a run
        with progress is kept, so ``u`` brings it back: ``tui.run.undo``)."""
        self.training.pause()
        self.training.when_idle(self.undo.reset)

    def _launch(self) -> None:
        assert self.trainer is not None
        self.rate.clear()
        self.training.launch(self.trainer)

    def on_training_stopped(self, message: TrainingStopped) -> None:
        if self._quit:
            return
        if message.error is not None:
            self.training.resume = False
            self.notice(f"training stopped: {describe(message.error)}", "error")
        self.training.stopped(self.can_start, self._launch)
        self.changed()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly: say so rather than leave the run hanging."""
        worker = event.worker
        if worker.state != WorkerState.ERROR or self._quit:
            return
        if worker is self.training.worker:
            self.post_message(TrainingStopped(worker.error))
        elif worker.group == "data":
            self.load_progress = None
            self.post_message(data_failure(worker.error, self.data_cfg))
            self.changed()

    def on_evaluation_ready(self, message: EvaluationReady) -> None:
        if self.evaluator.accept(message):
            self.changed()

    # -- files -------------------------------------------------------------------------------
    def save(self, path: str) -> None:
        """Save the run to ``path`` once training has paused for the write (it then goes on)."""
        trainer, data_cfg = self.trainer, self.dataset_cfg
        if trainer is None or data_cfg is None:
            self.notice("there is no run to save yet", "error")
            return
        self.training.when_idle(lambda: self.files.save(path, trainer, data_cfg))

    def on_run_restored(self, message: RunRestored) -> None:
        if not self._quit:
            self.files.restored(message)
            self.changed()

    def _set_loading(self, fraction: float | None) -> None:
        self.load_progress = fraction

    def install(self, cfgs: Configs, dataset: Dataset, trainer: Trainer, what: str) -> None:
        """Replace the run with ``trainer`` on ``dataset`` with ``cfgs`` (data, model, training;
        the forms show them) once idle; the replaced run is kept for undo (``what`` replaced it;
        the undo's own replacement is not announced: ``u`` says what it did)."""
        self.training.pause()
        self.data.abort()

        def install() -> None:
            self.undo.keep(what, tell=what != "Undo")
            self.data_cfg = self.dataset_cfg = cfgs[0]
            self.model_cfg, self.train_cfg = cfgs[1], cfgs[2]
            self.dataset, self.trainer, self.blocker = dataset, trainer, None
            self.rate.clear()
            self.evaluator.clear()
            self.post_message(RunOpened(*cfgs))
            self.changed(fresh=True)

        self.training.when_idle(install)

    def keep_session(self) -> None:
        """Keep the run as the session (once, however the app ends; see ``RunFiles``)."""
        stop = self.training.stop_and_wait
        self.files.keep_session(self.trainer, self.dataset_cfg, self.train_cfg, stop)

    # -- internals -------------------------------------------------------------------------
    def _install_data(self, dataset: Dataset, cfg: DataConfig, trainer: Trainer | None) -> None:
        """A fresh run on new data (``trainer``: one a worker built for it), once idle."""

        def install() -> None:
            self.undo.keep(f"New data (seed {cfg.seed})")
            self.dataset, self.dataset_cfg = dataset, cfg
            self._build_trainer(trainer)

        self.training.when_idle(install)

    def _build_trainer(self, prebuilt: Trainer | None = None) -> None:
        """A new trainer for the current data and settings (the run starts over);
        ``prebuilt`` is one a worker already built for them."""
        if self.dataset is None:
            return
        self.undo.keep("New model")  # (new data: kept already, with its own words)
        # The data decides the kind of problem; the model follows it.
        self.model_cfg = replace(self.model_cfg, problem=self.dataset.problem)
        self.evaluator.clear()
        self.rate.clear()
        built = build_trainer(self.dataset, self.model_cfg, self.train_cfg, prebuilt)
        self.trainer, self.blocker = built.trainer, built.blocker
        if built.notice is not None:
            self.post_message(built.notice)
        self.changed(fresh=True)

    def notice(
        self,
        message: str,
        severity: Severity = "information",
        field: str | None = None,
        source: str | None = None,
    ) -> None:
        """Tell the person something (a ``RunNotice`` for the app to show)."""
        self.post_message(RunNotice(message, severity, field, source))

    def changed(self, fresh: bool = False, redraw: Redraw = "views") -> None:
        """Tell the app the run changed (``fresh``: its history was replaced; ``redraw``)."""
        if not self._quit:
            self.post_message(RunChanged(fresh, redraw))

    def shutdown(self) -> None:
        """Quit: the training worker returns within one chunk, loads are cancelled and nothing
        queued runs any more."""
        self._quit = True
        self.training.shutdown()
        self.data.abort()
        self.files.abort()
