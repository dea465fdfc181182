"""Many classes: the softmax head (gradients, training), blobs and K-arm spirals, CSV targets with
3 to 10 values, and the K x K confusion matrix. Seeded and small (milliseconds to a second)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.confusion import MultiClassReport, confusion_matrix_k
from neuron_core.data.datasets import generate, load
from neuron_core.errors import ConfigError, DataError
from neuron_core.model.network import Network
from neuron_core.model.softmax import softmax
from neuron_core.training.loop_gradients import loss_and_gradients
from neuron_core.training.trainer import Trainer

F64 = NDArray[np.float64]


def _fd_gradient(net: Network, X: F64, Y: F64, h: float = 1e-6) -> list[F64]:
    """Central differences of ``Network.cost`` (the readable reference path)."""
    base = net.get_params()
    out = []
    for i, p in enumerate(base):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            for sign in (1.0, -1.0):
                params = [q.copy() for q in base]
                params[i][idx] = p[idx] + sign * h
                net.set_params(params)
                g[idx] += sign * net.cost(X, Y) / (2.0 * h)
        out.append(g)
    net.set_params(base)
    return out


@pytest.mark.parametrize("hidden", [(), (4,), (3, 2)])
def test_softmax_cross_entropy_gradient_matches_finite_differences(
    hidden: tuple[int, ...],
) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 17))
    Y = rng.integers(0, 4, size=(1, 17)).astype(np.float64)
    net = Network(2, hidden, "tanh", "classification", init="uniform", classes=4)
    net.set_params([rng.uniform(-1.0, 1.0, p.shape) for p in net.get_params()])
    assert net.sizes[-1] == 4
    cost, grads = loss_and_gradients(net, X, Y)
    assert cost == pytest.approx(net.cost(X, Y), rel=1e-12)
    for g, fd in zip(grads, _fd_gradient(net, X, Y), strict=True):
        err = np.linalg.norm(g - fd) / (np.linalg.norm(g) + np.linalg.norm(fd))
        assert err < 1e-6


def test_softmax_is_stable_and_zero_logits_cost_log_k() -> None:
    z = np.array([[1000.0, -1000.0], [0.0, 0.0], [-1000.0, 1000.0]])
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=0), 1.0)
    net = Network(2, (), problem="classification", init="zeros", classes=5)
    X = np.ones((2, 4))
    Y = np.array([[0.0, 1.0, 4.0, 2.0]])
    assert net.cost(X, Y) == pytest.approx(np.log(5.0), abs=1e-15)


def test_two_classes_keep_the_sigmoid_neuron() -> None:
    net = Network(2, (), classes=2)
    assert net.sizes == (2, 1)
    cfg = DataConfig(name="spiral")
    assert "classes" not in cfg.to_dict()  # saved runs of two classes are unchanged
    assert "classes" not in ModelConfig().to_dict()


def _old_spiral(m: int, rng: np.random.Generator) -> tuple[F64, F64]:
    """The two-arm spiral as it was written before K arms (copied), for a bit-for-bit check."""

    def make(label: int, k: int) -> F64:
        u = rng.uniform(0.0, 1.0, k)
        t = 1.75 * 2.0 * np.pi * u + (0.0 if label else np.pi)
        r = 5.0 * u
        return np.stack([r * np.sin(t), r * np.cos(t)])

    n1 = m // 2
    X = np.concatenate([make(0, m - n1), make(1, n1)], axis=1)
    Y = np.concatenate([np.zeros(m - n1), np.ones(n1)])
    order = rng.permutation(m)
    return X[:, order], Y[order].reshape(1, m)


def test_two_arm_spiral_is_bit_for_bit_unchanged() -> None:
    X, Y = generate("spiral", 301, 0.0, np.random.default_rng(7), classes=2)
    X0, Y0 = _old_spiral(301, np.random.default_rng(7))
    assert np.array_equal(X, X0) and np.array_equal(Y, Y0)


@pytest.mark.parametrize("k", [3, 7, 10])
def test_blobs_and_spiral_draw_balanced_k_classes(k: int) -> None:
    for name in ("blobs", "spiral"):
        data = load(DataConfig(name=name, classes=k, samples=101, test_samples=50))
        counts = np.bincount(data.Y_train[0].astype(int), minlength=k)
        assert counts.max() - counts.min() <= 1 and len(counts) == k
        assert data.class_names == tuple(str(i) for i in range(k))
        assert data.n_classes == k


def test_classes_are_validated() -> None:
    with pytest.raises(ConfigError, match="classes"):
        DataConfig(name="blobs", classes=11).validate()
    with pytest.raises(ConfigError, match="classes"):
        DataConfig(name="blobs", classes=1).validate()
    with pytest.raises(ConfigError, match="only blobs and spiral"):
        DataConfig(name="circle", classes=3).validate()


def _train(data_cfg: DataConfig, model_cfg: ModelConfig, train_cfg: TrainConfig) -> float:
    trainer = Trainer(load(data_cfg), model_cfg, train_cfg)
    trainer.run()
    data = trainer.data
    assert trainer.model.sizes[-1] == data.n_classes
    pred = trainer.model.predict(trainer.X_test)
    return MultiClassReport.from_predictions(pred, data.Y_test, data.n_classes).accuracy


def test_three_blobs_without_hidden_layer_reach_97_percent() -> None:
    acc = _train(
        DataConfig(name="blobs", classes=3, samples=300, test_samples=600),
        ModelConfig(),
        TrainConfig(lr=0.1, iterations=300),
    )
    assert acc >= 0.97


def test_three_arm_spiral_with_two_hidden_layers_and_adam_reaches_90_percent() -> None:
    acc = _train(
        DataConfig(name="spiral", classes=3, samples=600, test_samples=600),
        ModelConfig(hidden=(8, 8), activation="tanh"),
        TrainConfig(lr=0.03, iterations=3000, optimizer="adam"),
    )
    assert acc >= 0.90


def test_three_class_csv_with_a_softmax_and_no_hidden_layer_reaches_95_percent(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(11)
    centres = {"setosa": (0.0, 4.0, 1.0), "versicolor": (4.0, 0.0, 2.0), "virginica": (-4, -2, 3)}
    lines = ["petal,sepal,width,species"]
    for name, centre in centres.items():
        for _ in range(120):
            a, b, c = np.asarray(centre) + rng.normal(size=3)
            lines.append(f"{a:.4f},{b:.4f},{c:.4f},{name}")
    order = [lines[0], *rng.permutation(lines[1:]).tolist()]
    path = tmp_path / "flowers.csv"
    path.write_text("\n".join(order) + "\n")
    cfg = DataConfig(source="csv", csv_path=str(path), target="species", test_ratio=0.3)
    data = load(cfg)
    assert data.class_names == ("setosa", "versicolor", "virginica")
    acc = _train(cfg, ModelConfig(), TrainConfig(lr=0.5, iterations=300))
    assert acc >= 0.95


def test_csv_with_eleven_target_values_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("a,y\n" + "".join(f"{i},v{i}\n" for i in range(11)))
    with pytest.raises(DataError, match="more than 10 distinct values") as info:
        load(DataConfig(source="csv", csv_path=str(path), target="y"))
    assert "\n" not in str(info.value)


def test_confusion_matrix_precision_and_recall() -> None:
    y = np.array([[0, 0, 1, 1, 2, 2, 2]], dtype=float)
    p = np.array([[0, 1, 1, 1, 2, 0, 2]], dtype=float)
    c = confusion_matrix_k(p, y, 3)
    assert c.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 2]]
    rep = MultiClassReport.from_predictions(p, y, 3)
    assert rep.accuracy == pytest.approx(5 / 7)
    assert rep.precision == pytest.approx((0.5, 2 / 3, 1.0))
    assert rep.recall == pytest.approx((0.5, 1.0, 2 / 3))
    assert rep.m == 7 and rep.classes == 3
    with pytest.raises(ValueError, match="classes 0 to 2"):
        confusion_matrix_k(np.array([3.0]), np.array([0.0]), 3)


def test_saved_form_of_a_multiclass_model_round_trips() -> None:
    cfg = ModelConfig(hidden=(4,), classes=5)
    assert cfg.to_dict()["classes"] == 5
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    shapes = Network.param_shapes(2, (4,), 5)
    assert shapes == [(4, 2), (4, 1), (5, 4), (5, 1)]


def test_a_saved_multiclass_run_opens_and_continues_identically(tmp_path: Path) -> None:
    from neuron_core.store.restore import rebuild_dataset, record_from_trainer, trainer_from_record
    from neuron_core.store.runfile import load_run, save_run

    data_cfg = DataConfig(name="blobs", classes=4, samples=120, test_samples=60, seed=2)
    train_cfg = TrainConfig(lr=0.05, iterations=400, optimizer="adam")
    original = Trainer(load(data_cfg), ModelConfig(hidden=(3,)), train_cfg)
    original.step(50)
    save_run(tmp_path / "k4.npz", record_from_trainer(original, data_cfg))
    record = load_run(tmp_path / "k4.npz")
    assert record.model_cfg.classes == 4 and record.data_cfg.classes == 4
    loaded = trainer_from_record(record, rebuild_dataset(record))
    for t in (original, loaded):
        t.step(50)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(original.model.get_params(), loaded.model.get_params(), strict=True)
    )
    assert np.array_equal(original.history.train(), loaded.history.train())
