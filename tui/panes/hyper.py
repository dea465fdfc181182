"""The hyperparameters pane: how the model is trained, and the model itself.

Training settings (learning rate, iterations, optimizer, batch size, dtype, regularisation,
stopping rules) post ``TrainConfigChanged`` and apply to the continued run. Model settings
(hidden layers, activation, initialisation, seed) post ``ModelConfigChanged``: a different
model starts the run over; so do the input features, toggled in the dataset pane and handed
here (``set_feature_map``), since this pane keeps the model config. The learning rate has quick
presets (the drop-down next to it, or the ``[`` and ``]`` keys).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from neuron_core.config import (
    ACTIVATIONS,
    DEFAULT_LR,
    DTYPES,
    INITS,
    LOSSES,
    LR_PRESETS,
    LR_SCHEDULES,
    OPTIMIZERS,
    ModelConfig,
    TrainConfig,
)
from neuron_core.errors import ConfigError
from neuron_core.model.init import symmetric_init_warning
from tui.forms import build_config, next_preset, parse_float, parse_hidden, parse_int
from tui.messages import ModelConfigChanged, TrainConfigChanged
from tui.panes.fields import Field, FormPane, stale_note
from tui.panes.schedule_fields import schedule_values, show_schedule_fields

_SEED_FIELDS = {"init_seed": "seed", "seed": "seed"}


def _fmt(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _choices(names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(n, n) for n in names]


def _model_key(cfg: ModelConfig) -> ModelConfig:
    """The part of a model config the form decides (the problem follows the data)."""
    return replace(cfg, problem="classification")


class HyperPane(FormPane):
    """The hyperparameter form; ``model``/``train`` are the configs it last posted."""

    def __init__(self, model: ModelConfig, train: TrainConfig, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self.train = train
        self.border_title = "2 Hyperparameters"

    def compose(self) -> ComposeResult:
        m, t = self.model, self.train

        def text(label: str, field: str, value: str, placeholder: str = "") -> Field:
            widget = Input(value, compact=True, id=field.replace("_", "-"), placeholder=placeholder)
            return Field(label, widget, field=field)

        def choice(label: str, field: str, names: tuple[str, ...], value: str) -> Field:
            widget = Select(
                _choices(names),
                value=value,
                allow_blank=False,
                compact=True,
                id=field.replace("_", "-"),
            )
            return Field(label, widget, field=field)

        presets = Select(
            [(_fmt(p), p) for p in LR_PRESETS], prompt="presets", compact=True, id="lr-preset"
        )
        yield Field("learning rate", Input(_fmt(t.lr), compact=True, id="lr"), presets, field="lr")
        yield text("iterations", "iterations", _fmt(t.iterations))
        yield choice("optimizer", "optimizer", OPTIMIZERS, t.optimizer)
        yield text("batch size", "batch_size", _fmt(t.batch_size), "all (full batch)")
        yield choice("dtype", "dtype", DTYPES, t.dtype)
        yield text("L2 penalty", "l2", _fmt(t.l2))
        yield text("L1 penalty", "l1", _fmt(t.l1))
        yield text("target cost", "target_cost", _fmt(t.target_cost), "none")
        yield text("early stop", "early_stop", _fmt(t.early_stop), "off (patience)")
        yield choice("lr schedule", "lr_schedule", LR_SCHEDULES, t.lr_schedule)
        yield text("lr decay", "lr_decay", _fmt(t.lr_decay), "0 to 1: x per period")
        yield text("decay every", "lr_step_every", _fmt(t.lr_step_every), "iterations")
        yield text("lr min", "lr_min", _fmt(t.lr_min), "cosine's last rate")
        yield text(
            "hidden layers", "hidden", ", ".join(map(str, m.hidden)), "none: one neuron; e.g. 4, 4"
        )
        # One name for every hidden layer, or one per layer typed like the layers ("tanh, relu");
        # the drop-down puts one name for all layers in the field.
        every = Select(_choices(ACTIVATIONS), prompt="all layers", compact=True,
                       id="activation-preset")  # fmt: skip
        act = Input(m.activation, compact=True, id="activation", placeholder="e.g. tanh, relu")
        yield Field("activation", act, every, field="activation")
        yield choice("loss", "loss", LOSSES, m.loss)
        yield text("dropout", "dropout", _fmt(t.dropout))
        yield choice("init", "init", INITS, m.init)
        yield text("seed", "seed", _fmt(m.init_seed))
        yield stale_note()
        yield Static("", id="model-note")

    # -- reading the form -------------------------------------------------------------------
    def _text(self, field: str) -> str:
        return self.query_one(f"#{field.replace('_', '-')}", Input).value

    def _choice(self, field: str) -> str:
        return str(self.query_one(f"#{field.replace('_', '-')}", Select).value)

    def read(self) -> tuple[ModelConfig | None, TrainConfig | None, dict[str, str]]:
        """The configs the form describes (``None`` where invalid) and every bad field's reason
        (keyed by the form's field names)."""
        parse_errors: dict[str, str] = {}

        def get(field: str, parse: Any, **kw: Any) -> Any:
            try:
                return parse(field, self._text(field), **kw)
            except ConfigError as exc:
                parse_errors[field] = exc.message
                return None

        seed = get("seed", parse_int)
        hidden = get("hidden", parse_hidden)
        model_values: dict[str, Any] = {
            f.name: getattr(self.model, f.name) for f in fields(ModelConfig)
        }
        model_fallback = dict(model_values)
        model_values.update(
            hidden=hidden,
            activation=self._text("activation"),
            loss=self._choice("loss"),
            init=self._choice("init"),
            init_seed=seed,
        )
        model_errors = {k: v for k, v in parse_errors.items() if k == "hidden"}
        if "seed" in parse_errors:
            model_errors["init_seed"] = parse_errors["seed"]
        model = build_config(ModelConfig, model_values, model_fallback, model_errors)

        train_values: dict[str, Any] = {
            f.name: getattr(self.train, f.name) for f in fields(TrainConfig)
        }
        train_fallback = dict(train_values)
        train_values.update(
            lr=get("lr", parse_float),
            iterations=get("iterations", parse_int),
            dtype=self._choice("dtype"),
            optimizer=self._choice("optimizer"),
            batch_size=get("batch_size", parse_int, optional=True),
            l1=get("l1", parse_float),
            l2=get("l2", parse_float),
            target_cost=get("target_cost", parse_float, optional=True),
            early_stop=get("early_stop", parse_int, optional=True),
            dropout=get("dropout", parse_float),
            seed=seed,
            lr_schedule=self._choice("lr_schedule"),
            **schedule_values(self._choice("lr_schedule"), get, self.train),
        )
        train_errors = {k: v for k, v in parse_errors.items() if k in train_values}
        train = build_config(TrainConfig, train_values, train_fallback, train_errors)

        errors: dict[str, str] = {}
        for name, message in {**train_errors, **model_errors}.items():
            errors[_SEED_FIELDS.get(name, name)] = message
        return model, train, errors

    def check_form(self) -> None:
        model, train, errors = self.read()
        changed = train != self.train or (
            model is not None and _model_key(model) != _model_key(self.model)
        )
        self.mark(errors, changed=changed)

    def apply_form(self) -> None:
        model, train, errors = self.read()
        self.mark(errors)
        if train is not None and train != self.train:
            self.train = train
            self.post_message(TrainConfigChanged(train))
        if model is not None and _model_key(model) != _model_key(self.model):
            self.model = replace(model, problem=self.model.problem)
            self.post_message(ModelConfigChanged(self.model))
        self._show_note()

    def set_feature_map(self, feature_map: tuple[str, ...] | None) -> ModelConfig | None:
        """New input features (the dataset pane's toggles): the model config they make, for
        the caller to post as ``ModelConfigChanged`` (``None``: nothing changed)."""
        model = replace(self.model, feature_map=feature_map)
        if model == self.model:
            return None
        self.model = model
        self._show_note()
        return model

    def mark_one(self, field: str, message: str) -> bool:
        return super().mark_one(_SEED_FIELDS.get(field, field), message)

    def field_of(self, name: str) -> Field | None:
        return super().field_of(_SEED_FIELDS.get(name, name))

    # -- learning-rate presets --------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "lr-preset" and event.value is not Select.NULL:
            self.set_lr(float(event.value))  # type: ignore[arg-type]
        if event.select.id == "activation-preset" and event.value is not Select.NULL:
            with self.prevent(Input.Changed, Select.Changed):
                self.query_one("#activation", Input).value = str(event.value)
                event.select.clear()
            self.apply_form()
        if event.select.id == "lr-schedule":
            show_schedule_fields(self.fields(), str(event.value))

    def on_mount(self) -> None:
        show_schedule_fields(self.fields(), self.train.lr_schedule)

    def set_lr(self, lr: float) -> None:
        """Put ``lr`` in the field and apply it."""
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#lr", Input).value = _fmt(lr)
            self.query_one("#lr-preset", Select).clear()
        self.apply_form()

    def step_lr(self, direction: int) -> float:
        """The next preset above (``direction`` > 0) or below the current rate, applied."""
        lr = next_preset(self.train.lr, direction)
        self.set_lr(lr)
        return lr

    def follow_problem(self, problem: str) -> float | None:
        """The data now poses ``problem`` (classification or regression): a learning rate still
        at the old kind's default becomes the new kind's (``DEFAULT_LR``), applied; returns it,
        or None when the rate stays (it was chosen, or the kind did not change)."""
        old = self.model.problem
        if problem == old:
            return None
        self.model = replace(self.model, problem=problem)  # type: ignore[arg-type]
        lr = DEFAULT_LR.get(problem)
        if (
            lr is None
            or self.train.lr != DEFAULT_LR.get(old)
            or self._text("lr") != _fmt(self.train.lr)
        ):
            return None
        self.set_lr(lr)
        return lr

    # -- shown by the app -------------------------------------------------------------------
    def show_configs(self, model: ModelConfig, train: TrainConfig) -> None:
        """Fill the form with an opened run's settings without applying them again."""
        self.model, self.train = model, train
        values = {
            "lr": _fmt(train.lr),
            "iterations": _fmt(train.iterations),
            "batch_size": _fmt(train.batch_size),
            "l1": _fmt(train.l1),
            "l2": _fmt(train.l2),
            "target_cost": _fmt(train.target_cost),
            "early_stop": _fmt(train.early_stop),
            "lr_decay": _fmt(train.lr_decay),
            "lr_step_every": _fmt(train.lr_step_every),
            "lr_min": _fmt(train.lr_min),
            "hidden": ", ".join(map(str, model.hidden)),
            "seed": _fmt(model.init_seed),
            "activation": model.activation,
            "dropout": _fmt(train.dropout),
        }
        choices = {
            "dtype": train.dtype,
            "optimizer": train.optimizer,
            "loss": model.loss,
            "init": model.init,
            "lr_schedule": train.lr_schedule,
        }
        with self.prevent(Input.Changed, Select.Changed):
            for field, value in values.items():
                self.query_one(f"#{field.replace('_', '-')}", Input).value = value
            for field, value in choices.items():
                self.query_one(f"#{field.replace('_', '-')}", Select).value = value
        self.mark({})
        show_schedule_fields(self.fields(), train.lr_schedule)
        self._show_note()

    def _show_note(self) -> None:
        note = symmetric_init_warning(self.model)
        if note is None and self.model.problem == "regression" and self.model.loss != "log":
            note = "the loss applies to classification: regression uses the mean squared error"
        shown = self.query_one("#model-note", Static)
        shown.update(f"⚠ {note}" if note else "")  # (a class on the pane restyled ~130 widgets)
        shown.display = bool(note)
