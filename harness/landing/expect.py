"""What NetSuite should hold after an order is pushed, from WooCommerce's numbers alone.

The expectation is computed from the order, the mapping's *data* (which SKU is which item,
which shipping method is which ship item, which currency goes to which subsidiary) and the
account's reference data, never from a connector's code: a connector checked against its
own logic proves nothing. The model is the one the mapping describes:

- product lines at price level Custom with the pre-discount unit price `subtotal/quantity`;
- coupons as ONE header discount item worth `-discount_total` (NetSuite allows one);
- fees as lines of the mapping's fee item; shipping as header ship method + cost;
- tax total = WooCommerce `total_tax` (0 for exempt orders), total = WooCommerce `total`.

What the mapping or the account cannot do for this order (a SKU with no item, an unmapped
shipping method, two customers sharing the email, ...) is listed in `problems`: such an
order is expected to be refused, and the problem explains the refusal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from harness.connector.interpret import item_name_for, render, template_values
from harness.landing.refdata import (
    CustomerRef,
    NamedRef,
    ReferenceData,
    normalize_email,
)
from harness.landing.verdict import Category
from harness.mapping import Mapping
from harness.woo.order import Address, WooOrder

# NetSuite keeps a line rate to 8 decimals (INFERRED from the UI's rate field); amounts are
# rounded to the currency's precision.
RATE_PLACES = 8
ZERO = Decimal(0)

LineKind = Literal["product", "fee", "tax"]
CustomerMode = Literal["existing", "new", "ambiguous"]


def money(amount: Decimal, precision: int) -> Decimal:
    """`amount` at the currency's precision, half-up (0.005 -> 0.01)."""
    return amount.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def unit_rate(amount: Decimal, quantity: Decimal, precision: int) -> Decimal:
    """A line's rate: at currency precision when exact, else to NetSuite's 8 decimals."""
    exact = amount / quantity
    at_precision = money(exact, precision)
    if at_precision == exact:
        return at_precision
    return exact.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExpectedLine:
    """One Sales Order line that must exist."""

    key: str  # how mismatches name the line: the SKU, `fee:<name>`, `tax`
    item: NamedRef  # itemId and internal id (id None when the item does not resolve)
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    kind: LineKind = "product"
    source: str = ""  # where in the WooCommerce order, e.g. `line_items[0]`
    description: str = ""


@dataclass(frozen=True)
class ExpectedAddress:
    addr1: str
    city: str
    state: str
    zip: str
    country: str

    @classmethod
    def of(cls, address: Address) -> ExpectedAddress:
        return cls(
            addr1=address.address_1.strip(),
            city=address.city.strip(),
            state=address.state.strip(),
            zip=address.postcode.strip(),
            country=str(address.country).strip(),
        )

    @property
    def empty(self) -> bool:
        return not (self.addr1 or self.city)


@dataclass(frozen=True)
class ExpectedCustomer:
    """The Sales Order's customer: an existing one, a new one, or none (ambiguous email)."""

    mode: CustomerMode
    email: str  # normalized
    existing: CustomerRef | None = None
    candidates: tuple[CustomerRef, ...] = ()
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    external_id: str | None = None
    unique_email: bool = True  # after the push, exactly one customer may have this email

    @property
    def display(self) -> str:
        if self.existing is not None:
            return str(self.existing.ref)
        if self.mode == "ambiguous":
            ids = ", ".join(c.id for c in self.candidates)
            return f"none: {len(self.candidates)} customers share {self.email} ({ids})"
        name = self.company or f"{self.first_name} {self.last_name}".strip()
        return f"a new customer {name} <{self.email}>"


@dataclass(frozen=True)
class ExpectedTaxCode:
    """A WooCommerce tax rate and the NetSuite tax code the mapping sends it as."""

    rate_code: str
    woo_percent: Decimal | None
    code: NamedRef | None
    netsuite_rate: Decimal | None


@dataclass(frozen=True)
class ExpectedProblem:
    """Why this order cannot land as it is: the mapping or the account lacks something."""

    category: Category
    field: str
    summary: str
    hint: str


