"""Learning-rate schedules: the rates at known iterations, validation, and runs that use them
(every optimizer, both steppers) giving the same bits however they are paused, stepped, saved
and resumed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.errors import ConfigError
from neuron_core.model.network import Network
from neuron_core.store.restore import rebuild_dataset, record_from_trainer, trainer_from_record
from neuron_core.store.runfile import load_run, save_run
from neuron_core.training.fast_neuron import NeuronStepper
from neuron_core.training.lr_schedule import describe, rate_at, rates, segments
from neuron_core.training.network_stepper import NetworkStepper
from neuron_core.training.trainer import Trainer

LINE = DataConfig(name="line", samples=300, test_samples=100, seed=3)
CIRCLE = DataConfig(name="circle", samples=200, test_samples=100, seed=2)


@pytest.fixture(scope="module")
def line() -> Dataset:
    return load(LINE)


@pytest.fixture(scope="module")
def circle() -> Dataset:
    return load(CIRCLE)


def test_rates_at_known_iterations() -> None:
    const = TrainConfig(lr=0.3)
    assert [rate_at(const, t) for t in (0, 1, 10**6)] == [0.3, 0.3, 0.3]
    step = TrainConfig(lr=0.8, lr_schedule="step", lr_decay=0.5, lr_step_every=10)
    assert [rate_at(step, t) for t in (0, 9, 10, 19, 20, 35)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]
    exp = TrainConfig(lr=0.8, lr_schedule="exp", lr_decay=0.5, lr_step_every=10)
    assert rate_at(exp, 0) == 0.8
    assert rate_at(exp, 10) == pytest.approx(0.4, rel=1e-15)
    assert rate_at(exp, 5) == pytest.approx(0.8 / math.sqrt(2.0), rel=1e-15)
    assert rate_at(exp, 30) == pytest.approx(0.1, rel=1e-15)
    cos = TrainConfig(lr=0.5, iterations=100, lr_schedule="cosine", lr_min=0.1)
    assert rate_at(cos, 0) == 0.5  # exactly the base rate
    assert rate_at(cos, 50) == pytest.approx(0.3, rel=1e-15)  # half way
    assert rate_at(cos, 25) == pytest.approx(0.1 + 0.4 * (1 + math.sqrt(0.5)) / 2, rel=1e-15)
    assert rate_at(cos, 100) == 0.1 and rate_at(cos, 5000) == 0.1
    values = rates(cos, 0, 100)
    assert values.shape == (100,) and np.all(np.diff(values) < 0)


def test_segments_cover_the_iterations_with_their_rates() -> None:
    step = TrainConfig(lr=1.0, lr_schedule="step", lr_decay=0.5, lr_step_every=4)
    assert list(segments(step, 3, 10)) == [(1, 1.0), (4, 0.5), (4, 0.25), (1, 0.125)]
    assert list(segments(TrainConfig(lr=0.1), 7, 5)) == [(5, 0.1)]
    cos = TrainConfig(lr=1.0, iterations=50, lr_schedule="cosine")
    got = list(segments(cos, 10, 6))
    assert [c for c, _ in got] == [1] * 6
    assert [r for _, r in got] == [rate_at(cos, t) for t in range(10, 16)]
    assert list(segments(cos, 0, 0)) == []


def test_describe() -> None:
    assert describe(TrainConfig()) == ""
    assert describe(TrainConfig(lr_schedule="step", lr_step_every=500)) == "step x0.5 every 500"
    assert describe(TrainConfig(lr_schedule="cosine", lr_min=0.001)) == "cosine to 0.001"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lr_schedule": "linear"}, "lr_schedule"),
        ({"lr_decay": 0.0}, "lr_decay"),
        ({"lr_decay": 1.5}, "lr_decay"),
        ({"lr_decay": math.nan}, "lr_decay"),
        ({"lr_step_every": 0}, "lr_step_every"),
        ({"lr_step_every": 2.5}, "lr_step_every"),
        ({"lr_min": -0.1}, "lr_min"),
        ({"lr_min": math.inf}, "lr_min"),
    ],
)
def test_invalid_schedule_settings_name_their_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as err:
        TrainConfig(**changes).validate()  # type: ignore[arg-type]
    assert err.value.field == field


def test_defaults_keep_old_configs() -> None:
    cfg = TrainConfig.from_dict({"lr": 0.2, "iterations": 50})  # a run saved before schedules
    assert cfg.lr_schedule == "constant"
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg


SCHEDULES = [
    {"lr_schedule": "step", "lr_decay": 0.5, "lr_step_every": 37},
    {"lr_schedule": "exp", "lr_decay": 0.3, "lr_step_every": 100},
    {"lr_schedule": "cosine", "lr_min": 0.01},
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=["step", "exp", "cosine"])
@pytest.mark.parametrize(
    ("model_cfg", "optimizer"),
    [
        (ModelConfig(), "gd"),  # the fast single-neuron stepper
        (ModelConfig(hidden=(3,)), "gd"),
        (ModelConfig(hidden=(3,)), "momentum"),
        (ModelConfig(hidden=(3,)), "adam"),
    ],
    ids=["neuron-gd", "net-gd", "net-momentum", "net-adam"],
)
def test_paused_and_resumed_run_equals_one_run(
    circle: Dataset, model_cfg: ModelConfig, optimizer: str, schedule: dict[str, object]
) -> None:
    cfg = TrainConfig(lr=0.5, iterations=300, optimizer=optimizer, **schedule)  # type: ignore[arg-type]
    whole = Trainer(circle, model_cfg, cfg)
    assert whole.run() == "completed"
    pieces = Trainer(circle, model_cfg, cfg)
    pieces.step(1)
    pieces.step(40)
    pieces.step(59)
    assert pieces.run() == "completed"
    assert whole.history.train().tobytes() == pieces.history.train().tobytes()
    assert [p.tobytes() for p in whole.model.get_params()] == [
        p.tobytes() for p in pieces.model.get_params()
    ]
    # ...and the schedule did change the run.
    constant = Trainer(circle, model_cfg, TrainConfig(lr=0.5, iterations=300, optimizer=optimizer))  # type: ignore[arg-type]
    constant.run()
    assert constant.history.train().tobytes() != whole.history.train().tobytes()


@pytest.mark.parametrize("schedule", SCHEDULES, ids=["step", "exp", "cosine"])
def test_saved_scheduled_run_continues_identically(
    tmp_path: Path, schedule: dict[str, object]
) -> None:
    cfg = TrainConfig(lr=0.3, iterations=400, optimizer="adam", **schedule)  # type: ignore[arg-type]
    model_cfg = ModelConfig(hidden=(3,))
    original = Trainer(load(CIRCLE), model_cfg, cfg)
    original.step(150)
    save_run(tmp_path / "run.npz", record_from_trainer(original, CIRCLE))
    record = load_run(tmp_path / "run.npz")
    assert record.train_cfg == cfg
    loaded = trainer_from_record(record, rebuild_dataset(record))
    original.run()
    loaded.run()
    assert original.history.train().tobytes() == loaded.history.train().tobytes()


def _stepped_by_hand(stepper_cls: type, data: Dataset, cfg: TrainConfig, n: int) -> np.ndarray:
    """``n`` iterations one at a time with a constant rate set to the schedule's rate."""
    net = Network.from_config(ModelConfig(), data.X_train.shape[0])
    stepper = stepper_cls(net, data.X_train, data.Y_train, TrainConfig(lr=rate_at(cfg, 0)))
    costs = np.empty(n)
    for t in range(n):
        stepper.set_config(TrainConfig(lr=rate_at(cfg, t)))
        assert stepper.run(costs[t : t + 1], 1) == 1
    return costs


