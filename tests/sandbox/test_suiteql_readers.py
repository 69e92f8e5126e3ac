"""Where SuiteQL runs: readers of their own outside the store lock, hardened connections, the
function allow-list at both levels, and the store lock a read can step out of."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from harness.sandbox.serve import Sandbox
from harness.sandbox.store.db import QueryConnection, StoreLock
from harness.sandbox.suiteql import engine as suiteql_module
from harness.sandbox.suiteql import translate as suiteql_translate
from harness.sandbox.suiteql.allowlist import SQLITE_FUNCTIONS, SUPPORTED
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.engine import SuiteQLEngine, SuiteQLError
from harness.sandbox.suiteql.readers import ReaderPool

CROSS_JOIN = "WITH d AS (SELECT id FROM customer) SELECT COUNT(*) AS n FROM " + ", ".join(
    f"d d{n}" for n in range(12)
)


@pytest.fixture
def store_engine() -> Iterator[tuple[Sandbox, SuiteQLEngine]]:
    sandbox = Sandbox()
    engine = sandbox.app.suiteql
    engine.budget = QueryBudget(time_limit_seconds=1.0)
    yield sandbox, engine
    sandbox.close()


def _error(engine: SuiteQLEngine, q: str) -> SuiteQLError:
    with pytest.raises(SuiteQLError) as caught:
        engine.run(q, limit=10, offset=0)
    return caught.value


# --- readers ------------------------------------------------------------------------------------


def test_queries_run_side_by_side_on_readers_of_their_own(
    store_engine: tuple[Sandbox, SuiteQLEngine],
) -> None:
    """Two queries that each run into the one-second limit finish together, not one after
    the other: neither waits for the other's connection or for the store lock."""
    _sandbox, engine = store_engine
    details: list[str] = []

    def hostile() -> None:
        details.append(_error(engine, CROSS_JOIN).detail)

    threads = [threading.Thread(target=hostile) for _ in range(2)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    elapsed = time.monotonic() - began
    assert len(details) == 2 and all("time limit of 1 seconds" in d for d in details)
    assert elapsed < 1.8


def test_a_query_holds_the_store_lock_nowhere_while_it_reads(
    store_engine: tuple[Sandbox, SuiteQLEngine],
) -> None:
    sandbox, engine = store_engine
    seen: list[bool] = []

    def hostile() -> None:
        with sandbox.store.lock:  # as the app calls it
            _error(engine, CROSS_JOIN)
            seen.append(True)

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.2)
    assert sandbox.store.lock.acquire(timeout=0.2)  # free while the query reads
    sandbox.store.lock.release()
    thread.join(timeout=5)
    assert seen == [True]


def test_readers_are_read_only_connections_and_closed_with_the_store() -> None:
    sandbox = Sandbox()
    query_conn = sandbox.store.query_conn
    assert isinstance(query_conn, QueryConnection)
    reader = query_conn.open_reader()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.execute("DELETE FROM customer")
    sandbox.close()
    with pytest.raises(sqlite3.ProgrammingError):
        reader.execute("SELECT 1")


def test_a_query_never_sees_a_write_half_done(
    store_engine: tuple[Sandbox, SuiteQLEngine],
) -> None:
    """A query that starts while a write is under way neither waits for it nor sees half of
    it: it reads the database as it was before the write (the write-ahead log's snapshot);
    a query after the commit sees both customers written together."""
    sandbox, engine = store_engine
    q = "SELECT COUNT(*) AS n FROM customer WHERE companyname = 'Together'"
    writing = threading.Event()

    def write_two() -> None:
        with sandbox.store.write() as conn:
            for number in (99001, 99002):
                conn.execute(
                    "INSERT INTO customer (id, entityid, companyname, isperson) "
                    "VALUES (?, ?, 'Together', 'F')",
                    (number, f"C{number}"),
                )
                writing.set()
                time.sleep(0.2)

    writer = threading.Thread(target=write_two)
    writer.start()
    writing.wait(timeout=5)
    assert engine.run(q, limit=1, offset=0).rows == [{"n": "0"}]  # did not wait for it
    writer.join(timeout=5)
    assert engine.run(q, limit=1, offset=0).rows == [{"n": "2"}]


