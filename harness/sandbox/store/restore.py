"""How a reset brings the record database back to its pristine copy, and cheaply.

SQLite's backup API copies the whole database, and a copy counts as a schema change: every
connection then reads the schema again and prepares each of its statements anew (~0.75 ms
over a landing, besides the copy). When only rows changed, a reset instead rewrites just the
tables written since: the pristine copy's own connection, with the live database attached,
empties each and fills it again from the copy, rowids and all, in one transaction (DELETE,
INSERT ... SELECT). The schema stays, and so does every statement a connection keeps prepared.

Which tables were written is SQLite's own answer, whoever wrote them: the record connection's
authorizer sees every INSERT, UPDATE and DELETE, with its table, when a statement is prepared.
A cached statement is not prepared again, so the set only grows until the next whole copy (a
table once written is rewritten at every reset that follows any write: a few small tables);
whether anything at all was written since the last reset is the connection's change counter,
so a reset after reads only costs two pragmas. The whole copy stays for what rows cannot
say: the schema changed (a column added at runtime), another connection wrote
(`data_version`), a write reached a table the pristine copy has not got or went past the
change counter (the header's `user_version`, a blob written in place), the record
connection is inside a transaction, or its contents are unknown (a kept database file,
before its first reset).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

LIVE_SCHEMA = "live"  # the name the pristine copy's connection attaches the live database as
# As the store's connections: far longer than a checkpoint or a whole restore takes.
_BUSY_TIMEOUT_SECONDS = 60.0
_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})
# Pragmas that write the database header, which only a whole copy puts back.
_HEADER_PRAGMAS = frozenset({"user_version", "application_id"})
_VERSIONS = ("PRAGMA main.schema_version", "PRAGMA main.data_version")

Authorizer = Callable[[int, str | None, str | None, str | None, str | None], int]


class Restored(Enum):
    """What a reset wrote into the database's log."""

    NOTHING = "nothing"  # no write since the last reset
    TABLES = "tables"  # the tables written since, row by row
    WHOLE = "whole"  # the whole database (SQLite's backup)


class WriteLog:
    """The record connection's authorizer: notes every table of the main database that a
    statement may write, then asks the authorizer someone else set
    (`RecordConnection.set_authorizer`), if any. `uncounted`: a write the change counter
    misses (a header pragma, a blob written in place) was made or may be made again."""

    __slots__ = ("guest", "uncounted", "written")

    def __init__(self) -> None:
        self.written: set[str] = set()
        self.uncounted = False
        self.guest: Authorizer | None = None

    def __call__(
        self,
        action: int,
        first: str | None,
        second: str | None,
        database: str | None,
        source: str | None,
    ) -> int:
        if action in _WRITES and database == "main" and first is not None:
            self.written.add(first)
        elif (
            action == sqlite3.SQLITE_PRAGMA
            and second is not None
            and database in (None, "main")
            and str(first).lower() in _HEADER_PRAGMAS
        ):
            self.uncounted = True
        if self.guest is None:
            return sqlite3.SQLITE_OK
        return self.guest(action, first, second, database, source)


class RecordConnection(sqlite3.Connection):
    """The record service's connection. Its authorizer is the store's `WriteLog`: one set
    by anyone else runs after it instead of replacing it, so every write stays noted."""

    write_log: WriteLog

    def set_authorizer(self, authorizer: Authorizer | None, /) -> None:
        self.write_log.guest = authorizer
        super().set_authorizer(self.write_log)

    def blobopen(
        self, table: str, column: str, row: int, /, *, readonly: bool = False, name: str = "main"
    ) -> sqlite3.Blob:
        """A blob written in place goes past the authorizer and the change counter."""
        if not readonly and name == "main":
            self.write_log.uncounted = True
        return super().blobopen(table, column, row, readonly=readonly, name=name)


