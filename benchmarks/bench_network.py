"""How fast the network pane redraws: the selected neuron's plot and the layer's thumbnails.

Run: ``python benchmarks/bench_network.py`` (add ``--quick`` for fewer repeats). In the app at
120x40 (the network pane in the bottom-right slot, about 74x18 cells), after a finished spiral
run with hidden layers (8, 8), it times, in ms, median / max:

- *new parameters*: what the app does at the scatter's pace while training (at most every
  ``SCATTER_SECONDS``): the pane's ``show`` of new parameters (the trainer's snapshot is made
  to alternate between the trained parameters and 0.9 times them, at a new iteration each
  time, so the scoring, the neuron's surface, the thumbnails and the diagram are all
  recomputed and repainted) plus Textual's conversion of the pane into screen lines;
- of which *thumbnails*: the eight thumbnails of the first hidden layer computed
  (``layer_thumbnails``) and the strip converted into screen lines;
- *another neuron* of the same layer (an arrow key): from the cache, only the marker and the
  large plot change.

The network pane adds to the predictions plot's budget (issue 12: every redraw under 10 ms
median); ``bench_chart.py`` times the other charts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace

from bench_chart import timed
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.training.schedule import Snapshot
from tui.app import NeuronApp
from tui.panes.network import NetworkPane
from tui.widgets.network_thumbnails import THUMB_ROWS, NeuronThumbnails, strip_layout
from tui.widgets.network_view import NetworkView

QUICK = "--quick" in sys.argv
REPEAT = 10 if QUICK else 50


def to_screen(widget: Widget) -> None:
    """Textual's part of a repaint: every child's picture converted into screen lines."""
    for w in (widget, *widget.query("*")):
        if w.size.width and w.size.height:
            w.render_lines(Region(0, 0, w.size.width, w.size.height))


async def settle(pilot: Pilot[None]) -> None:
    """Until no worker runs (training finished) and the queued messages are handled."""
    app = pilot.app
    for _ in range(200):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if all(w.is_finished for w in app.workers):
            return


async def bench_network_pane() -> None:
    """The network pane at 120x40: new parameters, thumbnails, another neuron."""
    app = NeuronApp(
        data_cfg=DataConfig(name="spiral", samples=1000, test_samples=2000, noise=0.05),
        model_cfg=ModelConfig(hidden=(8, 8), activation="tanh", init="xavier"),
        train_cfg=TrainConfig(optimizer="adam", lr=0.03, iterations=1000),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("5", "left", "left")  # the first hidden layer: eight thumbnails
        await settle(pilot)
        await pilot.pause(0.2)
        pane = app.query_one(NetworkPane)
        strip = app.query_one(NeuronThumbnails)
        diagram = app.query_one(NetworkView)
        evaluator = app.controller.evaluator
        net = diagram.network
        assert net is not None and strip.view is not None
        layer, unit = diagram.selected

        trainer = app.controller.trainer
        assert trainer is not None
        final = trainer.snapshot()
        variants = [final.params, [0.9 * p for p in final.params]]
        state = [0]

        def snapshot() -> Snapshot:
            k = state[0]
            return replace(final, params=variants[k % 2], iteration=final.iteration + k)

        def new_parameters() -> None:
            state[0] += 1
            pane.show(evaluator)
            to_screen(pane)

        labels = tuple(net.unit_label(layer, u) for u in range(net.sizes[layer + 1]))
        shape = (THUMB_ROWS, strip_layout(len(labels), strip.size.width, unit)[0])
        ev = evaluator.latest()
        assert ev is not None

        def thumbnails() -> None:
            evaluator.clear()
            evaluator.latest()  # the scoring, not timed below
            t = time.perf_counter()
            view = evaluator.thumbnails(layer, shape, labels)
            strip.show(view, unit)
            to_screen(strip)
            spent.append((time.perf_counter() - t) * 1e3)

        moves = [0]

        def another_neuron() -> None:
            moves[0] += 1
            diagram.select(layer, moves[0] % 2)
            pane.show(evaluator)  # what the selection's message leads to
            to_screen(pane)

        trainer.snapshot = snapshot  # type: ignore[method-assign]
        n_med, n_max = timed(new_parameters, REPEAT)
        del trainer.snapshot
        spent: list[float] = []
        for _ in range(REPEAT):
            thumbnails()
        a_med, a_max = timed(another_neuron, REPEAT)
        w, h = pane.content_size
        print(f"network pane {w}x{h} of a 120x40 screen, spiral 3000 points, hidden (8, 8)")
        print(f"  new parameters   {n_med:6.2f} / {n_max:6.2f} ms (scoring, plot, thumbnails)")
        print(
            f"  thumbnails       {statistics.median(spent):6.2f} / {max(spent):6.2f} ms "
            f"({len(labels)} of {shape[1]}x{shape[0]} cells)"
        )
        print(f"  another neuron   {a_med:6.2f} / {a_max:6.2f} ms")


if __name__ == "__main__":
    # A private state folder: no saved session is offered, none is left behind.
    with tempfile.TemporaryDirectory() as state:
        os.environ["XDG_STATE_HOME"] = state
        asyncio.run(bench_network_pane())
