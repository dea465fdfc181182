"""The one thread that trains: starting it, stopping it, and what waits for it to stop.

``TrainingThread`` runs ``trainer.run(stop)`` in a Textual thread worker of the controller and
keeps the rule that only one thread touches the trainer at a time: a change that arrives while
the thread trains is queued with ``when_idle``, the stop flag (a ``threading.Event`` the engine
checks between chunks of about 20 ms) is set, and when the worker posts ``TrainingStopped`` the
controller calls ``stopped``, which runs the queue on the UI thread and, if the person had not
paused, starts training again with the new settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.widget import Widget
from textual.worker import Worker

from neuron_core.errors import NeuronError
from neuron_core.training.schedule import FINISHED
from neuron_core.training.trainer import Trainer
from tui.messages import TrainingStopped


class TrainingThread:
    """The training worker of ``node`` (the run controller, which receives its messages)."""

    def __init__(self, node: Widget) -> None:
        self._node = node
        self.stop = threading.Event()
        # Held by the training thread while it is inside the trainer: what ``stop_and_wait``
        # waits for. A thread that starts after a stop request returns without touching it.
        self._lock = threading.Lock()
        self.worker: Worker[None] | None = None
        # Train again once the queued changes are applied (False after a pause).
        self.resume = False
        self._queue: list[Callable[[], None]] = []

    @property
    def running(self) -> bool:
        """True while the worker is alive (including a requested pause in flight)."""
        return self.worker is not None

    @property
    def pausing(self) -> bool:
        """True from a pause request until the worker has stopped (a chunk on a large data set
        can take a while): not for a stop that a change of settings asked for, which resumes."""
        return self.running and not self.resume and self.stop.is_set()

    def why_not(
        self, trainer: Trainer | None, busy: bool, blocker: tuple[str, str] | None
    ) -> str | None:
        """Why ``trainer`` cannot be trained now (``busy``: data is loading; ``blocker``: the
        settings the engine refused), or ``None`` when it can."""
        if self.running:
            return "training is already running"
        if busy:
            return "the data is still loading"
        if trainer is None:
            if blocker is not None:
                return f"{blocker[0]}: {blocker[1]}"
            return "there is no data to train on"
        if trainer.status == "diverged":
            return "the run diverged: press r to reset, or lower the learning rate"
        if trainer.status in FINISHED:
            return "the run is finished: press r to reset, or raise the iterations"
        return None

    def launch(self, trainer: Trainer) -> None:
        """Start training ``trainer`` in a thread worker."""
        self.stop.clear()
        stop, lock = self.stop, self._lock

        def train() -> None:
            error: BaseException | None = None
            try:
                with lock:
                    if not stop.is_set():  # stopped before this thread even started
                        trainer.run(stop)
            except (NeuronError, ValueError, MemoryError, FloatingPointError) as exc:
                error = exc
            self._node.post_message(TrainingStopped(error))

        self.worker = self._node.run_worker(
            train, name="training", group="training", thread=True, exclusive=True,
            exit_on_error=False,
        )  # fmt: skip

    def pause(self) -> None:
        """Stop after the current chunk and do not train again by itself."""
        self.resume = False
        if self.running:
            self.stop.set()

    def when_idle(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if no thread trains, else on the UI thread once it has stopped."""
        if self.worker is None:
            fn()
        else:
            self._queue.append(fn)
            self.stop.set()

    def stopped(self, can_start: Callable[[], str | None], restart: Callable[[], None]) -> None:
        """The worker has left the trainer: run what waited for that, then ``restart()`` if
        the run was not paused and ``can_start()`` (the controller's check) allows it."""
        self.worker = None
        queue, self._queue = self._queue, []
        for fn in queue:
            fn()
        if self.resume and can_start() is None:
            restart()
        else:
            self.resume = False

    def stop_and_wait(self, timeout: float) -> bool:
        """Stop the training thread and wait (blocking, at most ``timeout`` s) until it has left
        the trainer; True when no thread trains any more. Training does not resume by itself."""
        self.resume = False
        self.stop.set()
        if not self._lock.acquire(timeout=timeout):
            return False
        self._lock.release()
        return True

    def shutdown(self) -> None:
        """Quit: nothing queued runs any more and the worker returns within one chunk."""
        self.resume = False
        self._queue.clear()
        self.stop.set()
