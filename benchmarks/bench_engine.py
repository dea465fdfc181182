"""Speed of the engine's single-neuron gradient descent against the reference article's loop.

Times, in one run, the article's training loop (copied below as the baseline) and the engine's
fast stepper, ``NeuronStepper`` on a ``Network`` without hidden layers (every iteration's cost
recorded in both), at (n, m) = (2, 2000), (2, 100000) and (10, 1000000), in float64 and float32,
and prints the ratios against the targets:

* (2, 2000): at least 3x the article's loop in float64 and at least 6x in float32;
* (10, 1000000) float32: at least 45% of the bound set by the memory bandwidth, i.e. the bytes
  of X and Y in float32 divided by the time per iteration is at least 0.45 x the bound: the
  best read bandwidth measured in the same run (the most of three ways, see ``Bandwidth``; in
  practice the BLAS matrix-vector product on both cores). The ratio against the two-thread
  NumPy sum, a lower bandwidth figure, is printed too.

The article's loop is run as written (float64, NumPy) with its ``print`` every 5 iterations
removed, so the baseline does no I/O; float32 rows compare the engine in float32 to that same
baseline. Times are the best of several repeats (``time.perf_counter``), per iteration; the
engine's setup (building its data layout) is timed apart and not in the per-iteration figure.

Usage::

    python benchmarks/bench_engine.py           # the full run, about 1-2 minutes
    python benchmarks/bench_engine.py --quick   # a smoke run in seconds (smaller sizes)

Exit status 0 when every target is met, 1 otherwise (always 0 with ``--quick``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from neuron_core.config import TrainConfig
from neuron_core.data.datasets import generate
from neuron_core.model.network import Network
from neuron_core.training.fast_neuron import NeuronStepper

# --------------------------------------------------------------------------------------------
# The baseline: the reference article's code, verbatim but for the `forwardpropagation` typo in
# its loop (the function is defined as `forward_propagation`) and its progress print, removed.
# --------------------------------------------------------------------------------------------


def sigmoid(z):  # type: ignore[no-untyped-def]
    return 1 / (1 + np.exp(-z))


def forward_propagation(w, b, x):  # type: ignore[no-untyped-def]
    z = np.dot(w.T, x) + b  # np.dot(..., ...) — matrix multiplication
    return sigmoid(z)


def loss(A, Y):  # type: ignore[no-untyped-def]
    return -(Y * np.log(A) + (1 - Y) * np.log(1 - A))


def cost(A, Y, m):  # type: ignore[no-untyped-def]
    return 1 / m * np.sum(loss(A, Y))


def backpropagation(w, b, X, A, Y, learning_rate, m):  # type: ignore[no-untyped-def]
    dZ = A - Y
    db = 1 / m * np.sum(dZ)
    dw = 1 / m * np.dot(X, dZ.T)
    assert dw.shape == w.shape
    w = w - learning_rate * dw
    b = b - learning_rate * db
    return w, b


def model(X, Y, learning_rate=0.1, n_iter=2000, costIter=[[], []]):  # type: ignore[no-untyped-def]  # noqa: B006
    m = X.shape[1]
    n = X.shape[0]
    w = np.zeros((n, 1))
    b = 0
    for i in range(n_iter):
        A = forward_propagation(w, b, X)
        c = cost(A, Y, m)
        # (the article prints "Iteration %s: %s" here every 5 iterations; removed, see above)
        costIter[0].append(i)
        costIter[1].append(c)
        w, b = backpropagation(w, b, X, A, Y, learning_rate, m)
    return w, b


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

TARGET_RATIO = {((2, 2000), "float64"): 3.0, ((2, 2000), "float32"): 6.0}
TARGET_BANDWIDTH = {((10, 1_000_000), "float32"): 0.45}
LR = 0.1
# Warm-up before the timed iterations (see time_ours): at least this many iterations and
# seconds.
WARM_UP = 2
WARM_UP_SECONDS = 0.15


@dataclass(frozen=True)
class Case:
    """One problem size and how many iterations to time on each side."""

    n: int
    m: int
    article_iters: int
    article_repeats: int
    ours_iters: int
    ours_repeats: int


FULL = [
    Case(2, 2000, 2000, 9, 4000, 11),
    Case(2, 100_000, 40, 5, 400, 7),
    Case(10, 1_000_000, 5, 3, 30, 9),
]
QUICK = [
    Case(2, 2000, 300, 2, 1000, 3),
    Case(2, 20_000, 20, 2, 100, 2),
    Case(10, 200_000, 2, 1, 10, 2),
]


def data_for(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The article's line data for n = 2; otherwise a seeded noisy linear boundary in n dims."""
    if n == 2:
        return generate("line", m, 0.0, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, m))
    normal = rng.standard_normal(n)
    Y = (normal @ X + 0.5 * rng.standard_normal(m) > 0).astype(np.float64)
    return X, Y.reshape(1, m)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Smallest wall time of ``repeats`` calls of ``fn``, in seconds."""
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def time_article(X: np.ndarray, Y: np.ndarray, iters: int, repeats: int) -> tuple[float, list]:
    """Seconds per iteration of the article's loop, and the costs it recorded."""
    recorded: list = []

    def once() -> None:
        cost_iter: list = [[], []]
        model(X, Y, LR, iters, cost_iter)
        recorded[:] = cost_iter[1]

    return best_of(repeats, once) / iters, recorded


