"""Reading a NumPy ``.npz`` archive that nothing vouches for, entry by entry, checked.

Arrays are read without pickle; every entry's declared shape and dtype are checked against its
size in the archive before anything is allocated, and reading an entry to its end makes
``zipfile`` verify its CRC. A value that is wrong raises ``Invalid`` with the reason (the caller
adds the file name); the file's own problems become one-line messages (``damaged``).
"""

from __future__ import annotations

import io
import math
import os
import stat
import zipfile
from typing import Any

import numpy as np
import numpy.lib.format as npformat
from numpy.typing import NDArray

from neuron_core.errors import StoreError

ZIP_MAGIC = b"PK\x03\x04"
# The dtypes ``read_array`` accepts, by kind.
KINDS: dict[str, np.dtype[Any]] = {
    "f": np.dtype(np.float64),
    "i": np.dtype(np.int64),
    "u": np.dtype(np.uint8),
}


class Invalid(Exception):
    """A value in a record is wrong; the message says which (the caller adds the file name)."""


def one_line(exc: BaseException) -> str:
    """An exception's message on one short line (zip and numpy messages can be long)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def read_array(zf: zipfile.ZipFile, name: str, kind: str, ndim: int) -> NDArray[Any]:
    """Read entry ``name`` (``name.npy``) as an array of ``kind`` (``"f"``: float64, ``"i"``:
    int64, ``"u"``: uint8) with ``ndim`` dimensions, without pickle.

    The header's shape and dtype are checked against the entry's size before the data is read, so
    a damaged header cannot make us allocate gigabytes; reading the data to its end makes
    ``zipfile`` verify the entry's CRC.
    """
    try:
        info = zf.getinfo(f"{name}.npy")
    except KeyError:
        raise Invalid(f"the entry {name!r} is missing") from None
    with zf.open(info) as f:
        version = npformat.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npformat.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npformat.read_array_header_2_0(f)
        else:
            raise Invalid(f"the entry {name!r} has an unknown array format {version}")
        want = KINDS[kind]
        if dtype.hasobject or dtype.kind != want.kind or dtype.itemsize != want.itemsize:
            raise Invalid(f"the entry {name!r} holds {dtype}, not {want}")
        if len(shape) != ndim:
            raise Invalid(f"the entry {name!r} has {len(shape)} dimensions, not {ndim}")
        nbytes = math.prod(shape) * dtype.itemsize
        if f.tell() + nbytes != info.file_size:
            raise Invalid(f"the entry {name!r} has the wrong size for its shape {shape}")
        data = f.read(nbytes)
        if len(data) != nbytes:
            raise Invalid(f"the entry {name!r} is incomplete")
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return np.array(arr, dtype=want)  # native byte order, writable, C-contiguous


def get_field(meta: dict[str, Any], key: str, types: type | tuple[type, ...]) -> Any:
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
