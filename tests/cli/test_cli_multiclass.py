"""``neuron-tui train`` with 3 to 10 classes: --classes, CSV targets with many values, the K x K
confusion matrix and per-class scores in --json and the summary, the command and the exports."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tui.__main__ import main


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["train", *args, "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["train", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_blobs_report_the_confusion_matrix_and_per_class_scores(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weights, points = tmp_path / "w.json", tmp_path / "d.csv"
    args = ("--dataset", "blobs", "--classes", "4", "--samples", "200", "--test-samples", "100")
    rep = _json(
        capsys, *args, "--iterations", "200", "--export-weights", str(weights),
        "--export-data", str(points),
    )  # fmt: skip
    assert rep["classes"] == 4 and rep["class_names"] == ["0", "1", "2", "3"]
    confusion = np.array(rep["confusion"])
    assert confusion.shape == (4, 4) and confusion.sum() == 100
    assert rep["test_accuracy"] == pytest.approx(np.trace(confusion) / 100)
    assert len(rep["precision"]) == len(rep["recall"]) == 4
    assert rep["layer_sizes"] == [2, 4]
    assert rep["first_cost"] == pytest.approx(np.log(4.0), abs=1e-12)
    assert "--classes 4" in rep["command"]
    # The command trains the same run again, bit for bit.
    again = _json(capsys, *shlex.split(rep["command"])[2:])
    assert again["final_cost"] == rep["final_cost"] and again["weights"] == rep["weights"]
    exported = json.loads(weights.read_text())
    assert exported["class_names"] == ["0", "1", "2", "3"]
    assert exported["layers"][-1]["activation"] == "softmax"
    labels = {line.split(",")[2] for line in points.read_text().splitlines()[1:]}
    assert labels == {"0", "1", "2", "3"}


def test_the_summary_names_every_class(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "fruit.csv"
    rng = np.random.default_rng(0)
    rows = [
        f"{x + 3 * k:.3f},{y - 2 * k:.3f},{name}"
        for k, name in enumerate(("apple", "kiwi", "pear"))
        for x, y in rng.normal(size=(30, 2))
    ]
    path.write_text("a,b,fruit\n" + "\n".join(rows) + "\n")
    assert main(["train", "--csv", str(path), "--target", "fruit", "--iterations", "100"]) == 0
    out = capsys.readouterr().out
    assert "softmax output of 3 classes" in out
    assert "'apple' precision" in out and "'pear' precision" in out
    assert "true 'kiwi': " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dataset", "blobs", "--classes", "11"), "--classes: must be at most 10, got 11"),
        (("--dataset", "spiral", "--classes", "1"), "--classes: must be at least 2, got 1"),
        (("--dataset", "xor", "--classes", "3"), "--classes: only blobs and spiral have more"),
        (("--dataset", "blobs", "--classes", "three"), "--classes: must be a whole number"),
    ],
)
def test_classes_out_of_range_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert message in _error(capsys, *args)


def test_a_csv_target_with_eleven_values_is_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "eleven.csv"
    path.write_text("a,y\n" + "".join(f"{i},v{i}\n" for i in range(11)))
    err = _error(capsys, "--csv", str(path), "--target", "y")
    assert "target column 'y' has more than 10 distinct values" in err
