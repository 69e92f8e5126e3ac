"""The sandbox's record store: one account's SQLite database, its clock and id sequences.

The tables are SuiteQL's (`schema.py`), seeded once from the account profile (`seed.py`);
`Store.reset()` restores that pristine state (`restore.py`). Every request shares one store,
under its lock; SuiteQL reads run on connections of their own (`QueryConnection.open_reader`)
and step out of the lock while they run (`StoreLock.released`), and the database keeps a
write-ahead log (`scratch.py`), so one slow query holds up nobody: not other queries, not a
save.
"""

from __future__ import annotations

import _thread
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from zoneinfo import ZoneInfo

from harness.sandbox.account import AccountProfile
from harness.sandbox.store.restore import RecordConnection, Restored, Restorer
from harness.sandbox.store.schema import FAMILY_OF_TABLE, ID_FAMILIES, create_schema, has_schema
from harness.sandbox.store.scratch import ScratchDatabase
from harness.sandbox.store.seed import seed
from harness.sandbox.store.values import timestamp

Clock = Callable[[], datetime]
_C = TypeVar("_C", bound=sqlite3.Connection)
# Saves never wait for reads (write-ahead log); a reader waits only for the rare checkpoint
# or a whole restore. Far longer than any of those takes, so nothing gives up while the store
# works.
_BUSY_TIMEOUT_SECONDS = 60.0
# A whole restore adds the database's size to the log (~180 KB for the demo account), a
# restore of tables their pages: folding the log back every 8 resets that wrote keeps a
# store under ~1.5 MB for ~30 us a reset.
_RESETS_PER_CHECKPOINT = 8


def utc_now() -> datetime:
    """The default clock: the current time, in UTC."""
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always answers `at` (which must be timezone-aware), for reproducible runs."""
    if at.tzinfo is None:
        raise ValueError(f"fixed_clock needs an aware datetime, got naive {at.isoformat()}")
    return lambda: at


# typeshed marks RLock final; CPython's C RLock can be subclassed and keeps its speed.
class StoreLock(_thread.RLock):  # type: ignore[misc]
    """The store's re-entrant lock, which a thread that only reads can step out of, all its
    levels at once, and take back afterwards: `with lock.released(): ...`."""

    # CPython's RLock has these for threading.Condition, which steps out of a lock the same way.
    _is_owned: Callable[[], bool]
    _release_save: Callable[[], object]
    _acquire_restore: Callable[[object], None]

    def released(self) -> AbstractContextManager[None]:
        """Run the block without the levels this thread holds (none: nothing to release)."""
        return _Released(self)


class _Released:
    __slots__ = ("_lock", "_state")

    def __init__(self, lock: StoreLock) -> None:
        self._lock = lock
        self._state: object = None

    def __enter__(self) -> None:
        if self._lock._is_owned():
            self._state = self._lock._release_save()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._state is not None:
            state, self._state = self._state, None
            self._lock._acquire_restore(state)


class QueryConnection(sqlite3.Connection):
    """The store's connection for SuiteQL: it opens more connections to the same database,
    one per concurrent query (each read-only: `PRAGMA query_only`), and lets a query step out
    of the store's lock while it reads. Closing it closes the readers it opened."""

    uri: str
    store_lock: StoreLock
    readers: list[sqlite3.Connection]
    readers_lock: threading.Lock

    def open_reader(self) -> sqlite3.Connection:
        reader = _connect(self.uri, sqlite3.Connection)
        reader.execute("PRAGMA query_only = ON")
        with self.readers_lock:
            self.readers = [*(r for r in self.readers if _is_open(r)), reader]
        return reader

    def unlocked(self) -> AbstractContextManager[None]:
        return self.store_lock.released()

    def close(self) -> None:
        with self.readers_lock:
            for reader in self.readers:
                reader.close()
            self.readers = []
        super().close()


