"""The dataset pane: a generator or a CSV file, the split, noise, seed and standardization.

Every applied change posts ``DataConfigChanged`` (the app then draws or reads the data again and
the run starts over). For a CSV file, Enter in the path field reads the header and offers its
columns: the target in a drop-down, the features in a checklist (all but the target, at first).
The ``inputs`` toggles choose the model's input features (``FeatureToggles``; their changes
go to the model settings, not to the data). Under the form, a summary shows the split, the class
balance and the dataset's warnings.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, SelectionList, Static

from neuron_core.config import MAX_SEED, MULTICLASS_GENERATORS, DataConfig
from neuron_core.data.dataset import Dataset
from neuron_core.data.formula import FormulaError, parse
from neuron_core.errors import ConfigError, DataError
from tui.forms import build_config, parse_float, parse_int
from tui.messages import DataConfigChanged
from tui.panes.dataset_fields import (
    FORMULA,
    auto_standardize,
    dataset_fields,
    is_formula,
    number_text,
)
from tui.panes.fields import Field, FormPane
from tui.views.dataset import dataset_summary
from tui.widgets.feature_list import FeatureList, column_options
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.yes_no import AutoYesNo

# Fields that only matter for one source: hidden (and not checked) for the other.
_GENERATOR_ONLY = ("name", "samples", "test_samples", "noise", "classes")
_CSV_ONLY = ("csv_path", "target", "features", "test_ratio")


class DatasetPane(FormPane):
    """The dataset form; ``applied`` is the last config it posted (or was shown)."""

    def __init__(
        self,
        config: DataConfig,
        feature_map: tuple[str, ...] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.applied = config
        self._feature_map = feature_map  # what the toggles show at first
        self.border_title = "1 Dataset"
        self._columns: list[str] = []
        self._columns_path: str | None = None
        # The last file that could not be read, and why (shown until the path changes).
        self._columns_error: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield from dataset_fields(self.applied, self._feature_map)
        yield Static("", id="data-summary")

    def on_mount(self) -> None:
        self._show_fields()
        if self.applied.source == "csv" and self.applied.csv_path:
            self._read_columns(self.applied.csv_path, quiet=True)

    # -- reading the form -------------------------------------------------------------------
    @property
    def source(self) -> str:
        """The selected source ("generator" or "csv")."""
        return str(self.query_one("#source", Select).value)

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _csv_path(self) -> str:
        return os.path.expanduser(self._text("csv-path").strip())

    def read(self) -> tuple[DataConfig | None, dict[str, str]]:
        """The config the form describes, or ``None`` with the reason of every bad field."""
        errors: dict[str, str] = {}
        fallback = {f.name: getattr(self.applied, f.name) for f in fields(DataConfig)}
        values: dict[str, Any] = dict(fallback)
        source = self.source
        values["source"] = source

        def number(field: str, widget_id: str, parse: Any) -> None:
            try:
                values[field] = parse(field, self._text(widget_id))
            except ConfigError as exc:
                errors[field] = exc.message

        number("seed", "data-seed", parse_int)
        values["standardize"] = self.query_one(AutoYesNo).setting
        if source == "generator":
            values["name"] = str(self.query_one("#name", Select).value)
            if values["name"] == FORMULA:
                self._read_formula(values, errors)
            number("samples", "samples", parse_int)
            number("test_samples", "test-samples", parse_int)
            number("noise", "noise", parse_float)
            number("classes", "classes", parse_int)
            # Only blobs and spiral draw more than 2 classes; the others keep 2 (field hidden).
            if values["name"] not in MULTICLASS_GENERATORS:
                values["classes"] = 2
        else:
            values["csv_path"] = self._csv_path() or None
            target = self.query_one("#target", Select).value
            values["target"] = None if target is Select.NULL else str(target)
            chosen = tuple(self.query_one(FeatureList).selected)
            others = tuple(c for c in self._columns if c != values["target"])
            # Every other column ticked is the config's default (None), kept canonical so the
            # same choice always gives an equal config (and no needless reload).
            values["features"] = None if chosen and chosen == others else chosen
            number("test_ratio", "test-ratio", parse_float)
            path = values["csv_path"]
            if path and path != self._columns_path:
                failed = self._columns_error
                errors["csv_path"] = (
                    failed[1]
                    if failed is not None and failed[0] == path
                    else "press Enter in this field to read the file"
                )
        if fallback["source"] != source:
            # The fallbacks of the other source's fields are not meaningful: clear them so the
            # config's own checks name what is missing ("give the path of a CSV file").
            fallback.update(csv_path=None, target=None, features=None)
        cfg = build_config(DataConfig, values, fallback, errors)
        return cfg, errors

    def _read_formula(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """The formula field's text as the config's name. It is read as a formula here: the
        config would take a bare word for a generator's name ("circle" would be the circle)."""
        text = self._text("formula").strip()
        try:
            parse(text)
        except FormulaError as exc:
            values["name"] = self.applied.name
            errors["formula"] = str(exc)
            return
        values["name"] = text

    def check_form(self) -> None:
        cfg, errors = self.read()
        self.mark(errors, changed=cfg != self.applied)

    def apply_form(self) -> None:
        if self.source == "csv":
            path = self._csv_path()
            if path and path != self._columns_path:
                self._read_columns(path)
        cfg, errors = self.read()
        self.mark(errors)
        if cfg is not None and cfg != self.applied:
            self.applied = cfg
            self.post_message(DataConfigChanged(cfg))

    # -- CSV columns ------------------------------------------------------------------------
    def _read_columns(self, path: str, *, quiet: bool = False) -> None:
        """Read the header of ``path`` and offer its columns (the last one as the target)."""
        from neuron_core.data.csvfile import read_header

        try:
            columns = read_header(path)
        except DataError as exc:
            self._columns, self._columns_path = [], None
            self._columns_error = (path, str(exc))
            self.query_one("#target", Select).set_options([])
            self.query_one(FeatureList).clear_options()
            self.mark_one("csv_path", str(exc))
            if not quiet:
                self.notify(str(exc), title="Cannot read the file", severity="error")
            return
        self._columns, self._columns_path = columns, path
        self._columns_error = None
        cfg = self.applied
        same_file = cfg.source == "csv" and cfg.csv_path == path
        target = cfg.target if same_file and cfg.target in columns else columns[-1]
        features = cfg.features if same_file else None
        with self.prevent(Select.Changed, SelectionList.SelectedChanged):
            select = self.query_one("#target", Select)
            select.set_options(column_options(columns))
            select.value = target
            self._offer_features(target, features)

    def _offer_features(self, target: str, chosen: tuple[str, ...] | None) -> None:
        """Every column but the target, checked when in ``chosen`` (all when ``None``)."""
        self.query_one(FeatureList).offer([c for c in self._columns if c != target], chosen)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("source", "name"):
            self._show_fields()
        if event.select.id == "source":
            with self.prevent(AutoYesNo.Changed):
                self.query_one(AutoYesNo).follow(auto_standardize(self.applied, str(event.value)))
        elif event.select.id == "target" and event.value is not Select.NULL:
            kept = tuple(self.query_one(FeatureList).selected)
            with self.prevent(SelectionList.SelectedChanged):
                self._offer_features(str(event.value), kept or None)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Ticking features marks problems at once; the data is read again when the list is
        left (one CSV read for several ticks)."""
        event.stop()
        self.check_form()

    def on_descendant_blur(self, event: Any) -> None:
        if isinstance(event.widget, FeatureList):
            self.apply_form()

    def _show_fields(self) -> None:
        """The fields of the source chosen (``-generator`` / ``-csv``), the formula's while the
        generator is ``formula``, the number of classes for a generator that has them. Through
        each field's ``display`` (one inline style), not classes on the pane: those restyled its
        ~90 widgets (a tenth of the start-up, and again at each change of generator)."""
        other_source = "-generator" if self.source == "csv" else "-csv"
        name = self.query_one("#name", Select).value
        for field in self.query(Field):
            shown = not field.has_class(other_source)
            if field.has_class("-formula"):
                shown = shown and name == FORMULA
            if field.has_class("-classes"):
                shown = shown and name in MULTICLASS_GENERATORS
            field.display = shown

    # -- shown by the app -------------------------------------------------------------------
    def show_config(self, cfg: DataConfig) -> None:
        """Fill the form with ``cfg`` (an opened run) without applying it again."""
        self.applied = cfg
        with self.prevent(Input.Changed, Select.Changed, AutoYesNo.Changed):
            self.query_one("#source", Select).value = cfg.source
            self.query_one("#name", Select).value = FORMULA if is_formula(cfg.name) else cfg.name
            if is_formula(cfg.name):
                self.query_one("#formula", Input).value = cfg.name
            for widget_id, value in (
                ("samples", cfg.samples),
                ("test-samples", cfg.test_samples),
                ("noise", cfg.noise),
                ("classes", cfg.classes),
                ("test-ratio", cfg.test_ratio),
                ("data-seed", cfg.seed),
            ):
                self.query_one(f"#{widget_id}", Input).value = number_text(value)
            self.query_one("#csv-path", Input).value = cfg.csv_path or ""
            self.query_one(AutoYesNo).show(cfg.standardize, auto_standardize(cfg, cfg.source))
        self._show_fields()
        self.mark({})
        if cfg.source == "csv" and cfg.csv_path:
            self._read_columns(cfg.csv_path, quiet=True)

    def show_features(self, feature_map: tuple[str, ...] | None) -> None:
        """The toggles show ``feature_map`` (an opened run's) without applying it again."""
        self.query_one(FeatureToggles).show_features(feature_map)

    def bump_seed(self) -> int:
        """``g``: the next seed (seed + 1, wrapping), shown in the field and applied."""
        seed = self.applied.seed + 1 if self.applied.seed < MAX_SEED else 0
        with self.prevent(Input.Changed):
            self.query_one("#data-seed", Input).value = str(seed)
        cfg, errors = self.read()
        if cfg is None:
            # Another field is invalid: apply the new seed to the last valid config instead.
            cfg = replace(self.applied, seed=seed)
        self.mark(errors)
        self.applied = cfg
        self.post_message(DataConfigChanged(cfg))
        return seed

    def show_summary(self, dataset: Dataset | None, loading: float | None) -> None:
        """The split, class balance and warnings of ``dataset`` (or the loading progress)."""
        text: Text | str = ""
        if loading is not None:
            text = f"loading… {100.0 * loading:.0f}%"
        elif dataset is not None:
            self.query_one(FeatureToggles).set_data_inputs(dataset.n_features)
            lines, warnings = dataset_summary(dataset)
            text = Text("\n".join(lines))
            for warning in warnings:
                text.append(f"\n⚠ {warning}", style="bold")
        self.query_one("#data-summary", Static).update(text)
