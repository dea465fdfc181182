"""Setting a weight or bias by hand (``neuron_core.training.edit``): the cost at the edited
parameters is a fresh forward pass, and the run continues from them."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.model.network import Network
from neuron_core.training.edit import ParamEdit, edited, parse_value
from neuron_core.training.trainer import Trainer


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load(DataConfig(name="moons", samples=200, test_samples=100))


def fresh_cost(trainer: Trainer, params: list[np.ndarray], l1: float, l2: float) -> float:
    """The training cost of ``params`` from a network built anew (no trainer involved)."""
    net = Network.from_config(trainer.model_cfg, trainer.X_train.shape[0])
    net.set_params(params)
    return net.cost(trainer.X_train, trainer.data.Y_train) + net.penalty(l1, l2)


@pytest.mark.parametrize(("hidden", "optimizer", "l2"), [((), "gd", 0.0), ((3, 2), "adam", 0.01)])
def test_cost_after_edit_is_a_fresh_forward_pass(
    data: Dataset, hidden: tuple[int, ...], optimizer: Literal["gd", "adam"], l2: float
) -> None:
    train_cfg = TrainConfig(iterations=200, lr=0.05, optimizer=optimizer, l2=l2)
    trainer = Trainer(data, ModelConfig(hidden=hidden), train_cfg)
    trainer.step(40)
    before = trainer.model.get_params()
    layer = len(hidden)  # the output unit
    edits = [ParamEdit(layer, 0, 0, -1.25), ParamEdit(0, 0, None, 0.5)]
    new, cost = edited(trainer, edits)
    params = new.model.get_params()
    assert params[2 * layer][0, 0] == -1.25 and params[1][0, 0] == 0.5
    changed = [not np.array_equal(a, b) for a, b in zip(before, params, strict=True)]
    assert changed.count(True) == 2  # the edited weight's array and the edited bias's
    assert cost == pytest.approx(fresh_cost(trainer, params, 0.0, l2), rel=1e-12, abs=0)
    # The old trainer is untouched; the new one keeps the run (history, start, status).
    old = trainer.model.get_params()
    assert all(np.array_equal(a, b) for a, b in zip(before, old, strict=True))
    assert new.iteration == 40 and new.status == "paused"
    # The run continues from the edited parameters: the next iteration records that cost
    # (a full batch records the cost before its update).
    new.step(1)
    assert new.iteration == 41
    assert new.history.train()[40] == pytest.approx(cost, rel=1e-9)
    # Reset returns to the run's initial parameters, not the edited ones.
    new.reset()
    init = Trainer(data, ModelConfig(hidden=hidden), train_cfg).model.get_params()
    assert all(np.array_equal(a, b) for a, b in zip(init, new.model.get_params(), strict=True))


def test_edit_before_the_start_keeps_the_first_cost_exact(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=10))
    new, cost = edited(trainer, [ParamEdit(0, 0, 1, 0.0)])  # zero init: a no-op edit
    assert cost == pytest.approx(np.log(2), abs=1e-15) and new.status == "ready"
    new.step(1)
    assert new.history.train()[0] == pytest.approx(np.log(2), abs=1e-15)


def test_a_finished_run_opens_again(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=10, target_cost=0.7))
    trainer.run()
    assert trainer.status == "target_reached"
    new, _ = edited(trainer, [ParamEdit(0, 0, None, 0.0)])
    assert new.status == "paused" and new.reason == ""


@pytest.mark.parametrize(
    "edit",
    [ParamEdit(1, 0, 0, 1.0), ParamEdit(0, 1, 0, 1.0), ParamEdit(0, 0, 2, 1.0),
     ParamEdit(0, 0, -1, 1.0), ParamEdit(0, 0, 0, float("nan")), ParamEdit(0, 0, 0, 1e9)],
)  # fmt: skip
def test_edits_that_do_not_fit_are_refused(data: Dataset, edit: ParamEdit) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=10))
    with pytest.raises(ValueError):
        edited(trainer, [edit])


@pytest.mark.parametrize(
    ("text", "reason"),
    [("abc", "is not a number"), ("", "is not a number"), ("nan", "finite"),
     ("-inf", "finite"), ("2e6", "between")],
)  # fmt: skip
def test_parse_value_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_value(text)
    assert parse_value(" -1.5e-1 ") == -0.15
