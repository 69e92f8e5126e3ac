"""Records in memory (`Record`, `Line`) and their rows in the store.

A record is loaded whole, changed whole and saved whole: rules see one consistent object,
and a save rewrites the record's rows (main row, main line, lines, address subrecords)
inside the caller's database transaction. SQL text is built once per record type, so
SQLite's statement cache reuses the prepared statements.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from harness.sandbox.store.db import Store
from harness.sandbox.store.fields import FieldDef, Kind, from_db, to_db
from harness.sandbox.store.recordtypes import RecordType, SublistDef, SubrecordDef
from harness.sandbox.store.values import format_address


@dataclass
class Line:
    """One sublist line: its key (None until saved), field values and optional subrecord."""

    key: int | None
    values: dict[str, Any]
    sub: dict[str, Any] | None = None
    given: set[str] = field(default_factory=set)  # fields the current request set


@dataclass
class Record:
    """A whole record as rules see it: body values by REST name, sublists, subrecords."""

    rtype: RecordType
    id: int | None
    values: dict[str, Any] = field(default_factory=dict)
    sublists: dict[str, list[Line]] = field(default_factory=dict)
    subrecords: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # body fields the current request set

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def lines(self, sublist: str) -> list[Line]:
        return self.sublists.setdefault(sublist, [])


def _q(name: str) -> str:
    return f'"{name}"'


# Kinds stored as they are held (`to_db` and `from_db` answer the value itself): a save or
# a load skips the conversion call for them.
_AS_STORED = frozenset({Kind.TEXT, Kind.INTEGER, Kind.REF, Kind.ENUM, Kind.DATETIME})


def _converted(fd: FieldDef) -> FieldDef | None:
    """`fd` when its values need `to_db`/`from_db`, None when they are stored as they are."""
    return None if fd.kind in _AS_STORED else fd


Readers = tuple[tuple[str, FieldDef | None], ...]  # (name, field to convert or None) a column


def _readers(fields: tuple[FieldDef, ...]) -> Readers:
    return tuple((fd.name, _converted(fd)) for fd in fields)


def _read(readers: Readers, row: Any) -> dict[str, Any]:
    """A row's values by field name (`from_db` where the kind needs it; None stays None)."""
    return {
        name: raw if raw is None or fd is None else from_db(fd, raw)
        for (name, fd), raw in zip(readers, row, strict=False)
    }


@dataclass(frozen=True)
class _MainSql:
    select: str
    fields: Readers
    links: tuple[SubrecordDef, ...]


@cache
def _main_sql(rtype: RecordType) -> _MainSql:
    columns = ["t.id"]
    for fd in rtype.fields:
        if fd.expr:
            columns.append(fd.expr)
        else:
            alias = "ml" if fd.on_mainline else "t"
            columns.append(f"{alias}.{_q(fd.column)}")
    columns += [f"t.{_q(sub.link_column)}" for sub in rtype.subrecords]
    join = (
        " LEFT JOIN transactionline ml ON ml.\"transaction\" = t.id AND ml.mainline = 'T'"
        if rtype.has_mainline
        else ""
    )
    where = "".join(f" AND t.{_q(col)} = ?" for col, _ in rtype.discriminator)
    sql = f"SELECT {', '.join(columns)} FROM {_q(rtype.table)} t{join} WHERE t.id = ?{where}"
    return _MainSql(sql, _readers(rtype.fields), rtype.subrecords)


@cache
def _line_sql(sublist: SublistDef) -> str:
    columns = [_q(sublist.key_column)] + [_q(fd.column) for fd in sublist.fields if not fd.expr]
    if sublist.subrecord:
        columns.append(_q(sublist.subrecord.link_column))
    fixed = "".join(f" AND {_q(col)} = ?" for col, _ in sublist.fixed)
    order = sublist.order_column or sublist.key_column
    return (
        f"SELECT {', '.join(columns)} FROM {_q(sublist.table)}"
        f" WHERE {_q(sublist.parent_column)} = ?{fixed} ORDER BY {_q(order)}"
    )


@cache
def _line_readers(sublist: SublistDef) -> Readers:
    return _readers(tuple(fd for fd in sublist.fields if not fd.expr))


@cache
def _subrecord_sql(sub: SubrecordDef) -> str:
    columns = ", ".join(_q(fd.column) for fd in sub.fields)
    return f"SELECT {columns} FROM {_q(sub.table)} WHERE nkey = ?"


@cache
def _subrecord_readers(sub: SubrecordDef) -> Readers:
    return _readers(sub.fields)


@cache
def _exists_sql(rtype: RecordType) -> str:
    where = "".join(f" AND {_q(col)} = ?" for col, _ in rtype.discriminator)
    return f"SELECT 1 FROM {_q(rtype.table)} WHERE id = ?{where}"


def exists(conn: sqlite3.Connection, rtype: RecordType, record_id: int) -> bool:
    params = [record_id, *(value for _, value in rtype.discriminator)]
    return conn.execute(_exists_sql(rtype), params).fetchone() is not None


