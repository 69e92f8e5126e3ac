"""What NetSuite should hold after an order is pushed, from WooCommerce's numbers alone.

The expectation is computed from the order, the mapping's rules as the expectation itself
reads them (`mapping_reading`: which SKU is which item, which shipping method is which ship
item, which currency goes to which subsidiary) and the account's reference data, never from a
connector's code: a connector checked against its own logic proves nothing. The model
(`expected`) is the one the mapping describes, lines in `expect_lines`:

- product lines at price level Custom with the pre-discount unit price `subtotal/quantity`;
- coupons as ONE header discount item worth `-discount_total` (NetSuite allows one), or,
  when the mapping declares net pricing (`discounts.strategy: net-price`), no discount and
  lines at WooCommerce's price after coupons `total/quantity`;
- fees as lines of the mapping's fee item; shipping as header ship method + cost;
- tax total = WooCommerce `total_tax` (0 for exempt orders), total = WooCommerce `total`.

What the mapping or the account cannot do for this order (a SKU with no item, an unmapped
shipping method, two customers sharing the email, ...) is listed in `problems`: such an
order is expected to be refused, and the problem explains the refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from harness.landing.expect_lines import LinesBuilder, unique_keys
from harness.landing.expected import (
    ExpectedAddress,
    ExpectedCustomer,
    ExpectedLanding,
    ExpectedTaxCode,
)
from harness.landing.mapping_reading import (
    exempt_code_in,
    fill,
    item_for_line,
    nets_coupons,
    order_values,
    rate_key,
    routed_subsidiary,
    ship_item_for_method,
    status_syncs,
    tax_code_for_rate,
    taxes_per_line,
)
from harness.landing.refdata import (
    CustomerRef,
    NamedRef,
    ReferenceData,
    normalize_email,
    outside,
)
from harness.mapping import Mapping
from harness.money import round_half_up
from harness.woo.order import WooOrder

ZERO = Decimal(0)


# -- reference numbers -------------------------------------------------------------------------


def reference_numbers(order: WooOrder, mapping: Mapping, prefix: str = "") -> tuple[str, str]:
    """(externalId, otherRefNum) the mapping gives this order's Sales Order."""
    values = order_values(order, prefix)
    return fill(mapping.order.external_id, values), fill(mapping.order.other_ref_num, values)


# -- batching ------------------------------------------------------------------------------


def prefetch(orders: Iterable[WooOrder], mapping: Mapping, lookups: ReferenceData) -> None:
    """Resolve every name a batch of orders uses with one query per kind."""
    orders = list(orders)
    item_names = {item_for_line(mapping, line) for o in orders for line in o.line_items}
    item_names |= {n for n in (mapping.fees.item, mapping.discounts.item) if n}
    if mapping.tax.pass_through_item:
        item_names.add(mapping.tax.pass_through_item)
    lookups.items(item_names)
    ship_names = {
        ship_item_for_method(mapping, line.method_id) for o in orders for line in o.shipping_lines
    }
    lookups.ship_items(name for name in ship_names if name)
    tax_names = {tax_code_for_rate(mapping, t.rate_code) for o in orders for t in o.tax_lines}
    tax_names.add(mapping.tax.exempt_code)
    tax_names |= {exempt_code_in(mapping, _route(o, mapping)) for o in orders if o.is_vat_exempt}
    lookups.tax_codes(name for name in tax_names if name)
    lookups.customers(o.billing.email or "" for o in orders)
    lookups.currencies()
    lookups.subsidiaries()


# -- the expectation -------------------------------------------------------------------------


def _route(order: WooOrder, mapping: Mapping) -> int | None:
    """The subsidiary id the mapping routes `order` to (None: no route, no default)."""
    return routed_subsidiary(mapping, order.currency, str(order.billing.country))


