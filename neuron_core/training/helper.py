"""A helper process that takes half of the fast neuron's column blocks, on a second CPU.

Why a process and not a thread: a thread shares the GIL, and an iteration over a large X is a
few hundred short NumPy calls, each of which hands the GIL over between the two threads. A
process runs its calls without asking anyone; the two sides meet twice per iteration through a
pipe (``start`` with the parameters, ``wait`` for the partial sums), a few microseconds. On a
2-core machine this is about a third faster per iteration than two threads (measured with
``benchmarks/bench_engine.py``).

How:

* The helper's blocks of ``Xt``, the parameters ``h`` and the per-block and per-group sums
  live in one anonymous shared memory file (``os.memfd_create``): nothing has a name, so nothing
  outlives both processes, whatever kills them.
* The helper is ``python -m neuron_core.training.helper`` in a session of its own (a Ctrl+C or
  hangup
  in the terminal goes to the parent, which decides), with its configuration as one JSON line
  on stdin. It exits when the parent closes its end of the ``go`` pipe, which also happens
  when the parent dies.
* Each side waits for the other by polling its pipe for a short while (the other side is
  normally microseconds away), then sleeping on it (an idle helper costs no CPU).
* A pipe write and read are system calls, which order the shared memory writes before them
  on every CPU architecture.

Only Linux has ``memfd_create``; elsewhere ``available()`` is False and the caller uses a
thread.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import select
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Any, NoReturn

import numpy as np

from neuron_core.training.blocks import (
    DOT_MAX,
    UFUNC_BUFSIZE,
    Arr,
    Group,
    Plan,
    group_pass,
    make_group,
    plan_groups,
    reverse,
    zeros_for,
)

# Seconds a side polls its pipe before it sleeps on it. Between two passes of a run the other
# side is microseconds away; between two runs (a chunk of iterations in the app) it may be
# milliseconds or minutes.
_SPIN_SECONDS = 0.002
# Seconds the parent waits for the helper to start (import NumPy, map the memory).
_START_TIMEOUT = 60.0
_ALIGN = 64  # bytes: each array starts on its own cache line

# Bytes on the pipes: go carries the block order of the pass (0 forward, 1 reversed); done says
# the pass finished (or, once, that the helper is ready).
_DONE = b"d"
_READY = b"r"


class HelperLost(RuntimeError):
    """The helper process ended or failed; its blocks must be run by the caller."""


def available() -> bool:
    """True when this platform can run the helper (anonymous shared memory and fd passing)."""
    return hasattr(os, "memfd_create") and sys.platform.startswith("linux")


@dataclass(frozen=True)
class SharedLayout:
    """What the helper runs and where each array lives in the shared memory.

    Built the same way on both sides: the plan comes from ``blocks.plan_groups`` with the
    same arguments, and the helper runs groups ``first_group`` and up. Arrays in order: ``h``
    (rows + 2,) = ``[hf | hb | -hb]``, ``G`` (n_blocks, rows) every block's ``Xt_b T_b``, ``S``
    (n_sums,) every group's sums, then the helper's blocks, (rows, width) each.
    """

    dtype: str
    rows: int
    samples: tuple[int, int]  # (class 1, class 0)
    block_bytes: int
    group_blocks: int
    first_group: int

    @cached_property
    def plan(self) -> Plan:
        m1, m0 = self.samples
        item = np.dtype(self.dtype).itemsize
        return plan_groups(m1, m0, self.rows, item, self.block_bytes, self.group_blocks)

    def _offsets(self, plan: Plan) -> tuple[list[tuple[int, tuple[int, ...]]], int]:
        item = np.dtype(self.dtype).itemsize
        shapes: list[tuple[int, ...]] = [(self.rows + 2,), (plan.n_blocks, self.rows)]
        shapes.append((plan.n_sums,))
        shapes += [(self.rows, w) for g in plan.groups[self.first_group :] for w in g.widths]
        placed = []
        offset = 0
        for shape in shapes:
            placed.append((offset, shape))
            offset += -(-int(np.prod(shape)) * item // _ALIGN) * _ALIGN
        return placed, max(offset, _ALIGN)

    @property
    def size(self) -> int:
        """Bytes of the shared memory."""
        return self._offsets(self.plan)[1]

    def views(self, buf: mmap.mmap) -> tuple[Arr, Arr, Arr, list[list[Arr]]]:
        """``(h, G, S, blocks)`` over ``buf``; ``blocks[i]`` holds the helper's group i's blocks."""
        plan = self.plan
        placed, _ = self._offsets(plan)
        arrays = [
            np.frombuffer(buf, self.dtype, int(np.prod(shape)), offset).reshape(shape)
            for offset, shape in placed
        ]
        h, G, S, flat = arrays[0], arrays[1], arrays[2], arrays[3:]
        blocks: list[list[Arr]] = []
        for g in plan.groups[self.first_group :]:
            blocks.append(flat[: len(g.widths)])
            flat = flat[len(g.widths) :]
        return h, G, S, blocks

    def groups(self, h: Arr, G: Arr, S: Arr, blocks: list[list[Arr]]) -> list[Group]:
        """The helper's ``Group`` objects over the shared blocks (each with fresh scratch)."""
        plan = self.plan
        zeros = zeros_for(plan, np.dtype(self.dtype))
        pairs = zip(plan.groups[self.first_group :], blocks, strict=True)
        return [make_group(p, xbs, G, S, h, self.rows, zeros) for p, xbs in pairs]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SharedLayout:
        """The layout ``dataclasses.asdict`` gave, back from its JSON form."""
        kwargs = {f.name: d[f.name] for f in fields(cls)}
        return cls(**{**kwargs, "samples": tuple(kwargs["samples"])})


