"""``neuron-tui train`` with the model and training options: hidden layers, activations,
initialisation, optimizers, mini-batches, penalties, input features, stop conditions, regression.

Runs go through ``main(argv)`` in-process (helpers shared with test_cli.py); where it matters the
results are compared with the engine run directly on the same configs, so the test checks that
each option reaches the config field it names.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

# Helpers of the CLI tests (pytest puts this directory on sys.path: tests are not a package).
from test_cli import ROOT, run, run_json

from neuron_core.config import FEATURE_MAPS, DataConfig, ModelConfig, TrainConfig
from neuron_core.data.datasets import load
from neuron_core.model.init import symmetric_init_warning
from neuron_core.store.runfile import load_run
from neuron_core.training.trainer import Trainer
from tui.__main__ import main
from tui.cli.options import OPTIONS, options_markdown

SYMMETRIC = symmetric_init_warning(ModelConfig(hidden=(2,), init="zeros"))
assert SYMMETRIC is not None


def _engine(data: DataConfig, model: ModelConfig, train: TrainConfig) -> Trainer:
    """The same run done by the engine directly (problem taken from the data, as the CLI does)."""
    dataset = load(data)
    trainer = Trainer(dataset, replace(model, problem=dataset.problem), train)
    trainer.run()
    return trainer


def _shapes(matrices: list[list[list[float]]]) -> list[tuple[int, int]]:
    """(rows, columns) of each matrix given as a list of rows, checking the rows agree."""
    out = []
    for W in matrices:
        assert len({len(row) for row in W}) == 1
        out.append((len(W), len(W[0])))
    return out


# --------------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------------


def test_a_hidden_layer_network_learns_the_circle(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--dataset", "circle", "--hidden", "4,2", "--activation", "tanh", "--init",
            "xavier", "--optimizer", "adam", "--lr", "0.03", "--iterations", "1500",
            "--noise", "0.05"]  # fmt: skip
    code, rep = run_json(capsys, *args)
    assert code == 0 and rep["stopped"] == "completed"
    assert rep["test_accuracy"] >= 0.95  # a single neuron cannot beat ~50% on a circle
    assert (rep["problem"], rep["hidden"], rep["layer_sizes"]) == (
        "classification",
        [4, 2],
        [2, 4, 2, 1],
    )
    assert (rep["activation"], rep["init"], rep["optimizer"]) == ("tanh", "xavier", "adam")
    assert rep["warnings"] == []
    # Per-layer parameters: W_l (n_l, n_{l-1}) as lists of rows, b_l as n_l values.
    assert _shapes(rep["weights"]) == [(4, 2), (2, 4), (1, 2)]
    assert [len(b) for b in rep["biases"]] == [4, 2, 1] and rep["bias"] is None
    # Exactly the engine's result for the configs the options name.
    trainer = _engine(
        DataConfig(name="circle", noise=0.05),
        ModelConfig(hidden=(4, 2), activation="tanh", init="xavier"),
        TrainConfig(optimizer="adam", lr=0.03, iterations=1500),
    )
    params = trainer.model.get_params()
    assert rep["weights"] == [W.tolist() for W in params[0::2]]
    assert rep["biases"] == [b.reshape(-1).tolist() for b in params[1::2]]
    assert rep["final_cost"] == float(trainer.history.train()[-1])


@pytest.mark.parametrize(
    ("hidden", "sizes"),
    [("8", [2, 8, 1]), ("3,1,2,3,1,2", [2, 3, 1, 2, 3, 1, 2, 1]), (" 2 , 5 ", [2, 2, 5, 1])],
)
def test_json_weights_have_the_layer_shapes(
    capsys: pytest.CaptureFixture[str], hidden: str, sizes: list[int]
) -> None:
    code, rep = run_json(capsys, "--hidden", hidden, "--init", "uniform", "--iterations", "3")
    assert code == 0 and rep["layer_sizes"] == sizes
    assert _shapes(rep["weights"]) == [(b, a) for a, b in itertools.pairwise(sizes)]
    assert [len(b) for b in rep["biases"]] == sizes[1:]
    assert all(isinstance(v, float) for W in rep["weights"] for row in W for v in row)


@pytest.mark.parametrize("none", ["none", "", "NONE"])
def test_no_hidden_layer_is_the_single_neuron(
    capsys: pytest.CaptureFixture[str], none: str
) -> None:
    code, rep = run_json(capsys, "--hidden", none, "--iterations", "50")
    assert code == 0 and rep["hidden"] == [] and rep["layer_sizes"] == [2, 1]
    assert len(rep["weights"]) == 2 and isinstance(rep["bias"], float) and rep["biases"] is None
    assert abs(rep["first_cost"] - math.log(2.0)) < 1e-12


def test_zero_init_with_hidden_layers_warns(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, "--hidden", "3", "--init", "zeros", "--iterations", "20")
    assert code == 0 and rep["warnings"] == [SYMMETRIC]
    # The warning is true: the three hidden units stay identical.
    W1 = np.array(rep["weights"][0])
    assert np.array_equal(W1, np.repeat(W1[:1], 3, axis=0))
    code, out, err = run(capsys, "--hidden", "3", "--init", "zeros", "--iterations", "20")
    assert code == 0 and err == ""
    assert f"warning: {SYMMETRIC}\n" in out
    assert "model: network 2-3-1, tanh hidden" in out
    assert "weights: 13 parameters, weight matrices 3x2, 1x3" in out
    # Breaking the symmetry silences it; an activation without hidden layers gets a note.
    assert (
        run_json(capsys, "--hidden", "3", "--init", "he", "--iterations", "5")[1]["warnings"] == []
    )
    _, rep = run_json(capsys, "--activation", "relu", "--iterations", "5")
    assert rep["warnings"] == ["--activation has no effect without hidden layers (--hidden)"]


# --------------------------------------------------------------------------------------------
# Regression, input features, training options
# --------------------------------------------------------------------------------------------


def test_regression_on_reg_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(
        capsys, "--dataset", "reg-line", "--problem", "regression", "--noise", "0.1",
        "--lr", "0.01", "--iterations", "2000",
    )  # fmt: skip
    assert code == 0 and rep["problem"] == "regression"
    assert math.isfinite(rep["test_r2"]) and rep["test_r2"] > 0.9
    assert rep["train_r2"] > 0.9 and rep["test_rmse"] > 0
    assert rep["test_accuracy"] is None and rep["confusion"] is None
    # y = 1.23 x + 3.23 plus noise: the neuron finds the article's line.
    assert rep["weights"] == [pytest.approx(1.23, abs=0.05)]
    assert rep["bias"] == pytest.approx(3.23, abs=0.3)


def test_the_problem_defaults_from_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, "--dataset", "reg-plane", "--iterations", "50")
    assert code == 0 and rep["problem"] == "regression"
    code, rep = run_json(capsys, "--dataset", "moons", "--problem", "classification",
                         "--iterations", "50")  # fmt: skip
    assert code == 0 and rep["problem"] == "classification"


def test_features_are_input_features_for_generated_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A single neuron separates a circle on x1^2 and x2^2 (not on x1, x2).
    code, rep = run_json(capsys, "--dataset", "circle", "--features", "x1^2, x2^2",
                         "--iterations", "1500")  # fmt: skip
    assert code == 0
    assert rep["features"] == ["x1", "x2"] and rep["inputs"] == ["x1^2", "x2^2"]
    assert len(rep["weights"]) == 2 and rep["test_accuracy"] >= 0.99
    code, rep = run_json(capsys, "--dataset", "circle", "--features", ",".join(FEATURE_MAPS),
                         "--iterations", "5")  # fmt: skip
    assert code == 0 and rep["inputs"] == list(FEATURE_MAPS) and rep["layer_sizes"] == [7, 1]
    code, out, _ = run(capsys, "--dataset", "circle", "--features", "x1*x2", "--iterations", "5")
    assert code == 0 and "inputs: x1*x2\n" in out and "weights: x1*x2 " in out


def test_training_options_reach_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--dataset", "gauss", "--samples", "300", "--optimizer", "momentum",
            "--batch-size", "64", "--l1", "0.001", "--l2", "0.01", "--test-every", "25",
            "--init", "uniform", "--init-seed", "7", "--seed", "3", "--lr", "0.05",
            "--iterations", "400"]  # fmt: skip
    code, rep = run_json(capsys, *args)
    assert code == 0
    assert (rep["optimizer"], rep["batch_size"], rep["l1"], rep["l2"]) == (
        "momentum",
        64,
        0.001,
        0.01,
    )
    assert (rep["test_every"], rep["init"], rep["init_seed"], rep["seed"]) == (25, "uniform", 7, 3)
    trainer = _engine(
        DataConfig(name="gauss", samples=300, seed=3),
        ModelConfig(init="uniform", init_seed=7),
        TrainConfig(optimizer="momentum", batch_size=64, l1=0.001, l2=0.01, test_every=25,
                    lr=0.05, iterations=400, seed=3),
    )  # fmt: skip
    assert rep["final_cost"] == float(trainer.history.train()[-1])
    assert rep["weights"] == trainer.model.get_params()[0].reshape(-1).tolist()
    assert trainer.history.n_test == 400 // 25
    code, out, _ = run(capsys, *args)
    assert "settings: momentum, lr 0.05, batches of 64, float64, l1 0.001, l2 0.01" in out


def test_target_cost_stops_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, rep = run_json(capsys, "--target-cost", "0.2", "--iterations", "100000")
    assert code == 0
    assert rep["stopped"] == "target_reached" and rep["status"] == "target_reached"
    assert rep["final_cost"] <= 0.2 < rep["first_cost"] and rep["iterations"] < 100_000
    assert rep["target_cost"] == 0.2 and "reached the target 0.2" in rep["reason"]
    code, out, _ = run(capsys, "--target-cost", "0.2", "--iterations", "100000")
    assert code == 0 and f"stopped: target reached at iteration {rep['iterations']:,}" in out


def test_early_stop_counts_test_cost_measurements(capsys: pytest.CaptureFixture[str]) -> None:
    # On 100 noisy xor points a network overfits; the test cost then stops improving.
    args = ["--dataset", "xor", "--noise", "0.3", "--samples", "100", "--hidden", "8,8",
            "--init", "xavier", "--optimizer", "adam", "--lr", "0.05", "--iterations", "20000",
            "--early-stop", "5", "--test-every", "20"]  # fmt: skip
    code, rep = run_json(capsys, *args)
    assert code == 0
    assert rep["stopped"] == "early_stopped" and rep["early_stop"] == 5
    assert rep["iterations"] < 20_000 and rep["iterations"] % 20 == 0
    assert "has not improved for 5 measurements" in rep["reason"]


def test_save_and_load_with_adam_continue_bit_identically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "adam.npz")
    common = ["--dataset", "xor", "--hidden", "4,3", "--init", "xavier", "--optimizer", "adam",
              "--lr", "0.02", "--batch-size", "50", "--samples", "400"]  # fmt: skip
    code, first = run_json(capsys, *common, "--iterations", "300", "--save", path)
    assert code == 0 and load_run(path).model_cfg.hidden == (4, 3)
    assert load_run(path).stepper_state  # the Adam moments are in the file
    code, cont = run_json(capsys, "--load", path, "--iterations", "700")
    assert code == 0 and cont["iterations_run"] == 400
    assert (cont["hidden"], cont["optimizer"], cont["batch_size"]) == ([4, 3], "adam", 50)
    code, whole = run_json(capsys, *common, "--iterations", "700")
    assert code == 0
    assert cont["final_cost"] == whole["final_cost"] != first["final_cost"]
    assert cont["weights"] == whole["weights"] and cont["biases"] == whole["biases"]
    # A loaded run takes new training settings, but not a new model.
    code, rep = run_json(capsys, "--load", path, "--iterations", "400", "--optimizer", "momentum")
    assert code == 0 and rep["optimizer"] == "momentum" and rep["iterations_run"] == 100


# --------------------------------------------------------------------------------------------
# Bad values: one line, exit 2
# --------------------------------------------------------------------------------------------

BAD_MODEL_INPUT = [
    (["--hidden", "9"], "--hidden: at most 8 neurons per layer, got 9"),
    (["--hidden", "1,2,3,4,5,6,7"], "--hidden: at most 6 hidden layers, got 7"),
    (["--hidden", "a"], "--hidden: give layer widths as whole numbers like 4,2 (or none)"),
    (["--hidden", "4,,2"], "--hidden: give layer widths as whole numbers"),
    (["--hidden", "2.5"], "--hidden: give layer widths as whole numbers"),
    (["--hidden", "-1"], "--hidden: give layer widths as whole numbers"),
    (["--hidden", "0"], "--hidden: a layer needs at least 1 neuron; for no hidden layer give none"),
    (["--hidden", "4,0"], "--hidden: a layer needs at least 1 neuron"),
    (["--hidden"], "expected one argument"),
    (["--activation", "swish"], "--activation: must be one of tanh, relu, sigmoid, linear"),
    (["--init", "glorot"], "--init: must be one of auto, zeros, uniform, xavier, he"),
    (["--init-seed", "-1"], "--init-seed: must be at least 0"),
    (["--init-seed", "x"], "--init-seed: must be a whole number, got 'x'"),
    (["--optimizer", "sgd"], "--optimizer: must be one of gd, momentum, adam"),
    (["--batch-size", "0"], "--batch-size: must be at least 1, got 0"),
    (["--batch-size", "2.5"], "--batch-size: must be a whole number"),
    (["--l1", "nan"], "--l1: must be a number, got NaN"),
    (["--l1", "1e9"], "--l1: must be at most 1000"),
    (["--l2", "-1"], "--l2: must be at least 0, got -1"),
    (["--l2", "inf"], "--l2: must be finite"),
    (["--target-cost", "inf"], "--target-cost: must be finite"),
    (["--target-cost", "-0.1"], "--target-cost: must be at least 0"),
    (["--early-stop", "0"], "--early-stop: must be at least 1, got 0"),
    (["--test-every", "0"], "--test-every: must be at least 1, got 0"),
    (["--problem", "nope"], "--problem: must be one of classification, regression"),
    (["--problem", "regression"], "--problem: the line dataset is a classification problem"),
    (["--dataset", "reg-line", "--problem", "classification"],
     "--problem: the reg-line dataset is a regression problem, not classification; use "
     "--problem regression or leave it out"),
    (["--csv", "x.csv", "--target", "y", "--problem", "regression"],
     "--problem: CSV data is a classification problem"),
    (["--features", "x3"], "--features: must be one of x1, x2, x1^2, x2^2, x1*x2, sin(x1)"),
    (["--features", "x1,x1"], "--features: each input feature may appear once"),
    (["--features", ""], "--features: choose at least one input feature"),
    (["--features", "x1,,x2"], "--features: an empty feature name in 'x1,,x2'"),
    (["--dataset", "reg-line", "--features", "x1"],
     "--features: input features are built from 2-D data (x1, x2); reg-line has 1 feature"),
    (["--load", "run.npz", "--hidden", "2"], "--hidden cannot be used with --load"),
    (["--load", "run.npz", "--features", "x1"], "--features cannot be used with --load"),
    (["--load", "run.npz", "--problem", "regression"], "--problem cannot be used with --load"),
    (["--load", "run.npz", "--init-seed", "1"], "--init-seed cannot be used with --load"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"), BAD_MODEL_INPUT, ids=[" ".join(a) for a, _ in BAD_MODEL_INPUT]
)
def test_bad_model_and_training_values(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("neuron-tui: error: "), err
    assert message in err


# --------------------------------------------------------------------------------------------
# Help and the README table
# --------------------------------------------------------------------------------------------


def test_help_explains_both_uses_of_features(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Generated 2-D data: the model's input features, from x1, x2, x1^2" in out
    assert "With --csv: the CSV feature columns" in out
    assert "--hidden N,N" in out and "(default: none)" in out
    assert "--problem KIND" in out and "(default: from the data)" in out
    assert "(default: full batch)" in out and "143 terminated (SIGTERM)" in out


def test_options_markdown_is_a_well_formed_table() -> None:
    lines = options_markdown().splitlines()
    assert lines[:2] == ["| Option | Default | Meaning |", "| --- | --- | --- |"]
    assert len(lines) == 2 + len(OPTIONS)
    for line, opt in zip(lines[2:], OPTIONS, strict=True):
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) == 5, line  # 3 cells: no unescaped | inside
        assert cells[1].strip().startswith(f"`{opt.flag}")
        assert "*" not in re.sub(r"\\\*|`[^`]*`", "", line)  # no stray emphasis
    assert "| `--hidden N,N` | `none` |" in options_markdown()


def test_the_readme_shows_the_generated_options_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert options_markdown() in readme, (
        "the README's options table is out of date; regenerate it with: python -c "
        "'from tui.cli.options import options_markdown; print(options_markdown(), end=\"\")'"
    )


def test_json_keys_are_the_same_for_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    _, neuron = run_json(capsys, "--iterations", "5")
    _, network = run_json(capsys, "--hidden", "2", "--init", "he", "--iterations", "5")
    _, regression = run_json(capsys, "--dataset", "reg-plane", "--iterations", "5")
    assert set(neuron) == set(network) == set(regression)


def test_init_auto_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    """``--init auto`` (the default): zeros for the single neuron, xavier/he with --hidden, and
    the summary and --help say so."""
    code, rep = run_json(capsys, "--iterations", "5")
    assert code == 0 and (rep["init"], rep["init_setting"]) == ("zeros", "auto")
    assert abs(rep["first_cost"] - math.log(2.0)) < 1e-12
    code, rep = run_json(capsys, "--hidden", "3", "--iterations", "5")
    assert code == 0 and rep["warnings"] == [] and rep["init"] == "xavier"
    W1 = np.array(rep["weights"][0])
    assert not np.array_equal(W1[0], W1[1])
    _, rep = run_json(capsys, "--hidden", "3", "--activation", "relu", "--iterations", "5")
    assert rep["init"] == "he"
    code, out, _ = run(capsys, "--hidden", "3", "--iterations", "5")
    assert "xavier init (auto, seed 0)" in out
    assert main(["train", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "auto: zeros for the single neuron" in help_text


def test_regression_has_its_own_default_learning_rate(capsys: pytest.CaptureFixture[str]) -> None:
    """reg-line diverged with the article's 0.1; regression now starts at 0.01 and converges, and
    a rate that will diverge is named with the preset to use."""
    for name in ("reg-line", "reg-plane"):
        code, rep = run_json(capsys, "--dataset", name)
        assert code == 0 and rep["lr"] == 0.01 and rep["status"] == "completed", name
        assert rep["final_cost"] < 1e-12 and rep["warnings"] == []
    code, rep = run_json(capsys, "--dataset", "line", "--iterations", "5")
    assert rep["lr"] == 0.1
    code, rep = run_json(capsys, "--dataset", "reg-line", "--lr", "0.1", "--iterations", "50")
    assert code == 0 and len(rep["warnings"]) == 1
    assert "will diverge on this data" in rep["warnings"][0]
    assert rep["warnings"][0].endswith("try --lr 0.01")


def test_csv_is_standardized_by_default_and_a_stuck_run_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    income, age = rng.normal(50000, 15000, 400), rng.normal(40, 12, 400)
    z = (income - 50000) / 15000 * 1.5 + (age - 40) / 12 - 1.0
    label = np.where(rng.random(400) < 1 / (1 + np.exp(-3 * z)), "yes", "no")
    path = tmp_path / "loans.csv"
    rows = "".join(f"{a:.0f},{b:.0f},{c}\n" for a, b, c in zip(income, age, label, strict=True))
    path.write_text("income,age,approved\n" + rows, encoding="utf-8")
    args = ("--csv", str(path), "--target", "approved")
    code, rep = run_json(capsys, *args)
    assert code == 0 and rep["train_accuracy"] > 0.9 and rep["warnings"] == []
    code, out, _ = run(capsys, *args, "--no-standardize")
    assert code == 0
    warning = next(line for line in out.splitlines() if "nothing learned yet" in line)
    assert "always answering 'no'" in warning and "(--standardize)" in warning