def test_surplus_readers_are_closed_and_a_few_kept() -> None:
    sandbox = Sandbox()
    query_conn = sandbox.store.query_conn
    assert isinstance(query_conn, QueryConnection)
    prepared: list[sqlite3.Connection] = []
    pool = ReaderPool(query_conn, query_conn, prepared.append, keep=4)
    busy = [pool.acquire() for _ in range(7)]  # seven queries at once
    assert busy[0] is query_conn and len({id(conn) for conn in busy}) == 7
    assert len(prepared) == 7  # each reader prepared once, when opened
    for conn in busy:
        pool.release(conn)
    assert [_is_open(conn) for conn in busy] == [True] * 4 + [False] * 3
    again = pool.acquire()
    assert again in busy[:4] and len(prepared) == 7  # a kept reader, not a new one
    sandbox.close()


def test_the_source_connection_is_kept_when_it_comes_back_last() -> None:
    """Closing the store's own query connection closes every reader it opened, in use or
    not: when it is released into a full pool it must be kept, not closed."""
    sandbox = Sandbox()
    query_conn = sandbox.store.query_conn
    assert isinstance(query_conn, QueryConnection)
    pool = ReaderPool(query_conn, query_conn, lambda _: None, keep=4)
    busy = [pool.acquire() for _ in range(7)]
    for conn in busy[1:]:
        pool.release(conn)  # four kept, two closed
    kept = busy[1]
    pool.release(busy[0])  # the source comes back last, into a full pool
    assert _is_open(query_conn) and _is_open(kept)
    sandbox.close()


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return False
    return True


# --- the store lock -----------------------------------------------------------------------------


def test_the_store_lock_is_released_at_every_level_and_taken_back() -> None:
    lock = StoreLock()
    taken_elsewhere: list[bool] = []

    def other() -> None:
        taken_elsewhere.append(lock.acquire(timeout=1))
        lock.release()

    with lock, lock:
        with lock.released():
            thread = threading.Thread(target=other)
            thread.start()
            thread.join()
        assert not _free_elsewhere(lock)  # both levels are back
    assert taken_elsewhere == [True]
    assert _free_elsewhere(lock)


def test_stepping_out_of_a_lock_not_held_changes_nothing() -> None:
    lock = StoreLock()
    with lock.released():
        assert _free_elsewhere(lock)
    assert _free_elsewhere(lock)


def _free_elsewhere(lock: StoreLock) -> bool:
    result: list[bool] = []

    def probe() -> None:
        result.append(lock.acquire(blocking=False))
        if result[0]:
            lock.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return result[0]


# --- hardened connections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT fts3_tokenizer('simple')",
        "SELECT fts3_tokenizer('simple', x'0000000000000000')",
        "SELECT load_extension('/tmp/nothing.so')",
    ],
)
def test_native_code_is_out_of_reach_on_every_store_connection(sql: str) -> None:
    """Even outside SuiteQL (and its allow-list), the store's connections refuse these."""
    sandbox = Sandbox()
    query_conn = sandbox.store.query_conn
    assert isinstance(query_conn, QueryConnection)
    for conn in (sandbox.store.conn, query_conn, query_conn.open_reader()):
        with pytest.raises(sqlite3.OperationalError, match="user-defined function raised"):
            conn.execute(sql).fetchall()
    sandbox.close()


def test_a_prepared_plain_connection_refuses_the_tokenizer_too() -> None:
    conn = sqlite3.connect(":memory:")
    SuiteQLEngine(conn, {})
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("SELECT fts3_tokenizer('simple')").fetchall()


