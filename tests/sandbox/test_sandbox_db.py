"""The store: SuiteQL's tables and conventions, index-backed lookups, ids, clock, reset."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from harness.sandbox.account import demo_profile
from harness.sandbox.records.context import RequestContext
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.db import Store, fixed_clock
from harness.sandbox.store.schema import ID_FAMILIES, REFERENCES
from harness.sandbox.store.values import format_address, parse_id_list

AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store(demo_profile(), clock=fixed_clock(AT))


def columns(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def fill_orders(store: Store, count: int) -> None:
    """`count` orders, each from its own new customer."""
    conn = store.conn
    conn.executemany(
        "INSERT INTO customer (id, entityid, isperson, email) VALUES (?, ?, 'T', ?)",
        [(5000 + n, f"Buyer {n}", f"Buyer{n}@Example.com") for n in range(1, count + 1)],
    )
    conn.executemany(
        'INSERT INTO "transaction" (id, tranid, trandate, type, recordtype, entity, externalid,'
        " otherrefnum, email) VALUES (?, ?, '2024-01-01', 'SalesOrd', 'salesorder', 1001, ?, ?, ?)",
        [(n, f"SO{n}", f"WOO-{n}", f"{n}", f"Buyer{n}@Example.com") for n in range(1, count + 1)],
    )


@pytest.fixture(scope="module")
def store_of_10000_orders() -> Iterator[Store]:
    """Filled and analysed once: the lookups only ask for query plans, which change nothing."""
    made = Store(demo_profile(), clock=fixed_clock(AT))
    fill_orders(made, 10_000)
    made.conn.execute("ANALYZE")
    yield made
    made.close()


def plan(conn: sqlite3.Connection, sql: str) -> str:
    return " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("x",)))


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        ('SELECT id FROM "transaction" WHERE externalid = ?', "transaction_externalid"),
        ('SELECT id FROM "transaction" WHERE tranid = ?', "transaction_tranid"),
        ('SELECT id FROM "transaction" WHERE otherrefnum = ?', "transaction_otherrefnum"),
        ('SELECT id FROM "transaction" WHERE lower(email) = ?', "transaction_email_lower"),
        ("SELECT id FROM customer WHERE lower(email) = ?", "customer_email_lower"),
        ("SELECT id FROM customer WHERE email = ?", "customer_email"),
        ("SELECT id FROM customer WHERE externalid = ?", "customer_externalid"),
        ("SELECT id FROM item WHERE itemid = ?", "item_itemid"),
    ],
)
def test_order_lookups_use_an_index_at_10000_orders(
    store_of_10000_orders: Store, sql: str, index: str
) -> None:
    conn = store_of_10000_orders.conn
    assert re.search(rf"^SEARCH .* USING (COVERING )?INDEX {index}\b", plan(conn, sql))


def test_tables_and_values_follow_suiteql_conventions(store: Store) -> None:
    conn = store.conn
    assert columns(conn, "transaction")["trandate"] == "DATE"
    assert columns(conn, "customer")["isperson"] == "BOOLEAN"
    assert conn.execute("SELECT isperson, taxable FROM customer WHERE id = 1002").fetchone() == (
        "F",
        "F",
    )
    assert conn.execute("SELECT itemtype FROM item WHERE itemid = 'STICKER-PACK'").fetchone() == (
        "NonInvtPart",
    )
    assert conn.execute("SELECT fullname FROM subsidiary WHERE id = 2").fetchone() == (
        "Acme Outfitters Inc. : Acme Outfitters Canada Ltd.",
    )
    assert parse_id_list(
        conn.execute("SELECT subsidiary FROM item WHERE id = 101").fetchone()[0]
    ) == [1, 2]


def test_references_name_real_tables_and_columns(store: Store) -> None:
    for (table, column), (target, display) in REFERENCES.items():
        assert column in columns(store.conn, table), (table, column)
        assert display in columns(store.conn, target), (target, display)


def test_custom_fields_become_columns_of_their_tables(store: Store) -> None:
    assert "custbody_woo_order_number" in columns(store.conn, "transaction")
    assert columns(store.conn, "transaction")["custbody_store_order_total"] == "REAL"
    assert "custcol_woo_line_id" in columns(store.conn, "transactionline")
    assert "custentity_woo_customer_id" in columns(store.conn, "customer")


def test_ids_are_sequential_per_family_and_deterministic(store: Store) -> None:
    again = Store(demo_profile(), clock=fixed_clock(AT))
    sequence = [store.next_id(t) for t in ("customer", "item", "shipitem", "transaction")]
    assert sequence == [again.next_id(t) for t in ("customer", "item", "shipitem", "transaction")]
    assert sequence == [1006, 305 + 1, 305 + 2, 1]  # items, ship and tax items share a family
    assert set(ID_FAMILIES["item"]) == {"item", "shipitem", "salestaxitem", "taxgroup"}


def test_document_numbers_follow_the_numbering_preference(store: Store) -> None:
    assert store.next_number("SalesOrd", "SO", 1001) == "SO1001"
    assert store.next_number("SalesOrd", "SO", 1001) == "SO1002"


def test_the_clock_is_injectable_and_must_be_aware(store: Store) -> None:
    assert store.now() == AT
    assert store.stamp() == "2024-05-01T12:00:00Z"
    assert store.today().isoformat() == "2024-05-01"  # 05:00 in Los Angeles
    with pytest.raises(ValueError, match="aware"):
        fixed_clock(datetime(2024, 1, 1))


def test_reset_restores_the_initial_records_in_milliseconds(store: Store) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM customer WHERE id = 1001")
        store.next_id("customer")
    started = time.perf_counter()
    store.reset()
    elapsed = time.perf_counter() - started
    assert store.conn.execute("SELECT entityid FROM customer WHERE id = 1001").fetchone() == (
        "Jane Doe",
    )
    assert store.next_id("customer") == 1006
    assert elapsed < 0.05


def test_a_failed_write_rolls_back_rows_and_ids(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        store.next_id("customer")
        conn.execute("DELETE FROM customer WHERE id = 1002")
        raise RuntimeError("rule rejected")
    assert store.conn.execute("SELECT COUNT(*) FROM customer").fetchone() == (5,)
    assert store.next_id("customer") == 1006


def test_address_text_lists_the_parts_line_by_line() -> None:
    text = format_address(
        {
            "attention": "AP",
            "addressee": "Northwind",
            "addr1": "350 Fifth Ave",
            "city": "New York",
            "state": "NY",
            "zip": "10118",
            "country": "US",
        }
    )
    assert text == "AP\nNorthwind\n350 Fifth Ave\nNew York NY 10118\nUS"


def test_record_service_eid_lookups_use_the_external_id_index() -> None:
    sandbox = Sandbox()
    fill_orders(sandbox.store, 10_000)
    statements: list[str] = []
    sandbox.store.conn.set_trace_callback(statements.append)
    ctx = RequestContext(base_url=sandbox.base_url)
    sandbox.app.records.get(ctx, "salesOrder", "eid:WOO-5000", {})
    sandbox.store.conn.set_trace_callback(None)
    lookups = [sql for sql in statements if "externalid =" in sql]
    assert lookups
    for sql in lookups:
        plan = " | ".join(row[3] for row in sandbox.store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "INDEX transaction_externalid" in plan, plan
    sandbox.close()