class Restorer:
    """Brings `conn`'s database back to `pristine`'s contents: the tables its write log
    names when rows are all that changed, the whole database otherwise.

    The rows are copied by `pristine`'s connection, with the live database (the file at
    `location`) attached to it: nothing is attached to `conn`, so no statement on it can
    reach the pristine copy. `clean`: `conn` holds the pristine contents now (else the first
    restore is whole); `durable`: the file is kept, so its writes are synced as `conn`'s are
    (a scratch file's are not)."""

    def __init__(
        self,
        pristine: sqlite3.Connection,
        conn: RecordConnection,
        location: Path,
        *,
        clean: bool,
        durable: bool,
    ) -> None:
        self._pristine = pristine
        self._conn = conn
        self._tables = _restore_statements(pristine)
        pristine.isolation_level = None
        pristine.execute(f"ATTACH DATABASE ? AS {LIVE_SCHEMA}", (str(location),))
        pristine.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_SECONDS * 1000)}")
        if not durable:
            pristine.execute(f"PRAGMA {LIVE_SCHEMA}.synchronous = OFF")
        conn.write_log = WriteLog()
        conn.set_authorizer(None)  # installs the write log (expiring what was prepared before)
        self._mark: tuple[int, tuple[int, ...]] | None = self._state() if clean else None

    @property
    def written(self) -> frozenset[str]:
        """The tables a statement prepared since the last whole restore may have written."""
        return frozenset(self._conn.write_log.written)

    def restore(self) -> Restored:
        """Restore; what was written (nothing when nothing changed since the last one)."""
        log = self._conn.write_log
        if self._mark is not None and not (self._conn.in_transaction or log.uncounted):
            changes, versions = self._mark
            if self._versions() == versions:
                if self._conn.total_changes == changes:
                    return Restored.NOTHING
                if log.written <= self._tables.keys():
                    try:
                        self._restore_tables(sorted(log.written))
                    except sqlite3.Error:
                        pass  # whatever stood in the way, the whole copy below is right
                    else:
                        self._mark = self._state()
                        return Restored.TABLES
        self._restore_whole()
        return Restored.WHOLE

    def _restore_tables(self, tables: list[str]) -> None:
        if not tables:  # only temporary tables were written: nothing of the database's
            return
        copier = self._pristine
        copier.execute("BEGIN IMMEDIATE")
        try:
            for table in tables:
                restore = self._tables[table]
                if restore.insert is None and copier.execute(restore.empty).fetchone()[0]:
                    continue  # written since, but empty again, as in the copy
                copier.execute(restore.delete)
                if restore.insert is not None:
                    copier.execute(restore.insert)
        except BaseException:
            copier.execute("ROLLBACK")
            raise
        copier.execute("COMMIT")

    def _restore_whole(self) -> None:
        # A new schema: every statement the connection keeps is prepared again before it
        # next runs, and the write log sees its writes then, so it can start afresh.
        self._pristine.backup(self._conn)
        self._conn.write_log.written.clear()
        self._conn.write_log.uncounted = False
        self._mark = self._state()

    def _versions(self) -> tuple[int, ...]:
        return tuple(int(self._conn.execute(sql).fetchone()[0]) for sql in _VERSIONS)

    def _state(self) -> tuple[int, tuple[int, ...]]:
        return self._conn.total_changes, self._versions()


@dataclass(frozen=True)
class _TableRestore:
    """How one table goes back: `delete` empties the live table, `insert` (None when the
    copy has no rows) fills it from the copy; `empty` probes whether the live table is
    empty, which for a table the copy has no rows of means nothing to do."""

    delete: str
    insert: str | None
    empty: str


def _restore_statements(pristine: sqlite3.Connection) -> dict[str, _TableRestore]:
    statements: dict[str, _TableRestore] = {}
    names = pristine.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    )
    for (name,) in names.fetchall():
        columns = [str(row[1]) for row in pristine.execute(f"PRAGMA table_info({_q(name)})")]
        # Hidden rowids (tables without an integer key) come back as they were, gaps and all.
        listed = ", ".join(["_rowid_", *(_q(column) for column in columns)])
        live = f"{LIVE_SCHEMA}.{_q(name)}"
        has_rows = pristine.execute(f"SELECT 1 FROM {_q(name)} LIMIT 1").fetchone() is not None
        statements[name] = _TableRestore(
            delete=f"DELETE FROM {live}",
            insert=(
                f"INSERT INTO {live} ({listed}) SELECT {listed} FROM main.{_q(name)}"
                " ORDER BY _rowid_"
                if has_rows
                else None
            ),
            empty=f"SELECT NOT EXISTS (SELECT 1 FROM {live})",
        )
    return statements


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
