"""Trainer: chunked running, pause/resume, stop flag, config changes, reset, divergence."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.datasets import Dataset, load
from neuron_core.trainer import Trainer


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load(DataConfig(samples=500, test_samples=300))


def test_stepping_and_resuming_equals_one_run(data: Dataset) -> None:
    whole = Trainer(data, ModelConfig(), TrainConfig(iterations=777))
    whole.run()
    pieces = Trainer(data, ModelConfig(), TrainConfig(iterations=777))
    assert pieces.step(1) == "paused"
    assert pieces.step(13) == "paused"
    assert pieces.iteration == 14
    assert pieces.run() == "completed"
    assert pieces.iteration == 777
    assert whole.history.train().tobytes() == pieces.history.train().tobytes()
    assert whole.history.test()[0].tolist() == pieces.history.test()[0].tolist()


def test_stop_event_pauses_and_run_resumes(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=10_000_000))
    stop = threading.Event()
    thread = threading.Thread(target=trainer.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 10
    while trainer.iteration < 2000 and time.monotonic() < deadline:
        time.sleep(0.005)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert trainer.status == "paused"
    n = trainer.iteration
    assert 2000 <= n < 10_000_000
    assert trainer.step(5) == "paused" and trainer.iteration == n + 5
    assert np.all(np.isfinite(trainer.history.train()))


def test_test_cost_recorded_on_schedule(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=1000, test_every=100))
    trainer.run()
    iters, costs = trainer.history.test()
    assert iters.tolist() == list(range(100, 1001, 100))
    assert costs[-1] == pytest.approx(trainer.test_cost())


def test_learning_rate_change_applies_to_the_continued_run(data: Dataset) -> None:
    a = Trainer(data, ModelConfig(), TrainConfig(iterations=400))
    a.step(200)
    a.set_train_config(TrainConfig(iterations=400, lr=1.0))
    a.run()
    b = Trainer(data, ModelConfig(), TrainConfig(iterations=400))
    b.run()
    assert a.history.train()[:200].tobytes() == b.history.train()[:200].tobytes()
    assert not np.allclose(a.history.train()[200:], b.history.train()[200:])


def test_more_iterations_reopen_a_completed_run(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=100))
    assert trainer.run() == "completed"
    trainer.set_train_config(TrainConfig(iterations=250))
    assert trainer.status == "paused"
    assert trainer.run() == "completed" and trainer.iteration == 250


def test_reset_replays_the_same_run(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=300))
    trainer.run()
    first = trainer.history.train().copy()
    trainer.reset()
    assert trainer.status == "ready" and trainer.iteration == 0
    trainer.run()
    assert trainer.history.train().tobytes() == first.tobytes()


def test_target_cost_stops_the_run(data: Dataset) -> None:
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=5000, target_cost=0.2))
    assert trainer.run() == "target_reached"
    costs = trainer.history.train()
    assert costs[-1] <= 0.2 < costs[-2]  # stopped exactly at the first iteration that reached it
    assert "target" in trainer.reason


def test_divergence_stops_and_keeps_last_finite_parameters() -> None:
    # Coordinates of 1e300 overflow the logits after the first update: the cost becomes inf.
    X = np.array([[1e300, -1e300, 2e300, -2e300], [1.0, 2.0, 3.0, 4.0]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    bad = Dataset(
        X, Y, X.copy(), Y.copy(), ("a", "b"), "classification", ("0", "1"), (), None, None, None
    )
    trainer = Trainer(bad, ModelConfig(), TrainConfig(lr=1e6, iterations=100))
    assert trainer.run() == "diverged"
    assert "iteration" in trainer.reason and "learning rate" in trainer.reason
    assert trainer.iteration < 100
    assert np.all(np.isfinite(trainer.history.train()))
    assert all(np.all(np.isfinite(p)) for p in trainer.model.get_params())
    assert math.isfinite(trainer.history.train()[-1])
    assert trainer.run() == "diverged"  # finished runs do not restart by themselves


def test_switching_optimizer_mid_run_keeps_parameters_and_stays_saveable(
    data: Dataset, tmp_path: pytest.TempPathFactory
) -> None:
    from neuron_core.store import load_run, record_from_trainer, save_run

    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=400))
    trainer.step(200)
    before = trainer.model.get_params()
    trainer.set_train_config(TrainConfig(iterations=400, optimizer="adam", lr=0.01))
    after = trainer.model.get_params()
    np.testing.assert_allclose(np.ravel(after[0]), np.ravel(before[0]))
    assert trainer.run() == "completed"
    path = tmp_path / "run.npz"  # type: ignore[operator]
    save_run(path, record_from_trainer(trainer, DataConfig(samples=500, test_samples=300)))
    assert load_run(path).history.n == 400
    trainer.reset()
    assert trainer.run() == "completed"
