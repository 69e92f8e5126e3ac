"""Where a SuiteQL query runs: a connection of its own, hardened, guarded and timed.

The store hands the engine a connection that can open more connections to its database
(`ReaderSource`): each query then runs on a reader of its own, outside the store's lock, so
queries never wait for one another and a slow one holds up nobody. Any other connection (a
test's) serves one query at a time.

Every connection a query runs on is prepared once (`prepare`):
- SuiteQL's own functions; `fts3_tokenizer` and `load_extension` replaced by functions that
  refuse (SQLite's two-argument `fts3_tokenizer` writes a native pointer, and common builds
  enable it); extension loading, the FTS3 tokenizer switch and SQLite's defensive mode set
  too wherever Python offers the switches (`enable_load_extension`, 3.12's `setconfig`);
- limits: no value longer than the budget's `max_value_bytes`, no ATTACH, temporary tables
  and sorts in memory (never spilled to disk), and SQLite's memory in the process capped at
  the budget's `max_sqlite_heap_bytes` (SQLite's hard heap limit is per process: only ever
  lowered here, never raised);
- an authorizer that, while a query runs, permits reads and the allow-listed SQLite functions
  only (anything else fails the statement, and the engine says which function), and lets the
  connection's other users through between queries. Installing an authorizer expires every
  statement prepared on the connection, so it is installed once, not per query;
- a progress handler that stops a query once its deadline has passed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from harness.sandbox.suiteql.allowlist import SQLITE_FUNCTIONS
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.functions import fail

__all__ = [
    "QueryRun",
    "ReaderPool",
    "ReaderSource",
    "SharedConnection",
    "end_query",
    "prepare",
    "start_query",
]

_READ_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})
# SQLite calls the progress handler every this many virtual-machine steps: often enough to
# stop within a millisecond or so, rarely enough to cost nothing measurable.
_PROGRESS_STEPS = 1_000
_MAX_SQL_BYTES = 10_000_000  # translated SQL; the query text itself is capped far lower


@runtime_checkable
class ReaderSource(Protocol):
    """A connection that can open more connections to its database and step out of its
    owner's lock while a read runs (the store's query connection)."""

    def open_reader(self) -> sqlite3.Connection: ...

    def unlocked(self) -> AbstractContextManager[None]: ...


@dataclass
class QueryRun:
    """One query in progress on a connection: when it must stop, what the authorizer refused."""

    deadline: float
    refused_function: str | None = None


_RUNNING: dict[int, QueryRun] = {}  # keyed by id() of the connection the query runs on


def start_query(conn: sqlite3.Connection, deadline: float) -> QueryRun:
    """From now until `end_query`, `conn` is read-only, allow-listed and timed (it must have
    been prepared)."""
    run = QueryRun(deadline)
    _RUNNING[id(conn)] = run
    return run


def end_query(conn: sqlite3.Connection) -> None:
    _RUNNING.pop(id(conn), None)


def prepare(conn: sqlite3.Connection, budget: QueryBudget, register: Callable[..., None]) -> None:
    """Make `conn` fit to run queries (see the module docstring); `register` adds SuiteQL's
    functions."""
    register(conn)
    for arguments in (1, 2):
        conn.create_function("fts3_tokenizer", arguments, _refuse_tokenizer)
        conn.create_function("load_extension", arguments, _refuse_extension)
    switch = getattr(conn, "enable_load_extension", None)
    if switch is not None:
        switch(False)
    _configure(conn, "SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER", False)
    _configure(conn, "SQLITE_DBCONFIG_DEFENSIVE", True)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, budget.max_value_bytes)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, _MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.execute("PRAGMA temp_store = MEMORY")
    current = int(conn.execute("PRAGMA hard_heap_limit").fetchone()[0])
    if current == 0 or current > budget.max_sqlite_heap_bytes:
        conn.execute(f"PRAGMA hard_heap_limit = {int(budget.max_sqlite_heap_bytes)}")
    conn.set_authorizer(_authorizer(id(conn)))
    conn.set_progress_handler(_progress(id(conn)), _PROGRESS_STEPS)


def _configure(conn: sqlite3.Connection, option: str, enabled: bool) -> None:
    """SQLite's own switch where Python offers it (`Connection.setconfig`, Python 3.12+);
    the function overrides above hold either way."""
    setconfig = getattr(conn, "setconfig", None)
    code = getattr(sqlite3, option, None)
    if setconfig is not None and code is not None:
        setconfig(code, enabled)


def _refuse_tokenizer(*_arguments: object) -> None:
    fail("fts3_tokenizer is not available.")


def _refuse_extension(*_arguments: object) -> None:
    fail("Loading extensions is not available.")


def _authorizer(
    conn_id: int,
) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """Keyed by the connection, so a second engine on the same connection guards the first's
    queries too."""

    def authorize(
        action: int, _arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
    ) -> int:
        if action in _READ_ACTIONS:
            return sqlite3.SQLITE_OK
        run = _RUNNING.get(conn_id)
        if run is None:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            if arg2 is not None and arg2.lower() in SQLITE_FUNCTIONS:
                return sqlite3.SQLITE_OK
            run.refused_function = arg2 or "?"
        return sqlite3.SQLITE_DENY

    return authorize


def _progress(conn_id: int) -> Callable[[], int]:
    def past_deadline() -> int:
        run = _RUNNING.get(conn_id)
        return int(run is not None and time.monotonic() > run.deadline)

    return past_deadline


class SharedConnection:
    """One connection for every query, one query at a time (its owner serialises the rest)."""

    def __init__(self, conn: sqlite3.Connection, setup: Callable[[sqlite3.Connection], None]):
        setup(conn)
        self._conn = conn
        self._lock = threading.Lock()

    def acquire(self) -> sqlite3.Connection:
        self._lock.acquire()
        return self._conn

    def release(self, _conn: sqlite3.Connection) -> None:
        self._lock.release()


class ReaderPool:
    """Readers of one database, each serving one query at a time: idle ones are kept (their
    prepared statements stay warm), and a query that finds none idle opens another. The
    `first` reader is the source's own connection: it is never closed here (closing it closes
    every reader the source opened, in use or not)."""

    def __init__(
        self,
        source: ReaderSource,
        first: sqlite3.Connection,
        setup: Callable[[sqlite3.Connection], None],
        *,
        keep: int = 4,
    ) -> None:
        setup(first)
        self._source = source
        self._setup = setup
        self._first = first
        self._idle = [first]
        self._keep = keep
        self._lock = threading.Lock()

    def acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        conn = self._source.open_reader()
        self._setup(conn)
        return conn

    def release(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if len(self._idle) < self._keep or conn is self._first:
                self._idle.append(conn)
                return
        conn.close()
