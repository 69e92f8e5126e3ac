"""Call logs the harness writes (`CallLog.write_jsonl`): every failed call, diagnosed.

Each line is parsed as JSON first and masked value by value, then checked against the
`Call` shape: masking the raw text would break the JSON escapes of the recorded
Authorization header.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from harness.commands.explain.context import order_in, record_in
from harness.commands.explain.findings import Occurrence
from harness.commands.explain.model import ExplainError
from harness.commands.explain.secrets import mask_line
from harness.landing.failure import Failure, field_of, format_call
from harness.netsuite.calllog import Call
from harness.netsuite.redact import Redactor
from harness.woo.limits import JsonLimitError, quick_check, read_json, scan

CALL_KEYS = frozenset({"method", "path", "status"})


def is_call(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() >= CALL_KEYS


def read_calls(text: str, name: str, redactor: Redactor) -> list[Call]:
    """Every call of a JSONL call log; a line that is not a call is an error naming it."""
    values: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append((f"{name}:{number}", read_json(line, allow_nan=True)))
        except json.JSONDecodeError as exc:
            raise ExplainError(
                f"{name}:{number}: not a JSON line of a call log ({exc.msg}, column {exc.colno})"
            ) from None
        except ValueError as exc:  # past a reading limit
            raise ExplainError(f"{name}:{number}: not a JSON line of a call log ({exc})") from None
    return calls_from(values, redactor)


def calls_from(values: list[tuple[str, Any]], redactor: Redactor) -> list[Call]:
    """Decoded calls, each checked against the Call shape; `values` pairs each with its place."""
    from pydantic import TypeAdapter, ValidationError

    from harness.yamlfile import describe

    adapter = TypeAdapter(Call)
    calls: list[Call] = []
    for where, value in values:
        try:
            call = adapter.validate_python(redactor.value(value))
        except ValidationError as exc:
            problems = [f"{where}: {describe(err)}" for err in exc.errors()]
            raise ExplainError("\n".join(problems)) from None
        calls.append(
            replace(
                call,
                request_body=_readable(call.request_body),
                response_body=_readable(call.response_body),
            )
        )
    return calls


def _readable(body: str | None) -> str | None:
    """A logged body as it is, unless it is JSON nested past the reading limit: whatever
    reads it next (the sent order, NetSuite's error) would recurse that deep."""
    if body is None or body.lstrip()[:1] not in ("{", "[") or not quick_check(body):
        return body
    try:
        scan(body)
    except JsonLimitError as exc:
        return f"(a body that cannot be read: {exc})"
    return body


def call_occurrences(calls: list[Call], redactor: Redactor) -> list[Occurrence]:
    """One occurrence per call that failed (an error status, or no answer at all)."""
    found = []
    for number, call in enumerate(calls, start=1):
        if call.ok:
            continue
        failure = Failure.from_call(call)
        found.append(
            Occurrence(
                where=f"call {number}",
                evidence=mask_line(redactor, format_call(call)),
                failure=failure,
                order=order_in(call.path) or _sent_order(failure),
                record=record_in(call.path),
            )
        )
    return found


def _sent_order(failure: Failure) -> str | None:
    """The order a write was for: the externalId (or PO #) of the body it sent."""
    body = failure.sent()
    for name in ("externalId", "otherRefNum"):
        value = field_of(body, name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None
