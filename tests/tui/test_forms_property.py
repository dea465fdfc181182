"""Every parser of user input, fed anything: the form parsers (``tui.forms``) and the CLI's
converters (``tui.cli.options``) either return a value or raise ``ConfigError`` naming the field,
with a one-line reason; valid numbers come back exactly as written. Then the app's fields the
per-field table of ``test_app_fields`` does not cover (the CSV file, its test ratio), and a set
of hostile texts typed into every text field of the app: each is marked or accepted, never a
traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from conftest import settle
from hypothesis import example, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Select

from neuron_core.config import (
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    DataConfig,
    ModelConfig,
    TrainConfig,
)
from neuron_core.errors import ConfigError
from tui.app import NeuronApp
from tui.cli.options import OPTIONS, convert
from tui.cli.values import to_float, to_int, to_names, to_widths
from tui.forms import build_config, parse_float, parse_hidden, parse_int, parse_names
from tui.panes.dataset import DatasetPane
from tui.panes.fields import Field, FormPane
from tui.panes.hyper import HyperPane

# Any text a person could type or paste (no lone surrogates: a terminal never sends them).
ANY_TEXT = st.text(max_size=60)
# Text that looks like a number: digits, signs, dots, exponents, grouping, words for infinity.
NUMBERISH = st.text(alphabet="0123456789+-.eE,_ infINFnaN", max_size=30)
# Numbers written in every way the parsers accept.
FINITE = st.floats(allow_nan=False, allow_infinity=False)
# Every whole number a setting could hold (the largest, a seed, is below 2**63).
INTS = st.integers(min_value=-(10**19) + 1, max_value=10**19 - 1)

fast = settings(max_examples=300, deadline=None)


def refuses_properly(parse: Callable[[], object], field: str) -> None:
    """``parse()`` returns, or raises ``ConfigError`` for ``field`` with a one-line reason."""
    try:
        parse()
    except ConfigError as exc:
        assert exc.field == field
        assert exc.message and "\n" not in exc.message
        assert len(exc.message) < 200, exc.message


# --------------------------------------------------------------------------------------------
# tui.forms
# --------------------------------------------------------------------------------------------


@fast
@given(st.one_of(ANY_TEXT, NUMBERISH), st.booleans())
@example("9" * 5000, False)
@example("1e400", False)
@example("1" + "0" * 400, False)
@example("\x00", False)
@example("٣", False)
@example("1,5", False)
def test_number_parsers_accept_or_refuse_with_a_reason(text: str, optional: bool) -> None:
    refuses_properly(lambda: parse_float("lr", text, optional=optional), "lr")
    refuses_properly(lambda: parse_int("samples", text, optional=optional), "samples")
    refuses_properly(lambda: parse_hidden("hidden", text), "hidden")
    names = parse_names(text)
    assert names is None or all(n and n == n.strip() and "," not in n for n in names)


@fast
@given(st.one_of(ANY_TEXT, NUMBERISH))
def test_a_parsed_float_is_never_an_overflow(text: str) -> None:
    # Infinity only when asked for by name: "1e400" is refused, not turned into infinity.
    try:
        value = parse_float("lr", text)
    except ConfigError:
        return
    assert value is not None
    if math.isinf(value):
        assert "inf" in text.lower()


@fast
@given(FINITE)
def test_floats_round_trip(x: float) -> None:
    assert parse_float("lr", repr(x)) == x
    assert parse_float("lr", f"  {x!r} ") == x
    assert parse_float("lr", f"{x:g}") == float(f"{x:g}")


@fast
@given(INTS)
def test_whole_numbers_round_trip_with_any_grouping(n: int) -> None:
    for text in (str(n), f"{n:,}", f"{n:_}", f"{n:,}".replace(",", " "), f" {n} "):
        assert parse_int("samples", text) == n, text
        assert parse_float("lr", text) == float(n), text


@fast
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_in_float_notation(n: int) -> None:
    assert parse_int("samples", f"{float(n):e}") == int(float(f"{float(n):e}"))
    assert parse_int("samples", f"{n}.0") == n


@pytest.mark.parametrize("text", ["0,5", "1,5", "1 2", "12,34", "1_0", "1,0000", "1,5e3"])
def test_digit_grouping_must_be_by_threes(text: str) -> None:
    # "0,5" as five (the grouping comma removed) would be a silent, tenfold mistake.
    for parse in (parse_float, parse_int):
        with pytest.raises(ConfigError, match="group digits by threes"):
            parse("x", text)


@pytest.mark.parametrize("text", ["10,000,000,000,000,000,000", "1e19", "-1e300", "9" * 4000])
def test_whole_numbers_of_twenty_digits_are_far_too_large(text: str) -> None:
    with pytest.raises(ConfigError, match="far too large") as err:
        parse_int("seed", text)
    assert len(err.value.message) < 60


def test_a_pasted_page_is_quoted_short() -> None:
    with pytest.raises(ConfigError) as err:
        parse_float("lr", "abc " * 1000)
    assert len(err.value.message) < 60


@fast
@given(
    st.lists(st.integers(min_value=0, max_value=10**18), max_size=8),
    st.sampled_from([", ", " ", "x", ","]),
)
def test_hidden_widths_round_trip(widths: list[int], sep: str) -> None:
    assert parse_hidden("hidden", sep.join(map(str, widths))) == tuple(widths)


@fast
@given(
    st.lists(
        st.text(alphabet="abcxyz12^_ ", min_size=1, max_size=6).map(str.strip).filter(bool),
        max_size=5,
    )
)
def test_names_round_trip(names: list[str]) -> None:
    parsed = parse_names(", ".join(names))
    assert parsed == (tuple(names) or None)


def _form_values(
    texts: Mapping[str, str], parsers: Mapping[str, tuple[Callable[..., Any], bool]]
) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, (parse, optional) in parsers.items():
        try:
            values[name] = parse(name, texts[name], **({"optional": True} if optional else {}))
        except ConfigError as exc:
            errors[name] = exc.message
            values[name] = None
    return values, errors


TRAIN_PARSERS: dict[str, tuple[Callable[..., Any], bool]] = {
    "lr": (parse_float, False),
    "iterations": (parse_int, False),
    "batch_size": (parse_int, True),
    "l1": (parse_float, False),
    "l2": (parse_float, False),
    "target_cost": (parse_float, True),
    "early_stop": (parse_int, True),
    "seed": (parse_int, False),
}
DATA_PARSERS: dict[str, tuple[Callable[..., Any], bool]] = {
    "samples": (parse_int, False),
    "test_samples": (parse_int, False),
    "noise": (parse_float, False),
    "seed": (parse_int, False),
}


def _check_build(make: Callable[..., Any], texts: dict[str, str], parsers: Any) -> None:
    default = make()
    fallback = {f.name: getattr(default, f.name) for f in fields(default)}
    values, errors = _form_values(texts, parsers)
    cfg = build_config(make, {**fallback, **values}, fallback, errors)
    if cfg is None:
        assert errors and set(errors) <= set(fallback)
        assert all(m and "\n" not in m for m in errors.values())
    else:
        cfg.validate()
        assert not errors


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: st.one_of(ANY_TEXT, NUMBERISH) for k in TRAIN_PARSERS}))
def test_any_training_form_builds_a_valid_config_or_names_every_bad_field(
    texts: dict[str, str],
) -> None:
    _check_build(TrainConfig, texts, TRAIN_PARSERS)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: st.one_of(ANY_TEXT, NUMBERISH) for k in DATA_PARSERS}))
def test_any_data_form_builds_a_valid_config_or_names_every_bad_field(
    texts: dict[str, str],
) -> None:
    _check_build(DataConfig, texts, DATA_PARSERS)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, st.one_of(ANY_TEXT, NUMBERISH))
def test_any_model_form_builds_a_valid_config_or_names_the_bad_field(
    hidden: str, names: str
) -> None:
    default = ModelConfig()
    fallback = {f.name: getattr(default, f.name) for f in fields(ModelConfig)}
    errors: dict[str, str] = {}
    values = dict(fallback, feature_map=parse_names(names))
    try:
        values["hidden"] = parse_hidden("hidden", hidden)
    except ConfigError as exc:
        errors["hidden"] = exc.message
    cfg = build_config(ModelConfig, values, fallback, errors)
    if cfg is None:
        assert set(errors) <= {"hidden", "feature_map"} and errors
    else:
        cfg.validate()


# --------------------------------------------------------------------------------------------
# tui.cli.options (the converters of `neuron-tui train`)
# --------------------------------------------------------------------------------------------


@fast
@given(st.one_of(ANY_TEXT, NUMBERISH))
def test_cli_converters_accept_or_refuse_with_a_reason(text: str) -> None:
    for convert_one, field in (
        (to_int, "iterations"),
        (to_float, "lr"),
        (to_names, "features"),
        (to_widths, "hidden"),
    ):
        refuses_properly(lambda c=convert_one, f=field: c(text, f), field)  # type: ignore[misc]
    for opt in OPTIONS:
        refuses_properly(lambda o=opt: convert(o, text), opt.field)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("convert_one", "text"), [(to_int, "1e999999999"), (to_widths, "9" * 5000)]
)
def test_cli_converters_survive_huge_exponents_and_digit_strings(
    convert_one: Callable[[str, str], object], text: str
) -> None:
    refuses_properly(lambda: convert_one(text, "x"), "x")


@fast
@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_cli_whole_numbers_round_trip(n: int) -> None:
    assert to_int(str(n), "n") == n
    assert to_int(f"{n:_}", "n") == n
    assert to_int(f"{n}.0", "n") == n


@fast
@given(FINITE)
def test_cli_floats_round_trip(x: float) -> None:
    assert to_float(repr(x), "lr") == x


@fast
@given(
    st.lists(
        st.integers(min_value=1, max_value=MAX_NEURONS), min_size=1, max_size=MAX_HIDDEN_LAYERS
    )
)
def test_cli_widths_round_trip(widths: list[int]) -> None:
    assert to_widths(",".join(map(str, widths)), "hidden") == tuple(widths)
    assert to_widths(" , ".join(map(str, widths)), "hidden") == tuple(widths)


# --------------------------------------------------------------------------------------------
# The app's fields
# --------------------------------------------------------------------------------------------

# Texts that have broken parsers elsewhere: overflow, underflow, odd digits and signs, control
# characters, a pasted page, grouping that is not by threes.
HOSTILE = (
    "",
    " ",
    "abc",
    "nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "-1",
    "0",
    "-0",
    "1e99",
    "1e400",
    "-1e400",
    "1e-400",
    "9" * 400,
    "0x10",
    "1,5",
    "1 2",
    "٣",
    "1.5.5",
    "--1",
    "1e",
    "\x00",
    "\t",
    "½",
    "😀",
    "x" * 2_000,
)
# Of those, the texts no text field takes; and those the layer widths take ("1 2" is two layers,
# "x" separates widths as in "4x4").
ALWAYS_BAD = {"abc", "1e400", "-1e400", "1.5.5", "--1", "1e", "\x00", "½", "😀"}
BAD_BUT_WIDTHS = {"1,5", "1 2", "x" * 2_000}
# Fields of the other data source are not read while the generator is selected.
CSV_ONLY = {"csv_path", "test_ratio"}
# The formula field is read only while the generator is "formula" (test_app_formula.py gives
# it these texts then).
UNREAD = CSV_ONLY | {"formula"}
# Nor are a learning-rate schedule's settings while the constant schedule is selected (the
# schedule's own tests mark them while shown: tests/tui/test_app_schedule.py).
SCHEDULE_ONLY = {"lr_decay", "lr_step_every", "lr_min"}
SMALL = DataConfig(samples=100, test_samples=100)


def _text_fields(app: NeuronApp) -> list[tuple[FormPane, Input]]:
    """Every text field of both forms, with its pane."""
    boxes: list[tuple[FormPane, Input]] = []
    for pane in (app.query_one(DatasetPane), app.query_one(HyperPane)):
        boxes.extend((pane, box) for box in pane.query(Input))
    return boxes


async def test_hostile_text_in_every_field_is_marked_or_accepted_never_a_crash() -> None:
    app = NeuronApp(data_cfg=SMALL)
    tried = marked = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        boxes = _text_fields(app)
        assert len(boxes) >= 15  # dataset: 7 text fields (CSV ones too); hyperparameters: 9
        for pane, box in boxes:
            original = box.value
            field = next(a for a in box.ancestors if isinstance(a, Field)).field
            box.focus()
            for text in HOSTILE:
                box.value = text
                # What Enter does (it marks at once; refused values are never used).
                pane.apply_form()
                tried += 1
                if field not in UNREAD | SCHEDULE_ONLY and (
                    text in ALWAYS_BAD or (text in BAD_BUT_WIDTHS and field != "hidden")
                ):
                    assert field in pane.errors(), (field, text)
                    marked += 1
                for name, reason in pane.errors().items():
                    assert reason and "\n" not in reason, (name, reason)
                    if name != "feature_map":
                        # The number parsers quote at most a few dozen characters. (The
                        # feature names are quoted whole by ModelConfig.validate.)
                        assert len(reason) < 200, (name, reason)
            await pilot.press("enter")  # and one real Enter, the last text still there
            box.value = original
            pane.apply_form()
            assert pane.errors() == {}, (box.id, pane.errors())
        await settle(pilot)
        await pilot.press("escape", "space")
        await settle(pilot)
        trainer = app.controller.trainer
        assert trainer is not None and trainer.status == "completed"
    # An exception anywhere in the app would have been raised by run_test.
    assert tried == len(boxes) * len(HOSTILE)
    assert marked >= 14 * len(ALWAYS_BAD)


async def test_csv_path_and_test_ratio_refuse_bad_values(tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    good.write_text("a,b,label\n" + "\n".join(f"{i},{i % 3},{i % 2}" for i in range(40)) + "\n")
    binary = tmp_path / "data.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    app = NeuronApp(data_cfg=SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.query_one(DatasetPane)
        app.query_one("#source", Select).value = "csv"
        await pilot.pause()
        path_box = app.query_one("#csv-path", Input)
        for bad in (tmp_path / "missing.csv", tmp_path, binary, empty, "\x00"):
            path_box.focus()
            path_box.value = str(bad)
            await pilot.press("enter")
            await settle(pilot)
            assert "csv_path" in pane.errors(), bad
            assert app.controller.data_cfg.source == "generator", bad  # not applied
        path_box.focus()
        path_box.value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        assert pane.errors() == {}
        assert app.controller.data_cfg.csv_path == str(good)
        assert app.query_one("#target", Select).value == "label"
        ratio = app.query_one("#test-ratio", Input)
        for bad_ratio in ("", "abc", "-0.1", "0.95", "nan", "inf", "1e400", "0,5"):
            ratio.focus()
            ratio.value = bad_ratio
            await pilot.press("enter")
            assert "test_ratio" in pane.errors(), bad_ratio
            assert app.controller.data_cfg.test_ratio == 0.2
        ratio.focus()
        ratio.value = "0.5"
        await pilot.press("enter")
        await settle(pilot)
        assert pane.errors() == {}
        dataset = app.controller.dataset
        assert dataset is not None and dataset.m_test == 20