class Store:
    """One account's records in SQLite, shared by every request; call under `lock`.

    Seeded once from the profile; `reset()` restores that pristine state: the tables written
    since the last reset, row by row, or the whole database where rows cannot say what
    changed (`restore.Restorer`). A reset after reads only is two pragmas.
    """

    def __init__(
        self, profile: AccountProfile, *, path: str | Path | None = None, clock: Clock | None = None
    ) -> None:
        self.profile = profile
        self.clock: Clock = clock or utc_now
        self.zone = ZoneInfo(profile.account.timeZone)
        self.lock = StoreLock()
        self._pristine = sqlite3.connect(":memory:", check_same_thread=False)
        create_schema(self._pristine, profile)
        seed(self._pristine, profile, timestamp(self.clock()))
        self._pristine.commit()
        # Two connections to one database: `conn` for the record service, `query_conn` for
        # SuiteQL, whose per-query authorizer would otherwise expire every statement the
        # record service keeps prepared. The database is a file in write-ahead-log mode (a
        # scratch one unless a path is given), so saves and queries never wait for each other.
        self._scratch = ScratchDatabase(self) if path is None else None
        location = self._scratch.path if self._scratch is not None else Path(path or "")
        target = location.resolve().as_uri()
        self.conn: RecordConnection = _connect(target, RecordConnection)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self._resets = 0
        if self._scratch is not None:
            self.conn.execute("PRAGMA synchronous = OFF")  # scratch: nothing to keep on a crash
        copied = self._scratch is not None or not has_schema(self.conn)
        if copied:
            self._pristine.backup(self.conn)
        # A kept file's contents are unknown until its first reset, which copies it whole.
        self._restorer = Restorer(
            self._pristine,
            self.conn,
            location.resolve(),
            clean=copied,
            durable=self._scratch is None,
        )
        self.query_conn = _query_connection(target, self.lock)
        self.generation = 0  # bumped by reset(): caches of row data must start over
        self._next_ids: dict[str, int] = {}
        self._next_numbers: dict[str, int] = {}
        self._pristine_sequences: tuple[dict[str, int], dict[str, int]] | None = None
        self._load_sequences()

    def close(self) -> None:
        self.query_conn.close()
        self.conn.close()
        self._pristine.close()
        if self._scratch is not None:
            self._scratch.remove()

    def reset(self) -> Restored:
        """Back to the profile's initial state (all records created since are gone); how
        the database got there."""
        with self.lock:
            restored = self._restorer.restore()
            if self._pristine_sequences is None:  # the same after every reset: read once
                self._load_sequences()
                self._pristine_sequences = (dict(self._next_ids), dict(self._next_numbers))
            self._next_ids = dict(self._pristine_sequences[0])
            self._next_numbers = dict(self._pristine_sequences[1])
            self.generation += 1
            if restored is Restored.NOTHING:
                return restored
            self._resets += 1
            if self._resets % _RESETS_PER_CHECKPOINT == 0:
                # A whole restore writes the database into the log and, unlike a commit,
                # never checkpoints it: without this the log grows by the database's size
                # at every such reset, for as long as the store serves.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return restored

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The current date in the account's time zone (NetSuite's default transaction date)."""
        return self.clock().astimezone(self.zone).date()

    def stamp(self) -> str:
        """The current time in stored form."""
        return timestamp(self.clock())

    def next_id(self, table: str) -> int:
        """The next internal id for `table`'s family: sequential and deterministic."""
        family = FAMILY_OF_TABLE[table]
        value = self._next_ids[family]
        self._next_ids[family] = value + 1
        return value

    def next_number(self, kind: str, prefix: str, start: int) -> str:
        """The next document number (`SO1001`, ...) for a numbering sequence."""
        value = self._next_numbers.get(kind, start)
        self._next_numbers[kind] = value + 1
        return f"{prefix}{value}"

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A database transaction: everything inside commits together or not at all."""
        with self.lock:
            self.conn.execute("BEGIN")
            saved_ids = dict(self._next_ids)
            saved_numbers = dict(self._next_numbers)
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                self._next_ids = saved_ids
                self._next_numbers = saved_numbers
                raise
            self.conn.execute("COMMIT")

    def _load_sequences(self) -> None:
        for family, tables in ID_FAMILIES.items():
            key = "nkey" if family == "address" else "id"
            highest = 0
            for table in tables:
                row = self.conn.execute(f'SELECT MAX({key}) FROM "{table}"').fetchone()
                highest = max(highest, row[0] or 0)
            self._next_ids[family] = highest + 1
        numbering = self.profile.preferences.salesOrderNumbering
        self._next_numbers = {"SalesOrd": _next_document_number(self.conn, numbering.prefix)}
        self._next_numbers["SalesOrd"] = max(self._next_numbers["SalesOrd"], numbering.nextNumber)
        customer_numbering = self.profile.preferences.customerNumbering
        if customer_numbering is not None:
            self._next_numbers["customer"] = customer_numbering.nextNumber


def _next_document_number(conn: sqlite3.Connection, prefix: str) -> int:
    highest = 0
    for (tranid,) in conn.execute(
        "SELECT tranid FROM \"transaction\" WHERE type = 'SalesOrd' AND tranid LIKE ?",
        (prefix + "%",),
    ):
        suffix = tranid[len(prefix) :]
        if suffix.isdecimal():
            highest = max(highest, int(suffix))
    return highest + 1


def _connect(uri: str, factory: type[_C]) -> _C:
    conn = sqlite3.connect(
        uri,
        uri=True,
        check_same_thread=False,
        isolation_level=None,
        cached_statements=512,
        timeout=_BUSY_TIMEOUT_SECONDS,
        factory=factory,
    )
    _harden(conn)
    return conn


def _query_connection(uri: str, lock: StoreLock) -> QueryConnection:
    conn = sqlite3.connect(
        uri,
        uri=True,
        check_same_thread=False,
        isolation_level=None,
        cached_statements=512,
        timeout=_BUSY_TIMEOUT_SECONDS,
        factory=QueryConnection,
    )
    _harden(conn)
    conn.uri, conn.store_lock, conn.readers, conn.readers_lock = uri, lock, [], threading.Lock()
    conn.execute("PRAGMA query_only = ON")
    return conn


def _harden(conn: sqlite3.Connection) -> None:
    """No native code reachable from SQL: extension loading off (where Python offers the
    switch) and SQLite's `fts3_tokenizer`, whose two-argument form writes a native pointer
    (this SQLite is built with it enabled), replaced by one that refuses."""
    switch = getattr(conn, "enable_load_extension", None)
    if switch is not None:
        switch(False)
    for arguments in (1, 2):
        conn.create_function("fts3_tokenizer", arguments, _refuse)
        conn.create_function("load_extension", arguments, _refuse)
    conn.execute("PRAGMA trusted_schema = OFF")


def _refuse(*_arguments: object) -> None:
    raise sqlite3.NotSupportedError("not available in the sandbox")


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return False
    return True
