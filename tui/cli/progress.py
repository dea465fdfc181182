"""What ``neuron-tui train`` shows while it trains: the article's lines, or a progress bar.

Both are called between chunks of training (``tui.cli.run.train_in_chunks``) and read what the
trainer has recorded so far; neither runs a thread of its own, so nothing competes with training.
``CostPrinter`` prints the reference article's ``Iteration i: cost`` lines (``--print-every``);
``ProgressBar`` draws iteration, cost, speed and ETA on a terminal.

rich is imported when a progress bar is made, not at import time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neuron_core.training.trainer import Trainer

# The progress bar is redrawn at most this often (it costs ~1 ms per redraw).
REDRAW_SECONDS = 0.1


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