def time_ours(
    X: np.ndarray,
    Y: np.ndarray,
    dtype: str,
    iters: int,
    repeats: int,
    threads: int | None = None,
    between: Callable[[], None] | None = None,
) -> tuple[float, float, np.ndarray]:
    """Seconds per iteration of ``NeuronStepper.run``, setup seconds, and its costs.

    Each repeat builds a fresh stepper (the setup, timed apart), warms it up for at least
    ``WARM_UP`` iterations and ``WARM_UP_SECONDS`` (OpenBLAS's threads, busy-waiting for 0.1 s
    after a threaded product such as the bandwidth probe's, leave the CPUs), then times
    ``iters`` iterations. The costs returned are those of a run from zero init, warm-up
    included. ``threads`` as ``NeuronStepper``'s (None: its own choice). ``between`` runs
    before each repeat.
    """
    best = setup = math.inf
    costs = np.empty(0)
    for _ in range(repeats):
        if between is not None:
            between()
        t0 = time.perf_counter()
        net = Network(X.shape[0], (), init="zeros")
        cfg = TrainConfig(lr=LR, dtype=dtype)  # type: ignore[arg-type]
        stepper = NeuronStepper(net, X, Y, cfg, threads=threads)
        t1 = time.perf_counter()
        warm: list[np.ndarray] = []
        while len(warm) < WARM_UP or time.perf_counter() - t1 < WARM_UP_SECONDS:
            warm.append(np.empty(1))
            if stepper.run(warm[-1], 1) != 1:
                raise RuntimeError("the run diverged while warming up")
        timed = np.empty(iters)
        t2 = time.perf_counter()
        done = stepper.run(timed, iters)
        t3 = time.perf_counter()
        if done != iters:
            raise RuntimeError(f"the run diverged after {len(warm) + done} iterations")
        costs = np.concatenate([*warm, timed])
        setup, best = min(setup, t1 - t0), min(best, t3 - t2)
    return best / iters, setup, costs


