"""The core record rules: the REST protocol's minimal semantics, per record type.

Required fields, defaults, sourcing from the customer (`sourcing.py`), line pricing and
totals, the order's status, registered by `core_rules()`; more rules (tax, permissions,
scripts, workflows) are spliced in around them by `business.py`.
"""

from __future__ import annotations

from decimal import Decimal

from harness.netsuite.itemtypes import ITEM_RECORD_TYPES
from harness.sandbox.resterror import user_error
from harness.sandbox.rules.book import RuleBook, SaveContext, please_enter
from harness.sandbox.rules.sourcing import (
    currency_precision,
    sales_order_lines,
    sales_order_sourcing,
)
from harness.sandbox.rules.totals import compute_totals, stored_decimal
from harness.sandbox.store.recordstore import Line, Record

# --- customer -------------------------------------------------------------------------


def customer_defaults(ctx: SaveContext, record: Record) -> None:
    """Person/company names, entity id, currency and taxable defaults."""
    values = record.values
    if values.get("isPerson") is None:
        values["isPerson"] = False  # INFERRED: the standard form's default type is Company
    person = " ".join(p for p in (values.get("firstName"), values.get("lastName")) if p)
    name = person if values["isPerson"] else values.get("companyName") or ""
    values["altName"] = name or None
    if not values.get("entityId"):
        numbering = ctx.profile.preferences.customerNumbering
        if numbering is not None and ctx.operation == "create":
            values["entityId"] = ctx.store.next_number(
                "customer", numbering.prefix, numbering.nextNumber
            )
        else:
            values["entityId"] = name or None
    if values.get("currency") is None and values.get("subsidiary") is not None:
        found = ctx.lookup("subsidiary", values["subsidiary"])
        if found:
            values["currency"] = found["currency"]
    if values.get("taxable") is None:
        values["taxable"] = ctx.profile.preferences.customersDefaultToTaxable


def customer_required(ctx: SaveContext, record: Record) -> None:
    values = record.values
    missing = []
    if values.get("isPerson"):
        missing += [
            label
            for name, label in (("firstName", "First Name"), ("lastName", "Last Name"))
            if not values.get(name)
        ]
    elif not values.get("companyName"):
        missing.append("Company Name")
    if ctx.profile.account.oneWorld and values.get("subsidiary") is None:
        missing.append("Primary Subsidiary")
    missing += _mandatory_custom(ctx, record, "entity")
    please_enter(missing)


# --- sales order ----------------------------------------------------------------------


def sales_order_promotion(ctx: SaveContext, record: Record) -> None:
    """Selecting a promotion code fills in its discount item and rate, unless they were sent
    (INFERRED from the legacy promotion code record, whose Discount and Rate are the order's).
    """
    values = record.values
    promotion = values.get("promoCode")
    if promotion is None or not (ctx.operation == "create" or "promoCode" in record.given):
        return
    found = ctx.row("SELECT discount, rate FROM promotioncode WHERE id = ?", promotion)
    if found is None or found[0] is None or "discountItem" in record.given:
        return
    values["discountItem"] = found[0]
    if "discountRate" not in record.given and found[1] is not None:
        rate = str(found[1])
        values["discountRate"] = rate if rate.endswith("%") else Decimal(rate)


def sales_order_defaults(ctx: SaveContext, record: Record) -> None:
    values = record.values
    if values.get("tranDate") is None:
        values["tranDate"] = ctx.store.today()
    if values.get("orderStatus") is None:
        values["orderStatus"] = ctx.profile.preferences.defaultOrderStatus
    _status_follows_lines(ctx, record)
    values["status"] = values["orderStatus"]
    if not values.get("tranId") and ctx.operation == "create":
        numbering = ctx.profile.preferences.salesOrderNumbering
        values["tranId"] = ctx.store.next_number("SalesOrd", numbering.prefix, numbering.nextNumber)


# INFERRED code, as SuiteQL's `SalesOrd:H` (line 63 CONFIRMS the SOAP status `_closed`).
CLOSED = "H"


def _status_follows_lines(ctx: SaveContext, record: Record) -> None:
    """Closing every line closes the order; reopening one reopens it.

    CONFIRMED (reference line 62): "closing is done by closing lines (`isClosed`)", not by
    `orderStatus`; Oracle's "Reopening a Closed Sales Order" (docs.oracle.com/en/cloud/saas/
    netsuite/ns-online-help/section_161133765436.html): clearing a line's Closed box makes the
    order Pending Fulfillment again. INFERRED: a closed order refuses another `orderStatus`
    while its lines stay closed (the wording is ours), and a reopening request may still send
    the status it wants (A or B).
    """
    values = record.values
    lines = record.lines("item")
    was_closed = ctx.previous is not None and ctx.previous.values.get("status") == CLOSED
    if lines and all(line.values.get("isClosed") for line in lines):
        if was_closed and "orderStatus" in record.given:
            raise user_error(
                "This sales order is closed, so its status cannot change. Clear the Closed "
                "box of a line to reopen it.",
                path="orderStatus",
            )
        values["orderStatus"] = CLOSED
    elif was_closed and "orderStatus" not in record.given:
        values["orderStatus"] = "B"


