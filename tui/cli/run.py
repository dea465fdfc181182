"""Running ``neuron-tui train``: data and trainer, chunked training, ``--save``, the report.

``run_train`` takes a checked ``Request`` (``tui.cli.request``), builds the trainer (from
scratch, or continuing ``--load``), trains in short chunks so progress is shown
(``tui.cli.progress``) and a stop signal is honoured quickly (``tui.cli.signals``), saves with
``--save`` and writes the ``--export-*`` files (also for a diverged or interrupted run), and
prints the report (``tui.cli.report``, ``tui.cli.summary``).

NumPy, the engine and rich are imported when a run starts, not at import time.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from neuron_core.config import DataConfig, ModelConfig
from neuron_core.errors import ConfigError
from tui.cli.exits import exit_code, output_gone
from tui.cli.progress import CostPrinter, ProgressBar
from tui.cli.report import ENDINGS, Outcome, Stopped
from tui.cli.request import Request
from tui.cli.signals import SignalInterrupt, signal_name, stop_on_signals
from tui.cli.summary import print_report

if TYPE_CHECKING:
    from neuron_core.data.dataset import Dataset
    from neuron_core.training.trainer import Trainer

# Training runs in chunks of about this many seconds; between chunks the progress bar is
# updated, "Iteration i: cost" lines are printed and a stop signal is noticed.
CHUNK_SECONDS = 0.05


def train_in_chunks(
    trainer: Trainer,
    stop: threading.Event,
    on_chunk: Callable[[], None],
    chunk_seconds: float = CHUNK_SECONDS,
) -> str:
    """Run ``trainer`` to its end in chunks of about ``chunk_seconds``, calling ``on_chunk``
    after each, until it finishes or ``stop`` is set. Returns the trainer's status.

    ``Trainer.run(stop)`` checks ``stop`` only on test-cost boundaries, which for a long run on a
    large data set can be minutes apart; chunks sized by measured time keep a stop signal and the
    progress bar responsive at a cost of one ``step`` call (~20 µs) per chunk.
    """
    # Start with one iteration: on a huge data set a single one can take a good fraction of a
    # second, and a stop request is only noticed between chunks.
    k = 1
    while not stop.is_set():
        before = trainer.iteration
        t0 = time.perf_counter()
        status = trainer.step(k)
        elapsed = time.perf_counter() - t0
        on_chunk()
        if status != "paused":
            break
        done = trainer.iteration - before
        if done > 0:
            # Aim at chunk_seconds, growing at most 4x a chunk (the first ones include warm-up).
            k = max(1, min(4 * k, int(done * chunk_seconds / max(elapsed, 1e-9))))
    return trainer.status


def check_writable(path: str, flag: str = "--save") -> None:
    """Fail before training, not after, when ``flag PATH`` obviously cannot be written."""
    from neuron_core.errors import StoreError

    if os.path.isdir(path):
        raise StoreError(f"{flag}: {path} is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise StoreError(f"{flag}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise StoreError(f"{flag}: cannot write into {parent} (permission denied)")


def write_exports(trainer: Trainer, exports: dict[str, str]) -> None:
    """``--export-history``/``-weights``/``-data``: each file written atomically; the first
    that fails raises ``StoreError`` naming its option."""
    from neuron_core.errors import StoreError
    from neuron_core.store.exports import EXPORT_KINDS, write_export

    for kind in EXPORT_KINDS:
        path = exports.get(kind)
        if path is not None:
            try:
                write_export(kind, path, trainer)
            except StoreError as exc:
                raise StoreError(f"--export-{kind}: {exc}") from exc


def _run_notes(trainer: Trainer, req: Request) -> list[str]:
    """Warnings about the model or a loaded run, shown with the results."""
    from neuron_core.model.init import symmetric_init_warning
    from neuron_core.training.stability import divergence_lr, lr_warning

    notes: list[str] = []
    symmetric = symmetric_init_warning(trainer.model_cfg)
    if symmetric is not None:
        notes.append(symmetric)
    mcfg, tcfg = trainer.model_cfg, trainer.train_cfg
    limit = divergence_lr(trainer.X_train, mcfg.hidden, mcfg.problem, tcfg.optimizer)
    too_high = lr_warning(tcfg.lr, limit, "--lr {}")
    if too_high is not None:
        notes.append(too_high)
    if "activation" in req.model_options and not trainer.model_cfg.hidden:
        notes.append("--activation has no effect without hidden layers (--hidden)")
    if "loss" in req.model_options and mcfg.problem == "regression":
        notes.append("--loss applies to classification; regression uses the mean squared error")
    if tcfg.dropout and not mcfg.hidden:
        notes.append("--dropout has no effect without hidden layers (--hidden)")
    if req.load is not None:
        if trainer.status == "diverged":
            notes.append("the saved run diverged; it cannot be continued")
        elif trainer.iteration >= trainer.train_cfg.iterations:
            notes.append(
                f"the saved run already has {trainer.iteration:,} iterations; give --iterations "
                "above that to train further"
            )
    return notes


def prepare(
    req: Request, stop: threading.Event, received: list[int]
) -> tuple[Trainer, Dataset, DataConfig]:
    """Load the data and build the trainer (from scratch, or continuing ``--load``).

    A stop signal while the data loads (a big CSV can take a while) abandons the run with
    ``SignalInterrupt``; there is nothing to keep yet.
    """
    from neuron_core.training.trainer import Trainer

    def progress(fraction: float) -> None:
        if stop.is_set():
            raise SignalInterrupt(received[0] if received else signal.SIGINT)

    if req.load is None:
        from neuron_core.data.datasets import load

        assert req.data_cfg is not None
        data = load(req.data_cfg, progress)
        model_cfg = ModelConfig(**{**req.model_options, "problem": data.problem})
        if model_cfg.feature_map is not None and data.n_features != 2:
            raise ConfigError(
                "feature_map",
                f"input features are built from 2-D data (x1, x2); {req.data_cfg.name} has "
                f"{data.n_features} feature{'s' if data.n_features != 1 else ''}",
            )
        return Trainer(data, model_cfg, req.train_cfg), data, req.data_cfg

    from neuron_core.store.restore import rebuild_dataset, trainer_from_record
    from neuron_core.store.runfile import load_run

    record = load_run(req.load)
    data = rebuild_dataset(record, progress)
    trainer = trainer_from_record(record, data)
    if req.train_overrides:
        cfg = replace(trainer.train_cfg, **req.train_overrides)
        cfg.validate()
        trainer.set_train_config(cfg)
    return trainer, data, record.data_cfg


def _train(trainer: Trainer, stop: threading.Event, req: Request, tty: bool) -> str:
    """Train to the end (or until ``stop``), with the article's lines or a progress bar."""
    callbacks: list[Callable[[], None]] = []
    if req.print_every is not None:
        callbacks.append(CostPrinter(trainer, req.print_every, _write_flush))
    bar = ProgressBar(trainer) if tty and req.print_every is None else None
    if bar is not None:
        callbacks.append(bar.update)

    def on_chunk() -> None:
        for callback in callbacks:
            callback()

    if bar is None:
        return train_in_chunks(trainer, stop, on_chunk)
    with bar:
        return train_in_chunks(trainer, stop, on_chunk)


