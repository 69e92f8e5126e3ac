"""Why an order did not land right: one category, a sentence, what to change, the evidence.

Sources, in order of authority: what NetSuite answered (the connector's NetSuiteError, or a
failed write in the call log), what the connector itself said (a sync rule, a problem at a
stage), what the expectation already knew could not work (a SKU with no item, ...), and
finally the mismatches of an order that landed wrong. An order that did not land without any
error is diagnosed too; it is never a success.

Evidence lines are the call-log records that prove it, formatted like
`POST /services/rest/record/v1/salesOrder → 400 USER_ERROR: ... (path: item.items[0].item)`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from harness.connector.base import PushResult
from harness.landing.classify import Cause, classify
from harness.landing.expect import ExpectedLanding, ExpectedProblem
from harness.landing.failure import (
    Failure,
    field_of,
    format_call,
    ref_id,
    sent_body,
    sent_lines,
)
from harness.landing.readback import ActualLanding
from harness.landing.verdict import Category, Diagnosis, Mismatch
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.errors import NetSuiteError

_WRITES = frozenset({"POST", "PUT", "PATCH"})
# Which category a connector's failing stage belongs to (harness.connector.base.Stage).
_STAGE_CATEGORIES: dict[str, Category] = {
    "customer": "customer-match",
    "items": "item-mapping",
    "fees": "item-mapping",
    "shipping": "shipping",
    "tax": "tax",
    "discount": "discount",
    "routing": "required-field",
}
# When several things landed wrong, the earliest cause explains the later ones: a dropped
# shipping cost or discount also changes the tax NetSuite computes, wrong lines change all.
_MISMATCH_ORDER: tuple[Category, ...] = (
    "customer-match",
    "item-mapping",
    "shipping",
    "discount",
    "tax",
    "sync-rule",
    "validation-rule",
)


def _record_type(call: Call) -> str:
    failure = Failure.from_call(call)
    return (failure.record_type or "").lower()


def _mentions(call: Call, *needles: str) -> bool:
    haystack = f"{call.path}\n{call.request_body or ''}".lower()
    return any(needle and needle.lower() in haystack for needle in needles)


def sales_order_writes(calllog: CallLog, external_id: str, other_ref_num: str) -> list[Call]:
    """Writes of one order's Sales Order (by externalId or PO #; any, if none names one)."""
    writes = [c for c in calllog.calls if c.method in _WRITES and _record_type(c) == "salesorder"]
    needles = (f"eid:{external_id}", f'"{external_id}"', f'"{other_ref_num}"' if other_ref_num
               else "")
    mine = [c for c in writes if _mentions(c, *needles)]
    return mine or writes


def order_writes(calllog: CallLog, expected: ExpectedLanding) -> list[Call]:
    return sales_order_writes(calllog, expected.external_id, expected.other_ref_num)


def _failed(calls: Iterable[Call]) -> list[Call]:
    return [call for call in calls if not call.ok]


def _error_call(calllog: CallLog, error: NetSuiteError) -> Call | None:
    """The call-log record of the request a NetSuiteError came from."""
    resource = Failure.from_error(error).resource
    failed = _failed(calllog.calls)
    for call in reversed(failed):
        if call.method == error.method and call.path == resource and call.status == error.status:
            return call
    return failed[-1] if failed else None


def _problem(expected: ExpectedLanding, category: Category | None = None) -> ExpectedProblem | None:
    return next(
        (p for p in expected.problems if category is None or p.category == category), None
    )


