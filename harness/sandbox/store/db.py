"""The sandbox's record store: one account's SQLite database, its clock and id sequences.

The tables are SuiteQL's (`schema.py`), seeded once from the account profile (`seed.py`);
`Store.reset()` restores that pristine state. Every request shares one store, under its lock.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from harness.sandbox.account import AccountProfile
from harness.sandbox.store.schema import FAMILY_OF_TABLE, ID_FAMILIES, create_schema, has_schema
from harness.sandbox.store.seed import seed
from harness.sandbox.store.values import timestamp

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: the current time, in UTC."""
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always answers `at` (which must be timezone-aware), for reproducible runs."""
    if at.tzinfo is None:
        raise ValueError(f"fixed_clock needs an aware datetime, got naive {at.isoformat()}")
    return lambda: at


class Store:
    """One account's records in SQLite, shared by every request; call under `lock`.

    Seeded once from the profile; `reset()` restores that pristine state with SQLite's backup
    API, which for an account of this size takes well under a millisecond.
    """

    def __init__(
        self, profile: AccountProfile, *, path: str | Path | None = None, clock: Clock | None = None
    ) -> None:
        self.profile = profile
        self.clock: Clock = clock or utc_now
        self.zone = ZoneInfo(profile.account.timeZone)
        self.lock = threading.RLock()
        self._pristine = sqlite3.connect(":memory:", check_same_thread=False)
        create_schema(self._pristine, profile)
        seed(self._pristine, profile, timestamp(self.clock()))
        self._pristine.commit()
        # Two connections to one database: `conn` for the record service, `query_conn` for
        # SuiteQL, whose per-query authorizer would otherwise expire every statement the
        # record service keeps prepared. In memory, the `memdb` VFS lets both share it.
        target = (
            f"file:/harness-sandbox-{uuid.uuid4().hex}?vfs=memdb"
            if path is None
            else Path(path).resolve().as_uri()
        )
        self.conn = _connect(target)
        if path is None or not has_schema(self.conn):
            self._pristine.backup(self.conn)
        self.query_conn = _connect(target)
        self.generation = 0  # bumped by reset(): caches of row data must start over
        self._next_ids: dict[str, int] = {}
        self._next_numbers: dict[str, int] = {}
        self._load_sequences()

    def close(self) -> None:
        self.query_conn.close()
        self.conn.close()
        self._pristine.close()

    def reset(self) -> None:
        """Back to the profile's initial state (all records created since are gone)."""
        with self.lock:
            self._pristine.backup(self.conn)
            self._load_sequences()
            self.generation += 1

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
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return highest + 1


def _connect(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(
        uri, uri=True, check_same_thread=False, isolation_level=None, cached_statements=512
    )
