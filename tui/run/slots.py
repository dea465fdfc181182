"""Session slots: one session file per running app, claimed with a lock that dies with the process.

The state folder holds numbered slots: slot 1 is ``session.npz`` (the file every earlier version
used), slot n is ``session-n.npz``. Each slot has a lock file next to it (``session.npz.lock``,
``session-n.npz.lock``) on which a running app holds an exclusive ``flock``: the operating system
releases it when the process ends, however it ends (``kill -9`` included), so a slot is never
left claimed by an app that is gone. The lock files are never removed: removing a lock file
while another process opens it would let two processes hold "the" lock on two different files.
The holder writes its process id into the lock file, only to say who holds it.

``flock`` locks belong to an open file, not to a process: two apps in one process (tests) exclude
each other as two processes do. Where there is no ``fcntl`` (Windows), or the folder's filesystem
refuses locks (some network filesystems), ``SlotLock.take`` raises ``LocksUnavailable``; the app
then uses slot 1 without a lock, and only its check that a file is unchanged since it read it
(``identity``) keeps it from replacing another app's session.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; see the module docstring.
    HAVE_LOCKS = False
else:
    HAVE_LOCKS = True

SESSION_NAME = "session.npz"
LOCK_SUFFIX = ".lock"
# More apps than this at once on one state folder: the last ones keep no session (and say so).
MAX_SLOTS = 64
_SLOT_NAME = re.compile(r"session(?:-([1-9][0-9]{0,3}))?\.npz")
_TEMP_NAME = re.compile(r"\.(session[-0-9]*\.npz)\..*\.tmp")
# flock's answers for "another open file holds the lock".
_HELD = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES})

# What identifies one version of a file: device, inode, size, modification time (ns). An
# atomic save makes a new inode; an in-place write changes the size or the time.
Identity = tuple[int, int, int, int]


class LocksUnavailable(Exception):
    """Locks cannot be taken here (no ``fcntl``, or the filesystem refuses them)."""


def slot_path(directory: Path, n: int) -> Path:
    """The session file of slot ``n`` (1 is ``session.npz``)."""
    return directory / (SESSION_NAME if n == 1 else f"session-{n}.npz")


def slot_number(name: str) -> int | None:
    """The slot whose session file is called ``name``, or ``None`` for any other name."""
    match = _SLOT_NAME.fullmatch(name)
    if match is None:
        return None
    n = int(match.group(1) or 1)
    return n if (match.group(1) is None or n > 1) and n <= MAX_SLOTS else None


def used_slots(directory: Path, temporary: bool = False) -> list[int]:
    """The slots whose session file exists, ascending; with ``temporary``, also those with a
    file that looks like a temporary file of a save of it (``.session-n.npz.*.tmp``; which of
    them really are is ``atomic.leftover_temp_files``'s to say)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    if temporary:
        names += [m.group(1) for m in map(_TEMP_NAME.fullmatch, names) if m is not None]
    return sorted({n for n in map(slot_number, names) if n is not None})


def identity(path: Path) -> Identity | None:
    """The identity of the file at ``path`` (see ``Identity``), ``None`` if there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class SlotLock:
    """This process's exclusive lock on one slot (see the module docstring)."""

    def __init__(self, fd: int, n: int) -> None:
        self._fd: int | None = fd
        self.n = n

    @classmethod
    def take(cls, directory: Path, n: int) -> SlotLock | None:
        """Lock slot ``n`` without waiting: the lock, or ``None`` when a live app holds it.

        Raises ``LocksUnavailable`` when no lock can be taken in ``directory`` at all (no
        ``fcntl``, a lock file that cannot be created, a filesystem without locks).
        """
        if not HAVE_LOCKS:
            raise LocksUnavailable("this system has no file locks")
        path = slot_path(directory, n).with_name(slot_path(directory, n).name + LOCK_SUFFIX)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise LocksUnavailable(f"cannot create {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _HELD:
                return None
            raise LocksUnavailable(f"cannot lock {path}: {exc.strerror or exc}") from exc
        # Who holds it, for the notice another app shows; failing to write it changes nothing.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(fd, n)

    @property
    def held(self) -> bool:
        """True until ``release``."""
        return self._fd is not None

    def release(self) -> None:
        """Give the slot back (closing the file releases the lock); idempotent."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def running_slots(directory: Path) -> list[int]:
    """The slots a running app holds now, ascending (read from the lock files there are; a
    lock file is never created here). Empty where locks are unavailable."""
    if not HAVE_LOCKS:
        return []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    held: list[int] = []
    for name in names:
        n = slot_number(name.removesuffix(LOCK_SUFFIX)) if name.endswith(LOCK_SUFFIX) else None
        if n is None:
            continue
        try:
            fd = os.open(directory / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in _HELD:
                held.append(n)
        finally:
            os.close(fd)  # also gives back the shared lock just taken
    return sorted(held)


def holder(directory: Path, n: int) -> int | None:
    """The process id written by the app holding slot ``n``, if it can be read."""
    path = slot_path(directory, n).with_name(slot_path(directory, n).name + LOCK_SUFFIX)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