def diagnose(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    *,
    actual: ActualLanding | None = None,
) -> Diagnosis | None:
    """The diagnosis of one order's landing; None when it landed exactly right."""
    order = f"order #{expected.order}"
    if not expected.should_sync:
        return _sync_rule(push, calllog, mismatches, expected, order)
    if push is not None and push.error is not None:
        return _from_error(push.error, calllog, expected, order)
    if push is not None and push.status in ("failed", "rejected"):
        refused = _failed(order_writes(calllog, expected))
        if push.status == "rejected" and refused:
            # Refused without a NetSuiteError in hand (an external connector): the log has it.
            cause = classify(Failure.from_call(refused[-1]), expected.item_name)
            return _refusal(cause, expected, order, [format_call(refused[-1])], by="NetSuite")
        return _from_connector(push, calllog, expected, order)
    if push is not None and push.status == "skipped" and not _landed(mismatches, actual):
        rule = push.skipped_rule or "a sync rule"
        return Diagnosis(
            "sync-rule",
            f"The connector skipped {order} ({rule}), but the mapping syncs "
            f"'{expected.status}' orders.",
            "Align the connector's order filters with the mapping's sync.statuses "
            f"({', '.join(expected.sync_statuses)}).",
            (f"connector: skipped ({rule})",),
        )
    if not mismatches:
        # Refused as the expectation foresaw (no order, none expected): still not a success.
        if expected.problems and not _landed(mismatches, actual):
            return _no_order(push, calllog, expected, order)
        return None
    return _from_mismatches(push, calllog, mismatches, expected, actual, order)


def diagnose_invalid_order(order: str, problems: Sequence[str]) -> Diagnosis:
    """An order no connector can land: WooCommerce's document itself is broken."""
    first = problems[0] if problems else "the order could not be read"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Diagnosis(
        "invalid-order",
        f"WooCommerce order {order} is itself invalid: {first}{more}.",
        "Fix the order in WooCommerce (or the plugin that wrote it); no connector can land "
        "an order whose own numbers do not add up.",
        tuple(problems),
    )


def _landed(mismatches: Sequence[Mismatch], actual: ActualLanding | None) -> bool:
    if actual is not None:
        return actual.found
    return any(m.field == "orders.count" and m.actual for m in mismatches) or bool(
        mismatches and all(m.field != "orders.count" for m in mismatches)
    )


# -- refusals ----------------------------------------------------------------------------------


def _from_error(
    error: NetSuiteError, calllog: CallLog, expected: ExpectedLanding, order: str
) -> Diagnosis:
    call = _error_call(calllog, error)
    failure = Failure.from_error(error)
    if call is not None:
        failure = replace(failure, request_body=call.request_body)
    cause = classify(failure, expected.item_name)
    evidence = [format_call(call)] if call is not None else [failure.summary()]
    return _refusal(cause, expected, order, evidence, by="NetSuite")


def _refusal(
    cause: Cause, expected: ExpectedLanding, order: str, evidence: list[str], *, by: str
) -> Diagnosis:
    known = _problem(expected, cause.category)
    hint = known.hint if known is not None else cause.hint
    if known is not None and by == "NetSuite":
        evidence = [*evidence, f"expected: {known.summary}"]
    return Diagnosis(cause.category, f"{by} refused {order}: {_continued(cause.summary)}", hint,
                     tuple(evidence))


def _continued(sentence: str) -> str:
    """A sentence continuing after a colon: `The role ...` -> `the role ...` (names stay)."""
    first = sentence.split(" ", 1)[0]
    if first[1:].islower() and first not in ("NetSuite",):
        return sentence[:1].lower() + sentence[1:]
    return sentence


def _from_connector(
    push: PushResult, calllog: CallLog, expected: ExpectedLanding, order: str
) -> Diagnosis:
    problem = push.problem or push.said or "no reason given"
    category = _STAGE_CATEGORIES.get(push.stage or "")
    known = _problem(expected, category) if category else _problem(expected)
    if category is None or (push.stage == "routing" and known is not None):
        category = known.category if known else _text_category(problem)
    known = _problem(expected, category)
    hint = known.hint if known else _stage_hint(category)
    stage = f" at stage {push.stage}" if push.stage else ""
    evidence = [f"connector: {push.status}{stage}: {problem}"]
    evidence += [format_call(call) for call in _failed(calllog.calls)[-3:]]
    return Diagnosis(
        category,
        f"The connector could not send {order}: {problem}",
        hint,
        tuple(evidence),
    )


def _text_category(problem: str) -> Category:
    """A connector's problem without a stage, read for its subject."""
    text = problem.lower()
    for words, category in (
        (("sku", "item"), "item-mapping"),
        (("customer", "email"), "customer-match"),
        (("ship",), "shipping"),
        (("tax",), "tax"),
        (("coupon", "discount"), "discount"),
        (("subsidiary", "currency"), "required-field"),
    ):
        if any(word in text for word in words):
            return category  # type: ignore[return-value]
    return "validation-rule"


