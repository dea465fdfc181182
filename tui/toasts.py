"""Key confirmations replace each other instead of stacking up the screen.

A setting key (``d``, ``[``, ``]``, ``+``, ``g``...) says what it set in a short toast. Pressed four
times, four toasts stacked up over the panes, three of them stale ("learning rate 0.03" under
"learning rate 0.01"). A confirmation (an information toast of at most ``CONFIRM_SECONDS``) now
clears the toasts on screen first, when all of them are confirmations: a warning, an error or a
longer message still showing stays (Textual's public ``clear_notifications`` clears every
toast, so the confirmation then stacks as before).

``Notices`` is the app's ``notify``; ``Toasts`` (plain Python) decides.
"""

from __future__ import annotations

import time

from textual.app import App
from textual.notifications import SeverityLevel

from tui.text import printable

# A toast shown for at most this long (seconds) is a key's confirmation.
CONFIRM_SECONDS = 2.0


class Toasts:
    """What is on screen, as far as replacing confirmations needs to know."""

    def __init__(self) -> None:
        self._others_until = -float("inf")  # when the last toast that is no confirmation goes
        self._confirms_until = -float("inf")  # when the last confirmation goes

    def clear_first(self, severity: str, seconds: float, now: float | None = None) -> bool:
        """True when the toasts on screen are to be cleared before showing one of ``severity``
        for ``seconds``: it is a confirmation, one is showing, and nothing else is."""
        t = time.monotonic() if now is None else now
        if severity != "information" or seconds > CONFIRM_SECONDS:
            self._others_until = max(self._others_until, t + seconds)
            return False
        clear = t < self._confirms_until and t >= self._others_until
        self._confirms_until = t + seconds
        return clear


class Notices(App[None]):
    """The app's notifications: shown as written, a confirmation replacing the one before."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.toasts = Toasts()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification shows its text as it is: messages quote file paths and column
        names, which are data (escaped, and never read as markup; see ``tui.text``)."""
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        if self.toasts.clear_first(severity, seconds):
            self.clear_notifications()
        super().notify(
            printable(message), title=printable(title), severity=severity, timeout=timeout,
            markup=False,
        )  # fmt: skip