def _after_notes(trainer: Trainer, data_cfg: DataConfig) -> list[str]:
    """Warnings about the trained model: a CSV classifier stuck at one class says why."""
    from neuron_core.metrics import ClassificationReport, majority_note

    if data_cfg.source != "csv" or trainer.iteration == 0 or trainer.data.n_classes > 2:
        return []
    rep = ClassificationReport.from_model(trainer.model, trainer.X_train, trainer.data.Y_train)
    note = majority_note(rep, trainer.data.class_names, data_cfg.standardizes, "--standardize")
    return [] if note is None else [note]


def _stopped(status: str) -> Stopped:
    """How the run ended: the trainer's own ending, or ``interrupted`` (stopped while paused)."""
    return cast(Stopped, status) if status in ENDINGS else "interrupted"


def run_train(req: Request) -> int:
    """Run ``neuron-tui train`` for a checked request; returns the exit code.

    Raises ``NeuronError`` (bad data, unreadable run...), ``KeyboardInterrupt`` (a signal
    before training started, or twice; ``SignalInterrupt`` carries which) and, after saving,
    ``BrokenPipeError`` or an EIO ``OSError`` when the output went away during training;
    ``tui.cli.command.run_command`` turns each into one line on stderr or a quiet exit.
    """
    if req.save is not None:
        check_writable(req.save)
    for kind, path in req.exports.items():
        check_writable(path, f"--export-{kind}")
    stop = threading.Event()
    with stop_on_signals(stop) as received:
        trainer, data, data_cfg = prepare(req, stop, received)
        notes = _run_notes(trainer, req)
        start_iteration, start_seconds = trainer.iteration, trainer.seconds
        tty = sys.stdout.isatty() and not req.json
        lost: OSError | None = None
        try:
            status = _train(trainer, stop, req, tty)
        except OSError as exc:
            # The reader of the article's lines went away: the run so far is still saved.
            if not output_gone(exc):
                raise
            lost, status = exc, trainer.status
        stopped = _stopped(status)
        notes.extend(_after_notes(trainer, data_cfg))
        if req.save is not None:
            from neuron_core.store.restore import record_from_trainer
            from neuron_core.store.runfile import save_run

            save_run(req.save, record_from_trainer(trainer, data_cfg))
        write_exports(trainer, req.exports)
        if lost is not None:
            raise lost
        signum = received[0] if received and stopped == "interrupted" else None
        outcome = Outcome(
            trainer,
            data,
            data_cfg,
            start_iteration,
            start_seconds,
            stopped,
            req.save,
            req.load,
            notes,
            signal=None if signum is None else signal_name(signum),
        )
        rep = outcome.report()
    print_report(rep, req.json, tty)
    return exit_code(stopped, signum)


def _write_flush(text: str) -> None:
    # Flushed at once: lines piped into `tee` or a log should arrive while the run goes on.
    sys.stdout.write(text)
    sys.stdout.flush()
