"""`neuron-tui tour`: the app with the guided tour, set up for its first step; no options."""

from __future__ import annotations

import pytest

from tui.__main__ import main
from tui.cli.app_start import AppStart
from tui.cli.command import read_app_start, read_command_line
from tui.tour.steps import tour_steps


def test_tour_starts_the_app_set_up_for_the_first_step() -> None:
    ns = read_command_line(["tour"])
    assert not isinstance(ns, int) and ns.command == "tour"
    start = read_app_start(ns)
    assert isinstance(start, AppStart)
    first = tour_steps()[0]
    assert start.tour and start.given  # the saved session is not offered
    assert (start.data_cfg, start.model_cfg, start.train_cfg) == (
        first.data, first.model, first.train,
    )  # fmt: skip
    plain = read_app_start(read_command_line([]))  # type: ignore[arg-type]
    assert isinstance(plain, AppStart) and not plain.tour


def test_tour_takes_no_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lr", "1", "tour"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lr cannot be used with 'neuron-tui tour'" in err
    assert main(["tour", "--lr", "1"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_tour_is_in_the_help_and_needs_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "guided tour" in capsys.readouterr().out
    assert main(["tour"]) == 2  # pytest's stdin is not a terminal
    assert "the app needs a terminal" in capsys.readouterr().err
