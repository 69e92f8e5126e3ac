"""The house rules of `harness/`: the import graph the README draws, and small modules.

The allowed edges are read from the README's table (between the `allowed-imports` markers),
so the picture and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "harness"
README = ROOT / "README.md"
MAX_LINES = 500
MAX_MODULES = 15


@dataclass(frozen=True)
class Edge:
    source: str  # dotted module that imports
    target: str  # dotted module imported
    names: tuple[str, ...]  # names taken from it (`from X import a, b`)
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def allowed_imports(readme: str) -> dict[str, frozenset[str]]:
    """Package -> the packages it may import, from the README's table."""
    block = readme.split("<!-- allowed-imports:start -->")[1].split("<!-- allowed-imports:end -->")[
        0
    ]
    table: dict[str, frozenset[str]] = {}
    for row in block.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        table[cells[0].strip("`")] = frozenset(re.findall(r"`([a-z_]+)`", cells[1]))
    return table


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def edges(root: Path = PACKAGE) -> Iterator[Edge]:
    """Every import of a harness module inside `root`, lazy and TYPE_CHECKING ones included."""
    for path in sorted(root.rglob("*.py")):
        source = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = tuple(alias.name for alias in node.names)
                if node.module == "harness":  # `from harness import doctor` names a module
                    for name in names:
                        target = "harness" if name == "__version__" else f"harness.{name}"
                        yield Edge(source, target, (name,), node.lineno)
                elif node.module.startswith("harness."):
                    yield Edge(source, node.module, names, node.lineno)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "harness" or alias.name.startswith("harness."):
                        yield Edge(source, alias.name, (), node.lineno)


def unit(module: str) -> str:
    """The package (or top-level module) a dotted harness module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "harness"


def command(module: str) -> str:
    """`harness.commands.doctor.checks` -> `harness.commands.doctor`: one command, which may
    be a package of its own."""
    return ".".join(module.split(".")[:3])


def violations(found: Iterator[Edge], allowed: dict[str, frozenset[str]]) -> list[str]:
    problems = []
    for edge in found:
        source, target = unit(edge.source), unit(edge.target)
        if source == target:
            if source == "commands" and command(edge.source) != command(edge.target):
                problems.append(f"{edge}: a command module imports another command module")
            continue
        if target == "harness":
            if edge.names != ("__version__",):
                problems.append(f"{edge}: only `__version__` may come from `harness` itself")
            continue
        if source not in allowed:
            problems.append(f"{edge}: {source!r} is not in the README's table")
        elif target not in allowed[source]:
            problems.append(f"{edge}: {source} may not import {target}")
    return problems


def test_the_readme_table_is_read() -> None:
    table = allowed_imports(README.read_text(encoding="utf-8"))

    assert table["woo"] == {"yamlfile", "money"}
    assert "connector" not in table["landing"]
    assert "pytest_support" in table["plugin"]
    assert all("pytest_support" not in may for name, may in table.items() if name != "plugin")


def test_every_package_of_harness_is_in_the_table() -> None:
    table = allowed_imports(README.read_text(encoding="utf-8"))
    units = {unit(module_name(path)) for path in PACKAGE.rglob("*.py")} - {"harness"}

    assert sorted(units - set(table)) == []


def test_imports_follow_the_readme_picture() -> None:
    table = allowed_imports(README.read_text(encoding="utf-8"))

    assert violations(edges(), table) == []


@pytest.mark.parametrize(
    ("source", "target", "names", "complaint"),
    [
        (
            "harness.cli.run",
            "harness.pytest_support.options",
            ("X",),
            "cli may not import pytest_support",
        ),
        ("harness.woo.order", "harness.netsuite.errors", ("X",), "woo may not import netsuite"),
        ("harness.netsuite.client", "harness.woo.order", ("X",), "netsuite may not import woo"),
        (
            "harness.sandbox.app",
            "harness.landing.verdict",
            ("X",),
            "sandbox may not import landing",
        ),
        (
            "harness.landing.expect",
            "harness.connector.interpret",
            ("X",),
            "landing may not import connector",
        ),
        (
            "harness.commands.land",
            "harness.commands.explain",
            ("X",),
            "a command module imports another",
        ),
        ("harness.woo.order", "harness", ("doctor",), "only `__version__`"),
    ],
)
def test_a_forbidden_edge_is_reported(
    source: str, target: str, names: tuple[str, ...], complaint: str
) -> None:
    table = allowed_imports(README.read_text(encoding="utf-8"))

    found = violations(iter([Edge(source, target, names, 1)]), table)

    assert len(found) == 1 and complaint in found[0]


def test_modules_stay_small() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    crowded = {
        str(folder.relative_to(ROOT)): count
        for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir())]
        if (count := len(list(folder.glob("*.py")))) > MAX_MODULES
    }

    assert long == {} and crowded == {}


def test_every_package_says_what_it_owns() -> None:
    silent = [
        str(init.relative_to(ROOT))
        for init in PACKAGE.rglob("__init__.py")
        if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    ]

    assert silent == []
