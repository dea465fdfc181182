"""The network pane: the layers as a text diagram (each weight's sign and size) and, under it,
the selected neuron's own output shaded over the test points.

Refreshed with the predictions (1-2 Hz while training, at once on pause or a change), from the
same scored ``Evaluation``; a refresh for the same parameters, size and neuron is skipped.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Vertical

from neuron_core.data.features import input_names
from neuron_core.training.trainer import Trainer
from tui.charts.predictions import PredictionsPlot
from tui.run.evaluation import Evaluation, prediction_view
from tui.views.neuron_output import model_inputs, neuron_surface, points_extent
from tui.views.predictions import PredictionView
from tui.widgets.network_view import NetworkView, NeuronSelected


class NetworkPane(Vertical):
    """Diagram on top, the selected neuron's output over the data below."""

    can_focus = False  # the diagram itself takes focus (arrow keys pick a neuron)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "5 Network"
        self._trainer: Trainer | None = None
        self._ev: Evaluation | None = None
        # What the plot shows: (evaluation, plot size, neuron); the object, not its id().
        self._shown: tuple[Evaluation, tuple[int, int], tuple[int, int]] | None = None
        # The view drawn last under the diagram (the selected neuron's surface), for tests.
        self.neuron_view: PredictionView | None = None

    def compose(self) -> ComposeResult:
        yield NetworkView(id="network-view", hint="no model yet: load data first")
        yield PredictionsPlot(id="neuron-plot")

    def show(self, trainer: Trainer | None, ev: Evaluation | None) -> None:
        """Draw the network of the evaluated parameters and its selected neuron's output."""
        view = self.query_one(NetworkView)
        plot = self.query_one("#neuron-plot", PredictionsPlot)
        self._trainer, self._ev = trainer, ev
        if trainer is None or ev is None:
            self._shown = None
            self.neuron_view = None
            view.clear()
            plot.clear()
            return
        cfg = trainer.model_cfg
        view.show(
            ev.params,
            input_names(cfg.feature_map, trainer.data.feature_names),
            cfg.activation if cfg.hidden else None,
            cfg.problem,
        )
        self._draw_neuron()

    def _draw_neuron(self) -> None:
        trainer, ev = self._trainer, self._ev
        if trainer is None or ev is None:
            return
        plot = self.query_one("#neuron-plot", PredictionsPlot)
        selected = self.query_one(NetworkView).selected
        size = (plot.size.width, plot.size.height)
        if self._shown is not None and self._shown == (ev, size, selected):
            return
        self._shown = (ev, size, selected)
        grid = PredictionsPlot.grid_shape_for(*size) if min(size) > 0 else None
        view = prediction_view(trainer, ev, grid)
        data = trainer.data
        if data.n_features == 2 and grid is not None and min(grid) > 1:
            # The neuron's output replaces the model's: same points, same axes (original units).
            extent = view.surface_extent or points_extent(view.X)
            layer, unit = selected
            surface = neuron_surface(
                ev.model,
                layer,
                unit,
                extent,
                grid,
                model_inputs(data.standardization, trainer.model_cfg.feature_map),
            )
            view = replace(
                view,
                boundary=None,
                surface=surface,
                surface_extent=extent,
                surface_label=self._label(layer, unit),
            )
        self.neuron_view = view
        plot.show(view)

    def _label(self, layer: int, unit: int) -> str:
        net = self.query_one(NetworkView).network
        return f"{net.unit_label(layer, unit)} output" if net is not None else "neuron output"

    def on_resize(self) -> None:
        # Shown for the first time (or resized): the plot has its size only after this layout.
        self.call_after_refresh(self._draw_neuron)

    def on_neuron_selected(self, message: NeuronSelected) -> None:
        message.stop()
        self._draw_neuron()
