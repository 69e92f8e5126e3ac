"""What NetSuite actually holds for a WooCommerce order, read the way any client would.

Three requests at most: one SuiteQL finds every Sales Order carrying the order's externalId
or PO # (more than one is a finding: a duplicate), one GET with `expandSubResources=true`
reads the order with its lines and addresses, and one SuiteQL reads the customers sharing the
order's email (more than one is a finding: a duplicate customer) plus the order's customer.

NetSuite spells some field names inconsistently (`shippingAddress`, `billingaddress`,
`currencysymbol`), so every lookup into a record is case-insensitive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from harness.landing.refdata import (
    CustomerRef,
    NamedRef,
    QueryClient,
    customer_from_row,
    customer_query,
    normalize_email,
    sql_text,
)
from harness.netsuite.errors import NetSuiteError


class RecordClient(QueryClient, Protocol):
    """What the readback needs from a NetSuite client."""

    def get(
        self, record_type: str, record_id: str | int, *, expand: bool = False
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ActualLine:
    """One item line as NetSuite holds it."""

    item: NamedRef
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal | None
    price_level: NamedRef | None = None
    line: str | None = None
    item_type: str = ""
    description: str = ""
    tax_code: NamedRef | None = None


@dataclass(frozen=True)
class ActualAddress:
    addr1: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""


@dataclass(frozen=True)
class ActualLanding:
    """The Sales Order(s) NetSuite holds for one WooCommerce order, and its customer."""

    order_ids: tuple[str, ...] = ()
    sales_order_id: str | None = None
    entity: NamedRef | None = None
    customer: CustomerRef | None = None
    customers_with_email: tuple[CustomerRef, ...] = ()
    subsidiary: NamedRef | None = None
    currency: NamedRef | None = None
    lines: tuple[ActualLine, ...] = ()
    ship_method: NamedRef | None = None
    shipping_cost: Decimal | None = None
    discount_item: NamedRef | None = None
    discount_total: Decimal | None = None
    tax_total: Decimal | None = None
    tax_item: NamedRef | None = None
    tax_rate: Decimal | None = None
    subtotal: Decimal | None = None
    total: Decimal | None = None
    billing_address: ActualAddress | None = None
    shipping_address: ActualAddress | None = None
    external_id: str | None = None
    other_ref_num: str | None = None
    order_status: str | None = None
    record: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def found(self) -> bool:
        return self.sales_order_id is not None


# -- reading JSON the way NetSuite writes it -----------------------------------------------


class _Fields:
    """A record's fields looked up case-insensitively."""

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        self._data = {str(k).lower(): v for k, v in (data or {}).items()}

    def __call__(self, *names: str) -> Any:
        for name in names:
            value = self._data.get(name.lower())
            if value is not None:
                return value
        return None

    def sub(self, *names: str) -> _Fields:
        value = self(*names)
        return _Fields(value if isinstance(value, Mapping) else None)

    def __bool__(self) -> bool:
        return bool(self._data)


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number or numeric string as an exact Decimal (floats by their shortest repr)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def to_ref(value: Any) -> NamedRef | None:
    """A reference (`{"id": "7", "refName": "UPS Ground"}`) or a bare id."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        fields = _Fields(value)
        ref_id, name = fields("id"), fields("refName")
        if ref_id is None and name is None:
            return None
        return NamedRef(None if ref_id is None else str(ref_id), "" if name is None else str(name))
    if isinstance(value, str | int) and not isinstance(value, bool):
        return NamedRef(str(value), "")
    return None


def _percent(value: Any) -> Decimal | None:
    """A rate NetSuite may show as `8.875` or `"8.875%"`."""
    return to_decimal(value.strip().rstrip("%") if isinstance(value, str) else value)


def _text(value: Any) -> str:
    """A text field, or a select field's id (`{"id": "US", "refName": "United States"}`)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        ref = to_ref(value)
        return ref.id or ref.name if ref else ""
    return str(value).strip()


def _address(fields: _Fields) -> ActualAddress | None:
    if not fields or fields("addr1", "city", "zip", "country") is None:
        return None
    return ActualAddress(
        addr1=_text(fields("addr1")),
        city=_text(fields("city")),
        state=_text(fields("state")) or _text(fields("dropdownstate")),
        zip=_text(fields("zip")),
        country=_text(fields("country")),
    )


def _lines(fields: _Fields) -> tuple[ActualLine, ...]:
    sublist = fields("item")
    raw = sublist.get("items") if isinstance(sublist, Mapping) else sublist
    if not isinstance(raw, list):
        return ()
    lines: list[ActualLine] = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        line = _Fields(entry)
        item = to_ref(line("item"))
        if item is None:
            continue  # subtotal and description lines carry no item
        lines.append(
            ActualLine(
                item=item,
                quantity=to_decimal(line("quantity")),
                rate=to_decimal(line("rate")),
                amount=to_decimal(line("amount")),
                price_level=to_ref(line("price")),
                line=None if line("line") is None else str(line("line")),
                item_type=_text(line("itemType")),
                description=_text(line("description")),
                tax_code=to_ref(line("taxCode")),
            )
        )
    return tuple(lines)