class _Builder(LinesBuilder):
    """The lines (`LinesBuilder`), and the routing, customer, shipping, discount and tax."""

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
        sub_id = _route(order, self.mapping)
        key = order.currency if routing.by == "currency" else str(order.billing.country)
        if sub_id is None:
            self.problem(
                "required-field",
                "subsidiary",
                f"No subsidiary for {routing.by} {key}: the mapping has no route and no default.",
                f"Add '{key}: <subsidiary id>' under subsidiaries.routes in the mapping, or set "
                "subsidiaries.default.",
                f"Send a subsidiary on {key} orders (the Sales Order needs one in a OneWorld "
                "account), and tell the harness which (subsidiaries.routes in the mapping it "
                "checks against).",
            )
            return None
        found = self.lookups.subsidiary(sub_id)
        if found is None:
            self.problem(
                "required-field",
                "subsidiary",
                f"The mapping routes {key} to subsidiary {sub_id}, which does not exist.",
                f"Fix subsidiaries.routes[{key}] in the mapping: use an existing subsidiary id.",
                f"Send an existing subsidiary on {key} orders (Setup > Company > Subsidiaries), "
                "and tell the harness which (subsidiaries.routes in the mapping it checks "
                "against).",
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
            eid = fill(rules.external_id_template, order_values(order))
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
                "Make the billing email required at checkout, or put orders without one on a "
                "default NetSuite customer.",
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
                "Merge the duplicate customers in NetSuite (Lists > Relationships > Customers, "
                "Merge), or give them distinct emails: with two customers on one email a "
                "connector can only guess whose order it is.",
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
        if key.startswith("eid:") or not key.isdecimal():
            eid = key.removeprefix("eid:")
            found = self.lookups.customer_by_external_id(eid)
            if found is None:
                self.problem(
                    "customer-match",
                    "customer",
                    f"The guest customer (externalId {eid}) does not exist in NetSuite.",
                    "Create the default guest customer, or fix customer.guest_customer.",
                    f"Create the default guest customer in NetSuite (externalId {eid}).",
                )
            return ExpectedCustomer(
                "existing" if found else "new", email, found, external_id=eid, unique_email=False
            )
        return ExpectedCustomer(
            "existing", email, CustomerRef(id=key, email=""), unique_email=False
        )

    # -- shipping, discount, tax -----------------------------------------------------------

    def shipping(self, subsidiary: NamedRef | None) -> NamedRef | None:
        order = self.order
        if not order.shipping_lines:
            return None
        first = order.shipping_lines[0]
        unmapped = [
            line
            for line in order.shipping_lines
            if ship_item_for_method(self.mapping, line.method_id) is None
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
                "Send a NetSuite shipping item as shipMethod for WooCommerce's "
                f"'{line.method_title}' ({line.method_id}); create one (Lists > Accounting > "
                "Shipping Items) if none fits.",
            )
            return None
        name = ship_item_for_method(self.mapping, first.method_id) or ""
        ref = self.lookups.ship_item(name)
        if ref is None:
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' (for {first.method_id}) does not exist in NetSuite.",
                f"Create the shipping item '{name}' in NetSuite, or map {first.method_id} to an "
                "existing one under shipping.methods.",
                f"Create the shipping item '{name}' in NetSuite (Lists > Accounting > Shipping "
                f"Items), or send WooCommerce's {first.method_id} as an existing one.",
            )
            return NamedRef(None, name)
        if not ref.active:
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' ({ref.id}) is inactive in NetSuite.",
                f"Reactivate the shipping item '{name}', or map {first.method_id} to another.",
                f"Reactivate the shipping item '{name}' in NetSuite, or send WooCommerce's "
                f"{first.method_id} as another one.",
            )
        elif outside(subsidiary, ref.subsidiaries):
            self.problem(
                "shipping",
                "shipMethod",
                f"Ship item '{name}' ({ref.id}) is not available to subsidiary {subsidiary}.",
                f"Add subsidiary '{subsidiary.name}' to the shipping item '{name}', or map "
                f"{first.method_id} to a ship item of that subsidiary.",
                f"Add subsidiary '{subsidiary.name}' to the shipping item '{name}' in NetSuite, "
                f"or send WooCommerce's {first.method_id} as a shipping item of that subsidiary.",
            )
        return ref.ref

    def discount(self) -> NamedRef | None:
        if not self.order.discount_total or nets_coupons(self.mapping):
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
                "Create a discount item in NetSuite (type Discount, Apply Before Sales Tax) and "
                "send the coupons as that discountItem.",
            )
            return NamedRef(None, name or "(discount item)")
        return ref.ref

    def tax_codes(self) -> list[ExpectedTaxCode]:
        order, rules = self.order, self.mapping.tax
        if rules.strategy != "tax-code":
            return []
        wanted: list[tuple[str, Decimal | None, str | None]] = [
            (t.rate_code, _percent(t.rate_percent), tax_code_for_rate(self.mapping, t.rate_code))
            for t in order.tax_lines
            if t.tax_total or t.shipping_tax_total
        ]
        exempt = exempt_code_in(self.mapping, _route(order, self.mapping))
        if not wanted and order.is_vat_exempt and exempt:
            wanted.append(("exempt", ZERO, exempt))
        refs = self.lookups.tax_codes(name for _, _, name in wanted if name)
        codes: list[ExpectedTaxCode] = []
        for rate_code, percent, name in wanted:
            ref = refs.get(name) if name else None
            if name is None:
                self.problem(
                    "tax",
                    "taxItem",
                    f"WooCommerce tax rate {rate_code} is not mapped to a NetSuite tax code.",
                    f"Map {rate_key(rate_code)} to a tax code under tax.codes in the mapping.",
                    f"Send the NetSuite tax code of WooCommerce's tax rate {rate_code} "
                    f"({percent}%) as the taxItem (or taxCode per line); create it (Setup > "
                    "Accounting > Tax Codes) if NetSuite has none.",
                )
            elif ref is None:
                self.problem(
                    "tax",
                    "taxItem",
                    f"Tax code '{name}' (for {rate_code}) does not exist in NetSuite.",
                    f"Create the tax code '{name}' in NetSuite, or map {rate_key(rate_code)} to "
                    "an existing one under tax.codes.",
                    f"Create the tax code '{name}' in NetSuite (Setup > Accounting > Tax Codes), "
                    f"or send WooCommerce's tax rate {rate_code} as an existing one.",
                )
            codes.append(
                ExpectedTaxCode(
                    rate_code,
                    percent,
                    ref.ref if ref else (NamedRef(None, name) if name else None),
                )
            )
        return codes


