"""Pinned cost curves in run files: saved and read back exactly, absent in older files, and a
damaged pin is one ``StoreError`` line like any damaged entry."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.errors import StoreError
from neuron_core.store.pins import MAX_PIN_POINTS, PinnedRun
from neuron_core.store.restore import record_from_trainer
from neuron_core.store.runfile import load_run, save_run
from neuron_core.training.trainer import Trainer

LINE = DataConfig(name="line", samples=200, test_samples=100, seed=5)
Arrays = dict[str, NDArray[Any]]


def _pin(mark: str = "1", points: int = 40) -> PinnedRun:
    iters = np.arange(points, dtype=np.float64) * 5.0
    costs = np.log(2.0) * np.exp(-iters / 100.0)
    return PinnedRun(iters, costs, 200, {"--optimizer": "adam", "--lr": "0.03"}, mark)


def _record(pins: list[PinnedRun]) -> Any:
    trainer = Trainer(load(LINE), ModelConfig(), TrainConfig(iterations=100))
    trainer.step(20)
    return replace(record_from_trainer(trainer, LINE), pins=pins)


def test_pins_round_trip_exactly(tmp_path: Path) -> None:
    pins = [_pin("1"), _pin("2", 7)]
    save_run(tmp_path / "run.npz", _record(pins))
    back = load_run(tmp_path / "run.npz").pins
    assert [(p.mark, p.length, p.settings) for p in back] == [
        (p.mark, p.length, p.settings) for p in pins
    ]
    for got, want in zip(back, pins, strict=True):
        assert got.iters.tobytes() == want.iters.tobytes()
        assert got.costs.tobytes() == want.costs.tobytes()


def test_a_run_without_pins_loads_with_none(tmp_path: Path) -> None:
    save_run(tmp_path / "run.npz", _record([]))
    assert load_run(tmp_path / "run.npz").pins == []
    # An older file: no "pins" in its metadata and no pin entries.
    _rewrite(tmp_path / "run.npz", tmp_path / "old.npz", lambda a, m: m.pop("pins"))
    assert load_run(tmp_path / "old.npz").pins == []


def _rewrite(src: Path, dst: Path, change: Any) -> Path:
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    change(arrays, meta)
    meta_bytes = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez(dst, allow_pickle=False, meta=meta_bytes, **arrays)
    return dst


def _set(key: str, value: object) -> Any:
    def change(arrays: Arrays, meta: dict[str, Any]) -> None:
        meta["pins"][0][key] = value

    return change


def _nan_cost(arrays: Arrays, meta: dict[str, Any]) -> None:
    arrays["pin_0_costs"][3] = np.nan


def _drop_entry(arrays: Arrays, meta: dict[str, Any]) -> None:
    del arrays["pin_0_iters"]


def _many_points(arrays: Arrays, meta: dict[str, Any]) -> None:
    n = MAX_PIN_POINTS + 1
    arrays["pin_0_iters"] = np.arange(n, dtype=np.float64)
    arrays["pin_0_costs"] = np.zeros(n)
    meta["pins"][0]["points"] = n


@pytest.mark.parametrize(
    "change",
    [
        _set("points", 39),
        _set("points", "forty"),
        _set("mark", "12"),
        _set("settings", {"--lr": 3}),
        _set("length", -1),
        _nan_cost,
        _drop_entry,
        _many_points,
        lambda a, m: m.update(pins="all of them"),
    ],
)
def test_damaged_pins_are_one_line(tmp_path: Path, change: Any) -> None:
    save_run(tmp_path / "run.npz", _record([_pin()]))
    bad = _rewrite(tmp_path / "run.npz", tmp_path / "bad.npz", change)
    with pytest.raises(StoreError) as info:
        load_run(bad)
    message = str(info.value)
    assert "\n" not in message and "damaged" in message, message


def test_an_inconsistent_pin_is_not_saved(tmp_path: Path) -> None:
    broken = PinnedRun(np.arange(3.0), np.zeros(4), 3, {}, "1")
    with pytest.raises(StoreError):
        save_run(tmp_path / "run.npz", _record([broken]))
    assert not (tmp_path / "run.npz").exists()
