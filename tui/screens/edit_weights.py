"""Set the selected neuron's weights and bias by typing them (``e`` in the network pane).

One row per parameter of the neuron, each prefilled with its current value (6 significant
digits)::

    ╭─ Edit h1.2 = tanh(w·inputs + b) ────────────╮
    │   w from x1   0.0912                        │
    │   w from x2   0.871                         │
    │   bias b      0.993                         │
    ╰──────────── Enter applies · Escape cancels ─╯

Enter (in any row) applies every row whose text was changed; a row left as it was keeps its exact
value (the prefill is rounded for reading). A value that is not a finite number within
``MAX_ABS_VALUE`` marks its row (``!`` before the label, so it reads without colour), moves the
focus there and says why under the rows; nothing is applied then. Escape closes without a change.
The dialog answers with the edits (``neuron_core.training.edit.ParamEdit``), or ``None``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from neuron_core.training.edit import ParamEdit, parse_value
from tui.messages import WeightsEdited
from tui.screens.dialog import Dialog
from tui.views.network import NetworkParams


def prefill(value: float) -> str:
    """How a value is shown in its field: 6 significant digits (``-1.23457``, ``1e-07``)."""
    return f"{value:.6g}"


class EditWeights(Dialog[list[ParamEdit] | None]):
    """The incoming weights and the bias of unit ``unit`` of ``layer`` (indices of
    ``model.layer_outputs``) of ``net``, as fields; see the module docstring."""

    AUTO_FOCUS = "#edit-w0"
    DEFAULT_CSS = """
    EditWeights {
        align: center middle;
    }
    #edit-box {
        width: 60;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    .edit-row {
        height: 1;
    }
    .edit-label {
        width: 24;
    }
    .edit-row Input {
        width: 1fr;
    }
    .edit-row.-invalid .edit-label {
        color: $error;
        text-style: bold;
    }
    #edit-message {
        display: none;
        color: $warning;
    }
    EditWeights.-has-message #edit-message {
        display: block;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    def __init__(self, net: NetworkParams, layer: int, unit: int) -> None:
        super().__init__()
        self.net, self.neuron = net, (layer, unit)
        W, b = net.weights[layer], net.biases[layer]
        # (source, label, value): the weights from each input in order, then the bias.
        self.rows: list[tuple[int | None, str, float]] = [
            (i, f"w from {net.source_label(layer, i)}", float(W[unit, i]))
            for i in range(W.shape[1])
        ]
        self.rows.append((None, "bias b", float(b[unit])))

    @property
    def heading(self) -> str:
        """``Edit h1.2 = tanh(w·inputs + b)``: which neuron, and what its parameters do."""
        name = self.net.unit_label(*self.neuron)
        return f"Edit {name} = {self.net.function(self.neuron[0])}(w·inputs + b)"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="edit-box") as box:
            box.border_title = self.heading
            box.border_subtitle = "Enter applies · Escape cancels"
            for k, (_, label, value) in enumerate(self.rows):
                with Horizontal(classes="edit-row", id=f"edit-row{k}"):
                    yield Label(f"  {label}", classes="edit-label", markup=False)
                    yield Input(prefill(value), id=f"edit-w{k}", compact=True)
            yield Static("", id="edit-message", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # (the app's forms listen for changes of their own fields only)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        edits: list[ParamEdit] = []
        for k, (source, label, value) in enumerate(self.rows):
            field = self.query_one(f"#edit-w{k}", Input)
            if field.value.strip() == prefill(value):
                self._mark(k, label, None)
                continue
            try:
                edits.append(ParamEdit(*self.neuron, source, parse_value(field.value)))
            except ValueError as exc:
                self._mark(k, label, str(exc))
                self._say(f"{label}: {exc}")
                field.focus()
                return
            self._mark(k, label, None)
        self.dismiss(edits)

    def _mark(self, k: int, label: str, problem: str | None) -> None:
        """Mark row ``k`` as invalid (a ``!`` before its label, and the theme's error colour)
        or clear the mark."""
        self.query_one(f"#edit-row{k}", Horizontal).set_class(problem is not None, "-invalid")
        mark = "! " if problem is not None else "  "
        self.query_one(f"#edit-row{k} .edit-label", Label).update(f"{mark}{label}")

    def _say(self, message: str) -> None:
        self.query_one("#edit-message", Static).update(message)
        self.set_class(bool(message), "-has-message")

    def action_cancel(self) -> None:
        """Escape: close without a change."""
        self.dismiss(None)


def edit_neuron(node: Widget, net: NetworkParams, layer: int, unit: int) -> None:
    """Open the editor of unit ``unit`` of ``layer`` of ``net``; what it applies is posted by
    ``node`` as ``WeightsEdited`` (it bubbles up to the app, which changes the run)."""
    label = net.unit_label(layer, unit)

    def chosen(edits: list[ParamEdit] | None) -> None:
        if edits:
            node.post_message(WeightsEdited(tuple(edits), label))

    node.app.push_screen(EditWeights(net, layer, unit), chosen)
