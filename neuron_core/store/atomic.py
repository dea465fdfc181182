"""Crash-safe file writes: the target holds either its old content or the complete new one.

A plain ``open(path, "wb").write(data)`` first empties the file, so a full disk, a crash or a
kill in the middle leaves a truncated file and the previous save is lost. Here the data goes to a
temporary file in the same directory (same filesystem, so the rename cannot turn into a copy),
which is flushed to disk with ``fsync`` and then renamed over the target with ``os.replace``, an
atomic operation on POSIX and Windows. Finally the directory is synced so the rename itself
survives a power cut.

Every failure removes the temporary file, leaves an existing target untouched and raises
``StoreError`` with one line for a person: ``cannot save to PATH: No space left on device``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

from neuron_core.errors import StoreError

# errno values meaning "this filesystem cannot fsync a directory": nothing to report.
_DIR_SYNC_UNSUPPORTED = frozenset(
    {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EISDIR, errno.EACCES}
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


def _replace_with(
    target: str, directory: str, data: bytes | bytearray | memoryview, mode: int
) -> None:
    """Write ``data`` to a temporary file in ``directory``, sync it, rename it onto ``target``."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
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
