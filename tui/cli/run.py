"""Running ``neuron-tui train``: data and trainer, chunked training, progress, signals, output.

``run_train`` takes a checked ``Request`` (``tui.cli.request``), builds the trainer (from
scratch, or continuing ``--load``), trains in short chunks so progress is shown and a stop
request is honoured quickly, saves with ``--save`` and prints the report (``tui.cli.report``).

Ctrl+C (SIGINT), SIGTERM and SIGHUP all stop the run the same way: training ends after the
current chunk, the partial run is summarised (the JSON says ``"stopped": "interrupted"`` and
names the signal) and saved with ``--save``; the exit code is 128 + the signal's number (130,
143, 129). A second signal while the first is being handled gives up at once
(``SignalInterrupt``).

NumPy, the engine and rich are imported when a run starts, not at import time.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from neuron_core.config import DataConfig, ModelConfig
from neuron_core.errors import ConfigError
from tui.cli.report import (
    ENDINGS,
    Outcome,
    Stopped,
    print_plain_summary,
    print_table_summary,
)
from tui.cli.request import EXIT_DIVERGED, EXIT_OK, Request

if TYPE_CHECKING:
    from neuron_core.data.dataset import Dataset
    from neuron_core.training.trainer import Trainer

# Training runs in chunks of about this many seconds; between chunks the progress bar is
# updated, "Iteration i: cost" lines are printed and a stop signal is noticed.
CHUNK_SECONDS = 0.05
# The progress bar is redrawn at most this often (it costs ~1 ms per redraw).
REDRAW_SECONDS = 0.1

# The signals that stop a run and keep it. SIGHUP does not exist on Windows.
STOP_SIGNALS: tuple[int, ...] = tuple(
    int(s)
    for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
    if s is not None
)


def exit_code(stopped: str, signum: int | None = None) -> int:
    """The process exit code for how the run ended: 0 (also for a target cost reached or an
    early stop), 3 diverged, 128 + the signal's number when interrupted (Ctrl+C: 130)."""
    if stopped == "diverged":
        return EXIT_DIVERGED
    if stopped == "interrupted":
        return 128 + (signum if signum is not None else signal.SIGINT)
    return EXIT_OK


