"""What a sales order sources from its customer, items, price levels and ship method.

On create and on edit alike: selecting a value fills in the fields that depend on it unless
the same request sets them, and a value the request did not change sources nothing again.
The order is the one NetSuite applies (reference salesorder-semantics line 54, CONFIRMED):
`entity` (gives subsidiary, currency, terms, email) → `subsidiary` → ... and, per line,
`item` → `price` (price level) → other fields → `taxCode`, each re-sourcing the ones after
it. So on an edit:

- another customer re-sources subsidiary, currency and its exchange rate, terms, email,
  addresses and tax (`salesorder.py`), and the shipping cost, as on create (line 56: "The
  system automatically calculates many fields ... based on the value of the entity field");
- another ship method re-sources the shipping cost from the new ship item (lines 57, 178);
- another item on a line re-sources its type, description, price level and rate (and its
  tax, `salesorder.py`); another price level than Custom re-sources the rate (line 237).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from harness.money import round_half_up
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.rules.totals import price_line, stored_decimal
from harness.sandbox.store.recordstore import Line, Record

CUSTOM_PRICE_LEVEL = -1


# --- what changed in this save ----------------------------------------------------------


def entity_changed(ctx: SaveContext, record: Record) -> bool:
    """A new record, or an edit that selected another customer (sourcing runs again)."""
    if ctx.previous is None:
        return True
    return record.values.get("entity") != ctx.previous.values.get("entity")


def header_changed(ctx: SaveContext, record: Record, name: str) -> bool:
    """A new record, or an edit that left `name` with another value than it had."""
    if ctx.previous is None:
        return True
    return record.values.get(name) != ctx.previous.values.get(name)


def line_changed(line: Line) -> bool:
    """A line added or touched by this request (untouched lines keep what they had)."""
    return line.key is None or bool(line.given)


def item_changed(ctx: SaveContext, line: Line) -> bool:
    """A new line, or one whose item this request replaced (its sourcing runs again)."""
    if line.key is None or ctx.previous is None:
        return True
    if "item" not in line.given:
        return False
    before = next((ln for ln in ctx.previous.lines("item") if ln.key == line.key), None)
    return before is None or before.values.get("item") != line.values.get("item")


# --- the customer -------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFacts:
    """What an order sources from its customer."""

    id: int
    is_inactive: bool
    subsidiary: int | None
    currency: int | None
    taxable: bool
    tax_item: int | None
    price_level: int | None


def customer_facts(ctx: SaveContext, entity: object) -> CustomerFacts | None:
    """The customer's facts, read once per save (several rules ask)."""
    key = f"customer:{entity}"
    if key in ctx.notes:
        cached = ctx.notes[key]
        return cached if isinstance(cached, CustomerFacts) else None
    facts = _read_customer(ctx, entity)
    ctx.notes[key] = facts
    return facts


def _optional_id(stored: object) -> int | None:
    return None if stored is None else int(str(stored))


def _read_customer(ctx: SaveContext, entity: object) -> CustomerFacts | None:
    row = ctx.lookup("customer", entity)
    if row is None:
        return None
    return CustomerFacts(
        id=int(str(entity)),
        is_inactive=row["isinactive"] == "T",
        subsidiary=_optional_id(row["subsidiary"]),
        currency=_optional_id(row["currency"]),
        taxable=row["taxable"] == "T",
        tax_item=_optional_id(row["taxitem"]),
        price_level=_optional_id(row["pricelevel"]),
    )


# --- the header ---------------------------------------------------------------------------


def sales_order_sourcing(ctx: SaveContext, record: Record) -> None:
    """What selecting the customer, the currency and the ship method fill in."""
    values, given = record.values, record.given
    entity = values.get("entity")
    customer_changed = entity is not None and entity_changed(ctx, record)
    if customer_changed:
        found = ctx.lookup("customer", entity)
        if found:
            for name in ("subsidiary", "currency", "terms", "email"):
                if name not in given or values.get(name) is None:
                    values[name] = found[name]
    if (
        values.get("currency") is not None
        and "exchangeRate" not in given
        and (values.get("exchangeRate") is None or header_changed(ctx, record, "currency"))
    ):
        found = ctx.lookup("currency", values["currency"])
        if found and found["exchangerate"] is not None:
            values["exchangeRate"] = stored_decimal(found["exchangerate"])
    _source_shipping_cost(ctx, record, customer_changed)


