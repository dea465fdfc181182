"""Formula datasets: the parser of ``neuron_core.data.formula`` (precedence, associativity,
functions, bounds, hostile input) and the labelling of ``neuron_core.data.formula_data``."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuron_core.config import DataConfig
from neuron_core.data.datasets import generate, load
from neuron_core.data.formula import MAX_DEPTH, MAX_LENGTH, FormulaError, parse
from neuron_core.data.formula_data import evaluate, label
from neuron_core.errors import ConfigError

# Points where each case is evaluated: shape (m,), away from the singular points of the cases.
X1 = np.array([-3.5, -1.25, 0.5, 2.0, 7.75])
X2 = np.array([4.0, -2.5, 1.5, -9.0, 0.25])


def _value(text: str) -> np.ndarray:
    """The left side minus the right side of ``text`` at (X1, X2), by building ``L - R > 0``
    from the parsed tree's two sides (so each side is evaluated by the module under test)."""
    tree = parse(text)
    left = np.broadcast_to(evaluate(tree.left, (X1, X2)), X1.shape)
    right = np.broadcast_to(evaluate(tree.right, (X1, X2)), X1.shape)
    return np.asarray(left - right)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2*3 > 0", 7.0),  # * before +
        ("(1 + 2)*3 > 0", 9.0),
        ("10 - 4 - 3 > 0", 3.0),  # - is left-associative
        ("64 / 4 / 2 > 0", 8.0),  # / is left-associative
        ("2^3^2 > 0", 512.0),  # ^ is right-associative: 2^(3^2)
        ("(2^3)^2 > 0", 64.0),
        ("-2^2 > 0", -4.0),  # unary minus binds looser than ^: -(2^2)
        ("(-2)^2 > 0", 4.0),
        ("2^-1 > 0", 0.5),  # a signed exponent
        ("2*-3 > 0", -6.0),
        ("--3 > 0", 3.0),
        ("+3 > 0", 3.0),
        ("1e-3 > 0", 0.001),
        ("2.5E+2 > 0", 250.0),
        (".5 > 0", 0.5),
        ("3. > 0", 3.0),
        ("3*2^2 > 0", 12.0),  # ^ before *
        ("12 / 2*3 > 0", 18.0),  # * and / share a level, left to right
    ],
)
def test_precedence_and_associativity(text: str, expected: float) -> None:
    assert np.allclose(_value(text), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sin(x1) > 0", np.sin(X1)),
        ("cos(x1) > 0", np.cos(X1)),
        ("tan(x2) > 0", np.tan(X2)),
        ("exp(x1) > 0", np.exp(X1)),
        ("log(abs(x1)) > 0", np.log(np.abs(X1))),
        ("abs(x2) > 0", np.abs(X2)),
        ("sqrt(x1^2 + x2^2) > 0", np.hypot(X1, X2)),
        ("sin(x1)^2 + cos(x1)^2 > 0", np.ones_like(X1)),
        ("x1*x2 - x2/x1 > 0", X1 * X2 - X2 / X1),
        ("-x1^2 > 0", -(X1**2)),
        ("x2 > 1.23*x1 + 3.23", X2 - (1.23 * X1 + 3.23)),
    ],
)
def test_variables_and_functions(text: str, expected: np.ndarray) -> None:
    assert np.allclose(_value(text), expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("x1 < 0.5", X1 < 0.5),
        ("x1 <= 0.5", X1 <= 0.5),
        ("x1 > 0.5", X1 > 0.5),
        ("x1 >= 0.5", X1 >= 0.5),
        ("x1<=x2", X1 <= X2),  # no blanks needed
    ],
)
def test_each_comparison_labels_1_where_it_holds(text: str, holds: np.ndarray) -> None:
    labels = label(parse(text), X1, X2)
    assert labels.shape == X1.shape and labels.dtype == np.float64
    assert np.array_equal(labels, holds.astype(np.float64))