def test_execution_refuses_any_sqlite_function_off_the_list(
    store_engine: tuple[Sandbox, SuiteQLEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: a translation that calls an SQLite function the allow-list never
    lets through (a translator bug) is refused at execution, naming the function."""
    _sandbox, engine = store_engine
    genuine = suiteql_translate.translate

    def leaking(*args: Any, **kwargs: Any) -> suiteql_translate.Translation:
        translation = genuine(*args, **kwargs)
        leak = "SELECT hex(randomblob(8)) AS id LIMIT :page_limit OFFSET :page_offset"
        return replace(translation, page_sql=leak)

    monkeypatch.setattr(suiteql_module, "translate", leaking)
    error = _error(engine, "SELECT id FROM customer WHERE id = 1001")
    assert error.detail.endswith("The function HEX is not a SuiteQL function.")


# --- the allow-list -----------------------------------------------------------------------------

# One call of every documented function the sandbox computes, with arguments it accepts.
DOCUMENTED_CALLS = [
    "ABS(-2)", "ACOS(0.5)", "ASIN(0.5)", "ATAN(1)", "ATAN2(1, 2)", "CEIL(1.2)", "CHR(65)",
    "COALESCE(NULL, 1)", "CONCAT('a', 'b')", "COS(0)", "COSH(0)", "DECODE(1, 1, 'a', 'b')",
    "EXP(1)", "FLOOR(1.7)", "GREATEST(1, 2)", "INSTR('abc', 'b')", "LEAST(1, 2)", "LENGTH('ab')",
    "LN(2)", "LOG(10, 100)", "LOWER('A')", "LTRIM(' a')", "MOD(7, 3)", "NULLIF(1, 2)",
    "NVL(NULL, 1)", "NVL2(1, 'a', 'b')", "POWER(2, 3)", "REPLACE('ab', 'a', 'c')", "ROUND(1.55, 1)",
    "RTRIM('a ')", "SIGN(-3)", "SIN(0)", "SINH(0)", "SOUNDEX('Robert')", "SQRT(4)",
    "SUBSTR('abc', 2)", "TAN(0)", "TANH(0)", "TO_CHAR(12)", "TO_DATE('2024-01-05', 'YYYY-MM-DD')",
    "TO_NUMBER('12')", "TRUNC(1.7)", "UPPER('a')", "CURRENT_DATE", "SYSDATE",
    "CAST('1' AS NUMBER)", "CASE WHEN 1 = 1 THEN 'a' END", "TRIM(' a ')",
]  # fmt: skip
AGGREGATES = [
    "COUNT(*)", "SUM(id)", "AVG(id)", "MIN(id)", "MAX(id)", "ROW_NUMBER() OVER (ORDER BY id)",
    "RANK() OVER (ORDER BY id)", "DENSE_RANK() OVER (ORDER BY id)",
]  # fmt: skip


@pytest.mark.parametrize("call", DOCUMENTED_CALLS + AGGREGATES)
def test_documented_functions_run(store_engine: tuple[Sandbox, SuiteQLEngine], call: str) -> None:
    _sandbox, engine = store_engine
    q = f"SELECT {call} AS x FROM " + ("customer" if call in AGGREGATES else "dual")
    page = engine.run(q, limit=10, offset=0)
    assert page.rows and "x" in page.rows[0]


def test_every_documented_name_is_known_to_the_list() -> None:
    names = {call.split("(")[0].split()[0] for call in DOCUMENTED_CALLS + AGGREGATES}
    assert names - SUPPORTED <= {"SYSDATE", "CAST", "CASE", "TRIM"}


def test_the_sqlite_list_holds_no_function_that_reaches_internals() -> None:
    assert not SQLITE_FUNCTIONS & {
        "load_extension", "fts3_tokenizer", "randomblob", "zeroblob", "hex", "unhex", "printf",
        "format", "typeof", "sqlite_version", "sqlite_compileoption_get", "json_extract", "iif",
        "readfile", "writefile", "edit", "quote", "sqlite_offset",
    }  # fmt: skip


@pytest.mark.parametrize(
    "call",
    [
        "ADD_MONTHS(SYSDATE, 1)",
        "LPAD('a', 3)",
        "REGEXP_SUBSTR('abc', 'b')",
        "BITAND(6, 3)",
        "ASCII('A')",
    ],
)
def test_documented_functions_the_sandbox_lacks_say_so(
    store_engine: tuple[Sandbox, SuiteQLEngine], call: str
) -> None:
    _sandbox, engine = store_engine
    error = _error(engine, f"SELECT {call} AS x FROM dual")
    name = call.split("(")[0]
    assert error.detail.endswith(f"The function {name} is not available in the embedded sandbox.")
