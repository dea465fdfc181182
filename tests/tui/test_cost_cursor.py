"""The cost chart's cursor as plain data: what it reads, how it moves, what its line says."""

from __future__ import annotations

import numpy as np
import pytest

from tui.charts.cost_cursor import (
    Readout,
    clamp,
    column_iteration,
    iteration_column,
    read_at,
    readout_text,
    step_columns,
)


def test_read_at_takes_the_last_test_measurement_at_or_before() -> None:
    train = np.linspace(1.0, 0.1, 100)
    iters = np.array([0, 10, 20, 30], dtype=np.int64)
    tests = np.array([0.9, 0.8, 0.7, 0.6])
    assert read_at(train, iters, tests, 25) == Readout(25, train[25], 0.7, 20)
    assert read_at(train, iters, tests, 30) == Readout(30, train[30], 0.6, 30)
    late = np.array([5], dtype=np.int64)
    assert read_at(train, late, tests[:1], 3) == Readout(3, train[3], None, None)


def test_readout_fits_every_width() -> None:
    r = Readout(12_345, 0.0123456789, 0.5, 12_340)
    wide = readout_text(r, 200)
    assert "12,345" in wide and "0.0123457" in wide and "0.5" in wide and "12,340" in wide
    for width in range(10, 120):
        assert len(readout_text(r, width)) <= width
    assert "0.5" in readout_text(r, 36)  # the test cost still shows in a 36-column chart


def test_columns_and_iterations_round_trip_and_keys_move_one_column() -> None:
    for cells, x_range in ((40, (0, 300)), (115, (0, 2000)), (60, (8_000, 10_000)), (80, (0, 15))):
        for col in range(cells):
            it = column_iteration(col, cells, x_range)
            assert x_range[0] <= it <= x_range[1]
            if x_range[1] - x_range[0] >= cells:
                assert iteration_column(it, cells, x_range) == col
        it = step_columns(x_range[1] - 1, -1, cells, x_range)
        for _ in range(5):
            nxt = step_columns(it, -1, cells, x_range)
            assert nxt < it  # at least one iteration, even with more columns than iterations
            if x_range[1] - x_range[0] >= cells:
                col = iteration_column(it, cells, x_range)
                assert iteration_column(nxt, cells, x_range) == col - 1
            it = nxt


def test_clamp_keeps_the_cursor_in_the_history_and_the_view() -> None:
    assert clamp(500, 300, (0, 400)) == 299
    assert clamp(-3, 300, (0, 400)) == 0
    assert clamp(10, 300, (200, 300)) == 200
    assert clamp(10, 0, (0, 10)) is None


def test_tail_throttle_holds_only_a_growing_tail_drawn_lately() -> None:
    from tui.charts.throttle import TailThrottle

    t = TailThrottle(1.0)
    assert t.wait("axes", now=10.0) == 0.0  # the first repaint: at once
    assert t.wait("axes", now=10.3) == pytest.approx(0.7)  # the tail grew 0.3 s later: held
    assert t.wait("new axes", now=10.4) == 0.0  # anything else: at once
    assert t.wait("new axes", now=11.5) == 0.0  # a second later: at once
    t.reset()
    assert t.wait("new axes", now=11.6) == 0.0
    assert TailThrottle(0.0).wait("axes", now=1.0) == 0.0
    never = TailThrottle(0.0)
    never.wait("axes", now=1.0)
    assert never.wait("axes", now=1.0) == 0.0
