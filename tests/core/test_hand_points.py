"""Points placed and removed by hand (``neuron_core.data.hand_points``): placed points join the
training set, a removal takes the nearest shown point, the run continues on the new data
(``training.edit.with_data``), and a saved run keeps its hand edits (older files still open)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.datasets import load
from neuron_core.data.hand_points import add_point, hand_points, remove_nearest, replay, why_not
from neuron_core.errors import StoreError
from neuron_core.store.restore import rebuild_dataset, record_from_trainer, trainer_from_record
from neuron_core.store.runfile import load_run, save_run
from neuron_core.training.edit import with_data
from neuron_core.training.trainer import Trainer

CFG = DataConfig(name="moons", samples=60, test_samples=40, noise=0.1, standardize=True)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load(CFG)


def test_placed_points_join_the_training_set_in_the_datas_units(data: Dataset) -> None:
    d = add_point(add_point(data, 0.5, -0.25, 1), -1.0, 2.0, 0)
    assert (d.m_train, d.m_test, d.n_hand) == (data.m_train + 2, data.m_test, 2)
    assert np.allclose(hand_points(d), [[0.5, -1.0], [-0.25, 2.0], [1.0, 0.0]])
    mean, std = data.standardization or (0.0, 1.0)
    assert np.allclose(d.X_train[:, -1:], (np.array([[-1.0], [2.0]]) - mean) / std)
    assert d.hand_log is not None and d.hand_log.tolist() == [
        [1.0, 0.5, -0.25, 1.0], [1.0, -1.0, 2.0, 0.0]
    ]  # fmt: skip
    assert data.n_hand == 0 and data.hand_log is None  # the original is untouched


def test_remove_takes_the_nearest_shown_point(data: Dataset) -> None:
    d = add_point(data, 0.5, -0.25, 1)
    gone = remove_nearest(d, 0.51, -0.25)  # nearest: the placed point
    assert gone is not None and gone.n_hand == 0 and gone.m_train == data.m_train
    mean, std = data.standardization or (0.0, 1.0)
    X = data.X_test * std + mean
    target = X[:, 7]
    gone = remove_nearest(d, float(target[0]), float(target[1]))
    assert gone is not None and gone.m_test == data.m_test - 1 and gone.n_hand == 1
    assert not np.any(np.all(np.isclose(gone.X_test * std + mean, target[:, None]), axis=0))
    assert hand_points(gone).shape == (3, 1)


def test_replay_gives_the_same_arrays_bit_for_bit(data: Dataset) -> None:
    d = add_point(data, 0.5, -0.25, 1)
    d = add_point(d, 0.1, 0.2, 0)
    removed = remove_nearest(d, 0.45, -0.2)
    assert removed is not None
    last = remove_nearest(removed, 0.0, 0.0)
    assert last is not None and last.hand_log is not None
    d = last
    again = replay(load(CFG), last.hand_log)
    for name in ("X_train", "Y_train", "X_test", "Y_test"):
        assert getattr(again, name).tobytes() == getattr(d, name).tobytes(), name
    assert again.n_hand == d.n_hand
    with pytest.raises(ValueError):
        replay(data, np.array([[7.0, 0.0, 0.0, 0.0]]))


def test_only_two_feature_classification_data(data: Dataset) -> None:
    reg = load(DataConfig(name="reg-plane", samples=30, test_samples=10))
    assert why_not(reg) is not None and why_not(data) is None
    with pytest.raises(ValueError):
        add_point(reg, 0.0, 0.0, 1)
    with pytest.raises(ValueError):
        add_point(data, float("nan"), 0.0, 1)
    assert remove_nearest(reg, 0.0, 0.0) is None


@pytest.mark.parametrize("batch", [None, 16])
def test_the_run_continues_from_its_weights_on_the_new_data(
    data: Dataset, batch: int | None
) -> None:
    train = TrainConfig(iterations=100, optimizer="adam", lr=0.05, batch_size=batch)
    trainer = Trainer(data, ModelConfig(hidden=(3,)), train)
    trainer.step(30)
    new = with_data(trainer, add_point(data, 0.5, -0.25, 1))
    assert new.iteration == 30 and new.status == "paused" and new.data.m_train == data.m_train + 1
    for a, b in zip(trainer.model.get_params(), new.model.get_params(), strict=True):
        assert np.array_equal(a, b)
    assert new.step(5) == "paused" and new.iteration == 35


def test_a_saved_run_keeps_its_hand_edits(tmp_path: Path, data: Dataset) -> None:
    d = add_point(add_point(data, 0.5, -0.25, 1), -1.0, 2.0, 0)
    removed = remove_nearest(d, 0.0, 0.0)
    assert removed is not None
    trainer = with_data(Trainer(data, ModelConfig(), TrainConfig(iterations=50)), removed)
    trainer.step(10)
    path = tmp_path / "run.npz"
    save_run(path, record_from_trainer(trainer, CFG))
    record = load_run(path)
    back = rebuild_dataset(record)
    for name in ("X_train", "Y_train", "X_test", "Y_test"):
        assert getattr(back, name).tobytes() == getattr(removed, name).tobytes(), name
    restored = trainer_from_record(record, back)
    assert restored.step(5) == trainer.step(5)
    assert restored.history.train().tobytes() == trainer.history.train().tobytes()

    # A run without hand edits has no such entry (files as before).
    plain = tmp_path / "plain.npz"
    save_run(plain, record_from_trainer(Trainer(data, ModelConfig(), TrainConfig()), CFG))
    with zipfile.ZipFile(plain) as zf:
        assert "hand_log.npy" not in zf.namelist()
    assert load_run(plain).hand_log is None


def test_a_damaged_hand_entry_is_refused(tmp_path: Path, data: Dataset) -> None:
    trainer = with_data(Trainer(data, ModelConfig(), TrainConfig()), add_point(data, 0, 0, 1))
    record = record_from_trainer(trainer, CFG)
    record.hand_log = np.array([[1.0, np.inf, 0.0, 1.0]])
    with pytest.raises(StoreError, match="hand edits"):
        save_run(tmp_path / "bad.npz", record)
    record.hand_log = np.array([[1.0, 0.0, 0.0, 5.0]])  # a class that does not exist
    save_run(tmp_path / "odd.npz", record)
    with pytest.raises(StoreError, match="placed by hand"):
        rebuild_dataset(load_run(tmp_path / "odd.npz"))
