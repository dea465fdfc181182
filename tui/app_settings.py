"""The app's setting keys and the state its footer follows.

``SettingActions`` is the part of ``NeuronApp`` (``tui.app``) that gives the frequent settings a
key of their own, so that any setting is a key or two away (the others are found by their label
in the command palette, ``tui.field_commands``): ``d`` / ``D`` the next or previous dataset
generator, ``+`` / ``-`` one hidden layer more or less. Each key puts the new value in its field
and applies it, exactly as typing it would (a new dataset or model starts the run over). While a
text field has the focus these keys are characters of the field, like every letter.

``footer_state`` names what the app is doing, for the footer (``tui.widgets.key_footer``), which
shows the keys ``tui.bindings.FOOTER`` lists for that state.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, Select

from neuron_core.config import GENERATORS, MAX_HIDDEN_LAYERS, REGRESSION_GENERATORS
from tui.field_commands import form_fields
from tui.panes.workspace import Workspace
from tui.run.controller import RunController
from tui.screens.field_jump import FieldJump

# The generators in the order ``d`` walks them (the drop-down's order).
GENERATOR_ORDER: tuple[str, ...] = GENERATORS + REGRESSION_GENERATORS
# The width of the first hidden layer ``+`` adds (the next ones copy the last one's width).
FIRST_LAYER_WIDTH = 4


class SettingActions(App[None]):
    """The setting keys of the app (see the module docstring)."""

    workspace: Workspace
    controller: RunController

    def action_generator(self, direction: int) -> None:
        """d and D: the next (``direction`` 1) or previous (-1) generator, applied (a CSV
        source switches to the generators)."""
        pane = self.workspace.dataset_pane
        names = pane.query_one("#name", Select)
        shown = str(names.value)
        at = GENERATOR_ORDER.index(shown) if shown in GENERATOR_ORDER else -direction
        name = GENERATOR_ORDER[(at + direction) % len(GENERATOR_ORDER)]
        # Each change posts Select.Changed: the pane shows the generator's fields and applies.
        pane.query_one("#source", Select).value = "generator"
        names.value = name
        self.notify(f"dataset: {name}", timeout=2.0)

    def action_hidden_layers(self, direction: int) -> None:
        """+ and -: one hidden layer more (as wide as the last, ``FIRST_LAYER_WIDTH`` for the
        first) or one less (the last), applied; a per-layer activation list grows or shrinks
        with it."""
        pane = self.workspace.hyper_pane
        hidden = list(pane.model.hidden)
        if direction > 0 and len(hidden) >= MAX_HIDDEN_LAYERS:
            self.notify(f"at most {MAX_HIDDEN_LAYERS} hidden layers", severity="warning")
            return
        if direction < 0 and not hidden:
            self.notify("no hidden layer to remove: this is the single neuron", timeout=2.0)
            return
        if direction > 0:
            hidden.append(hidden[-1] if hidden else FIRST_LAYER_WIDTH)
        else:
            hidden.pop()
        field = pane.query_one("#hidden", Input)
        act = pane.query_one("#activation", Input)
        names = [n.strip() for n in act.value.split(",")]
        with pane.prevent(Input.Changed):
            field.value = ", ".join(map(str, hidden))
            if len(names) > 1 and len(names) == len(pane.model.hidden):
                # A per-layer activation list follows: a new layer repeats the last one's.
                act.value = ", ".join(names + names[-1:] if direction > 0 else names[:-1])
        pane.apply_form()
        shown = ", ".join(map(str, hidden)) if hidden else "none (a single neuron)"
        self.notify(f"hidden layers: {shown}", timeout=2.0)

    def action_jump_field(self) -> None:
        """f (ctrl+g from a text field): every field with a letter; the letter goes there."""
        if self.screen is not self.workspace.screen:
            return  # a dialog or the palette is open: it keeps the keys
        targets = form_fields(self.workspace)

        def chosen(index: int | None) -> None:
            if index is not None:
                targets[index].go()

        entries = [(t.name, t.place, t.value) for t in targets]
        self.push_screen(FieldJump(entries), chosen)

    def footer_state(self) -> str:
        """What the app is doing, as the footer's table names it: "field" (a text field has
        the keys), "points" (the predictions pane's point cursor is shown), "zoomed",
        "running", "paused", "done" (finished or stopped) or "idle"."""
        if isinstance(self.focused, Input) and self.screen is self.workspace.screen:
            return "field"
        if self.workspace.predictions_pane.placing and self.screen is self.workspace.screen:
            return "points"  # the point cursor is shown: its keys
        if self.workspace.zoom.pane is not None:
            return "zoomed"
        controller = self.controller
        if controller.running:
            return "running"
        trainer = controller.trainer
        if trainer is None or trainer.status == "ready":
            return "idle"
        return "paused" if trainer.status == "paused" else "done"
