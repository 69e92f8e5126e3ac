"""NetSuite's refusals, read for their real cause (reference salesorder-semantics 1.6, 7, 8.4;
netsuite-rest 5.3).

The order of the checks matters: no answer or a 5xx is the network's or NetSuite's fault
whatever the body says; 429 and 401 are decided by status and code; then NetSuite's own
message families ("Please enter value(s) for:", "Invalid item reference key ...") name the
field at fault. A USER_ERROR whose text is none of NetSuite's known validation messages is a
user-event script or workflow speaking (INFERRED: scripts' errors come back as USER_ERROR
with their message after the standard prefix, reference netsuite-rest 5.3).
"""

from __future__ import annotations

import re

from harness.landing.access import auth, hidden_table, permission
from harness.landing.failure import Cause, Failure, ItemNamer
from harness.landing.verdict import Category

__all__ = ["Cause", "ItemNamer", "classify"]

_CLASSIFICATIONS = "Setup > Accounting > Accounting Preferences > General > Classifications"

_GOVERNANCE_CODES = frozenset(
    {
        "CONCURRENCY_LIMIT_EXCEEDED",
        "SSS_REQUEST_LIMIT_EXCEEDED",
        "WS_CONCUR_SESSION_DISALLWD",
        "WS_REQUEST_BLOCKED",
    }
)
_VALIDATION_CODES = frozenset(
    {
        "INVALID_CONTENT",
        "INVALID_PARAMETER",
        "NONEXISTENT_FIELD",
        "NONEXISTENT_ID",
        "INVALID_FLD_VALUE",
        "IDEMPOTENCY_ERROR",
    }
)
_REQUIRED_CODES = frozenset({"FIELD_PARAM_REQD", "REQD_FLD_MISSING", "FIELD_REQUIRED"})
_TRANSPORT_TEXTS = (
    "an unexpected error occurred",
    "currently unavailable while we undergo",
    "scheduled maintenance",
)
_GOVERNANCE_TEXTS = (
    "concurrent request limit exceeded",
    "only one request may be made against a session at a time",
)
# NetSuite's own validation messages (reference 1.6, 3.3, 5.3): not a script speaking.
_KNOWN_VALIDATIONS = (
    "the transaction date you specified is not within the date range of your accounting period",
    "you only have",
    "the minimum quantity for this item is",
    "sales order contains inconsistent items",
    "transaction type specified is incorrect",
    "the record instance does not exist",
    "invalid content in the request body",
    "invalid date value",
    "invalid search query",
    "you must enter at least one line item for this transaction",
    "you must have at least one valid line item for this transaction",
    "record type '",
    "contained more than the maximum number",  # an over-long value (gh:getlago/lago-api#3245)
    "you cannot change the subsidiary of this entity",  # CANT_MODIFY_SUB (ORA section_N3539978)
)
_WORKFLOW_LOCK = "this record has been locked by a user defined workflow"

_REFERENCE_KEY = re.compile(
    r"invalid (\w+) reference key (\S+?)(?: for (\w+) (\S+?))?\.?$", re.IGNORECASE
)
_INVALID_VALUE = re.compile(
    r"invalid field value (.+?) for the following field: ([\w.\[\]]+?)\.?$", re.IGNORECASE
)
_PLEASE_ENTER = re.compile(
    r"please enter (?:value\(s\) for|a value for)[:\s]*(.+?)\.?$", re.IGNORECASE
)

# Field ids (REST names lower-cased, SOAP/SuiteScript ids) -> the category they belong to.
_FIELD_CATEGORIES: dict[str, Category] = {
    "item": "item-mapping",
    "price": "item-mapping",
    "pricelevel": "item-mapping",
    "entity": "customer-match",
    "customer": "customer-match",
    "taxitem": "tax",
    "taxcode": "tax",
    "taxrate": "tax",
    "taxrate1": "tax",
    "istaxable": "tax",
    "shippingtaxcode": "tax",
    "shipmethod": "shipping",
    "shippingcost": "shipping",
    "shipcarrier": "shipping",
    "discountitem": "discount",
    "discountrate": "discount",
    "promocode": "discount",
}
_MANDATORY_PREFS = {
    "location": "Make Locations Mandatory",
    "department": "Make Departments Mandatory",
    "class": "Make Classes Mandatory",
}


def _field_category(name: str | None) -> Category | None:
    if not name:
        return None
    last = re.split(r"[.\[\]]+", name.strip().lower().strip(".[]"))[-1]
    return _FIELD_CATEGORIES.get(last) or _FIELD_CATEGORIES.get(name.strip().lower())


def classify(failure: Failure, item_name: ItemNamer | None = None) -> Cause:
    """The cause of one refused (or unanswered) request."""
    for check in (
        _transport,
        _governance,
        auth,
        hidden_table,
        permission,
        _required,
        _reference,
        _invalid_value,
        _duplicate,
        _workflow,
        _validation,
    ):
        cause = check(failure, item_name or (lambda _id: None))
        if cause is not None:
            return cause
    return _script(failure)


