"""``TailThrottle``: how often a live chart repaints when only its data's tail grew.

Textual repaints a changed cell by rewriting its row from the widget's left edge up to that cell
(every styled run in between, with its colour codes), so a curve whose end advances one cell at
the right of a wide chart costs some hundred bytes per repaint. While training, the end of the
cost curve moves on almost every 10 Hz poll; repainting it at most every ``seconds`` keeps the
terminal output within budget (``benchmarks/bench_bandwidth.py``) and loses nothing a person can
follow. Anything else (a new axis range or y limits, a toggle, the cursor, a resize) is drawn at
once: the chart gives a ``key`` of what it shows besides the data, and a new key is never held.

Plain Python: the chart asks ``wait(key)`` and, when it is positive, redraws after that long.
"""

from __future__ import annotations

import time
from collections.abc import Hashable


class TailThrottle:
    """Repaints of a growing series at most every ``seconds`` (0: never held back)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._key: Hashable = None
        self._at = -float("inf")

    def wait(self, key: Hashable, now: float | None = None) -> float:
        """Seconds to hold a repaint whose view is ``key`` back (0: draw now, and the time
        and key are taken as drawn)."""
        t = time.monotonic() if now is None else now
        held = self._at + self.seconds - t
        if key == self._key and held > 0:
            return held
        self._key, self._at = key, t
        return 0.0

    def reset(self) -> None:
        """Forget the last repaint: the next one is drawn at once."""
        self._key, self._at = None, -float("inf")