def _source_shipping_cost(ctx: SaveContext, record: Record, customer_changed: bool) -> None:
    """The ship item's rate, when the ship method or the customer changed and the request
    set no shipping cost (lines 57, 178: set `shipMethod` first, then overwrite the cost).

    INFERRED: the ship item's one rate, whatever the order's currency (the sandbox keeps a
    single rate per ship item); clearing the ship method clears a cost it did not send.
    """
    values = record.values
    if "shippingCost" in record.given:
        return
    ship = values.get("shipMethod")
    if ship is None:
        if ctx.previous is not None and "shipMethod" in record.given:
            values["shippingCost"] = None
        return
    resourced = header_changed(ctx, record, "shipMethod") or customer_changed
    if not resourced and values.get("shippingCost") is not None:
        return
    found = ctx.lookup("shipitem", ship)
    if found and found["rate"] is not None:
        values["shippingCost"] = stored_decimal(found["rate"])


# --- the lines ----------------------------------------------------------------------------


def currency_precision(ctx: SaveContext, currency: object) -> int:
    """The currency's decimal places (2 when it has none recorded)."""
    found = ctx.lookup("currency", currency)
    stored = found["currencyprecision"] if found else None
    return int(str(stored)) if stored is not None else 2


def _list_rate(ctx: SaveContext, record: Record, line: Line) -> Decimal | None:
    """The line item's price for its price level in the order's currency (sourced rate)."""
    level = line.values.get("price")
    if level == CUSTOM_PRICE_LEVEL:
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
        price = stored_decimal(base[0]) / rate
    else:
        price = stored_decimal(found[0])
    if level not in (None, 1):
        markup = ctx.row("SELECT discountpct FROM pricelevel WHERE id = ?", level)
        if markup and markup[0] is not None:
            price = price * (1 + stored_decimal(markup[0]) / 100)
    return round_half_up(price, currency_precision(ctx, currency))


def _default_level(line: Line, customer_level: int | None) -> int:
    """Custom (-1) when the request prices the line, as typing a rate does in the UI; else
    the customer's price level, or Base Price (1)."""
    if "rate" in line.given or "amount" in line.given:
        return CUSTOM_PRICE_LEVEL
    return customer_level or 1


def _source_from_item(ctx: SaveContext, line: Line, customer_level: int | None) -> None:
    """A line's new item fills in its description and price level, and drops the rate it
    had, unless this request sets them (line 54: `item` re-sources what comes after it)."""
    values, given = line.values, line.given
    priced = "rate" in given or "amount" in given
    if "description" not in given:
        found = ctx.lookup("item", values.get("item"))
        values["description"] = found["salesdescription"] if found else None
    if "price" not in given:
        values["price"] = _default_level(line, customer_level)
    if not priced:
        values["rate"] = values["amount"] = None


def sales_order_lines(ctx: SaveContext, record: Record) -> None:
    """Item type, description, price level and amounts of new or changed lines."""
    precision = currency_precision(ctx, record.values.get("currency"))
    customer = customer_facts(ctx, record.values.get("entity"))
    customer_level = customer.price_level if customer else None
    # Another currency prices every listed line again, in it (INFERRED: a level the line
    # shows is kept; a Custom rate stands as the amount it is).
    repriced = ctx.previous is not None and header_changed(ctx, record, "currency")
    for line in record.lines("item"):
        values, given = line.values, line.given
        if not line_changed(line) and not repriced:
            continue
        found = ctx.lookup("item", values.get("item"))
        values["itemType"] = found["itemtype"] if found else None
        if item_changed(ctx, line):
            _source_from_item(ctx, line, customer_level)
        elif values.get("price") is None:
            values["price"] = _default_level(line, customer_level)
        listed = values.get("price") != CUSTOM_PRICE_LEVEL
        if listed and "rate" not in given and ("price" in given or repriced):
            values["rate"] = None  # line 237: a level other than Custom re-sources the rate
        list_rate = _list_rate(ctx, record, line) if "rate" not in given else None
        price_line(line, precision, list_rate)
