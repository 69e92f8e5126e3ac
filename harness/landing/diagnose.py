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

import re
from collections.abc import Sequence
from dataclasses import replace

from harness.landing.classify import Cause, classify
from harness.landing.expected import ExpectedLanding, ExpectedProblem
from harness.landing.failure import Failure, format_call, sent_body
from harness.landing.findings.categories import also
from harness.landing.findings.causes import causes
from harness.landing.findings.crash import crash
from harness.landing.findings.evidence import failed, order_writes
from harness.landing.findings.scene import Scene, in_words, own_connector
from harness.landing.findings.text import mismatch_line
from harness.landing.readback import ActualLanding
from harness.landing.verdict import Category, Diagnosis, Mismatch
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult

# Which category a connector's failing stage belongs to (harness.push.Stage).
_STAGE_CATEGORIES: dict[str, Category] = {
    "customer": "customer-match",
    "items": "item-mapping",
    "fees": "item-mapping",
    "shipping": "shipping",
    "tax": "tax",
    "discount": "discount",
    "routing": "required-field",
}


def _error_call(calllog: CallLog, error: NetSuiteError) -> Call | None:
    """The call-log record of the request a NetSuiteError came from."""
    resource = Failure.from_error(error).resource
    refused = calllog.errors()
    for call in reversed(refused):
        if call.method == error.method and call.path == resource and call.status == error.status:
            return call
    return refused[-1] if refused else None


def _problem(expected: ExpectedLanding, category: Category | None = None) -> ExpectedProblem | None:
    return next((p for p in expected.problems if category is None or p.category == category), None)


def diagnose(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    *,
    actual: ActualLanding | None = None,
) -> Diagnosis | None:
    """The diagnosis of one order's landing; None when it landed exactly right.

    Hints speak the mapping's keys only to the reference connector (`own_connector`); a
    connector the harness does not own hears of NetSuite records and WooCommerce data.
    """
    order = f"order #{expected.order}"
    own = own_connector(push)
    if not expected.should_sync:
        return _sync_rule(push, calllog, mismatches, expected, order, own)
    if push is not None and push.error is not None:
        return _from_error(push.error, calllog, expected, order, own)
    if push is not None and push.status in ("failed", "rejected"):
        refused = failed(order_writes(calllog, expected))
        if push.status == "rejected" and refused:
            # Refused without a NetSuiteError in hand (an external connector): the log has it.
            cause = classify(Failure.from_call(refused[-1]), expected.item_name)
            evidence = [format_call(refused[-1])]
            return _refusal(cause, expected, order, evidence, by="NetSuite", own=own)
        return _from_connector(push, calllog, expected, order, own)
    if push is not None and push.status == "skipped" and not _landed(mismatches, actual):
        rule = push.skipped_rule or "a sync rule"
        statuses = ", ".join(expected.sync_statuses)
        return Diagnosis(
            "sync-rule",
            f"The connector skipped {order} ({rule}), but the mapping syncs "
            f"'{expected.status}' orders.",
            in_words(
                own,
                f"Align the connector's order filters with the mapping's sync.statuses "
                f"({statuses}).",
                f"Make the connector send '{expected.status}' orders (the store syncs "
                f"{statuses}), or, if it rightly holds them back, tell the harness: "
                "sync.statuses in the mapping it checks against.",
            ),
            (f"connector: skipped ({rule})",),
        )
    if not mismatches:
        # Refused as the expectation foresaw (no order, none expected): still not a success.
        if expected.problems and not _landed(mismatches, actual):
            return _no_order(push, calllog, expected, order, own)
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
    error: NetSuiteError, calllog: CallLog, expected: ExpectedLanding, order: str, own: bool
) -> Diagnosis:
    call = _error_call(calllog, error)
    failure = Failure.from_error(error)
    if call is not None:
        failure = replace(failure, request_body=call.request_body)
    cause = classify(failure, expected.item_name)
    evidence = [format_call(call)] if call is not None else [failure.summary()]
    return _refusal(cause, expected, order, evidence, by="NetSuite", own=own)


