"""The fast neuron's second CPU: a helper process (or a thread) runs half of the column blocks.

Whatever runs the blocks, and whatever happens to the helper process, the costs and parameters
are bit for bit those of one thread, and no process is left behind.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.training import helper as helper_mod
from neuron_core.training.fast_neuron import NeuronStepper

pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.skipif(not helper_mod.available(), reason="no anonymous shared memory here"),
]

F64 = NDArray[np.float64]
ROOT = Path(__file__).resolve().parents[2]
# Small blocks: a few thousand samples make a dozen groups, so both sides get several.
BLOCKS = 2048


def data(m: int = 6001, n: int = 3, seed: int = 4, ones: float = 0.4) -> tuple[F64, F64]:
    """m samples of n features, a noisy linear boundary; about ``ones`` of them in class 1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m)) * 3.0 + 1.0
    score = X[0] - 0.5 * X[-1] + rng.standard_normal(m)
    Y = (score > np.quantile(score, 1.0 - ones)).astype(np.float64)
    return X, Y.reshape(1, -1)


def make(
    d: tuple[F64, F64], dtype: str = "float64", threads: int = 2, helper: str = "process"
) -> NeuronStepper:
    X, Y = d
    zeros = np.zeros((X.shape[0], 1))
    return NeuronStepper(X, Y, zeros, 0.0, 0.05, dtype, BLOCKS, threads=threads, helper=helper)


def run(s: NeuronStepper, k: int, pieces: tuple[int, ...] = (7, 1, 30)) -> F64:
    costs = np.full(k, np.nan)
    done, i = 0, 0
    while done < k:
        step = min(pieces[i % len(pieces)], k - done)
        assert s.run(costs[done:], step) == step
        done += step
        i += 1
    return costs


