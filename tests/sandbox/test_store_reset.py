"""`Store.reset()` puts back every row any write changed, and only rewrites what was written.

A reset after writes rewrites the tables written since the last one, row by row from the
pristine copy, and keeps the schema (so no connection prepares its statements again); a
reset after reads writes nothing; the whole copy (SQLite's backup) stays for what rows
cannot say. Each test compares every table, rowids included, with the pristine state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import Client, order_body, tba
from wider_role import wide, wide_sandbox

from harness.sandbox.account import demo_profile
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.db import Store, fixed_clock
from harness.sandbox.store.restore import RecordConnection, Restored, Restorer

__all__ = ["wide", "wide_sandbox"]  # fixtures

AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

Dump = tuple[list[tuple[str, str]], dict[str, list[tuple[Any, ...]]]]


def dump(conn: sqlite3.Connection) -> Dump:
    """The schema and every row of every table (rowids included), in rowid order."""
    schema = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    rows = {
        name: conn.execute(f'SELECT _rowid_, * FROM "{name}" ORDER BY _rowid_').fetchall()
        for name in tables
    }
    return schema, rows


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA schema_version").fetchone()[0])


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(demo_profile(), clock=fixed_clock(AT))
    yield store
    store.close()


# --- every table, every kind of write ----------------------------------------------------------


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    ]


def _minimal_row(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    """A row `table` accepts: a value for each column that must have one, keys far above
    any seeded one."""
    row: dict[str, object] = {}
    for _cid, name, declared, notnull, default, key in conn.execute(
        f'PRAGMA table_info("{table}")'
    ):
        if key or (notnull and default is None):
            row[name] = 900_000 + key if "INT" in str(declared).upper() else f"x{name}"
    return row


def test_every_table_family_is_restored_after_inserts_updates_and_deletes(store: Store) -> None:
    pristine = dump(store.conn)
    version = schema_version(store.conn)
    tables = _tables(store.conn)
    assert {"transaction", "transactionline", "customer", "entityaddress", "pricing"} <= set(tables)
    for table in tables:  # a new row in each, then a change to every row, then some gone
        row = _minimal_row(store.conn, table)
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" * len(row))
        with store.write() as conn:
            conn.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
        some_column = next(iter(_minimal_row(store.conn, table)))
        store.conn.execute(f'UPDATE "{table}" SET "{some_column}" = "{some_column}" || \'\'')
        store.conn.execute(f'DELETE FROM "{table}" WHERE _rowid_ % 2 = 0')
    assert dump(store.conn) != pristine
    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine
    assert schema_version(store.conn) == version


def test_each_table_written_alone_is_restored(store: Store) -> None:
    pristine = dump(store.conn)
    for table in _tables(store.conn):
        row = _minimal_row(store.conn, table)
        columns = ", ".join(f'"{c}"' for c in row)
        store.conn.execute(
            f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(row))})',
            list(row.values()),
        )
        assert table in store._restorer.written
        assert store.reset() is Restored.TABLES
        assert dump(store.conn) == pristine, table


# --- through the REST API ----------------------------------------------------------------------


def test_landings_edits_transforms_and_deletes_are_all_undone(
    wide_sandbox: Sandbox, wide: Client
) -> None:
    store = wide_sandbox.store
    pristine = dump(store.conn)
    version = schema_version(store.conn)
    order = wide.create(
        "salesOrder",
        order_body(
            orderStatus="B",
            shipMethod={"id": "201"},
            externalId="WOO-RESET-1",
            billingAddress={"addr1": "1 Main St", "city": "Boston", "country": "US"},
            shippingAddress={"addr1": "2 Side St", "city": "Boston", "country": "US"},
        ),
    )
    book = {"items": [{"defaultBilling": True, "addressBookAddress": {"addr1": "9 Elm St"}}]}
    customer = wide.create(
        "customer", {"companyName": "Reset Co", "subsidiary": {"id": "1"}, "addressBook": book}
    )
    assert wide.patch("record/v1/customer/1001", {"email": "edited@example.com"}).status_code == 204
    assert wide.patch(f"record/v1/salesOrder/{order}", {"memo": "edited"}).status_code == 204
    fulfilled = wide.request("POST", f"record/v1/salesOrder/{order}/!transform/itemFulfillment")
    assert fulfilled.status_code == 204, fulfilled.text
    billed = wide.request("POST", f"record/v1/salesOrder/{order}/!transform/invoice")
    assert billed.status_code == 204, billed.text
    assert wide.delete(f"record/v1/customer/{customer}").status_code == 204
    spare = wide.create("salesOrder", order_body())
    assert wide.delete(f"record/v1/salesOrder/{spare}").status_code == 204
    seen = wide.suiteql(f"SELECT memo FROM transaction WHERE id = {order}").json()["items"]
    assert seen[0]["memo"] == "edited"
    assert dump(store.conn) != pristine

    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine
    assert schema_version(store.conn) == version
    after = wide.suiteql(f"SELECT id FROM transaction WHERE id = {order}").json()
    assert after["count"] == 0  # SuiteQL sees the restored database too
    assert wide.get("record/v1/customer/1001").json()["email"] != "edited@example.com"
    assert wide.create("salesOrder", order_body()) == order  # the id sequence went back too


def test_a_reset_keeps_every_statement_the_record_connection_prepared(
    sandbox: Sandbox, ns: Client
) -> None:
    """The cost a whole copy brought: the next landing prepared all its statements again.
    An authorizer runs whenever SQLite prepares a statement; after a reset that keeps the
    schema, the same landing prepares none."""
    prepared: list[int] = []

    def counting(action: int, name: str | None, *_: object) -> int:
        # Every eighth reset also checkpoints the write-ahead log (harness.sandbox.store.db):
        # which reset that is depends on the tests before, and it is not the landing's.
        if (action, name) != (sqlite3.SQLITE_PRAGMA, "wal_checkpoint"):
            prepared.append(action)
        return sqlite3.SQLITE_OK

    sandbox.store.conn.set_authorizer(counting)  # expires what was prepared: land once first
    try:
        for _ in range(2):
            prepared.clear()
            ns.create("salesOrder", order_body(externalId="WOO-PREP"))
            assert ns.get("record/v1/salesOrder/eid:WOO-PREP").status_code == 200
            assert sandbox.store.reset() is Restored.TABLES
            if not prepared:
                break
        assert prepared == []  # the first landing prepared; the second, after a reset, did not
    finally:
        sandbox.store.conn.set_authorizer(None)


# --- nothing to do -----------------------------------------------------------------------------


def test_a_reset_after_reads_only_runs_two_pragmas_and_still_starts_a_generation(
    store: Store,
) -> None:
    store.reset()  # the first reads the pristine sequences, once
    store.conn.execute("SELECT COUNT(*) FROM customer").fetchone()
    generation = store.generation
    ran: list[str] = []
    store.conn.set_trace_callback(ran.append)
    try:
        assert store.reset() is Restored.NOTHING
    finally:
        store.conn.set_trace_callback(None)
    assert ran == ["PRAGMA main.schema_version", "PRAGMA main.data_version"]
    assert store.generation == generation + 1


def test_a_rolled_back_write_leaves_nothing_behind(store: Store) -> None:
    pristine = dump(store.conn)
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("DELETE FROM customer")
        raise RuntimeError("rule rejected")
    store.reset()
    assert dump(store.conn) == pristine


def test_sequences_go_back_whichever_way_the_database_did(store: Store) -> None:
    first = (store.next_id("customer"), store.next_number("SalesOrd", "SO", 1001))
    store.next_id("customer")
    assert store.reset() is Restored.NOTHING
    assert (store.next_id("customer"), store.next_number("SalesOrd", "SO", 1001)) == first
    store.conn.execute("DELETE FROM customer WHERE id = 1001")
    assert store.reset() is Restored.TABLES
    assert (store.next_id("customer"), store.next_number("SalesOrd", "SO", 1001)) == first


# --- exact whichever way a statement is reused or watched --------------------------------------


def test_a_cached_statement_run_again_after_a_reset_is_still_restored(store: Store) -> None:
    """SQLite asks the authorizer only when it prepares a statement: a write the statement
    cache serves again, after a reset or after a whole copy, must still be undone."""
    pristine = dump(store.conn)
    delete = "DELETE FROM customer WHERE id = ?"
    store.conn.execute(delete, (1001,))
    assert store.reset() is Restored.TABLES
    store.conn.execute(delete, (1002,))  # from the cache, not prepared again
    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine

    store.conn.execute("ALTER TABLE item ADD COLUMN custitem_added TEXT")
    assert store.reset() is Restored.WHOLE  # forgets what was written: the schema is new
    assert store._restorer.written == frozenset()
    store.conn.execute(delete, (1003,))  # prepared again for the new schema, and noted
    assert "customer" in store._restorer.written
    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine


def test_an_authorizer_set_by_anyone_else_does_not_hide_a_write(store: Store) -> None:
    pristine = dump(store.conn)
    store.conn.set_authorizer(lambda *_: sqlite3.SQLITE_OK)
    store.conn.execute("UPDATE term SET name = 'changed'")
    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine
    store.conn.set_authorizer(
        lambda action, *_: (
            sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_DELETE else sqlite3.SQLITE_OK
        )
    )
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        store.conn.execute("DELETE FROM term")  # and its own answer still counts


# --- the whole copy ----------------------------------------------------------------------------


def test_a_schema_changed_at_runtime_is_restored_whole(store: Store) -> None:
    pristine = dump(store.conn)
    store.conn.execute("ALTER TABLE customer ADD COLUMN custentity_added TEXT")
    store.conn.execute("UPDATE customer SET custentity_added = 'x'")
    store.conn.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY)")
    assert store.reset() is Restored.WHOLE
    assert dump(store.conn) == pristine
    store.conn.execute("DELETE FROM customer")
    assert store.reset() is Restored.TABLES  # and the next reset is row by row again
    assert dump(store.conn) == pristine


def test_a_write_by_another_connection_is_restored_whole(store: Store) -> None:
    pristine = dump(store.conn)
    database = store.conn.execute("PRAGMA database_list").fetchone()[2]
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("DELETE FROM item")
    finally:
        other.close()
    assert store.reset() is Restored.WHOLE
    assert dump(store.conn) == pristine


def test_a_reset_inside_an_open_transaction_is_refused_as_a_whole_copy_is(store: Store) -> None:
    """Not copied row by row by another connection, which would wait for this one's lock."""
    pristine = dump(store.conn)
    store.conn.execute("BEGIN")
    store.conn.execute("DELETE FROM item")
    with pytest.raises(sqlite3.OperationalError, match="in use"):
        store.reset()
    store.conn.execute("ROLLBACK")
    assert store.reset() is Restored.TABLES
    assert dump(store.conn) == pristine


