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

import math
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

F64 = NDArray[np.float64]

MAGNITUDES = ("·", "▂", "▄", "▆", "█")
"""Size of a weight relative to the largest |w| of the network: about 0, 1/4, 1/2, 3/4, 1."""
MAGNITUDE_EDGES = np.array([0.125, 0.375, 0.625, 0.875])
"""|w| / max |w| at which the next bar starts (midway between the bars' nominal sizes)."""
POSITIVE, NEGATIVE, ZERO = "+", "-", " "
NAME_WIDTH = 8
"""Input names are cut to this many characters (CSV columns can have long names)."""
GAP = 2
"""Blank columns between two layer columns."""
FORMULA_LINES = 3
"""The selected neuron's formula wraps onto at most this many lines."""
FUNCTION_NAMES = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "linear": ""}
"""How an activation is written in the formula (``linear`` has no wrapper)."""

# Roles of the text pieces, each a component class of the widget (its colour comes from CSS).
PLAIN, POS, NEG, MUTED, TITLE, CURSOR = "", "positive", "negative", "muted", "title", "cursor"

Segment = tuple[str, str]
"""A piece of a line: (text, role)."""
Line = tuple[Segment, ...]


def magnitude_level(ratio: float) -> int:
    """Bar index 0-4 (into ``MAGNITUDES``) of a weight whose |w| is ``ratio`` of the largest."""
    return int(np.digitize(ratio, MAGNITUDE_EDGES))


def weight_glyph(w: float, scale: float) -> Segment:
    """Two characters for weight ``w`` (sign, then size relative to ``scale`` = the largest |w|)
    and its role: ``("+█", "positive")``, ``("-▂", "negative")``, ``(" ·", "muted")`` for 0.

    A non-finite weight is ``"?!"`` (the run stopped on it; the trainer keeps finite ones)."""
    if not math.isfinite(w):
        return "?!", MUTED
    if w == 0.0:
        return ZERO + MAGNITUDES[0], MUTED
    level = magnitude_level(abs(w) / scale) if scale > 0 else 0
    if w > 0:
        return POSITIVE + MAGNITUDES[level], POS
    return NEGATIVE + MAGNITUDES[level], NEG


def format_number(v: float) -> str:
    """A weight or bias with its sign: ``+0.53``, ``-12.40``, ``+1.23e+03``."""
    if not math.isfinite(v):
        return str(v)
    return f"{v:+.2f}" if abs(v) < 100 else f"{v:+.3g}"