def _percent(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))


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
    tax_total = round_half_up(woo_tax, precision)
    if mapping.tax.strategy == "pass-through":
        lines += build.pass_through_line(tax_total, precision)
        tax_total = ZERO
    tax_codes = build.tax_codes()
    shipping_method = build.shipping(subsidiary)
    discount_item = build.discount()
    net_pricing = nets_coupons(mapping)
    external_id, other_ref_num = reference_numbers(order, mapping, prefix)
    shipping_address = ExpectedAddress.of(order.shipping)
    return ExpectedLanding(
        order=order.number or str(order.id),
        status=order.status,
        should_sync=status_syncs(mapping, order.status),
        sync_statuses=tuple(mapping.sync.statuses),
        customer=customer,
        subsidiary=subsidiary,
        currency=currency,
        precision=precision,
        lines=unique_keys(lines),
        shipping_method=shipping_method,
        shipping_cost=round_half_up(order.shipping_total, precision),
        discount_item=discount_item,
        discount_total=ZERO if net_pricing else round_half_up(-order.discount_total, precision),
        tax_total=tax_total,
        total=round_half_up(order.total, precision),
        billing_address=ExpectedAddress.of(order.billing),
        # No shipping address in WooCommerce (virtual goods, some pickups): connectors copy
        # the billing address or leave the customer's default, so it is not compared.
        shipping_address=None if shipping_address.empty else shipping_address,
        external_id=external_id,
        other_ref_num=other_ref_num,
        price_level_custom=mapping.items.price_level == "custom",
        woo_shipping_methods=tuple(line.method_id for line in order.shipping_lines),
        tax_codes=tuple(tax_codes),
        problems=tuple(build.problems),
        shipping_tax=ZERO if order.is_vat_exempt else round_half_up(order.shipping_tax, precision),
        coupon_codes=tuple(c.code for c in order.coupon_lines),
        discount_strategy="net-price" if net_pricing else "item",
        tax_per_line=taxes_per_line(mapping, _route(order, mapping)),
        tax_exempt=order.is_vat_exempt,
        order_status=mapping.order.order_status,
    )
