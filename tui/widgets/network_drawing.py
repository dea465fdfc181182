"""The network diagram as styled text: weight glyphs, layer columns, the formula, the legend.

Pure functions of a ``NetworkParams`` and a size, with no Textual in them: ``draw_network``
composes a ``Drawing``, lines of (text, role) segments and where each unit's label is (for
clicks). The widget in ``network_view`` paints a drawing, one style per role; the module
docstring there shows what the diagram looks like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui.views.network import NetworkParams
from tui.widgets.network_labels import (
    CURSOR,
    FORMULA_LINES,
    FUNCTION_NAMES,
    MUTED,
    PLAIN,
    TITLE,
    Line,
    LineBuilder,
    Segment,
    formula_lines,
    legend_line,
    weight_glyph,
)

NAME_WIDTH = 8
"""Input names are cut to this many characters (CSV columns can have long names)."""
GAP = 2
"""Blank columns between two layer columns."""
MIN_WIDTH = 34
"""The narrowest natural width (``natural_width``): a one-neuron diagram is narrower."""


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


def draw_network(
    net: NetworkParams | None,
    selected: tuple[int, int],
    width: int,
    height: int | None = None,
    hint: str = "no model yet",
) -> Drawing:
    """Compose the view for ``width`` x ``height`` cells (``height`` None: as tall as needed).

    ``selected`` is (layer, unit) as in ``model.layer_outputs`` (layer 0 = first hidden layer,
    the last = the output). The selected neuron's formula wraps on words to the width. Parts are
    dropped when the height is short, in this order: the blank line, the legend, diagram rows
    beyond one (scrolled so the selected unit stays visible), then the formula's last lines
    (``…`` ends a cut formula).
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
    formula = formula_lines(net, sel_layer, sel_unit, width, FORMULA_LINES)
    blank, legend = 1, 1
    if height is not None:
        budget = max(1, height)
        if 1 + n_rows + blank + len(formula) + legend > budget:
            blank = 0
        if 1 + n_rows + len(formula) + legend > budget:
            legend = 0
        rows_fit = max(1, budget - 1 - blank - len(formula) - legend)
        if 1 + 1 + len(formula) > budget:
            # Not even one unit row and the whole formula: cut the formula, not the diagram.
            formula = formula_lines(net, sel_layer, sel_unit, width, max(1, budget - 2))
            rows_fit = max(1, budget - 1 - len(formula))
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
    header = LineBuilder()
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
        row = LineBuilder()
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
        lines.append(legend_line(net.scale, row_range, width))
    if height is not None:
        lines = lines[: max(1, height)]
    return Drawing(tuple(lines), tuple(h for h in hits if h.row < len(lines)))


def natural_width(net: NetworkParams | None, selected: tuple[int, int]) -> int:
    """Columns the diagram needs to show every layer at once (inputs to output, with the
    gaps), at least ``MIN_WIDTH`` (room for the formula and the legend to read)."""
    if net is None:
        return MIN_WIDTH
    widths = [c.width for c in _columns(net, selected, 10_000)]
    return max(MIN_WIDTH, sum(widths) + GAP * (len(widths) - 1))


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
