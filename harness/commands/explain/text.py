"""Any text as a log: plain lines, stack traces, JSON lines, JSON values nested in JSON.

A unit of text (a line, a CSV cell, a JSON string) is searched for NetSuite error documents
first (they carry codes and paths), then for NetSuite's messages and codes. Everything
printed from it is masked first.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from harness.commands.explain.bodies import embedded_documents, failures_in, is_error_document
from harness.commands.explain.context import (
    ORDER_KEYS,
    mentions_netsuite,
    names_another_host,
    normal_key,
    order_in,
    record_in,
    request_in,
)
from harness.commands.explain.findings import Occurrence
from harness.commands.explain.secrets import mask_line
from harness.commands.explain.spot import spot
from harness.landing.failure import Failure
from harness.netsuite.redact import Redactor
from harness.woo.limits import read_json

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_LONGEST_UNIT = 200_000  # characters of one line searched; the rest of a huge line is skipped


def scan_unit(
    text: str,
    where: str,
    redactor: Redactor,
    *,
    netsuite_nearby: bool,
    order: str | None = None,
    evidence: str | None = None,
) -> list[Occurrence]:
    """The NetSuite failures in one unit of text."""
    text = text[:_LONGEST_UNIT]
    found: list[Occurrence] = []
    documents = embedded_documents(text)
    spotted_all = [] if documents else spot(_words(text))
    if not documents and not spotted_all:
        return found
    shown = evidence if evidence is not None else mask_line(redactor, text)
    if documents:
        outside = _outside(text, [(start, end) for start, end, _ in documents])
        for offset, _end, document in documents:
            request = request_in(text[:offset])
            for failure in failures_in(_masked_document(redactor, document), request):
                found.append(_occurrence(where, shown, failure, outside, order))
        return found
    request = request_in(text)
    text = _words(text)
    for spotted in spotted_all:
        if spotted.generic and not _about_netsuite(text, netsuite_nearby):
            continue
        outside = _outside(text, [(spotted.start, spotted.start + len(spotted.message))])
        failure = Failure(
            method=request.method,
            resource=request.resource,
            status=0 if spotted.generic else (request.status or 400),
            code=spotted.code,
            detail=redactor.text(spotted.message),
            transport_error=redactor.text(spotted.message) if spotted.generic else None,
        )
        found.append(_occurrence(where, shown, failure, outside, order))
    return found


def _words(text: str) -> str:
    """A line of logged XML or HTML as its words, without its markup."""
    return html.unescape(_TAG.sub(" ", text)) if _TAG.search(text) else text


def _about_netsuite(line: str, netsuite_nearby: bool) -> bool:
    """Whether a network error in `line` is NetSuite's: the line names NetSuite, or the text
    around it does and the line calls no other host."""
    if mentions_netsuite(line):
        return True
    return netsuite_nearby and not names_another_host(line)


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    """The text around some spans of it (where a line names its order and record)."""
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return " ".join(pieces)


def _occurrence(
    where: str, shown: str, failure: Failure, around: str, order: str | None
) -> Occurrence:
    return Occurrence(
        where=where,
        evidence=shown,
        failure=failure,
        order=order or order_in(around),
        record=record_in(around),
    )


def _masked_document(redactor: Redactor, document: dict[str, Any]) -> dict[str, Any]:
    masked = redactor.value(document)
    return masked if isinstance(masked, dict) else document


def scan_lines(text: str, redactor: Redactor, *, netsuite_nearby: bool) -> list[Occurrence]:
    """Every line of a text log."""
    found: list[Occurrence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            found.extend(
                scan_unit(line, f"line {number}", redactor, netsuite_nearby=netsuite_nearby)
            )
    return found


def scan_json_lines(
    values: list[tuple[str, Any]],
    redactor: Redactor,
    *,
    netsuite_nearby: bool,
    order: str | None = None,
) -> list[Occurrence]:
    """Structured logs: each value (a JSON line, or an element of a JSON list) searched in all
    its strings; the order comes from an order-like field when there is one."""
    found: list[Occurrence] = []
    for where, value in values:
        masked = redactor.value(value)
        found_order = _order_field(masked) or order
        if is_error_document(masked):
            shown = mask_line(redactor, json.dumps(masked, ensure_ascii=False))
            for failure in failures_in(masked):
                found.append(Occurrence(where, shown, failure, order=found_order))
            continue
        for path, string in _strings(masked):
            shown = (
                f"{path}: {mask_line(redactor, string)}" if path else mask_line(redactor, string)
            )
            inner = json_or_none(string)
            if isinstance(inner, dict | list):
                found.extend(
                    scan_json_lines(
                        [(where, inner)],
                        redactor,
                        netsuite_nearby=netsuite_nearby,
                        order=found_order,
                    )
                )
                continue
            found.extend(
                scan_unit(
                    string,
                    where,
                    redactor,
                    netsuite_nearby=netsuite_nearby,
                    order=found_order,
                    evidence=shown,
                )
            )
    return found


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _order_field(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            wanted = normal_key(str(key)) in ORDER_KEYS and not isinstance(item, bool)
            if wanted and isinstance(item, str | int) and str(item).strip():
                return str(item).strip().lstrip("#")
        for item in value.values():
            found = _order_field(item)
            if found:
                return found
    return None


def json_or_none(text: str) -> Any:
    """`text` as JSON when it is an object or a list read within the limits, else None."""
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        return read_json(stripped, allow_nan=True)
    except ValueError:  # not JSON, or past a limit (JsonLimitError): read as text
        return None
