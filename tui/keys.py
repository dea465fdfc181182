"""The app's key table, read from the real bindings (for the help screen and the palette).

Nothing here lists keys by hand: ``key_rows`` walks the ``BINDINGS`` of the app, of the form
panes, of text fields and of the screen, merges bindings that share a key (space is start,
resume and pause), and returns rows of (section, keys, description, explanation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from tui.panes.fields import FormPane
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.math_panel import MathPanel


@dataclass(frozen=True)
class KeyRow:
    """One line of the key table."""

    section: str
    keys: str
    description: str
    explanation: str


def _bindings(source: Iterable[BindingType]) -> list[Binding]:
    return list(Binding.make_bindings(source))


def _section(binding: Binding, default: str) -> str:
    """Sections come from the binding ids ("run.start" -> "Run")."""
    if binding.id and "." in binding.id:
        return binding.id.split(".", 1)[0].capitalize()
    return default


def key_rows(app: App[Any]) -> list[KeyRow]:
    """Every key a person can use, grouped, from the live bindings of ``app``."""
    rows: list[KeyRow] = []
    # App bindings sharing an action are one row with all their keys ("q, ctrl+q"); bindings
    # sharing a key are one row with all their descriptions ("Start / Resume / Pause").
    by_action: dict[str, list[Binding]] = {}
    for binding in _bindings(type(app).BINDINGS):
        if binding.system:
            continue
        by_action.setdefault(binding.action, []).append(binding)
    by_key: dict[str, list[Binding]] = {}
    for group in by_action.values():
        keys = ", ".join(dict.fromkeys(app.get_key_display(b) for b in group))
        by_key.setdefault(keys, []).append(group[0])
    for keys, group in by_key.items():
        first = group[0]
        rows.append(
            KeyRow(
                _section(first, "App"),
                keys,
                " / ".join(dict.fromkeys(b.description for b in group)),
                " / ".join(dict.fromkeys(b.tooltip for b in group if b.tooltip)),
            )
        )
    rows.append(
        KeyRow(
            "App",
            app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette")),
            "Command palette",
            "Search every command below by name",
        )
    )
    # Keys of the forms: the pane's own bindings and the text field's Enter.
    for binding in _bindings(FormPane.BINDINGS):
        if binding.system:
            continue  # Tab after Enter: part of the Tab row below
        rows.append(
            KeyRow("Forms", app.get_key_display(binding), binding.description, binding.tooltip)
        )
    for binding in _bindings(Input.BINDINGS):
        if binding.action == "submit":
            rows.append(
                KeyRow(
                    "Forms",
                    app.get_key_display(binding),
                    "Apply the field",
                    "Apply the value and return to the pane (a bad value is marked, not used)",
                )
            )
    # The input toggles' keys, one row per action ("←, ↑": previous).
    toggle_keys: dict[str, list[Binding]] = {}
    for binding in _bindings(FeatureToggles.BINDINGS):
        toggle_keys.setdefault(binding.action, []).append(binding)
    for group in toggle_keys.values():
        keys = ", ".join(app.get_key_display(b) for b in group)
        what = f"Inputs: {group[0].description.lower()}"
        rows.append(KeyRow("Forms", keys, what, group[0].tooltip))
    # The Math view's own keys (while it has the focus), one row per action ("↓, →": next); its
    # z and Escape are the app's rows.
    math_keys: dict[str, list[Binding]] = {}
    for binding in _bindings(MathPanel.BINDINGS):
        if binding.action.startswith("sample"):
            math_keys.setdefault(binding.action, []).append(binding)
    for group in math_keys.values():
        keys = ", ".join(app.get_key_display(b) for b in group)
        rows.append(KeyRow("Math", keys, group[0].description, group[0].tooltip))
    for binding in _bindings(Screen.BINDINGS):
        if binding.action in ("app.focus_next", "app.focus_previous", "focus_next",
                              "focus_previous"):  # fmt: skip
            what = "Next field" if "next" in binding.action else "Previous field"
            rows.append(
                KeyRow(
                    "Forms",
                    app.get_key_display(binding),
                    what,
                    "Move the focus (after Enter, from the field just applied)",
                )
            )
    order = {"Run": 0, "Data": 1, "View": 2, "File": 3, "App": 4, "Forms": 5, "Math": 6}
    rows.sort(key=lambda r: order.get(r.section, 9))
    return rows
