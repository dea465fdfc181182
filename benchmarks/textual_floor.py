"""What Textual itself costs (issue 13's bounds): two apps made of Textual and nothing of ours.

1. ``FloorApp``: the widget tree of neuron-tui's first frame at 120x40 (the wide layout), the
   same Textual widgets in the same places (every field row a ``Vertical`` holding a
   ``Horizontal`` with a ``Label`` and its controls, and an error ``Static``; the hidden
   fields, the tabs and the network pane hidden as there), with a stylesheet of a dozen rules
   and none of neuron-tui's code: no NumPy, no data, no chart drawn (the app's own widgets are
   blank ``Widget``s here). Its launch to the first frame is what Textual takes to build and
   draw those widgets, a floor for the app's launch however lean its own code becomes.
   ``census`` counts a screen's widgets by Textual class; a test keeps the floor's census the
   app's.
2. ``EscapeApp``: a bare app in which Escape changes a word on the screen. A lone Escape byte
   could begin an escape sequence, so Textual's input thread reports it only when its wait
   for more input ends (``select`` with a 0.1 s timeout in the Linux driver), whatever the
   app does: its key-to-screen time is the floor for Escape in every Textual app.

``benchmarks/bench_app.py`` (launch) and ``benchmarks/bench_latency.py`` (Escape) time these
beside neuron-tui in the same run. ``python benchmarks/textual_floor.py floor|escape`` runs one.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, Tabs

# The form rows at the first frame, in order: the controls of each ("I" an Input, "S" a
# Select, "L" a SelectionList, "C" a Checkbox, "W" a widget of the app's own) and whether the
# row is shown (True) or hidden (False) with the default settings.
DATASET_ROWS = (
    ("S", True), ("S", True), ("I", False), ("I", True), ("I", True), ("I", True),
    ("I", False), ("I", False), ("S", False), ("L", False), ("I", False), ("I", True),
    ("C", True), ("W", True),
)  # fmt: skip
HYPER_ROWS = (
    ("IS", True), ("I", True), ("S", True), ("I", True), ("S", True), ("I", True), ("I", True),
    ("I", True), ("I", True), ("S", True), ("I", False), ("I", False), ("I", False),
    ("I", True), ("IS", True), ("S", True), ("I", True), ("S", True), ("I", True),
)  # fmt: skip
TABS = ("1 Dataset", "2 Hyperparameters", "3 Training", "4 Predictions", "5 Network")
FOOTER = "space Start  n Step  r Reset  g New data  ? Help  q Quit"
CHOICES = [(name, name) for name in ("gd", "momentum", "adam", "rmsprop")]


class Drawn(Widget):
    """Where neuron-tui draws with its own code (charts, the network, the footer): a widget
    that renders a fixed line, or nothing."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def render(self) -> str:
        return self.text


def control(kind: str) -> Widget:
    """One Textual control of the kind ``DATASET_ROWS`` names."""
    if kind == "I":
        return Input("0", compact=True)
    if kind == "S":
        return Select(CHOICES, value="gd", allow_blank=False, compact=True)
    if kind == "L":
        return SelectionList[str](("x1", "x1", True), ("x2", "x2", True), compact=True)
    if kind == "C":
        return Checkbox("no", compact=True)
    return Drawn("[x] x1  [x] x2")


def form(title: str, rows: tuple[tuple[str, bool], ...], statics: int) -> VerticalScroll:
    """A form pane: a row per field (shown or hidden), then ``statics`` notes (the first
    hidden, as the app's "out of date" line)."""
    children: list[Widget] = []
    for number, (kinds, shown) in enumerate(rows):
        row = Horizontal(Label(f"field {number}", classes="label"), *map(control, kinds))
        field = Vertical(row, Static("", classes="error"), classes="field")
        field.display = shown
        children.append(field)
    for number in range(statics):
        note = Static("1,000 train · 2,000 test" if number == 1 else "")
        note.display = number == 1
        children.append(note)
    pane = VerticalScroll(*children, classes="pane")
    pane.border_title = title
    return pane


class FloorScreen(Screen[None]):
    """neuron-tui's first-frame widget tree, with Textual widgets only; like the app's
    ``MainScreen``, it skips Textual's second styling of every widget at its first resume."""

    resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self.resumed:
            event.refresh_styles = False
        self.resumed = True

    def compose(self) -> ComposeResult:
        yield Drawn(id="controller")
        with Vertical(id="body"):
            yield Tabs(*TABS)
            with Horizontal(id="main"):
                with Vertical(id="left"):
                    yield form("1 Dataset", DATASET_ROWS, statics=2)
                    yield form("2 Hyperparameters", HYPER_ROWS, statics=2)
                with Vertical(id="right"):
                    with Horizontal(classes="pane", id="training") as training:
                        training.border_title = "3 Training"
                        yield Drawn(id="chart")
                        yield Static("ready\nIteration 0 / 2,000")
                    with Horizontal(classes="pane") as predictions:
                        predictions.border_title = "4 Predictions"
                        yield Drawn(id="scatter")
                        with Vertical():
                            yield Static("accuracy 51.6%")
                            yield Static("/ true line")
                    with Vertical(classes="pane", id="network") as network:
                        network.border_title = "5 Network"
                        with Horizontal():
                            yield Drawn()
                            yield Drawn()
                        yield Static("")
                        yield Drawn()
            yield Static("", id="status")
        yield Drawn(FOOTER, id="footer")


class FloorApp(App[None]):
    """``FloorScreen`` in an app; ``q`` quits."""

    CSS = """
    #controller, Tabs, #network, #status, .error { display: none; }
    #main { height: 1fr; }
    #left { width: 42; }
    .pane { border: round $primary; height: 1fr; }
    .field { height: auto; }
    .field Horizontal { height: auto; }
    .label { width: 14; }
    .field Input, .field Select { width: 1fr; }
    #chart, #scatter { width: 1fr; }
    #footer { height: 1; dock: bottom; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def get_default_screen(self) -> Screen[None]:
        return FloorScreen()


class EscapeApp(App[None]):
    """A bare app whose Escape counts its presses on the screen ("escape 3"); ``q`` quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "count", priority=True),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static("escape 0", id="presses")

    def action_count(self) -> None:
        self.presses += 1
        self.query_one("#presses", Static).update(f"escape {self.presses}")


def textual_class(widget: DOMNode) -> str:
    """The name of the first class of Textual's own in ``widget``'s ancestry (``Field``, the
    app's, counts as the ``Vertical`` it is)."""
    for cls in type(widget).__mro__:
        if cls.__module__.startswith("textual."):
            return cls.__name__
    return "Widget"


def census(screen: Screen[object]) -> Counter[str]:
    """How many widgets of each Textual class ``screen`` holds (itself excluded)."""
    return Counter(textual_class(widget) for widget in screen.walk_children(with_self=False))


def main(argv: list[str]) -> int:
    apps: dict[str, type[App[None]]] = {"floor": FloorApp, "escape": EscapeApp}
    if len(argv) != 1 or argv[0] not in apps:
        print("usage: textual_floor.py floor|escape", file=sys.stderr)
        return 2
    apps[argv[0]]().run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
