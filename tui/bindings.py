"""The app's key bindings: one table, read by the app, the footer, the help and the palette.

Every binding has an ``id`` and a ``tooltip``; the help screen and the command palette are
generated from this table (``tui.keys``, ``tui.commands``), never from a hand-written list. The
actions are the app's (``NeuronApp.action_*``).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("space", "start", "Start", tooltip="Start training", id="run.start"),
    Binding("space", "resume", "Resume", tooltip="Continue training", id="run.resume"),
    Binding("space", "pause", "Pause", tooltip="Pause after the current chunk", id="run.pause"),
    Binding("n", "step", "Step", tooltip="One iteration (while paused)", id="run.step"),
    Binding(
        "r",
        "reset",
        "Reset",
        tooltip="Back to the initial parameters, same data (the history is cleared)",
        id="run.reset",
    ),
    Binding(
        "g", "new_seed", "New data", tooltip="Draw a new dataset (seed + 1)", id="data.new-seed"
    ),
    Binding(
        "left_square_bracket",
        "lr_preset(-1)",
        "Lower lr",
        tooltip="Learning rate: the next smaller preset",
        show=False,
        id="run.lr-down",
    ),
    Binding(
        "right_square_bracket",
        "lr_preset(1)",
        "Raise lr",
        tooltip="Learning rate: the next larger preset",
        show=False,
        id="run.lr-up",
    ),
    Binding("l", "toggle_log", "Log", tooltip="Cost chart: logarithmic cost axis", id="view.log"),
    Binding(
        "w",
        "toggle_recent",
        "Recent",
        tooltip="Cost chart: only the most recent iterations",
        show=False,
        id="view.recent",
    ),
    Binding(
        "z",
        "zoom",
        "Zoom",
        tooltip="The chart you are looking at fills the screen (z or Escape gives it back)",
        id="view.zoom",
    ),
    Binding(
        "z", "unzoom", "Unzoom", tooltip="Give the zoomed chart back (Escape too)", id="view.unzoom"
    ),
    Binding(
        "left",
        "cursor(-1)",
        "Cursor",
        tooltip="Cost chart: a cursor that reads iteration, train and test cost (the mouse too)",
        key_display="←→",
        id="view.cursor-left",
    ),
    Binding(
        "right",
        "cursor(1)",
        "Cursor right",
        tooltip="Cost chart: move the cursor one column right",
        show=False,
        id="view.cursor-right",
    ),
    Binding(
        "escape",
        "hide_cursor",
        "Hide cursor",
        tooltip="Cost chart: hide the cursor (a zoomed chart is given back first)",
        show=False,
        id="view.cursor-off",
    ),
    Binding(
        "1",
        "show_pane('dataset')",
        "Dataset",
        tooltip="Show the dataset pane",
        show=False,
        id="view.pane-1",
    ),
    Binding(
        "2",
        "show_pane('hyper')",
        "Hyperparameters",
        tooltip="Show the hyperparameters pane",
        show=False,
        id="view.pane-2",
    ),
    Binding(
        "3",
        "show_pane('training')",
        "Training",
        tooltip="Show the training pane",
        show=False,
        id="view.pane-3",
    ),
    Binding(
        "4",
        "show_pane('predictions')",
        "Predictions",
        tooltip="Show the predictions pane",
        show=False,
        id="view.pane-4",
    ),
    Binding(
        "5",
        "show_pane('network')",
        "Network",
        tooltip="Show the network: every weight, and the selected neuron's output",
        show=False,
        id="view.pane-5",
    ),
    # Listed in the help and the palette; the footer keeps its 80 columns for the keys above.
    Binding("ctrl+s", "save", "Save", tooltip="Save the run to a file", show=False, id="file.save"),
    Binding("ctrl+o", "open", "Open", tooltip="Open a saved run", show=False, id="file.open"),
    Binding(
        "ctrl+e",
        "export",
        "Export",
        tooltip="Write the cost history, the weights or the data to a file, or a screenshot",
        show=False,
        id="file.export",
    ),
    Binding(
        "c",
        "copy_command",
        "Copy run command",
        tooltip="Show the command line that repeats this run, and copy it (OSC 52)",
        show=False,
        id="file.copy-command",
    ),
    Binding("question_mark,f1", "help", "Help", tooltip="Every key, explained", id="app.help"),
    Binding("q", "quit", "Quit", tooltip="Quit at once (training stops)", id="app.quit"),
    # ctrl+q quits from anywhere, even a text field (priority: checked before the widgets).
    Binding(
        "ctrl+q",
        "quit",
        "Quit",
        tooltip="Quit at once (training stops)",
        show=False,
        priority=True,
        id="app.quit-anywhere",
    ),
    # ctrl+c quits too, from anywhere (Textual's default only explains how to quit): people
    # press it by reflex, and the session is saved either way. A system binding, so the
    # help and the palette keep one Quit row.
    Binding("ctrl+c", "quit", show=False, priority=True, system=True, id="app.quit-ctrl-c"),
]
