"""neuron_core is the pure engine: importing all of it must not load any UI library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import neuron_core


def test_neuron_core_imports_no_ui_library() -> None:
    # Every module of every subpackage (data, model, training, store), not only the top level.
    modules = [m.name for m in pkgutil.walk_packages(neuron_core.__path__, "neuron_core.")]
    assert len(modules) >= 30 and "neuron_core.training.trainer" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'plotext', 'textual_plotext'})\n"
        "print(','.join(bad))\n"
    )
    # -I: the engine as installed, nothing from the working directory (and no user site).
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"neuron_core pulled in: {out.stdout}"
