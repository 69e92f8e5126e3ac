"""`POST salesOrder/<id>/!transform/<type>`: an item fulfillment, invoice or cash sale made
from a sales order, as NetSuite makes it.

CONFIRMED (reference 1.1; Oracle's sales order use cases 6 and 7): the answer is a create's,
204 and the new record's `Location`; an empty body takes every line that is due, and
`item.items[{orderLine, quantity}]` (a fulfillment also `itemreceive: false`, `location`)
picks lines and quantities; an invoice or cash sale bills "all fulfilled items and
quantities". The fulfillment analogue of an empty transaction is CONFIRMED:
"You must have at least one valid line item for this transaction."

INFERRED, written once here:
- only inventory items ship; other items are billed without a fulfillment;
- a pending approval order can be neither fulfilled nor billed; more than is due on a line is
  refused on that line;
- a bill copies the order's prices, tax settings, discount and addresses; shipping, handling
  and a fixed-amount discount go on the order's first bill, a percentage discount on every bill;
- the order counts what was fulfilled and billed on each line and its status follows
  (B Pending Fulfillment, D Partially Fulfilled, E Pending Billing/Partially Fulfilled,
  F Pending Billing, G Billed), also when a fulfillment or bill is deleted or the order is
  edited;
- document numbers: IF1, INV1, CS1, ... per type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.money import round_half_up
from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, error_detail
from harness.sandbox.account import AccountProfile, PermissionLevel
from harness.sandbox.records.apply import BodyApplier, Problems, require_readable
from harness.sandbox.records.context import RequestContext
from harness.sandbox.resterror import RestError, invalid_field_value, user_error
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.rules.salesorder import SalesTax
from harness.sandbox.rules.totals import ZERO, compute_totals
from harness.sandbox.store import recordstore
from harness.sandbox.store.db import Store
from harness.sandbox.store.recordstore import Line, Record
from harness.sandbox.store.recordtypes import RecordType
from harness.sandbox.store.transactions import (
    CASH_SALE_TYPE,
    INVOICE_TYPE,
    ITEM_FULFILLMENT_TYPE,
)

Require = Callable[[str | None, str, PermissionLevel], None]

SHIPPING_ITEM_TYPES = frozenset({"InvtPart"})  # INFERRED: the item types a fulfillment ships
_NUMBER_PREFIX = {
    ITEM_FULFILLMENT_TYPE[0]: "IF",
    INVOICE_TYPE[0]: "INV",
    CASH_SALE_TYPE[0]: "CS",
}
_BILL_CODES = (INVOICE_TYPE[0], CASH_SALE_TYPE[0])
# The order's header fields a bill copies (unless the transform's body sets them).
_BILL_HEADER = (
    "currency",
    "exchangeRate",
    "subsidiary",
    "location",
    "department",
    "class",
    "terms",
    "otherRefNum",
    "memo",
    "email",
    "message",
    "source",
    "salesRep",
    "leadSource",
    "promoCode",
    "shipMethod",
    "shipDate",
    "discountItem",
    "discountRate",
    "isTaxable",
    "taxItem",
    "taxRate",
    "shippingTaxCode",
)
_BILL_LINE = (
    "item",
    "itemType",
    "rate",
    "price",
    "description",
    "taxCode",
    "isTaxable",
    "department",
    "class",
    "location",
)
_COUNTS_SQL = (
    'SELECT l.orderline, t.type, -SUM(l.quantity) FROM "transaction" t'
    " JOIN transactionline l ON l.\"transaction\" = t.id AND l.mainline = 'F'"
    " WHERE t.createdfrom = ? GROUP BY l.orderline, t.type"
)


@dataclass
class _Pick:
    """What the transform's body says of one order line."""

    index: int
    take: bool = True
    quantity: Decimal | None = None
    location: int | None = None
    description: str | None = None


