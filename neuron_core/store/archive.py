"""Reading a NumPy ``.npz`` archive that nothing vouches for, entry by entry, bounded.

Nothing in the file is expanded before it is checked:

* ``check_directory``: the archive's list of entries (which ``zipfile`` turns into one Python
  object per entry) is at most ``MAX_DIRECTORY_BYTES``, read from its end record first;
* ``open_entry``: an entry's zip record and ``.npy`` header only (a header of at most
  ``MAX_HEADER_BYTES``): stored uncompressed, dtype and dimensions as asked, and the header's
  shape exactly filling the entry's size. The caller then checks the shape against what the
  file's own metadata allows (``limits``) and ``check_total`` that the entries' bytes are really
  in the file;
* ``read_entry``: the data, in ``CHUNK_BYTES`` pieces straight into the array (no second copy),
  to its end, which makes ``zipfile`` verify the entry's CRC.

Arrays are read without pickle. A value that is wrong raises ``Invalid`` with the reason (the
caller adds the file name); the file's own problems become one-line messages (``damaged``).
"""

from __future__ import annotations

import io
import math
import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
import numpy.lib.format as npformat
from numpy.typing import NDArray

from neuron_core.errors import StoreError

ZIP_MAGIC = b"PK\x03\x04"
# The dtypes ``open_entry`` accepts, by kind.
KINDS: dict[str, np.dtype[Any]] = {
    "f": np.dtype(np.float64),
    "i": np.dtype(np.int64),
    "u": np.dtype(np.uint8),
}
# A run file lists a few dozen entries (at most ~170, ~100 bytes each); a longer list is not one.
MAX_DIRECTORY_BYTES = 256 << 10
# ``np.save`` writes a 128-byte header for the arrays of a run; numpy's own reader reads a
# header of any declared length (up to 4 GB) before it checks it.
MAX_HEADER_BYTES = 4096
# Data is read in pieces of this size (a multiple of every itemsize).
CHUNK_BYTES = 1 << 20

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
_MAX_COMMENT = 1 << 16  # what zipfile searches (a comment is at most 0xFFFF bytes)


class Invalid(Exception):
    """A value in a record is wrong; the message says which (the caller adds the file name)."""


