"""The network as a text diagram: every weight's sign and size, and a selectable neuron.

One column per layer, one row per unit; the weights into a unit sit between the previous column
and the unit's label, so they read as the connections between the two layers::

    inputs  h1 tanh          h2 tanh           out σ
    x1      +█-▃ [h1.1]      +▆-·+▂-█ [h2.1]   -▄+█ »out«
    x2      -▂+▆ [h1.2]      -▂+▄-▆+· [h2.2]
            +·-█ [h1.3]
            -▄-▂ [h1.4]

    out = σ(-0.91·h2.1 +2.13·h2.2 +0.07)
    + positive  - negative  size ·▂▄▆█ = |w| up to the largest, 2.1  ←→↑↓ select

Each weight is two characters, readable without colour (NO_COLOR, 16 colours, a screen reader on
the captured text): its sign (``+``, ``-``, a blank for exactly 0) and its size as a bar
(``·▂▄▆█``: about 0, 1/4, 1/2, 3/4, all of the largest |w| in the network). The order of a unit's
weights is the order of the previous column, top to bottom. Colour ($success for positive, $error
for negative, from the theme) only adds to it. Under the diagram, the selected neuron's incoming
weights and bias as numbers, written as its formula.

The selected neuron (``»h1.2«``; reverse video when the widget has focus) moves with the arrow
keys, or a click on a label; every change posts ``NeuronSelected``, and so does ``enter``. When
the network is wider than the widget, the columns pan to keep the selected layer in view (``‹``,
``›`` mark hidden layers); a column taller than the widget scrolls with the selection.

``show`` is cheap to call at the app's refresh rate: the same parameters return at once, and new
ones repaint only the rows whose text changed (over SSH a still network costs nothing, a
training one a few lines per refresh).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.widget import Widget

from tui.views.network import NetworkParams
from tui.widgets.network_drawing import Drawing, draw_network, natural_width
from tui.widgets.network_labels import CURSOR, MUTED, NEG, PLAIN, POS, TITLE

F64 = NDArray[np.float64]


@dataclass
class NeuronSelected(Message):
    """The person selected a neuron: ``layer`` indexes ``model.layer_outputs`` (0 = the first
    hidden layer, the last = the output), ``unit`` the neuron in it (from 0)."""

    layer: int
    unit: int


class NetworkView(Widget, can_focus=True):
    """The layers as a text diagram with every weight's sign and size; see the module docstring.

    ``show(params, input_names, activation, problem)`` draws a model's parameters; ``selected``
    is the (layer, unit) under the cursor, always valid for the parameters shown (a change of
    architecture moves it to the output, without a message).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up", "move(0, -1)", "Unit up", tooltip="Select the unit above", show=False,
            id="network.up",
        ),
        Binding(
            "down", "move(0, 1)", "Unit down", tooltip="Select the unit below", show=False,
            id="network.down",
        ),
        Binding(
            "left", "move(-1, 0)", "Layer left", tooltip="Select a unit of the previous layer",
            show=False, id="network.left",
        ),
        Binding(
            "right", "move(1, 0)", "Layer right", tooltip="Select a unit of the next layer",
            show=False, id="network.right",
        ),
        Binding(
            "enter", "choose", "Show neuron",
            tooltip="Draw the selected neuron's output over the data", id="network.choose",
        ),
    ]  # fmt: skip

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "network-view--positive",
        "network-view--negative",
        "network-view--muted",
        "network-view--title",
        "network-view--cursor",
    }

    DEFAULT_CSS = """
    NetworkView {
        height: auto;
    }
    NetworkView > .network-view--positive {
        color: $success;
    }
    NetworkView > .network-view--negative {
        color: $error;
    }
    NetworkView > .network-view--muted {
        color: $text-muted;
    }
    NetworkView > .network-view--title {
        color: $text-muted;
        text-style: bold;
    }
    NetworkView > .network-view--cursor {
        text-style: bold;
    }
    NetworkView:focus > .network-view--cursor {
        text-style: bold reverse;
    }
    """

    def __init__(
        self,
        *,
        hint: str = "no model yet",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.hint = hint
        self._net: NetworkParams | None = None
        self._selected = (0, 0)
        self._drawing: Drawing | None = None
        self._drawn_size: tuple[int, int] | None = None
        self._natural = (0, 0)
        # How many repaints ``show``/selection changes asked for (full or partial): tests and
        # benchmarks read it as a measure of the output volume.
        self.redraws = 0

    # -- public ----------------------------------------------------------------------------------

    @property
    def selected(self) -> tuple[int, int]:
        """(layer, unit) of the selected neuron, as in ``model.layer_outputs``."""
        return self._selected

    @property
    def network(self) -> NetworkParams | None:
        """The parameters shown, or None."""
        return self._net

    def show(
        self,
        params: Sequence[NDArray[np.floating]],
        input_names: tuple[str, ...],
        activation: str | None,
        problem: str,
    ) -> None:
        """Draw ``params`` (``model.get_params()`` order); returns at once when they are the ones
        shown, and repaints only the rows that changed otherwise."""
        self.show_network(NetworkParams.from_params(params, input_names, activation, problem))

    def show_network(self, net: NetworkParams) -> None:
        """Draw ``net`` (see ``show``)."""
        old = self._net
        if old is not None and net.same_as(old):
            return
        self._net = net
        if old is None or old.sizes != net.sizes:
            self._selected = (net.n_layers - 1, 0)
        self._update()

    def clear(self) -> None:
        """Back to the hint (no model)."""
        if self._net is not None:
            self._net = None
            self._update()

    def select(self, layer: int, unit: int) -> None:
        """Move the cursor to (layer, unit) (clamped to the network) and post ``NeuronSelected``
        when it moved."""
        net = self._net
        if net is None:
            return
        layer = min(max(layer, 0), net.n_layers - 1)
        unit = min(max(unit, 0), net.sizes[layer + 1] - 1)
        if (layer, unit) == self._selected:
            return
        self._selected = (layer, unit)
        self._update()
        self.post_message(NeuronSelected(layer, unit))

    # -- keys and mouse --------------------------------------------------------------------------

    def action_move(self, d_layer: int, d_unit: int) -> None:
        """Arrows: up/down across the units of a layer, left/right across layers."""
        layer, unit = self._selected
        self.select(layer + d_layer, unit + d_unit)

    def action_choose(self) -> None:
        """Enter: post ``NeuronSelected`` for the current selection (e.g. to redraw it)."""
        if self._net is not None:
            self.post_message(NeuronSelected(*self._selected))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        drawing = self._drawing
        if offset is None or drawing is None:
            return
        for hit in drawing.hits:
            if hit.row == offset.y and hit.x0 <= offset.x < hit.x1:
                self.select(hit.layer, hit.unit)
                return

    def on_focus(self) -> None:
        self.refresh()  # the cursor's style depends on focus

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------------

    def _draw(self, width: int, height: int | None) -> Drawing:
        return draw_network(self._net, self._selected, width, height, self.hint)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """Every layer side by side (for ``width: auto``; a narrower widget pans the layers)."""
        return self._natural[1] or natural_width(self._net, self._selected)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the drawing needs at ``width`` (for ``height: auto``)."""
        return len(self._draw(width, None).lines)

    def _update(self) -> None:
        """Recompose and repaint only the lines that changed (nothing if none did)."""
        width, height = self.size.width, self.size.height
        if not self.is_mounted or width <= 0 or height <= 0:
            self._drawing = None
            self.refresh(layout=True)
            return
        old = self._drawing
        natural = (len(self._draw(width, None).lines), natural_width(self._net, self._selected))
        new = self._draw(width, height)
        self._drawing = new
        self._drawn_size = (width, height)
        if old is None or natural != self._natural:
            # New natural lines or width may change the widget's size (``auto``).
            self._natural = natural
            self.redraws += 1
            self.refresh(layout=True)
            return
        n = max(len(old.lines), len(new.lines))
        changed = [
            r
            for r in range(n)
            if r >= len(old.lines) or r >= len(new.lines) or old.lines[r] != new.lines[r]
        ]
        if not changed:
            return
        # One region per run of changed lines: a training network usually changes a row of
        # glyphs and the formula, far apart, and the lines between them stay on screen.
        regions: list[Region] = []
        start = prev = changed[0]
        for r in [*changed[1:], -1]:
            if r != prev + 1:
                regions.append(Region(0, start, width, prev - start + 1))
                start = r
            prev = r
        self.redraws += 1
        self.refresh(*regions)

    def render(self) -> RenderResult:
        width, height = self.size.width, self.size.height
        drawing = self._drawing
        if drawing is None or self._drawn_size != (width, height):
            drawing = self._draw(width, height)
            self._drawing = drawing
            self._drawn_size = (width, height)
        styles: dict[str, Style] = {PLAIN: Style()}
        for role in (POS, NEG, MUTED, TITLE, CURSOR):
            styles[role] = self.get_component_rich_style(f"network-view--{role}", partial=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        for i, line in enumerate(drawing.lines):
            if i:
                text.append("\n")
            for part, role in line:
                text.append(part, styles[role])
        return text
