"""Did this WooCommerce order land in NetSuite as the right Sales Order? One Verdict says.

`verify` ties the parts together: read back what NetSuite holds (three requests), compute
what it should hold (from the order, the mapping's data and cached reference data), compare,
and diagnose anything short of an exact landing. It works for any connector: all it needs
from one is the call log of its exchanges and, when it has one, its PushResult.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping as JsonObject
from decimal import Decimal
from typing import Any

from harness.landing.compare import DEFAULT_TOLERANCE, compare
from harness.landing.diagnose import diagnose, diagnose_invalid_order
from harness.landing.expect import expect, reference_numbers
from harness.landing.expected import ExpectedLanding
from harness.landing.findings.evidence import WRITES, order_writes, sales_order_writes
from harness.landing.readback import ActualLanding, RecordClient, readback
from harness.landing.refdata import ReferenceData
from harness.landing.verdict import Diagnosis, Outcome, Verdict
from harness.landing.writeback import after_landing
from harness.mapping import Mapping
from harness.netsuite.calllog import Call, CallLog, RecordRef
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult
from harness.woo.order import WooOrder, WooOrderError


class LandingCheckError(Exception):
    """The harness could not read NetSuite to check a landing (not a finding about the order)."""


def _created(records: Iterable[RecordRef | None], record_type: str) -> list[str]:
    """Ids of records of a type that the logged writes created or upserted, in order."""
    wanted = record_type.lower()
    return [
        record.record_id
        for record in records
        if record is not None and record.record_type.lower() == wanted
    ]


def _order_of(raw: Any) -> str:
    if isinstance(raw, JsonObject):
        return str(raw.get("number") or raw.get("id") or "?")
    return "?"


def _invalid(order: str, problems: list[str], scenario: str | None) -> Verdict:
    return Verdict(
        order=order,
        outcome="invalid-order",
        scenario=scenario,
        diagnosis=diagnose_invalid_order(order, problems),
    )


def _parse(raw: WooOrder | JsonObject[str, Any] | str | bytes) -> WooOrder:
    if isinstance(raw, WooOrder):
        return raw
    return WooOrder.parse(raw)


def verify(
    order: WooOrder | JsonObject[str, Any] | str | bytes,
    mapping: Mapping,
    client: RecordClient,
    calllog: CallLog,
    push_result: PushResult | None,
    *,
    scenario: str | None = None,
    lookups: ReferenceData | None = None,
    expected: ExpectedLanding | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    prefix: str = "",
) -> Verdict:
    """The Verdict on one order after `push_result` (None: a connector we only watched).

    `lookups` defaults to the reference data shared by everyone using `client`. `expected`
    may be computed before the push (then "the existing customer" is what NetSuite held
    before it); otherwise customers the call log shows being created are taken as new.
    """
    try:
        woo = _parse(order)
    except WooOrderError as error:
        return _invalid(_order_of(order), list(error.problems), scenario)
    violations = woo.check_invariants()
    number = woo.number or str(woo.id)
    if violations:
        return _invalid(number, [v.message for v in violations], scenario)
    lookups = lookups or ReferenceData.for_client(client)
    # Evidence is what the connector did: the harness's own reads are left out of it.
    pushed_calls = calllog.since(0)
    external_id, other_ref_num = reference_numbers(woo, mapping, prefix)
    hint = push_result.sales_order_id if push_result else None
    if hint is None:
        # Only a write that succeeded can have made the order; the others need not be read
        # (nor redacted) for that.
        made = pushed_calls.only(WRITES, succeeded=True)
        writes = sales_order_writes(made, external_id, other_ref_num)
        orders = _created(map(Call.created_record, writes), "salesOrder")
        hint = orders[-1] if orders else None
    try:
        actual = readback(
            client,
            external_id=external_id,
            other_ref_num=other_ref_num,
            email=woo.billing.email or "",
            sales_order_id=hint,
        )
    except NetSuiteError as error:
        if push_result is None or push_result.status == "pushed":
            raise LandingCheckError(
                f"could not read order #{number} back from NetSuite: {error}"
            ) from None
        actual = None
    if expected is None:
        if actual is not None:
            new_ids = set(_created(pushed_calls.records().created_records(), "customer"))
            before = [c for c in actual.customers_with_email if c.id not in new_ids]
            lookups.remember_customers(woo.billing.email or "", before)
        expected = expect(woo, mapping, lookups, prefix=prefix)
    verdict = _verdict(woo, expected, actual, push_result, pushed_calls, scenario, tolerance)
    return after_landing(verdict, woo, mapping, push_result, actual, client, prefix)


def _verdict(
    order: WooOrder,
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    push: PushResult | None,
    calllog: CallLog,
    scenario: str | None,
    tolerance: Decimal,
) -> Verdict:
    mismatches = compare(expected, actual, tolerance=tolerance) if actual is not None else []
    outcome = _outcome(expected, actual, push, calllog, bool(mismatches))
    diagnosis: Diagnosis | None = None
    if outcome != "landed":
        diagnosis = diagnose(push, calllog, mismatches, expected, actual=actual) or Diagnosis(
            "validation-rule",
            f"order #{expected.order} did not land and nothing says why.",
            "Read the connector's log for this order.",
        )
    return Verdict(
        order=expected.order,
        outcome=outcome,
        scenario=scenario,
        sales_order_id=actual.sales_order_id if actual is not None else None,
        mismatches=tuple(mismatches),
        diagnosis=diagnosis,
    )


def _outcome(
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    push: PushResult | None,
    calllog: CallLog,
    mismatched: bool,
) -> Outcome:
    found = actual is not None and actual.found
    if found:
        return "landed-wrong" if mismatched or not expected.should_sync else "landed"
    if not expected.should_sync:
        return "not-pushed"
    if push is not None:
        return "rejected" if push.status in ("rejected", "failed") else "not-pushed"
    # A connector we only watched: a refused write of this order's Sales Order is a rejection.
    refused = [c for c in order_writes(calllog, expected) if not c.ok]
    return "rejected" if refused else "not-pushed"
