"""The core record rules: the REST protocol's minimal semantics, per record type.

Required fields, defaults, sourcing from the customer, line pricing and totals, registered
by `core_rules()`; more rules (tax, permissions, scripts, workflows) are spliced in around
them by `business.py`.
"""

from __future__ import annotations

from decimal import Decimal

from harness.money import round_half_up
from harness.netsuite.itemtypes import ITEM_RECORD_TYPES
from harness.sandbox.resterror import user_error
from harness.sandbox.rules.book import RuleBook, SaveContext, please_enter
from harness.sandbox.rules.totals import compute_totals, price_line
from harness.sandbox.store.recordstore import Line, Record


def _decimal(stored: object) -> Decimal:
    """A stored REAL (or integer) as the Decimal it was written from."""
    if isinstance(stored, int | float):
        return Decimal(repr(float(stored)))
    return Decimal(str(stored))


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


def _currency_precision(ctx: SaveContext, currency: object) -> int:
    found = ctx.lookup("currency", currency)
    stored = found["currencyprecision"] if found else None
    return stored if isinstance(stored, int) else 2


def sales_order_sourcing(ctx: SaveContext, record: Record) -> None:
    """What selecting the customer fills in: subsidiary, currency, terms, email, rate."""
    values = record.values
    entity = values.get("entity")
    previous = ctx.previous.values.get("entity") if ctx.previous else None
    if entity is not None and entity != previous:
        found = ctx.lookup("customer", entity)
        if found:
            for name in ("subsidiary", "currency", "terms", "email"):
                if name not in record.given or values.get(name) is None:
                    values[name] = found[name]
    if (
        values.get("currency") is not None
        and (values.get("exchangeRate") is None or "currency" in record.given)
        and "exchangeRate" not in record.given
    ):
        found = ctx.lookup("currency", values["currency"])
        if found and found["exchangerate"] is not None:
            values["exchangeRate"] = _decimal(found["exchangerate"])
    if (
        values.get("shipMethod") is not None
        and values.get("shippingCost") is None
        and "shippingCost" not in record.given
    ):
        found = ctx.lookup("shipitem", values["shipMethod"])
        if found and found["rate"] is not None:
            values["shippingCost"] = _decimal(found["rate"])


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
    values["status"] = values["orderStatus"]
    if not values.get("tranId") and ctx.operation == "create":
        numbering = ctx.profile.preferences.salesOrderNumbering
        values["tranId"] = ctx.store.next_number("SalesOrd", numbering.prefix, numbering.nextNumber)


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


def _list_rate(ctx: SaveContext, record: Record, line: Line) -> Decimal | None:
    """The line item's price for its price level in the order's currency (sourced rate)."""
    level = line.values.get("price")
    if level == -1:
        return None
    currency = record.values.get("currency")
    found = ctx.row(
        "SELECT unitprice FROM pricing WHERE item = ? AND pricelevel = 1 AND currency = ?",
        line.values["item"],
        currency,
    )
    if found is None:
        base = ctx.row(
            "SELECT p.unitprice FROM pricing p JOIN currency c ON c.id = p.currency"
            " WHERE p.item = ? AND p.pricelevel = 1 AND c.isbasecurrency = 'T'",
            line.values["item"],
        )
        rate = record.values.get("exchangeRate") or Decimal(1)
        if base is None or not rate:
            return None
        price = _decimal(base[0]) / rate
    else:
        price = _decimal(found[0])
    if level not in (None, 1):
        markup = ctx.row("SELECT discountpct FROM pricelevel WHERE id = ?", level)
        if markup and markup[0] is not None:
            price = price * (1 + _decimal(markup[0]) / 100)
    return round_half_up(price, _currency_precision(ctx, currency))


def sales_order_lines(ctx: SaveContext, record: Record) -> None:
    """Item type, price level and amounts of new or changed lines."""
    precision = _currency_precision(ctx, record.values.get("currency"))
    customer_level = None
    if record.values.get("entity") is not None:
        found = ctx.lookup("customer", record.values["entity"])
        customer_level = found["pricelevel"] if found else None
    for line in record.lines("item"):
        if line.key is not None and not line.given:
            continue
        values = line.values
        found = ctx.lookup("item", values.get("item"))
        values["itemType"] = found["itemtype"] if found else None
        if values.get("price") is None:
            # Sending a rate makes the price level Custom (-1), as in the UI.
            values["price"] = (
                -1 if "rate" in line.given or "amount" in line.given else (customer_level or 1)
            )
        list_rate = _list_rate(ctx, record, line) if "rate" not in line.given else None
        price_line(line, precision, list_rate)


def sales_order_totals(ctx: SaveContext, record: Record) -> None:
    compute_totals(record, _currency_precision(ctx, record.values.get("currency")))


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
                total += _decimal(found[0])
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
