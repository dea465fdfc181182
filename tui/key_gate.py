"""Keys in order: each key (or paste) from the terminal is handed on once the earlier ones took
effect, so a key that arrives early is handled exactly as if it had arrived when the app was idle.

Why it is needed: Textual routes a key to the widget focused *when the app reads the key*, and
the key then travels through several message queues (the focused widget, its parents, the app,
where the bindings run); a focus change it causes (``1``-``5``, Tab, Enter in a field, a prompt
that opens) is applied at the end of that trip. When the app is busy (at start-up, on a loaded
machine, or when keys arrive in one read over SSH) the next keys have been read, and routed by the
old focus, before the first one took effect: ``2`` Tab Tab Tab ``7`` typed right after the first
frame opened the learning-rate presets instead of typing 7 into the iterations field.

How: the app hands every key and paste it reads to ``KeyGate.admit``. One goes on at once when
the app is settled: nothing waits in line, every message queue (the app's, and those of all the
widgets of the screens on the stack) is empty, and the screen has been laid out and drawn since
the last key went on. Otherwise it waits in line, and a short poll hands the waiting ones on one at
a time, each once the app is settled again. Drawn, not only idle: Textual lays a screen out on its
own refresh timer, after the message queues drained, and the focus order (Tab) follows that
layout: a Tab handed on between a pane switch and its layout went by the hidden pane's stale
positions (seen on a loaded machine: ``2`` Tab skipped the learning-rate field). So once the
queues are empty the gate asks Textual to call it after the next refresh (``call_after_refresh``)
and counts the app settled when that call comes. At start-up the queues hold the mounting of the
first screen (the resume prompt too), so the first keys wait until it is there and focused.
Quitting keys wait their turn too: keys typed before ``q`` or ctrl+q are handled first. A line
that cannot drain (queues never empty while the app's thread spent ``MAX_WAIT_SECONDS`` of CPU
time: a widget that never stops messaging) hands on its first key anyway, so the keyboard can
never lock up. CPU time, not wall-clock time: an app starved of CPU on a busy machine (start-up
while other programs run) is slow, not stuck, and its keys must still go where they were typed;
``MAX_WALL_SECONDS`` bounds the wait of a queue that is stuck without using CPU, or whose CPU
comes too slowly.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App

from tui.timers import call_after

# How often a waiting key checks whether the app is idle (seconds).
POLL_SECONDS = 0.002
# CPU seconds of the app's thread without an idle app after which the next key is handed on
# anyway (a starved app uses little CPU while it waits for it, so its keys keep their order).
MAX_WAIT_SECONDS = 1.0
# Wall-clock seconds after which the next key is handed on whatever the CPU time: a queue that
# never drains while the app does nothing must not hold the keys for ever either, and on a
# starved machine a burst of keys must not take minutes (3 s: well past a busy start-up).
MAX_WALL_SECONDS = 3.0
# Wall-clock seconds after which a poll or a call after a refresh that did not come is taken as
# lost and asked for again (a refresh comes every 1/60 s while anything changes).
LOST_SECONDS = 0.5

InputEvent = events.Key | events.Paste


class KeyGate:
    """Holds the terminal's keys and pastes of ``app`` while earlier ones are at work; see the
    module docstring. ``deliver`` routes one as Textual does (``App.on_event``)."""

    def __init__(self, app: App[Any], deliver: Callable[[InputEvent], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver
        self._waiting: deque[InputEvent] = deque()
        self._since = 0.0  # when the first key in line began to wait (wall clock)
        self._since_cpu = 0.0  # the same, in CPU time of the app's thread
        self._polling = False
        self._polled_at = 0.0  # when the pending poll was scheduled
        # The screen was drawn with every key handed on so far (see the module docstring);
        # ``_drawing``: a call after the next refresh is on its way.
        self._drawn = False
        self._drawing = False
        self._drawing_since = 0.0  # when that call was asked for

    @property
    def waiting(self) -> int:
        """How many keys and pastes wait to be handed on."""
        return len(self._waiting)

    def admit(self, event: InputEvent) -> bool:
        """True: hand ``event`` on now (the caller does); False: it waits in line."""
        if not self._waiting and self.settled():
            self._handed_on()
            return True
        if not self._waiting:
            self._since, self._since_cpu = time.monotonic(), time.thread_time()
        self._waiting.append(event)
        self._schedule()
        return False

    def idle(self) -> bool:
        """True when no message waits anywhere: not in the app's queue, not in any widget's of
        the screens on the stack (so every key handed on so far has taken effect)."""
        app = self._app
        if app.message_queue_size:
            return False
        for screen in app.screen_stack:
            for node in screen.walk_children(with_self=True):
                if node.message_queue_size:
                    return False
        return True

    def settled(self) -> bool:
        """True when every key handed on so far took effect and was laid out and drawn."""
        return self._drawn and self.idle()

    def _handed_on(self) -> None:
        # The screen has not been drawn with this key yet: poll until the queues are empty,
        # then ask for a call after the next refresh.
        self._drawn = False
        self._schedule()

    def _ask_for_refresh(self) -> None:
        """Once the queues are empty, have Textual call back after its next refresh."""
        # A call that never came (its screen left the stack first) is asked for again.
        lost = self._drawing and time.monotonic() - self._drawing_since > LOST_SECONDS
        if not self._drawn and (not self._drawing or lost) and self.idle():
            self._drawing_since = time.monotonic()
            self._drawing = self._app.call_after_refresh(self._refreshed)

    def _refreshed(self) -> None:
        """The screen was refreshed: settled if nothing arrived meanwhile, else ask again."""
        self._drawing = False
        if self.idle():
            self._drawn = True
        if self._waiting or not self._drawn:
            self._schedule()

    def _schedule(self) -> None:
        # A poll pending for longer than a key may wait was lost on the way (its timer or its
        # callback never ran): schedule another rather than hold the keys for ever.
        lost = self._polling and time.monotonic() - self._polled_at > LOST_SECONDS
        if not self._polling or lost:
            self._polling = True
            self._polled_at = time.monotonic()
            # Not ``set_timer``: under load Textual can skip a one-shot timer (tui.timers).
            call_after(self._app, POLL_SECONDS, self._release)

    async def _release(self) -> None:
        """Hand on the next waiting event if the app is settled (or waited too long); poll
        again while events wait, or until the screen is drawn with the last one."""
        self._polling = False
        if not self._app.is_running:
            self._waiting.clear()
            return
        self._ask_for_refresh()
        if self._waiting:
            waited = time.monotonic() - self._since
            busy = time.thread_time() - self._since_cpu
            if self.settled() or busy >= MAX_WAIT_SECONDS or waited >= MAX_WALL_SECONDS:
                # The next key in line waits from now.
                self._since, self._since_cpu = time.monotonic(), time.thread_time()
                await self._deliver(self._waiting.popleft())
                self._drawn = False
                self._ask_for_refresh()
        if self._waiting or not self._drawn:
            self._schedule()
