"""Crash-safe file writes: the target holds either its old content or the complete new one.

A plain ``open(path, "wb").write(data)`` first empties the file, so a full disk, a crash or a
kill in the middle leaves a truncated file and the previous save is lost. Here the data goes to a
temporary file in the same directory (same filesystem, so the rename cannot turn into a copy),
which is flushed to disk with ``fsync`` and then renamed over the target with ``os.replace``, an
atomic operation on POSIX and Windows. Finally the directory is synced so the rename itself
survives a power cut.

Every failure removes the temporary file, leaves an existing target untouched and raises
``StoreError`` with one line for a person: ``cannot save to PATH: No space left on device``.

Only a kill (``kill -9``, a power cut) between creating the temporary file and renaming it leaves
it behind. Its name is ``.<target name>.<8 random characters>.tmp`` (lower-case letters, digits
and ``_``), made here and nowhere else, so ``leftover_temp_files`` can find exactly the ones a
write of a given target left, and nothing that merely looks like them. Whoever removes them must
know that no live process is writing that target (the app's session slots are locked).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

from neuron_core.errors import StoreError

# errno values meaning "this filesystem cannot fsync a directory": nothing to report.
_DIR_SYNC_UNSUPPORTED = frozenset(
    {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EISDIR, errno.EACCES}
)
# The random part of a temporary file's name: the alphabet and length ``tempfile.mkstemp`` used
# before, so files left by earlier versions are recognised too.
_TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TEMP_RANDOM = 8
_TEMP_SUFFIX = ".tmp"
# A new file only (a clash retries with another name), never through a link; binary on Windows.
_TEMP_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def _reason(exc: BaseException) -> str:
    """The human part of an OS error (``strerror``), without Python's ``[Errno 28]`` prefix."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _new_file_mode() -> int:
    """Permissions a newly created file gets (``0o666`` minus the umask).

    ``mkstemp`` creates files readable by the owner only; a saved run should get the same
    permissions as any other file the user creates. The umask is read from ``/proc`` where it is
    available, because ``os.umask`` can only read it by changing it, which races with other
    threads creating files.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(data).cast("B")
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _sync_directory(directory: str) -> None:
    """``fsync`` a directory so a rename inside it is on disk; skipped where unsupported."""
    if os.name == "nt":  # Windows cannot open a directory as a file; NTFS journals the rename.
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        if exc.errno in _DIR_SYNC_UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _write_device(path: str, data: bytes | bytearray | memoryview) -> None:
    """Write straight into an existing character device (``/dev/null``, a terminal...).

    A device cannot be replaced by a renamed file (and must not be: as root, ``os.replace`` onto
    ``/dev/full`` would swap the device node for a regular file), and atomicity means nothing
    there, so the data is simply written.
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes | bytearray | memoryview) -> None:
    """Replace the file at ``path`` with ``data`` atomically (see the module docstring).

    A symbolic link is followed: its target file is replaced and the link kept. An existing
    file keeps its permissions; a new one gets the usual ``0o666`` minus the umask. An existing
    character device (``/dev/null``) is written directly. Raises ``StoreError`` on any failure
    (no space, no permission, missing directory, ``path`` is a directory...), after removing the
    temporary file; an existing target is then unchanged. (The one exception: when syncing the
    directory fails after the rename, the new file is in place but may not survive a power cut,
    and that is reported too.)
    """
    shown = os.fspath(path)
    try:
        target = os.path.realpath(shown)
        directory = os.path.dirname(target)
        try:
            st: os.stat_result | None = os.stat(target)
        except (FileNotFoundError, NotADirectoryError):  # the folder is checked below
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise StoreError(f"cannot save to {shown}: it is a directory")
        if st is not None and stat.S_ISCHR(st.st_mode):
            _write_device(target, data)
            return
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise StoreError(f"cannot save to {shown}: it is not a regular file")
        if not os.path.isdir(directory):
            problem = "is not a folder" if os.path.exists(directory) else "does not exist"
            raise StoreError(f"cannot save to {shown}: {directory} {problem}")
        mode = stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode()
        _replace_with(target, directory, data, mode)
    except StoreError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise StoreError(f"cannot save to {shown}: {_reason(exc)}") from exc


def _temp_pattern(target_name: str) -> re.Pattern[str]:
    """The names of the temporary files a write of the file named ``target_name`` creates."""
    return re.compile(
        rf"\.{re.escape(target_name)}\.[{_TEMP_ALPHABET}]{{{_TEMP_RANDOM}}}{re.escape(_TEMP_SUFFIX)}"
    )


def _create_temp(directory: str, target_name: str) -> tuple[int, str]:
    """Create a new, empty temporary file (owner-only permissions) for ``target_name`` in
    ``directory``; its descriptor and path. ``O_EXCL`` makes a name clash retry, never reuse."""
    for _ in range(100):
        random = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(_TEMP_RANDOM))
        path = os.path.join(directory, f".{target_name}.{random}{_TEMP_SUFFIX}")
        try:
            fd = os.open(path, _TEMP_FLAGS, 0o600)
        except FileExistsError:
            continue
        return fd, path
    raise FileExistsError(errno.EEXIST, "no free temporary file name", directory)


def _ours(st: os.stat_result) -> bool:
    """True when the file belongs to this user (always true where there are no user ids)."""
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def leftover_temp_files(target: str | os.PathLike[str]) -> list[Path]:
    """The temporary files that interrupted writes of ``target`` left in its folder, oldest
    first: regular files (not links, not folders) owned by this user whose name is exactly
    what ``atomic_write_bytes(target, ...)`` creates (next to the file a link points to, as
    the writer follows links). Nothing is removed here; a folder that cannot be listed gives an
    empty list."""
    real = Path(os.path.realpath(target))
    folder = real.parent
    pattern = _temp_pattern(real.name)
    found: list[tuple[int, Path]] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        try:
            st = os.lstat(folder / name)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and _ours(st):
            found.append((st.st_mtime_ns, folder / name))
    return [path for _, path in sorted(found)]


def remove_leftover_temp_files(
    target: str | os.PathLike[str], older_than: float | None = None
) -> list[Path]:
    """Remove ``leftover_temp_files(target)`` (only those last written more than
    ``older_than`` seconds ago, when given); the ones removed. Call only when no live process
    is writing ``target`` (its temporary file would go, and its rename fail), or with an age
    no live write reaches. A file that cannot be removed is left alone."""
    removed: list[Path] = []
    now = time.time()
    for path in leftover_temp_files(target):
        with contextlib.suppress(OSError):
            if older_than is not None and now - path.lstat().st_mtime <= older_than:
                continue
            path.unlink()
            removed.append(path)
    return removed


def _replace_with(
    target: str, directory: str, data: bytes | bytearray | memoryview, mode: int
) -> None:
    """Write ``data`` to a temporary file in ``directory``, sync it, rename it onto ``target``."""
    fd, tmp = _create_temp(directory, os.path.basename(target))
    renamed = False
    try:
        try:
            _write_all(fd, data)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        renamed = True
        _sync_directory(directory)
    except BaseException:
        # Also on KeyboardInterrupt: never leave a stray temporary file next to the user's file.
        if not renamed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """``atomic_write_bytes`` of ``text`` encoded with ``encoding`` (newlines written as is)."""
    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise StoreError(f"cannot save to {os.fspath(path)}: {exc}") from exc
    atomic_write_bytes(path, data)
