"""Persistence of the run: save to a file, open a file, and the session kept across quits.

``RunFiles`` is the controller's part for files. Saving writes on the UI thread once training
has paused for it (the run then goes on). Opening a file and resuming the session read the run,
rebuild its data (a CSV file is read again) and its trainer in a thread worker that posts
``RunRestored`` to the controller, which replaces the current run only when everything worked.

The session (see ``tui.run.session`` for the file, ``tui.run.instance`` for the file of each of
several apps): at start this app takes its session slot and the saved sessions are offered
(``offer_resume``); on quit, on a terminating signal and when the app ends any other way, the
run is kept once (``keep_session``), after the training thread has left the trainer, so the
parameters, history and optimizer state written belong to one and the same iteration; then the
slot is given back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from textual.widget import Widget

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.errors import NeuronError
from neuron_core.store.record import RunRecord
from neuron_core.store.restore import rebuild_dataset, record_from_trainer, trainer_from_record
from neuron_core.store.runfile import load_run, save_run
from neuron_core.training.trainer import Trainer
from tui.cli.app_start import AppStart
from tui.messages import RunChanged, RunNotice, RunRestored
from tui.run.instance import InstanceSession, SavedSession
from tui.run.loading import Cancelled, describe, worker_progress
from tui.run.pins import PinBoard
from tui.screens.resume import ResumeScreen

# How long quitting waits for the training thread to finish its chunk (chunks last ~20 ms; one
# iteration on tens of millions of points can take longer).
STOP_WAIT_SECONDS = 3.0


class RunFiles:
    """Save, open and the session. ``node`` (the run controller) runs the restore worker and
    receives its ``RunRestored``, which it hands to ``restored``; ``initial`` are the settings
    the app started with (a run still on them with no iteration is not worth keeping);
    ``loading`` is told how much of a run is read, ``install`` replaces the run with one that
    was read and rebuilt."""

    def __init__(
        self,
        node: Widget,
        initial: tuple[DataConfig, ModelConfig, TrainConfig],
        loading: Callable[[float | None], None],
        install: Callable[[RunRecord, Dataset, Trainer], None],
    ) -> None:
        self._node = node
        self._initial = initial
        self._loading = loading  # shows how much of a run is read (None: done)
        self._install = install  # replaces the run with a restored one
        self._token = 0  # the newest restore request; older results are dropped
        # True once this app may write the session file: after the person answered the resume
        # prompt (or there was no session to offer). Until then a quit leaves the file alone.
        self.session_owned = False
        self.offered = False
        self._kept = False
        # What to tell about the session at the end (printed by ``neuron-tui`` on exit): why it
        # could not be saved, or where it went when not to the usual file.
        self.note: str | None = None
        self.session = InstanceSession()
        self._chosen: SavedSession | None = None  # the session being resumed
        # Why this app's run is not kept at the end, when it was started with options while
        # its slot holds an earlier session (that one stays): for the exit note.
        self._not_kept: str | None = None
        self.pins = PinBoard()  # the pinned cost curves (key p), saved with the run

    def _notice(self, message: str, severity: Literal["information", "error"]) -> None:
        self._node.post_message(RunNotice(message, severity))

    # -- files -----------------------------------------------------------------------------
    def save(self, path: str, trainer: Trainer, data_cfg: DataConfig) -> None:
        """Save the run to ``path`` (atomically; call while no thread trains) and say how it
        went."""
        try:
            save_run(path, self.record(trainer, data_cfg))
        except NeuronError as exc:
            self._notice(str(exc), "error")
        except OSError as exc:  # belt and braces: the store reports StoreError
            self._notice(f"cannot save to {path}: {exc}", "error")
        else:
            self._notice(f"saved the run to {path}", "information")

    def open(self, path: str) -> None:
        """Open the run saved at ``path``: read in a worker; on failure the current run stays,
        and the reason is told."""
        self._restore(lambda: load_run(path), "open", f"opened {path}")

    def resume(self, record: RunRecord) -> None:
        """Bring back the saved session like an opened run."""
        self._restore(lambda: record, "resume", "resumed the saved session")

    def restored(self, message: RunRestored) -> None:
        """A restore worker's result: the run is replaced, or the reason is told (a session
        that cannot be brought back is set aside). A superseded request's result is dropped."""
        if message.token != self._token:
            return
        self._loading(None)
        record, dataset, trainer = message.record, message.dataset, message.trainer
        if record is not None and dataset is not None and trainer is not None:
            self.pins.pins, self.pins.cleared = list(record.pins), []
            self._install(record, dataset, trainer)
            self._notice(message.label, "information")
            if message.kind == "resume":
                self.session_owned = True
            return
        self._notice(describe(message.error), "error")
        if message.kind == "resume":
            self.resume_failed()

    def record(self, trainer: Trainer, data_cfg: DataConfig) -> RunRecord:
        """The run as saved: ``trainer`` on the data of ``data_cfg``, with the pinned curves."""
        return replace(record_from_trainer(trainer, data_cfg), pins=list(self.pins.pins))

    def abort(self) -> None:
        """Forget any restore in flight (its worker is cancelled, its result dropped)."""
        self._token += 1
        self._node.workers.cancel_group(self._node, "open")

    def _restore(
        self, get: Callable[[], RunRecord], kind: Literal["open", "resume"], label: str
    ) -> None:
        self.abort()
        token, node, loading = self._token, self._node, self._loading
        # "loading" from now on, so the run about to be replaced cannot be started meanwhile.
        loading(0.0)

        def job() -> None:
            progress = worker_progress(lambda: token == self._token, loading)
            try:
                record = get()
                dataset = rebuild_dataset(record, progress)
                trainer = trainer_from_record(record, dataset)
            except Cancelled:
                return
            except (NeuronError, OSError, MemoryError) as exc:
                node.post_message(RunRestored(token, kind, label, None, None, None, exc))
                return
            node.post_message(RunRestored(token, kind, label, record, dataset, trainer))

        node.run_worker(job, name="open", group="open", thread=True, exclusive=True,
                        exit_on_error=False)  # fmt: skip
        node.post_message(RunChanged())  # shows "loading"

    # -- the session -------------------------------------------------------------------------
    def begin(self, start: AppStart | None) -> None:
        """At start: offer the saved sessions, unless the command line gave settings or a run
        (``neuron-tui --dataset circle``, ``--load RUN.npz``): then nothing is asked, and the
        run given with ``--load`` is opened."""
        if start is None or not start.given:
            self.offer_resume()
            return
        self._start_given()
        record, path = start.record, start.path
        if record is not None and path is not None:
            self._restore(lambda: record, "open", f"opened {path}")

    def _start_given(self) -> None:
        """Started with options: take this app's slot and offer nothing. The run becomes the
        session on quit only if the slot holds none: an earlier session stays for the next
        start without options (a person who asked for a setting did not ask to lose it)."""
        app = self._node.app
        self.offered = True
        elsewhere = self.session.claim()
        if elsewhere is not None:
            app.notify(elsewhere, title="Saved session", severity="warning", timeout=12.0)
        home = self.session.home
        if home is not None and home.exists():
            self._not_kept = (
                f"this run was not kept as the session: {home} holds an earlier one (start "
                "neuron-tui without options to resume it; save a run with ctrl+s)"
            )
        else:
            self.session_owned = True

    def offer_resume(self) -> None:
        """At start: take this app's session slot (saying so if it is not the usual file),
        offer the saved sessions no other running app holds, and bring back the one the
        person picks."""
        app = self._node.app
        self.offered = True
        elsewhere = self.session.claim()
        if elsewhere is not None:
            app.notify(elsewhere, title="Saved session", severity="warning", timeout=12.0)
        found, problems = self.session.offer()
        for problem in problems:
            app.notify(problem, title="Saved session", severity="warning", timeout=10.0)
        if not found:
            self.session_owned = True
            return

        def chosen(answer: int | None) -> None:
            if answer is None:
                self._start_fresh(found)
            else:
                saved = found[answer]
                self._chosen = replace(saved, path=self.session.adopt(saved))
                self.resume(saved.record)

        app.push_screen(ResumeScreen([(s.path.name, s.record) for s in found]), chosen)

    def _start_fresh(self, offered: list[SavedSession]) -> None:
        """The person chose a fresh start: forget the offered sessions; this run becomes this
        app's session."""
        for problem in self.session.forget(offered):
            self._node.app.notify(problem, title="Saved session", severity="error")
        self.session_owned = True

    def resume_failed(self) -> None:
        """The saved session cannot be brought back (e.g. its CSV file changed): keep the file
        under another name, so nothing is lost and the next start is not asked again."""
        chosen, self._chosen = self._chosen, None
        aside = self.session.set_aside(chosen.path, "unrestorable") if chosen else None
        self.session_owned = True
        if aside is not None:
            self._node.app.notify(f"the saved session was kept as {aside}", title="Saved session")

    def worth_keeping(self, trainer: Trainer | None, data_cfg: DataConfig | None) -> bool:
        """True when the run holds something a person would miss: at least one iteration, points
        placed by hand, or data, model or training settings other than those the app started
        with."""
        if trainer is None or data_cfg is None:
            return False
        if trainer.history.n > 0 or trainer.data.hand_log is not None:
            return True
        data0, model0, train0 = self._initial
        # The problem kind follows the data, so it is not a setting of its own.
        model = replace(trainer.model_cfg, problem=model0.problem)
        return (data_cfg, model, trainer.train_cfg) != (data0, model0, train0)

    def keep_session(
        self,
        trainer: Trainer | None,
        data_cfg: DataConfig | None,
        train_cfg: TrainConfig,
        stop_and_wait: Callable[[float], bool],
    ) -> None:
        """Save the session for the next start, once, however the app ends (or forget it, see
        ``tui.run.session``), after ``stop_and_wait`` has stopped training, then give the
        session slot back. ``train_cfg`` is what the form shows: settings not yet handed to
        the trainer are applied first. Never raises: a full disk or a read-only state folder
        must not stop the app from quitting; why it failed, or where the session went when
        not to the usual file, goes to ``note``."""
        if self._kept:
            return
        self._kept = True
        try:
            self._keep(trainer, data_cfg, train_cfg, stop_and_wait)
        finally:
            self.session.release()

    def _keep(
        self,
        trainer: Trainer | None,
        data_cfg: DataConfig | None,
        train_cfg: TrainConfig,
        stop_and_wait: Callable[[float], bool],
    ) -> None:
        if not self.session_owned:
            if self._not_kept is not None and self.worth_keeping(trainer, data_cfg):
                self.note = self._not_kept
            return
        if not stop_and_wait(STOP_WAIT_SECONDS):
            self.note = "the session was not saved: training did not stop in time"
            return
        try:
            if self.worth_keeping(trainer, data_cfg) and trainer and data_cfg:
                # Settings the engine refused (and said so) leave the trainer its own.
                with contextlib.suppress(NeuronError, ValueError):
                    trainer.set_train_config(train_cfg)
                self.note = self.session.keep(self.record(trainer, data_cfg))
            elif trainer is not None:
                self.session.drop()
        except (NeuronError, OSError, MemoryError, ValueError) as exc:
            self.note = f"the session was not saved: {describe(exc)}"