def _stage_hint(category: Category) -> str:
    return {
        "customer-match": "Fix the customer match: one active NetSuite customer per email.",
        "item-mapping": "Map every WooCommerce SKU to an active NetSuite item of the order's "
        "subsidiary.",
        "shipping": "Map every WooCommerce shipping method to a NetSuite ship item.",
        "tax": "Map every WooCommerce tax rate to a NetSuite tax code.",
        "discount": "Set the mapping's discount item to an existing discount item.",
        "required-field": "Route every currency to a subsidiary and make sure NetSuite has the "
        "currency.",
    }.get(category, "Fix what the connector names, then push the order again.")


def _sync_rule(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    order: str,
) -> Diagnosis:
    statuses = ", ".join(expected.sync_statuses)
    if any(m.field == "orders.count" and m.actual for m in mismatches):
        evidence = [format_call(c) for c in order_writes(calllog, expected) if c.ok][-3:]
        return Diagnosis(
            "sync-rule",
            f"{order} is '{expected.status}' and must not reach NetSuite (the mapping syncs "
            f"only {statuses}), but NetSuite has a Sales Order for it.",
            f"Make the connector honour the sync statuses ({statuses}), or add "
            f"'{expected.status}' to sync.statuses if such orders should sync.",
            tuple(evidence),
        )
    said = f"connector: skipped ({push.skipped_rule})" if push and push.skipped_rule else (
        "no Sales Order exists for the order, as intended"
    )
    return Diagnosis(
        "sync-rule",
        f"{order} was not sent to NetSuite: it is '{expected.status}', and the mapping syncs "
        f"only {statuses} orders.",
        f"Nothing to fix if '{expected.status}' orders should wait; to sync them, add "
        f"'{expected.status}' to sync.statuses in the mapping.",
        (said,),
    )


# -- orders that landed wrong, or not at all ---------------------------------------------------


def _category_of(field: str) -> Category:
    if field.startswith("customer"):
        return "customer-match"
    if field.startswith("lines[tax]"):
        return "tax"
    if field.startswith("lines["):
        return "item-mapping"
    if field == "taxTotal":
        return "tax"
    if field in ("shipMethod", "shippingCost"):
        return "shipping"
    if field in ("discountItem", "discountTotal"):
        return "discount"
    if field in ("externalId", "otherRefNum"):
        return "sync-rule"
    return "validation-rule"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _mismatch_line(m: Mismatch) -> str:
    return f"{m.field}: expected {_shown(m.expected)}, actual {_shown(m.actual)}"


def _from_mismatches(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    order: str,
) -> Diagnosis:
    count = next((m for m in mismatches if m.field == "orders.count"), None)
    if count is not None and isinstance(count.actual, int):
        if count.actual == 0:
            return _no_order(push, calllog, expected, order)
        if count.actual > 1 and expected.order_count == 1:
            return _duplicates(calllog, expected, actual, order, count)
        known = _problem(expected)
        if count.actual and known is not None:
            landed = [format_call(c) for c in order_writes(calllog, expected) if c.ok][-2:]
            return Diagnosis(
                known.category,
                f"{order} landed in NetSuite although it cannot land right: {known.summary}",
                known.hint,
                tuple([*landed, _mismatch_line(count)]),
            )
    rest = [m for m in mismatches if m.field != "orders.count"]
    by_category: dict[Category, list[Mismatch]] = {}
    for m in rest:
        by_category.setdefault(_category_of(m.field), []).append(m)
    category = next(c for c in _MISMATCH_ORDER if c in by_category)
    found = by_category[category]
    writes = order_writes(calllog, expected)
    body = sent_body(writes[-1].request_body) if writes else {}
    summary, hint, extra = _explain(category, found, expected, actual, body, calllog, order)
    evidence = [format_call(c) for c in writes if c.ok][-2:] + extra
    evidence += [_mismatch_line(m) for m in found]
    return Diagnosis(category, summary, hint, tuple(evidence))


