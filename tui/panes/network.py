"""The network pane: the layers as a text diagram (each weight's sign and size) and, under it,
the selected neuron's own output shaded over the test points.

Refreshed with the predictions (1-2 Hz while training, at once on pause or a change), from the
run's views (``tui.run.evaluation``); a view already drawn is not drawn again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from tui.charts.predictions import PredictionsPlot
from tui.run.evaluation import Evaluator
from tui.views.predictions import PredictionView
from tui.widgets.network_view import NetworkView, NeuronSelected


class NetworkPane(Vertical):
    """Diagram on top, the selected neuron's output over the data below."""

    can_focus = False  # the diagram itself takes focus (arrow keys pick a neuron)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "5 Network"
        self._views: Evaluator | None = None
        # The view drawn last under the diagram (the selected neuron's surface).
        self.neuron_view: PredictionView | None = None

    def compose(self) -> ComposeResult:
        yield NetworkView(id="network-view", hint="no model yet: load data first")
        yield PredictionsPlot(id="neuron-plot")

    def show(self, views: Evaluator) -> None:
        """Draw the network of the latest evaluation and its selected neuron's output."""
        self._views = views
        net = views.network_params()
        if net is None:
            self.neuron_view = None
            self.query_one(NetworkView).clear()
            self.query_one("#neuron-plot", PredictionsPlot).clear()
            return
        self.query_one(NetworkView).show_network(net)
        self._draw_neuron()

    def _draw_neuron(self) -> None:
        views, diagram = self._views, self.query_one(NetworkView)
        net = diagram.network
        if views is None or net is None:
            return
        plot = self.query_one("#neuron-plot", PredictionsPlot)
        size = (plot.size.width, plot.size.height)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        layer, unit = diagram.selected
        view = views.neuron_view((layer, unit), grid, f"{net.unit_label(layer, unit)} output")
        if view is None or view is self.neuron_view:
            return
        self.neuron_view = view
        plot.show(view)

    def on_resize(self) -> None:
        # Shown for the first time (or resized): the plot has its size only after this layout.
        self.call_after_refresh(self._draw_neuron)

    def on_neuron_selected(self, message: NeuronSelected) -> None:
        message.stop()
        self._draw_neuron()
