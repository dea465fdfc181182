"""A seeded monkey: thousands of random keys from the app's real key set, in bursts, with dozens
of resizes between 20x5 and 200x60. No key sequence may crash the app; it quits with exit code 0.

The keys are sent the way a terminal delivers them when the app is busy: several at once, before
the app handled the previous ones (raw ``Key`` events posted to the app, as the driver does); the
test then waits until the app handled them all. The seed is fixed, so a failure reproduces: the
keys, the bursts and the sizes all come from it.

Random keys can quit the app cleanly without ``q`` (the command palette offers "Quit" to a
search typed at random, then Enter): that is a legal outcome, checked like the final quit (exit
code 0), and the monkey goes on in a new app.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from tui.app import NeuronApp

SEED = 20_251_010
KEY_COUNT = 3_000
RESIZES = 48
# The app's real key set: letters, digits, space, Tab, Enter, Escape, the arrows, ctrl+p/s/o
# and ? (with the character a terminal sends for each, where it sends one). Not q: quitting is
# what happens after the monkey.
KEYS: dict[str, str | None] = {
    **{c: c for c in "abcdefghijklmnoprstuvwxyz0123456789"},
    "space": " ",
    "tab": "\t",
    "enter": "\r",
    "escape": "\x1b",
    "up": None,
    "down": None,
    "left": None,
    "right": None,
    "ctrl+p": "\x10",
    "ctrl+s": "\x13",
    "ctrl+o": "\x0f",
    "question_mark": "?",
}


@dataclass(frozen=True)
class Step:
    """One step of the monkey: a burst of keys sent at once, or a resize to ``size``."""

    keys: tuple[str, ...] = ()
    size: tuple[int, int] | None = None


def monkey_plan(seed: int) -> list[Step]:
    """The whole run, in order: bursts of 1-12 keys, and a resize every ``KEY_COUNT / RESIZES``
    keys or so."""
    rng = random.Random(seed)
    names = list(KEYS)
    plan: list[Step] = []
    sent = 0
    every = KEY_COUNT // RESIZES
    while sent < KEY_COUNT:
        burst = tuple(rng.choice(names) for _ in range(rng.randint(1, 12)))
        plan.append(Step(keys=burst))
        if (sent + len(burst)) // every > sent // every:
            plan.append(Step(size=(rng.randint(20, 200), rng.randint(5, 60))))
        sent += len(burst)
    return plan


async def handled(pilot: Pilot[None], timeout: float = 120.0) -> None:
    """Wait until the app handed on every key sent so far (none waits in its key gate), then
    give it up to a second more to go idle (or the app ended, which the caller checks). The key
    gate hands a key on after at most about a second even when the app never goes idle (a
    machine short of CPU while training), so only a gate that locked up fails here."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    deadline = time.monotonic() + timeout
    while app.is_running and app.keys.waiting:
        assert time.monotonic() < deadline, "the app did not take its keys in time"
        await asyncio.sleep(0.001)
    quiet = time.monotonic() + 1.0
    while app.is_running and not app.keys.idle() and time.monotonic() < quiet:
        await asyncio.sleep(0.001)


def test_the_plan_has_thousands_of_keys_and_dozens_of_resizes() -> None:
    plan = monkey_plan(SEED)
    keys = [key for step in plan for key in step.keys]
    sizes = [step.size for step in plan if step.size is not None]
    assert len(keys) >= KEY_COUNT
    assert len(sizes) >= RESIZES - 1
    assert all(20 <= w <= 200 and 5 <= h <= 60 for w, h in sizes)
    assert any(w < 80 or h < 24 for w, h in sizes)
    assert any(w >= 120 and h >= 36 for w, h in sizes)
    assert set(keys) == set(KEYS)


async def test_random_keys_and_resizes_never_crash_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saves and opens go to the test's own home folder, relative paths to its own folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    plan = monkey_plan(SEED)
    done = 0
    while done < len(plan):
        app = NeuronApp()
        async with app.run_test(size=(80, 24)) as pilot:
            while done < len(plan) and app.is_running:
                step = plan[done]
                done += 1
                if step.size is not None:
                    await pilot.resize_terminal(*step.size)
                for key in step.keys:
                    app.post_message(events.Key(key, KEYS[key]))
                await handled(pilot)
            if app.is_running:
                await pilot.resize_terminal(80, 24)
                assert app.is_running
                await pilot.press("ctrl+q")
        # A crash ends the app with code 1 (and run_test raises its exception).
        assert app.return_code == 0, f"the app ended with {app.return_code} at step {done}"
