"""Expected vs actual Sales Order, field by field, in words and numbers people read.

Mismatch fields are readable paths (`lines[HOODIE-BLK-M].rate`, `shippingCost`, `taxTotal`,
`customer`, `orders.count`); amounts are Decimals, records are shown as `name (id)`. Money
fields match within a tolerance (a cent by default): WooCommerce rounds tax per line and
NetSuite may round at another level, so a one-cent drift is not a wrong landing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.landing.expected import ExpectedAddress, ExpectedLanding, ExpectedLine
from harness.landing.readback import ActualAddress, ActualLanding, ActualLine
from harness.landing.refdata import NamedRef, normalize_email
from harness.landing.verdict import Mismatch

DEFAULT_TOLERANCE = Decimal("0.01")
CUSTOM_PRICE_LEVEL = NamedRef("-1", "Custom")
ZERO = Decimal(0)
# Lines that carry no item amount of their own (INFERRED from NetSuite's item types).
_STRUCTURAL_ITEM_TYPES = frozenset({"subtotal", "description", "endgroup"})
_ADDRESS_PARTS = ("addr1", "city", "state", "zip", "country")


def _padded(value: Decimal | None, precision: int) -> Decimal | None:
    """An amount shown with at least the currency's decimals (44.1 -> 44.10), never rounded."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -precision:
        return value.quantize(Decimal(1).scaleb(-precision))
    return value


def _same_text(expected: str, actual: str) -> bool:
    """Text parts compared trimmed, blanks collapsed, case-insensitively."""
    return " ".join(expected.split()).casefold() == " ".join(actual.split()).casefold()


@dataclass
class _Comparison:
    expected: ExpectedLanding
    actual: ActualLanding
    tolerance: Decimal
    found: list[Mismatch]

    def add(self, field: str, expected: Any, actual: Any) -> None:
        self.found.append(Mismatch(field, expected, actual))

    def money(self, field: str, expected: Decimal, actual: Decimal | None) -> None:
        """Within tolerance; a field NetSuite leaves out counts as zero."""
        value = actual if actual is not None else ZERO
        if abs(expected - value) > self.tolerance:
            precision = self.expected.precision
            self.add(field, _padded(expected, precision), _padded(actual, precision))

    def ref(self, field: str, expected: NamedRef | None, actual: NamedRef | None) -> None:
        """Records compared by internal id when known, by name otherwise."""
        if expected is None:
            return
        if expected.id is not None:
            same = actual is not None and actual.id == expected.id
        else:
            same = actual is not None and _same_text(expected.name, actual.name)
        if not same:
            self.add(field, str(expected), None if actual is None else str(actual))