class Transformer:
    """Makes fulfillments and bills from sales orders, and keeps the orders' counts."""

    def __init__(
        self,
        store: Store,
        profile: AccountProfile,
        types: dict[str, RecordType],
        body: BodyApplier,
    ) -> None:
        self.store = store
        self.profile = profile
        self.types = types
        self.body = body
        self.tax = SalesTax(profile)

    def target(self, source: RecordType, name: str) -> RecordType:
        """The record type `source` transforms into; 404 unknown, 400 not made that way."""
        target = self.types.get(name.lower())
        if target is None:
            raise RestError.one(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.")
        if target.transformed_from != source.name:
            # INFERRED wording and code: NetSuite's answer is unsampled.
            raise RestError.one(
                400,
                "INVALID_PARAMETER",
                f"The transformation of {source.name} into {target.name} is not supported.",
            )
        return target

    def make(self, ctx: RequestContext, order: Record, target: RecordType, body: Any) -> int:
        """Create the `target` record from `order` (inside the caller's write); its id."""
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise RestError.one(400, "INVALID_CONTENT", "Invalid content in the request body.")
        require_readable(body)
        fulfilling = target.discriminator[0][1] == ITEM_FULFILLMENT_TYPE[0]
        if order.values.get("status") == "A":
            verb = "fulfilled" if fulfilling else "billed"
            raise user_error(f"This sales order is pending approval, so it cannot be {verb}.")
        record = Record(target, None)
        header = {k: v for k, v in body.items() if k.lower() != "item"}
        self.body.apply(ctx, record, header, {})
        picks = self._picks(ctx, order, body, record.rtype)
        due = self._due(order, fulfilling)
        problems: list[dict[str, str]] = []
        for line in order.lines("item"):
            pick = picks.pop(line.key, None)
            quantity = self._quantity(line, pick, due.get(line.key, ZERO), problems)
            if quantity:
                record.lines("item").append(self._line(order, line, pick, quantity, fulfilling))
        if problems:
            raise RestError(400, problems)
        if not record.lines("item"):
            raise user_error("You must have at least one valid line item for this transaction.")
        self._header(order, record, fulfilling)
        if not fulfilling:
            self._bill_amounts(ctx, order, record)
        return self._save(record, order)

    def after_edit(self, order: Record) -> None:
        """An edited order that was fulfilled or billed keeps its counts and its status.

        CONFIRMED rule (reference salesorder-semantics 1.3): a partially fulfilled order cannot
        go back to Pending Approval; INFERRED wording, and the same for a billed one."""
        assert order.id is not None
        row = self.store.conn.execute(
            'SELECT 1 FROM "transaction" WHERE createdfrom = ? LIMIT 1', (order.id,)
        ).fetchone()
        if row is None:
            return
        if order.values.get("orderStatus") == "A":
            raise user_error(
                "This sales order has been fulfilled or billed, so it cannot go back to "
                "pending approval.",
                path="orderStatus",
            )
        self.refresh(order.id)

    def refresh(self, order_id: int) -> None:
        """Recount what was fulfilled and billed of the order's lines; set its status."""
        rtype = self.types["salesorder"]
        order = recordstore.load(self.store.conn, rtype, order_id)
        if order is None:
            return
        shipped: dict[int, Decimal] = {}
        billed: dict[int, Decimal] = {}
        for order_line, code, quantity in self.store.conn.execute(_COUNTS_SQL, (order_id,)):
            counts = shipped if code == ITEM_FULFILLMENT_TYPE[0] else billed
            counts[order_line] = counts.get(order_line, ZERO) + _number(quantity)
        for line in order.lines("item"):
            assert line.key is not None
            line.values["quantityFulfilled"] = shipped.get(line.key) or None
            line.values["quantityBilled"] = billed.get(line.key) or None
        status = _order_status(order)
        order.values["orderStatus"] = order.values["status"] = status
        created = order.values.get("createdDate")
        stamp = self.store.stamp()
        recordstore.save(
            self.store,
            order,
            created=created if isinstance(created, str) else stamp,
            modified=stamp,
        )

    # --- the lines ------------------------------------------------------------------

    def _picks(
        self, ctx: RequestContext, order: Record, body: dict[str, Any], target: RecordType
    ) -> dict[int | None, _Pick]:
        """The body's `item.items`, by order line; a bad entry is answered like NetSuite."""
        raw = next((v for k, v in body.items() if k.lower() == "item"), None)
        if raw is None:
            return {}
        items = raw.get("items") if isinstance(raw, dict) else None
        problems = Problems(ctx)
        if not isinstance(items, list):
            raise RestError(400, [invalid_field_value(str(raw), "item", "item")])
        sublist = target.sublist("item")
        assert sublist is not None
        fields = {fd.name.lower(): fd for fd in sublist.fields}
        keys = {line.key for line in order.lines("item")}
        picks: dict[int | None, _Pick] = {}
        for index, item in enumerate(items):
            path = f"item.items[{index}]"
            if not isinstance(item, dict):
                raise RestError(400, [invalid_field_value(str(item), "item", path)])
            entries = {k.lower(): (k, v) for k, v in item.items() if k.lower() != "links"}
            _name, key = entries.pop("orderline", ("orderLine", None))
            order_line = key if isinstance(key, int) and not isinstance(key, bool) else None
            if isinstance(key, str) and key.strip().isdecimal():
                order_line = int(key)
            if order_line not in keys:
                raise RestError(400, [_bad_order_line(_Pick(index), key)])
            pick = picks[order_line] = _Pick(index)
            values: dict[str, Any] = {}
            given: set[str] = set()
            for lowered, (name, value) in entries.items():
                if lowered == "itemreceive":
                    pick.take = value is not False and str(value).lower() not in ("false", "f")
                    continue
                fd = fields.get(lowered)
                if fd is None or lowered not in ("quantity", "location", "description"):
                    problems.unknown(name, target, f"{path}.{name}")
                    continue
                self.body.apply_field(values, given, fd, value, f"{path}.{fd.name}", problems)
            pick.quantity = values.get("quantity")
            pick.location = values.get("location")
            pick.description = values.get("description")
        problems.raise_if_any()
        return picks

    def _due(self, order: Record, fulfilling: bool) -> dict[int | None, Decimal]:
        """How much of each open line is there to fulfill (or to bill)."""
        due: dict[int | None, Decimal] = {}
        for line in order.lines("item"):
            values = line.values
            ships = values.get("itemType") in SHIPPING_ITEM_TYPES
            if values.get("isClosed") or (fulfilling and not ships):
                continue
            quantity = values.get("quantity") or ZERO
            fulfilled = values.get("quantityFulfilled") or ZERO
            billed = values.get("quantityBilled") or ZERO
            if fulfilling:
                due[line.key] = quantity - fulfilled
            else:
                due[line.key] = (fulfilled if ships else quantity) - billed
        return due

    def _quantity(
        self, line: Line, pick: _Pick | None, due: Decimal, problems: list[dict[str, str]]
    ) -> Decimal:
        if pick is None:
            return max(due, ZERO)
        if not pick.take:
            return ZERO
        if pick.quantity is None:
            return max(due, ZERO)
        if pick.quantity < 0 or pick.quantity > due:
            remaining = format(max(due, ZERO).normalize(), "f")
            problems.append(
                error_detail(
                    f"{BUSINESS_ERROR_PREFIX}You can not use more than the {remaining} "
                    f"remaining on order line {line.key}.",
                    "USER_ERROR",
                    path=f"item.items[{pick.index}].quantity",
                )
            )
            return ZERO
        return pick.quantity

    def _line(
        self, order: Record, line: Line, pick: _Pick | None, quantity: Decimal, fulfilling: bool
    ) -> Line:
        source = line.values
        if fulfilling:
            values: dict[str, Any] = {
                "item": source.get("item"),
                "itemType": source.get("itemType"),
                "description": source.get("description"),
                "location": source.get("location") or order.values.get("location"),
            }
        else:
            values = {name: source.get(name) for name in _BILL_LINE}
            whole = quantity == source.get("quantity")
            rate = source.get("rate") or ZERO
            precision = self._precision(order)
            values["amount"] = (
                source.get("amount") if whole else round_half_up(quantity * rate, precision)
            )
        values["quantity"] = quantity
        values["orderLine"] = line.key
        if pick is not None and pick.location is not None:
            values["location"] = pick.location
        if pick is not None and pick.description is not None:
            values["description"] = pick.description
        return Line(None, values, given=set(values))

    # --- the header -----------------------------------------------------------------

    def _header(self, order: Record, record: Record, fulfilling: bool) -> None:
        values, given = record.values, record.given
        values["entity"] = order.values.get("entity")
        values["createdFrom"] = order.id
        values["subsidiary"] = order.values.get("subsidiary")
        if values.get("tranDate") is None:
            values["tranDate"] = self.store.today()
        if fulfilling:
            if values.get("shipStatus") is None:
                values["shipStatus"] = "C"
            if "shipMethod" not in given:
                values["shipMethod"] = order.values.get("shipMethod")
            if "shippingAddress" not in given:
                record.subrecords["shippingAddress"] = _copy(
                    order.subrecords.get("shippingAddress")
                )
            return
        for name in _BILL_HEADER:
            if name not in given:
                values[name] = order.values.get(name)
                given.add(name)
        for name in ("billingAddress", "shippingAddress"):
            if name not in given:
                record.subrecords[name] = _copy(order.subrecords.get(name))
        # INFERRED codes: an invoice starts Open (A), a cash sale Not Deposited (B).
        values["status"] = "A" if record.rtype.name == "invoice" else "B"

    def _bill_amounts(self, ctx: RequestContext, order: Record, record: Record) -> None:
        values, given = record.values, record.given
        first = not self._earlier_bills(order)
        for name in ("shippingCost", "handlingCost"):
            if name not in given:
                values[name] = order.values.get(name) if first else None
        rate = values.get("discountRate")
        if values.get("discountItem") is not None and not first and not isinstance(rate, str):
            values["discountRate"] = None  # a fixed amount was taken off the first bill
        save = SaveContext(self.store, self.profile, "create", ctx.role)
        self.tax(save, record)
        compute_totals(record, self._precision(order))

    def _earlier_bills(self, order: Record) -> bool:
        marks = ", ".join("?" * len(_BILL_CODES))
        row = self.store.conn.execute(
            f'SELECT 1 FROM "transaction" WHERE createdfrom = ? AND type IN ({marks}) LIMIT 1',
            (order.id, *_BILL_CODES),
        ).fetchone()
        return row is not None

    def _precision(self, order: Record) -> int:
        row = self.store.conn.execute(
            "SELECT currencyprecision FROM currency WHERE id = ?", (order.values.get("currency"),)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 2

    # --- saving ---------------------------------------------------------------------

    def _save(self, record: Record, order: Record) -> int:
        code = str(record.rtype.discriminator[0][1])
        if not record.values.get("tranId"):
            record.values["tranId"] = self._next_number(code)
        record.id = self.store.next_id("transaction")
        for key, line in enumerate(record.lines("item"), start=1):
            line.key = key
        stamp = self.store.stamp()
        recordstore.save(self.store, record, created=stamp, modified=stamp, new=True)
        assert order.id is not None
        self.refresh(order.id)
        return record.id

    def _next_number(self, code: str) -> str:
        prefix = _NUMBER_PREFIX[code]
        highest = 0
        for (tranid,) in self.store.conn.execute(
            'SELECT tranid FROM "transaction" WHERE type = ? AND tranid LIKE ?',
            (code, prefix + "%"),
        ):
            suffix = str(tranid)[len(prefix) :]
            if suffix.isdecimal():
                highest = max(highest, int(suffix))
        return f"{prefix}{highest + 1}"


def _order_status(order: Record) -> str:
    """The order's status from what was fulfilled and billed of its open lines."""
    current = str(order.values.get("status") or "B")
    if current not in ("B", "D", "E", "F", "G"):
        return current  # pending approval, cancelled and closed orders stay so
    lines = [line.values for line in order.lines("item") if not line.values.get("isClosed")]
    if not lines:
        return current

    def count(values: dict[str, Any], name: str) -> Decimal:
        return values.get(name) or ZERO

    ships = [v for v in lines if v.get("itemType") in SHIPPING_ITEM_TYPES]
    if all(count(v, "quantityBilled") >= count(v, "quantity") for v in lines):
        return "G"
    if all(count(v, "quantityFulfilled") >= count(v, "quantity") for v in ships):
        return "F" if ships or any(count(v, "quantityBilled") for v in lines) else current
    if any(count(v, "quantityFulfilled") for v in ships):
        unbilled = any(count(v, "quantityFulfilled") > count(v, "quantityBilled") for v in ships)
        return "E" if unbilled else "D"
    return "B"


def _bad_order_line(pick: _Pick, value: object = None) -> dict[str, str]:
    shown = "null" if value is None else str(value)
    return invalid_field_value(shown, "orderline", f"item.items[{pick.index}].orderLine")


def _copy(address: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if address is None else dict(address)


def _number(stored: object) -> Decimal:
    return Decimal(repr(float(stored))) if isinstance(stored, int | float) else ZERO
