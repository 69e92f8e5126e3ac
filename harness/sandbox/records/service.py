"""The REST record service: `/services/rest/record/v1/<type>[/<id>[/<sub-resource>]]`.

Turns REST requests into record operations with NetSuite's semantics: create (POST), read
(GET, with `expandSubResources` and `fields`), update (PATCH, `replace=`), upsert
(PUT `eid:`), delete, collections with `q` filters. Bodies are checked field by field and
answered the way NetSuite answers bad values (`apply.py`); the record then passes through the
record type's rules (`harness.sandbox.rules`) and is saved whole; reads are rendered by
`render.py`.
"""

from __future__ import annotations

from types import EllipsisType
from typing import Any

from harness.sandbox.account import AccountProfile
from harness.sandbox.records.apply import BodyApplier
from harness.sandbox.records.context import RequestContext, page_envelope
from harness.sandbox.records.metadata import MetadataCatalog
from harness.sandbox.records.qfilter import compile_filter
from harness.sandbox.records.render import RecordRenderer, self_link
from harness.sandbox.records.transform import Require, Transformer
from harness.sandbox.resterror import (
    RestError,
    invalid_parameter,
    nonexistent_record,
    user_error,
)
from harness.sandbox.rules.book import RuleBook, SaveContext
from harness.sandbox.rules.core import core_rules
from harness.sandbox.rules.permissions import collection_scope
from harness.sandbox.rules.scripts import refuse_locked_delete
from harness.sandbox.store import recordstore
from harness.sandbox.store.catalog import build_record_types
from harness.sandbox.store.db import Store
from harness.sandbox.store.lengths import text_length, too_long
from harness.sandbox.store.recordstore import Record
from harness.sandbox.store.recordtypes import NOT_SERVED_OVER_REST, RecordType
from harness.sandbox.store.schema import REFERENCES
from harness.sandbox.suiteql.errors import parameter_error
from harness.sandbox.wire import method_not_allowed

MAX_PAGE = 1000
MAX_RESULTS = 100_000


def _is_true(raw: str | None) -> bool:
    return raw is not None and raw.strip().lower() == "true"