HOSTILE = [
    ("__import__('os')", "unknown name '__import__' at column 1"),
    ("__import__('os').system('true') > 0", "unknown name '__import__' at column 1"),
    ("x1.real > 0", "attribute access ('.') is not allowed, at column 3"),
    ("(x1).real > 0", "attribute access ('.') is not allowed, at column 5"),
    ("lambda: 1", "unknown name 'lambda' at column 1"),
    ("x1 > (lambda: 1)()", "unknown name 'lambda' at column 7"),
    ("open('/etc/passwd') > 0", "unknown name 'open' at column 1"),
    ("x1 > x3", "unknown name 'x3' at column 6"),
    ("pow(x1, 2) > 0", "unknown name 'pow' at column 1"),
    ("sin(x1, x2) > 0", "',' at column 7"),
    ("x1 > 'a'", 'unexpected character "\'" at column 6'),
    ('x1 > "a"', "unexpected character '\"' at column 6"),
    ("x1 > [1][0]", "unexpected character '[' at column 6"),
    ("x1 > {}", "unexpected character '{' at column 6"),
    ("x1 > 0; 1", "unexpected character ';' at column 7"),
    ("x1 > 0 # comment", "unexpected character '#' at column 8"),
    ("x1 > 0\nx2", "unexpected character '\\n' at column 7"),
    ("x1 ** 2 > 0", "'**' at column 4: write a power with ^"),
    ("x1 == 0", "'=' at column 4"),
    ("x1 = 0", "'=' at column 4"),
    ("x1 != 0", "unexpected character '!' at column 4"),
    ("x1 < x2 < 3", "a second comparison at column 9"),
    ("x1 + x2", "missing comparison"),
    ("", "empty"),
    ("   ", "empty"),
    ("x1 >", "ends early"),
    ("x1 > (2", "missing ')'"),
    ("x1 > 2)", "expected an operator at column 7, found ')'"),
    ("x1 > 2 x2", "expected an operator at column 8, found 'x2'"),
    ("sqrt x1 > 0", "expected '(' at column 6"),
    ("x1 > 1e999", "number too large at column 6"),
    # Unicode look-alikes: a dotless i, a full-width digit, a right-to-left override.
    ("x\u0131 > 0", "non-ASCII character '\\u0131' at column 2"),
    ("x\uff11 > 0", "non-ASCII character '\\uff11' at column 2"),
    ("x1 > 0\u202e", "non-ASCII character '\\u202e' at column 7"),
    ("\uff53in(x1) > 0", "non-ASCII character '\\uff53' at column 1"),
    ("x1 > 0\x1b[2J", "unexpected character '\\x1b' at column 7"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[repr(t) for t, _ in HOSTILE])
def test_anything_else_is_one_line_naming_what_and_where(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert isinstance(caught.value, ValueError)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1 > " + "1+" * 5000 + "1", "too long: 10,006 characters (at most 200)"),
        ("x" * 10_000, "too long: 10,000 characters"),
        ("(" * 1000 + "x1" + ")" * 1000 + " > 0", "too long: 2,006 characters"),
        ("(" * (MAX_DEPTH + 1) + "x1" + ")" * (MAX_DEPTH + 1) + " > 0", "nested more than"),
        ("-" * 150 + "x1 > 0", "too long: more than 120 tokens"),
        ("x1 > " + "+".join(["1"] * 70), "too long: more than 120 tokens"),
    ],
)
def test_bounds_are_checked_before_parsing(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_the_limits_allow_real_formulas() -> None:
    deep = "(" * MAX_DEPTH + "x1" + ")" * MAX_DEPTH + " > 0"
    assert parse(deep).op == ">"
    long = "x2 > " + "+".join(["sin(x1)"] * 20)
    assert len(long) <= MAX_LENGTH
    parse(long)
    parse("-" * 100 + "x1 > 0")  # a long chain of signs recurses, within the token bound


# Audit events (PEP 578) seen while `_AUDITING` is set: running or compiling code, importing.
_AUDITING: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _AUDITING and event in (
        "exec",
        "compile",
        "import",
        "open",
        "os.system",
        "subprocess.Popen",
    ):
        _AUDITING[-1].append(event)


sys.addaudithook(_audit)  # hooks cannot be removed; it does nothing unless a test listens


def test_parsing_runs_no_code_and_imports_nothing() -> None:
    """Hostile formulas are refused, and a valid one parsed and evaluated, without compiling,
    running or importing anything (Python's audit events would show it)."""
    modules = set(sys.modules)
    events: list[str] = []
    _AUDITING.append(events)
    try:
        for text, _ in HOSTILE:
            with pytest.raises(FormulaError):
                parse(text)
        labels = label(parse("x2 > sqrt(abs(x1)) + log(2)^-1*exp(-x1^2)"), X1, X2)
    finally:
        _AUDITING.pop()
    assert events == []
    assert labels.shape == X1.shape
    assert set(sys.modules) == modules


@pytest.mark.parametrize(
    "name", ["parse", "re", "np", "FormulaError", "print", "eval", "dict", "sys", "os", "x"]
)
def test_no_name_is_looked_up(name: str) -> None:
    """Names that exist in the parser's module, the builtins or the standard library are as
    unknown as any other: only x1, x2 and the seven functions are words of the language."""
    with pytest.raises(FormulaError, match=f"unknown name '{name}' at column 6"):
        parse(f"x2 > {name}(x1)")


def test_deep_input_raises_no_recursion_error() -> None:
    for text in ("(" * 1000 + "x1", "-" * 100_000 + "x1 > 0", "x1^" * 60 + "x1 > 0"):
        with pytest.raises(FormulaError):
            parse(text)


def test_non_finite_values_are_labelled_0_without_a_warning() -> None:
    x1 = np.array([-4.0, 0.0, 4.0, 1000.0])
    x2 = np.array([1.0, 1.0, 1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        # log(-4) is NaN: class 0 whatever the comparison says; log(0) = -inf compares.
        assert label(parse("log(x1) < 100"), x1, x2).tolist() == [0.0, 1.0, 1.0, 1.0]
        assert label(parse("log(x1) >= 100"), x1, x2).tolist() == [0.0, 0.0, 0.0, 0.0]
        assert label(parse("sqrt(x1) > -1"), x1, x2).tolist() == [0.0, 1.0, 1.0, 1.0]
        # 1/0 = +inf; 0/0 is NaN; exp(1000) overflows to inf and inf - inf is NaN.
        assert label(parse("x2/x1 > 0"), x1, x2).tolist() == [0.0, 1.0, 1.0, 1.0]
        assert label(parse("x1/x1 > 0"), x1, x2).tolist() == [1.0, 0.0, 1.0, 1.0]
        assert label(parse("exp(x1) - exp(x1) < 1"), x1, x2).tolist() == [1.0, 1.0, 1.0, 0.0]
        assert label(parse("0^-1 > x1"), x1, x2).tolist() == [1.0, 1.0, 1.0, 1.0]
        assert label(parse("(-8)^(1/3) > x1"), x1, x2).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_a_constant_formula_labels_every_point_alike() -> None:
    assert label(parse("1 > 0"), X1, X2).tolist() == [1.0] * X1.size


def test_the_article_line_as_a_formula_is_the_line_dataset_bit_for_bit() -> None:
    for noise in (0.0, 0.3):
        line = generate("line", 500, noise, np.random.default_rng(4))
        formula = generate("x2 > 1.23*x1 + 3.23", 500, noise, np.random.default_rng(4))
        assert np.array_equal(line[0], formula[0]) and np.array_equal(line[1], formula[1])
    a = load(DataConfig(name="line", seed=9))
    b = load(DataConfig(name="x2>1.23*x1+3.23", seed=9))
    for part in ("X_train", "Y_train", "X_test", "Y_test"):
        assert np.array_equal(getattr(a, part), getattr(b, part)), part


def test_a_formula_dataset_is_seeded_and_follows_its_formula() -> None:
    cfg = DataConfig(name="x1^2 + x2^2 < 36", samples=400, test_samples=300, seed=2)
    a, b = load(cfg), load(cfg)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.Y_test, b.Y_test)
    inside = (a.X_train**2).sum(axis=0) < 36
    assert np.array_equal(a.Y_train[0], inside.astype(np.float64))
    assert a.problem == "classification" and a.class_names == ("0", "1")
    assert a.true_line is None
    assert (a.X_train[0].min(), a.X_train[0].max()) >= (-10.0, -10.0)
    assert a.X_train[1].min() >= -15.0 and a.X_train[1].max() <= 20.0


@pytest.mark.parametrize(
    ("text", "which"), [("x2 > -100", "class 1"), ("x1 > 10", "class 0"), ("1 < 0", "class 0")]
)
def test_a_formula_with_one_class_is_refused(text: str, which: str) -> None:
    DataConfig(name=text).validate()  # a formula: only the drawn points show it is one class
    with pytest.raises(ConfigError, match=f"every training point is {which}") as caught:
        load(DataConfig(name=text))
    assert caught.value.field == "formula"


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("__import__('os')", "formula", "unknown name '__import__' at column 1"),
        ("x1 >", "formula", "ends early"),
        ("nope", "name", "must be one of line"),
        ("", "name", "must be one of line"),
        ("circel", "name", "or an inequality over x1, x2"),
    ],
)
def test_the_config_names_the_formula_field(name: str, field: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as caught:
        DataConfig(name=name).validate()
    assert caught.value.field == field


def test_a_formula_config_round_trips_through_its_dict() -> None:
    cfg = DataConfig(name="x2 > sin(x1)*5", noise=0.1, seed=3)
    assert DataConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError):
        DataConfig.from_dict({**cfg.to_dict(), "name": "x2 > __class__"})


# Fragments of the language and of Python, so random texts often come close to a formula.
_PIECES = ["x1", "x2", "1", "0", ".5", "1e-3", "2", "+", "-", "*", "/", "^", "(", ")", "<",
           "<=", ">", ">=", " ", "sin(", "log(", "sqrt(", "abs(", "exp(", ".", ",", "=", "**",
           "__import__", "'os'", "lambda", ":", "[", "]", "\u202e", "x"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40) | st.text(max_size=60))
def test_any_text_is_a_formula_or_one_formula_error(pieces: list[str] | str) -> None:
    text = pieces if isinstance(pieces, str) else "".join(pieces)
    try:
        tree = parse(text)
    except FormulaError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels = label(tree, X1, X2)
    assert labels.shape == X1.shape and set(labels.tolist()) <= {0.0, 1.0}
