"""The installed ``neuron-tui`` in a real tmux pane, at 80x24 and 120x40, keyboard only:
start, watch the iteration count grow and the cost curve appear, pause, quit with exit code 0."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sshd import MARK_VAR
from test_ssh import LONG_RUN, assert_clean, local_pane, wait_gone
from tmux import NeuronPane, screen_iteration

# Braille dots draw the training-cost curve; `×` marks the test cost (tui/widgets/cost_chart.py).
CURVE = re.compile(r"[\u2801-\u28ff]")


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_train_pause_quit_in_a_real_terminal(
    width: int,
    height: int,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = local_pane(
        pane_factory, neuron_tui, app_env, term="xterm-256color", width=width, height=height
    )
    ready = pane.wait_ready()
    assert "train cost" in ready
    pane.set_iterations(LONG_RUN)

    pane.send_keys("Space")
    pane.wait_state("running")
    first = pane.wait_until(lambda s: (screen_iteration(s) or (0, 0))[0] > 0, 10)
    n1 = screen_iteration(first)
    assert n1 is not None and n1[1] == LONG_RUN
    later = pane.wait_until(
        lambda s: (screen_iteration(s) or (0, 0))[0] > n1[0] and bool(CURVE.search(s)),
        10,
        what="the iteration count growing and the cost curve drawn",
    )
    assert_clean(later)

    pane.send_keys("Space")
    paused = pane.wait_state("paused")
    held = screen_iteration(paused)
    # Paused for a while (what the terminal receives meanwhile is counted, and ignored): the
    # count does not move.
    pane.count_bytes(0.4)
    assert pane.iteration() == held, "the iteration count moved while paused"
    assert CURVE.search(pane.capture())

    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    assert_clean(pane.capture())
    assert wait_gone(app_env[MARK_VAR], 5) == []
