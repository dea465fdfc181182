"""The network diagram as styled text: weight glyphs, layer columns, the formula, the legend.

Pure functions of a ``NetworkParams`` and a size, with no Textual in them: ``draw_network``
composes a ``Drawing``, lines of (text, role) segments and where each unit's label is (for
clicks). The widget in ``network_view`` paints a drawing, one style per role; the module
docstring there shows what the diagram looks like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui.views.network import NetworkParams

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
