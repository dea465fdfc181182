"""The run controller's small helpers: speed measurement and durations."""

from __future__ import annotations

import math

import pytest

from tui.run.progress import RateMeter, format_duration


def test_rate_meter_measures_over_its_window() -> None:
    meter = RateMeter(window=2.0)
    assert meter.add(0, now=0.0) is None  # one sample: no rate yet
    assert meter.add(1000, now=1.0) == pytest.approx(1000.0)
    assert meter.add(3000, now=2.0) == pytest.approx(1500.0)
    # Old samples leave the window: the rate follows the recent speed.
    assert meter.add(13000, now=5.0) == pytest.approx(10000.0 / 3.0)
    meter.clear()
    assert meter.add(20000, now=6.0) is None


def test_rate_meter_says_nothing_until_a_segment_ran_a_second() -> None:
    # The first chunks after a start are warm-up: a speed from them would be wrong, and the
    # time left computed from it more so. "—" until a second of samples, after every start.
    meter = RateMeter(window=2.0)
    assert meter.add(0, now=0.0) is None
    assert meter.add(5_000, now=0.3) is None
    assert meter.add(6_000, now=0.9) is None
    assert meter.add(7_000, now=1.0) == pytest.approx(7_000.0)
    meter.clear()  # paused, then resumed
    assert meter.add(7_000, now=5.0) is None
    assert meter.add(9_000, now=5.5) is None
    assert meter.add(11_000, now=6.0) == pytest.approx(4_000.0)


def test_rate_meter_ignores_a_stalled_count() -> None:
    meter = RateMeter()
    meter.add(500, now=0.0)
    assert meter.add(500, now=1.0) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (math.inf, "—"), (math.nan, "—"), (0.4, "0 s"), (42.4, "42 s"),
     (185, "3 min 05 s"), (7620, "2 h 07 min")],
)  # fmt: skip
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_iteration_text_is_exact_when_it_fits_and_short_otherwise() -> None:
    from tui.panes.training import iteration_text, short_count
    from tui.run.progress import Progress

    p = Progress("running", "", 1234, 2000, None, None, None, None, "accuracy", None, None, None)
    assert iteration_text(p) == "Iteration 1,234 / 2,000"
    assert iteration_text(p, 29) == "Iteration 1,234 / 2,000"
    big = Progress("running", "", 12_345_678, 100_000_000, None, None, None, None, "accuracy",
                   None, None, None)  # fmt: skip
    assert iteration_text(big, 29) == "Iteration 12.3M / 100M"
    assert [short_count(n) for n in (950, 12_300, 4_560_000, 10**9)] == [
        "950", "12.3k", "4.56M", "1G"
    ]  # fmt: skip
