"""A record as NetSuite's GET shows it: body fields, references as links, sublists, subrecords.

References show their target's REST type and display name (`refName`); those names are
cached per referenced row until its table is written or the store is reset.
"""

from __future__ import annotations

from typing import Any

from harness.netsuite.itemtypes import RECORD_TYPE_OF_CODE
from harness.sandbox.records.context import RequestContext
from harness.sandbox.store.db import Store
from harness.sandbox.store.fields import (
    NO_REST_TYPE,
    FieldDef,
    Kind,
    RefSource,
    RefTarget,
    number_json,
)
from harness.sandbox.store.recordstore import Line, Record
from harness.sandbox.store.recordtypes import SublistDef

# SQLite's integer range: an id outside it names no row.
_SQLITE_INT_MIN, _SQLITE_INT_MAX = -(2**63), 2**63 - 1


class RecordRenderer:
    """Records of one store as JSON documents."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._names: dict[tuple[str, str, int], tuple[str, str | None] | None] = {}
        self._names_generation = store.generation

    def href_lower(self, ctx: RequestContext, record: Record) -> str:
        # Sub-resource links use the lowercase type, as in Oracle's salesOrder sample.
        return f"{ctx.record_base}/{record.rtype.name.lower()}/{record.id}"

    def render(
        self,
        ctx: RequestContext,
        record: Record,
        *,
        expand: bool = False,
        only: set[str] | None = None,
    ) -> dict[str, Any]:
        """The record as NetSuite's GET shows it."""
        rtype = record.rtype
        self_href = f"{ctx.record_base}/{rtype.name}/{record.id}"
        out: dict[str, Any] = {"links": [self_link(self_href)], "id": str(record.id)}
        self._render_fields(ctx, out, rtype.fields, record.values, only)
        href = self.href_lower(ctx, record)
        for sublist in rtype.sublists:
            if only is not None and sublist.name.lower() not in only:
                continue
            out[sublist.name] = self.render_sublist(
                ctx, record, sublist.name, record.lines(sublist.name), href, expand=expand
            )
        for sub in rtype.subrecords:
            if only is not None and sub.name.lower() not in only:
                continue
            out[sub.name] = self.render_subrecord(
                ctx,
                f"{href}/{sub.name}",
                sub.fields,
                record.subrecords.get(sub.name),
                expand=expand,
            )
        return out

    def _render_fields(
        self,
        ctx: RequestContext,
        out: dict[str, Any],
        fields: tuple[FieldDef, ...],
        values: dict[str, Any],
        only: set[str] | None = None,
    ) -> None:
        for fd in fields:
            value = values.get(fd.name)
            if value is None or value == "":
                continue  # NetSuite leaves empty fields out of the body
            if only is not None and fd.name.lower() not in only:
                continue
            out[fd.name] = self.json_value(ctx, fd, value)

    def render_sublist(
        self,
        ctx: RequestContext,
        record: Record,
        name: str,
        lines: list[Line],
        href: str,
        *,
        expand: bool,
    ) -> dict[str, Any]:
        links = [self_link(f"{href}/{name}")]
        if not expand:
            return {"links": links}
        items = [self.render_line(ctx, record, name, line, href) for line in lines]
        return {
            "links": links,
            "items": items,
            "totalResults": len(items),
            "count": len(items),
            "hasMore": False,
            "offset": 0,
        }

    def render_line_links(
        self, href: str, sublist: SublistDef, lines: list[Line]
    ) -> dict[str, Any]:
        """A sublist without `expandSubResources`: each line's link and key."""
        return {
            "links": [self_link(f"{href}/{sublist.name}")],
            "items": [
                {
                    "links": [self_link(f"{href}/{sublist.name}/{line.key}")],
                    sublist.key_name: _line_key_json(sublist.key_name, line.key),
                }
                for line in lines
            ],
            "totalResults": len(lines),
            "count": len(lines),
            "hasMore": False,
            "offset": 0,
        }

    def render_line(
        self, ctx: RequestContext, record: Record, name: str, line: Line, href: str
    ) -> dict[str, Any]:
        sublist = record.rtype.sublist(name)
        assert sublist is not None
        out: dict[str, Any] = {
            "links": [self_link(f"{href}/{name}/{line.key}")],
            sublist.key_name: _line_key_json(sublist.key_name, line.key),
        }
        self._render_fields(ctx, out, sublist.fields, line.values)
        if sublist.subrecord is not None:
            out[sublist.subrecord.name] = self.render_subrecord(
                ctx,
                f"{href}/{name}/{line.key}/{sublist.subrecord.name}",
                sublist.subrecord.fields,
                line.sub,
                expand=True,
            )
        return out

    def render_subrecord(
        self,
        ctx: RequestContext,
        href: str,
        fields: tuple[FieldDef, ...],
        values: dict[str, Any] | None,
        *,
        expand: bool,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"links": [self_link(href)]}
        if expand and values:
            self._render_fields(ctx, out, fields, values)
        return out

    def json_value(self, ctx: RequestContext, fd: FieldDef, value: Any) -> Any:
        """A Python field value as NetSuite's JSON shows it."""
        kind = fd.kind
        if kind is Kind.REF:
            return self.reference_json(ctx, fd.target, int(value))
        if kind is Kind.MULTIREF:
            return {"items": [self.reference_json(ctx, fd.target, int(v)) for v in value]}
        if kind in (Kind.MONEY, Kind.FLOAT, Kind.PERCENT):
            return number_json(value)
        if kind is Kind.RATE:
            return value if isinstance(value, str) else number_json(value)
        if kind is Kind.DATE:
            return value.isoformat()
        if kind is Kind.INTEGER:
            return int(value)
        return value

    def reference_json(
        self, ctx: RequestContext, target: RefTarget | None, ref_id: int
    ) -> dict[str, Any]:
        """`{"links": [...], "id": "7", "refName": "..."}` for a stored reference."""
        out: dict[str, Any] = {"links": [], "id": str(ref_id)}
        if target is None:
            return out
        for source in target.sources:
            found = self.display(source, ref_id)
            if found is not None:
                rest_type, name = found
                if rest_type != NO_REST_TYPE:  # no link to a type REST does not serve
                    out["links"] = [self_link(f"{ctx.record_base}/{rest_type}/{ref_id}")]
                if name is not None:
                    out["refName"] = name
                break
        return out

    def display(self, source: RefSource, ref_id: int) -> tuple[str, str | None] | None:
        """(REST type, refName) of a referenced row; cached until its table is written."""
        if self._names_generation != self.store.generation:
            self._names.clear()
            self._names_generation = self.store.generation
        key = (source.table, source.display, ref_id)
        if key in self._names:
            return self._names[key]
        found = self._lookup_display(source, ref_id)
        self._names[key] = found
        return found

    def forget(self, table: str) -> None:
        """Drop cached display names of `table` (call after writing to it)."""
        for key in [k for k in self._names if k[0] == table]:
            del self._names[key]

    def _lookup_display(self, source: RefSource, ref_id: int) -> tuple[str, str | None] | None:
        if not _SQLITE_INT_MIN <= ref_id <= _SQLITE_INT_MAX:
            return None  # no row has an id SQLite cannot even hold (it would raise OverflowError)
        conn = self.store.conn
        if source.rest_type is None:
            row = conn.execute(
                f'SELECT "{source.display}", itemtype FROM "{source.table}" WHERE id = ?',
                (ref_id,),
            ).fetchone()
            if row is None:
                return None
            return RECORD_TYPE_OF_CODE.get(row[1], "item"), row[0]
        row = conn.execute(
            f'SELECT "{source.display}" FROM "{source.table}" WHERE id = ?', (ref_id,)
        ).fetchone()
        if row is None:
            return None
        return source.rest_type, row[0]


def _line_key_json(key_name: str, key: int | None) -> int | str | None:
    return key if key_name == "line" else (None if key is None else str(key))


def self_link(href: str) -> dict[str, str]:
    return {"rel": "self", "href": href}
