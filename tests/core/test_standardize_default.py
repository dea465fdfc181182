"""CSV data is standardized by default, generated data keeps the article's raw values; a
classifier no better than the majority class is told why and what to try."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuron_core.config import DataConfig
from neuron_core.data.csvfile import load_csv
from neuron_core.data.datasets import load
from neuron_core.metrics import ClassificationReport, majority_note


def write_loans(path: Path) -> Path:
    """400 rows: income (tens of thousands) and age (tens), 29% approved: gradient descent on
    the raw columns overshoots along income and stays no better than answering 'no'."""
    rng = np.random.default_rng(0)
    income, age = rng.normal(50000, 15000, 400), rng.normal(40, 12, 400)
    z = (income - 50000) / 15000 * 1.5 + (age - 40) / 12 - 1.0
    label = np.where(rng.random(400) < 1 / (1 + np.exp(-3 * z)), "yes", "no")
    rows = "".join(f"{a:.0f},{b:.0f},{c}\n" for a, b, c in zip(income, age, label, strict=True))
    path.write_text("income,age,approved\n" + rows, encoding="utf-8")
    return path


def test_csv_is_standardized_by_default_and_generated_data_is_not(tmp_path: Path) -> None:
    csv = DataConfig(source="csv", csv_path=str(write_loans(tmp_path / "l.csv")), target="approved")
    assert csv.standardize is None and csv.standardizes
    data = load_csv(csv)
    assert data.standardization is not None
    assert np.allclose(data.X_train.mean(axis=1), 0.0) and np.allclose(data.X_train.std(axis=1), 1)
    raw = load_csv(DataConfig(**{**csv.to_dict(), "standardize": False, "features": None}))
    assert raw.standardization is None and raw.X_train.max() > 1000
    # The article's line keeps its raw values (first cost ln 2 and its figures).
    line = load(DataConfig())
    assert not DataConfig().standardizes and line.standardization is None
    assert np.array_equal(line.X_train, load(DataConfig(standardize=False)).X_train)
    assert DataConfig(standardize=True).standardizes


def test_the_majority_note() -> None:
    y = np.array([[0, 0, 0, 1]])
    stuck = ClassificationReport.from_predictions(np.zeros((1, 4)), y)
    note = majority_note(stuck, ("no", "yes"), False, "--standardize")
    assert note is not None and "always answering 'no' (75.0% of the examples)" in note
    assert "standardizing the features (--standardize)" in note
    standardized = majority_note(stuck, ("no", "yes"), True, "--standardize")
    assert standardized is not None and "standardiz" not in standardized
    good = ClassificationReport.from_predictions(np.array([[0, 0, 0, 1]]), y)
    assert majority_note(good, None, False, "--standardize") is None