def _refusal(
    cause: Cause,
    expected: ExpectedLanding,
    order: str,
    evidence: list[str],
    *,
    by: str,
    own: bool = True,
) -> Diagnosis:
    known = _problem(expected, cause.category)
    hint = known.hint_for(own) if known is not None else cause.hint_for(own)
    if known is not None and by == "NetSuite":
        evidence = [*evidence, f"expected: {known.summary}"]
    return Diagnosis(
        cause.category, f"{by} refused {order}: {_continued(cause.summary)}", hint, tuple(evidence)
    )


def _continued(sentence: str) -> str:
    """A sentence continuing after a colon: `The role ...` -> `the role ...` (names stay)."""
    first = sentence.split(" ", 1)[0]
    if first[1:].islower() and first not in ("NetSuite",):
        return sentence[:1].lower() + sentence[1:]
    return sentence


def _from_connector(
    push: PushResult, calllog: CallLog, expected: ExpectedLanding, order: str, own: bool
) -> Diagnosis:
    problem = push.problem or push.said or "no reason given"
    broke = _broke(push, expected)
    if broke is not None:
        return _crashed(push, calllog, order, broke)
    category = _STAGE_CATEGORIES.get(push.stage or "")
    known = _problem(expected, category) if category else _problem(expected)
    if category is None or (push.stage == "routing" and known is not None):
        category = known.category if known else _text_category(problem)
    known = _problem(expected, category)
    hint = known.hint_for(own) if known else _stage_hint(category, own)
    stage = f" at stage {push.stage}" if push.stage else ""
    evidence = [f"connector: {push.status}{stage}: {problem}"]
    evidence += [format_call(call) for call in calllog.errors()[-3:]]
    return Diagnosis(
        category,
        f"The connector could not send {order}: {problem}",
        hint,
        tuple(evidence),
    )


def _broke(push: PushResult | None, expected: ExpectedLanding) -> str | None:
    """What shows a connector we don't own broke on the order, by what it said (None: it
    answered, or it is ours: a stage says where the reference connector refused)."""
    if push is None or push.stage or push.status not in ("failed", "not-landed"):
        return None
    said = f"{push.problem or ''} {push.said or ''}"
    return crash(said, order_can_map=not expected.problems)


def _crashed(push: PushResult, calllog: CallLog, order: str, broke: str) -> Diagnosis:
    """The connector broke (`broke`: what shows it): its failure is no answer about the
    order, so it meets no expectation but `connector-crash`."""
    problem = push.problem or push.said or "no reason given"
    evidence = [f"connector: {push.status}: {problem}"]
    evidence += [format_call(call) for call in calllog.errors()[-3:]]
    return Diagnosis(
        "connector-crash",
        f"The connector broke on {order} ({broke}), so whether the order would land is not "
        f"known: {problem}",
        "Fix the connector, its code or its environment (a missing module, a wrong command, "
        "a receiver that is down, a timeout), then land the order again. A connector that "
        "refuses an order on purpose should say why in its own words: an exception of its "
        "own, or a message as it exits.",
        tuple(evidence),
    )