@dataclass(frozen=True)
class Entry:
    """One ``.npy`` entry whose header was read and checked; its data was not read yet.

    ``shape``, ``dtype`` (as stored: its byte order may differ from the native one) and
    ``fortran`` come from the header; the data are the ``nbytes`` bytes after ``offset``.
    """

    name: str
    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fortran: bool
    offset: int
    kind: str

    @property
    def count(self) -> int:
        """Number of values."""
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of data (what the array needs in memory)."""
        return self.count * self.dtype.itemsize


def one_line(exc: BaseException) -> str:
    """An exception's message on one short line (zip and numpy messages can be long)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def check_directory(fh: BinaryIO) -> None:
    """Refuse an archive whose list of entries is over ``MAX_DIRECTORY_BYTES``, before
    ``zipfile`` reads it (it holds the whole list in memory, ~300 bytes per entry).

    The end record is found where ``zipfile`` looks for it (the file's last 22 bytes, else the
    last occurrence in its final 64 kB, where a comment may follow it), with the zip64 record
    that ``zipfile`` reads when a zip64 locator precedes it. Anything that is not a zip is left
    for ``zipfile`` to refuse.
    """
    size = fh.seek(0, os.SEEK_END)
    if size < _END.size:
        fh.seek(0)
        return
    window = min(size, _END.size + _MAX_COMMENT)
    # The zip64 record and its locator lie before the end record: read them in the same go.
    extra = min(size - window, _END64.size + _END64_LOCATOR.size)
    fh.seek(size - window - extra)
    tail = fh.read(window + extra)
    fh.seek(0)
    end = len(tail) - _END.size
    if not (tail[end : end + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        end = tail.rfind(b"PK\x05\x06", extra)
        if end < 0 or end + _END.size > len(tail):
            return
    listed = _END.unpack_from(tail, end)[5]
    locator = end - _END64_LOCATOR.size
    record = locator - _END64.size
    if (
        record >= 0
        and tail[locator : locator + 4] == b"PK\x06\x07"
        and tail[record : record + 4] == b"PK\x06\x06"
    ):
        listed = _END64.unpack_from(tail, record)[8]
    if listed > MAX_DIRECTORY_BYTES:
        raise Invalid(f"its list of entries takes {listed:,} bytes, not the few kB of a run")


def _header(head: bytes, name: str) -> tuple[tuple[int, ...], bool, np.dtype[Any], int]:
    """Shape, Fortran order, dtype and length of the ``.npy`` header at the start of ``head``."""
    if len(head) < 10 or head[:6] != b"\x93NUMPY":
        raise Invalid(f"the entry {name!r} is not a NumPy array")
    version = (head[6], head[7])
    if version not in ((1, 0), (2, 0)):
        raise Invalid(f"the entry {name!r} has an unknown array format {version}")
    start = 10 if version == (1, 0) else 12
    (length,) = struct.unpack_from("<H" if version == (1, 0) else "<L", head, 8)
    if length > MAX_HEADER_BYTES or start + length > len(head):
        raise Invalid(f"the entry {name!r} has an array header of {length:,} bytes")
    fp = io.BytesIO(head[: start + length])
    fp.seek(8)
    if version == (1, 0):
        shape, fortran, dtype = npformat.read_array_header_1_0(fp)
    else:
        shape, fortran, dtype = npformat.read_array_header_2_0(fp)
    return tuple(int(d) for d in shape), bool(fortran), dtype, start + length


def open_entry(zf: zipfile.ZipFile, name: str, kind: str, ndim: int) -> Entry:
    """Entry ``name`` (``name.npy``) as an array of ``kind`` (``"f"``: float64, ``"i"``:
    int64, ``"u"``: uint8) with ``ndim`` dimensions: its zip record and header checked, its
    data not read. Raises ``Invalid`` when it is missing, compressed, not such an array, or
    its shape does not fill its size exactly."""
    try:
        info = zf.getinfo(f"{name}.npy")
    except KeyError:
        raise Invalid(f"the entry {name!r} is missing") from None
    if info.compress_type != zipfile.ZIP_STORED:
        # ``save_run`` stores every entry (float histories barely compress), and a compressed
        # entry's size in memory is only a claim of the file: a few kB of deflated zeros claim
        # gigabytes. A stored entry occupies its size in the file, so refusing compression
        # bounds what a load allocates by the file's own size.
        raise Invalid(f"the entry {name!r} is compressed, which neuron-tui never writes")
    if info.compress_size != info.file_size:
        raise Invalid(f"the entry {name!r} has inconsistent sizes")
    with zf.open(info) as f:
        head = f.read(min(info.file_size, 12 + MAX_HEADER_BYTES))
    shape, fortran, dtype, offset = _header(head, name)
    want = KINDS[kind]
    if dtype.hasobject or dtype.kind != want.kind or dtype.itemsize != want.itemsize:
        raise Invalid(f"the entry {name!r} holds {dtype}, not {want}")
    if len(shape) != ndim:
        raise Invalid(f"the entry {name!r} has {len(shape)} dimensions, not {ndim}")
    entry = Entry(name, info, shape, dtype, fortran, offset, kind)
    if any(d < 0 for d in shape) or offset + entry.nbytes != info.file_size:
        raise Invalid(f"the entry {name!r} has the wrong size for its shape {shape}")
    return entry


def check_total(entries: list[Entry], file_size: int) -> None:
    """Raise ``Invalid`` unless the stored ``entries`` together fit in the file's
    ``file_size`` bytes (an entry listed with more bytes than the file has, or two entries
    listed over the same bytes, could otherwise make a small file ask for a large array)."""
    total = sum(e.info.compress_size for e in entries)
    if total > file_size:
        raise Invalid(f"its entries claim {total:,} bytes but the file has {file_size:,}")


def read_entry(zf: zipfile.ZipFile, entry: Entry) -> NDArray[Any]:
    """The data of ``entry`` (from ``open_entry``) as a C-contiguous, writable array of its
    kind in native byte order. Read in ``CHUNK_BYTES`` pieces into the array, then to the end
    of the entry, so that ``zipfile`` verifies its CRC."""
    want = KINDS[entry.kind]
    flat = np.empty(entry.count, dtype=want)
    with zf.open(entry.info) as f:
        f.read(entry.offset)
        step = CHUNK_BYTES // want.itemsize
        for start in range(0, entry.count, step):
            stop = min(start + step, entry.count)
            data = f.read((stop - start) * want.itemsize)
            if len(data) != (stop - start) * want.itemsize:
                raise Invalid(f"the entry {entry.name!r} is incomplete")
            flat[start:stop] = np.frombuffer(data, dtype=entry.dtype)  # to native byte order
    return np.ascontiguousarray(flat.reshape(entry.shape, order="F" if entry.fortran else "C"))


def read_array(zf: zipfile.ZipFile, name: str, kind: str, ndim: int) -> NDArray[Any]:
    """``read_entry(zf, open_entry(zf, name, kind, ndim))``: for an entry whose size is bounded
    by its caller (the metadata's)."""
    return read_entry(zf, open_entry(zf, name, kind, ndim))


def get_field(meta: dict[str, Any], key: str, types: type | tuple[type, ...]) -> Any:
    """``meta[key]`` if it is of ``types`` (never a JSON ``true`` for a number), else
    ``Invalid`` naming the field."""
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, types):  # JSON true is not a number
        raise Invalid(f"the field {key!r} is missing or invalid")
    return value


def open_checked(shown: str) -> io.BufferedReader:
    """Open ``shown`` for reading, turning every OS complaint into a one-line ``StoreError``."""
    try:
        st = os.stat(shown)
        if stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{shown} is a directory, not a saved run")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device could block or never end
            raise StoreError(f"{shown} is not a regular file")
        if st.st_size == 0:
            raise StoreError(f"{shown} is empty")
        return open(shown, "rb")  # the caller closes it
    except FileNotFoundError:
        raise StoreError(f"file not found: {shown}") from None
    except PermissionError:
        raise StoreError(f"permission denied: cannot read {shown}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise StoreError(f"cannot open {shown}: {one_line(exc)}") from None


def damaged(shown: str, exc: BaseException) -> str:
    """The message for an archive that cannot be read; zip's own detail only when it is short
    and readable ("Bad CRC-32 for file 'costs.npy'"), not a dump of binary header bytes."""
    detail = " ".join(str(exc).split())
    if detail and len(detail) <= 60 and detail.isprintable():
        return f"{shown} is damaged or incomplete ({detail})"
    return f"{shown} is damaged or incomplete"