def load(conn: sqlite3.Connection, rtype: RecordType, record_id: int) -> Record | None:
    """The record `record_id` of type `rtype`, or None when there is no such record.

    Most stored fields are empty, so conversions are only called for values (here and in
    `_columns`; `from_db` and `to_db` keep None as None)."""
    main = _main_sql(rtype)
    params = [record_id, *(value for _, value in rtype.discriminator)]
    row = conn.execute(main.select, params).fetchone()
    if row is None:
        return None
    record = Record(rtype, row[0], _read(main.fields, row[1:]))
    link_values = row[1 + len(main.fields) :]
    for sub, nkey in zip(main.links, link_values, strict=True):
        record.subrecords[sub.name] = None if nkey is None else _load_subrecord(conn, sub, nkey)
    for sublist in rtype.sublists:
        record.sublists[sublist.name] = _load_lines(conn, sublist, record_id)
    return record


def _load_subrecord(conn: sqlite3.Connection, sub: SubrecordDef, nkey: int) -> dict[str, Any]:
    row = conn.execute(_subrecord_sql(sub), (nkey,)).fetchone()
    if row is None:
        return {}
    return _read(_subrecord_readers(sub), row)


def _load_lines(conn: sqlite3.Connection, sublist: SublistDef, parent: int) -> list[Line]:
    params = [parent, *(value for _, value in sublist.fixed)]
    readers = _line_readers(sublist)
    lines = []
    for row in conn.execute(_line_sql(sublist), params).fetchall():
        line = Line(row[0], _read(readers, row[1:]))
        if sublist.subrecord is not None:
            nkey = row[-1]
            line.sub = None if nkey is None else _load_subrecord(conn, sublist.subrecord, nkey)
        lines.append(line)
    return lines


@dataclass(frozen=True)
class _ColumnPlan:
    """How the values of one part of a record become its columns, worked out once: every
    column starts empty, a record's values (a few of the part's many fields, mostly) fill
    theirs, and the fields with a default fill the ones still empty."""

    empty: dict[str, None]  # every stored column, in the order of the fields
    writers: dict[str, tuple[str, FieldDef | None]]  # name: (column, field to convert or None)
    defaults: tuple[FieldDef, ...]


class StoredFields(tuple[FieldDef, ...]):
    """The fields of one part of a record that write a column, with the plan of their
    columns (made at first use, kept with them: a part's fields are worked out once)."""

    @cached_property
    def plan(self) -> _ColumnPlan:
        return _ColumnPlan(
            dict.fromkeys(fd.column for fd in self),
            {fd.name: (fd.column, _converted(fd)) for fd in self},
            tuple(fd for fd in self if fd.default is not None),
        )


def _stored(fields: tuple[FieldDef, ...]) -> StoredFields:
    """The fields that write a column: not derived, and a column shared by two fields is
    written by the first."""
    seen: set[str] = set()
    stored: list[FieldDef] = []
    for fd in fields:
        if not fd.expr and fd.column not in seen:
            seen.add(fd.column)
            stored.append(fd)
    return StoredFields(stored)


# The stored fields of each part of a record, worked out once per type (types hash by identity).
@cache
def _stored_body(rtype: RecordType) -> StoredFields:
    return _stored(tuple(fd for fd in rtype.fields if not fd.on_mainline))


@cache
def _stored_mainline(rtype: RecordType) -> StoredFields:
    return _stored(tuple(fd for fd in rtype.fields if fd.on_mainline))


@cache
def _stored_line(sublist: SublistDef) -> StoredFields:
    return _stored(sublist.fields)


@cache
def _stored_subrecord(sub: SubrecordDef) -> StoredFields:
    return _stored(sub.fields)


def _columns(stored: StoredFields, values: dict[str, Any]) -> dict[str, Any]:
    """Stored columns of `values` (`stored` from `_stored`); empty fields get their default,
    in `values` too."""
    plan = stored.plan
    columns: dict[str, Any] = plan.empty.copy()
    writers = plan.writers
    for name, value in values.items():
        if value is not None and (writer := writers.get(name)) is not None:
            column, fd = writer
            columns[column] = value if fd is None else to_db(fd, value)
    for fd in plan.defaults:
        if values.get(fd.name) is None:
            values[fd.name] = fd.default
            columns[fd.column] = to_db(fd, fd.default)
    return columns


@cache
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in names)}) VALUES ({marks})"


def _insert(conn: sqlite3.Connection, table: str, columns: dict[str, Any]) -> None:
    conn.execute(_insert_sql(table, tuple(columns)), list(columns.values()))


def _old_link_keys(conn: sqlite3.Connection, record: Record) -> list[tuple[str, int]]:
    """Subrecord rows (table, nkey) currently owned by the record, to replace on save."""
    rtype = record.rtype
    found: list[tuple[str, int]] = []
    if rtype.subrecords:
        cols = ", ".join(_q(s.link_column) for s in rtype.subrecords)
        row = conn.execute(f"SELECT {cols} FROM {_q(rtype.table)} WHERE id = ?", (record.id,))
        values = row.fetchone() or ()
        found += [(s.table, k) for s, k in zip(rtype.subrecords, values, strict=False) if k]
    for sublist in rtype.sublists:
        if sublist.subrecord is None:
            continue
        sql = (
            f"SELECT {_q(sublist.subrecord.link_column)} FROM {_q(sublist.table)}"
            f" WHERE {_q(sublist.parent_column)} = ?"
        )
        found += [(sublist.subrecord.table, k) for (k,) in conn.execute(sql, (record.id,)) if k]
    return found


