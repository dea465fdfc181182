"""A seeded monkey: thousands of random keys from the app's real key set, in bursts, with dozens
of resizes between 20x5 and 200x60. The app must stay alive and quit with exit code 0.

The keys are sent the way a terminal delivers them when the app is busy: several at once, before
the app handled the previous ones (``post_message`` of raw ``Key`` events, as the driver does),
then the test waits until the app processed them. The seed is fixed so a failure reproduces; the
keys, the bursts and the sizes all come from it.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from tui.app import NeuronApp

SEED = 20_251_010
KEY_COUNT = 3_000
RESIZES = 48
# The app's real key set: letters, digits, space, Tab, Enter, Escape, the arrows, ctrl+p/s/o
# and ? (with the character a terminal sends for each, where it sends one).
KEYS: dict[str, str | None] = {
    **{c: c for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
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
# Quitting is what happens after the monkey, not during it.
QUIT_KEYS = ("q",)


def monkey_plan(seed: int) -> list[tuple[str, object]]:
    """The whole run: ``("keys", [key, ...])`` bursts and ``("resize", (w, h))`` steps, in order."""
    rng = random.Random(seed)
    names = [k for k in KEYS if k not in QUIT_KEYS]
    plan: list[tuple[str, object]] = []
    sent = 0
    resize_every = KEY_COUNT // RESIZES
    next_resize = resize_every
    while sent < KEY_COUNT:
        burst = [rng.choice(names) for _ in range(rng.randint(1, 12))]
        plan.append(("keys", burst))
        sent += len(burst)
        if sent >= next_resize:
            plan.append(("resize", (rng.randint(20, 200), rng.randint(5, 60))))
            next_resize += resize_every
    return plan


async def handled(pilot: Pilot[None], timeout: float = 60.0) -> None:
    """Wait until the app handled every key sent so far: none waits in its key gate and no
    message is queued anywhere (or the app stopped, which the caller reports)."""
    app = pilot.app
    assert isinstance(app, NeuronApp)
    deadline = time.monotonic() + timeout
    while app.is_running and (app.keys.waiting or not app.keys.idle()):
        assert time.monotonic() < deadline, "the app did not handle its keys in time"
        await asyncio.sleep(0.001)


def test_the_plan_has_thousands_of_keys_and_dozens_of_resizes() -> None:
    plan = monkey_plan(SEED)
    keys = [k for kind, burst in plan if kind == "keys" for k in burst]  # type: ignore[attr-defined]
    sizes = [size for kind, size in plan if kind == "resize"]
    assert len(keys) >= KEY_COUNT
    assert len(sizes) >= 40
    assert all(20 <= w <= 200 and 5 <= h <= 60 for w, h in sizes)  # type: ignore[misc]
    assert any(w < 80 or h < 24 for w, h in sizes)  # type: ignore[misc]
    assert any(w >= 120 and h >= 36 for w, h in sizes)  # type: ignore[misc]
    assert set(keys) == set(KEYS) - set(QUIT_KEYS)


async def test_random_keys_and_resizes_never_crash_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saves and opens go to the test's own home folder; relative paths to its own folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    app = NeuronApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for step, (kind, what) in enumerate(monkey_plan(SEED)):
            if kind == "resize":
                await pilot.resize_terminal(*what)  # type: ignore[misc]
            else:
                for key in what:  # type: ignore[attr-defined]
                    app.post_message(events.Key(key, KEYS[key]))
                await handled(pilot)
            assert app.is_running, f"the app stopped at step {step}"
        await pilot.resize_terminal(80, 24)
        assert app.is_running
        await pilot.press("ctrl+q")
    assert app.return_code == 0
