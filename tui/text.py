"""Text that comes from data, made safe to show in a terminal.

CSV headers and labels, file paths and the names stored in run files are data: a file can hold
an escape sequence that clears the screen or retitles the terminal, a bidirectional override that
reorders what follows, or square brackets that Textual or Rich would read as markup. Every such
string is passed through ``printable`` before it is shown, in the command line and in the app:
control and format characters become visible escapes (``\\x1b``, ``\\u202e``), everything else is
left as it is, so a name still reads as itself.

Only the standard library here, so the headless command (``tui.cli``) can use it without
importing Textual; markup is left to the caller (pass plain text objects, or ``markup=False``).
"""

from __future__ import annotations

import unicodedata

# Unicode categories that never belong in a name shown on a terminal: control characters (C0, DEL,
# C1: ESC, BEL, CSI...), format characters (bidirectional overrides, zero-width joiners...),
# line and paragraph separators, surrogates and unassigned or private-use code points.
_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control or format character written as a visible escape: the string
    a terminal shows is exactly the characters the data holds, and nothing else happens."""
    if text.isprintable():  # the common case, in C: nothing to replace (spaces are printable)
        return text
    return "".join(
        _escape(ch) if unicodedata.category(ch) in _UNSAFE or ch in "\t\n\r" else ch for ch in text
    )
