"""The part of ``NeuronApp`` (``tui.app``) that takes what a person changed by hand in a pane:
the weights and bias typed into the network pane's editor (``e``), applied to the run."""

from __future__ import annotations

from textual.app import App

from tui.messages import WeightsEdited
from tui.run.controller import RunController
from tui.run.edits import edit_params


class EditActions(App[None]):
    """Hand edits of the run (see the module docstring)."""

    controller: RunController

    def on_weights_edited(self, message: WeightsEdited) -> None:
        message.stop()
        edit_params(self.controller, message.edits, message.label)
