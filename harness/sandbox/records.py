"""The REST record service: `/services/rest/record/v1/<type>[/<id>[/<sub-resource>]]`.

Turns REST requests into record operations with NetSuite's semantics: create (POST), read
(GET, with `expandSubResources` and `fields`), update (PATCH, `replace=`), upsert
(PUT `eid:`), delete, collections with `q` filters. Bodies are checked field by field and
answered the way NetSuite answers bad values; the record then passes through the record
type's rules (`rules.py`) and is saved whole.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from types import EllipsisType
from typing import Any, Literal
from urllib.parse import quote

from harness.netsuite.errors import error_detail
from harness.netsuite.itemtypes import RECORD_TYPE_OF_CODE
from harness.sandbox.account import AccountProfile
from harness.sandbox.qfilter import compile_filter
from harness.sandbox.resterror import (
    RestError,
    invalid_field_value,
    invalid_parameter,
    nonexistent_record,
    user_error,
)
from harness.sandbox.rules.book import RuleBook, SaveContext
from harness.sandbox.rules.core import core_rules
from harness.sandbox.store import recordstore
from harness.sandbox.store.catalog import build_record_types
from harness.sandbox.store.db import Store
from harness.sandbox.store.fields import (
    FieldDef,
    Kind,
    RefSource,
    RefTarget,
    RefValue,
    ValueProblem,
    number_json,
    parse_value,
)
from harness.sandbox.store.recordstore import Line, Record
from harness.sandbox.store.recordtypes import RecordType
from harness.sandbox.store.schema import REFERENCES

log = logging.getLogger("harness.sandbox.records")

Mode = Literal["Error", "Warning", "Ignore"]
_MODES: dict[str, Mode] = {"error": "Error", "warning": "Warning", "ignore": "Ignore"}
MAX_PAGE = 1000
MAX_RESULTS = 100_000


@dataclass
class RequestContext:
    """Per-request settings: who asks, how strictly to validate, what to warn about."""

    base_url: str = ""  # scheme://host[:port] the client called; links are built on it
    role: str | None = None
    # NetSuite's documented defaults: unknown names warn, invalid values fail.
    name_validation: Mode = "Warning"
    value_validation: Mode = "Error"
    warnings: list[str] = field(default_factory=list)

    @property
    def record_base(self) -> str:
        return self.base_url + "/services/rest/record/v1"

    @classmethod
    def from_headers(
        cls, base_url: str, headers: dict[str, str], role: str | None = None
    ) -> RequestContext:
        """Settings from `X-NetSuite-Property{Name,Value}Validation` (header keys lowercase)."""
        ctx = cls(base_url=base_url, role=role)
        for header, attribute in (
            ("X-NetSuite-PropertyNameValidation", "name_validation"),
            ("X-NetSuite-PropertyValueValidation", "value_validation"),
        ):
            raw = headers.get(header.lower())
            if raw is None:
                continue
            mode = _MODES.get(raw.strip().lower())
            if mode is None:
                raise RestError.one(
                    400,
                    "INVALID_HEADER",
                    f"Invalid value '{raw}' for header {header}. Use Error, Warning or Ignore.",
                    header=header,
                )
            setattr(ctx, attribute, mode)
        return ctx


@dataclass
class _Problems:
    """Body problems found while applying a request (reported all at once)."""

    ctx: RequestContext
    details: list[dict[str, str]] = field(default_factory=list)

    def bad_value(self, value: object, fd_id: str, path: str) -> None:
        if self.ctx.value_validation == "Error":
            self.details.append(invalid_field_value(value, fd_id, path))
        elif self.ctx.value_validation == "Warning":
            self.ctx.warnings.append(f"Invalid value {value!r} for {path} was ignored.")

    def unknown(self, name: str, rtype: RecordType, path: str) -> None:
        # INFERRED wording and code: NetSuite's exact text for an unknown property is unknown.
        message = f"Invalid field name '{name}'. The record type '{rtype.name}' has no such field."
        if self.ctx.name_validation == "Error":
            self.details.append(
                error_detail(
                    "Invalid content in the request body. " + message,
                    "INVALID_CONTENT",
                    path=path,
                )
            )
        elif self.ctx.name_validation == "Warning":
            self.ctx.warnings.append(message + " It was ignored.")

    def raise_if_any(self) -> None:
        if self.details:
            raise RestError(400, self.details)


def _is_true(raw: str | None) -> bool:
    return raw is not None and raw.strip().lower() == "true"


class RecordService:
    """Record operations over one account's store."""

    def __init__(self, store: Store, rules: RuleBook | None = None) -> None:
        self.store = store
        self.profile: AccountProfile = store.profile
        self.types = build_record_types(self.profile)
        self.rules = rules or core_rules()
        self._line_fields = {
            id(sublist): {fd.name.lower(): fd for fd in sublist.fields}
            for rtype in self.types.values()
            for sublist in rtype.sublists
        }
        self._names: dict[tuple[str, str, int], tuple[str, str | None] | None] = {}
        self._names_generation = store.generation
        self._dependents = {
            t.name: [
                (table, column)
                for (table, column), (target, _) in REFERENCES.items()
                if target == t.table
                and table not in {s.table for s in t.sublists}
                and not (t.has_mainline and table == "transactionline")
            ]
            for t in self.types.values()
        }

    # --- addressing -------------------------------------------------------------------

    def record_type(self, name: str) -> RecordType:
        """A record type from a URL segment (any case); 404 for an unknown type."""
        rtype = self.types.get(name.lower())
        if rtype is None:
            raise RestError.one(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.")
        return rtype

    def _missing(self, rtype: RecordType) -> RestError:
        if rtype.is_transaction:
            # A transaction id that is not a transaction of this type (or no transaction at
            # all) is answered like this for transactions (live reports; CONFIRMED-weak).
            return user_error("Transaction type specified is incorrect.")
        return nonexistent_record()

    def resolve_id(self, rtype: RecordType, key: str, *, must_exist: bool = True) -> int | None:
        """The internal id a URL key (`123` or `eid:ABC`) names; errors when not found."""
        if key[:4].lower() == "eid:":
            external = key[4:]
            where = "".join(f' AND "{c}" = ?' for c, _ in rtype.discriminator)
            row = self.store.conn.execute(
                f'SELECT id FROM "{rtype.table}" WHERE externalid = ?{where}',
                [external, *(v for _, v in rtype.discriminator)],
            ).fetchone()
            if row is None:
                if must_exist:
                    raise nonexistent_record()
                return None
            return int(row[0])
        if not key.lstrip("-").isdigit() or len(key) > 15:
            raise nonexistent_record()
        record_id = int(key)
        if must_exist and not recordstore.exists(self.store.conn, rtype, record_id):
            raise self._missing(rtype)
        return record_id

    def _load(self, rtype: RecordType, key: str) -> Record:
        record_id = self.resolve_id(rtype, key)
        assert record_id is not None
        record = recordstore.load(self.store.conn, rtype, record_id)
        if record is None:
            raise self._missing(rtype)
        return record

    # --- reading ----------------------------------------------------------------------

    def get(
        self, ctx: RequestContext, type_name: str, key: str, params: dict[str, str]
    ) -> dict[str, Any]:
        """GET one record: body fields, references as links, sublists expanded on request."""
        rtype = self.record_type(type_name)
        with self.store.lock:
            record = self._load(rtype, key)
            expand = _is_true(params.get("expandSubResources"))
            only = None
            if params.get("fields") and not expand:
                only = {name.strip().lower() for name in params["fields"].split(",")}
            return self.render(ctx, record, expand=expand, only=only)

    def get_subresource(
        self,
        ctx: RequestContext,
        type_name: str,
        key: str,
        path: list[str],
        params: dict[str, str],
    ) -> dict[str, Any]:
        """GET `<type>/<id>/<sublist>[/<line>]` or `<type>/<id>/<subrecord>`."""
        rtype = self.record_type(type_name)
        with self.store.lock:
            record = self._load(rtype, key)
            href = self._href_lower(ctx, record)
            name = path[0]
            sublist = rtype.sublist(name)
            if sublist is not None and len(path) <= 2:
                lines = record.lines(sublist.name)
                if len(path) == 1:
                    expand = _is_true(params.get("expandSubResources"))
                    return (
                        self._render_sublist(ctx, record, sublist.name, lines, href, expand=True)
                        if expand
                        else {
                            "links": [_self(f"{href}/{sublist.name}")],
                            "items": [
                                {
                                    "links": [_self(f"{href}/{sublist.name}/{line.key}")],
                                    sublist.key_name: _key_json(sublist.key_name, line.key),
                                }
                                for line in lines
                            ],
                            "totalResults": len(lines),
                            "count": len(lines),
                            "hasMore": False,
                            "offset": 0,
                        }
                    )
                for line in lines:
                    if str(line.key) == path[1]:
                        return self._render_line(ctx, record, sublist.name, line, href)
                raise nonexistent_record()
            subrecord = rtype.subrecord(name)
            if subrecord is not None and len(path) == 1:
                return self._render_subrecord(
                    ctx,
                    f"{href}/{subrecord.name}",
                    subrecord.fields,
                    record.subrecords.get(subrecord.name),
                    expand=True,
                )
            raise nonexistent_record()

    def collection(
        self, ctx: RequestContext, type_name: str, params: dict[str, str]
    ) -> dict[str, Any]:
        """GET a collection: ids and links, one page, filtered by `q`."""
        rtype = self.record_type(type_name)
        limit = _int_param(params, "limit", MAX_PAGE, 1, MAX_PAGE)
        offset = _int_param(params, "offset", 0, 0, MAX_RESULTS)
        q = params.get("q")
        where, args = compile_filter(q, rtype, self.profile.account.dateFormat) if q else ("", [])
        disc = "".join(f' AND t."{c}" = ?' for c, _ in rtype.discriminator)
        disc_args = [v for _, v in rtype.discriminator]
        join = (
            " LEFT JOIN transactionline ml ON ml.\"transaction\" = t.id AND ml.mainline = 'T'"
            if rtype.has_mainline
            else ""
        )
        base = f'FROM "{rtype.table}" t{join} WHERE 1=1{disc}' + (
            f" AND ({where})" if where else ""
        )
        with self.store.lock:
            conn = self.store.conn
            total = conn.execute(f"SELECT COUNT(*) {base}", [*disc_args, *args]).fetchone()[0]
            rows = conn.execute(
                f"SELECT t.id {base} ORDER BY t.id LIMIT ? OFFSET ?",
                [*disc_args, *args, limit, offset],
            ).fetchall()
        href = f"{ctx.record_base}/{rtype.name}"
        items = [{"links": [_self(f"{href}/{row[0]}")], "id": str(row[0])} for row in rows]
        extra = {"q": q} if q else {}
        return page_envelope(href, items, limit=limit, offset=offset, total=total, extra=extra)

    # --- rendering --------------------------------------------------------------------

    def _href_lower(self, ctx: RequestContext, record: Record) -> str:
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
        out: dict[str, Any] = {"links": [_self(self_href)], "id": str(record.id)}
        self._render_fields(ctx, out, rtype.fields, record.values, only)
        href = self._href_lower(ctx, record)
        for sublist in rtype.sublists:
            if only is not None and sublist.name.lower() not in only:
                continue
            out[sublist.name] = self._render_sublist(
                ctx, record, sublist.name, record.lines(sublist.name), href, expand=expand
            )
        for sub in rtype.subrecords:
            if only is not None and sub.name.lower() not in only:
                continue
            out[sub.name] = self._render_subrecord(
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

    def _render_sublist(
        self,
        ctx: RequestContext,
        record: Record,
        name: str,
        lines: list[Line],
        href: str,
        *,
        expand: bool,
    ) -> dict[str, Any]:
        links = [_self(f"{href}/{name}")]
        if not expand:
            return {"links": links}
        items = [self._render_line(ctx, record, name, line, href) for line in lines]
        return {
            "links": links,
            "items": items,
            "totalResults": len(items),
            "count": len(items),
            "hasMore": False,
            "offset": 0,
        }

    def _render_line(
        self, ctx: RequestContext, record: Record, name: str, line: Line, href: str
    ) -> dict[str, Any]:
        sublist = record.rtype.sublist(name)
        assert sublist is not None
        out: dict[str, Any] = {
            "links": [_self(f"{href}/{name}/{line.key}")],
            sublist.key_name: _key_json(sublist.key_name, line.key),
        }
        self._render_fields(ctx, out, sublist.fields, line.values)
        if sublist.subrecord is not None:
            out[sublist.subrecord.name] = self._render_subrecord(
                ctx,
                f"{href}/{name}/{line.key}/{sublist.subrecord.name}",
                sublist.subrecord.fields,
                line.sub,
                expand=True,
            )
        return out

    def _render_subrecord(
        self,
        ctx: RequestContext,
        href: str,
        fields: tuple[FieldDef, ...],
        values: dict[str, Any] | None,
        *,
        expand: bool,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"links": [_self(href)]}
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
            found = self._display(source, ref_id)
            if found is not None:
                rest_type, name = found
                out["links"] = [_self(f"{ctx.record_base}/{rest_type}/{ref_id}")]
                if name is not None:
                    out["refName"] = name
                break
        return out

    def _display(self, source: RefSource, ref_id: int) -> tuple[str, str | None] | None:
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

    # --- writing ----------------------------------------------------------------------

    def create(self, ctx: RequestContext, type_name: str, body: Any, params: dict[str, str]) -> int:
        """POST: a new record; its id."""
        rtype = self.record_type(type_name)
        with self.store.write():
            record = Record(rtype, None)
            self._apply(ctx, record, body, params)
            return self._save_new(ctx, record)

    def update(
        self, ctx: RequestContext, type_name: str, key: str, body: Any, params: dict[str, str]
    ) -> int:
        """PATCH: change the fields sent (null clears), lines by `line`, `replace=` sublists."""
        rtype = self.record_type(type_name)
        with self.store.write():
            record = self._load(rtype, key)
            return self._save_changes(ctx, record, body, params)

    def upsert(
        self,
        ctx: RequestContext,
        type_name: str,
        key: str,
        body: Any,
        params: dict[str, str],
        *,
        resolved: int | EllipsisType | None = ...,
    ) -> int:
        """PUT `eid:<externalId>`: update the record with that external id, or create it.

        `resolved`: what `resolve_id(key)` answered to a caller that has held the store lock
        since (so the answer still holds); by default the key is looked up here."""
        rtype = self.record_type(type_name)
        if key[:4].lower() != "eid:" or not key[4:]:
            raise RestError.one(
                405,
                "INVALID_METHOD",
                "PUT is supported only as an upsert by external ID: "
                f"PUT .../record/v1/{rtype.name}/eid:<externalId>.",
            )
        external = key[4:]
        with self.store.write():
            record_id = (
                self.resolve_id(rtype, key, must_exist=False) if resolved is ... else resolved
            )
            if record_id is not None:
                record = recordstore.load(self.store.conn, rtype, record_id)
                assert record is not None
                # INFERRED: an upsert that finds the record updates it like PATCH does.
                return self._save_changes(ctx, record, body, params, external_id=external)
            record = Record(rtype, None)
            self._apply(ctx, record, body, params)
            record.values["externalId"] = external
            record.given.add("externalId")
            return self._save_new(ctx, record, external_id_checked=True)

    def delete(self, ctx: RequestContext, type_name: str, key: str) -> None:
        """DELETE: remove the record unless other records still refer to it."""
        del ctx
        rtype = self.record_type(type_name)
        with self.store.write():
            record = self._load(rtype, key)
            for table, column in self._dependents[rtype.name]:
                sql = f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1'
                if table == rtype.table:
                    sql = f'SELECT 1 FROM "{table}" WHERE "{column}" = ? AND id != ? LIMIT 1'
                    args: list[Any] = [record.id, record.id]
                else:
                    args = [record.id]
                if self.store.conn.execute(sql, args).fetchone():
                    raise user_error(
                        "This record cannot be deleted because it has dependent records."
                    )
            recordstore.delete(self.store, record)
            self.forget(rtype.table)

    def _save_new(
        self, ctx: RequestContext, record: Record, *, external_id_checked: bool = False
    ) -> int:
        rtype = record.rtype
        if not external_id_checked:
            self._check_unique_external_id(record)
        rule_ctx = SaveContext(self.store, self.profile, "create", ctx.role)
        self.rules.run(rule_ctx, record)
        record.id = self.store.next_id(rtype.table)
        self._number_lines(record, None)
        stamp = self.store.stamp()
        recordstore.save(self.store, record, created=stamp, modified=stamp, new=True)
        self.forget(rtype.table)
        return record.id

    def _save_changes(
        self,
        ctx: RequestContext,
        record: Record,
        body: Any,
        params: dict[str, str],
        *,
        external_id: str | None = None,
    ) -> int:
        assert record.id is not None
        previous = recordstore.load(self.store.conn, record.rtype, record.id)
        created = _created(record)
        self._apply(ctx, record, body, params)
        if external_id is not None:
            record.values["externalId"] = external_id
        if "externalId" in record.given:
            self._check_unique_external_id(record)
        rule_ctx = SaveContext(self.store, self.profile, "edit", ctx.role, previous)
        self.rules.run(rule_ctx, record)
        self._number_lines(record, previous)
        recordstore.save(
            self.store, record, created=created or self.store.stamp(), modified=self.store.stamp()
        )
        self.forget(record.rtype.table)
        return record.id

    def _check_unique_external_id(self, record: Record) -> None:
        external = record.values.get("externalId")
        if not external:
            return
        rtype = record.rtype
        # External ids are unique per record type (two transaction types may share one).
        disc = "".join(f' AND "{c}" = ?' for c, _ in rtype.discriminator)
        row = self.store.conn.execute(
            f'SELECT id FROM "{rtype.table}" WHERE externalid = ? AND id IS NOT ?{disc}',
            (external, record.id, *(v for _, v in rtype.discriminator)),
        ).fetchone()
        if row is not None:
            # Entities say "entity", everything else "record" (live reports).
            what = "entity" if rtype.is_entity else "record"
            raise user_error(f"This {what} already exists.")

    def _number_lines(self, record: Record, previous: Record | None) -> None:
        for sublist in record.rtype.sublists:
            used = [line.key for line in record.lines(sublist.name) if line.key is not None]
            if previous is not None:
                used += [ln.key for ln in previous.lines(sublist.name) if ln.key is not None]
            next_key = max(used, default=0) + 1
            for line in record.lines(sublist.name):
                if line.key is None:
                    line.key = next_key
                    next_key += 1

    # --- applying a request body ------------------------------------------------------

    def _apply(
        self, ctx: RequestContext, record: Record, body: Any, params: dict[str, str]
    ) -> None:
        if not isinstance(body, dict):
            raise RestError.one(400, "INVALID_CONTENT", "Invalid content in the request body.")
        rtype = record.rtype
        problems = _Problems(ctx)
        replace = {n.strip().lower() for n in params.get("replace", "").split(",") if n.strip()}
        for key, raw in body.items():
            lowered = key.lower()
            if lowered in ("links", "id", "refname"):
                continue  # read-only envelope keys are ignored
            fd = rtype.body_field(key)
            if fd is not None:
                self._apply_field(record.values, record.given, fd, raw, fd.name, problems)
                continue
            sublist = rtype.sublist(key)
            if sublist is not None:
                self._apply_sublist(record, sublist.name, raw, lowered in replace, problems)
                continue
            subrecord = rtype.subrecord(key)
            if subrecord is not None:
                self._apply_subrecord(record, subrecord.name, subrecord.fields, raw, problems)
                continue
            problems.unknown(key, rtype, key)
        problems.raise_if_any()

    def _apply_field(
        self,
        values: dict[str, Any],
        given: set[str],
        fd: FieldDef,
        raw: Any,
        path: str,
        problems: _Problems,
    ) -> None:
        if fd.readonly:
            return  # INFERRED: read-only fields sent back from a GET are ignored
        if raw is None:
            values[fd.name] = None
            given.add(fd.name)
            return
        try:
            value = parse_value(fd, raw)
        except ValueProblem:
            problems.bad_value(_shown(raw), fd.field_id, path)
            return
        if fd.kind is Kind.REF:
            assert isinstance(value, RefValue)
            resolved = self.resolve_reference(fd.target, value)
            if resolved is None:
                problems.bad_value(value.shown, fd.field_id, path)
                return
            value = resolved
        elif fd.kind is Kind.MULTIREF:
            ids = []
            for ref in value:
                resolved = self.resolve_reference(fd.target, ref)
                if resolved is None:
                    problems.bad_value(ref.shown, fd.field_id, path)
                    return
                ids.append(resolved)
            value = ids
        values[fd.name] = value
        given.add(fd.name)

    def resolve_reference(self, target: RefTarget | None, ref: RefValue) -> int | None:
        """The internal id a reference names, if a qualifying record has it."""
        if target is None:
            return ref.internal_id
        conn = self.store.conn
        for source in target.sources:
            extra = f" AND {source.where}" if source.where else ""
            if ref.internal_id is not None and not source.where:
                if self._display(source, ref.internal_id) is not None:  # cached lookup
                    return ref.internal_id
                continue
            if ref.internal_id is not None:
                row = conn.execute(
                    f'SELECT id FROM "{source.table}" WHERE id = ?{extra}', (ref.internal_id,)
                ).fetchone()
            else:
                row = conn.execute(
                    f'SELECT id FROM "{source.table}" WHERE externalid = ?{extra}',
                    (ref.external_id,),
                ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def _apply_sublist(
        self, record: Record, name: str, raw: Any, replace: bool, problems: _Problems
    ) -> None:
        sublist = record.rtype.sublist(name)
        assert sublist is not None
        items = raw.get("items") if isinstance(raw, dict) else None
        if raw is None:
            items = []
            replace = True
        if not isinstance(items, list):
            problems.bad_value(_shown(raw), name.lower(), name)
            return
        existing = {line.key: line for line in record.lines(name)}
        result: list[Line] = [] if replace else list(record.lines(name))
        for index, item in enumerate(items):
            path = f"{name}.items[{index}]"
            if not isinstance(item, dict):
                problems.bad_value(_shown(item), name.lower(), path)
                continue
            key_raw = next((v for k, v in item.items() if k.lower() == sublist.key_name), None)
            line: Line | None = None
            if key_raw is not None and record.id is not None:
                key = int(key_raw) if str(key_raw).isdigit() else None
                line = existing.get(key)
                if line is None:
                    problems.bad_value(
                        _shown(key_raw), sublist.key_name, f"{path}.{sublist.key_name}"
                    )
                    continue
                if replace:
                    result.append(line)
            else:
                line = Line(None, {})
                result.append(line)
            for field_name, value in item.items():
                lowered = field_name.lower()
                if lowered in ("links", sublist.key_name):
                    continue
                fd = self._line_fields[id(sublist)].get(lowered)
                if fd is not None:
                    self._apply_field(
                        line.values, line.given, fd, value, f"{path}.{fd.name}", problems
                    )
                elif sublist.subrecord and lowered == sublist.subrecord.name.lower():
                    line.sub = self._subrecord_values(
                        sublist.subrecord.fields,
                        value,
                        f"{path}.{sublist.subrecord.name}",
                        problems,
                        record.rtype,
                    )
                    line.given.add(sublist.subrecord.name)
                else:
                    problems.unknown(field_name, record.rtype, f"{path}.{field_name}")
        record.sublists[name] = result

    def _apply_subrecord(
        self,
        record: Record,
        name: str,
        fields: tuple[FieldDef, ...],
        raw: Any,
        problems: _Problems,
    ) -> None:
        # INFERRED: REST cannot update a subrecord in place, so a sent subrecord replaces it.
        record.subrecords[name] = self._subrecord_values(fields, raw, name, problems, record.rtype)
        record.given.add(name)

    def _subrecord_values(
        self,
        fields: tuple[FieldDef, ...],
        raw: Any,
        path: str,
        problems: _Problems,
        rtype: RecordType,
    ) -> dict[str, Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            problems.bad_value(_shown(raw), path.rsplit(".", 1)[-1].lower(), path)
            return None
        values: dict[str, Any] = {}
        given: set[str] = set()
        by_name = {fd.name.lower(): fd for fd in fields}
        for key, value in raw.items():
            if key.lower() == "links":
                continue
            fd = by_name.get(key.lower())
            if fd is None:
                problems.unknown(key, rtype, f"{path}.{key}")
                continue
            self._apply_field(values, given, fd, value, f"{path}.{fd.name}", problems)
        return values


def _created(record: Record) -> str | None:
    for name in ("createdDate", "dateCreated"):
        value = record.values.get(name)
        if isinstance(value, str):
            return value
    return None


def _shown(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict | list):
        return json.dumps(raw, separators=(",", ":"))
    if isinstance(raw, Decimal):
        return str(raw)
    return str(raw)


def _key_json(key_name: str, key: int | None) -> int | str | None:
    return key if key_name == "line" else (None if key is None else str(key))


def _self(href: str) -> dict[str, str]:
    return {"rel": "self", "href": href}


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(
            f"Invalid value for query parameter '{name}': {raw}. Provide an integer.", name
        ) from None
    if not low <= value <= high:
        raise invalid_parameter(
            f"Invalid value for query parameter '{name}': {raw}. "
            f"The value must be between {low} and {high}.",
            name,
        )
    return value


def page_envelope(
    href: str,
    items: list[dict[str, Any]],
    *,
    limit: int,
    offset: int,
    total: int,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """NetSuite's paging envelope: links (first/prev/next/last/self), count, hasMore, ..."""
    extra = extra or {}

    def link(rel: str, at: int) -> dict[str, str]:
        query = "&".join(
            f"{k}={quote(str(v), safe='')}"
            for k, v in {**extra, "limit": limit, "offset": at}.items()
        )
        return {"rel": rel, "href": f"{href}?{query}"}

    has_more = offset + len(items) < total
    last_offset = max(0, ((total - 1) // limit) * limit) if total else 0
    links = []
    if offset > 0:
        links.append(link("first", 0))
        links.append(link("prev", max(0, offset - limit)))
    if has_more:
        links.append(link("next", offset + limit))
        links.append(link("last", last_offset))
    links.append(link("self", offset))
    return {
        "links": links,
        "count": len(items),
        "hasMore": has_more,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }
