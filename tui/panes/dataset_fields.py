"""The fields of the dataset form, in order (``tui.panes.dataset`` reads and applies them).

Fields marked ``-generator`` or ``-csv`` only show for that source; ``-classes`` (the number of
classes) only for the generators that draw many (blobs, spiral). The last row, ``inputs``,
holds the input-feature toggles: they belong to the model config (``feature_map``) but sit
with the data, as in TensorFlow Playground, since they are built from its two columns. The
``formula`` row shows only while the generator is ``formula``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from textual.widget import Widget
from textual.widgets import Input, Select

from neuron_core.config import GENERATORS, REGRESSION_GENERATORS, DataConfig
from tui.panes.fields import Field, stale_note
from tui.widgets.feature_list import FeatureList
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.yes_no import AutoYesNo

SOURCES: list[tuple[str, str]] = [("generator", "generator"), ("CSV file", "csv")]
# The generator choice whose points a formula labels (``DataConfig.name`` then holds the
# formula itself, ``neuron_core.data.formula``), and what its field holds at first.
FORMULA = "formula"
FORMULA_EXAMPLE = "x2 > 1.23*x1 + 3.23"


def is_formula(name: str) -> bool:
    """Whether the config's generator name is a formula (any name that is not a generator)."""
    return name not in GENERATORS + REGRESSION_GENERATORS


def number_text(value: float | int) -> str:
    """How a config number is written into its field (no float noise, no exponent for ints)."""
    if isinstance(value, int):
        return str(value)
    return f"{value:g}"


def auto_standardize(cfg: DataConfig, source: str) -> bool:
    """Whether data from ``source`` is standardized by default (CSV yes, generated no)."""
    return replace(cfg, source=source, standardize=None).standardizes  # type: ignore[arg-type]


def dataset_fields(cfg: DataConfig, feature_map: tuple[str, ...] | None) -> Iterator[Widget]:
    """The form's rows showing ``cfg``, and the toggles showing ``feature_map``."""
    names = GENERATORS + REGRESSION_GENERATORS
    yield Field(
        "source",
        Select(SOURCES, value=cfg.source, allow_blank=False, compact=True, id="source"),
        field="source",
    )
    yield Field(
        "generator",
        Select(
            [(n, n) for n in (*names, FORMULA)],
            value=FORMULA if is_formula(cfg.name) else cfg.name,
            allow_blank=False,
            compact=True,
            id="name",
        ),
        field="name",
        classes="-generator",
    )
    # Shown while the generator is "formula" (``DatasetPane._show_fields``).
    yield Field(
        "formula",
        Input(cfg.name if is_formula(cfg.name) else FORMULA_EXAMPLE, compact=True, id="formula",
              placeholder=f"e.g. {FORMULA_EXAMPLE}"),
        field="formula",
        classes="-generator -formula",
    )  # fmt: skip
    yield Field(
        "train samples",
        Input(number_text(cfg.samples), compact=True, id="samples"),
        field="samples",
        classes="-generator",
    )
    yield Field(
        "test samples",
        Input(number_text(cfg.test_samples), compact=True, id="test-samples"),
        field="test_samples",
        classes="-generator",
    )
    yield Field(
        "noise",
        Input(number_text(cfg.noise), compact=True, id="noise", placeholder="0 to 0.5"),
        field="noise",
        classes="-generator",
    )
    yield Field(
        "classes",
        Input(number_text(cfg.classes), compact=True, id="classes", placeholder="2 to 10"),
        field="classes",
        classes="-generator -classes",
    )
    yield Field(
        "CSV file",
        Input(cfg.csv_path or "", compact=True, id="csv-path", placeholder="path, Enter reads it"),
        field="csv_path",
        classes="-csv",
    )
    yield Field(
        "target",
        Select([], prompt="(read a file)", compact=True, id="target"),
        field="target",
        classes="-csv",
    )
    yield Field(
        "features",
        FeatureList(id="features", compact=True),
        field="features",
        classes="-csv -tall",
    )
    yield Field(
        "test ratio",
        Input(number_text(cfg.test_ratio), compact=True, id="test-ratio", placeholder="0 to 0.9"),
        field="test_ratio",
        classes="-csv",
    )
    yield Field("seed", Input(number_text(cfg.seed), compact=True, id="data-seed"), field="seed")
    box = AutoYesNo(cfg.standardize, auto_standardize(cfg, cfg.source), id="standardize")
    yield Field("standardize", box, field="standardize")
    yield Field(
        "inputs",
        FeatureToggles(feature_map, id="feature-toggles"),
        field="feature_map",
        classes="-tall",
    )
    yield stale_note()
