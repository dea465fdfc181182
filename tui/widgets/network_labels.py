"""The pieces of text of the network diagram: a weight as two characters, numbers, the selected
neuron's formula, the legend, and the roles (component classes of the widget) that colour them.

Each weight is readable without colour (NO_COLOR, 16 colours, a screen reader on the captured
text): its sign (``+``, ``-``, a blank for exactly 0) and its size as a bar (``·▂▄▆█``: about
0, 1/4, 1/2, 3/4, all of the largest |w| in the network).
"""

from __future__ import annotations

import math

import numpy as np

from tui.views.network import NetworkParams

MAGNITUDES = ("·", "▂", "▄", "▆", "█")
"""Size of a weight relative to the largest |w| of the network: about 0, 1/4, 1/2, 3/4, 1."""
MAGNITUDE_EDGES = np.array([0.125, 0.375, 0.625, 0.875])
"""|w| / max |w| at which the next bar starts (midway between the bars' nominal sizes)."""
POSITIVE, NEGATIVE, ZERO = "+", "-", " "

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


FORMULA_LINES = 64
"""The selected neuron's formula wraps onto at most this many lines: in practice all of it (8
inputs and a bias wrap onto ~10 lines at 12 columns); the diagram cuts it only when its
height is short (``draw_network``)."""
FUNCTION_NAMES = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "linear": ""}
FUNCTION_NAMES.update({"leaky-relu": "lrelu", "sine": "sin"})
"""How an activation is written in the formula (``linear`` has no wrapper)."""


class LineBuilder:
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


def formula_lines(
    net: NetworkParams, layer: int, unit: int, width: int, max_lines: int
) -> list[Line]:
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
    current = LineBuilder()
    for word in words:
        size = sum(len(t) for t, _ in word)
        if current.width and current.width + 1 + size > width:
            lines.append(current.line())
            current = LineBuilder()
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


def legend_line(scale: float, rows: tuple[int, int, int] | None, width: int) -> Line:
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
