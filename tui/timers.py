"""One-shot timers that always fire.

Textual's ``set_timer`` makes a timer that ticks once, and skips ticks that are late (its
``skip`` is on). When the timer's task is held up between its two reads of the clock for longer
than its delay (the thread preempted on a loaded machine, the GIL held by the training thread, a
garbage collection), its one tick counts as missed and the callback is never called. A chain of
such timers (a poll that sets the next one) then stops for good: under load the key gate held a
key for ever and the workspace could stop drawing the run. ``call_after`` schedules through
asyncio's own timer, which is never skipped, and runs the callback in ``node``'s message loop as
``set_timer`` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump


def call_after(node: MessagePump, delay: float, callback: Callable[[], Any]) -> asyncio.TimerHandle:
    """Call ``callback`` (a function or coroutine function) in ``node``'s message loop once,
    ``delay`` seconds from now; ``.cancel()`` on the result stops it. Nothing happens when
    ``node`` has closed by then."""
    return asyncio.get_running_loop().call_later(delay, node.call_later, callback)