@dataclass(frozen=True)
class ExpectedLanding:
    """The Sales Order a WooCommerce order must become (or the reason it must not)."""

    order: str
    status: str
    should_sync: bool
    sync_statuses: tuple[str, ...]
    customer: ExpectedCustomer
    subsidiary: NamedRef | None
    currency: NamedRef | None
    precision: int
    lines: tuple[ExpectedLine, ...]
    shipping_method: NamedRef | None
    shipping_cost: Decimal
    discount_item: NamedRef | None
    discount_total: Decimal  # negative: the header discount NetSuite shows
    tax_total: Decimal
    total: Decimal
    billing_address: ExpectedAddress
    shipping_address: ExpectedAddress | None  # None: WooCommerce has none, not compared
    external_id: str
    other_ref_num: str
    price_level_custom: bool = True
    woo_shipping_methods: tuple[str, ...] = ()
    tax_codes: tuple[ExpectedTaxCode, ...] = ()
    tax_strategy: str = "tax-code"
    email: str = ""
    problems: tuple[ExpectedProblem, ...] = field(default_factory=tuple)

    @property
    def should_land(self) -> bool:
        """Synced by the mapping's rules and nothing in the way."""
        return self.should_sync and not self.problems

    @property
    def order_count(self) -> int:
        """Sales Orders that must exist for this WooCommerce order: exactly 1, or 0."""
        return 1 if self.should_land else 0

    def line(self, key: str) -> ExpectedLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def item_name(self, item_id: str) -> str | None:
        """The itemId of an expected line's item, by internal id (for messages)."""
        return next((ln.item.name for ln in self.lines if ln.item.id == item_id), None)


# -- reference numbers -------------------------------------------------------------------------


def reference_numbers(order: WooOrder, mapping: Mapping, prefix: str = "") -> tuple[str, str]:
    """(externalId, otherRefNum) the mapping gives this order's Sales Order."""
    values = template_values(order, prefix)
    return render(mapping.order.external_id, values), render(mapping.order.other_ref_num, values)


# -- batching ------------------------------------------------------------------------------


def prefetch(orders: Iterable[WooOrder], mapping: Mapping, lookups: ReferenceData) -> None:
    """Resolve every name a batch of orders uses with one query per kind."""
    orders = list(orders)
    item_names = {item_name_for(line, mapping) for o in orders for line in o.line_items}
    item_names |= {n for n in (mapping.fees.item, mapping.discounts.item) if n}
    if mapping.tax.pass_through_item:
        item_names.add(mapping.tax.pass_through_item)
    lookups.items(item_names)
    ship_names = {
        mapping.ship_item_for(line.method_id) for o in orders for line in o.shipping_lines
    }
    lookups.ship_items(name for name in ship_names if name)
    tax_names = {mapping.tax_code_for(t.rate_code) for o in orders for t in o.tax_lines}
    tax_names.add(mapping.tax.exempt_code)
    lookups.tax_codes(name for name in tax_names if name)
    lookups.customers(o.billing.email or "" for o in orders)
    lookups.currencies()
    lookups.subsidiaries()


# -- the expectation -------------------------------------------------------------------------


