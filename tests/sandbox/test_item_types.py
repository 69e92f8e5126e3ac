"""One item-type table: the REST record types of items and the table's rows stay in step.

(What the sandbox may import is the README's allowed-imports table, kept by
tests/test_layout.py.)
"""

from __future__ import annotations

from typing import get_args

from harness.netsuite.itemtypes import ITEM_RECORD_TYPES, ITEM_TYPES, ItemRecordType


def test_every_item_record_type_has_one_row_in_the_item_type_table() -> None:
    assert get_args(ItemRecordType) == ITEM_RECORD_TYPES
    assert len({t.code for t in ITEM_TYPES}) == len(ITEM_TYPES)
