"""A request body applied to a record, field by field, the way NetSuite checks it.

Bad values and unknown names are collected and reported together, or turned into warnings,
as the request's `X-NetSuite-Property*Validation` headers ask; references must name a
qualifying record; text longer than its field takes is refused (`store/lengths.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.netsuite.errors import error_detail
from harness.sandbox.records.context import RequestContext
from harness.sandbox.resterror import RestError, invalid_field_value
from harness.sandbox.store.db import Store
from harness.sandbox.store.fields import (
    FieldDef,
    Kind,
    RefSource,
    RefTarget,
    RefValue,
    ValueProblem,
    parse_value,
)
from harness.sandbox.store.lengths import text_length, too_long
from harness.sandbox.store.recordstore import Line, Record
from harness.sandbox.store.recordtypes import RecordType

Display = Callable[[RefSource, int], tuple[str, str | None] | None]


@dataclass
class Problems:
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

    def too_long(self, fd: FieldDef, path: str) -> None:
        # INFERRED: a save-time check, so the value-validation header does not relax it.
        self.details.append(too_long(fd, path))

    def raise_if_any(self) -> None:
        if self.details:
            raise RestError(400, self.details)


class BodyApplier:
    """Applies request bodies to records of one store's record types."""

    def __init__(self, store: Store, types: dict[str, RecordType], display: Display) -> None:
        self.store = store
        self._display = display  # the renderer's cached (REST type, refName) of a row
        self._line_fields = {
            id(sublist): {fd.name.lower(): fd for fd in sublist.fields}
            for rtype in types.values()
            for sublist in rtype.sublists
        }

    def apply(self, ctx: RequestContext, record: Record, body: Any, params: dict[str, str]) -> None:
        """Set the body's fields, lines (`replace=` sublists) and subrecords on `record`."""
        if not isinstance(body, dict):
            raise RestError.one(400, "INVALID_CONTENT", "Invalid content in the request body.")
        require_readable(body)
        rtype = record.rtype
        problems = Problems(ctx)
        replace = {n.strip().lower() for n in params.get("replace", "").split(",") if n.strip()}
        for key, raw in body.items():
            lowered = key.lower()
            if lowered in ("links", "id", "refname"):
                continue  # read-only envelope keys are ignored
            fd = rtype.body_field(key)
            if fd is not None:
                self.apply_field(record.values, record.given, fd, raw, fd.name, problems)
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

    def apply_field(
        self,
        values: dict[str, Any],
        given: set[str],
        fd: FieldDef,
        raw: Any,
        path: str,
        problems: Problems,
    ) -> None:
        """Set one field from its JSON value, or note why it cannot be set."""
        if fd.readonly:
            problems.ctx.read_only_ignored(fd.field_id)  # dropped, with a warning
            return
        if raw is None:
            values[fd.name] = None
            given.add(fd.name)
            return
        try:
            value = parse_value(fd, raw)
        except ValueProblem:
            problems.bad_value(_shown(raw), fd.field_id, path)
            return
        if fd.max_length is not None and text_length(value) > fd.max_length:
            problems.too_long(fd, path)
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
        self, record: Record, name: str, raw: Any, replace: bool, problems: Problems
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
                key = int(key_raw) if str(key_raw).isdecimal() else None
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
                    self.apply_field(
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
        problems: Problems,
    ) -> None:
        # INFERRED: REST cannot update a subrecord in place, so a sent subrecord replaces it.
        record.subrecords[name] = self._subrecord_values(fields, raw, name, problems, record.rtype)
        record.given.add(name)

    def _subrecord_values(
        self,
        fields: tuple[FieldDef, ...],
        raw: Any,
        path: str,
        problems: Problems,
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
            self.apply_field(values, given, fd, value, f"{path}.{fd.name}", problems)
        return values


def require_readable(body: Any) -> None:
    """400 unless every key and text value of a JSON document is encodable as UTF-8.

    JSON may escape a lone surrogate (`"\\ud800"`), which is no text NetSuite could store:
    INFERRED answer, the one for any body NetSuite cannot read."""
    if not _encodable(body):
        raise RestError.one(
            400,
            "INVALID_CONTENT",
            "Invalid content in the request body. A text value is not valid Unicode.",
        )


def _encodable(body: Any) -> bool:
    """Whether every key and text value of a JSON document is encodable as UTF-8."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def _shown(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict | list):
        return json.dumps(raw, separators=(",", ":"))
    if isinstance(raw, Decimal):
        return str(raw)
    return str(raw)
