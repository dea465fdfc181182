"""Zoom and the cost chart's cursor in a real tmux pane, at 80x24 and 120x40, keyboard only
(issue 12): while a run trains, ``4`` ``z`` gives the predictions plot the whole screen (at least
70 plot columns at 80x24), Escape gives it back; ``3`` and Left show the cursor's readout in
place of the legend, Escape hides it; quit with exit code 0."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sshd import MARK_VAR
from test_ssh import LONG_RUN, assert_clean, local_pane, wait_gone
from tmux import NeuronPane

LEGEND = "× test"  # the cost chart's legend; the cursor's readout takes its place
FRAME = re.compile(r"┌(─|┬)+┐")  # the top of a chart's frame


def widest_frame(screen: str) -> int:
    """Columns inside the widest chart frame on the screen (0: none)."""
    return max((len(m.group(0)) - 2 for m in FRAME.finditer(screen)), default=0)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_zoom_and_cursor_in_a_real_terminal(
    width: int,
    height: int,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    pane = local_pane(
        pane_factory, neuron_tui, app_env, term="xterm-256color", width=width, height=height
    )
    pane.wait_ready()
    pane.set_iterations(LONG_RUN)
    pane.send_keys("Space")
    pane.wait_state("running")

    pane.send_keys("4", "z")
    zoomed = pane.wait_until(
        lambda s: "z Unzoom" in s and "predicted 1" in s and widest_frame(s) >= width - 10,
        10,
        what="the predictions plot zoomed",
    )
    assert widest_frame(zoomed) >= 70
    assert "3 Training" not in zoomed  # nothing but the plot and the footer
    pane.send_keys("Escape")
    pane.wait_until(lambda s: "z Zoom" in s and "4 Predictions" in s, 10, what="zoom given back")

    pane.send_keys("3")
    pane.wait_until(lambda s: LEGEND in s, 10, what="the cost chart")
    pane.send_keys("Left")
    shown = pane.wait_until(lambda s: LEGEND not in s, 10, what="the cursor's readout")
    # The readout line: an iteration, then its train cost (six digits) and test cost (six
    # digits, or "—" when the run has not measured one yet: a long run measures it rarely).
    assert re.search(r"\d[\d,]* .*\d\.\d{4,}.* (\d\.\d{4,}|—)", shown), shown
    pane.send_keys("Escape")
    pane.wait_until(lambda s: LEGEND in s, 10, what="the legend back")

    pane.send_keys("q")
    assert pane.wait_exit(10) == 0
    assert_clean(pane.capture())
    assert wait_gone(app_env[MARK_VAR], 5) == []
