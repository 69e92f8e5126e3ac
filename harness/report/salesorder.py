"""Which Sales Order a scenario made, as people recognise it: its number and its internal id.

The verdict holds the internal id only, and in the embedded sandbox (reset before each
scenario) every scenario's Sales Order is id 1. The document number (`tranId`, "SO1001")
is what NetSuite's UI shows; the read-back GET of the record holds it, so it is taken from
the scenario's calls when they have it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.runner import ScenarioResult

_RECORD_PATH = re.compile(r"/record/v1/salesorder/([^/?#]+)$", re.IGNORECASE)
# A body cut short, or in another form than JSON text, still shows its tranId as written.
_TRAN_ID = re.compile(r'"tranId"\s*:\s*"((?:[^"\\]|\\.){1,64})"')


@dataclass(frozen=True)
class SalesOrderRef:
    """A Sales Order: internal id, and document number when the calls showed it."""

    id: str
    tran_id: str | None = None

    def label(self) -> str:
        """`SO1001 (id 1)`, or `id 1` when the number is not known."""
        return f"{self.tran_id} (id {self.id})" if self.tran_id else f"id {self.id}"


def sales_order_of(result: ScenarioResult) -> SalesOrderRef | None:
    """The Sales Order of `result`'s verdict (None: no Sales Order was made or found)."""
    found = result.verdict.sales_order_id
    if not found:
        return None
    return SalesOrderRef(found, tran_id_from_calls(result.calls, found))


def sales_order_label(result: ScenarioResult, none: str = "none") -> str:
    """`SO1001 (id 1)`, `id 1`, or `none`."""
    found = sales_order_of(result)
    return found.label() if found else none


def tran_id_from_calls(calls: Iterable[Any], record_id: str) -> str | None:
    """The tranId of Sales Order `record_id` in the last answered GET of it, if any; a call
    is a call log's entry (`Call`) or its JSON form (a report's `calls`)."""
    tran_id = None
    for call in calls:
        if str(_field(call, "method") or "").upper() != "GET":
            continue
        status = _field(call, "status")
        if not isinstance(status, int) or not 200 <= status < 300:
            continue
        path = _RECORD_PATH.search(str(_field(call, "path") or ""))
        if path is None or path.group(1) != record_id:
            continue
        tran_id = _tran_id(_field(call, "response_body")) or tran_id
    return tran_id


def _field(call: Any, name: str) -> Any:
    return call.get(name) if isinstance(call, Mapping) else getattr(call, name, None)


def _tran_id(body: Any) -> str | None:
    if isinstance(body, Mapping):
        value = body.get("tranId")
        return str(value) if value not in (None, "") else None
    if body is None:
        return None
    text = body if isinstance(body, str) else str(body)
    try:
        document = json.loads(text)
    except ValueError:
        match = _TRAN_ID.search(text)
        return match.group(1) if match else None
    return _tran_id(document) if isinstance(document, Mapping) else None