def sales_order_required(ctx: SaveContext, record: Record) -> None:
    missing = []
    if record.values.get("entity") is None:
        missing.append("Customer")
    lines = record.lines("item")
    if any(line.values.get("item") is None for line in lines):
        missing.append("Item")
    missing += _mandatory_custom(ctx, record, "body")
    for line in lines:
        missing += [m for m in _mandatory_custom_line(ctx, line) if m not in missing]
    please_enter(missing)
    if not lines:
        raise user_error("You must enter at least one line item for this transaction.")


def sales_order_totals(ctx: SaveContext, record: Record) -> None:
    compute_totals(record, currency_precision(ctx, record.values.get("currency")))


def _mandatory_custom(ctx: SaveContext, record: Record, applies_to: str) -> list[str]:
    return [
        c.label
        for c in ctx.profile.customFields
        if c.mandatory and c.applies_to == applies_to and record.values.get(c.id) in (None, "")
    ]


def _mandatory_custom_line(ctx: SaveContext, line: Line) -> list[str]:
    return [
        c.label
        for c in ctx.profile.customFields
        if c.mandatory and c.applies_to == "line" and line.values.get(c.id) in (None, "")
    ]


# --- every other type -----------------------------------------------------------------

_NAME_FIELDS = ("name", "itemId", "title", "code")


def name_required(ctx: SaveContext, record: Record) -> None:
    """Lists and items cannot be saved without their name."""
    del ctx
    for name in _NAME_FIELDS:
        fd = record.rtype.body_field(name)
        if fd is not None and not fd.readonly and not record.values.get(name):
            please_enter([fd.label])
    if record.values.get("isInactive") is None and record.rtype.body_field("isInactive"):
        record.values["isInactive"] = False


def employee_names(ctx: SaveContext, record: Record) -> None:
    """An employee needs a first and last name, which also make its name by default
    (INFERRED: as a person customer)."""
    del ctx
    values = record.values
    please_enter(
        [
            label
            for name, label in (("firstName", "First Name"), ("lastName", "Last Name"))
            if not values.get(name)
        ]
    )
    if not values.get("entityId"):
        values["entityId"] = f"{values['firstName']} {values['lastName']}"
    if values.get("isInactive") is None:
        values["isInactive"] = False


def list_names(ctx: SaveContext, record: Record) -> None:
    """Hierarchical `fullName` (subsidiaries: "Parent : Child"), as NetSuite shows lists."""
    values = record.values
    if record.rtype.body_field("fullName") is None:
        return
    name = values.get("name") or ""
    parent = values.get("parent")
    found = ctx.lookup("subsidiary", parent) if parent else None
    values["fullName"] = f"{found['fullname']} : {name}" if found else name


def tax_rates(ctx: SaveContext, record: Record) -> None:
    """A tax item needs its rate; a tax group's rate is the sum of its members'."""
    if record.rtype.name == "salesTaxItem" and record.values.get("rate") is None:
        please_enter(["Rate"])
    if record.rtype.name == "taxGroup":
        members = record.values.get("taxItems") or []
        total = Decimal(0)
        for member in members:
            found = ctx.row("SELECT rate FROM salestaxitem WHERE id = ?", member)
            if found and found[0] is not None:
                total += stored_decimal(found[0])
        record.values["rate"] = total


def core_rules() -> RuleBook:
    """The rules of the REST protocol layer (the business-rule layer registers more)."""
    book = RuleBook()
    book.add("customer", customer_defaults)
    book.add("customer", customer_required)
    book.add("salesOrder", sales_order_sourcing)
    book.add("salesOrder", sales_order_promotion)
    book.add("salesOrder", sales_order_defaults)
    book.add("salesOrder", sales_order_required)
    book.add("salesOrder", sales_order_lines)
    book.add("salesOrder", sales_order_totals)
    for record_type in (
        *ITEM_RECORD_TYPES,
        "shipItem",
        "salesTaxItem",
        "taxGroup",
        "subsidiary",
        "location",
        "currency",
        "department",
        "classification",
        "term",
        "priceLevel",
        "campaign",
        "promotionCode",
    ):
        book.add(record_type, name_required)
    book.add("employee", employee_names)
    for record_type in ("subsidiary", "location", "department", "classification"):
        book.add(record_type, list_names)
    for record_type in ("salesTaxItem", "taxGroup"):
        book.add(record_type, tax_rates)
    return book
