"""The checklist of a CSV file's feature columns."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist


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
