"""The base of the app's modal screens: a screen that is answered (dismissed) at most once.

Keys reach a screen through its message queue, so two quick Enters in a prompt are both
delivered before the first one's ``dismiss`` has taken the screen off the stack. Textual's
``dismiss`` pops whatever screen is on top, so the second one would pop the screen below (or fail
with ``ScreenStackError`` when only the main screen is left). A ``Dialog`` is dismissed only while
it is the active (top) screen: a late answer, or one that arrives after another screen covered
this one (the "enlarge the terminal" notice), is ignored.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen whose ``dismiss`` acts once, and only while it is the top screen."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Close the screen with ``result`` (given to the callback of ``push_screen``), unless
        it is no longer the active screen: then nothing happens."""
        if not self.is_active:
            return AwaitComplete()  # already complete: it awaits nothing
        return super().dismiss(result)