@pytest.mark.parametrize("stepper_cls", [NeuronStepper, NetworkStepper])
@pytest.mark.parametrize("schedule", SCHEDULES, ids=["step", "exp", "cosine"])
def test_each_update_uses_the_scheduled_rate(
    line: Dataset, stepper_cls: type, schedule: dict[str, object]
) -> None:
    cfg = TrainConfig(lr=2.0, iterations=120, **schedule)  # type: ignore[arg-type]
    expected = _stepped_by_hand(stepper_cls, line, cfg, 120)
    net = Network.from_config(ModelConfig(), line.X_train.shape[0])
    stepper = stepper_cls(net, line.X_train, line.Y_train, cfg)
    got = np.empty(120)
    assert stepper.run(got[:50], 50, 0) == 50
    assert stepper.run(got[50:], 70, 50) == 70
    assert got.tobytes() == expected.tobytes()


def test_fast_and_general_steppers_agree_under_a_schedule(line: Dataset) -> None:
    cfg = TrainConfig(lr=0.1, iterations=500, lr_schedule="cosine", lr_min=0.005)
    out = []
    for cls in (NeuronStepper, NetworkStepper):
        net = Network.from_config(ModelConfig(), line.X_train.shape[0])
        costs = np.empty(500)
        assert cls(net, line.X_train, line.Y_train, cfg).run(costs, 500) == 500
        out.append(costs)
    np.testing.assert_allclose(out[0], out[1], rtol=0, atol=1e-12)
