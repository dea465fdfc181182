"""Reading a CSV file's text: its encoding, delimiter, lines and header, checked.

Pass 1 over the bytes (``sniff``), in 1 MiB blocks: SHA-256, byte-order mark, NUL bytes,
whether it decodes as UTF-8 (else latin-1, which decodes any byte), and the delimiter from the
first records. Then ``Reader`` decodes the file as a ``csv.reader`` of rows, refusing absurdly
long lines, and ``header`` takes the column names from the first non-blank row. Every problem
raises ``DataError`` with a one-line message; ``csvtable`` parses the rows, ``csvfile`` loads
the table.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from neuron_core.errors import DataError

_BLOCK_BYTES = 1 << 20
_SAMPLE_BYTES = 1 << 16
# A longer physical line is not a CSV row; without this cap a multi-GB file with no newline would
# be read into memory as a single line.
_MAX_LINE_CHARS = 1 << 20
# Records parsed from the start of the file to choose the delimiter.
_SNIFF_RECORDS = 5

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LABELS = {"utf-32": "UTF-32", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
# C0 control characters that have no business in a text table (tab, LF, CR are fine).
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


@dataclass(frozen=True)
class Format:
    """What pass 1 learned about the file."""

    encoding: str
    delimiter: str
    size: int
    sha256: str | None


def show(value: str, limit: int = 40) -> str:
    """``repr`` of a cell or name, shortened: messages stay on one line and readable."""
    if len(value) > limit:
        return repr(value[:limit]) + "..."
    return repr(value)


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for binary reading, turning every OS complaint into a ``DataError``."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise DataError(f"{path} is a directory, not a CSV file")
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or a device could block or never end.
            raise DataError(f"{path} is not a regular file")
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise DataError(f"file not found: {path}") from None
    except PermissionError:
        raise DataError(f"permission denied: cannot read {path}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise DataError(f"cannot open {path}: {getattr(exc, 'strerror', None) or exc}") from None


def sniff(path: str, *, want_sha: bool) -> Format:
    """Pass 1 over the bytes: encoding, delimiter, size and SHA-256."""
    digest = hashlib.sha256() if want_sha else None
    with open_binary(path) as f:
        head = f.read(_BLOCK_BYTES)
        if not head:
            raise DataError(f"{path} is empty")
        encoding = "utf-8"
        for bom, name in _BOMS:
            if head.startswith(bom):
                encoding = name
                break
        eight_bit = encoding in ("utf-8", "utf-8-sig")
        decoder = codecs.getincrementaldecoder(encoding)()
        decodes = True
        offset = 0
        block = head
        while block:
            if digest is not None:
                digest.update(block)
            nul = block.find(b"\x00") if eight_bit else -1
            if nul >= 0:
                raise DataError(
                    f"{path} contains NUL bytes (byte {offset + nul}): it looks "
                    "like a binary file (or UTF-16 without a byte-order mark), not a CSV text file"
                )
            if decodes:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    if encoding != "utf-8":
                        # A byte-order mark promised this encoding: do not guess another one.
                        label = _LABELS[encoding]
                        raise DataError(
                            f"{path} starts with a {label} byte-order mark but is not valid "
                            f"{label} (near byte {offset + exc.start})"
                        ) from None
                    decodes = False
            offset += len(block)
            block = f.read(_BLOCK_BYTES)
        if decodes:
            try:
                decoder.decode(b"", final=True)  # a truncated multi-byte sequence at the end
            except UnicodeDecodeError:
                if encoding != "utf-8":
                    raise DataError(
                        f"{path} ends in the middle of a {_LABELS[encoding]} character"
                    ) from None
                decodes = False
    if not decodes:
        # Not UTF-8: a legacy 8-bit file. latin-1 maps every byte to a character, so it cannot fail.
        encoding = "latin-1"
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(
        head[:_SAMPLE_BYTES], final=len(head) <= _SAMPLE_BYTES
    )
    if not sample.strip():
        raise DataError(f"{path} is empty (only blank lines)")
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if controls > 0.01 * len(sample):
        raise DataError(
            f"{path} does not look like a CSV text file ({controls} control characters in its "
            f"first {len(sample)} characters)"
        )
    delimiter = _delimiter(sample, complete=len(head) <= _SAMPLE_BYTES)
    return Format(encoding, delimiter, offset, digest.hexdigest() if digest else None)


def _widths(sample: str, delimiter: str, complete: bool) -> list[int]:
    """Field counts of the first few non-blank records of ``sample`` parsed with ``delimiter``."""
    widths: list[int] = []
    try:
        rows = csv.reader(
            io.StringIO(sample, newline=""), delimiter=delimiter, skipinitialspace=True
        )
        for row in rows:
            if row:
                widths.append(len(row))
                if len(widths) > _SNIFF_RECORDS:
                    break
    except csv.Error:
        pass
    if not complete and len(widths) > 1:
        widths.pop()  # the sample may end inside the last record
    return widths[:_SNIFF_RECORDS]


def _delimiter(sample: str, complete: bool) -> str:
    """Comma by default; ``;`` or tab when they fit the file and the comma does not.

    The first records are parsed as CSV (quotes respected, not characters counted). A delimiter
    "fits" when it splits the header into several fields and every sampled record into as many.
    Preference: a fitting comma, then the fitting delimiter with the most fields, then (nothing
    fits: a ragged file, reported later with its line) the comma if it splits the header at all.
    """
    widths = {d: _widths(sample, d, complete) for d in (",", ";", "\t")}

    def fits(d: str) -> bool:
        w = widths[d]
        return bool(w) and w[0] > 1 and all(x == w[0] for x in w)

    if fits(","):
        return ","
    fitting = [d for d in (";", "\t") if fits(d)]
    if fitting:
        return max(fitting, key=lambda d: widths[d][0])
    if widths[","] and widths[","][0] > 1:
        return ","
    best = max((";", "\t"), key=lambda d: widths[d][0] if widths[d] else 0)
    return best if widths[best] and widths[best][0] > 1 else ","


def _lines(text: io.TextIOWrapper, path: str) -> Iterator[str]:
    """Physical lines of ``text``, refusing absurdly long ones (see ``_MAX_LINE_CHARS``)."""
    number = 0
    while True:
        line = text.readline(_MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= _MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise DataError(
                f"{path} line {number} is longer than {_MAX_LINE_CHARS:,} characters: "
                "not a CSV file?"
            )
        yield line


def header(reader: Iterator[list[str]], path: str) -> list[str]:
    """The column names from the first non-blank row, checked: non-empty and unique."""
    for row in reader:
        if row and any(cell.strip() for cell in row):
            names = [cell.strip() for cell in row]
            break
    else:
        raise DataError(f"{path} is empty")
    first: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            raise DataError(f"header: column {i} has no name; every column needs one")
        if name in first:
            raise DataError(
                f"header: column name {show(name)} appears twice (columns {first[name]} and {i})"
            )
        first[name] = i
    return names


class Reader:
    """A ``csv.reader`` over the decoded file, with its binary handle for progress."""

    def __init__(self, path: str, fmt: Format) -> None:
        self.raw = open_binary(path)
        self.text = io.TextIOWrapper(self.raw, encoding=fmt.encoding, newline="")
        # skipinitialspace: in `a, "b c"` the second name is b c, not ' "b c"'.
        self.rows = csv.reader(
            _lines(self.text, path), delimiter=fmt.delimiter, skipinitialspace=True
        )

    def close(self) -> None:
        self.text.close()
