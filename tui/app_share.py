"""The app's sharing keys: the run's command line (c) and the exports (ctrl+e).

``ShareActions`` is the part of ``NeuronApp`` (``tui.app``) that shows the command reproducing
the run and copies it to the clipboard through the terminal (``tui.screens.run_command``), and
exports the run (``tui.screens.export``): the cost history, the weights and the data points as
``neuron-tui train --export-*`` writes them, or an SVG screenshot (Textual's
``App.save_screenshot``). Both are in the command palette too (from the bindings), next to
Textual's own "Screenshot", which saves into the downloads folder.

An export is written by a thread worker from a consistent snapshot of the run
(``Trainer.snapshot``), so training goes on meanwhile and a large data set does not hold up the
screen; the file is written atomically, and how it went is a notice.
"""

from __future__ import annotations

import os

from textual.app import App

from neuron_core.errors import NeuronError
from neuron_core.store.exports import ExportKind, write_export
from tui.cli.reproduce import command_line
from tui.run.controller import RunController
from tui.screens.export import ExportScreen, Kind
from tui.screens.run_command import CommandScreen


class ShareActions(App[None]):
    """The sharing actions of the app (see the module docstring); ``controller`` is the app's."""

    controller: RunController
    # The folder of the last export (the dialog starts there), and the kind chosen last.
    export_folder: str = ""
    export_kind: Kind = "history"

    def run_command(self) -> str:
        """The shortest ``neuron-tui train ...`` command for the run's current settings."""
        c = self.controller
        return command_line(c.data_cfg, c.model_cfg, c.train_cfg)

    def action_copy_command(self) -> None:
        """c: show the run's command line and copy it to the clipboard (OSC 52)."""
        command = self.run_command()
        self.copy_to_clipboard(command)
        self.push_screen(CommandScreen(command))

    def action_export(self) -> None:
        """ctrl+e: ask what to export and where, then write it."""
        folder = self.export_folder or os.getcwd()

        def chosen(answer: tuple[Kind, str] | None) -> None:
            if answer is None:
                return
            kind, path = answer
            self.export_folder = os.path.dirname(os.path.abspath(path))
            self.export_kind = kind
            if kind == "screenshot":
                # Once the dialog is gone, so the picture is of the app.
                self.call_after_refresh(self._write_screenshot, path)
            else:
                self._write_export(kind, path)

        self.push_screen(ExportScreen(folder, self.export_kind), chosen)

    def _write_screenshot(self, path: str) -> None:
        folder, name = os.path.split(os.path.abspath(path))
        try:
            self.save_screenshot(filename=name, path=folder)
        except OSError as exc:
            self.controller.notice(f"cannot save the screenshot to {path}: {exc}", "error")
        else:
            self.controller.notice(f"saved a screenshot to {path}")

    def _write_export(self, kind: ExportKind, path: str) -> None:
        trainer = self.controller.trainer
        if trainer is None:
            self.controller.notice("there is no run to export yet", "error")
            return
        snapshot = trainer.snapshot()
        notice = self.controller.notice

        def job() -> None:
            try:
                write_export(kind, path, trainer, snapshot)
            except (NeuronError, OSError, ValueError) as exc:
                notice(f"cannot export to {path}: {exc}", "error")
            else:
                notice(f"exported the {kind} to {path}")

        self.run_worker(job, name="export", group="export", thread=True, exit_on_error=False)
