"""The keys of the Math view and of the guided tour (``tui.app_teach``), added to the app's
table (``tui.bindings.APP_BINDINGS``) after its own keys: the help and the palette list them, and
Escape reaches the tour only after the cost chart's cursor. The tour's step keys are available
only while the tour is on (``ViewActions.view_allowed``)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

TEACH_BINDINGS: list[BindingType] = [
    Binding(
        "m",
        "math",
        "Math",
        tooltip="The article's equations with this run's numbers (z, a, loss, cost, dw, update)",
        id="view.math",
    ),
    Binding(
        "ctrl+t",
        "tour",
        "Tour",
        tooltip="The guided tour: the article's story in ten steps (ctrl+→ or > next, ctrl+← or"
        " < back, Escape leaves it; also: neuron-tui tour)",
        id="tour.start",
    ),
    Binding(
        "ctrl+right,greater_than_sign",
        "tour_step(1)",
        "Next tour step",
        tooltip="Tour: the next step (sets the app up for it)",
        show=False,
        id="tour.next",
    ),
    Binding(
        "ctrl+left,less_than_sign",
        "tour_step(-1)",
        "Previous tour step",
        tooltip="Tour: the previous step",
        show=False,
        id="tour.previous",
    ),
    Binding(
        "escape",
        "tour_leave",
        "",  # (no row of its own in the help or the palette: see below)
        tooltip="Tour: leave it; the current data and settings stay",
        show=False,
        # Named in the tour's panel and in ctrl+t's row: Escape's row in the help stays "Hide
        # cursor" (a system binding is in neither the help nor the palette).
        system=True,
        id="tour.leave",
    ),
]
