"""What the store's SQLite connection holds, read from the connection itself.

SuiteQL translation needs the tables and columns (to answer unknown names the NetSuite way and
to expand `*`) and which columns hold dates (to show them in the account's format). Reading
them from `sqlite_master` keeps this module independent of the store's own table list.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Tables the store keeps for itself (a leading underscore) are not SuiteQL record types.
_PRIVATE_PREFIXES = ("sqlite_", "_")
# A column is a date when its declared type says so (DATE, DATETIME, TIMESTAMP): the store
# keeps those as ISO text and SuiteQL shows them in the account's date format.
_DATE_TYPE_WORDS = ("DATE", "TIME")


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[str, ...]  # lower-case, in declaration order
    date_columns: frozenset[str]


@dataclass(frozen=True, eq=False)
class Schema:
    """Compared and hashed by identity: translations are cached per query and schema."""

    version: int
    tables: dict[str, TableSchema]  # keyed by lower-case table name
    fingerprint: str = ""  # what `schema_fingerprint` answered when this was read


def schema_version(conn: sqlite3.Connection) -> int:
    """SQLite bumps this on every schema change: a one-integer check per query."""
    row = conn.execute("PRAGMA schema_version").fetchone()
    return int(row[0])


def schema_fingerprint(conn: sqlite3.Connection) -> str:
    """Every table's and view's definition in one value: one query tells whether a schema
    version bump (a whole-database restore from backup does one) changed anything at all."""
    row = conn.execute(
        "SELECT group_concat(type || ' ' || name || ' ' || ifnull(sql, ''), char(10))"
        " FROM (SELECT type, name, sql FROM sqlite_master ORDER BY type, name)"
    ).fetchone()
    return str(row[0] or "")


def read_schema(conn: sqlite3.Connection) -> Schema:
    version = schema_version(conn)
    fingerprint = schema_fingerprint(conn)
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
        )
    ]
    tables: dict[str, TableSchema] = {}
    for name in names:
        if name.lower().startswith(_PRIVATE_PREFIXES):
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        columns: list[str] = []
        dates: set[str] = set()
        for _cid, column, declared, *_rest in conn.execute(f"PRAGMA table_info({quoted})"):
            lowered = str(column).lower()
            columns.append(lowered)
            if any(word in str(declared or "").upper() for word in _DATE_TYPE_WORDS):
                dates.add(lowered)
        tables[name.lower()] = TableSchema(name.lower(), tuple(columns), frozenset(dates))
    return Schema(version, tables, fingerprint)