def parse_sales_order(record: Mapping[str, Any]) -> ActualLanding:
    """The compared parts of a `GET salesOrder/<id>?expandSubResources=true` answer."""
    fields = _Fields(record)
    return ActualLanding(
        sales_order_id=None if fields("id") is None else str(fields("id")),
        entity=to_ref(fields("entity")),
        subsidiary=to_ref(fields("subsidiary")),
        currency=to_ref(fields("currency")),
        lines=_lines(fields),
        ship_method=to_ref(fields("shipMethod")),
        shipping_cost=to_decimal(fields("shippingCost", "altShippingCost")),
        discount_item=to_ref(fields("discountItem")),
        discount_total=to_decimal(fields("discountTotal")),
        tax_total=to_decimal(fields("taxTotal")),
        tax_item=to_ref(fields("taxItem")),
        tax_rate=_percent(fields("taxRate")),
        subtotal=to_decimal(fields("subtotal")),
        total=to_decimal(fields("total")),
        billing_address=_address(fields.sub("billingAddress")),
        shipping_address=_address(fields.sub("shippingAddress")),
        external_id=_text(fields("externalId")) or None,
        other_ref_num=_text(fields("otherRefNum")) or None,
        order_status=_text(fields("orderStatus", "status")) or None,
        record=record,
    )


# -- the readback ----------------------------------------------------------------------------


def find_orders(client: QueryClient, external_id: str, other_ref_num: str) -> list[dict[str, str]]:
    """Every Sales Order carrying the externalId or the PO #, oldest first."""
    conditions = [f"externalid = {sql_text(external_id)}"] if external_id else []
    if other_ref_num:
        conditions.append(f"otherrefnum = {sql_text(other_ref_num)}")
    if not conditions:
        return []
    return client.suiteql_all(
        "SELECT id, externalid, otherrefnum FROM transaction WHERE type = 'SalesOrd' AND "
        f"({' OR '.join(conditions)}) ORDER BY id"
    )


def _primary(rows: list[dict[str, str]], external_id: str, hint: str | None) -> str | None:
    ids = [str(row["id"]) for row in rows]
    if hint in ids:
        return hint
    by_eid = [str(row["id"]) for row in rows if row.get("externalid") == external_id]
    candidates = by_eid or ids
    return candidates[0] if candidates else None


def readback(
    client: RecordClient,
    *,
    external_id: str,
    other_ref_num: str = "",
    email: str = "",
    sales_order_id: str | None = None,
) -> ActualLanding:
    """Find, read and describe the Sales Order(s) of one WooCommerce order.

    `sales_order_id` is what the connector said it created: read even when neither reference
    number finds it (then the reference numbers are what landed wrong), ignored when NetSuite
    has no such order.
    """
    rows = find_orders(client, external_id, other_ref_num)
    order_ids = [str(row["id"]) for row in rows]
    primary = _primary(rows, external_id, sales_order_id)
    record: dict[str, Any] | None = None
    if primary is not None:
        record = client.get("salesOrder", primary, expand=True)
    elif sales_order_id:
        try:
            record = client.get("salesOrder", sales_order_id, expand=True)
        except NetSuiteError as error:
            # 404, or 400 "Transaction type specified is incorrect." for a transaction id of
            # another type: the connector's id names no Sales Order.
            if error.status not in (400, 404):
                raise
        else:
            order_ids.append(sales_order_id)
    actual = parse_sales_order(record) if record is not None else ActualLanding()
    customers, entity_customer = _customers(client, email, actual.entity)
    return replace(
        actual,
        order_ids=tuple(order_ids),
        customer=entity_customer,
        customers_with_email=customers,
    )


def _customers(
    client: QueryClient, email: str, entity: NamedRef | None
) -> tuple[tuple[CustomerRef, ...], CustomerRef | None]:
    normalized = normalize_email(email)
    conditions = [f"LOWER(email) = {sql_text(normalized)}"] if normalized else []
    entity_id = entity.id if entity and entity.id and entity.id.lstrip("-").isdecimal() else None
    if entity_id:
        conditions.append(f"id = {entity_id}")
    if not conditions:
        return (), None
    rows = client.suiteql_all(customer_query(" OR ".join(conditions)))
    refs = [customer_from_row(row) for row in rows]
    sharing = tuple(
        ref for ref in refs if ref.active and normalize_email(ref.email) == normalized != ""
    )
    return sharing, next((ref for ref in refs if ref.id == entity_id), None)