@dataclass(frozen=True, eq=False)
class NetworkParams:
    """A model's parameters arranged by layer, as the diagram needs them.

    ``weights[k]`` (n_{k+1}, n_k) and ``biases[k]`` (n_{k+1},) for k = 0..L-1: layer k of
    ``model.layer_outputs`` (the hidden layers, then the output). ``input_names`` has n_0 names;
    ``activation`` is the hidden layers' activation (None without hidden layers), ``problem``
    decides the output's (sigmoid for classification, linear for regression).
    """

    weights: tuple[F64, ...]
    biases: tuple[F64, ...]
    input_names: tuple[str, ...]
    activation: str | None
    problem: str

    @classmethod
    def from_params(
        cls,
        params: Sequence[NDArray[np.floating]],
        input_names: tuple[str, ...],
        activation: str | None,
        problem: str,
    ) -> NetworkParams:
        """From ``model.get_params()``: ``[W1 (n_1, n_0), b1 (n_1, 1), ..., W_L (1, n_{L-1}),
        b_L (1, 1)]``, or the single neuron's ``[w (n, 1), b (1, 1)]``.

        Missing input names become ``x1``, ``x2``...; ``ValueError`` when the shapes do not chain.
        """
        if len(params) < 2 or len(params) % 2:
            raise ValueError(f"expected [W1, b1, W2, b2, ...], got {len(params)} arrays")
        weights: list[F64] = []
        biases: list[F64] = []
        for k in range(0, len(params), 2):
            W = np.array(params[k], dtype=np.float64)
            b = np.array(params[k + 1], dtype=np.float64).reshape(-1)
            if len(params) == 2:
                W = W.reshape(1, -1)  # one layer: a single output unit, whatever the layout
            if W.ndim != 2 or W.shape[0] != b.shape[0]:
                raise ValueError(f"layer {k // 2 + 1}: W {W.shape} does not fit b {b.shape}")
            if weights and W.shape[1] != weights[-1].shape[0]:
                raise ValueError(
                    f"layer {k // 2 + 1} takes {W.shape[1]} inputs but layer {k // 2} has "
                    f"{weights[-1].shape[0]} units"
                )
            weights.append(W)
            biases.append(b)
        n0 = int(weights[0].shape[1])
        names = tuple(input_names[i] if i < len(input_names) else f"x{i + 1}" for i in range(n0))
        return cls(tuple(weights), tuple(biases), names, activation, problem)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n_0, n_1, ..., n_L)``: inputs, then the units of every layer."""
        return (int(self.weights[0].shape[1]), *(int(W.shape[0]) for W in self.weights))

    @property
    def n_layers(self) -> int:
        """L, the layers with weights (the hidden layers and the output)."""
        return len(self.weights)

    @property
    def scale(self) -> float:
        """The largest finite |w| over every weight (biases excluded), 0.0 if there is none."""
        best = 0.0
        for W in self.weights:
            a = np.abs(W[np.isfinite(W)])
            if a.size:
                best = max(best, float(a.max()))
        return best

    def unit_label(self, layer: int, unit: int) -> str:
        """``h2.3`` (layer 2, unit 3 counted from 1) for a hidden unit, ``out`` for the output."""
        return "out" if layer == self.n_layers - 1 else f"h{layer + 1}.{unit + 1}"

    def source_label(self, layer: int, i: int) -> str:
        """Name of input ``i`` of ``layer``: an input's name, or the previous layer's unit."""
        return self.input_names[i] if layer == 0 else self.unit_label(layer - 1, i)

    def function(self, layer: int) -> str:
        """The activation of ``layer``: the hidden one, or the output's (sigmoid / linear)."""
        if layer == self.n_layers - 1:
            return "sigmoid" if self.problem == "classification" else "linear"
        return self.activation or "?"

    def same_as(self, other: NetworkParams) -> bool:
        """True when ``other`` draws exactly the same (equal names, functions and values)."""
        return (
            self.input_names == other.input_names
            and self.activation == other.activation
            and self.problem == other.problem
            and len(self.weights) == len(other.weights)
            and all(
                a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
                for a, b in zip(
                    self.weights + self.biases, other.weights + other.biases, strict=True
                )
            )
        )


@dataclass(frozen=True)
class Hit:
    """Where a unit's label is drawn: line ``row``, columns ``x0`` to ``x1`` (exclusive)."""

    row: int
    x0: int
    x1: int
    layer: int
    unit: int


@dataclass(frozen=True)
class Drawing:
    """One composition of the view: its lines and where each visible unit's label is."""

    lines: tuple[Line, ...]
    hits: tuple[Hit, ...] = ()

    @property
    def plain(self) -> str:
        """The text without styles, lines joined by newlines (what NO_COLOR shows)."""
        return "\n".join("".join(t for t, _ in line) for line in self.lines)


class _LineBuilder:
    """Builds one line from segments, padding to absolute columns."""

    def __init__(self) -> None:
        self.parts: list[Segment] = []
        self.width = 0

    def add(self, text: str, role: str = PLAIN) -> None:
        if text:
            self.parts.append((text, role))
            self.width += len(text)

    def pad_to(self, col: int) -> None:
        self.add(" " * (col - self.width))

    def line(self) -> Line:
        # Merge neighbours with the same role: fewer spans to style and to compare.
        out: list[Segment] = []
        for text, role in self.parts:
            if out and out[-1][1] == role:
                out[-1] = (out[-1][0] + text, role)
            else:
                out.append((text, role))
        while out and out[-1][1] == PLAIN and not out[-1][0].strip():
            out.pop()
        return tuple(out)


@dataclass(frozen=True)
class _Column:
    """A layer column: its title and one cell (segments) per unit; ``labels[u]`` is the (start,
    end) of unit u's label inside its cell (for clicks)."""

    title: str
    cells: tuple[tuple[Segment, ...], ...]
    labels: tuple[tuple[int, int], ...]

    @property
    def width(self) -> int:
        cells = (sum(len(t) for t, _ in cell) for cell in self.cells)
        return max(len(self.title), *cells) if self.cells else len(self.title)