class _Builder:
    """Collects the expectation's parts and the problems found on the way."""

    def __init__(self, order: WooOrder, mapping: Mapping, lookups: ReferenceData) -> None:
        self.order = order
        self.mapping = mapping
        self.lookups = lookups
        self.problems: list[ExpectedProblem] = []

    def problem(self, category: Category, fld: str, summary: str, hint: str) -> None:
        self.problems.append(ExpectedProblem(category, fld, summary, hint))

    # -- routing -------------------------------------------------------------------------

    def currency(self) -> tuple[NamedRef | None, int]:
        order = self.order
        found = self.lookups.currency(order.currency)
        if found is None:
            self.problem(
                "validation-rule",
                "currency",
                f"Currency {order.currency} does not exist in NetSuite.",
                f"Add {order.currency} in NetSuite (Lists > Accounting > Currencies, with "
                "Multiple Currencies enabled), or don't sell in it.",
            )
            return NamedRef(None, order.currency), order.dp
        return found.ref, found.precision

    def subsidiary(self) -> NamedRef | None:
        order, routing = self.order, self.mapping.subsidiaries
        sub_id = self.mapping.subsidiary_for(order.currency, order.billing.country)
        key = order.currency if routing.by == "currency" else str(order.billing.country)
        if sub_id is None:
            self.problem(
                "required-field",
                "subsidiary",
                f"No subsidiary for {routing.by} {key}: the mapping has no route and no default.",
                f"Add '{key}: <subsidiary id>' under subsidiaries.routes in the mapping, or set "
                "subsidiaries.default.",
            )
            return None
        found = self.lookups.subsidiary(sub_id)
        if found is None:
            self.problem(
                "required-field",
                "subsidiary",
                f"The mapping routes {key} to subsidiary {sub_id}, which does not exist.",
                f"Fix subsidiaries.routes[{key}] in the mapping: use an existing subsidiary id.",
            )
            return NamedRef(str(sub_id), "")
        return found.ref

    # -- customer ------------------------------------------------------------------------

    def customer(self) -> ExpectedCustomer:
        order, rules = self.order, self.mapping.customer
        billing = order.billing
        email = normalize_email(billing.email)
        new = ExpectedCustomer(
            "new",
            email,
            first_name=billing.first_name.strip(),
            last_name=billing.last_name.strip(),
            company=billing.company.strip(),
        )
        if order.is_guest and rules.guests == "default-customer":
            return self._default_customer(email, rules.guest_customer or "")
        if rules.match == "external-id" and not order.is_guest:
            eid = render(rules.external_id_template, template_values(order))
            found = self.lookups.customer_by_external_id(eid)
            return replace(
                new,
                mode="existing" if found else "new",
                existing=found,
                external_id=eid,
                unique_email=False,
            )
        if not email:
            self.problem(
                "customer-match",
                "customer",
                "The order has no billing email, so no customer can be matched or created.",
                "Make the billing email required at checkout, or map guests to a default "
                "customer (customer.guests: default-customer).",
            )
            return replace(new, unique_email=False)
        candidates = self.lookups.customers_with_email(email)
        if len(candidates) > 1 and rules.on_multiple_matches == "fail":
            listed = ", ".join(str(c.ref) for c in candidates)
            self.problem(
                "customer-match",
                "customer",
                f"{len(candidates)} NetSuite customers share the email {email}: {listed}.",
                "Merge the duplicate customers in NetSuite (or give them distinct emails); the "
                "mapping refuses to guess (customer.on_multiple_matches: fail).",
            )
            return replace(new, mode="ambiguous", candidates=candidates, unique_email=False)
        if candidates:
            # on_multiple_matches: first takes the oldest record, the lowest id (INFERRED).
            return replace(
                new,
                mode="existing",
                existing=candidates[0],
                candidates=candidates,
                unique_email=len(candidates) == 1,
            )
        return new

    def _default_customer(self, email: str, key: str) -> ExpectedCustomer:
        if key.startswith("eid:") or not key.isdigit():
            eid = key.removeprefix("eid:")
            found = self.lookups.customer_by_external_id(eid)
            if found is None:
                self.problem(
                    "customer-match",
                    "customer",
                    f"The guest customer (externalId {eid}) does not exist in NetSuite.",
                    "Create the default guest customer, or fix customer.guest_customer.",
                )
            return ExpectedCustomer(
                "existing" if found else "new", email, found, external_id=eid, unique_email=False
            )
        return ExpectedCustomer(
            "existing", email, CustomerRef(id=key, email=""), unique_email=False
        )

    # -- lines ---------------------------------------------------------------------------

    def product_lines(self, subsidiary: NamedRef | None, precision: int) -> list[ExpectedLine]:
        order, mapping = self.order, self.mapping
        names = [item_name_for(line, mapping) for line in order.line_items]
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
                )
            elif ref is None:
                where = (
                    f"variation {line.variation_id} under items.variations"
                    if line.variation_id
                    else f"product {line.product_id} under items.products"
                )
                self.problem(
                    "item-mapping",
                    fld,
                    f"SKU {name} ('{line.name}') has no NetSuite item.",
                    f"Create an item with Item Name/Number '{name}' in NetSuite, or map {where} "
                    "to an existing item.",
                )
            elif not ref.active:
                self.problem(
                    "item-mapping",
                    fld,
                    f"Item {name} ({ref.id}) is inactive in NetSuite.",
                    f"Reactivate item {name} in NetSuite (clear 'Inactive'), or stop selling "
                    "it in WooCommerce.",
                )
            elif (
                subsidiary
                and subsidiary.id
                and ref.subsidiaries
                and (subsidiary.id not in ref.subsidiaries)
            ):
                self.problem(
                    "item-mapping",
                    fld,
                    f"Item {name} ({ref.id}) is not available to subsidiary {subsidiary}.",
                    f"Add subsidiary '{subsidiary.name}' to item {name}'s Subsidiary field in "
                    f"NetSuite, or don't sell it in {order.currency}.",
                )
            quantity = Decimal(line.quantity)
            rate = unit_rate(line.subtotal, quantity, precision)
            lines.append(
                ExpectedLine(
                    key=label,
                    item=NamedRef(ref.id if ref else None, name or label),
                    quantity=quantity,
                    rate=rate,
                    amount=money(quantity * rate, precision),
                    source=f"line_items[{index}]",
                    description=line.name,
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
            )
        item = NamedRef(ref.id if ref else None, name or "(fee item)")
        return [
            ExpectedLine(
                key=f"fee:{fee.name}",
                item=item,
                quantity=Decimal(1),
                rate=money(fee.total, precision),
                amount=money(fee.total, precision),
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
                rate=money(tax_total, precision),
                amount=money(tax_total, precision),
                kind="tax",
                source="total_tax",
            )
        ]

    # -- shipping, discount, tax -----------------------------------------------------------

    def shipping(self, subsidiary: NamedRef | None) -> NamedRef | None:
        order = self.order
        if not order.shipping_lines:
            return None
        first = order.shipping_lines[0]
        unmapped = [
            line
            for line in order.shipping_lines
            if self.mapping.ship_item_for(line.method_id) is None
        ]
        if unmapped:
            line = unmapped[0]
            self.problem(
                "shipping",
                "shipMethod",
                f"Shipping method {line.method_id} ('{line.method_title}') has no NetSuite ship "
                "item in the mapping.",
                f"Map {line.method_id} to a ship item under shipping.methods in the mapping (or "
                "set shipping.default).",
            )
            return None
        name = self.mapping.ship_item_for(first.method_id) or ""
        ref = self.lookups.ship_item(name)
        if ref is None:
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' (for {first.method_id}) does not exist in NetSuite.",
                f"Create the shipping item '{name}' in NetSuite, or map {first.method_id} to an "
                "existing one under shipping.methods.",
            )
            return NamedRef(None, name)
        if not ref.active:
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' ({ref.id}) is inactive in NetSuite.",
                f"Reactivate the shipping item '{name}', or map {first.method_id} to another.",
            )
        elif (
            subsidiary
            and subsidiary.id
            and ref.subsidiaries
            and (subsidiary.id not in ref.subsidiaries)
        ):
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' ({ref.id}) is not available to subsidiary {subsidiary}.",
                f"Add subsidiary '{subsidiary.name}' to the shipping item '{name}', or map "
                f"{first.method_id} to a ship item of that subsidiary.",
            )
        return ref.ref

    def discount(self) -> NamedRef | None:
        if not self.order.discount_total:
            return None
        name = self.mapping.discounts.item or ""
        ref = self.lookups.item(name) if name else None
        if ref is None:
            codes = ", ".join(c.code for c in self.order.coupon_lines) or "a discount"
            self.problem(
                "discount",
                "discountItem",
                f"The order has coupons ({codes}) but the discount item '{name or '(none)'}' is "
                "not a NetSuite item.",
                "Set discounts.item in the mapping to an existing discount item (type Discount, "
                "Apply Before Sales Tax).",
            )
            return NamedRef(None, name or "(discount item)")
        return ref.ref

    def tax_codes(self) -> list[ExpectedTaxCode]:
        order, rules = self.order, self.mapping.tax
        if rules.strategy != "tax-code":
            return []
        wanted: list[tuple[str, Decimal | None, str | None]] = [
            (t.rate_code, _percent(t.rate_percent), self.mapping.tax_code_for(t.rate_code))
            for t in order.tax_lines
            if t.tax_total or t.shipping_tax_total
        ]
        if not wanted and order.is_vat_exempt and rules.exempt_code:
            wanted.append(("exempt", ZERO, rules.exempt_code))
        refs = self.lookups.tax_codes(name for _, _, name in wanted if name)
        codes: list[ExpectedTaxCode] = []
        for rate_code, percent, name in wanted:
            ref = refs.get(name) if name else None
            if name is None:
                self.problem(
                    "tax",
                    "taxItem",
                    f"WooCommerce tax rate {rate_code} is not mapped to a NetSuite tax code.",
                    f"Map {_rate_key(rate_code)} to a tax code under tax.codes in the mapping.",
                )
            elif ref is None:
                self.problem(
                    "tax",
                    "taxItem",
                    f"Tax code '{name}' (for {rate_code}) does not exist in NetSuite.",
                    f"Create the tax code '{name}' in NetSuite, or map {_rate_key(rate_code)} to "
                    "an existing one under tax.codes.",
                )
            codes.append(
                ExpectedTaxCode(
                    rate_code,
                    percent,
                    ref.ref if ref else (NamedRef(None, name) if name else None),
                    ref.rate if ref else None,
                )
            )
        return codes


