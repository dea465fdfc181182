"""Initialisation ``auto``, the default: zeros for the article's single neuron (first cost
exactly ln 2), He for ReLU hidden layers and Xavier for the other activations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.model.init import resolve_init, symmetric_init_warning
from neuron_core.model.network import Network
from neuron_core.training.trainer import Trainer


def test_auto_is_the_default_and_zeros_for_the_single_neuron() -> None:
    assert ModelConfig().init == "auto"
    assert resolve_init("auto", (), "relu") == "zeros"
    trainer = Trainer(load(DataConfig()), ModelConfig(), TrainConfig(iterations=3))
    assert all(not p.any() for p in trainer.model.get_params())
    trainer.run()
    assert trainer.history.costs[0] == pytest.approx(math.log(2.0), abs=1e-15)


@pytest.mark.parametrize(
    ("activation", "scheme"),
    [("relu", "he"), ("tanh", "xavier"), ("sigmoid", "xavier"), ("linear", "xavier")],
)
def test_auto_with_hidden_layers_follows_the_activation(activation: str, scheme: str) -> None:
    assert resolve_init("auto", (4, 2), activation) == scheme
    auto = Network(2, (4, 2), activation, init="auto", init_seed=3).get_params()
    explicit = Network(2, (4, 2), activation, init=scheme, init_seed=3).get_params()
    assert all(np.array_equal(a, b) for a, b in zip(auto, explicit, strict=True))
    # The hidden units start different, so no symmetry warning.
    assert not np.array_equal(auto[0][0], auto[0][1])
    assert symmetric_init_warning(ModelConfig(hidden=(4, 2), activation=activation)) is None


def test_zeros_stays_selectable_with_its_warning() -> None:
    cfg = ModelConfig(hidden=(3,), init="zeros")
    cfg.validate()
    assert symmetric_init_warning(cfg) is not None
    assert not Network(2, (3,), init="zeros").get_params()[0].any()


def test_an_old_record_without_auto_keeps_its_scheme() -> None:
    """A saved run names its scheme (old files: zeros, the former default): it loads as is."""
    old = ModelConfig.from_dict({"hidden": [3], "init": "zeros", "init_seed": 0})
    assert old.init == "zeros" and symmetric_init_warning(old) is not None
