"""The workspace's dealings with its two forms: notices that name a field, the first invalid
field, an opened run's settings, every refusal, the input toggles. A part of ``Workspace``
(``tui.panes.workspace``), kept apart so that module stays about the panes' layout and poll."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.messages import ModelConfigChanged, RunNotice, RunOpened
from tui.panes.dataset import DatasetPane
from tui.panes.fields import FormPane, labelled
from tui.panes.hyper import HyperPane
from tui.widgets.feature_toggles import FeatureToggles

if TYPE_CHECKING:
    from textual.app import App


class WorkspaceForms:
    """The form methods of ``Workspace``; it provides the two panes and ``show_pane``."""

    dataset_pane: DatasetPane
    hyper_pane: HyperPane

    if TYPE_CHECKING:
        app: App[Any]  # the workspace's, as a widget's

        def show_pane(self, pane: str) -> None:
            """Show ``pane``: ``Workspace.show_pane``."""

    def show_notice(self, message: RunNotice) -> str:
        """Mark the field a notice names on its form; the notice's text for the app to show,
        naming that field by its label."""
        if message.field is None or message.source is None:
            return message.message
        form = self.dataset_pane if message.source == "data" else self.hyper_pane
        form.mark_one(message.field, message.message)
        row = form.field_of(message.field)
        return message.message if row is None else labelled(row.label, message.message)

    def go_to_error(self) -> str | None:
        """Show the first invalid field of the forms (its pane too) and focus it; its refusal,
        naming it by its label ("L2 penalty must be at least 0"), or None when all are valid."""
        forms: tuple[tuple[str, FormPane], ...] = (
            ("dataset", self.dataset_pane), ("hyper", self.hyper_pane),
        )  # fmt: skip
        for pane, form in forms:
            for row in form.fields().values():
                if row.error and row.display:
                    self.show_pane(pane)
                    row.controls[0].focus()
                    return labelled(row.label, row.error)
        return None

    def show_configs(self, message: RunOpened) -> None:
        """The forms show an opened run's settings (without applying them again)."""
        self.dataset_pane.show_config(message.data_config)
        self.dataset_pane.show_features(message.model_config.feature_map)
        self.hyper_pane.show_configs(message.model_config, message.train_config)

    def form_errors(self) -> dict[str, str]:
        """Every invalid field of both forms: field name -> reason."""
        return {**self.dataset_pane.errors(), **self.hyper_pane.errors()}

    def on_feature_toggles_changed(self, event: FeatureToggles.Changed) -> None:
        """The input toggles (in the dataset pane) change the model, which the hyperparameters
        pane keeps: it applies them as it applies its own model fields."""
        event.stop()
        model = self.hyper_pane.set_feature_map(event.feature_map)
        if model is not None:
            # Posted to the app itself: a message made here and posted to a pane below would
            # stop bubbling here, at its sender.
            self.app.post_message(ModelConfigChanged(model))