def _percent(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))


def _rate_key(rate_code: str) -> str:
    """A rate code without its `-<priority>` tail, as the mapping's tax.codes keys are."""
    head, _, tail = rate_code.rpartition("-")
    return head if tail.isdigit() and head else rate_code


def _unique_keys(lines: list[ExpectedLine]) -> tuple[ExpectedLine, ...]:
    """Lines named once each: a repeated key gets `#2`, `#3`, ..."""
    totals = Counter(line.key for line in lines)
    seen: Counter[str] = Counter()
    named: list[ExpectedLine] = []
    for line in lines:
        seen[line.key] += 1
        if totals[line.key] > 1 and seen[line.key] > 1:
            line = ExpectedLine(
                f"{line.key}#{seen[line.key]}",
                line.item,
                line.quantity,
                line.rate,
                line.amount,
                line.kind,
                line.source,
                line.description,
            )
        named.append(line)
    return tuple(named)


def expect(
    order: WooOrder, mapping: Mapping, lookups: ReferenceData, *, prefix: str = ""
) -> ExpectedLanding:
    """The Sales Order `order` must become under `mapping` in the looked-up account."""
    build = _Builder(order, mapping, lookups)
    currency, precision = build.currency()
    subsidiary = build.subsidiary()
    customer = build.customer()
    lines = build.product_lines(subsidiary, precision) + build.fee_lines(precision)
    # An exempt order carries no tax, whatever its tax lines say (reference 2.4).
    woo_tax = ZERO if order.is_vat_exempt else order.total_tax
    tax_total = money(woo_tax, precision)
    if mapping.tax.strategy == "pass-through":
        lines += build.pass_through_line(tax_total, precision)
        tax_total = ZERO
    tax_codes = build.tax_codes()
    shipping_method = build.shipping(subsidiary)
    discount_item = build.discount()
    external_id, other_ref_num = reference_numbers(order, mapping, prefix)
    shipping_address = ExpectedAddress.of(order.shipping)
    return ExpectedLanding(
        order=order.number or str(order.id),
        status=order.status,
        should_sync=mapping.syncs(order.status),
        sync_statuses=tuple(mapping.sync.statuses),
        customer=customer,
        subsidiary=subsidiary,
        currency=currency,
        precision=precision,
        lines=_unique_keys(lines),
        shipping_method=shipping_method,
        shipping_cost=money(order.shipping_total, precision),
        discount_item=discount_item,
        discount_total=money(-order.discount_total, precision),
        tax_total=tax_total,
        total=money(order.total, precision),
        billing_address=ExpectedAddress.of(order.billing),
        # No shipping address in WooCommerce (virtual goods, some pickups): connectors copy
        # the billing address or leave the customer's default, so it is not compared.
        shipping_address=None if shipping_address.empty else shipping_address,
        external_id=external_id,
        other_ref_num=other_ref_num,
        price_level_custom=mapping.items.price_level == "custom",
        woo_shipping_methods=tuple(line.method_id for line in order.shipping_lines),
        tax_codes=tuple(tax_codes),
        tax_strategy=mapping.tax.strategy,
        email=customer.email,
        problems=tuple(build.problems),
    )
