"""The network view (weights as a text diagram, a selectable neuron) and one neuron's output
over the plane of the data."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Region

from neuron_core.data.features import expand
from neuron_core.model.network import Network
from tui.views.network import NetworkParams
from tui.views.neuron_output import (
    grid_points,
    model_inputs,
    neuron_surface,
    neuron_values,
    points_extent,
    shade,
)
from tui.widgets.network_drawing import draw_network, network_text
from tui.widgets.network_labels import (
    MAGNITUDES,
    NEGATIVE,
    POSITIVE,
    magnitude_level,
    weight_glyph,
)
from tui.widgets.network_view import NetworkView, NeuronSelected

FEATURES7 = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def neuron(w1: float, w2: float, b: float) -> Network:
    model = Network(2, (), init="zeros")
    model.set_params([np.array([[w1, w2]]), np.array([[b]])])
    return model


class Host(App[None]):
    """A network view, full screen, recording the selections it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.view = NetworkView()
        self.selections: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield self.view

    def on_neuron_selected(self, message: NeuronSelected) -> None:
        self.selections.append((message.layer, message.unit))


# -- glyphs --------------------------------------------------------------------------------------


def test_sign_is_a_character_and_size_a_monotonic_bar() -> None:
    pos, pos_role = weight_glyph(0.8, 1.0)
    neg, neg_role = weight_glyph(-0.8, 1.0)
    assert pos[0] == POSITIVE and neg[0] == NEGATIVE and pos[1] == neg[1]
    assert pos != neg and pos_role != neg_role
    assert weight_glyph(0.0, 1.0)[0] == " " + MAGNITUDES[0]
    ratios = np.linspace(0.0, 1.0, 101)
    levels = [magnitude_level(float(r)) for r in ratios]
    assert levels == sorted(levels)
    assert levels[0] == 0 and levels[-1] == len(MAGNITUDES) - 1
    assert set(levels) == set(range(len(MAGNITUDES)))  # every bar is reachable
    # The bar follows the size relative to the largest weight, whatever the sign.
    bars = [weight_glyph(s * r, 2.0)[0][1] for s in (1, -1) for r in (0.1, 0.5, 1.0, 1.5, 2.0)]
    assert bars == ["·", "▂", "▄", "▆", "█"] * 2
    assert weight_glyph(float("nan"), 1.0)[0] == "?!"


# -- drawing as text -----------------------------------------------------------------------------


def test_single_neuron_text() -> None:
    model = neuron(1.5, -0.5, 0.25)
    text = network_text(model.get_params(), ("x1", "x2"), None, "classification")
    lines = text.split("\n")
    assert lines[0].split() == ["inputs", "out", "σ"]
    # The weights into the output, in input order: x1 large positive, x2 a third of it, negative.
    assert lines[1].split() == ["x1", "+█-▂", "»out«"]
    assert lines[2].strip() == "x2"
    assert "out = σ(+1.50·x1 -0.50·x2 +0.25)" in text
    assert "largest, 1.5" in text
    # The article's layout of a neuron (w (2, 1)) draws the same.
    article = [np.array([[1.5], [-0.5]]), np.array([[0.25]])]
    assert network_text(article, ("x1", "x2"), None, "classification") == text


def test_zero_weights_have_no_sign() -> None:
    zeros = Network(2, (), init="zeros").get_params()
    text = network_text(zeros, ("x1", "x2"), None, "classification")
    assert "x1       · ·" in text
    assert "out = σ(+0.00·x1 +0.00·x2 +0.00)" in text


