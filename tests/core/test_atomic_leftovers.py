"""What a killed save leaves behind, and finding exactly that (issue 10, class 6).

A save killed between writing its temporary file and renaming it (``kill -9``, a power cut)
leaves ``.<name>.<8 random characters>.tmp`` next to the target. ``leftover_temp_files`` finds
those and only those; ``remove_leftover_temp_files`` removes them (the app calls it at start for
session files no running app is writing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neuron_core.errors import StoreError
from neuron_core.store import atomic
from neuron_core.store.atomic import (
    atomic_write_bytes,
    leftover_temp_files,
    remove_leftover_temp_files,
)

# The real writer in another process, stopped for good once the data is in the temporary file.
_KILLED_SAVE = """
import os, signal, sys
from neuron_core.store import atomic
def stuck(fd):
    print("written", flush=True)
    signal.pause()  # until the test kills it
os.fsync = stuck
atomic.atomic_write_bytes(sys.argv[1], os.urandom(int(sys.argv[2])))
"""

LOOK_ALIKES = {
    ".run.npz.backup.tmp": b"a backup",  # not 8 random characters
    ".run.npz.abcdefgh.tmp.keep": b"kept",
    "run.npz.abcdefgh.tmp": b"no leading dot",
    ".run.npz.abcdefg.tmp": b"seven characters",
    ".run.npz.ABCDEFGH.tmp": b"upper case",
    ".other.npz.abcdefgh.tmp": b"another file's",
    ".run.npzXabcdefghXtmp": b"dots are dots",
}


def killed_save(target: Path, size: int) -> None:
    """Save ``size`` random bytes to ``target`` in a process killed with SIGKILL mid-save."""
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _KILLED_SAVE, str(target), str(size)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "written\n"
    proc.kill()
    assert proc.wait() == -9


def test_a_killed_save_leaves_one_temp_file_that_is_found_and_removed(tmp_path: Path) -> None:
    target = tmp_path / "run.npz"
    target.write_bytes(b"the previous save")
    for name, data in LOOK_ALIKES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / ".run.npz.qwertyui.tmp").mkdir()
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"not ours")
    (tmp_path / ".run.npz.zxcvbnmq.tmp").symlink_to(outside)

    killed_save(target, 300_000)
    killed_save(target, 1_000)
    found = leftover_temp_files(target)
    assert sorted(p.stat().st_size for p in found) == [1_000, 300_000]
    assert all(p.parent == tmp_path and p.name.startswith(".run.npz.") for p in found)
    assert target.read_bytes() == b"the previous save"  # the kill cost nothing

    assert sorted(remove_leftover_temp_files(target)) == sorted(found)
    assert leftover_temp_files(target) == []
    assert not any(p.exists() for p in found)
    for name, data in LOOK_ALIKES.items():
        assert (tmp_path / name).read_bytes() == data, name
    assert (tmp_path / ".run.npz.qwertyui.tmp").is_dir()
    assert (tmp_path / ".run.npz.zxcvbnmq.tmp").is_symlink()
    assert outside.read_bytes() == b"not ours"
    assert target.read_bytes() == b"the previous save"


def test_the_file_being_written_is_one_that_would_be_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "run.npz"
    seen: list[list[Path]] = []
    real_fsync = os.fsync

    def look(fd: int) -> None:
        seen.append(leftover_temp_files(target))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", look)
    atomic_write_bytes(target, b"data")
    monkeypatch.undo()
    assert len(seen[0]) == 1  # the temporary file, while it is written
    assert target.read_bytes() == b"data"
    assert leftover_temp_files(target) == []  # gone once renamed


def test_only_old_leftovers_go_when_an_age_is_given(tmp_path: Path) -> None:
    target = tmp_path / "run.npz"
    killed_save(target, 100)
    killed_save(target, 200)
    old, new = sorted(leftover_temp_files(target), key=lambda p: p.stat().st_size)
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert remove_leftover_temp_files(target, older_than=60.0) == [old]
    assert leftover_temp_files(target) == [new]


def test_leftovers_are_looked_for_next_to_the_file_a_link_points_to(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    link = tmp_path / "link.npz"
    link.symlink_to(real_dir / "run.npz")
    killed_save(link, 100)
    (found,) = leftover_temp_files(link)
    assert found.parent == real_dir and found.name.startswith(".run.npz.")


def test_a_folder_that_cannot_be_listed_has_no_leftovers(tmp_path: Path) -> None:
    assert leftover_temp_files(tmp_path / "missing" / "run.npz") == []
    assert remove_leftover_temp_files(tmp_path / "missing" / "run.npz") == []


def test_temporary_names_never_reuse_an_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every random name drawn is taken: the writer gives up instead of writing into one.
    taken = tmp_path / ".run.npz.aaaaaaaa.tmp"
    taken.write_bytes(b"someone's")
    monkeypatch.setattr(atomic.secrets, "choice", lambda alphabet: "a")
    with pytest.raises(StoreError, match="no free temporary file name"):
        atomic_write_bytes(tmp_path / "run.npz", b"data")
    assert taken.read_bytes() == b"someone's"
    assert not (tmp_path / "run.npz").exists()