def compare(
    expected: ExpectedLanding,
    actual: ActualLanding,
    *,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> list[Mismatch]:
    """Every way `actual` differs from `expected`; empty when the order landed right."""
    check = _Comparison(expected, actual, tolerance, [])
    count = len(actual.order_ids)
    if count != expected.order_count:
        check.add("orders.count", expected.order_count, count)
    if not actual.found or not expected.should_sync:
        # Nothing to compare, or an order that must not exist at all: its count says it.
        return check.found
    _customer(check)
    check.ref("subsidiary", expected.subsidiary, actual.subsidiary)
    check.ref("currency", expected.currency, actual.currency)
    _lines(check)
    if expected.shipping_method is not None:
        check.ref("shipMethod", expected.shipping_method, actual.ship_method)
    check.money("shippingCost", expected.shipping_cost, actual.shipping_cost)
    check.ref("discountItem", expected.discount_item, actual.discount_item)
    check.money("discountTotal", expected.discount_total, actual.discount_total)
    check.money("taxTotal", expected.tax_total, actual.tax_total)
    if actual.total is None:
        check.add("total", _padded(expected.total, expected.precision), None)
    else:
        check.money("total", expected.total, actual.total)
    _address(check, "billingAddress", expected.billing_address, actual.billing_address)
    if expected.shipping_address is not None:
        _address(check, "shippingAddress", expected.shipping_address, actual.shipping_address)
    if actual.external_id != expected.external_id:
        check.add("externalId", expected.external_id, actual.external_id)
    if (actual.other_ref_num or "").strip() != expected.other_ref_num.strip():
        check.add("otherRefNum", expected.other_ref_num, actual.other_ref_num)
    _order_status(check)
    return check.found


# -- approval status -------------------------------------------------------------------------

# A Sales Order's status codes (reference salesorder-semantics 1.3: A and B CONFIRMED; the
# later ones as the sandbox's transforms follow them, INFERRED from the SOAP enum there).
ORDER_STATUSES = {
    "A": "Pending Approval",
    "B": "Pending Fulfillment",
    "C": "Cancelled",
    "D": "Partially Fulfilled",
    "E": "Pending Billing/Partially Fulfilled",
    "F": "Pending Billing",
    "G": "Billed",
    "H": "Closed",
}
_APPROVED = frozenset("BDEFG")  # approved, and as far as fulfilment and billing went since
# The names a status goes by besides its code: the one people see (`status` may read it), and
# SOAP's `SalesOrderOrderStatus` (reference salesorder-semantics 1.3), compared by letters.
_SOAP_NAMES = {
    "A": "pendingApproval",
    "B": "pendingFulfillment",
    "C": "cancelled",
    "D": "partiallyFulfilled",
    "E": "pendingBillingPartFulfilled",
    "F": "pendingBilling",
    "G": "fullyBilled",
    "H": "closed",
}


def _letters(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalpha())


_CODE_OF = {
    _letters(name): code
    for code in ORDER_STATUSES
    for name in (ORDER_STATUSES[code], _SOAP_NAMES[code])
}


def status_code(value: str | None) -> str | None:
    """`B`, from `B` or a name of it (`Pending Fulfillment`, `_pendingFulfillment`)."""
    text = (value or "").strip()
    return text.upper() if text.upper() in ORDER_STATUSES else _CODE_OF.get(_letters(text))


def _order_status(check: _Comparison) -> None:
    """The approval the mapping's order.order_status asks for: still pending approval (A),
    or approved (B, and the states fulfilment and billing move it on to)."""
    wanted = check.expected.order_status
    if wanted is None:
        return
    got = status_code(check.actual.order_status)
    if not (got in _APPROVED if wanted == "B" else got == wanted):
        shown = f"{got} ({ORDER_STATUSES[got]})" if got else check.actual.order_status
        check.add("orderStatus", f"{wanted} ({ORDER_STATUSES[wanted]})", shown)


# -- customer --------------------------------------------------------------------------------


def _customer(check: _Comparison) -> None:
    want, got = check.expected.customer, check.actual
    shown = str(got.customer.ref) if got.customer else (str(got.entity) if got.entity else None)
    if want.mode == "existing" and want.existing is not None:
        if got.entity is None or got.entity.id != want.existing.id:
            check.add("customer", str(want.existing.ref), shown)
    elif want.mode == "new":
        customer = got.customer
        if customer is None:
            if got.entity is None:
                check.add("customer", want.display, None)
        else:
            _new_customer(check, customer.email, customer.is_person, customer.subsidiary)
    if want.unique_email and len(got.customers_with_email) > 1:
        check.add("customers.count", 1, len(got.customers_with_email))


def _new_customer(
    check: _Comparison, email: str, is_person: bool | None, subsidiary: str | None
) -> None:
    want, customer = check.expected.customer, check.actual.customer
    assert customer is not None
    if normalize_email(email) != want.email:
        check.add("customer.email", want.email, email or None)
    if want.company and not _same_text(want.company, customer.company):
        check.add("customer.companyName", want.company, customer.company or None)
    if not want.company and is_person is not False:
        for name, wanted, held in (
            ("customer.firstName", want.first_name, customer.first_name),
            ("customer.lastName", want.last_name, customer.last_name),
        ):
            if wanted and not _same_text(wanted, held):
                check.add(name, wanted, held or None)
    sub = check.expected.subsidiary
    if sub is not None and sub.id is not None and subsidiary is not None and subsidiary != sub.id:
        check.add("customer.subsidiary", str(sub), subsidiary)


# -- lines -----------------------------------------------------------------------------------


def describe_line(item: NamedRef, quantity: Any, rate: Any, amount: Any, precision: int = 2) -> str:
    """`2 × 49.00 = 98.00 (HOODIE-BLK-M, item 101)`."""

    def shown(value: Any, pad: bool = True) -> str:
        if isinstance(value, Decimal):
            return format(_padded(value, precision) if pad else value.normalize(), "f")
        return "?" if value is None else str(value)

    names = ", ".join(p for p in (item.name, f"item {item.id}" if item.id else "") if p)
    return f"{shown(quantity, pad=False)} × {shown(rate)} = {shown(amount)} ({names})"


def _same_item(expected: ExpectedLine, actual: ActualLine) -> bool:
    if expected.item.id is not None and actual.item.id is not None:
        return expected.item.id == actual.item.id
    return _same_text(expected.item.name, actual.item.name)


def _close(check: _Comparison, expected: ExpectedLine, actual: ActualLine) -> bool:
    """Same quantity and rate (within tolerance): the line is probably this one."""
    return (
        actual.quantity == expected.quantity
        and actual.rate is not None
        and abs(actual.rate - expected.rate) <= check.tolerance
    )


def _pick(
    check: _Comparison, expected: ExpectedLine, pool: list[ActualLine], same_item: bool
) -> ActualLine | None:
    candidates = [a for a in pool if not same_item or _same_item(expected, a)]
    if not same_item:
        candidates = [a for a in candidates if _close(check, expected, a)]
    best = next((a for a in candidates if _close(check, expected, a)), None)
    chosen = best or (candidates[0] if candidates else None)
    if chosen is not None:
        pool.remove(chosen)
    return chosen


def _lines(check: _Comparison) -> None:
    """Lines matched order-insensitively: by item, then (for a wrong item) by quantity/rate."""
    precision = check.expected.precision
    pool = [
        line
        for line in check.actual.lines
        if line.item_type.replace(" ", "").lower() not in _STRUCTURAL_ITEM_TYPES
    ]
    pairs: list[tuple[ExpectedLine, ActualLine]] = []
    unmatched: list[ExpectedLine] = []
    for expected in check.expected.lines:
        actual = _pick(check, expected, pool, same_item=True)
        if actual is None:
            unmatched.append(expected)
        else:
            pairs.append((expected, actual))
    for expected in unmatched:
        actual = _pick(check, expected, pool, same_item=False)
        if actual is None:
            check.add(
                f"lines[{expected.key}]",
                describe_line(
                    expected.item, expected.quantity, expected.rate, expected.amount, precision
                ),
                None,
            )
        else:
            check.add(f"lines[{expected.key}].item", str(expected.item), str(actual.item))
            pairs.append((expected, actual))
    for expected, actual in pairs:
        _line(check, expected, actual)
    for extra in pool:
        check.add(
            f"lines[{extra.item.name or 'item ' + str(extra.item.id)}]",
            None,
            describe_line(extra.item, extra.quantity, extra.rate, extra.amount, precision),
        )


def _line(check: _Comparison, expected: ExpectedLine, actual: ActualLine) -> None:
    key = f"lines[{expected.key}]"
    if actual.quantity != expected.quantity:
        check.add(f"{key}.quantity", expected.quantity, actual.quantity)
    if actual.rate is None or abs(actual.rate - expected.rate) > check.tolerance:
        check.add(
            f"{key}.rate",
            _padded(expected.rate, check.expected.precision),
            _padded(actual.rate, check.expected.precision),
        )
    check.money(f"{key}.amount", expected.amount, actual.amount)
    # Any price level but Custom (-1) re-sources the rate from NetSuite's price list
    # (reference 6); a line whose level NetSuite does not show is not judged on it.
    level = actual.price_level
    if check.expected.price_level_custom and level is not None and level.id != "-1":
        check.add(f"{key}.priceLevel", str(CUSTOM_PRICE_LEVEL), str(level))


# -- addresses -------------------------------------------------------------------------------


def format_address(address: ExpectedAddress | ActualAddress) -> str:
    city_line = " ".join(p for p in (address.city, address.state, address.zip) if p)
    return ", ".join(p for p in (address.addr1, city_line, address.country) if p)


def _address(
    check: _Comparison, field: str, expected: ExpectedAddress, actual: ActualAddress | None
) -> None:
    if expected.empty:
        return
    if actual is None:
        check.add(field, format_address(expected), None)
        return
    for part in _ADDRESS_PARTS:
        wanted, held = getattr(expected, part), getattr(actual, part)
        # The state is compared as sent (its code): REST keeps the text it was given (INFERRED).
        if not _same_text(wanted, held):
            check.add(f"{field}.{part}", wanted or None, held or None)


# -- rendering -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format(value, "f")
    return " ".join(str(value).split())


def render_diff(mismatches: Iterable[Mismatch], *, width: int = 48) -> str:
    """An aligned `field / expected / actual` table; cells wider than `width` wrap."""
    rows = [(m.field, _cell(m.expected), _cell(m.actual)) for m in mismatches]
    if not rows:
        return "no mismatches"
    header = ("field", "expected", "actual")
    wrapped = [[textwrap.wrap(cell, width) or [""] for cell in row] for row in [header, *rows]]
    widths = [max(len(line) for row in wrapped for line in row[i]) for i in range(3)]
    out: list[str] = []
    for index, row in enumerate(wrapped):
        for depth in range(max(len(cell) for cell in row)):
            parts = [cell[depth] if depth < len(cell) else "" for cell in row]
            out.append(_join(parts, widths))
        if index == 0:
            out.append(_join(["-" * w for w in widths], widths))
    return "\n".join(out)


def _join(parts: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(part.ljust(w) for part, w in zip(parts, widths, strict=True)).rstrip()