def test_writes_the_change_counter_misses_are_restored_whole(store: Store) -> None:
    """The header's user version and a blob written in place count no change."""
    pristine, header = dump(store.conn), store.conn.execute("PRAGMA user_version").fetchone()
    store.reset()
    set_version = "PRAGMA user_version = 7"
    store.conn.execute(set_version)
    assert store.reset() is Restored.WHOLE
    assert store.conn.execute("PRAGMA user_version").fetchone() == header
    store.conn.execute(set_version)  # a new schema: prepared again, and seen again
    assert store.reset() is Restored.WHOLE
    assert store.conn.execute("PRAGMA user_version").fetchone() == header

    term = store.conn.execute("SELECT MIN(id) FROM term").fetchone()[0]
    with store.conn.blobopen("term", "name", term) as blob:
        blob.write(b"X")
    assert dump(store.conn) != pristine
    assert store.reset() is Restored.WHOLE
    assert dump(store.conn) == pristine
    with store.conn.blobopen("term", "name", term, readonly=True) as blob:
        blob.read()
    assert store.reset() is Restored.NOTHING  # reading a blob writes nothing


def test_a_kept_database_file_is_restored_whole_once_then_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "kept.db"
    first = Store(demo_profile(), path=path, clock=fixed_clock(AT))
    pristine = dump(first.conn)
    first.conn.execute("DELETE FROM customer WHERE id = 1001")
    first.close()
    kept = Store(demo_profile(), path=path, clock=fixed_clock(AT))
    try:
        assert dump(kept.conn) != pristine  # as the file was left
        assert kept.reset() is Restored.WHOLE  # its contents were never known
        assert dump(kept.conn) == pristine
        kept.conn.execute("DELETE FROM customer WHERE id = 1002")
        assert kept.reset() is Restored.TABLES
        assert dump(kept.conn) == pristine
    finally:
        kept.close()