def _current_cpu() -> int | None:
    """The CPU the calling thread last ran on (Linux), or None."""
    try:
        with open("/proc/thread-self/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return None


def _siblings(cpu: int) -> set[int]:
    """The CPUs that share a core with ``cpu`` (itself included), as Linux lists them."""
    path = f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"
    out: set[int] = set()
    try:
        with open(path) as f:
            for part in f.read().strip().split(","):
                lo, _, hi = part.partition("-")
                out.update(range(int(lo), int(hi or lo) + 1))
    except (OSError, ValueError):
        return {cpu}
    return out


def _place_away(pid: int) -> frozenset[int]:
    """Put the helper on one CPU other than the caller's; returns that CPU set (empty if none).

    A new process starts on its parent's CPU, and the two, taking turns (each waits for the
    other), may stay there for 50 ms or more (measured: a third of the speed until then); pipe
    wake-ups also pull a woken process onto its waker's CPU. So the helper gets a CPU of its
    own, and ``HelperProcess.away()`` keeps the calling thread off it during a run. Where
    affinities cannot be set, the scheduler decides alone.
    """
    here = _current_cpu()
    try:
        others = sorted(os.sched_getaffinity(0) - {here})
        if here is None or not others:
            return frozenset()
        # Another core rather than the caller's hyper-thread sibling, where there is one.
        apart = [c for c in others if c not in _siblings(here)]
        cpus = frozenset((apart or others)[:1])
        os.sched_setaffinity(pid, cpus)
    except OSError:
        return frozenset()
    return cpus


def _read_byte(fd: int, deadline: float | None) -> bytes:
    """One byte from the non-blocking pipe ``fd``: poll until ``_SPIN_SECONDS`` have passed,
    then sleep on it until ``deadline`` (``time.monotonic``; None: no limit).

    Returns b"" at end of file, and raises TimeoutError after the deadline.
    """
    read, yield_cpu = os.read, os.sched_yield
    spin_end = time.perf_counter() + _SPIN_SECONDS
    polls = 0
    while True:
        try:
            return read(fd, 1)
        except BlockingIOError:
            pass
        # Hands the CPU over when the other side is waiting to run on this one (as just after
        # the helper starts, until the scheduler moves it to the other CPU); returns at once
        # otherwise.
        yield_cpu()
        polls += 1
        if polls & 63 == 0 and time.perf_counter() > spin_end:
            break
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if ready:
            try:
                return read(fd, 1)
            except BlockingIOError:  # woken without data; sleep again
                continue
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError


class HelperProcess:
    """The parent's handle on a helper: ``start(reversed)`` one pass, ``wait()`` for it.

    Build it with the layout, fill the shared blocks (``blocks``), then ``launch()``. The
    parameters of a pass are whatever the caller wrote to ``h`` before ``start``. Any failure
    of the helper shows as ``HelperLost`` from ``launch``, ``start`` or ``wait``; the shared
    blocks stay readable, so the caller can run them itself. ``close()`` (or garbage
    collection, or the end of the interpreter) ends the helper.
    """

    def __init__(self, layout: SharedLayout) -> None:
        self.layout = layout
        fd = os.memfd_create("neuron-tui-blocks", os.MFD_CLOEXEC)
        try:
            os.ftruncate(fd, layout.size)
            # Reserve the memory now: a shared page that cannot be had when it is first written
            # would kill the process (SIGBUS), where this raises OSError and the caller uses a
            # thread instead.
            if hasattr(os, "posix_fallocate"):
                os.posix_fallocate(fd, 0, layout.size)
            self._mem = mmap.mmap(fd, layout.size)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self.h, self.G, self.S, self.blocks = layout.views(self._mem)
        self._proc: subprocess.Popen[bytes] | None = None
        self._go = self._done = -1
        self._ready = False
        self._cpus: frozenset[int] = frozenset()
        self._finalizer: (
            weakref.finalize[[subprocess.Popen[bytes], int, int], HelperProcess] | None
        ) = None

    def launch(self) -> None:
        """Start the helper process (it maps the memory and builds its groups meanwhile)."""
        go_r, go_w = os.pipe()
        done_r, done_w = os.pipe()
        env = dict(os.environ)
        # The helper's products are small: OpenBLAS's thread pool would only cost start time.
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        # The same neuron_core as this process's, even when it was put on sys.path by hand (an
        # installed one is found the same way by both; site-packages must not come first).
        home = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        if os.path.basename(home) not in ("site-packages", "dist-packages"):
            env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH")) if p)
        config: dict[str, Any] = asdict(self.layout)
        config.update(memory=self._fd, go=go_r, done=done_w)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "neuron_core.training.helper"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(self._fd, go_r, done_w),
                start_new_session=True,
                env=env,
            )
        except OSError as exc:
            for fd in (go_r, go_w, done_r, done_w):
                os.close(fd)
            raise HelperLost(f"cannot start the helper process: {exc}") from exc
        finally:
            os.close(self._fd)  # the mapping and the helper keep the memory
            self._fd = -1
        os.close(go_r)
        os.close(done_w)
        self._cpus = _place_away(proc.pid)
        os.set_blocking(done_r, False)
        self._proc, self._go, self._done = proc, go_w, done_r
        self._finalizer = weakref.finalize(self, _shut_down, proc, go_w, done_r)
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(config).encode() + b"\n")
            proc.stdin.close()
        except OSError as exc:
            self._lost(f"the helper process did not take its configuration: {exc}")

    @contextlib.contextmanager
    def away(self) -> Iterator[None]:
        """Keep the calling thread off the helper's CPU for the duration (see _place_away)."""
        keep: set[int] | None = None
        if self._cpus:
            try:
                keep = os.sched_getaffinity(0)
                if keep - self._cpus:
                    os.sched_setaffinity(0, keep - self._cpus)
                else:
                    keep = None
            except OSError:
                keep = None
        try:
            yield
        finally:
            if keep is not None:
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(0, keep)

    @property
    def pid(self) -> int | None:
        """The helper's process id (None before ``launch``)."""
        return None if self._proc is None else self._proc.pid

    def start(self, reversed_order: bool) -> None:
        """Begin one pass of the helper's groups with the parameters now in ``self.h``."""
        if not self._ready:
            self._expect(_READY, time.monotonic() + _START_TIMEOUT)
            self._ready = True
        try:
            os.write(self._go, b"\x01" if reversed_order else b"\x00")
        except OSError:
            self._lost("the helper process is gone")

    def wait(self) -> None:
        """Wait for the pass begun by ``start``: its sums are then in ``G`` and ``S``."""
        self._expect(_DONE, None)

    def _expect(self, what: bytes, deadline: float | None) -> None:
        assert self._proc is not None
        while True:
            try:
                limit = time.monotonic() + 1.0
                got = _read_byte(self._done, limit if deadline is None else min(deadline, limit))
            except TimeoutError:
                if self._proc.poll() is not None:
                    self._lost("the helper process ended")
                if deadline is not None and time.monotonic() >= deadline:
                    self._lost("the helper process did not start in time")
                continue
            if got == what:
                return
            self._lost("the helper process ended")

    def _lost(self, why: str) -> NoReturn:
        last = self._finalizer() if self._finalizer is not None else None
        raise HelperLost(why + (f": {last}" if last else ""))

    def close(self) -> None:
        """End the helper process (idempotent)."""
        if self._finalizer is not None:
            self._finalizer()


