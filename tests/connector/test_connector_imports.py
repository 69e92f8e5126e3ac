"""`harness.connector` imports only `woo`, `netsuite`, `mapping`, `push`, `money`, `yamlfile` and
itself: never `landing`, `sandbox`, `catalogue`, `runner` or `cli`."""

from __future__ import annotations

import ast
from pathlib import Path

import harness

ALLOWED = frozenset({"woo", "netsuite", "mapping", "push", "money", "yamlfile", "connector"})


def _harness_imports(path: Path) -> set[str]:
    """The `harness.<part>` a module imports (`harness` alone for `from harness import x`)."""
    parts: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top, _, rest = name.partition(".")
            if top == "harness":
                parts.add(rest.split(".")[0] or "harness")
    return parts


def test_connector_imports_only_what_it_may() -> None:
    root = Path(harness.__file__).parent / "connector"
    wrong = {
        str(path.relative_to(root)): sorted(_harness_imports(path) - ALLOWED)
        for path in sorted(root.rglob("*.py"))
    }
    assert {module: parts for module, parts in wrong.items() if parts} == {}
