"""The part of ``NeuronApp`` (``tui.app``) that takes what a person changed by hand in a pane:
the weights and bias typed into the network pane's editor (``e``), and the points placed or
removed in the predictions pane (``o``, ``x``, Backspace), applied to the run."""

from __future__ import annotations

from textual.app import App

from tui.messages import PointEdited, WeightsEdited
from tui.run.controller import RunController
from tui.run.edits import edit_params, edit_points


class EditActions(App[None]):
    """Hand edits of the run (see the module docstring)."""

    controller: RunController

    def on_weights_edited(self, message: WeightsEdited) -> None:
        message.stop()
        edit_params(self.controller, message.edits, message.label)

    def on_point_edited(self, message: PointEdited) -> None:
        message.stop()
        edit_points(self.controller, message.x1, message.x2, message.label)
