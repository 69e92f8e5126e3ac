"""The lines an order's Sales Order must have, and what keeps them from landing.

Products at price level Custom with WooCommerce's pre-discount unit price `subtotal/quantity`
(coupons are the header discount, not the lines' business), or its price after coupons
`total/quantity` when the mapping declares net pricing; fees as lines of the mapping's
fee item; WooCommerce's tax as one line of the pass-through item when the mapping says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from harness.landing.expected import ExpectedLine, ExpectedProblem
from harness.landing.mapping_reading import item_for_line, nets_coupons
from harness.landing.refdata import NamedRef, ReferenceData, outside
from harness.landing.verdict import Category
from harness.mapping import Mapping
from harness.money import round_half_up
from harness.woo.order import WooOrder

# NetSuite keeps a line rate to 8 decimals (INFERRED from the UI's rate field); amounts are
# rounded to the currency's precision.
RATE_PLACES = 8


def unit_rate(amount: Decimal, quantity: Decimal, precision: int) -> Decimal:
    """A line's rate: at currency precision when exact, else to NetSuite's 8 decimals."""
    exact = amount / quantity
    at_precision = round_half_up(exact, precision)
    if at_precision == exact:
        return at_precision
    return round_half_up(exact, RATE_PLACES)


def unique_keys(lines: list[ExpectedLine]) -> tuple[ExpectedLine, ...]:
    """Lines named once each: a repeated key gets `#2`, `#3`, ..."""
    totals = Counter(line.key for line in lines)
    seen: Counter[str] = Counter()
    named: list[ExpectedLine] = []
    for line in lines:
        seen[line.key] += 1
        if totals[line.key] > 1 and seen[line.key] > 1:
            line = replace(line, key=f"{line.key}#{seen[line.key]}")
        named.append(line)
    return tuple(named)


class PartsBuilder:
    """Collects the parts of one order's expectation and the problems found on the way."""

    def __init__(self, order: WooOrder, mapping: Mapping, lookups: ReferenceData) -> None:
        self.order = order
        self.mapping = mapping
        self.lookups = lookups
        self.problems: list[ExpectedProblem] = []

    def problem(
        self, category: Category, fld: str, summary: str, hint: str, store_hint: str | None = None
    ) -> None:
        """`hint` may name the mapping's keys; `store_hint` says the same without them, for
        a connector the harness does not own (None: `hint` already does)."""
        self.problems.append(ExpectedProblem(category, fld, summary, hint, store_hint))


class LinesBuilder(PartsBuilder):
    """The product, fee and pass-through tax lines of one order's expectation."""

    def product_lines(self, subsidiary: NamedRef | None, precision: int) -> list[ExpectedLine]:
        order, mapping = self.order, self.mapping
        names = [item_for_line(mapping, line) for line in order.line_items]
        refs = self.lookups.items(names)
        lines: list[ExpectedLine] = []
        for index, (line, name) in enumerate(zip(order.line_items, names, strict=True)):
            label = name or line.name or f"line {index + 1}"
            fld = f"lines[{label}]"
            ref = refs.get(name)
            if not name:
                self.problem(
                    "item-mapping",
                    fld,
                    f"'{line.name}' (product {line.product_id}) has no SKU to find its "
                    "NetSuite item by.",
                    f"Give the product a SKU equal to the NetSuite item's Item Name/Number, or "
                    f"map product {line.product_id} under items.products in the mapping.",
                    f"Give '{line.name}' (WooCommerce product {line.product_id}) a SKU equal to "
                    "the NetSuite item's Item Name/Number.",
                )
            elif ref is None:
                where = (
                    f"variation {line.variation_id} under items.variations"
                    if line.variation_id
                    else f"product {line.product_id} under items.products"
                )
                which = (
                    f"variation {line.variation_id}" if line.variation_id else "product"
                ) + f" '{line.name}'"
                self.problem(
                    "item-mapping",
                    fld,
                    f"SKU {name} ('{line.name}') has no NetSuite item.",
                    f"Create an item with Item Name/Number '{name}' in NetSuite, or map {where} "
                    "to an existing item.",
                    f"Create an item with Item Name/Number '{name}' in NetSuite (Lists > "
                    f"Accounting > Items), or give WooCommerce's {which} the SKU of an "
                    "existing item.",
                )
            elif not ref.active:
                self.problem(
                    "item-mapping",
                    fld,
                    f"Item {name} ({ref.id}) is inactive in NetSuite.",
                    f"Reactivate item {name} in NetSuite (clear 'Inactive'), or stop selling "
                    "it in WooCommerce.",
                )
            elif outside(subsidiary, ref.subsidiaries):
                self.problem(
                    "item-mapping",
                    fld,
                    f"Item {name} ({ref.id}) is not available to subsidiary {subsidiary}.",
                    f"Add subsidiary '{subsidiary.name}' to item {name}'s Subsidiary field in "
                    f"NetSuite, or don't sell it in {order.currency}.",
                )
            quantity = Decimal(line.quantity)
            net_rate = unit_rate(line.total, quantity, precision)
            rate = (
                net_rate if nets_coupons(mapping) else unit_rate(line.subtotal, quantity, precision)
            )
            lines.append(
                ExpectedLine(
                    key=label,
                    item=NamedRef(ref.id if ref else None, name or label),
                    quantity=quantity,
                    rate=rate,
                    amount=round_half_up(quantity * rate, precision),
                    source=f"line_items[{index}]",
                    description=line.name,
                    net_rate=net_rate,
                )
            )
        return lines

    def fee_lines(self, precision: int) -> list[ExpectedLine]:
        order = self.order
        if not order.fee_lines:
            return []
        name = self.mapping.fees.item or ""
        ref = self.lookups.item(name) if name else None
        if ref is None:
            self.problem(
                "item-mapping",
                "fees",
                f"The order has fees, but the fee item '{name or '(none)'}' is not a NetSuite "
                "item.",
                "Set fees.item in the mapping to an existing other-charge item.",
                "Create an other-charge item for fees in NetSuite and send WooCommerce's fee "
                "lines as lines of that item.",
            )
        item = NamedRef(ref.id if ref else None, name or "(fee item)")
        return [
            ExpectedLine(
                key=f"fee:{fee.name}",
                item=item,
                quantity=Decimal(1),
                rate=round_half_up(fee.total, precision),
                amount=round_half_up(fee.total, precision),
                kind="fee",
                source=f"fee_lines[{index}]",
                description=fee.name,
            )
            for index, fee in enumerate(order.fee_lines)
        ]

    def pass_through_line(self, tax_total: Decimal, precision: int) -> list[ExpectedLine]:
        name = self.mapping.tax.pass_through_item or ""
        if not tax_total:
            return []
        ref = self.lookups.item(name)
        if ref is None:
            self.problem(
                "tax",
                "lines[tax]",
                f"Tax is carried as a line of '{name}', which is not a NetSuite item.",
                "Set tax.pass_through_item in the mapping to an existing non-taxable "
                "non-inventory item.",
            )
        return [
            ExpectedLine(
                key="tax",
                item=NamedRef(ref.id if ref else None, name),
                quantity=Decimal(1),
                rate=round_half_up(tax_total, precision),
                amount=round_half_up(tax_total, precision),
                kind="tax",
                source="total_tax",
            )
        ]
