"""`import harness` gives the documented names, lazily."""

from __future__ import annotations

import subprocess
import sys

import harness


def test_every_public_name_resolves() -> None:
    for name in harness.__all__:
        assert getattr(harness, name) is not None, name


def test_unknown_names_are_an_attribute_error() -> None:
    try:
        harness.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_importing_harness_loads_none_of_its_parts() -> None:
    code = "import sys, harness; print(sorted(m for m in sys.modules if m.startswith('harness.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_type_checking_imports_match_the_exports() -> None:
    """The names type checkers see are the names `harness` hands out, from the same modules."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(harness.__file__).read_text(encoding="utf-8"))
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    )
    seen = {
        alias.name: stmt.module
        for stmt in guarded.body
        if isinstance(stmt, ast.ImportFrom)
        for alias in stmt.names
    }

    assert seen == harness._EXPORTS