def _columns(net: NetworkParams, selected: tuple[int, int], cell_width: int) -> list[_Column]:
    """The input column, then one column per layer; a cell wider than ``cell_width`` shows its
    first weights and ``…``."""
    names = [n if len(n) <= NAME_WIDTH else n[: NAME_WIDTH - 1] + "…" for n in net.input_names]
    cols = [_Column("inputs", tuple(((n, PLAIN),) for n in names), tuple((0, 0) for _ in names))]
    scale = net.scale
    for layer, W in enumerate(net.weights):
        fn = net.function(layer)
        head = "out" if layer == net.n_layers - 1 else f"h{layer + 1}"
        title = f"{head} {FUNCTION_NAMES.get(fn, fn) or 'linear'}"
        cells: list[tuple[Segment, ...]] = []
        labels: list[tuple[int, int]] = []
        n_in = int(W.shape[1])
        for unit in range(W.shape[0]):
            label = net.unit_label(layer, unit)
            boxed = f"»{label}«" if (layer, unit) == selected else f"[{label}]"
            room = max(0, (cell_width - len(boxed) - 1) // 2)
            shown = n_in if n_in <= room else max(0, room - 1)
            glyphs: list[Segment] = [weight_glyph(float(W[unit, i]), scale) for i in range(shown)]
            if shown < n_in:
                glyphs.append(("…", MUTED))
            start = sum(len(t) for t, _ in glyphs) + 1
            role = CURSOR if (layer, unit) == selected else PLAIN
            cells.append((*glyphs, (" ", PLAIN), (boxed, role)))
            labels.append((start, start + len(boxed)))
        cols.append(_Column(title, tuple(cells), tuple(labels)))
    return cols


def _window(widths: list[int], chosen: int, width: int) -> tuple[int, int]:
    """The columns ``a..b`` (inclusive) to show in ``width`` cells: ``chosen``, then its left
    neighbour (the sources of the selected unit's weights), then alternately right and left.
    Hidden columns cost a 2-cell marker on their side."""

    def need(a: int, b: int) -> int:
        markers = (2 if a > 0 else 0) + (2 if b < len(widths) - 1 else 0)
        return sum(widths[a : b + 1]) + GAP * (b - a) + markers

    a = b = chosen
    if a > 0 and need(a - 1, b) <= width:
        a -= 1
    grown = True
    while grown:
        grown = False
        if b < len(widths) - 1 and need(a, b + 1) <= width:
            b += 1
            grown = True
        if a > 0 and need(a - 1, b) <= width:
            a -= 1
            grown = True
    return a, b


def _formula(net: NetworkParams, layer: int, unit: int, width: int, max_lines: int) -> list[Line]:
    """``h2.1 = tanh(+0.53·h1.1 -1.20·h1.2 +0.12)`` wrapped on words to ``width``, at most
    ``max_lines`` lines (``…`` ends a cut one)."""
    fn = FUNCTION_NAMES.get(net.function(layer), net.function(layer))
    W, b = net.weights[layer], net.biases[layer]
    words: list[tuple[Segment, ...]] = []
    name = net.unit_label(layer, unit)
    opening = f"{name} = {fn}(" if fn else f"{name} = "
    for i in range(W.shape[1]):
        w = float(W[unit, i])
        role = POS if w > 0 else NEG if w < 0 else MUTED
        words.append(((format_number(w), role), ("·" + net.source_label(layer, i), PLAIN)))
    bias = float(b[unit])
    words.append(((format_number(bias), POS if bias > 0 else NEG if bias < 0 else MUTED),))
    if fn:
        words[-1] = (*words[-1], (")", PLAIN))
    words[0] = ((opening, PLAIN), *words[0])

    lines: list[Line] = []
    current = _LineBuilder()
    for word in words:
        size = sum(len(t) for t, _ in word)
        if current.width and current.width + 1 + size > width:
            lines.append(current.line())
            current = _LineBuilder()
            current.add("    ")
        elif current.width:
            current.add(" ")
        for text, role in word:
            current.add(text, role)
    lines.append(current.line())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = list(lines[-1])
        lines[-1] = (*last, (" …", MUTED))
    return lines


def _legend(scale: float, rows: tuple[int, int, int] | None, width: int) -> Line:
    """The key to the glyphs (and which rows show, when the columns are cut)."""
    bars = "".join(MAGNITUDES)
    biggest = f"{scale:.2g}" if scale > 0 else "0"
    where = f"  units {rows[0] + 1}-{rows[1]} of {rows[2]}" if rows else ""
    variants = [
        f"+ positive  - negative  size {bars} = |w| up to the largest, {biggest}  ←→↑↓ select"
        + where,
        f"+/- sign  {bars} |w| up to {biggest}  ←→↑↓ select" + where,
        f"+/- sign  {bars} up to {biggest}" + where,
        f"{bars} up to {biggest}",
    ]
    for v in variants:
        if len(v) <= width:
            return ((v, MUTED),)
    return ((variants[-1][:width], MUTED),)


def draw_network(
    net: NetworkParams | None,
    selected: tuple[int, int],
    width: int,
    height: int | None = None,
    hint: str = "no model yet",
) -> Drawing:
    """Compose the view for ``width`` x ``height`` cells (``height`` None: as tall as needed).

    ``selected`` is (layer, unit) as in ``model.layer_outputs`` (layer 0 = first hidden layer,
    the last = the output). Parts are dropped when the height is short, in this order: the blank
    line, the legend, formula lines beyond the first, then diagram rows (scrolled so the selected
    unit stays visible).
    """
    if net is None:
        return Drawing((((hint, MUTED),),))
    width = max(1, width)
    sel_layer, sel_unit = selected
    cols = _columns(net, selected, width - 4)
    widths = [c.width for c in cols]
    a, b = _window(widths, sel_layer + 1, width)
    visible = list(range(a, b + 1))
    n_rows = max(len(cols[c].cells) for c in visible)
    formula = _formula(net, sel_layer, sel_unit, width, FORMULA_LINES)
    blank, legend = 1, 1
    if height is not None:
        budget = max(1, height)
        for cut in ("blank", "legend", "formula"):
            if 1 + n_rows + blank + len(formula) + legend <= budget:
                break
            if cut == "blank":
                blank = 0
            elif cut == "legend":
                legend = 0
            else:
                formula = formula[:1]
        rows_fit = max(1, budget - 1 - blank - len(formula) - legend)
    else:
        rows_fit = n_rows
    rows_shown = min(n_rows, rows_fit)
    r0 = 0
    if rows_shown < n_rows and sel_layer + 1 in visible:
        r0 = min(max(0, sel_unit - rows_shown + 1), n_rows - rows_shown)
    row_range = (r0, r0 + rows_shown, n_rows) if rows_shown < n_rows else None

    # Column positions: a "‹ " marker when layers are hidden on the left.
    starts: dict[int, int] = {}
    x = 2 if a > 0 else 0
    for c in visible:
        starts[c] = x
        x += widths[c] + GAP

    lines: list[Line] = []
    hits: list[Hit] = []
    header = _LineBuilder()
    if a > 0:
        header.add("‹ ", MUTED)
    for c in visible:
        header.pad_to(starts[c])
        header.add(cols[c].title, TITLE)
    if b < len(cols) - 1:
        header.pad_to(x - GAP)
        header.add(" ›", MUTED)
    lines.append(header.line())
    for r in range(r0, r0 + rows_shown):
        row = _LineBuilder()
        for c in visible:
            if r < len(cols[c].cells):
                row.pad_to(starts[c])
                for text, role in cols[c].cells[r]:
                    row.add(text, role)
                if c > 0:
                    s, e = cols[c].labels[r]
                    hits.append(Hit(len(lines), starts[c] + s, starts[c] + e, c - 1, r))
        lines.append(row.line())
    if blank:
        lines.append(())
    lines += formula
    if legend:
        lines.append(_legend(net.scale, row_range, width))
    if height is not None:
        lines = lines[: max(1, height)]
    return Drawing(tuple(lines), tuple(h for h in hits if h.row < len(lines)))


def network_text(
    params: Sequence[NDArray[np.floating]],
    input_names: tuple[str, ...],
    activation: str | None,
    problem: str,
    selected: tuple[int, int] = (-1, 0),
    width: int = 76,
    height: int | None = None,
) -> str:
    """The view as plain text (layer -1: the output), e.g. for a report or a headless check."""
    net = NetworkParams.from_params(params, input_names, activation, problem)
    layer = selected[0] % net.n_layers
    return draw_network(net, (layer, selected[1]), width, height).plain


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
        self._natural_height = 0
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
        net = NetworkParams.from_params(params, input_names, activation, problem)
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
        natural = len(self._draw(width, None).lines)
        new = self._draw(width, height)
        self._drawing = new
        self._drawn_size = (width, height)
        if old is None or natural != self._natural_height:
            # A new number of lines may change the widget's height (``height: auto``).
            self._natural_height = natural
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
