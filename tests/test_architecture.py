"""The shape of the code: module sizes, no import cycles, no private names of other packages.

Read from the source files with ``ast`` (nothing is imported), so a failure names the file and
the line. What is checked is the shipped code (``neuron_core/``, ``tui/``) and ``benchmarks/``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("neuron_core", "tui")
MAX_LINES = 300
# Names with a leading underscore that are public by documentation: namedtuple's methods and
# os._exit (the documented way to end a process without cleanup).
DOCUMENTED_UNDERSCORE = frozenset({"_replace", "_asdict", "_fields", "_make", "_exit"})


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(
    path: Path, tree: ast.AST, root: Path = ROOT
) -> Iterator[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import statement anywhere in the file
    (inside functions and ``if TYPE_CHECKING`` blocks too), relative imports resolved."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield module, [a.name for a in node.names], node.lineno


@pytest.mark.parametrize("path", _files(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_300_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"


def test_no_import_cycles() -> None:
    paths = {_module_name(p): p for p in _files(*PACKAGES)}
    graph: dict[str, set[str]] = {m: set() for m in paths}
    for mod, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, names, _ in _imported_modules(path, tree):
            for candidate in [target, *(f"{target}.{n}" for n in names)]:
                if candidate in paths and candidate != mod:
                    graph[mod].add(candidate)
    # Tarjan's strongly connected components: any component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in PACKAGES and top not in sys.stdlib_module_names


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_privates(root: Path = ROOT) -> set[str]:
    """Every private name our packages define: functions, classes, attributes and variables."""
    names: set[str] = set()
    for path in _files(*PACKAGES, "benchmarks") if root == ROOT else sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if _private(n)}


def _private_uses(path: Path, root: Path = ROOT, ours: set[str] | None = None) -> Iterator[str]:
    ours = _defined_privates(root) if ours is None else ours
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root)
    for module, names, line in _imported_modules(path, tree, root):
        if not _third_party(module):
            continue
        if any(_private(part) for part in module.split(".")):
            yield f"{where}:{line}: imports {module}"
        for name in names:
            if _private(name):
                yield f"{where}:{line}: imports {name} from {module}"
    # An attribute with a leading underscore is reached only on the object's own class
    # (``self``/``cls``), and only if our code defines it: anything else is another object's
    # internals, such as those of a third-party plot, or of the widget class we inherit from.
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        if node.attr not in DOCUMENTED_UNDERSCORE and not (own and node.attr in ours):
            yield f"{where}:{node.lineno}: uses .{node.attr}"


def test_no_private_names_of_other_packages() -> None:
    ours = _defined_privates()
    found = [
        use for path in _files(*PACKAGES, "benchmarks") for use in _private_uses(path, ROOT, ours)
    ]
    assert not found, "private names used:\n" + "\n".join(found)


def test_the_private_name_check_catches_what_it_looks_for(tmp_path: Path) -> None:
    """A private module, a private name imported from a public one, a private method of another
    object and an inherited private attribute are each reported; the object's own privates and
    stdlib modules are not."""
    probe = tmp_path / "tui" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(
        "import os\n"
        "from plotext._utility import to_rgb\n"
        "from textual.widgets import _toggle_button\n"
        "class C:\n"
        "    def f(self, plt):\n"
        "        self._mine = os._exit\n"
        "        plt._build_matrix()\n"
        "        return self._plot, self._mine\n"
    )
    uses = list(_private_uses(probe, tmp_path))
    assert [u.split(": ", 1)[1] for u in uses] == [
        "imports plotext._utility",
        "imports _toggle_button from textual.widgets",
        "uses ._build_matrix",
        "uses ._plot",
    ]


UI_LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")
# What view-models may import of tui: other view-models, and the escaping of data (stdlib only).
PLAIN_TUI = ("tui.views", "tui.text")


@pytest.mark.parametrize("path", _files("tui/views"), ids=lambda p: str(p.relative_to(ROOT)))
def test_view_models_are_plain_data(path: Path) -> None:
    """What the panes and charts draw is computed in modules that import no widget library."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ui = [
        f"line {line}: {module}"
        for module, _, line in _imported_modules(path, tree)
        if module.split(".")[0] in UI_LIBRARIES
        or (
            module.startswith("tui.")
            and not module.startswith("tui.views")
            and module != "tui.text"
        )
    ]
    assert not ui, f"{path.relative_to(ROOT)} imports {ui}"


@pytest.mark.parametrize("path", _files("tui/panes"), ids=lambda p: str(p.relative_to(ROOT)))
def test_panes_read_view_models_not_the_trainer(path: Path) -> None:
    """Panes get their content from the run controller's views, never from the trainer or its
    history (which belong to the training thread)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"line {line}: imports {module}"
        for module, _, line in _imported_modules(path, tree)
        if module.startswith("neuron_core.training")
    ]
    found += [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("trainer", "history")
    ]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


# Ways to start a process, by module and function name.
_PROCESS_STARTERS = {
    "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput"},
    "os": {"system", "popen", "posix_spawn", "posix_spawnp", "execv", "execve", "execvp",
           "execvpe", "execl", "execle", "execlp", "execlpe", "spawnv", "spawnve", "spawnl"},
    "multiprocessing": {"Process", "Pool", "get_context", "set_start_method"},
    "concurrent.futures": {"ProcessPoolExecutor"},
}  # fmt: skip


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def test_processes_start_isolated_and_sys_path_is_left_alone() -> None:
    """Nothing from the working directory may run (issue 10, class 1): a process we start is a
    Python started with ``-I`` (isolated: no working directory, no PYTHONPATH, no user site on
    its path), and no code of ours puts a folder on ``sys.path``. Multiprocessing is not used at
    all (its children start Python without ``-I``). The end-to-end test with planted modules
    (``tests/e2e/test_hostile_input.py``) checks the result in real runs."""
    found: list[str] = []
    for path in _files(*PACKAGES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _dotted(node.func)
            module, _, function = name.rpartition(".")
            if module.startswith("sys.path") or name.startswith("sys.path."):
                found.append(f"{where}:{node.lineno}: {name}() changes sys.path")
            starters = _PROCESS_STARTERS.get(module, set())
            if function in starters or module.startswith("multiprocessing"):
                flags = {
                    n.value for n in ast.walk(node)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }  # fmt: skip
                if module.startswith(("multiprocessing", "concurrent")) or "-I" not in flags:
                    found.append(f"{where}:{node.lineno}: {name}() without python -I")
    assert not found, "\n".join(found)