class Bandwidth:
    """Read bandwidth (bytes/s) over a float32 array of ``n_bytes``, three ways.

    ``sample()`` measures each way once and keeps the best figure of each so far. The machine's
    bandwidth drifts (other tenants on the host); so the (10, 1000000) case samples it between
    its timed repeats too, and is judged against the best figure seen over that same window.
    """

    WAYS = ("numpy sum, 1 thread", "numpy sum, 2 threads", "BLAS matrix-vector (OpenBLAS threads)")

    def __init__(self, n_bytes: int) -> None:
        self.big = np.ones(n_bytes // 4, dtype=np.float32)
        self.best = dict.fromkeys(self.WAYS, 0.0)
        self.samples = 0

    def sample(self) -> None:
        big = self.big
        rows = big.reshape(-1, 1024)
        ones = np.ones(1024, dtype=np.float32)
        halves = np.array_split(big, 2)

        def two_threads() -> None:
            workers = [threading.Thread(target=np.add.reduce, args=(h,)) for h in halves]
            for t in workers:
                t.start()
            for t in workers:
                t.join()

        ways: dict[str, Callable[[], object]] = {
            self.WAYS[0]: lambda: np.add.reduce(big),
            self.WAYS[1]: two_threads,
            self.WAYS[2]: lambda: np.dot(rows, ones),
        }
        for name, fn in ways.items():
            self.best[name] = max(self.best[name], big.nbytes / best_of(1, fn))
        self.samples += 1

    @property
    def bound(self) -> float:
        """The bound the target is judged against: the best figure of every way and sample."""
        return max(self.best.values())

    @property
    def numpy_two_threads(self) -> float:
        """The best two-thread NumPy sum: the read bandwidth two Python threads reach."""
        return self.best[self.WAYS[1]]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run in seconds")
    args = parser.parse_args(argv)
    cases = QUICK if args.quick else FULL
    started = time.perf_counter()

    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, load average {load_average()}")
    blas_env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_"))}
    print(f"BLAS environment: {blas_env or 'none'}")
    if args.quick:
        print("quick run: smaller sizes, indicative figures only, targets not judged")

    bandwidth = Bandwidth((100 if args.quick else 440) * 2**20)
    for _ in range(3):
        bandwidth.sample()
    print("\nread bandwidth over a float32 array of", "100 MiB:" if args.quick else "440 MiB:")
    for name, bps in bandwidth.best.items():
        print(f"  {name:40s} {bps / 1e9:6.1f} GB/s")
    print(f"  bound: the best of these, {bandwidth.bound / 1e9:.1f} GB/s so far")

    header = (
        f"{'size (n, m)':>16} {'dtype':>8} {'article us/it':>14} {'ours us/it':>11} "
        f"{'ratio':>7} {'max|dcost|':>11} {'setup ms':>9}  {'target':>12}  result"
    )
    print("\n" + header)
    print("-" * len(header))
    met = True
    notes = []
    for case in cases:
        X, Y = data_for(case.n, case.m)
        t_art, art_costs = time_article(X, Y, case.article_iters, case.article_repeats)
        size = (case.n, case.m)
        for dtype in ("float64", "float32"):
            judged = (size, dtype) in TARGET_BANDWIDTH or (
                args.quick and case.n == 10 and dtype == "float32"
            )
            t_ours, setup, costs = time_ours(
                X,
                Y,
                dtype,
                case.ours_iters,
                case.ours_repeats,
                between=bandwidth.sample if judged else None,
            )
            k = min(len(art_costs), len(costs))
            dcost = float(np.max(np.abs(costs[:k] - np.array(art_costs[:k]))))
            ratio = t_art / t_ours
            target, result = "", ""
            if (size, dtype) in TARGET_RATIO:
                goal = TARGET_RATIO[(size, dtype)]
                target = f">= {goal:g}x"
                result = "PASS" if ratio >= goal else "MISS"
            if judged:
                bound = bandwidth.bound
                rows = case.n + 1
                n_bytes = rows * case.m * np.dtype(dtype).itemsize
                effective = n_bytes / t_ours
                fraction = effective / bound
                goal = TARGET_BANDWIDTH.get((size, dtype), 0.45)
                target = f">= {goal:.0%} BW"
                result = f"{'PASS' if fraction >= goal else 'MISS'} {fraction:.0%}"
                two = bandwidth.numpy_two_threads
                notes.append(
                    f"{size} {dtype}: X and Y in {dtype} ({rows} x {case.m:,} values, "
                    f"{n_bytes / 1e6:.1f} MB) read once per iteration: {effective / 1e9:.1f} GB/s "
                    f"= {fraction:.0%} of {bound / 1e9:.1f} GB/s, the bound: the best read "
                    f"bandwidth over {bandwidth.samples} samples, {case.ours_repeats} taken "
                    f"between the timed repeats "
                    f"({', '.join(f'{v / 1e9:.1f}' for v in bandwidth.best.values())}); "
                    f"= {effective / two:.0%} of the two-thread NumPy sum ({two / 1e9:.1f} GB/s)"
                )
                for label, threads in (("one thread", 1), ("two threads", 2)):
                    alt, _, _ = time_ours(X, Y, dtype, case.ours_iters, case.ours_repeats, threads)
                    notes.append(
                        f"{size} {dtype} on {label}: {alt * 1e6:,.0f} us/iter, "
                        f"{n_bytes / alt / 1e9:.1f} GB/s = {n_bytes / alt / bound:.0%} of the "
                        f"bound, {n_bytes / alt / two:.0%} of the two-thread NumPy sum"
                    )
            if args.quick:
                result = result and f"({result})"
            elif result.startswith("MISS"):
                met = False
            print(
                f"{f'({case.n}, {case.m:,})':>16} {dtype:>8} {t_art * 1e6:14,.1f} "
                f"{t_ours * 1e6:11,.1f} {ratio:7.1f} {dcost:11.1e} {setup * 1e3:9.1f}  "
                f"{target:>12}  {result}"
            )
    print()
    for note in notes:
        print(note)
    print(
        f"\nmax|dcost|: largest difference between the article's and the engine's cost over the "
        f"first iterations both ran.\nload average at the end {load_average()}; "
        f"total {time.perf_counter() - started:.1f} s"
    )
    return 0 if met or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
