"""Two apps on one state folder never lose each other's work (issue 10, class 3), and the
temporary files of interrupted saves are cleared at start (class 6).

Two ``App.run_test`` run side by side in one event loop, as two apps in two terminals would:
their slot locks (``flock`` on an open file) exclude each other within one process as between
two. The same in real processes, killed ones included, is in ``tests/e2e/test_instances.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from conftest import notifications, settle
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from neuron_core.config import DataConfig, TrainConfig
from neuron_core.store.runfile import load_run, save_run
from tui.app import NeuronApp
from tui.run.session import TERMINATING_SIGNALS
from tui.screens.resume import ResumeScreen

pytestmark = pytest.mark.usefixtures("sessions")

SMALL = DataConfig(samples=100, test_samples=100)
SHORT = TrainConfig(iterations=300)

# What the killed save in ``interrupted_save`` runs: the real atomic writer, stopped for good
# once the data is in the temporary file (before it is synced and renamed).
_KILLED_SAVE = """
import os, signal, sys
from neuron_core.store import atomic
def stuck(fd):
    print("written", flush=True)
    signal.pause()  # until the test kills it
os.fsync = stuck
atomic.atomic_write_bytes(sys.argv[1], os.urandom(int(sys.argv[2])))
"""


@pytest.fixture(autouse=True)
def _signals_as_they_were() -> Iterator[None]:
    """Two apps in one loop hand the terminating signals' handlers to each other; put back
    the ones the test process had."""
    before = {sig: signal.getsignal(sig) for sig in TERMINATING_SIGNALS}
    yield
    for sig, handler in before.items():
        if handler is not None:
            signal.signal(sig, handler)


def interrupted_save(target: Path, size: int = 200_000) -> None:
    """A save of ``target`` killed with SIGKILL while its temporary file is being written."""
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _KILLED_SAVE, str(target), str(size)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "written\n"
    proc.kill()
    proc.wait()


async def steps(pilot: Pilot[None], k: int) -> None:
    """``k`` single iterations (key ``n``) from a settled app."""
    await settle(pilot)
    for _ in range(k):
        await pilot.press("n")
    await settle(pilot)
    trainer = pilot.app.controller.trainer  # type: ignore[attr-defined]
    assert trainer is not None and trainer.iteration == k


async def quit_app(pilot: Pilot[None]) -> None:
    await pilot.press("q")
    await pilot.pause()
    assert not pilot.app.is_running


async def test_an_untouched_second_app_leaves_the_first_apps_session_alone(
    sessions: Path,
) -> None:
    first, second = NeuronApp(data_cfg=SMALL), NeuronApp(data_cfg=SMALL)
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        await steps(one, 3)
        await settle(two)
        said = [n for n in notifications(second) if "session-2.npz" in n]
        await quit_app(one)
        assert load_run(sessions / "session.npz").history.n == 3
        await quit_app(two)
    # The untouched second app removed nothing (nor saved anything: nothing to keep).
    assert load_run(sessions / "session.npz").history.n == 3
    assert not (sessions / "session-2.npz").exists()
    assert second.session_note is None
    # It said at once where its session would go, and why.
    assert said and "session.npz is in use by another neuron-tui" in said[0], said


@pytest.mark.parametrize("order", ["first-quits-first", "second-quits-first"])
async def test_both_orders_of_quitting_keep_both_runs(sessions: Path, order: str) -> None:
    first, second = NeuronApp(data_cfg=SMALL), NeuronApp(data_cfg=SMALL)
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        await steps(one, 3)
        await steps(two, 5)
        for pilot in (one, two) if order == "first-quits-first" else (two, one):
            await quit_app(pilot)
    assert load_run(sessions / "session.npz").history.n == 3
    assert load_run(sessions / "session-2.npz").history.n == 5
    # Each says where its session went: the second one always (not the usual file), the first
    # one that another session is beside its own.
    assert second.session_note is not None
    assert second.session_note.startswith(f"the session was saved to {sessions}/session-2.npz")
    assert "session.npz was in use by another neuron-tui" in second.session_note
    assert first.session_note == (
        f"the session was saved to {sessions}/session.npz; other sessions beside it: session-2.npz"
    )


async def test_the_next_start_offers_both_and_keeps_the_one_not_chosen(sessions: Path) -> None:
    first, second = NeuronApp(data_cfg=SMALL), NeuronApp(data_cfg=SMALL)
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        await steps(one, 3)
        await steps(two, 5)
        await quit_app(one)
        await quit_app(two)  # quit last: its session is the newest

    again = NeuronApp()
    async with again.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeScreen)
        listing = again.screen.query_one(OptionList)
        assert again.focused is listing
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
        assert lines[0].startswith("▶ session-2.npz  saved ")
        assert lines[0].endswith("  iteration 5 / 2,000")
        assert lines[1].startswith("  session.npz    saved ")
        assert lines[1].endswith("  iteration 3 / 2,000")
        summary = again.screen.query_one("#resume-summary", Static)
        assert "iteration 5 / 2,000" in str(summary.render())
        await pilot.press("down")  # the older one: the first app's run
        await pilot.pause()
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
        assert lines[0].startswith("  session-2.npz") and lines[1].startswith("▶ session.npz")
        assert "iteration 3 / 2,000" in str(summary.render())
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(again.screen, ResumeScreen)
        assert again.controller.trainer is not None
        assert again.controller.trainer.iteration == 3
        await pilot.press("n")
        await settle(pilot)
        await quit_app(pilot)
    # The resumed session went on in its own file; the other one is untouched.
    assert load_run(sessions / "session.npz").history.n == 4
    assert load_run(sessions / "session-2.npz").history.n == 5

    # Both are offered again; starting fresh forgets both, and says it will.
    third = NeuronApp(data_cfg=SMALL)
    async with third.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        assert isinstance(third.screen, ResumeScreen)
        assert "forgets all 2" in str(third.screen.query_one("#resume-box").border_subtitle)
        await pilot.press("f")
        await settle(pilot)
    assert not (sessions / "session.npz").exists()
    assert not (sessions / "session-2.npz").exists()


async def test_a_session_in_use_is_not_offered_to_a_second_app(sessions: Path) -> None:
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 2)
        await quit_app(pilot)

    first, second = NeuronApp(data_cfg=SMALL), NeuronApp(data_cfg=SMALL)
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        await one.pause()
        assert isinstance(first.screen, ResumeScreen)  # it holds session.npz while asking
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        await settle(two)
        assert not isinstance(second.screen, ResumeScreen)
        await one.press("c")  # continue: resume
        await settle(one)
        assert first.controller.trainer is not None
        assert first.controller.trainer.iteration == 2
        await quit_app(two)
        await quit_app(one)
    assert load_run(sessions / "session.npz").history.n == 2


async def test_a_file_written_by_someone_else_is_never_replaced_or_removed(
    sessions: Path, tmp_path: Path
) -> None:
    # A run saved elsewhere, which a person copies over the session while the app runs.
    donor = NeuronApp(data_cfg=SMALL, train_cfg=SHORT)
    async with donor.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 7)
        await quit_app(pilot)
    theirs = tmp_path / "theirs.npz"
    os.replace(sessions / "session.npz", theirs)

    # An untouched app would remove its own session file on quit, never someone else's.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (sessions / "session.npz").write_bytes(theirs.read_bytes())
        await quit_app(pilot)
    assert (sessions / "session.npz").read_bytes() == theirs.read_bytes()
    os.unlink(sessions / "session.npz")

    # A touched one keeps its run under another name, and says so.
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 2)
        save_run(sessions / "session.npz", load_run(theirs))
        await quit_app(pilot)
    assert load_run(sessions / "session.npz").history.n == 7
    assert load_run(sessions / "session-2.npz").history.n == 2
    assert app.session_note == (
        f"{sessions}/session.npz changed on disk since this neuron-tui read it (another "
        f"program wrote it); this session was saved to {sessions}/session-2.npz instead"
    )


async def test_without_locks_two_apps_still_keep_both_runs(
    sessions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on Windows (no fcntl) or a filesystem without locks: both apps use session.npz.
    monkeypatch.setattr("tui.run.slots.HAVE_LOCKS", False)
    first, second, third = (NeuronApp(data_cfg=SMALL) for _ in range(3))
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        three = await stack.enter_async_context(third.run_test(size=(80, 24)))
        await steps(one, 3)
        await steps(two, 5)
        await settle(three)
        await quit_app(one)
        await quit_app(three)  # untouched: removes nothing
        await quit_app(two)
    assert load_run(sessions / "session.npz").history.n == 3
    assert load_run(sessions / "session-2.npz").history.n == 5
    assert second.session_note is not None and "changed on disk" in second.session_note


async def test_leftovers_of_killed_saves_are_removed_at_start_and_nothing_else(
    sessions: Path,
) -> None:
    sessions.mkdir()
    for target in ("session.npz", "session.npz", "session-2.npz"):
        interrupted_save(sessions / target)
    leftovers = sorted(p.name for p in sessions.glob(".session*.tmp"))
    assert len(leftovers) == 3, leftovers
    elsewhere = sessions.parent / "elsewhere.bin"
    elsewhere.write_bytes(b"someone's file")
    look_alikes = {
        ".session.npz.backup.tmp": b"a backup",  # not 8 random characters
        ".session.npz.abcdefgh.tmp.keep": b"kept",
        "session.npz.abcdefgh.tmp": b"no leading dot",
        ".notes.npz.abcdefgh.tmp": b"another file's",
        ".session.npz.ABCDEFGH.tmp": b"upper case is not ours",
    }
    for name, data in look_alikes.items():
        (sessions / name).write_bytes(data)
    (sessions / ".session.npz.qwertyui.tmp").mkdir()  # a folder named like ours
    (sessions / ".session.npz.zxcvbnmq.tmp").symlink_to(elsewhere)  # a link named like ours

    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not [name for name in leftovers if (sessions / name).exists()]
        await quit_app(pilot)
    for name, data in look_alikes.items():
        assert (sessions / name).read_bytes() == data, name
    assert (sessions / ".session.npz.qwertyui.tmp").is_dir()
    assert (sessions / ".session.npz.zxcvbnmq.tmp").is_symlink()
    assert elsewhere.read_bytes() == b"someone's file"


async def test_a_running_apps_temporary_file_is_left_alone(sessions: Path) -> None:
    first = NeuronApp(data_cfg=SMALL)
    async with first.run_test(size=(80, 24)) as one:
        await settle(one)
        # As if the first app were saving right now (its save was stopped mid-write).
        sessions.mkdir(exist_ok=True)
        interrupted_save(sessions / "session.npz")
        (saving,) = sessions.glob(".session.npz.*.tmp")
        second = NeuronApp(data_cfg=SMALL)
        async with second.run_test(size=(80, 24)) as two:
            await settle(two)
            assert saving.exists()  # session.npz is the first app's: it may be writing it
            await quit_app(two)
        await quit_app(one)
    # Nobody holds session.npz any more: the next start clears what the save left.
    third = NeuronApp(data_cfg=SMALL)
    async with third.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not saving.exists()
        await quit_app(pilot)


async def test_a_lone_session_of_another_slot_comes_back_to_session_npz(sessions: Path) -> None:
    first, second = NeuronApp(data_cfg=SMALL), NeuronApp(data_cfg=SMALL)
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(first.run_test(size=(80, 24)))
        two = await stack.enter_async_context(second.run_test(size=(80, 24)))
        await settle(one)
        await steps(two, 5)
        await quit_app(one)  # untouched: keeps nothing
        await quit_app(two)
    assert not (sessions / "session.npz").exists()
    assert load_run(sessions / "session-2.npz").history.n == 5

    # Alone now, the next app offers it and, resumed, keeps it in the usual file.
    again = NeuronApp()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert again.controller.trainer is not None
        assert again.controller.trainer.iteration == 5
        await pilot.press("n")
        await settle(pilot)
        await quit_app(pilot)
    assert load_run(sessions / "session.npz").history.n == 6
    assert not (sessions / "session-2.npz").exists()
    assert again.session_note is None


async def test_an_unreadable_session_leaves_its_slot_to_this_app(sessions: Path) -> None:
    sessions.mkdir()
    (sessions / "session.npz").write_bytes(b"PK\x03\x04 damaged")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 2)
        await quit_app(pilot)
    assert (sessions / "session.npz.unreadable").read_bytes() == b"PK\x03\x04 damaged"
    assert load_run(sessions / "session.npz").history.n == 2
    assert app.session_note is None
    # A second damaged file never replaces the first one set aside.
    (sessions / "session.npz").write_bytes(b"PK\x03\x04 damaged again")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await quit_app(pilot)
    assert (sessions / "session.npz.unreadable").read_bytes() == b"PK\x03\x04 damaged"
    assert (sessions / "session.npz.unreadable.2").read_bytes() == b"PK\x03\x04 damaged again"


_HOLD_SLOT = """
import signal, sys
from pathlib import Path
from tui.run.slots import SlotLock
lock = SlotLock.take(Path(sys.argv[1]), 1)
print("held" if lock is not None else "busy", flush=True)
signal.pause()  # until the test kills it
"""


def test_a_killed_process_gives_its_slot_back(sessions: Path) -> None:
    from tui.run.slots import SlotLock, holder, running_slots

    sessions.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _HOLD_SLOT, str(sessions)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        assert SlotLock.take(sessions, 1) is None
        assert holder(sessions, 1) == proc.pid
        assert running_slots(sessions) == [1]
    finally:
        proc.kill()
        proc.wait()
    lock = SlotLock.take(sessions, 1)  # the lock died with the process
    assert lock is not None
    lock.release()
    assert running_slots(sessions) == []
