"""The network pane: the layers as a text diagram (each weight's sign and size) with the selected
neuron's formula, that neuron's own output shaded over the test points beside it, the key to
that plot in words, and under them the thumbnails of every neuron of the selected layer (as
TensorFlow Playground draws one per node)::

    inputs  h1 tanh      h2 tanh   ›   o x ! ·░▒
    x1      +·+· [h1.1]  -▂-▄ [h2.1]   ┌──────────────────┐
    x2      +·+· »h1.2«  -▂+▂ [h2.2]   │▒▒▒▒▒ooo▒o▒xxxo▒▒▒│
            ...                       0┤·xx·!!░x!xxxxx░!!▒│
    h1.2 = tanh(+0.09·x1 +0.87·x2      └─────────┬────────┘
        +0.99)                                   0
    o predicted 0  x predicted 1  ! misclassified  ·░▒ h1.2 output
      ░▒▒▒▒▒ ▒▒▒▒▒▒▒▒ ▒░·      ▒▒▒░░··  ...
      h1.1    »h1.2«    h1.3     h1.4   ...

The large plot takes the full height beside the diagram (so at 80x24 and 120x40 it has more
than a third of the pane's rows to draw on); the diagram scrolls its unit rows before it cuts
the formula, which wraps.

Refreshed with the predictions (1-2 Hz while training, at once on pause or a change), from the
run's views (``tui.run.evaluation``); a view already drawn is not drawn again, and the
thumbnails are computed once per model state, layer and size (cached by the evaluator).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.charts.predictions import PredictionsPlot
from tui.run.evaluation import Evaluator
from tui.screens.edit_weights import edit_neuron
from tui.views.predictions import PredictionView
from tui.widgets.network_thumbnails import (
    THUMB_ROWS,
    NeuronThumbnails,
    ThumbnailChosen,
    strip_layout,
)
from tui.widgets.network_view import NetworkView, NeuronSelected


class NetworkPane(Vertical):
    """Diagram and the selected neuron's output side by side, the layer's thumbnails below."""

    can_focus = False  # the diagram itself takes focus (arrow keys pick a neuron)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e", "edit_weights", "Edit weights",
            tooltip="Type the selected neuron's weights and bias (Enter applies)",
            id="network.edit",
        ),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "5 Network"
        self._views: Evaluator | None = None
        # The view drawn last beside the diagram (the selected neuron's surface).
        self.neuron_view: PredictionView | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="network-top"):
            yield NetworkView(id="network-view", hint="no model yet: load data first")
            yield PredictionsPlot(id="neuron-plot")
        yield Static("", id="neuron-legend", markup=False)
        yield NeuronThumbnails(id="neuron-thumbs")

    def show(self, views: Evaluator) -> None:
        """Draw the network of the latest evaluation, its selected neuron's output and the
        thumbnails of the selected layer."""
        self._views = views
        net = views.network_params()
        if net is None:
            self.neuron_view = None
            self.query_one(NetworkView).clear()
            self.query_one("#neuron-plot", PredictionsPlot).clear()
            self.query_one(NeuronThumbnails).show(None, 0)
            self.query_one("#neuron-legend", Static).update("")
            return
        self.query_one(NetworkView).show_network(net)
        self._draw_neuron()

    def _draw_neuron(self) -> None:
        views, diagram = self._views, self.query_one(NetworkView)
        net = diagram.network
        if views is None or net is None:
            return
        layer, unit = diagram.selected
        self._draw_thumbnails(views, layer, unit)
        plot = self.query_one("#neuron-plot", PredictionsPlot)
        size = (plot.size.width, plot.size.height)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        view = views.neuron_view((layer, unit), grid, net.output_label(layer, unit))
        if view is None or view is self.neuron_view:
            return
        self.neuron_view = view
        plot.show(view)
        # (Always one row, blank when the plot has its own legend: a row that came and went
        # would resize the plot after its grid was chosen.)
        self.query_one("#neuron-legend", Static).update(neuron_legend(plot))

    def _draw_thumbnails(self, views: Evaluator, layer: int, unit: int) -> None:
        net = self.query_one(NetworkView).network
        strip = self.query_one(NeuronThumbnails)
        if net is None:
            strip.show(None, 0)
            return
        labels = tuple(net.unit_label(layer, u) for u in range(net.sizes[layer + 1]))
        # One grid value per cell of a thumbnail at the strip's width (the pane's until the
        # strip has a size); cached per model state, layer and shape by the evaluator.
        cols = strip_layout(len(labels), strip.size.width or self.size.width, unit)[0]
        had = strip.view is not None
        strip.show(views.thumbnails(layer, (THUMB_ROWS, cols), labels), unit)
        if had != (strip.view is not None):
            # The strip came (or went): the plot above it changes height once laid out, and
            # its grid is chosen from its size, so draw it again then.
            self.call_after_refresh(self._draw_neuron)

    def on_resize(self) -> None:
        # Shown for the first time (or resized): the plot has its size only after this layout.
        self.call_after_refresh(self._draw_neuron)

    def action_edit_weights(self) -> None:
        """e: the selected neuron's weights and bias in an editor; what is applied goes to the
        app as ``WeightsEdited`` (the run continues from the new values)."""
        diagram = self.query_one(NetworkView)
        net = diagram.network
        if net is None:
            self.notify("there is no model to edit yet: load data first", severity="warning")
            return
        edit_neuron(self, net, *diagram.selected)

    def on_neuron_selected(self, message: NeuronSelected) -> None:
        message.stop()
        self._draw_neuron()

    def on_thumbnail_chosen(self, message: ThumbnailChosen) -> None:
        message.stop()
        self.query_one(NetworkView).select(message.layer, message.unit)


def neuron_legend(plot: PredictionsPlot) -> str:
    """The key to the neuron's plot in words, for when the plot's own title row is too narrow
    to hold them: every entry the plot drew, glyph and words as every pane says them
    (``glyphs.WORDS``); empty when the plot's title already names everything."""
    if plot.legend_complete:
        return ""
    return "  ".join(f"{glyph} {words}" for _, glyph, words in plot.legend_entries)