def _lower(failure: Failure) -> str:
    return failure.message.lower()


def _transport(failure: Failure, _names: ItemNamer) -> Cause | None:
    text = _lower(failure)
    if failure.transport_error or failure.status == 0:
        return Cause(
            "transport",
            f"NetSuite did not answer {failure.method} {failure.resource} "
            f"({failure.transport_error or failure.detail}).",
            "A network problem or a NetSuite outage, not the order: retry later. Make creates "
            "idempotent (upsert by externalId) so that a retry never makes a second order.",
        )
    if failure.status >= 500 or any(t in text for t in _TRANSPORT_TEXTS):
        return Cause(
            "transport",
            f"NetSuite failed on its side ({failure.status}: {failure.message or 'no detail'}).",
            "Retry later; if it persists, quote the Error ID to NetSuite support. Make creates "
            "idempotent (upsert by externalId) so that a retry never makes a second order.",
        )
    return None


def _governance(failure: Failure, _names: ItemNamer) -> Cause | None:
    text = _lower(failure)
    if (
        failure.status == 429
        or (failure.code or "").upper() in _GOVERNANCE_CODES
        or any(t in text for t in _GOVERNANCE_TEXTS)
    ):
        return Cause(
            "governance",
            "NetSuite turned the request away: the account's concurrent request limit was reached.",
            "Send fewer requests at once (or give this integration a share of the limit in "
            "Setup > Integration > Integration Management > Integration Governance) and retry "
            "429 answers with backoff.",
        )
    return None


