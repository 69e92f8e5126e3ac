"""Which call-log records belong to an order: the evidence a diagnosis quotes.

A run's call log may hold many orders' exchanges; an order's Sales Order writes are the ones
naming its externalId (`PUT salesOrder/eid:woo-1001`) or its PO # in the body, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.landing.expected import ExpectedLanding
from harness.landing.failure import Failure
from harness.netsuite.calllog import Call, CallLog

WRITES = frozenset({"POST", "PUT", "PATCH"})


def record_type_of(call: Call) -> str:
    """`salesorder`, `customer`, `suiteql`, ... (lower-cased) for a logged request."""
    failure = Failure.from_call(call)
    return (failure.record_type or "").lower()


def mentions(call: Call, *needles: str) -> bool:
    """Whether the request's path or body names any of `needles` (case-insensitively)."""
    haystack = f"{call.path}\n{call.request_body or ''}".lower()
    return any(needle and needle.lower() in haystack for needle in needles)


def mentions_in_body(call: Call, *needles: str) -> bool:
    """Whether the request body names any of `needles` (quoted JSON values, say)."""
    body = (call.request_body or "").lower()
    return any(needle and needle.lower() in body for needle in needles)


def sales_order_writes(calllog: CallLog, external_id: str, other_ref_num: str) -> list[Call]:
    """Writes of one order's Sales Order: those naming its externalId or PO #. A write naming
    neither cannot be told from another order's in a shared log, so it is not counted. Only
    the log's writes to a Sales Order path are read (redacted): its reads (a store's order
    pages) and its customer writes never count."""
    by_path = f"/eid:{external_id}".lower()
    in_body = (f'"{external_id}"', f'"{other_ref_num}"' if other_ref_num else "")
    return [
        c
        for c in calllog.only(WRITES, path_may_hold="salesorder").calls
        if record_type_of(c) == "salesorder"
        and (c.path.lower().rstrip("/").endswith(by_path) or mentions_in_body(c, *in_body))
    ]


def order_writes(calllog: CallLog, expected: ExpectedLanding) -> list[Call]:
    """The Sales Order writes of the order `expected` describes."""
    return sales_order_writes(calllog, expected.external_id, expected.other_ref_num)


def failed(calls: Iterable[Call]) -> list[Call]:
    """Requests that got an error status or no answer."""
    return [call for call in calls if not call.ok]