def _no_order(
    push: PushResult | None, calllog: CallLog, expected: ExpectedLanding, order: str
) -> Diagnosis:
    writes = order_writes(calllog, expected)
    failed = _failed(writes)
    if failed:
        cause = classify(Failure.from_call(failed[-1]), expected.item_name)
        return _refusal(cause, expected, order, [format_call(failed[-1])], by="NetSuite")
    known = _problem(expected)
    if known is not None:
        return Diagnosis(
            known.category,
            f"{order} did not land: {known.summary}",
            known.hint,
            tuple(format_call(c) for c in _failed(calllog.calls)[-3:]),
        )
    where = f"externalId {expected.external_id} or PO # {expected.other_ref_num}"
    claimed = push.sales_order_id if push and push.sales_order_id else None
    if not writes and claimed is None:
        return Diagnosis(
            "sync-rule",
            f"{order} never reached NetSuite: no request in the call log tried to create its "
            f"Sales Order, and none carries {where}.",
            "The connector did not pick the order up: check its order filters (statuses, date "
            "cut-off), its queue and its log.",
            (f"connector: {push.status}" if push else "no Sales Order write in the call log",),
        )
    if not writes:
        # Success reported, nothing sent here: another account, or no write at all (INFERRED).
        return Diagnosis(
            "sync-rule",
            f"The connector reported {order} as Sales Order {claimed}, but this account has no "
            f"such order and none carries {where}.",
            "Check that the connector writes to this NetSuite account, with the mapping's "
            "externalId, and that it reports success only after NetSuite accepted the order.",
            (f"connector: {push.status if push else 'pushed'} as Sales Order {claimed}",),
        )
    said = f" (it reported Sales Order {claimed})" if claimed else ""
    # Accepted but gone: deleted after the save, by a person, a script or a workflow (INFERRED).
    return Diagnosis(
        "script-or-workflow",
        f"NetSuite accepted {order}{said}, but no Sales Order carries {where} any more.",
        "Look for the order under Lists > Search > Deleted Records and for a script or "
        "workflow that deletes or renumbers web orders; check that the connector writes the "
        "mapping's externalId.",
        tuple(format_call(c) for c in writes[-3:]),
    )


def _duplicates(
    calllog: CallLog,
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    order: str,
    count: Mismatch,
) -> Diagnosis:
    ids = ", ".join(actual.order_ids) if actual else ""
    writes = [format_call(c) for c in order_writes(calllog, expected)][-4:]
    # A repeated create is the sync's idempotency failing (reference 8.2).
    return Diagnosis(
        "sync-rule",
        f"NetSuite has {count.actual} Sales Orders for {order}" + (f" ({ids})" if ids else "")
        + "; it must have exactly one.",
        f"Upsert the Sales Order by externalId (PUT salesOrder/eid:{expected.external_id}) so a "
        "retried or repeated push updates the same order; delete the extra orders.",
        tuple([*writes, _mismatch_line(count)]),
    )


def _explain(
    category: Category,
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    explain = {
        "customer-match": _customer,
        "item-mapping": _lines,
        "shipping": _shipping,
        "discount": _discount,
        "tax": _tax,
        "sync-rule": _references,
    }.get(category, _other)
    return explain(found, expected, actual, body, calllog, order)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), default=str)


def _sent(body: dict[str, Any], *names: str) -> str:
    """What the connector sent for some header fields: `sent {"shippingCost": 8}`."""
    present = {name: field_of(body, name) for name in names if field_of(body, name) is not None}
    return f"sent {_json(present)}" if present else f"sent no {', '.join(names)}"