def _required(failure: Failure, _names: ItemNamer) -> Cause | None:
    match = _PLEASE_ENTER.search(failure.message)
    if match is None and (failure.code or "").upper() not in _REQUIRED_CODES:
        return None
    raw = match.group(1) if match else (failure.path or "a field")
    labels = [label.strip(" []") for label in raw.split(",") if label.strip(" []")]
    hints = []
    for label in labels:
        pref = _MANDATORY_PREFS.get(label.lower())
        if pref:
            hints.append(
                f"set {label} on the Sales Order (required because the accounting preference "
                f"'{pref}' is on: {_CLASSIFICATIONS}), or turn that preference off"
            )
        elif "subsidiary" in label.lower():
            hints.append(
                f"send {label} (the subsidiary the order's currency or country belongs to), "
                "or give the customer a primary subsidiary"
            )
        else:
            hints.append(
                f"send '{label}' (mandatory on the form the role uses or a mandatory custom "
                "field: Customization > Forms > Transaction Forms / Lists, Records, & Fields)"
            )
    shown = ", ".join(labels)
    record = failure.record_name
    return Cause(
        "required-field",
        f"NetSuite requires {shown} on the {record}, and it was not sent.",
        _sentence("; ".join(hints)),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _item_label(item_id: str, names: ItemNamer) -> str:
    name = names(item_id)
    return f"{name} ({item_id})" if name else item_id


def _reference(failure: Failure, names: ItemNamer) -> Cause | None:
    match = _REFERENCE_KEY.search(failure.message)
    if match is None:
        return None
    field, key, scope, scope_id = match.groups()
    category = _field_category(field) or _field_category(failure.path) or "validation-rule"
    if category == "item-mapping":
        label = _item_label(key, names)
        if scope and scope.lower() == "subsidiary":
            return Cause(
                "item-mapping",
                f"Item {label} is not available to subsidiary {scope_id}.",
                f"Add subsidiary {scope_id} to the item's Subsidiary field in NetSuite, or map the "
                "SKU to an item that subsidiary sells.",
            )
        if scope:
            return Cause(
                "item-mapping",
                f"Item {label} cannot be sold to {scope} {scope_id}.",
                "Make the item available to that customer (or its subsidiary), or map the SKU to "
                "another item.",
            )
        return Cause(
            "item-mapping",
            f"Item {label} does not exist in NetSuite or is inactive.",
            "Fix the SKU mapping: the item's internal id is stale, or reactivate the item.",
        )
    if category == "customer-match":
        return Cause(
            "customer-match",
            f"Customer {key} does not exist in NetSuite, is inactive or was merged into another.",
            "Match the customer by email (trimmed, case-insensitive) instead of a stored id, or "
            "update the stored NetSuite id after a merge.",
        )
    return _by_field(category, field, key, failure, f"{scope} {scope_id}" if scope else "")


def _invalid_value(failure: Failure, names: ItemNamer) -> Cause | None:
    match = _INVALID_VALUE.search(failure.message)
    if match is None:
        return None
    value, field = match.groups()
    category = _field_category(field) or _field_category(failure.path) or "validation-rule"
    if category == "item-mapping":
        label = _item_label(value, names)
        return Cause(
            "item-mapping",
            f"NetSuite has no item {label} to sell on this order.",
            "Fix the SKU mapping: the item's internal id is stale, or reactivate the item.",
        )
    if category == "customer-match":
        return Cause(
            "customer-match",
            f"NetSuite has no customer {value}.",
            "Match the customer by email (trimmed, case-insensitive) instead of a stored id.",
        )
    return _by_field(category, field, value, failure)


def _by_field(
    category: Category, field: str, value: str, failure: Failure, scope: str = ""
) -> Cause:
    """Tax, shipping, discount and other fields NetSuite refused a value for; `scope` is
    NetSuite's own restriction (`subsidiary 2`) when it names one."""
    value = value or failure.message
    where = f" for {scope}" if scope else ""
    if category == "tax":
        return Cause(
            "tax",
            f"NetSuite refused tax code {value} ({field}){where}.",
            "Map the WooCommerce tax rates (and tax.exempt_code) to active tax codes of the "
            "order's subsidiary under tax.codes in the mapping.",
            "Send active tax codes of the order's subsidiary for WooCommerce's tax rates (and "
            "its exempt code for untaxed orders): a tax code belongs to one subsidiary (Setup > "
            "Accounting > Tax Codes).",
        )
    if category == "shipping":
        return Cause(
            "shipping",
            f"NetSuite refused ship method {value} ({field}){where}.",
            "Map the WooCommerce shipping method to an active shipping item of the order's "
            "subsidiary under shipping.methods in the mapping.",
            "Send an active shipping item of the order's subsidiary as shipMethod for "
            "WooCommerce's shipping method (Lists > Accounting > Shipping Items).",
        )
    if category == "discount":
        return Cause(
            "discount",
            f"NetSuite refused discount {value} ({field}){where}.",
            "Set discounts.item in the mapping to an active discount item of the order's "
            "subsidiary; send one header discount.",
            "Send an active Discount item of the order's subsidiary as discountItem, one per "
            "order with all coupons combined.",
        )
    return Cause(
        "validation-rule",
        f"NetSuite refused the value {value} for {field}{where}: {failure.message}",
        f"Send a {field} that exists, is active and belongs to the order's subsidiary.",
    )


def _duplicate(failure: Failure, _names: ItemNamer) -> Cause | None:
    text = _lower(failure)
    code = (failure.code or "").upper()
    if "this entity already exists" in text or code == "DUP_ENTITY":
        return Cause(
            "customer-match",
            "NetSuite already has this customer (same external id or name), so creating it "
            "again was refused.",
            "Look the customer up (by email, trimmed and case-insensitive, or by externalId) "
            "before creating one, or upsert it with PUT customer/eid:<externalId>.",
        )
    if "this record already exists" in text or code == "DUP_RECORD":
        # A second create of the same order: the sync lacks idempotency (reference 8.2).
        return Cause(
            "sync-rule",
            "NetSuite already has this record (same external id), so creating it again was "
            "refused.",
            "Upsert the Sales Order by externalId (PUT salesOrder/eid:<externalId>) so a re-sync "
            "updates the order instead of creating another.",
        )
    return None


def _workflow(failure: Failure, _names: ItemNamer) -> Cause | None:
    if _WORKFLOW_LOCK in _lower(failure) or (failure.code or "").upper() == "RCRD_LOCKED_BY_WF":
        return Cause(
            "script-or-workflow",
            "A workflow in NetSuite locked the record: "
            '"This record has been locked by a user defined workflow."',
            "Ask the NetSuite administrator which workflow locks Sales Orders (Customization > "
            "Workflow > Workflows) and whether it should apply to web orders (execution "
            "context REST Web Services).",
        )
    return None


def _validation(failure: Failure, _names: ItemNamer) -> Cause | None:
    text = _lower(failure)
    code = (failure.code or "").upper()
    path_category = _field_category(failure.path)
    if (
        any(t in text for t in _KNOWN_VALIDATIONS)
        or code in _VALIDATION_CODES
        or (code != "USER_ERROR" and failure.status in range(400, 500))
    ):
        if path_category is not None and path_category != "validation-rule":
            return _by_field(path_category, failure.path or "", "", failure)
        return Cause(
            "validation-rule",
            f"NetSuite refused the {failure.record_name}: {failure.message}",
            "Fix the value NetSuite names"
            + (f" (at {failure.path})" if failure.path else "")
            + "; the message is NetSuite's own validation.",
        )
    return None


def _script(failure: Failure) -> Cause:
    message = failure.message or failure.detail or f"HTTP {failure.status}"
    return Cause(
        "script-or-workflow",
        f'A script or workflow in NetSuite refused the {failure.record_name}: "{message}"',
        "This is the account's own rule, not a NetSuite field check: ask the NetSuite "
        "administrator which user event script or workflow says this (Customization > "
        "Scripting > Script Deployments, record Sales Order; execution context REST Web "
        "Services), then change the order or the rule.",
    )