def test_network_4_2_text() -> None:
    net = Network(2, (4, 2), activation="tanh", init_seed=3)
    text = network_text(net.get_params(), ("a", "b"), "tanh", "classification")
    lines = text.split("\n")
    assert lines[0].split() == ["inputs", "h1", "tanh", "h2", "tanh", "out", "σ"]
    for label in ("[h1.1]", "[h1.2]", "[h1.3]", "[h1.4]", "[h2.1]", "[h2.2]", "»out«"):
        assert label in text
    assert lines[1].startswith("a ") and lines[2].startswith("b ")
    # Every weight is drawn once, with its sign, in its unit's row.
    W1, _, W2, _, W3, _ = net.get_params()
    for layer, W in enumerate((W1, W2, W3)):
        for unit in range(W.shape[0]):
            label = "»out«" if layer == 2 else f"[h{layer + 1}.{unit + 1}]"
            row = next(line for line in lines if label in line)
            glyphs = row[: row.index(label)].split()[-1]
            signs = glyphs[0::2]
            assert signs == "".join("+" if w > 0 else "-" for w in W[unit])
    scale = max(float(np.abs(W).max()) for W in (W1, W2, W3))
    out_row = lines[1]
    assert out_row.endswith("".join(weight_glyph(float(w), scale)[0] for w in W3[0]) + " »out«")
    assert "out = σ(" in text and "·h2.1" in text and "·h2.2" in text


def test_selected_neuron_formula_and_cursor() -> None:
    net = Network(2, (4, 2), activation="relu", init_seed=3)
    params = net.get_params()
    text = network_text(params, ("x1", "x2"), "relu", "regression", selected=(0, 2))
    assert "»h1.3«" in text and "[out]" in text
    w = params[0][2]
    assert f"h1.3 = relu({w[0]:+.2f}·x1 {w[1]:+.2f}·x2 +0.00)" in text
    out = network_text(params, ("x1", "x2"), "relu", "regression")
    assert "out linear" in out and "out = " in out and "out = relu" not in out


def test_largest_network_fits_80x24_pane() -> None:
    """7 inputs and 6 layers of 8: the columns pan to keep the selected layer in view."""
    net = Network(7, (8,) * 6, activation="tanh", init_seed=5)
    params = net.get_params()
    pnet = NetworkParams.from_params(params, FEATURES7, "tanh", "classification")
    width, height = 76, 17
    seen_titles: set[str] = set()
    marks: set[tuple[bool, bool]] = set()
    for layer in range(pnet.n_layers):
        unit = pnet.sizes[layer + 1] - 1
        drawing = draw_network(pnet, (layer, unit), width, height)
        lines = drawing.plain.split("\n")
        assert len(lines) <= height
        assert max(len(line) for line in lines) <= width
        label = pnet.unit_label(layer, unit)
        assert f"»{label}«" in drawing.plain
        title = "out σ" if layer == pnet.n_layers - 1 else f"h{layer + 1} tanh"
        assert title in lines[0]
        seen_titles.update(t for t in ("h1 ", "h3 ", "h6 ", "out ") if t in lines[0])
        # Hidden layers are announced on the side they are hidden.
        left_hidden = "inputs" not in lines[0]
        right_hidden = "out " not in lines[0]
        assert lines[0].startswith("‹") == left_hidden
        assert lines[0].endswith("›") == right_hidden
        marks.add((left_hidden, right_hidden))
    assert seen_titles == {"h1 ", "h3 ", "h6 ", "out "}
    assert marks == {(False, True), (True, True), (True, False)}


def test_short_height_keeps_selected_unit_visible() -> None:
    net = Network(2, (8,), init_seed=1)
    pnet = NetworkParams.from_params(net.get_params(), ("x1", "x2"), "tanh", "classification")
    drawing = draw_network(pnet, (0, 7), 40, 6)
    lines = drawing.plain.split("\n")
    assert len(lines) == 6
    assert "»h1.8«" in drawing.plain and "[h1.1]" not in drawing.plain
    assert lines[-1].startswith("h1.8 = tanh(")


def test_bad_parameter_lists_are_rejected() -> None:
    with pytest.raises(ValueError, match="expected"):
        NetworkParams.from_params([np.zeros((2, 2))], ("x1",), None, "classification")
    with pytest.raises(ValueError, match="takes 3 inputs"):
        NetworkParams.from_params(
            [np.zeros((4, 2)), np.zeros((4, 1)), np.zeros((1, 3)), np.zeros((1, 1))],
            ("x1", "x2"),
            "tanh",
            "classification",
        )


# -- the widget ----------------------------------------------------------------------------------


