"""The app's key bindings: one table, read by the app, the footer, the help and the palette.

Every binding has an ``id`` and a ``tooltip``; the help screen and the command palette are
generated from this table (``tui.keys``, ``tui.commands``), never from a hand-written list. The
actions are the app's (``NeuronApp.action_*``). ``FOOTER`` says which of them the footer
(``tui.widgets.key_footer``) shows in each state of the app, by binding id.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui.bindings_teach import TEACH_BINDINGS

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
        "d",
        "generator(1)",
        "Next generator",
        tooltip="Dataset: the next generator (line, moons, ... then the regression ones)",
        show=False,
        id="data.next-generator",
    ),
    Binding(
        "D,shift+d",
        "generator(-1)",
        "Previous generator",
        tooltip="Dataset: the previous generator",
        show=False,
        id="data.previous-generator",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        tooltip="Bring back the run a reset, new data or a new model replaced (u again redoes)",
        show=False,
        id="run.undo",
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
    Binding(
        "plus",
        "hidden_layers(1)",
        "Add layer",
        tooltip="Hidden layers: add one, as wide as the last (the first has 4 neurons)",
        show=False,
        id="run.add-layer",
    ),
    Binding(
        "minus",
        "hidden_layers(-1)",
        "Remove layer",
        tooltip="Hidden layers: remove the last one (none left: the article's single neuron)",
        show=False,
        id="run.remove-layer",
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
        "p",
        "pin",
        "Pin",
        tooltip="Cost chart: pin this run's curve, to compare the next runs with (up to 5)",
        id="view.pin",
    ),
    Binding(
        "P,shift+p",
        "clear_pins",
        "Clear pins",
        tooltip="Cost chart: remove the pinned curves (u brings them back)",
        show=False,
        id="view.clear-pins",
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
    Binding(
        "f",
        "jump_field",
        "Fields",
        tooltip="Go to any field of the forms: each has a letter, which goes there",
        id="app.fields",
    ),
    # The same from inside a text field (priority: before the field takes the key).
    Binding(
        "ctrl+g",
        "jump_field",
        "Fields",
        tooltip="Go to any field, also from inside a text field",
        show=False,
        priority=True,
        id="app.fields-anywhere",
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

APP_BINDINGS += TEACH_BINDINGS  # the Math view and the tour (``tui.bindings_teach``)

# The footer, by the state of the app (``SettingActions.footer_state``): the keys a person needs
# next, most needed first. The footer shows as many as fit its width, each where its binding is
# in the table above (so a key never moves between states), with the palette's ^p always at the
# right. An entry is a label ("": the binding's description) and one or more binding ids whose
# keys are shown together ("[ ] lr"; "key:tab" names a key Textual binds without an id); a key
# shows only while its binding is active.
FooterEntry = tuple[str, tuple[str, ...]]
_DATA: FooterEntry = ("data", ("data.next-generator", "data.previous-generator"))
_LR: FooterEntry = ("lr", ("run.lr-down", "run.lr-up"))
_LAYERS: FooterEntry = ("layers", ("run.add-layer", "run.remove-layer"))
_CURSOR: FooterEntry = ("Cursor", ("view.cursor-left",))
_PIN: FooterEntry = ("", ("view.pin",))
_ZOOM: FooterEntry = ("", ("view.zoom",))
_HELP: FooterEntry = ("", ("app.help",))
_QUIT: FooterEntry = ("", ("app.quit",))
_LOG: FooterEntry = ("", ("view.log",))
_RECENT: FooterEntry = ("", ("view.recent",))
_SPACE: FooterEntry = ("", ("run.start", "run.resume", "run.pause"))
_STEP: FooterEntry = ("", ("run.step",))
_FIELDS: FooterEntry = ("", ("app.fields",))
_RESET: FooterEntry = ("", ("run.reset",))
_NEW_DATA: FooterEntry = ("", ("data.new-seed",))
FOOTER: dict[str, tuple[FooterEntry, ...]] = {
    # Nothing run yet: set up and start.
    "idle": (_SPACE, _STEP, _DATA, _LR, _LAYERS, _ZOOM, _HELP, _QUIT, _FIELDS,
             _RESET, _NEW_DATA, _LOG, _RECENT, _CURSOR),
    # Training: watch it and steer the learning rate.
    "running": (_SPACE, _LR, _LOG, _RECENT, _ZOOM, _CURSOR, _HELP, _QUIT,
                _NEW_DATA, _RESET),
    "paused": (_SPACE, _STEP, _LR, _ZOOM, _LOG, _RECENT, _HELP, _QUIT, _FIELDS, _RESET,
               _CURSOR, _DATA, _LAYERS, _NEW_DATA, _PIN),
    # Finished (or diverged): look at the result, or change something and go again.
    "done": (_SPACE, _RESET, _LOG, _RECENT, _ZOOM, _HELP, _QUIT, _FIELDS, _DATA, _LR,
             _LAYERS, _NEW_DATA, _CURSOR, _PIN),
    "zoomed": (_SPACE, ("", ("view.unzoom",)), _CURSOR,
               _LOG, _RECENT, _LR, _HELP, _QUIT),
    # A text field has the keys: the letters type, these get out.
    "field": (("", ("form.leave-field",)), ("Apply", ("key:enter",)),
              ("Next field", ("key:tab",)), ("", ("app.fields-anywhere",)),
              ("", ("app.quit-anywhere",))),
}  # fmt: skip

# The Math view's key, where the footer has room: after the keys above, so none of them moves.
_MATH: FooterEntry = ("", ("view.math",))
for _state in ("idle", "paused", "done"):
    FOOTER[_state] += (_MATH,)
# The predictions pane's point cursor (``tui.charts.point_cursor``): how to show it wherever the
# pane has the focus (the arrows, first: active only there), and its keys while it is shown.
_POINTS: FooterEntry = ("", ("points.left",))
# The network pane's weight editor (``tui.screens.edit_weights``), first too: active only there.
_EDIT: FooterEntry = ("Edit", ("network.edit",))
for _state in ("idle", "running", "paused", "done"):
    FOOTER[_state] = (_EDIT, _POINTS, *FOOTER[_state])
FOOTER["points"] = (("", ("points.class-0",)), ("", ("points.class-1",)),
                    ("", ("points.remove",)), ("move", ("points.left",)), ("", ("points.hide",)),
                    _SPACE, _STEP, _ZOOM, _HELP, _QUIT)  # fmt: skip