def _text_category(problem: str) -> Category:
    """A connector's problem without a stage, read for its subject."""
    text = problem.lower()
    for words, category in (
        # The connector refused the delivery itself: its secret or credentials don't match.
        (("http 401", "http 403", "signature", "unauthorized", "forbidden"), "auth"),
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


def _stage_hint(category: Category, own: bool) -> str:
    if category == "discount" and not own:
        return "Send the coupons as one discount item that exists in NetSuite (type Discount)."
    return {
        "customer-match": "Fix the customer match: one active NetSuite customer per email.",
        "item-mapping": "Map every WooCommerce SKU to an active NetSuite item of the order's "
        "subsidiary.",
        "shipping": "Map every WooCommerce shipping method to a NetSuite ship item.",
        "tax": "Map every WooCommerce tax rate to a NetSuite tax code.",
        "discount": "Set the mapping's discount item to an existing discount item.",
        "required-field": "Route every currency to a subsidiary and make sure NetSuite has the "
        "currency.",
        "auth": "The connector refused the delivery: give it the webhook secret (or "
        "credentials) the store signs with.",
    }.get(category, "Fix what the connector names, then push the order again.")


def _sync_rule(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    order: str,
    own: bool,
) -> Diagnosis:
    statuses = ", ".join(expected.sync_statuses)
    landed = any(m.field == "orders.count" and m.actual for m in mismatches)
    broke = None if landed else _broke(push, expected)
    if push is not None and broke is not None:
        # Kept out of NetSuite by a crash, not by a rule: the rule is not shown to hold.
        return _crashed(push, calllog, order, broke)
    if landed:
        evidence = [format_call(c) for c in order_writes(calllog, expected) if c.ok][-3:]
        return Diagnosis(
            "sync-rule",
            f"{order} is '{expected.status}' and must not reach NetSuite (the mapping syncs "
            f"only {statuses}), but NetSuite has a Sales Order for it.",
            in_words(
                own,
                f"Make the connector honour the sync statuses ({statuses}), or add "
                f"'{expected.status}' to sync.statuses if such orders should sync.",
                f"Make the connector skip '{expected.status}' orders (the store syncs only "
                f"{statuses}); if they should sync, tell the harness: sync.statuses in the "
                "mapping it checks against.",
            ),
            tuple(evidence),
        )
    said = (
        f"connector: skipped ({push.skipped_rule})"
        if push and push.skipped_rule
        else ("no Sales Order exists for the order, as intended")
    )
    return Diagnosis(
        "sync-rule",
        f"{order} was not sent to NetSuite: it is '{expected.status}', and the mapping syncs "
        f"only {statuses} orders.",
        in_words(
            own,
            f"Nothing to fix if '{expected.status}' orders should wait; to sync them, add "
            f"'{expected.status}' to sync.statuses in the mapping.",
            f"Nothing to fix if '{expected.status}' orders should wait; to sync them, make the "
            "connector send them and tell the harness: sync.statuses in the mapping it checks "
            "against.",
        ),
        (said,),
    )


# -- orders that landed wrong, or not at all ---------------------------------------------------


def _from_mismatches(
    push: PushResult | None,
    calllog: CallLog,
    mismatches: Sequence[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    order: str,
) -> Diagnosis:
    own = own_connector(push)
    count = next((m for m in mismatches if m.field == "orders.count"), None)
    if count is not None and isinstance(count.actual, int):
        if count.actual == 0:
            return _no_order(push, calllog, expected, order, own)
        if count.actual > 1 and expected.order_count == 1:
            return _duplicates(calllog, expected, actual, order, count)
        known = _problem(expected)
        if count.actual and known is not None:
            landed = [format_call(c) for c in order_writes(calllog, expected) if c.ok][-2:]
            return Diagnosis(
                known.category,
                f"{order} landed in NetSuite although it cannot land right: {known.summary}",
                known.hint_for(own),
                tuple([*landed, mismatch_line(count)]),
            )
    rest = [m for m in mismatches if m.field != "orders.count"]
    writes = order_writes(calllog, expected)
    body = sent_body(writes[-1].request_body) if writes else {}
    scene = Scene(expected, actual, body, calllog, order, own)
    primary, *others = causes(rest, scene)
    evidence = [format_call(c) for c in writes if c.ok][-2:] + list(primary.evidence)
    evidence += [mismatch_line(m) for m in primary.mismatches]
    # The other causes, each in its own sentence, after the primary's evidence.
    evidence += [f"also {f.category}: {f.summary}" for f in others]
    listed = [m for f in (primary, *others) for m in f.mismatches]
    evidence += [mismatch_line(m) for m in rest if m not in listed]
    return Diagnosis(
        primary.category, primary.summary + also(others), primary.hint, tuple(evidence)
    )


def _no_order(
    push: PushResult | None, calllog: CallLog, expected: ExpectedLanding, order: str, own: bool
) -> Diagnosis:
    writes = order_writes(calllog, expected)
    refused = failed(writes)
    if refused:
        cause = classify(Failure.from_call(refused[-1]), expected.item_name)
        evidence = [format_call(refused[-1])]
        return _refusal(cause, expected, order, evidence, by="NetSuite", own=own)
    known = _problem(expected)
    if known is not None:
        return Diagnosis(
            known.category,
            f"{order} did not land: {known.summary}",
            known.hint_for(own),
            tuple(format_call(c) for c in calllog.errors()[-3:]),
        )
    where = f"externalId {expected.external_id} or PO # {expected.other_ref_num}"
    claimed = push.sales_order_id if push and push.sales_order_id else None
    if not writes and claimed is None and push is not None and push.status == "not-landed":
        broke = _broke(push, expected)
        if broke is not None:
            return _crashed(push, calllog, order, broke)
        return _not_landed(push, order)
    if not writes and claimed is None:
        return Diagnosis(
            "sync-rule",
            f"{order} never reached NetSuite: no request in the call log tried to create its "
            f"Sales Order, and none carries {where}.",
            "The connector did not pick the order up: check its order filters (statuses, date "
            "cut-off), its queue and its log.",
            _connector_evidence(push),
        )
    if not writes:
        # Success reported, nothing sent here: another account, or no write at all (INFERRED).
        return Diagnosis(
            "sync-rule",
            f"The connector reported {order} as Sales Order {claimed}, but this account has no "
            f"such order and none carries {where}.",
            "Check that the connector writes to this NetSuite account, with externalId "
            f"{expected.external_id}, and that it reports success only after NetSuite "
            "accepted the order.",
            (f"connector: {push.status if push else 'pushed'} as Sales Order {claimed}",),
        )
    said = f" (it reported Sales Order {claimed})" if claimed else ""
    # Accepted but gone: deleted after the save, by a person, a script or a workflow (INFERRED).
    return Diagnosis(
        "script-or-workflow",
        f"NetSuite accepted {order}{said}, but no Sales Order carries {where} any more.",
        "Look for the order under Lists > Search > Deleted Records and for a script or "
        "workflow that deletes or renumbers web orders; check that the connector writes "
        f"externalId {expected.external_id}.",
        tuple(format_call(c) for c in writes[-3:]),
    )


# How a driver words an order it waited for in vain (harness.connector.drivers.common.judge).
_WAITED = re.compile(r"^not landed in ([\d.]+) s\b")


def _not_landed(push: PushResult, order: str) -> Diagnosis:
    """A connector we don't own took the order and no Sales Order appeared: how long the
    harness waited, what the connector answered, and where such an order gets stuck."""
    problem = push.problem or "no Sales Order appeared"
    waited = _WAITED.match(problem)
    if waited:
        hint = (
            f"The connector accepted the order but nothing reached NetSuite in the "
            f"{waited.group(1)} s the harness waited. If it queues orders, check that its "
            "queue worker runs and what its log says about this order; if it is only slower "
            "than that, give it longer (--landing-timeout)."
        )
    else:
        hint = (
            "The connector did not pick the order up: check its order filters (statuses, date "
            "cut-off), its queue and its log."
        )
    return Diagnosis(
        "sync-rule",
        f"{order} never reached NetSuite: {problem}.",
        hint,
        _connector_evidence(push),
    )


def _connector_evidence(push: PushResult | None) -> tuple[str, ...]:
    """What the connector itself reported: its status, its problem and what it answered."""
    if push is None:
        return ("no Sales Order write in the call log",)
    lines = [f"connector: {push.status}"]
    if push.problem:
        lines.append(f"connector problem: {push.problem}")
    if push.said:
        lines.append(f"connector said: {push.said}")
    return tuple(lines)


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
        f"NetSuite has {count.actual} Sales Orders for {order}"
        + (f" ({ids})" if ids else "")
        + "; it must have exactly one.",
        f"Upsert the Sales Order by externalId (PUT salesOrder/eid:{expected.external_id}) so a "
        "retried or repeated push updates the same order; delete the extra orders.",
        tuple([*writes, mismatch_line(count)]),
    )
