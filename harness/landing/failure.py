"""One failed NetSuite request, from either side: a call-log record or a NetSuiteError.

Both describe the same thing (method, resource, status, code, detail, error path, what was
sent); diagnosis reads them through this one shape, and evidence prints them in one format:
`POST /services/rest/record/v1/salesOrder → 400 USER_ERROR: ... (path: item.items[0].item)`.
The `Cause` a failure is read for (classify.py, access.py) is defined here, beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.landing.verdict import Category
from harness.netsuite.calllog import Call
from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, NetSuiteError, TransportError

# Oracle's documentation spells the prefix differently from live answers (reference 3.4).
_PREFIXES = (BUSINESS_ERROR_PREFIX, "Error while accessing resource: ")
_RECORD_PATH = re.compile(r"/record/v1/([^/?]+)(?:/([^/?]+))?", re.IGNORECASE)
_RECORD_NAMES = {
    "salesorder": "Sales Order",
    "customer": "customer",
    "suiteql": "SuiteQL query",
    "inventoryitem": "item",
    "noninventorysaleitem": "item",
    "otherchargesaleitem": "item",
    "discountitem": "discount item",
}


def strip_prefix(detail: str) -> str:
    """NetSuite's message without the generic "Error while accessing a resource. " prefix."""
    text = detail.strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix.lower()):
            return text[len(prefix) :].strip()
    return text


@dataclass(frozen=True)
class Failure:
    """A request NetSuite refused, or that got no answer at all (status 0)."""

    method: str
    resource: str  # the URL path, e.g. /services/rest/record/v1/salesOrder
    status: int
    code: str | None = None
    detail: str = ""
    path: str | None = None  # o:errorPath, e.g. item.items[0].item
    request_body: str | None = None
    transport_error: str | None = None
    attempt: int = 1

    @classmethod
    def from_call(cls, call: Call) -> Failure:
        return cls(
            method=call.method,
            resource=call.path,
            status=call.status,
            code=call.error_code,
            detail=call.error_detail or "",
            path=call.error_path,
            request_body=call.request_body,
            transport_error=call.transport_error,
            attempt=call.attempt,
        )

    @classmethod
    def from_error(cls, error: NetSuiteError) -> Failure:
        transport = isinstance(error, TransportError) or error.status == 0
        return cls(
            method=error.method,
            resource=urlsplit(error.url).path,
            status=error.status,
            code=error.code,
            detail=error.detail,
            path=error.path,
            transport_error=error.detail if transport else None,
        )

    @property
    def message(self) -> str:
        """The detail without the generic prefix: the part a person needs to read."""
        return strip_prefix(self.detail)

    @property
    def record_type(self) -> str | None:
        """`salesOrder`, `customer`, ... for record requests; `suiteql` for queries."""
        if "/query/v1/suiteql" in self.resource.lower():
            return "suiteql"
        match = _RECORD_PATH.search(self.resource)
        return match.group(1) if match else None

    @property
    def record_name(self) -> str:
        """The record type as people call it: `Sales Order`, `customer`, `SuiteQL query`."""
        kind = self.record_type
        if kind is None:
            return "request"
        return _RECORD_NAMES.get(kind.lower(), kind)

    def sent(self) -> dict[str, Any]:
        """The JSON body that was sent (empty when there was none or it is not JSON)."""
        return sent_body(self.request_body)

    def summary(self) -> str:
        return describe(
            self.method,
            self.resource,
            self.status,
            self.code,
            self.detail,
            self.path,
            self.transport_error,
            self.attempt,
        )


def sent_body(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        body = json.loads(text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def field_of(body: dict[str, Any], name: str) -> Any:
    """A top-level field of a sent body, matched case-insensitively as NetSuite does."""
    lowered = name.lower()
    return next((value for key, value in body.items() if key.lower() == lowered), None)


def sent_lines(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The `item.items` lines of a sent Sales Order body."""
    sublist = field_of(body, "item")
    items = sublist.get("items") if isinstance(sublist, dict) else None
    return [line for line in items or [] if isinstance(line, dict)]


def ref_id(value: Any) -> str | None:
    """The id of a sent reference (`{"id": 7}`, `{"id": "7"}`) or a bare id."""
    if isinstance(value, dict):
        found = field_of(value, "id")
        return None if found is None else str(found)
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def describe(
    method: str,
    resource: str,
    status: int,
    code: str | None,
    detail: str,
    path: str | None,
    transport_error: str | None = None,
    attempt: int = 1,
) -> str:
    """`POST /services/rest/record/v1/salesOrder → 400 USER_ERROR: ... (path: ...)`."""
    if transport_error or status == 0:
        outcome = f"no answer ({transport_error or detail or 'no response'})"
    else:
        outcome = str(status)
        if code:
            outcome += f" {code}"
        if detail:
            outcome += f": {detail}"
        if path:
            outcome += f" (path: {path})"
    text = f"{method} {resource} → {outcome}"
    return text + (f" (attempt {attempt})" if attempt > 1 else "")


def format_call(call: Call, *, with_query: bool = False) -> str:
    """One call-log record as evidence; `with_query` adds a SuiteQL statement or a body."""
    text = describe(
        call.method,
        call.path,
        call.status,
        call.error_code,
        call.error_detail or "",
        call.error_path,
        call.transport_error,
        call.attempt,
    )
    if with_query and call.request_body:
        q = field_of(sent_body(call.request_body), "q")
        shown = q if isinstance(q, str) else call.request_body
        text += f" [{' '.join(shown.split())}]"
    return text


# An item's display name by its internal id, where the account says (None: unknown).
ItemNamer = Callable[[str], str | None]


@dataclass(frozen=True)
class Cause:
    """What made NetSuite refuse a request, and what to change."""

    category: Category
    summary: str  # what went wrong, one sentence
    hint: str  # what to change
    # The hint for a connector the harness does not own, where `hint` names the mapping's
    # keys (None: `hint` speaks of NetSuite and WooCommerce only).
    store_hint: str | None = None

    def hint_for(self, own_connector: bool) -> str:
        return self.hint if own_connector or self.store_hint is None else self.store_hint
