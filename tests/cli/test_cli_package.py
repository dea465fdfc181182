"""The shape of ``tui.cli``: a package with no re-export layer.

Every name is imported from the module that defines it, in the package and in the tests, so a
reader following an import lands on the definition. (That the package loads no UI library is
checked in test_cli.py, in a subprocess.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import tui.cli

PACKAGE = Path(tui.cli.__file__).parent
ROOT = PACKAGE.parents[1]


def _defined(module: str) -> set[str]:
    """Names a ``tui.cli`` module defines at its top level (not the ones it imports)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_package_init_holds_only_a_docstring() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)
    assert isinstance(tree.body[0].value, ast.Constant) and tree.body[0].value.value


def test_every_cli_name_is_imported_from_where_it_is_defined() -> None:
    files = [*ROOT.joinpath("tui").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py")]
    imports: list[tuple[Path, str, str]] = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui.cli"):
                assert node.module != "tui.cli", f"{path}: imports from the package itself"
                imports += [(path, node.module or "", alias.name) for alias in node.names]
    assert len(imports) > 20  # the walk found the package's own imports
    for path, module, name in imports:
        assert name in _defined(module.removeprefix("tui.cli.")), (
            f"{path.relative_to(ROOT)}: {name} is not defined in {module}"
        )