def gone(pid: int, timeout: float = 10.0) -> bool:
    """True once process ``pid`` has ended (exited and reaped, or a zombie)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "shape", [(6001, 3, 0.4), (5000, 1, 0.5), (3000, 6, 1.0), (3000, 2, 0.0), (2600, 4, 0.03)]
)
def test_process_thread_and_one_cpu_give_the_same_bits(
    dtype: str, shape: tuple[int, int, float]
) -> None:
    # Ragged blocks, one class only (either one), a rare class.
    m, n, ones = shape
    d = data(m, n, ones=ones)
    results = []
    for threads, helper in ((1, "process"), (2, "thread"), (2, "process")):
        s = make(d, dtype, threads, helper)
        assert (s.helper_pid is not None) == (threads == 2 and helper == "process")
        costs = run(s, 60)
        results.append((costs, *s.params()))
        s.close()
    for costs, w, b in results[1:]:
        assert np.array_equal(costs, results[0][0])
        assert np.array_equal(w, results[0][1]) and b == results[0][2]
    assert np.all(np.isfinite(results[0][0]))


def test_the_cost_and_gradient_match_the_reference_neuron() -> None:
    # The blocked engine with a helper against the plain formulas of SingleNeuron.
    from neuron_core.training.fast_neuron import SingleNeuron

    X, Y = data(4000, 3)
    ref = SingleNeuron(3)
    s = make((X, Y))
    costs = run(s, 25)
    for c in costs:
        assert c == pytest.approx(ref.cost(X, Y), rel=1e-12, abs=1e-14)
        dw, db = ref.gradients(X, Y)
        ref.w = ref.w - 0.05 * dw
        ref.b = ref.b - 0.05 * db
    w, b = s.params()
    np.testing.assert_allclose(w, ref.w, rtol=1e-10, atol=1e-13)
    assert b == pytest.approx(ref.b, rel=1e-10, abs=1e-13)
    s.close()


def test_a_killed_helper_is_replaced_without_changing_a_bit() -> None:
    d = data()
    expected = run(make(d, threads=1), 80)
    s = make(d)
    costs = np.full(80, np.nan)
    assert s.run(costs, 30) == 30
    pid = s.helper_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert gone(pid)
    assert s.run(costs[30:], 50) == 50  # the lost iteration is run again by a thread
    assert s.helper_pid is None
    assert np.array_equal(costs, expected)


def test_a_helper_that_cannot_start_falls_back_to_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = data()
    expected = run(make(d, threads=1), 40)
    monkeypatch.setattr(helper_mod.sys, "executable", "/bin/false")
    s = make(d)
    assert np.array_equal(run(s, 40), expected)
    assert s.helper_pid is None


def test_without_shared_memory_a_thread_takes_the_second_half(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = data()
    expected = run(make(d, threads=1), 40)
    monkeypatch.setattr("neuron_core.training.fast_neuron.helper_available", lambda: False)
    s = make(d)
    assert s.helper_pid is None
    assert np.array_equal(run(s, 40), expected)


def test_close_and_garbage_collection_end_the_helper() -> None:
    d = data()
    s = make(d)
    run(s, 5)
    pid = s.helper_pid
    assert pid is not None
    s.close()
    assert s.helper_pid is None and gone(pid, 3.0)
    run(s, 5)  # still usable, on a thread
    t = make(d)
    run(t, 3)
    pid = t.helper_pid
    assert pid is not None
    del t
    gc.collect()
    assert gone(pid, 3.0)


def test_the_helper_runs_in_its_own_session() -> None:
    # A Ctrl+C or a hangup in the terminal goes to the terminal's process group: the parent
    # decides what happens (the CLI saves the partial run); the helper must not print a
    # traceback over the screen nor die first.
    s = make(data())
    run(s, 2)
    pid = s.helper_pid
    assert pid is not None
    assert os.getsid(pid) == pid != os.getsid(0)
    s.close()


def test_the_helper_ends_when_its_parent_is_killed() -> None:
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import numpy as np
        sys.path.insert(0, {str(ROOT)!r})
        from neuron_core.training.fast_neuron import NeuronStepper
        rng = np.random.default_rng(0)
        X = rng.standard_normal((3, 6000))
        Y = (X[0] > 0).astype(float).reshape(1, -1)
        s = NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.1, "float64", {BLOCKS}, threads=2)
        s.run(np.empty(3), 3)
        print(s.helper_pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    pid = int(proc.stdout.strip())
    assert gone(pid)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_divergence_with_a_helper_keeps_the_last_finite_params(dtype: str) -> None:
    d = data()
    huge = 1e308 if dtype == "float64" else 1e38
    results = []
    for threads in (1, 2):
        s = make(d, dtype, threads)
        run(s, 10)
        s.set_lr(huge)
        costs = np.full(20, np.nan)
        done = s.run(costs, 20)
        assert 1 <= done < 20
        results.append((done, costs[:done].copy(), *s.params()))
        s.close()
    (d1, c1, w1, b1), (d2, c2, w2, b2) = results
    assert d1 == d2 and np.array_equal(c1, c2)
    assert np.array_equal(w1, w2) and b1 == b2
    assert np.all(np.isfinite(w1)) and np.isfinite(b1)


def test_rejects_an_unknown_helper() -> None:
    X, Y = data(100)
    with pytest.raises(ValueError, match="helper"):
        NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.1, helper="gpu")


def test_a_helper_process_is_used_from_one_mebibyte_when_two_cpus_are_usable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("neuron_core.training.fast_neuron._usable_cpus", lambda: 2)
    X, Y = data(60_000, 3)  # (3 + 1) x 60,000 float64 = 1.9 MB
    big = NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.1, "float64")
    assert big.helper_pid is not None
    big.close()
    small = NeuronStepper(X[:, :20_000], Y[:, :20_000], np.zeros((3, 1)), 0.0, 0.1, "float64")
    assert small.helper_pid is None
    monkeypatch.setattr("neuron_core.training.fast_neuron._usable_cpus", lambda: 1)
    assert NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.1, "float64").helper_pid is None


def test_a_lost_helper_of_a_small_x_is_replaced_by_this_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Below 16 MiB a second thread is slower than none: the lost helper's blocks run here.
    monkeypatch.setattr("neuron_core.training.fast_neuron._usable_cpus", lambda: 2)
    X, Y = data(60_000, 3)
    expected = run(NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.05, threads=1), 20)

    def no_thread(*args: object, **kwargs: object) -> None:
        raise AssertionError("a helper thread was started")

    monkeypatch.setattr("neuron_core.training.fast_neuron._LockstepThread", no_thread)
    s = NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.05)
    costs = np.full(20, np.nan)
    assert s.run(costs, 5) == 5
    pid = s.helper_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert s.run(costs[5:], 15) == 15
    assert s.helper_pid is None
    assert np.array_equal(costs, expected)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_the_helper_has_a_cpu_of_its_own_and_the_caller_gets_its_cpus_back() -> None:
    # A new process starts on its parent's CPU; the two would take turns on it for a while.
    before = os.sched_getaffinity(0)
    s = make(data())
    run(s, 12)
    pid = s.helper_pid
    assert pid is not None
    theirs = os.sched_getaffinity(pid)
    assert len(theirs) == 1 and theirs < before
    assert os.sched_getaffinity(0) == before  # kept off the helper's CPU only while running
    s.close()


@pytest.mark.parametrize(
    ("listed", "expected"), [("0-1\n", {0, 1}), ("2,6\n", {2, 6}), ("3\n", {3}), ("junk", {5})]
)
def test_hyper_thread_siblings_are_read_from_the_kernel_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listed: str, expected: set[int]
) -> None:
    # The helper goes to another core rather than to the caller's hyper-thread sibling.
    listing = tmp_path / "siblings"
    listing.write_text(listed)
    monkeypatch.setattr(helper_mod, "open", lambda *_a, **_k: listing.open(), raising=False)
    assert helper_mod._siblings(5 if listed == "junk" else 0) == expected


def test_no_memory_to_share_falls_back_without_a_slower_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The shared memory is reserved up front (posix_fallocate): when it cannot be had, the
    # stepper runs on one CPU (a second thread would be slower than none below 16 MiB)...
    monkeypatch.setattr("neuron_core.training.fast_neuron._usable_cpus", lambda: 2)

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(helper_mod.os, "posix_fallocate", no_space)
    X, Y = data(60_000, 3)
    expected = run(NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.05, threads=1), 20)
    s = NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.05)
    assert s.helper_pid is None and s._engine.threads == 1  # type: ignore[union-attr]
    assert np.array_equal(run(s, 20), expected)
    # ... and on two threads when two were asked for.
    t = NeuronStepper(X, Y, np.zeros((3, 1)), 0.0, 0.05, threads=2)
    assert t.helper_pid is None and t._engine.threads == 2  # type: ignore[union-attr]
    assert np.array_equal(run(t, 20), expected)


def test_the_helper_imports_the_same_engine_as_its_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A script may put a source tree on sys.path by hand (as the benchmarks do); the helper,
    # a new interpreter, gets that tree first on its PYTHONPATH, whatever is installed.
    seen: dict[str, str] = {}
    real = helper_mod.subprocess.Popen

    def spy(*args: object, **kwargs: object) -> object:
        seen.update(kwargs["env"])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(helper_mod.subprocess, "Popen", spy)
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    s = make(data())
    run(s, 3)
    assert s.helper_pid is not None
    home = Path(helper_mod.__file__).resolve().parents[1]
    installed = home.name in ("site-packages", "dist-packages")  # found there by both anyway
    expected = ["/elsewhere"] if installed else [str(home), "/elsewhere"]
    assert seen["PYTHONPATH"].split(os.pathsep) == expected
    s.close()


@pytest.mark.parametrize(
    ("m1", "m0"), [(192_000, 208_000), (0, 5000), (5000, 0), (3, 400_001), (1, 1), (7, 2)]
)
def test_the_two_cpus_get_half_of_the_samples_each(m1: int, m0: int) -> None:
    # Groups follow whole blocks of one class; no group crosses the middle sample, so the two
    # sides get equal shares whatever the class balance (a split by group count once gave one
    # side 8 of 9 blocks).
    from neuron_core.training.blocks import plan_groups

    plan = plan_groups(m1, m0, 2, 8, 768 << 10)
    first = sum(g.samples for g in plan.groups[: plan.second_half])
    assert first == (m1 + m0) // 2
    assert sum(g.samples for g in plan.groups) == m1 + m0
    seen = 0
    for g in plan.groups:  # each group holds one class: class 1 first
        assert g.sign == (1 if seen < m1 else -1)
        assert seen >= m1 or seen + g.samples <= m1
        seen += g.samples