def _customer(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    email = expected.customer.email
    lookups = [
        format_call(c, with_query=True)
        for c in calllog.calls
        if (_record_type(c) == "suiteql" and "customer" in (c.request_body or "").lower()
            and email and email in (c.request_body or "").lower())
        or (_record_type(c) == "customer" and c.method in _WRITES and _mentions(c, email))
    ][-4:]
    sharing = actual.customers_with_email if actual else ()
    landed_on = str(actual.customer.ref) if actual and actual.customer else (
        str(actual.entity) if actual and actual.entity else "another customer"
    )
    hint = (
        f"Match customers by email trimmed and case-insensitively (e.g. LOWER(email) = "
        f"'{email}'), not as typed"
    )
    existing = expected.customer.existing
    if len(sharing) > 1:
        others = ", ".join(str(c.ref) for c in sharing)
        summary = (
            f"{order} created a duplicate customer: NetSuite now has {len(sharing)} customers "
            f"with {email} ({others})."
        )
        if existing is not None:
            dup = ", ".join(c.id for c in sharing if c.id != existing.id)
            hint += f"; then merge customer {dup} into {existing.id} in NetSuite."
        else:
            hint += "; then merge the duplicates in NetSuite."
    elif existing is not None and any(m.field == "customer" for m in found):
        summary = f"{order} landed on {landed_on} instead of {existing.ref}, the customer " \
            f"with {email}."
        hint += "."
    else:
        parts = ", ".join(m.field.removeprefix("customer.") for m in found)
        summary = f"The customer of {order} landed with a different {parts} than the order has."
        hint = ("Create the customer from the order's billing email, first and last name, "
                "company and the order's subsidiary.")
    return summary, hint, lookups


def _sent_line(body: dict[str, Any], item_id: str | None) -> str | None:
    for index, line in enumerate(sent_lines(body)):
        if item_id is not None and ref_id(field_of(line, "item")) == item_id:
            return f"sent item.items[{index}] = {_json(line)}"
    return None


def _lines(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    first = found[0]
    key = first.field.split("]")[0].removeprefix("lines[")
    line = expected.line(key)
    sent = _sent_line(body, line.item.id if line else None)
    extra = [sent] if sent else []
    priced = next((m for m in found if m.field.endswith(".priceLevel")), None)
    if priced is not None:
        pkey = priced.field.split("]")[0].removeprefix("lines[")
        rate = next((m for m in found if m.field == f"lines[{pkey}].rate"), None)
        landed = (
            f" at rate {_shown(rate.actual)} instead of {_shown(rate.expected)}" if rate else ""
        )
        return (
            f"Line {pkey} of {order} landed{landed}: NetSuite took the price from price level "
            f"{priced.actual} instead of keeping WooCommerce's rate.",
            "Send price level Custom (-1) with the rate on every line (item.items[].price = "
            "{\"id\": \"-1\"}), so NetSuite keeps WooCommerce's price.",
            extra,
        )
    if first.field.endswith(".rate") or first.field.endswith(".amount"):
        return (
            f"Line {key} of {order} landed at {_shown(first.actual)} instead of WooCommerce's "
            f"{_shown(first.expected)} ({first.field}).",
            "Send WooCommerce's pre-discount unit price (line subtotal / quantity) as the rate, "
            "with price level Custom (-1); coupons belong in the header discount.",
            extra,
        )
    if first.field.endswith(".quantity"):
        return (
            f"Line {key} of {order} landed with quantity {_shown(first.actual)} instead of "
            f"{_shown(first.expected)}.",
            "Send each WooCommerce line's quantity as the line quantity.",
            extra,
        )
    if first.field.endswith(".item"):
        return (
            f"Line {key} of {order} landed as item {first.actual} instead of {first.expected}.",
            f"Fix the SKU mapping: {key} is NetSuite item {first.expected}.",
            extra,
        )
    if first.expected is None:
        if len([c for c in order_writes(calllog, expected) if c.ok]) > 1 and any(
            line.item.name and first.field == f"lines[{line.item.name}]"
            for line in expected.lines
        ):
            return (
                f"{order} was sent again (an update) and its lines were appended to the ones "
                f"already there: {first.actual} is a second copy.",
                "When updating an existing Sales Order (PUT eid: or PATCH), replace the item "
                "sublist (?replace=item) instead of appending the lines again.",
                extra,
            )
        return (
            f"{order} landed with a line WooCommerce does not have: {first.actual}.",
            "Send exactly WooCommerce's lines: products, then fees as lines of the fee item; "
            "coupons go to the header discount, not to lines.",
            extra,
        )
    return (
        f"Line {key} of {order} is missing from the Sales Order (expected {first.expected}).",
        f"Send every WooCommerce line; check that {key} maps to a NetSuite item.",
        extra,
    )


def _shipping(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, calllog
    extra = [_sent(body, "shipMethod", "shippingCost")] if body else []
    cost = next((m for m in found if m.field == "shippingCost"), None)
    if cost is not None:
        dropped = not cost.actual
        what = "was dropped" if dropped else f"landed as {_shown(cost.actual)}"
        return (
            f"The shipping cost {_shown(cost.expected)} of {order} {what}.",
            f"Send shippingCost = WooCommerce's shipping_total ({_shown(cost.expected)}) after "
            "shipMethod; without it NetSuite uses the ship item's own rate.",
            extra,
        )
    method = found[0]
    woo = ", ".join(expected.woo_shipping_methods) or "its shipping method"
    return (
        f"{order} ships by {_shown(method.actual)} instead of {method.expected} "
        f"(WooCommerce: {woo}).",
        f"Send shipMethod {method.expected}, as the mapping's shipping.methods say for {woo}.",
        extra,
    )


def _discount(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, calllog
    total = next((m for m in found if m.field == "discountTotal"), found[0])
    item = expected.discount_item or "the mapping's discount item"
    return (
        f"The coupon discount of {order} landed as {_shown(total.actual)} instead of "
        f"{_shown(total.expected)}.",
        f"Send one header discount: discountItem {item} with discountRate "
        f"{_shown(expected.discount_total)} (all coupons combined).",
        [_sent(body, "discountItem", "discountRate")] if body else [],
    )


def _tax(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del calllog
    total = next((m for m in found if m.field == "taxTotal"), found[0])
    line_codes = sorted(
        {tc for line in sent_lines(body) if (tc := ref_id(field_of(line, "taxCode")))}
    )
    sent = _sent(body, "taxItem", "taxRate", "isTaxable")
    extra = [sent + (f", line tax codes {line_codes}" if line_codes else "")] if body else []
    wanted = [c for c in expected.tax_codes if c.code is not None]
    held = actual.tax_item if actual else None
    summary = (
        f"Tax on {order} landed as {_shown(total.actual)} instead of WooCommerce's "
        f"{_shown(total.expected)}."
    )
    if wanted and held is not None and all(held.id != c.code.id for c in wanted if c.code):
        code = wanted[0]
        percent = f" ({code.woo_percent}%)" if code.woo_percent is not None else ""
        rate = f" at {actual.tax_rate}%" if actual and actual.tax_rate is not None else ""
        return (
            f"{summary} It carries tax code {held}{rate}, but WooCommerce charged "
            f"{code.rate_code}{percent}.",
            f"Send tax code {code.code} for {code.rate_code}, as the mapping's tax.codes say.",
            extra,
        )
    if not total.actual and total.expected:
        return (
            f"{summary} NetSuite charged no tax at all.",
            "Send the tax code the mapping names (tax.codes) and mark the taxed lines taxable "
            "(isTaxable, or a taxCode per line): NetSuite taxes nothing else.",
            extra,
        )
    return (
        summary,
        "NetSuite computed a different tax from the same code: make shipping taxability and "
        "the discount's 'Apply Before Sales Tax' match WooCommerce, or carry WooCommerce's tax "
        "as one line (tax.strategy: pass-through).",
        extra,
    )


def _references(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del expected, actual, body, calllog
    shown = "; ".join(f"{m.field} {_shown(m.actual)} instead of {m.expected}" for m in found)
    return (
        f"{order} landed with other reference numbers than the mapping gives: {shown}.",
        "Send externalId and otherRefNum from the mapping's order.external_id and "
        "order.other_ref_num, so a re-sync finds and updates the same order.",
        [],
    )


def _other(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, body, calllog
    first = found[0]
    if first.field == "subsidiary" or first.field == "currency":
        return (
            f"{order} landed in {first.field} {_shown(first.actual)} instead of "
            f"{first.expected}.",
            f"Send {first.field} {first.expected} as the mapping routes "
            f"{expected.currency.name if expected.currency else 'this'} orders "
            "(subsidiaries.routes), and keep the customer in that subsidiary.",
            [],
        )
    if first.field.startswith(("billingAddress", "shippingAddress")):
        which = first.field.split(".")[0]
        parts = ", ".join(m.field for m in found)
        return (
            f"The {which} of {order} landed differently from WooCommerce's ({parts}).",
            f"Send {which} as a subrecord with WooCommerce's address_1, city, state, postcode "
            "and country (country first).",
            [],
        )
    return (
        f"The total of {order} landed as {_shown(first.actual)} instead of "
        f"{_shown(first.expected)}, though its parts match.",
        "Look for a handling cost, a gift certificate or a script that changes amounts after "
        "save.",
        [],
    )