# --- the write-ahead log -----------------------------------------------------------------------


def _log_size(store: Store) -> int:
    database = Path(store.conn.execute("PRAGMA database_list").fetchone()[2])
    log = database.with_name(database.name + "-wal")
    return log.stat().st_size if log.exists() else 0


def test_the_log_is_folded_back_every_eighth_reset_that_wrote(store: Store) -> None:
    sizes = []
    for _ in range(8):
        store.conn.execute("DELETE FROM customer")
        for _ in range(3):
            store.reset()  # the two after the first write nothing, and count for nothing
        sizes.append(_log_size(store))
    assert min(sizes[:7]) > 0
    assert sizes[7] == 0


def test_a_store_restored_whole_again_and_again_stays_small(store: Store) -> None:
    """A whole copy writes the database into the log, which no commit folds back."""
    database = store.conn.execute("PRAGMA database_list").fetchone()[2]
    other = sqlite3.connect(database, isolation_level=None)
    try:
        sizes = []
        for n in range(40):
            other.execute("UPDATE term SET name = ?", (f"t{n}",))
            assert store.reset() is Restored.WHOLE
            sizes.append(_log_size(store))
    finally:
        other.close()
    assert max(sizes) < 2_000_000, max(sizes)


def test_a_served_sandbox_resets_to_its_pristine_state_between_requests() -> None:
    sandbox = Sandbox(clock=fixed_clock(AT))
    try:
        pristine = dump(sandbox.store.conn)
        with sandbox.intercept():
            client = Client(sandbox.base_url, tba(sandbox))
            for _ in range(3):
                client.create("salesOrder", order_body())
                sandbox.reset()
                assert dump(sandbox.store.conn) == pristine
    finally:
        sandbox.close()


