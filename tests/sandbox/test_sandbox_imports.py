"""The sandbox knows only NetSuite's wire format: its imports stay inside what it may use.

`harness/sandbox/__init__.py` says what the sandbox may import; this keeps it true, and keeps
the one item-type table and the profile's item types in step.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from harness.netsuite.itemtypes import ITEM_RECORD_TYPES, ITEM_TYPES, ItemRecordType

SANDBOX = Path(__file__).resolve().parents[2] / "harness" / "sandbox"
ALLOWED = ("harness.sandbox", "harness.netsuite", "harness.money", "harness.yamlfile")


def _harness_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "harness" or name.startswith("harness.")}


def test_the_sandbox_imports_only_netsuite_money_yamlfile_and_itself() -> None:
    outside = {
        f"{path.relative_to(SANDBOX)}: {name}"
        for path in SANDBOX.rglob("*.py")
        for name in _harness_imports(path)
        if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)
    }
    assert not outside


def test_every_item_record_type_has_one_row_in_the_item_type_table() -> None:
    assert get_args(ItemRecordType) == ITEM_RECORD_TYPES
    assert len({t.code for t in ITEM_TYPES}) == len(ITEM_TYPES)
