"""Issue 5's long run, shortened: two million iterations in the app at 120x40.

Runs ``benchmarks/soak_app.soak`` (the real ``NeuronApp`` through ``App.run_test``, frames
rendered and encoded) and checks that the run completes, that the process's RSS grows by less
than 3x the history's size (8 bytes per iteration) + 50 MB, and that keys pressed during the run
take effect. How late the event loop's timers are is a figure the benchmark reports, not a
test. About 15 s; marked ``slow`` (run with ``pytest -m slow``). The full ten-million
run is ``python benchmarks/soak_app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from soak_app import GROWTH_SLACK, soak

pytestmark = pytest.mark.slow

ITERATIONS = 2_000_000


async def test_two_million_iterations_keep_memory_bounded_and_the_ui_responsive() -> None:
    res = await soak(ITERATIONS, keys_every=1.0, timeout=180.0)
    report = res.summary()
    assert res.status == "completed", report
    assert res.iterations == ITERATIONS, report
    # The history alone is 16 MB: the RSS must grow (the costs are really kept) but stay bounded.
    assert res.history_bytes == 8 * ITERATIONS
    assert 0 < res.growth < 3 * res.history_bytes + GROWTH_SLACK, report
    assert len(res.lags_ms) > 100, report  # the event loop kept running throughout
    assert res.presses >= 2, report
    assert res.responded == res.presses, report