def signal_name(signum: int) -> str:
    """``"SIGTERM"`` for 15, and so on."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class SignalInterrupt(KeyboardInterrupt):
    """Raised for a stop signal that cannot wait for the end of a chunk (a second one, or one
    while the data is loading). ``signum`` gives the exit code 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """While active, SIGINT, SIGTERM and SIGHUP set ``stop`` instead of ending the process;
    a second one raises ``SignalInterrupt`` (for when the first is not noticed quickly enough).
    A signal the process ignores (``nohup`` ignores SIGHUP) is left ignored.

    Yields the list of the signals received so far (the first one decides the exit code). The
    previous handlers are put back on exit. Outside the main thread (where handlers cannot be
    installed) it does nothing.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        if stop.is_set():
            raise SignalInterrupt(received[0])
        stop.set()

    previous: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            # An ignored signal stays ignored: `nohup` (SIGHUP) and background jobs of a script
            # (SIGINT) ask for exactly that.
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, handler)
        yield received
    finally:
        for signum, old in previous.items():
            # None: the previous handler was not installed from Python; the default is the
            # closest thing that can be put back.
            signal.signal(signum, signal.SIG_DFL if old is None else old)


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


class CostPrinter:
    """Prints ``Iteration i: cost`` for each recorded iteration ``i`` with ``i % every == 0``,
    formatted as the reference article's ``print("Iteration %s: %s" % (i, c))``."""

    def __init__(self, trainer: Trainer, every: int, out: Callable[[str], object]) -> None:
        self.trainer = trainer
        self.every = every
        self.out = out
        self.next = -(-trainer.iteration // every) * every  # first multiple not printed yet

    def __call__(self) -> None:
        n = self.trainer.iteration
        if self.next >= n:
            return
        costs = self.trainer.history.costs[self.next : n : self.every].tolist()
        start = self.next
        self.out(
            "".join(
                "Iteration %s: %s\n" % (start + j * self.every, c)  # noqa: UP031 (the article's)
                for j, c in enumerate(costs)
            )
        )
        self.next = start + len(costs) * self.every


class ProgressBar:
    """A rich progress bar (iteration, cost, it/s, ETA) redrawn at most every
    ``REDRAW_SECONDS`` by ``update`` (no refresh thread: nothing competes with training)."""

    def __init__(self, trainer: Trainer) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.trainer = trainer
        self.start_iteration = trainer.iteration
        self.start_seconds = trainer.seconds
        # About 72 columns in all, so the line fits an 80-column terminal.
        self.progress = Progress(
            BarColumn(bar_width=16),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
            TextColumn("cost {task.fields[cost]}"),
            TextColumn("{task.fields[rate]} it/s"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            auto_refresh=False,
        )
        self.task = self.progress.add_task(
            "training",
            total=trainer.train_cfg.iterations,
            completed=trainer.iteration,
            cost="-",
            rate="-",
        )
        self.last_draw = 0.0

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.update(force=True)
        self.progress.stop()

    def update(self, force: bool = False) -> None:
        """Move the bar to the trainer's state (redraws at most every ``REDRAW_SECONDS``)."""
        now = time.perf_counter()
        if not force and now - self.last_draw < REDRAW_SECONDS:
            return
        self.last_draw = now
        tr = self.trainer
        n = tr.iteration
        ran = n - self.start_iteration
        seconds = tr.seconds - self.start_seconds
        cost = f"{tr.history.costs[n - 1]:.6g}" if n else "-"
        rate = f"{ran / seconds:,.0f}" if seconds > 0 else "-"
        self.progress.update(self.task, completed=n, cost=cost, rate=rate)
        self.progress.refresh()


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def output_gone(exc: OSError) -> bool:
    """True when writing failed because nobody reads any more: the pipe's reader exited
    (EPIPE, `... | head`) or the terminal hung up (EIO)."""
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EIO


def silence_stdout() -> None:
    """Send further output to the null device, so Python's flush of stdout at exit does not
    complain again about a reader that went away."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def check_writable(path: str) -> None:
    """Fail before training, not after, when ``--save PATH`` obviously cannot be written."""
    from neuron_core.errors import StoreError

    if os.path.isdir(path):
        raise StoreError(f"--save: {path} is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise StoreError(f"--save: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise StoreError(f"--save: cannot write into {parent} (permission denied)")


def _run_notes(trainer: Trainer, req: Request) -> list[str]:
    """Warnings about the model or a loaded run, shown with the results."""
    from neuron_core.model.init import symmetric_init_warning

    notes: list[str] = []
    symmetric = symmetric_init_warning(trainer.model_cfg)
    if symmetric is not None:
        notes.append(symmetric)
    if "activation" in req.model_options and not trainer.model_cfg.hidden:
        notes.append("--activation has no effect without hidden layers (--hidden)")
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


def _stopped(status: str) -> Stopped:
    """How the run ended: the trainer's own ending, or ``interrupted`` (stopped while paused)."""
    return cast(Stopped, status) if status in ENDINGS else "interrupted"


def _emit(rep: dict[str, Any], as_json: bool, tty: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(rep, allow_nan=False) + "\n")
    elif tty:
        print_table_summary(rep)
    else:
        print_plain_summary(rep, sys.stdout.write)
    sys.stdout.flush()


def run_train(req: Request) -> int:
    """Run ``neuron-tui train`` for a checked request; returns the exit code.

    Raises ``NeuronError`` (bad data, unreadable run...), ``KeyboardInterrupt`` (a signal
    before training started, or twice; ``SignalInterrupt`` carries which) and, after saving,
    ``BrokenPipeError`` or an EIO ``OSError`` when the output went away during training;
    ``tui.cli.run_command`` turns each into one line on stderr or a quiet exit.
    """
    if req.save is not None:
        check_writable(req.save)
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
        if req.save is not None:
            from neuron_core.store.restore import record_from_trainer
            from neuron_core.store.runfile import save_run

            save_run(req.save, record_from_trainer(trainer, data_cfg))
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
    _emit(rep, req.json, tty)
    return exit_code(stopped, signum)


def _write_flush(text: str) -> None:
    # Flushed at once: lines piped into `tee` or a log should arrive while the run goes on.
    sys.stdout.write(text)
    sys.stdout.flush()
