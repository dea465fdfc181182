"""The app's main screen: Textual's default screen, without its second styling at start-up.

When a screen becomes the active one, Textual sends it ``ScreenResume``, whose
``refresh_styles`` (public, True by default) makes it apply the stylesheet to every widget
again. The first one reaches the main screen just after its ~250 widgets were mounted, and
Textual styles each widget as it mounts it (a widget type's ``DEFAULT_CSS`` is added when it is
first mounted and is scoped to that type, so it cannot change a widget styled before it):
that second pass over the same stylesheet (~420 rule applications, ~50 ms, a tenth of the
launch) changes nothing. It is skipped for the first resume only: a later one restyles when
Textual asks it to (a switch of screen or mode; closing a dialog does not ask).
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class MainScreen(Screen[None]):
    """The default screen of ``NeuronApp`` (the id is Textual's own for it)."""

    def __init__(self) -> None:
        super().__init__(id="_default")
        self.resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Handlers of a subclass run before its bases': Screen's own reads the flag next.
        if not self.resumed:
            event.refresh_styles = False
        self.resumed = True
