"""The checklist of a CSV file's feature columns, and the options of its target drop-down.

Column names are data: they are shown escaped (``tui.text``) and as plain text, never as markup,
while the options' values stay the names as the file spells them.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

from tui.text import printable


def column_options(columns: list[str]) -> list[tuple[Content, str]]:
    """(label, value) options for a drop-down of ``columns``."""
    return [(Content(printable(c)), c) for c in columns]


class FeatureList(SelectionList[str]):
    """A checklist whose unchecked boxes are blank: the stock list tells checked from unchecked
    by colour alone."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        # The list draws the check mark of Textual's toggle buttons (Checkbox shares it).
        mark = Checkbox.BUTTON_INNER
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == mark:
            segments[1] = Segment(" " * len(mark), segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip

    def offer(self, columns: list[str], chosen: tuple[str, ...] | None) -> None:
        """Show ``columns``, checked when in ``chosen`` (all of them when ``None``)."""
        self.clear_options()
        self.add_options((Content(printable(c)), c, chosen is None or c in chosen) for c in columns)