async def test_arrow_keys_move_the_selection_and_post_it() -> None:
    app = Host()
    net = Network(2, (4, 2), init_seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        view.show(net.get_params(), ("x1", "x2"), "tanh", "classification")
        view.focus()
        await pilot.pause()
        assert view.selected == (2, 0)  # the output to begin with
        await pilot.press("left")  # h2, same unit index
        await pilot.press("left", "down", "down", "down")  # h1.4
        await pilot.press("down")  # already the last unit: nothing
        await pilot.press("left")  # already the first layer: nothing
        await pilot.press("right")  # h2: unit clamped to h2.2
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.selections == [(1, 0), (0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 0), (1, 0)]
        assert view.selected == (1, 0)
        assert "»h2.1«" in str(view.render())
        # A click on a label selects that unit.
        hit = next(h for h in view._drawing.hits if (h.layer, h.unit) == (0, 2))  # type: ignore[union-attr]
        await pilot.click(view, offset=(hit.x0 + 1, hit.row))
        await pilot.pause()
        assert view.selected == (0, 2) and app.selections[-1] == (0, 2)


async def test_new_architecture_selects_the_output() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        view.show(Network(2, (4, 2)).get_params(), ("x1", "x2"), "tanh", "classification")
        view.select(0, 3)
        view.show(Network(2, (3,)).get_params(), ("x1", "x2"), "tanh", "classification")
        await pilot.pause()
        assert view.selected == (1, 0)
        view.clear()
        await pilot.pause()
        assert "no model yet" in str(view.render())


async def test_no_color_signs_still_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.view.show(neuron(2.0, -2.0, 0.0).get_params(), ("x1", "x2"), None, "classification")
        await pilot.pause()
        assert app.no_color
        strip = app.view.render_lines(Region(0, 0, 80, 3))[1]
        for line_filter in app._filters:  # what the terminal gets: colour removed
            strip = strip.apply_filter(line_filter, Color.parse("black"))
        # A positive and a negative weight of the same size differ by their characters.
        assert strip.text.split() == ["x1", "+█-█", "»out«"]


async def test_repaints_only_when_the_drawing_changes() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        refreshed: list[tuple[Region, ...]] = []
        original = view.refresh

        def counting_refresh(*regions: Region, **kwargs: bool) -> NetworkView:
            refreshed.append(regions)
            return original(*regions, **kwargs)

        view.refresh = counting_refresh  # type: ignore[method-assign]
        net = Network(2, (4, 2), init_seed=3)
        params = net.get_params()
        view.show(params, ("x1", "x2"), "tanh", "classification")
        await pilot.pause()
        first = view.redraws
        assert first == 1
        calls = len(refreshed)
        for _ in range(5):  # the same parameters, polled again: nothing
            view.show([p.copy() for p in params], ("x1", "x2"), "tanh", "classification")
        # A change too small to see (third decimal of a weight not in the formula): nothing.
        tiny = [p.copy() for p in params]
        tiny[0][1, 0] += 1e-4
        view.show(tiny, ("x1", "x2"), "tanh", "classification")
        await pilot.pause()
        assert view.redraws == first and len(refreshed) == calls
        # A weight of h1.2 changes sign: one partial repaint of that row only.
        flipped = [p.copy() for p in tiny]
        flipped[0][1, 0] = -flipped[0][1, 0]
        view.show(flipped, ("x1", "x2"), "tanh", "classification")
        await pilot.pause()
        assert view.redraws == first + 1
        (regions,) = refreshed[calls:]
        width = view.size.width
        assert regions == (Region(0, 2, width, 1),)
        # An output weight flips: its glyph row and the formula (line 6), not the lines between.
        out_flipped = [p.copy() for p in flipped]
        out_flipped[4][0, 0] = -out_flipped[4][0, 0]
        view.show(out_flipped, ("x1", "x2"), "tanh", "classification")
        await pilot.pause()
        assert view.redraws == first + 2
        assert refreshed[-1] == (Region(0, 1, width, 1), Region(0, 6, width, 1))
        assert view.render_lines(Region(0, 6, width, 1))[0].text.startswith("out = σ(")


# -- one neuron's output over the data -----------------------------------------------------------


def test_grid_matches_the_predictions_surface_layout() -> None:
    pts = grid_points((0.0, 2.0, -1.0, 1.0), (3, 5))
    assert pts.shape == (2, 15)
    assert pts[:, 0].tolist() == [0.0, 1.0]  # top-left: smallest x1, largest x2
    assert pts[:, 14].tolist() == [2.0, -1.0]
    assert points_extent(np.array([[0.0, 10.0], [2.0, 4.0]])) == (-0.5, 10.5, 1.9, 4.1)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_neuron_values_are_the_layer_outputs_on_the_grid(activation: str) -> None:
    net = Network(2, (4, 2), activation=activation, init_seed=7)
    extent, shape = (-2.0, 2.0, -1.5, 1.5), (6, 9)
    outs = net.layer_outputs(grid_points(extent, shape))
    for layer, A in enumerate(outs):
        for unit in range(A.shape[0]):
            got = neuron_values(net, layer, unit, extent, shape)
            assert got.shape == shape
            assert np.array_equal(got, A[unit].reshape(shape))
            surface = neuron_surface(net, layer, unit, extent, shape)
            assert surface.shape == shape
            assert float(surface.min()) >= 0.0 and float(surface.max()) <= 1.0
    # The scaling keeps the neuron's own boundary z = 0 at 0.5 where there is one.
    v = neuron_values(net, 0, 1, extent, shape)
    s = neuron_surface(net, 0, 1, extent, shape)
    if activation == "tanh":
        assert np.array_equal(s, (v + 1.0) * 0.5)
    elif activation == "sigmoid":
        assert np.array_equal(s, v)
    elif activation == "relu":
        assert np.array_equal(s == 0.0, v == 0.0) and float(s.max()) == 1.0
    else:
        assert np.allclose(s, 0.5 + 0.5 * v / np.abs(v).max())
    # The classification output is a probability, drawn as it is.
    out = neuron_values(net, -1, 0, extent, shape)
    assert np.array_equal(neuron_surface(net, 2, 0, extent, shape), out)
    assert np.array_equal(out, net.predict_proba(grid_points(extent, shape)).reshape(shape))


def test_single_neuron_and_regression_output() -> None:
    model = neuron(1.0, -2.0, 0.5)
    extent, shape = (-1.0, 1.0, -1.0, 1.0), (4, 4)
    expected = model.predict_proba(grid_points(extent, shape)).reshape(shape)
    assert np.array_equal(neuron_surface(model, 0, 0, extent, shape), expected)
    reg = Network(2, (3,), problem="regression", init_seed=2)
    v = neuron_values(reg, -1, 0, extent, shape)
    s = neuron_surface(reg, -1, 0, extent, shape)
    assert np.allclose(s, (v - v.min()) / (v.max() - v.min()))
    with pytest.raises(IndexError, match="unit 3"):
        neuron_values(reg, 0, 3, extent, shape)
    with pytest.raises(IndexError, match="layer 2"):
        neuron_values(reg, 2, 0, extent, shape)


def test_expand_maps_the_grid_to_the_model_inputs() -> None:
    fmap = ("x1", "x2", "x1^2", "x1*x2")
    mean, std = np.array([[1.0], [-2.0]]), np.array([[2.0], [0.5]])
    net = Network(4, (3,), init_seed=4)
    extent, shape = (-3.0, 5.0, -4.0, 0.0), (5, 8)
    to_inputs = model_inputs((mean, std), fmap)
    pts = grid_points(extent, shape)
    inputs = expand((pts - mean) / std, fmap)
    expected = net.layer_outputs(inputs)[0][2].reshape(shape)
    assert np.array_equal(neuron_values(net, 0, 2, extent, shape, to_inputs), expected)
    plain = model_inputs(None, None)
    assert np.array_equal(plain(pts), pts)


def test_shade_edge_cases() -> None:
    nan = float("nan")
    assert np.array_equal(
        shade(np.array([[0.0, 0.0, nan]]), "relu"), np.array([[0.0, 0.0, nan]]), equal_nan=True
    )
    assert shade(np.array([[3.0, 3.0]]), "range").tolist() == [[0.5, 0.5]]
    assert shade(np.array([[0.0, 0.0]]), "symmetric").tolist() == [[0.5, 0.5]]
    with pytest.raises(ValueError, match="unknown"):
        shade(np.zeros((1, 1)), "nope")
