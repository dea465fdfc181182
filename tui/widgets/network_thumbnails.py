"""Thumbnails of the selected layer: every neuron's output over the plane, side by side.

As TensorFlow Playground draws a small heatmap next to each node, the network pane draws, under
the diagram, one thumbnail per unit of the selected layer: that unit's output over the plane of
the data, shaded in the quarters of the predictions surface (`` ·░▒``, lightest first), with
the unit's label under it. The selected neuron's label is framed ``»h1.2«`` (the diagram's
marker, readable without colour), the others ``h1.1``::

    ·░▒▒▒▒▒▒ ▒▒▒░·    ░░░░░░░░
    ░▒▒▒▒▒▒▒ ▒▒░·     ░░░░░░░░
    ▒▒▒▒▒▒▒▒ ▒░·      ░░░░░░░░
     »h1.1«    h1.2     h1.3

A thumbnail is ``THUMB_COLS`` x ``THUMB_ROWS`` cells, narrower (down to ``MIN_COLS``) when the
layer does not fit the width, and when even that does not fit, as many as fit and ``+k more``
(the selected one always among them). A click on a thumbnail selects its neuron
(``ThumbnailChosen``). The values come computed and scaled from the run's evaluator
(``tui.views.neuron_thumbnails``); this widget only turns them into characters. ``show`` with
the same view and selection does nothing; a new selection in the same layer repaints only the
label row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.geometry import Region, Size
from textual.message import Message
from textual.widget import Widget

from tui.charts.predictions import SHADES
from tui.charts.scatter import SHADE_EDGES
from tui.views.neuron_thumbnails import ThumbnailsView

THUMB_ROWS = 3
"""Rows of shading of a thumbnail (its label is one more row)."""
THUMB_COLS = 8
"""Columns of a thumbnail when the layer fits (a cell is about twice as tall as wide: 8x3
cells is about the shape of the plane)."""
MIN_COLS = 6
"""Narrowest thumbnail: room for the framed label ``»h6.8«``."""
GAP = 1
"""Blank columns between two thumbnails."""


@dataclass
class ThumbnailChosen(Message):
    """A click on the thumbnail of unit ``unit`` of ``layer`` (as in ``model.layer_outputs``)."""

    layer: int
    unit: int


def strip_layout(n: int, width: int, selected: int) -> tuple[int, tuple[int, ...]]:
    """(thumbnail columns, the units shown) for ``n`` thumbnails in ``width`` cells.

    All at ``THUMB_COLS`` when they fit, else all as wide as fits down to ``MIN_COLS``; else
    ``MIN_COLS`` wide, as many as fit beside the ``+k more`` note, a window of consecutive
    units around ``selected``."""
    if n <= 0:
        return THUMB_COLS, ()
    cols = min(THUMB_COLS, (width + GAP) // n - GAP)
    if cols >= MIN_COLS:
        return cols, tuple(range(n))
    cols = MIN_COLS
    k = 0
    while k < n and (k + 1) * (cols + GAP) + len(f"+{n - k - 1} more") <= width:
        k += 1
    k = max(1, k)
    start = min(max(0, selected - k + 1), n - k)
    return cols, tuple(range(start, start + k))


def shade_rows(surface: np.ndarray, cols: int, rows: int) -> list[str]:
    """``surface`` (gy, gx), values in [0, 1] (NaN blank), as ``rows`` strings of ``cols``
    shade characters, each cell the grid value nearest its middle (row 0 at the top)."""
    gy, gx = surface.shape
    iy = np.minimum((np.arange(rows) + 0.5) * gy / rows, gy - 1).astype(np.int64)
    ix = np.minimum((np.arange(cols) + 0.5) * gx / cols, gx - 1).astype(np.int64)
    values = surface[iy[:, None], ix[None, :]]
    finite = np.isfinite(values)
    level = np.where(finite, np.digitize(np.where(finite, values, 0.0), SHADE_EDGES), 0)
    return ["".join(SHADES[v] for v in row) for row in level.tolist()]


def label_text(label: str, selected: bool, cols: int) -> str:
    """The label under a thumbnail, centred in ``cols``: ``»h1.2«`` when selected."""
    text = f"»{label}«" if selected else label
    return text[:cols].center(cols)


class NeuronThumbnails(Widget):
    """The strip of thumbnails of one layer; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "network-thumbs--shade",
        "network-thumbs--label",
        "network-thumbs--selected",
    }

    DEFAULT_CSS = """
    NeuronThumbnails {
        height: auto;
    }
    NeuronThumbnails > .network-thumbs--shade {
        color: $foreground-muted;
        background: $boost;
    }
    NeuronThumbnails > .network-thumbs--label {
        color: $text-muted;
    }
    NeuronThumbnails > .network-thumbs--selected {
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ThumbnailsView | None = None
        self._selected = 0
        # How many repaints ``show`` asked for: tests and benchmarks read it.
        self.redraws = 0

    @property
    def view(self) -> ThumbnailsView | None:
        """The thumbnails shown, or None."""
        return self._view

    @property
    def selected(self) -> int:
        """The unit whose thumbnail is marked."""
        return self._selected

    def layout_for(self, width: int) -> tuple[int, tuple[int, ...]]:
        """(thumbnail columns, units shown) at ``width`` (see ``strip_layout``)."""
        n = 0 if self._view is None else len(self._view.labels)
        return strip_layout(n, width, self._selected)

    def show(self, view: ThumbnailsView | None, selected: int) -> None:
        """Draw ``view`` with unit ``selected`` marked; nothing to do when both are shown."""
        if view is self._view and selected == self._selected:
            return
        same_strip = view is self._view or (
            view is not None
            and self._view is not None
            and view.labels == self._view.labels
            and np.array_equal(view.surfaces, self._view.surfaces, equal_nan=True)
        )
        old_units = self.layout_for(self.size.width)[1]
        self._view, self._selected = view, selected
        self.redraws += 1
        if same_strip and self.layout_for(self.size.width)[1] == old_units and view is not None:
            # Only the marker moved: repaint the label row.
            self.refresh(Region(0, THUMB_ROWS, self.size.width, 1))
        else:
            self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 0 if self._view is None else THUMB_ROWS + 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        view = self._view
        if offset is None or view is None:
            return
        cols, units = self.layout_for(self.size.width)
        slot, inside = divmod(offset.x, cols + GAP)
        if inside < cols and slot < len(units):
            self.post_message(ThumbnailChosen(view.layer, units[slot]))

    def render(self) -> RenderResult:
        view = self._view
        text = Text(no_wrap=True, overflow="crop", end="")
        if view is None:
            return text
        cols, units = self.layout_for(self.size.width)
        shade = self.get_component_rich_style("network-thumbs--shade", partial=True)
        muted = self.get_component_rich_style("network-thumbs--label", partial=True)
        chosen = self.get_component_rich_style("network-thumbs--selected", partial=True)
        strips = [shade_rows(view.surfaces[u], cols, THUMB_ROWS) for u in units]
        more = len(view.labels) - len(units)
        for r in range(THUMB_ROWS):
            for i, rows in enumerate(strips):
                if i:
                    text.append(" " * GAP)
                text.append(rows[r], shade)
            if r == THUMB_ROWS // 2 and more:
                text.append(f" +{more} more", muted)
            text.append("\n")
        for i, u in enumerate(units):
            if i:
                text.append(" " * GAP)
            is_sel = u == self._selected
            style = chosen if is_sel else muted
            text.append(label_text(view.labels[u], is_sel, cols), style or Style())
        return text
