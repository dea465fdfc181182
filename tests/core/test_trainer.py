"""Trainer: chunked running, pause/resume, stop flag, config changes, reset, divergence."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.training.history import History
from neuron_core.training.trainer import Trainer


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
    deadline = time.monotonic() + 30
    while trainer.iteration < 2000 and time.monotonic() < deadline:
        time.sleep(0.005)
    stop.set()
    thread.join(timeout=30)
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
    from neuron_core.store.restore import record_from_trainer
    from neuron_core.store.runfile import load_run, save_run

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


NET = ModelConfig(hidden=(3,), init="xavier", init_seed=2)


@pytest.mark.parametrize(
    "train_cfg",
    [
        TrainConfig(lr=0.02, optimizer="adam", iterations=600),
        TrainConfig(lr=0.05, optimizer="momentum", batch_size=16, iterations=600, seed=3),
    ],
    ids=["adam", "momentum-batch16"],
)
def test_target_cost_stop_replays_with_the_optimizer_state(
    data: Dataset, train_cfg: TrainConfig
) -> None:
    """The run stops inside a chunk, which is replayed from the chunk's start: with the
    optimizer's memory and the batch order of that start, so the costs are the free run's."""
    free = Trainer(data, NET, train_cfg)
    assert free.run() == "completed"
    costs = free.history.train()
    target = float(costs[437])
    first = int(np.flatnonzero(costs <= target)[0])
    assert (first + 1) % free.test_every != 0  # the hit is inside a chunk: a replay happens
    stopped = Trainer(data, NET, TrainConfig(**{**train_cfg.to_dict(), "target_cost": target}))
    assert stopped.run() == "target_reached"
    assert stopped.iteration == first + 1
    assert stopped.history.train().tobytes() == costs[: first + 1].tobytes()
    assert int(stopped.stepper_state()["opt_t"][0]) == first + 1


def test_rate_and_penalty_changes_keep_the_adam_moments(data: Dataset) -> None:
    trainer = Trainer(data, NET, TrainConfig(lr=0.01, optimizer="adam", iterations=400))
    trainer.step(100)
    before = trainer.stepper_state()
    assert int(before["opt_t"][0]) == 100 and np.any(before["opt_m_0"] != 0)
    trainer.set_train_config(trainer.with_config(lr=0.03, l1=0.001, l2=0.01, iterations=500))
    after = trainer.stepper_state()
    assert sorted(after) == sorted(before)
    for name in before:
        assert after[name].tobytes() == before[name].tobytes(), name
    trainer.step(1)
    assert int(trainer.stepper_state()["opt_t"][0]) == 101
    # A new optimizer, dtype, batch size or seed starts afresh.
    trainer.set_train_config(trainer.with_config(seed=1))
    assert int(trainer.stepper_state()["opt_t"][0]) == 0


def test_restore_sets_a_saved_runs_state_or_changes_nothing(data: Dataset) -> None:
    cfg = TrainConfig(lr=0.01, optimizer="adam", batch_size=50, iterations=400)
    original = Trainer(data, NET, cfg)
    original.step(120)
    saved = History.from_arrays(original.history.train(), *original.history.test())
    copy = Trainer(data, NET, cfg, history=saved, params=original.model.get_params())
    start = [p + 1.0 for p in original.initial_params]
    good = dict(initial_params=start, status="paused", reason="", seconds=2.5)
    bad_cases: list[tuple[dict[str, object], str]] = [
        ({**good, "initial_params": start[:1]}, "initial parameters have shapes"),
        ({**good, "status": "exploded"}, "unknown status"),
        ({**good, "seconds": -1.0}, "invalid training time"),
        ({**good, "stepper_state": {"opt_t": np.array([1])}}, "the training state has entries"),
    ]
    for kwargs, message in bad_cases:
        with pytest.raises(ValueError, match=message):
            copy.restore(**kwargs)  # type: ignore[arg-type]
        assert copy.seconds == 0.0 and int(copy.stepper_state()["opt_t"][0]) == 0
    copy.restore(**good, stepper_state=original.stepper_state())  # type: ignore[arg-type]
    assert copy.seconds == 2.5 and copy.status == "paused"
    original.step(80)
    copy.step(80)
    assert copy.history.train().tobytes() == original.history.train().tobytes()
    copy.restore(start, "target_reached", "reached", 3.0)
    assert (copy.status, copy.reason) == ("target_reached", "reached")
    assert copy.snapshot().status == "target_reached"
    copy.reset()
    assert [p.tobytes() for p in copy.model.get_params()] == [p.tobytes() for p in start]


def test_stop_is_honoured_between_chunks_even_with_a_huge_test_interval(data: Dataset) -> None:
    """A stop request ends the run after the chunk under way (chunks are sized to ~20 ms), not
    at the next test-cost measurement 500,000 iterations away."""
    trainer = Trainer(data, ModelConfig(), TrainConfig(iterations=100_000_000))
    assert trainer.test_every >= 500_000
    stop = threading.Event()
    thread = threading.Thread(target=trainer.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 30.0
    while trainer.snapshot().iteration == 0:  # the first chunk is done
        assert time.monotonic() < deadline, "training did not start"
        time.sleep(0.001)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert trainer.status == "paused" and 0 < trainer.iteration < trainer.test_every
    assert trainer.snapshot().iteration == trainer.iteration