def _shut_down(proc: subprocess.Popen[bytes], go: int, done: int) -> str:
    """Close the pipes (the helper sees the end of ``go`` and exits), then reap it.

    Returns the last line the helper wrote to stderr (its error, if it failed), or "".
    """
    for fd in (go, done):
        with contextlib.suppress(OSError):
            os.close(fd)
    try:
        proc.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    last = ""
    if proc.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            lines = proc.stderr.read(1 << 16).decode(errors="replace").strip().splitlines()
            last = lines[-1] if lines else ""
        proc.stderr.close()
    return last


def main() -> None:
    """The helper: read the configuration line, say ready, then run passes until the end of go."""
    config = json.loads(sys.stdin.readline())
    layout = SharedLayout.from_dict(config)
    go, done = int(config["go"]), int(config["done"])
    if os.fstat(int(config["memory"])).st_size != layout.size:
        raise RuntimeError("the shared memory does not match the layout sent")
    mem = mmap.mmap(int(config["memory"]), layout.size)
    os.close(int(config["memory"]))
    h, G, S, blocks = layout.views(mem)
    groups = layout.groups(h, G, S, blocks)
    backwards = reverse(groups)
    hf = h[: layout.rows]
    weights = np.full(DOT_MAX, -2.0 / sum(layout.samples)).astype(layout.dtype)
    os.set_blocking(go, False)
    os.write(done, _READY)
    with np.errstate(all="ignore"):  # non-finite values are the parent's to detect
        np.setbufsize(UFUNC_BUFSIZE)
        while True:
            order = _read_byte(go, None)
            if not order:
                return
            group_pass(backwards if order == b"\x01" else groups, hf, weights)
            os.write(done, _DONE)


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        main()
