"""Peak memory while loading run files and CSV files: large valid ones, and bombs (issue 10).

Every load runs in a fresh interpreter (``memory_cases.measure``): once with ``tracemalloc``
(its peak), once without (the growth of the process's peak RSS, ``VmHWM``, during the load).
Each line gives the file's size, what it claims, how the load ended, both peaks, the arrays the
load produced and the larger peak over those arrays.

Usage::

    python benchmarks/bench_memory.py            # 10M-iteration runs, 1 GB bombs, a 200 MB CSV
    python benchmarks/bench_memory.py --quick    # smaller sizes, a few seconds

Exit status 1 when a target is missed: a valid run or CSV file peaks over 3x its arrays, or a
bomb is not refused or peaks over 4 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from memory_cases import (
    MB,
    Load,
    deflate_bomb,
    edit_meta,
    long_header,
    lying_sizes,
    many_entries,
    measure_csv,
    measure_load,
    write_csv,
    write_run,
)

from neuron_core.config import ModelConfig

VALID_RATIO = 3.0
BOMB_PEAK = 4 * MB


def _consistent(n: int) -> Callable[[dict[str, Any]], None]:
    def change(meta: dict[str, Any]) -> None:
        meta["iterations_done"] = n
        meta["train_cfg"]["iterations"] = n

    return change


def _line(name: str, path: Path, claims: str, load: Load) -> str:
    size = path.stat().st_size
    if load.error is None:
        result, ratio = "loaded", f"{load.ratio:5.2f}x arrays"
    else:
        detail = load.error.split(": ", 1)[-1] if ": " in load.error else load.error
        result = "refused: " + (detail if len(detail) <= 46 else detail[:43] + "...")
        ratio = "-"
    return (
        f"{name:<26} {size / MB:9.2f} {claims:>16}  {result:<56} {load.traced_peak / MB:9.1f} "
        f"{load.rss_growth / MB:9.1f} {load.arrays / MB:9.1f}  {ratio}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few seconds)")
    args = parser.parse_args()
    quick = args.quick
    iterations = 500_000 if quick else 10_000_000
    bomb_values = 12_500_000 if quick else 125_000_000  # 100 MB or 1 GB of float64
    test_values = 5_000_000 if quick else 20_000_000
    csv_rows = 300_000 if quick else 9_000_000  # 2 features: about 190 MB at full size
    failures: list[str] = []
    print(
        f"{'case':<26} {'file MB':>9} {'claims':>16}  {'result':<56} {'traced MB':>9} "
        f"{'RSS +MB':>9} {'arrays MB':>9}  peak"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        good = write_run(root / "good.npz", 300)
        adam = write_run(
            root / "adam.npz", 300, model_cfg=ModelConfig(hidden=(4,)), optimizer="adam"
        )
        valid = [
            (f"run, {iterations:,} its", write_run(root / "v1.npz", iterations, 10), "valid"),
            (
                f"run, {iterations:,} tests",
                write_run(root / "v2.npz", iterations, 1),
                "valid",
            ),
        ]
        for name, path, claims in valid:
            load = measure_load(path)
            print(_line(name, path, claims, load), flush=True)
            if load.error is not None or load.ratio > VALID_RATIO:
                failures.append(name)
            path.unlink()
        bombs: list[tuple[str, Path, str]] = [
            (
                "costs deflated",
                deflate_bomb(good, root / "b1.npz", {"costs": "<f8"}, bomb_values),
                f"{8 * bomb_values / MB:,.0f} MB",
            ),
            (
                "costs deflated, meta ok",
                deflate_bomb(
                    edit_meta(good, root / "m2.npz", _consistent(bomb_values)),
                    root / "b2.npz",
                    {"costs": "<f8"},
                    bomb_values,
                ),
                f"{8 * bomb_values / MB:,.0f} MB",
            ),
            (
                "test costs deflated",
                deflate_bomb(
                    good, root / "b3.npz", {"test_iters": "<i8", "test_costs": "<f8"}, test_values
                ),
                f"{16 * test_values / MB:,.0f} MB",
            ),
            (
                "state entry deflated",
                deflate_bomb(adam, root / "b4.npz", {"state_opt_m_0": "<f8"}, bomb_values),
                f"{8 * bomb_values / MB:,.0f} MB",
            ),
            (
                "sizes lie, meta ok",
                lying_sizes(
                    edit_meta(good, root / "m5.npz", _consistent(499_999_984)),
                    root / "b5.npz",
                    "costs",
                    499_999_984,
                ),
                "3,815 MB",
            ),
            ("header length lies", long_header(good, root / "b6.npz", "costs"), "4,096 MB"),
            ("70,000 entries", many_entries(good, root / "b7.npz", 70_000), "70,000 entries"),
        ]
        for name, path, claims in bombs:
            load = measure_load(path)
            print(_line(name, path, claims, load), flush=True)
            if load.error is None or max(load.traced_peak, load.rss_growth) > BOMB_PEAK:
                failures.append(name)
        t0 = time.perf_counter()
        csv = write_csv(root / "data.csv", csv_rows, 2)
        written = time.perf_counter() - t0
        load = measure_csv(csv)
        print(_line(f"CSV, {csv_rows:,} rows x 2", csv, "valid", load))
        print(f"(the CSV file took {written:.0f} s to write)")
        if load.error is not None or load.ratio > VALID_RATIO:
            failures.append("csv")
    if failures:
        print("MISSED: " + ", ".join(failures))
    return 1 if failures and not quick else 0


if __name__ == "__main__":
    sys.exit(main())