class RecordService:
    """Record operations over one account's store."""

    def __init__(self, store: Store, rules: RuleBook | None = None) -> None:
        self.store = store
        self.profile: AccountProfile = store.profile
        self.types = {
            key: rtype
            for key, rtype in build_record_types(self.profile).items()
            if key not in NOT_SERVED_OVER_REST
        }
        self.rules = rules or core_rules()
        self.renderer = RecordRenderer(store)
        self.body = BodyApplier(store, self.types, self.renderer.display)
        self.transformer = Transformer(store, self.profile, self.types, self.body)
        self.metadata = MetadataCatalog(self.types)
        self._transform_sources = {t.transformed_from for t in self.types.values()} - {None}
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
        """A record type from a URL segment (any case); 404 for an unknown type, and for one
        REST does not serve (CONFIRMED answer: "Record type 'file' does not exist.")."""
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
        if not key.lstrip("-").isdecimal() or len(key) > 15:
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
            return self.renderer.render(ctx, record, expand=expand, only=only)

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
            href = self.renderer.href_lower(ctx, record)
            name = path[0]
            sublist = rtype.sublist(name)
            if sublist is not None and len(path) <= 2:
                lines = record.lines(sublist.name)
                if len(path) == 1:
                    expand = _is_true(params.get("expandSubResources"))
                    return (
                        self.renderer.render_sublist(
                            ctx, record, sublist.name, lines, href, expand=True
                        )
                        if expand
                        else self.renderer.render_line_links(href, sublist, lines)
                    )
                for line in lines:
                    if str(line.key) == path[1]:
                        return self.renderer.render_line(ctx, record, sublist.name, line, href)
                raise nonexistent_record()
            subrecord = rtype.subrecord(name)
            if subrecord is not None and len(path) == 1:
                return self.renderer.render_subrecord(
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
        _check_page_start(limit, offset)
        q = params.get("q")
        where, args = compile_filter(q, rtype, self.profile.account.dateFormat) if q else ("", [])
        where, args = collection_scope(self.profile, ctx.role, rtype, where, args)
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
        items = [{"links": [self_link(f"{href}/{row[0]}")], "id": str(row[0])} for row in rows]
        extra = {"q": q} if q else {}
        return page_envelope(href, items, limit=limit, offset=offset, total=total, extra=extra)

    # --- rendering --------------------------------------------------------------------

    # --- writing ----------------------------------------------------------------------

    def create(self, ctx: RequestContext, type_name: str, body: Any, params: dict[str, str]) -> int:
        """POST: a new record; its id."""
        rtype = self.writable_type(type_name, "POST")
        with self.store.write():
            record = Record(rtype, None)
            self.body.apply(ctx, record, body, params)
            return self._save_new(ctx, record)

    def update(
        self, ctx: RequestContext, type_name: str, key: str, body: Any, params: dict[str, str]
    ) -> int:
        """PATCH: change the fields sent (null clears), lines by `line`, `replace=` sublists."""
        rtype = self.writable_type(type_name, "PATCH")
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
        rtype = self.writable_type(type_name, "PUT")
        if key[:4].lower() != "eid:" or not key[4:]:
            raise RestError.one(
                405,
                "INVALID_METHOD",
                "PUT is supported only as an upsert by external ID: "
                f"PUT .../record/v1/{rtype.name}/eid:<externalId>.",
            )
        external = key[4:]
        limit = rtype.body_field("externalId")
        if limit and limit.max_length and text_length(external) > limit.max_length:
            raise RestError(400, [too_long(limit, "externalId")])
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
            self.body.apply(ctx, record, body, params)
            record.values["externalId"] = external
            record.given.add("externalId")
            return self._save_new(ctx, record, external_id_checked=True)

    def delete(self, ctx: RequestContext, type_name: str, key: str) -> None:
        """DELETE: remove the record unless a workflow locks it or other records still refer
        to it."""
        del ctx
        rtype = self.record_type(type_name)
        with self.store.write():
            record = self._load(rtype, key)
            refuse_locked_delete(self.rules.for_type(rtype.name), record)
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
            order = record.values.get("createdFrom")
            if rtype.transformed_from is not None and isinstance(order, int):
                self.transformer.refresh(order)
            self.renderer.forget(rtype.table)

    def transform(
        self,
        ctx: RequestContext,
        type_name: str,
        key: str,
        target_name: str,
        body: Any,
        require: Require,
    ) -> tuple[str, int]:
        """POST `<type>/<id>/!transform/<target>`: (the new record's type, its id).

        The role must see the source record and create the target (`require` raises)."""
        rtype = self.record_type(type_name)
        target = self.transformer.target(rtype, target_name)
        require(ctx.role, rtype.name, "view")
        require(ctx.role, target.name, "create")
        with self.store.write():
            order = self._load(rtype, key)
            new_id = self.transformer.make(ctx, order, target, body)
        self.renderer.forget(target.table)
        return target.name, new_id

    def writable_type(self, name: str, method: str) -> RecordType:
        """The record type, unless the sandbox makes its records only by `!transform`."""
        rtype = self.record_type(name)
        source = rtype.transformed_from
        if source is not None:
            # A limit of the sandbox: it makes these records only from their source record.
            error = method_not_allowed(method, "GET, DELETE")
            error.details[0]["detail"] += (
                f" The sandbox makes {rtype.name} records only by transforming a {source}: "
                f"POST .../record/v1/{source}/<id>/!transform/{rtype.name}."
            )
            raise error
        return rtype

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
        self.renderer.forget(rtype.table)
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
        self.body.apply(ctx, record, body, params)
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
        if record.rtype.name in self._transform_sources:
            self.transformer.after_edit(record)
        self.renderer.forget(record.rtype.table)
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


def _created(record: Record) -> str | None:
    for name in ("createdDate", "dateCreated"):
        value = record.values.get(name)
        if isinstance(value, str):
            return value
    return None


def _check_page_start(limit: int, offset: int) -> None:
    """One paging rule for collections and SuiteQL: a page starts at a multiple of `limit`.

    CONFIRMED-weak for SuiteQL (reference 4.2); collections page the same way (next offset =
    offset + limit), so the sandbox refuses the same offsets with SuiteQL's words."""
    if offset % limit:
        error = parameter_error(
            "offset", offset, f"The offset must be a multiple of the limit ({limit})."
        )
        raise RestError.one(error.status, error.code, error.detail, query_param=error.query_param)


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