# --- the restorer on its own ---------------------------------------------------------------------


def test_hidden_rowids_come_back_as_they_were_gaps_and_all(tmp_path: Path) -> None:
    """A table without an integer key keeps hidden rowids, which a plain refill would
    number afresh (and rows without ORDER BY come back in rowid order)."""
    pristine = sqlite3.connect(":memory:", check_same_thread=False)
    pristine.executescript(
        "CREATE TABLE pair (a INTEGER NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b));"
        "INSERT INTO pair (_rowid_, a, b) VALUES (3, 1, 'x'), (9, 2, 'y'), (4, 0, 'z');"
    )
    path = tmp_path / "live.db"
    conn = sqlite3.connect(path, isolation_level=None, factory=RecordConnection)
    conn.execute("PRAGMA journal_mode = WAL")
    pristine.backup(conn)
    restorer = Restorer(pristine, conn, path, clean=True, durable=False)
    before = dump(conn)
    conn.execute("DELETE FROM pair WHERE a = 1")
    conn.execute("INSERT INTO pair VALUES (7, 'w')")
    assert restorer.restore() is Restored.TABLES
    assert dump(conn) == before
    assert [row[0] for row in conn.execute("SELECT _rowid_ FROM pair")] == [3, 4, 9]
    conn.close()
    pristine.close()