def _write_subrecord(store: Store, sub: SubrecordDef, values: dict[str, Any], owner: int) -> int:
    nkey = store.next_id(sub.table)
    columns = _columns(_stored_subrecord(sub), values)
    columns[sub.text_column] = (
        format_address({fd.name: values.get(fd.name) for fd in sub.fields if fd.name != "addrText"})
        or None
    )
    columns["nkey"] = nkey
    columns["recordowner"] = owner
    _insert(store.conn, sub.table, columns)
    return nkey


def save(store: Store, record: Record, *, created: str, modified: str, new: bool = False) -> None:
    """Write `record` (which has its id) over whatever rows it had; call inside a write.

    `new`: the record has no rows yet, so there is nothing to replace.
    """
    assert record.id is not None
    conn = store.conn
    rtype = record.rtype
    if not new:
        for table, nkey in _old_link_keys(conn, record):
            conn.execute(f"DELETE FROM {_q(table)} WHERE nkey = ?", (nkey,))
    main = _columns(_stored_body(rtype), record.values)
    main.update(dict(rtype.discriminator))
    main["id"] = record.id
    if rtype.created_column:
        main[rtype.created_column] = created
    if rtype.modified_column:
        main[rtype.modified_column] = modified
    for sub in rtype.subrecords:
        values = record.subrecords.get(sub.name)
        main[sub.link_column] = (
            None if values is None else _write_subrecord(store, sub, values, record.id)
        )
    if not new:
        conn.execute(f"DELETE FROM {_q(rtype.table)} WHERE id = ?", (record.id,))
    _insert(conn, rtype.table, main)
    if rtype.has_mainline:
        if not new:
            conn.execute(
                "DELETE FROM transactionline WHERE \"transaction\" = ? AND mainline = 'T'",
                (record.id,),
            )
        mainline = _columns(_stored_mainline(rtype), record.values)
        mainline.update(
            {
                "transaction": record.id,
                "id": 0,
                "linesequencenumber": 0,
                "mainline": "T",
                "entity": record.values.get("entity"),
            }
        )
        _insert(conn, "transactionline", mainline)
    for sublist in rtype.sublists:
        _save_lines(store, sublist, record, new=new)


def _save_lines(store: Store, sublist: SublistDef, record: Record, *, new: bool) -> None:
    assert record.id is not None
    conn = store.conn
    if not new:
        fixed_where = "".join(f" AND {_q(col)} = ?" for col, _ in sublist.fixed)
        conn.execute(
            f"DELETE FROM {_q(sublist.table)} WHERE {_q(sublist.parent_column)} = ?{fixed_where}",
            [record.id, *(value for _, value in sublist.fixed)],
        )
    defaults: dict[str, int | None] = {column: None for _, column in sublist.default_links}
    for sequence, line in enumerate(record.sublists.get(sublist.name, []), start=1):
        assert line.key is not None
        columns = _columns(_stored_line(sublist), line.values)
        columns.update(dict(sublist.fixed))
        columns[sublist.parent_column] = record.id
        columns[sublist.key_column] = line.key
        if sublist.order_column:
            columns[sublist.order_column] = sequence
        if sublist.subrecord is not None:
            nkey = (
                None
                if line.sub is None
                else _write_subrecord(store, sublist.subrecord, line.sub, record.id)
            )
            columns[sublist.subrecord.link_column] = nkey
            for flag, column in sublist.default_links:
                if line.values.get(flag):
                    defaults[column] = nkey
        _insert(conn, sublist.table, columns)
    # A new row's default-address columns are empty already: only real keys need writing.
    if defaults and not (new and all(nkey is None for nkey in defaults.values())):
        assignments = ", ".join(f"{_q(column)} = ?" for column in defaults)
        conn.execute(
            f"UPDATE {_q(record.rtype.table)} SET {assignments} WHERE id = ?",
            [*defaults.values(), record.id],
        )


def delete(store: Store, record: Record) -> None:
    """Remove every row of `record`; call inside a write."""
    conn = store.conn
    rtype = record.rtype
    for table, nkey in _old_link_keys(conn, record):
        conn.execute(f"DELETE FROM {_q(table)} WHERE nkey = ?", (nkey,))
    for sublist in rtype.sublists:
        conn.execute(
            f"DELETE FROM {_q(sublist.table)} WHERE {_q(sublist.parent_column)} = ?",
            (record.id,),
        )
    if rtype.has_mainline:
        conn.execute('DELETE FROM transactionline WHERE "transaction" = ?', (record.id,))
    conn.execute(f"DELETE FROM {_q(rtype.table)} WHERE id = ?", (record.id,))
