"""The charts use only public names of plotext, textual-plotext, Textual and Rich (issue 11).

Checked on the source, with ``ast``: no import of a private module or name of another package
(``plotext._utility``, ``from textual.geometry import _x``), and no private attribute
(``obj._name``) that our own code does not define (``self._built`` is ours; ``self._plot``,
``plt._set_size``, ``matrix._x`` would be plotext's or textual-plotext's).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("tui", "neuron_core")
CHARTS = sorted((ROOT / "tui" / "charts").glob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_by_us() -> set[str]:
    """Every private name our packages define: functions, classes, attributes set, arguments."""
    names: set[str] = set()
    for package in OURS:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(node.name)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    names.add(node.attr)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return {n for n in names if _private(n)}


def private_uses(path: Path, ours: set[str]) -> list[str]:
    """Private names of other packages that the module at ``path`` imports or uses."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, *rest = alias.name.split(".")
                if top not in OURS and any(_private(part) for part in rest):
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top, *rest = node.module.split(".")
            if top in OURS:
                continue
            if any(_private(part) for part in rest):
                found.append(f"{node.lineno}: from {node.module} import ...")
            found += [
                f"{node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if _private(a.name)
            ]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in ours:
            found.append(f"{node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize("path", CHARTS, ids=[p.name for p in CHARTS])
def test_charts_use_only_public_names_of_other_packages(path: Path) -> None:
    assert private_uses(path, _defined_by_us()) == []


def test_the_check_finds_private_names(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import plotext._utility\n"
        "from plotext._utility import to_rgb\n"
        "from textual.widgets import _toggle_button\n"
        "from tui.charts import base\n"
        "def f(plt):\n"
        "    plt._set_size(1, 2)\n"
        "    return plt.monitor._private_matrix, plt.__class__\n",
        encoding="utf-8",
    )
    assert private_uses(module, _defined_by_us()) == [
        "1: import plotext._utility",
        "2: from plotext._utility import ...",
        "3: from textual.widgets import _toggle_button",
        "6: ._set_size",
        "7: ._private_matrix",
    ]
