"""``LiveText``: lines of text updated several times a second, repainting only what changed.

Why: a ``Static`` repaints all of its lines on every ``update``. The stats column of the training
pane shows a dozen lines at 10 Hz of which two or three change (iteration, cost), and over SSH
every repainted line costs its text plus colour sequences: the whole column was three quarters
of the bytes the app wrote while training (issue 6). ``LiveText.set_lines`` compares the new
lines with the shown ones and marks as dirty only the cells that differ, line by line, so Textual
writes just those.

How Textual writes a partial repaint (``textual._compositor.ChopsUpdate.render_segments``): for
each dirty line it moves the cursor to the widget's left edge (the start of the widget's "chop"),
then writes the cells up to the end of the dirty region. So a change costs the cells from the
left edge to the last changed cell; the values of a line should therefore stay at its end and
the static parts (labels) at its start, which is how the stats are laid out anyway.

Lines never wrap (``text-wrap: nowrap``): line ``i`` of the text is row ``i`` of the widget, which
is what makes the per-line regions right.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Region
from textual.visual import VisualType
from textual.widgets import Static


def changed_span(old: str, new: str) -> tuple[int, int] | None:
    """Columns ``[start, end)`` where ``old`` and ``new`` differ, position by position (the
    shorter one padded with blanks); None when they are the same. Both must be one cell per
    character."""
    width = max(len(old), len(new))
    a, b = old.ljust(width), new.ljust(width)
    if a == b:
        return None
    start = 0
    while a[start] == b[start]:
        start += 1
    end = width
    while a[end - 1] == b[end - 1]:
        end -= 1
    return start, end


class LiveText(Static):
    """A block of markup lines (``set_lines``) that repaints only the cells that changed.

    ``render()`` returns the whole text (a ``Content``), so it reads like a ``Static``'s.
    ``update(markup)`` also works (split into lines). ``repaints`` counts repaint requests and
    ``last_regions`` holds the regions (widget content coordinates) of the latest partial one,
    for tests and benchmarks.
    """

    DEFAULT_CSS = """
    LiveText {
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(
        self,
        *lines: str,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", name=name, id=id, classes=classes)
        self._markup: list[str] = list(lines)
        self._lines: list[Content] = [Content.from_markup(m) for m in lines]
        self._content: Content = Content("\n").join(self._lines)
        self.repaints = 0
        self.last_regions: list[Region] = []

    @property
    def lines(self) -> list[str]:
        """The markup of the lines shown."""
        return list(self._markup)

    @property
    def plain(self) -> str:
        """The text shown, without markup."""
        return self._content.plain

    def render(self) -> RenderResult:
        return self._content

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content``: markup (split into lines, compared with the shown ones), or any
        other visual (replaces everything)."""
        if isinstance(content, str):
            self.set_lines(content.split("\n"), layout=layout)
            return
        visual = content if isinstance(content, Content) else Content(str(content))
        self._markup = []
        self._lines = visual.split("\n")
        self._content = visual
        self._repaint(None, layout)

    def set_lines(self, lines: Sequence[str], *, layout: bool = False) -> None:
        """Show ``lines`` (Textual markup, one entry per line). Only the cells that differ from
        the shown text are repainted; nothing happens when nothing changed. ``layout``: also
        lay the screen out (when the widget's size depends on its text)."""
        new_markup = list(lines)
        if new_markup == self._markup:
            return
        old_markup, old_lines = self._markup, self._lines
        new_lines = [
            old_lines[i]
            if i < len(old_markup) and old_markup[i] == m and i < len(old_lines)
            else Content.from_markup(m)
            for i, m in enumerate(new_markup)
        ]
        self._markup = new_markup
        self._lines = new_lines
        self._content = Content("\n").join(new_lines)
        if layout or len(new_lines) != len(old_lines) or not old_markup:
            self._repaint(None, layout)
            return
        regions: list[Region] = []
        for y, (old, new) in enumerate(zip(old_lines, new_lines, strict=True)):
            if old.is_same(new):
                continue
            full = Region(0, y, max(old.cell_length, new.cell_length), 1)
            one_cell = len(old.plain) == cell_len(old.plain) and len(new.plain) == cell_len(
                new.plain
            )
            if old.spans != new.spans or not one_cell:
                regions.append(full)
                continue
            span = changed_span(old.plain, new.plain)
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self._repaint(regions, False)

    def _repaint(self, regions: list[Region] | None, layout: bool) -> None:
        self.repaints += 1
        self.clear_cached_dimensions()
        if regions is None or not self.is_mounted:
            self.last_regions = []
            self.refresh(layout=layout)
        else:
            self.last_regions = regions
            self.refresh(*regions)
