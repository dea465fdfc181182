"""This app's session files: the slot it holds, the sessions it offers, and what it may write.

Several apps may run on one state folder (two terminals, two SSH logins). Each keeps its own
session (``tui.run.slots``): the first holds slot 1 (``session.npz``), a second one finds that
slot locked, takes the next free one (``session-2.npz``) and says so at start and on exit. A
killed app's lock goes with its process, so its slot is taken again by the next app.

At start, ``offer`` lists every saved session that no running app holds, the app's own slot's
included, newest first, and locks their slots while the person decides: two apps started
together never offer the same file. Resuming one makes its slot this app's (``adopt``); the
others stay for the next start. Starting fresh forgets every session offered.

The rule that protects other apps' work (and a person's): a session file is replaced or removed
only if it is exactly as this app last saw it (read at start, or written by it), compared by
``slots.identity``. A file that changed meanwhile (a person copied another run there, or an app
that could not lock wrote it) is left as it is: this app's run goes to a free slot instead, and
the exit note says where. Where locks are unavailable (``slots.LocksUnavailable``) every app uses
slot 1 and this rule alone keeps them from losing each other's run. Temporary files of
interrupted saves (``atomic.leftover_temp_files``) are removed at start for every slot no running
app holds, or, without locks, once they are a minute old.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from neuron_core.errors import StoreError
from neuron_core.store.atomic import remove_leftover_temp_files
from neuron_core.store.record import RunRecord
from tui.run import session
from tui.run.slots import (
    MAX_SLOTS,
    SESSION_NAME,
    Identity,
    LocksUnavailable,
    SlotLock,
    holder,
    identity,
    running_slots,
    slot_number,
    slot_path,
    used_slots,
)

# Without locks, a temporary file this old is no live save's (a save writes it in one go).
STALE_TEMP_SECONDS = 60.0


@dataclass(frozen=True)
class SavedSession:
    """A saved session offered at start: its file and what it holds."""

    path: Path
    record: RunRecord


class InstanceSession:
    """The session files of one running app; see the module docstring. ``claim`` first."""

    def __init__(self) -> None:
        self.directory = session.state_dir()
        # This app's session file (None: every slot is taken, nothing is kept).
        self.home: Path | None = slot_path(self.directory, 1)
        self.locking = True
        self._locks: dict[int, SlotLock] = {}
        # Each file as this app last saw it (None: there was no file).
        self._seen: dict[Path, Identity | None] = {}
        self._why = ""  # why the session is not in session.npz, for the exit note

    # -- start ------------------------------------------------------------------------------
    def claim(self) -> str | None:
        """Take this app's slot and clear the temporary files no live app is writing; a
        notice for the person when the session goes elsewhere than ``session.npz``."""
        self.directory = session.state_dir()
        self.home = slot_path(self.directory, 1)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            # Nothing can be kept here; the save on exit says why in its usual words.
            self.locking = False
            return None
        try:
            lock = self._first_free_slot()
        except LocksUnavailable:
            self.locking = False
            self._seen[self.home] = identity(self.home)
            self._clear_temp_files()
            return None
        if lock is None:
            self.home = None
            return f"{MAX_SLOTS} neuron-tui apps already use {self.directory}: no session is kept"
        self.home = slot_path(self.directory, lock.n)
        self._seen[self.home] = identity(self.home)
        self._clear_temp_files()
        if lock.n == 1:
            return None
        pid = holder(self.directory, 1)
        self._why = f"{SESSION_NAME} was in use by another neuron-tui" + (
            f", process {pid}" if pid else ""
        )
        who = "another neuron-tui" + (f" (process {pid})" if pid else "")
        return f"{SESSION_NAME} is in use by {who}: this one keeps its session in {self.home}"

    def _first_free_slot(self) -> SlotLock | None:
        """Lock the lowest slot no running app holds (kept as this app's)."""
        for n in range(1, MAX_SLOTS + 1):
            lock = SlotLock.take(self.directory, n)
            if lock is not None:
                self._locks[n] = lock
                return lock
        return None

    def _clear_temp_files(self) -> None:
        """Remove what interrupted saves left, for every slot no running app holds."""
        slots = set(used_slots(self.directory, temporary=True))
        for n in sorted(slots):
            target = slot_path(self.directory, n)
            if not self.locking:
                remove_leftover_temp_files(target, older_than=STALE_TEMP_SECONDS)
                continue
            if n in self._locks:
                remove_leftover_temp_files(target)
                continue
            with contextlib.suppress(LocksUnavailable):
                lock = SlotLock.take(self.directory, n)
                if lock is not None:  # else a running app holds it: it may be saving now
                    remove_leftover_temp_files(target)
                    lock.release()

    def offer(self) -> tuple[list[SavedSession], list[str]]:
        """The saved sessions no running app holds, newest first, with their slots locked
        until ``adopt``, ``forget`` or ``release``; and what went wrong reading the others
        (unreadable files are set aside)."""
        found: list[tuple[int, SavedSession]] = []
        problems: list[str] = []
        if self.home is None:
            return [], []
        for n in used_slots(self.directory):
            path = slot_path(self.directory, n)
            lock: SlotLock | None = None
            if self.locking and n not in self._locks:
                with contextlib.suppress(LocksUnavailable):
                    lock = SlotLock.take(self.directory, n)
                if lock is None:
                    continue  # a running app holds it
            seen = identity(path)
            record, problem = session.load_session(path)
            if problem is not None:
                problems.append(problem)
            if record is None or seen is None:
                # An unreadable file was moved aside: this app saw its slot empty.
                self._seen[path] = identity(path)
                if lock is not None:
                    lock.release()
                continue
            if lock is not None:
                self._locks[n] = lock
            self._seen[path] = seen
            found.append((seen[3], SavedSession(path, record)))
        found.sort(key=lambda item: -item[0])
        return [saved for _, saved in found], problems

    def adopt(self, chosen: SavedSession) -> Path:
        """The person resumed ``chosen``: it becomes this app's session, and the other offered
        slots are given back (their sessions stay for the next start). Returns where the
        session file now is: moved into this app's own slot when that one is empty and lower
        (so one app alone ends up with ``session.npz`` again), else where it was."""
        home, path = self.home, chosen.path
        if home is not None and home != path and self._may_move(path, home):
            with contextlib.suppress(OSError):
                if session.move_unless_taken(path, home):
                    self._seen[home], self._seen[path] = identity(home), None
                    self._release_all_but(home)
                    return home
        self.home = path
        self._why = "the file the session was resumed from" if path.name != SESSION_NAME else ""
        self._release_all_but(path)
        return path

    def _may_move(self, path: Path, home: Path) -> bool:
        """True when ``path`` may move into the empty slot ``home``: both as this app saw
        them, ``home`` empty, and ``home`` the lower slot."""
        unchanged = identity(path) == self._seen.get(path) and identity(home) is None
        lower = (slot_number(home.name) or MAX_SLOTS) < (slot_number(path.name) or MAX_SLOTS)
        return unchanged and self._seen.get(home) is None and lower

    def forget(self, offered: list[SavedSession]) -> list[str]:
        """The person started fresh: remove every offered file that is still as it was read;
        what could not be removed. This app keeps its own slot."""
        problems: list[str] = []
        for saved in offered:
            try:
                self._remove_if_unchanged(saved.path)
            except StoreError as exc:
                problems.append(str(exc))
        self._release_all_but(self.home)
        return problems

    def set_aside(self, path: Path, suffix: str) -> Path | None:
        """Keep ``path`` under another name (see ``session.set_aside``)."""
        aside = session.set_aside(path, suffix)
        if aside is not None:
            self._seen[path] = None
        return aside

    # -- the end ----------------------------------------------------------------------------
    def keep(self, record: RunRecord) -> str | None:
        """Save ``record`` as this app's session; a note for the person when it did not go to
        ``session.npz`` as usual (or other sessions wait beside it). Raises ``StoreError`` or
        ``OSError`` when it cannot be saved."""
        home = self.home
        if home is None:
            return f"the session was not saved: {MAX_SLOTS} neuron-tui apps use {self.directory}"
        if identity(home) != self._seen.get(home):
            # Someone else wrote it since this app read it: theirs stays, ours goes aside.
            other = self._free_slot()
            if other is None:
                return f"the session was not saved: {home} changed on disk and no slot is free"
            session.save_session(record, other)
            return (
                f"{home} changed on disk since this neuron-tui read it (another program wrote "
                f"it); this session was saved to {other} instead"
            )
        session.save_session(record, home)
        self._seen[home] = identity(home)
        if self._why:
            return f"the session was saved to {home} ({self._why})"
        # Other sessions beside it: saved ones, and those running apps will save.
        slots = set(used_slots(self.directory)) | set(running_slots(self.directory))
        others = [slot_path(self.directory, n).name for n in sorted(slots)]
        others = [name for name in others if name != home.name]
        if others:
            return f"the session was saved to {home}; other sessions beside it: {', '.join(others)}"
        return None

    def drop(self) -> None:
        """The run is untouched: remove this app's session file if it is as this app saw it
        (a file another app or a person wrote meanwhile is left alone)."""
        if self.home is not None:
            self._remove_if_unchanged(self.home)

    def release(self) -> None:
        """Give every slot back (the app is ending)."""
        self._release_all_but(None)

    # -- internals --------------------------------------------------------------------------
    def _remove_if_unchanged(self, path: Path) -> None:
        seen = self._seen.get(path)
        if seen is not None and identity(path) == seen:
            session.discard_session(path)
            self._seen[path] = None

    def _release_all_but(self, keep: Path | None) -> None:
        for n, lock in list(self._locks.items()):
            if keep is None or slot_path(self.directory, n) != keep:
                lock.release()
                del self._locks[n]

    def _free_slot(self) -> Path | None:
        """An empty slot this app may write (locked when locks work), or None."""
        for n in range(1, MAX_SLOTS + 1):
            path = slot_path(self.directory, n)
            if n in self._locks or path.exists():
                continue
            if self.locking:
                try:
                    lock = SlotLock.take(self.directory, n)
                except LocksUnavailable:
                    lock = None
                if lock is None or path.exists():
                    if lock is not None:
                        lock.release()
                    continue
                self._locks[n] = lock
            self._seen[path] = None
            return path
        return None
