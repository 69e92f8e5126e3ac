"""Tables the sandbox works out once (per record type, per field) answer what the
straightforward per-request code answered: each test compares the two on every record
type of the demo account, with values of every kind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sandbox_helpers import Client, order_body, tba

from harness.sandbox.account import demo_profile
from harness.sandbox.rules.book import LOOKUP_COLUMNS, SaveContext
from harness.sandbox.serve import Sandbox
from harness.sandbox.store import recordstore
from harness.sandbox.store.catalog import build_record_types
from harness.sandbox.store.db import fixed_clock
from harness.sandbox.store.fields import FieldDef, Kind, from_db, to_db
from harness.sandbox.store.recordtypes import RecordType

TYPES: list[RecordType] = list(build_record_types(demo_profile()).values())

# A held value of each kind (what a rule or a request leaves in `Record.values`).
SAMPLES: dict[Kind, Any] = {
    Kind.TEXT: "Ünïcode text",
    Kind.INTEGER: 42,
    Kind.FLOAT: Decimal("2.5"),
    Kind.MONEY: Decimal("-19.99"),
    Kind.PERCENT: Decimal("7.25"),
    Kind.BOOLEAN: True,
    Kind.DATE: date(2024, 2, 29),
    Kind.DATETIME: "2024-02-29 10:11:12",
    Kind.REF: 7,
    Kind.MULTIREF: [3, 1, 2],
    Kind.ENUM: "US",
    Kind.RATE: "-10%",
}


def _parts(rtype: RecordType) -> list[tuple[FieldDef, ...]]:
    """Every stored part of a record type: body, main line, lines, subrecords."""
    parts = [recordstore._stored_body(rtype), recordstore._stored_mainline(rtype)]
    parts += [recordstore._stored_line(sublist) for sublist in rtype.sublists]
    parts += [recordstore._stored_subrecord(sub) for sub in rtype.subrecords]
    parts += [
        recordstore._stored_subrecord(sublist.subrecord)
        for sublist in rtype.sublists
        if sublist.subrecord is not None
    ]
    return parts


def _columns_field_by_field(
    stored: tuple[FieldDef, ...], values: dict[str, Any]
) -> dict[str, Any]:
    """The per-field loop the column plan replaces."""
    columns: dict[str, Any] = {}
    for fd in stored:
        value = values.get(fd.name)
        if value is None and fd.default is not None:
            value = values[fd.name] = fd.default
        columns[fd.column] = None if value is None else to_db(fd, value)
    return columns


def _values(stored: tuple[FieldDef, ...], pattern: int) -> dict[str, Any]:
    """Values for the fields: a sample, None or left out, by position and `pattern`; and a
    name no stored field has (a derived field's), which writes nothing."""
    values: dict[str, Any] = {"notStoredAnywhere": "x"}
    for index, fd in enumerate(stored):
        choice = (index + pattern) % 3
        if choice == 0:
            values[fd.name] = SAMPLES[fd.kind]
        elif choice == 1:
            values[fd.name] = None
    return values


def test_no_stored_part_names_two_fields_alike() -> None:
    """The plan finds a value's column by its field's name."""
    for rtype in TYPES:
        for stored in _parts(rtype):
            names = [fd.name for fd in stored]
            assert len(names) == len(set(names)), rtype.name


@pytest.mark.parametrize("pattern", [0, 1, 2])
def test_a_part_s_columns_are_the_field_by_field_ones_and_defaults_land_in_the_values(
    pattern: int,
) -> None:
    checked = 0
    for rtype in TYPES:
        for stored in _parts(rtype):
            values = _values(stored, pattern)
            expected_values = dict(values)
            expected = _columns_field_by_field(stored, expected_values)
            got = recordstore._columns(stored, values)
            assert got == expected, rtype.name
            assert list(got) == list(expected), rtype.name  # the INSERT's column order
            assert values == expected_values, rtype.name
            assert list(values) == list(expected_values), rtype.name
            checked += len(stored)
    assert checked > 100


def test_a_stored_row_reads_back_as_from_db_reads_each_column() -> None:
    for rtype in TYPES:
        fields = rtype.fields
        row = [to_db(fd, SAMPLES[fd.kind]) if i % 2 else None for i, fd in enumerate(fields)]
        expected = {
            fd.name: None if raw is None else from_db(fd, raw)
            for fd, raw in zip(fields, row, strict=True)
        }
        got = recordstore._read(recordstore._readers(fields), row)
        assert got == expected, rtype.name
        assert {k: type(v) for k, v in got.items()} == {
            k: type(v) for k, v in expected.items()
        }, rtype.name


def test_every_kind_the_plan_stores_as_is_is_one_to_db_and_from_db_leave_alone() -> None:
    for kind in recordstore._AS_STORED:
        fd = FieldDef("f", "f", kind, "F")
        assert to_db(fd, SAMPLES[kind]) is SAMPLES[kind]
        assert from_db(fd, SAMPLES[kind]) is SAMPLES[kind]


# --- a save's reads --------------------------------------------------------------------------


def test_a_lookup_without_a_key_answers_none_without_asking_the_store() -> None:
    sandbox = Sandbox(clock=fixed_clock(datetime(2024, 3, 15, tzinfo=UTC)))
    try:
        store = sandbox.store
        ctx = SaveContext(store, store.profile, "create", None)
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        try:
            answers = [ctx.lookup(table, None) for table in LOOKUP_COLUMNS]
        finally:
            store.conn.set_trace_callback(None)
        assert answers == [None] * len(LOOKUP_COLUMNS)
        assert seen == []
        with pytest.raises(KeyError):
            ctx.lookup("nosuchtable", None)  # a table nobody looks up is still an error
    finally:
        sandbox.close()


def test_an_order_reads_each_item_row_once_for_its_rules_and_sources_its_description() -> None:
    sandbox = Sandbox(clock=fixed_clock(datetime(2024, 3, 15, tzinfo=UTC)))
    try:
        ns = Client(sandbox.base_url, tba(sandbox))
        with sandbox.store.write() as conn:
            conn.execute("UPDATE item SET salesdescription = 'Blue mug' WHERE id = 101")
        seen: list[str] = []
        sandbox.store.conn.set_trace_callback(seen.append)
        with sandbox.intercept():
            try:
                created = ns.put("record/v1/salesOrder/eid:ONE-READ", order_body())
            finally:
                sandbox.store.conn.set_trace_callback(None)
            assert created.status_code == 204, created.text
            order = ns.get("record/v1/salesOrder/eid:ONE-READ?expandSubResources=true").json()
        rule_reads = [s for s in seen if "FROM item WHERE id" in s]
        assert len(rule_reads) == 2  # items 101 and 104, once each
        assert not any("shipitem WHERE id = NULL" in s for s in seen)
        descriptions = sandbox.store.conn.execute(
            "SELECT id, salesdescription FROM item WHERE id IN (101, 104)"
        ).fetchall()
        expected = {str(item): text for item, text in descriptions}
        lines = order["item"]["items"]
        assert {line["item"]["id"]: line.get("description") for line in lines} == expected
        assert expected == {"101": "Blue mug", "104": None}
    finally:
        sandbox.close()
