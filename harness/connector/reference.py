"""The reference connector: a real, configuration-driven WooCommerce -> NetSuite mapper.

It does what a careful production connector does: match the customer by normalised email
(or create it, idempotently, by externalId), resolve every SKU, ship method and tax code by
name, price lines at price level Custom so WooCommerce's rates stand, carry coupons as one
header discount and fees as other-charge lines, and upsert the Sales Order by externalId so a
second push never makes a second order (with `send.async`, as an asynchronous job whose
idempotency key NetSuite refuses to run twice). It leaves NetSuite's own checks (inactive
items, subsidiaries, permissions, scripts) to NetSuite, so their errors reach the call log.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal
from typing import Any

from harness.connector.asyncsend import AsyncSender, JobNotFinished
from harness.connector.interpret import (
    exempt_code_for,
    item_name_for,
    render,
    ship_item_for,
    subsidiary_for,
    syncs,
    tax_code_for,
    template_values,
)
from harness.connector.refdata import KnownRefs, RefCache, sql_text
from harness.mapping import Mapping, load_mapping
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult, Stage
from harness.woo.order import Address, LineItem, WooOrder

CUSTOM_PRICE_LEVEL = "-1"
_RATE_PLACES = Decimal("0.00000001")


class _CannotMap(Exception):
    """The order names something the mapping or the account doesn't have."""

    def __init__(self, stage: Stage, problem: str) -> None:
        super().__init__(problem)
        self.stage: Stage = stage
        self.problem = problem


def _number(value: Decimal) -> float | int:
    """JSON number for NetSuite (amounts are numbers on the wire)."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def normalised_email(email: str | None, mapping: Mapping) -> str:
    value = email or ""
    if mapping.customer.email_trim:
        value = value.strip()
    if mapping.customer.email_case_insensitive:
        value = value.lower()
    return value


class ReferenceConnector:
    """Pushes WooCommerce orders into NetSuite through the REST API."""

    name = "reference"

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: Mapping | None = None,
        *,
        known: KnownRefs | None = None,
    ) -> None:
        self.client = client
        self.mapping = mapping or load_mapping()
        self.refs = RefCache(client, known)

    def push(self, order: WooOrder) -> PushResult:
        return replace(self._push(order), reads_mapping=True)

    def _push(self, order: WooOrder) -> PushResult:
        number = order.number or str(order.id)
        if not syncs(self.mapping, order.status):
            statuses = ", ".join(self.mapping.sync.statuses)
            return PushResult(
                number,
                "skipped",
                skipped_rule=f"sync.statuses is [{statuses}]; the order is '{order.status}'",
            )
        stage: Stage = "routing"
        customer_id: str | None = None
        try:
            subsidiary = self._subsidiary(order)
            stage = "items"
            body = self._sales_order_body(order, subsidiary)
            stage = "customer"
            customer_id = self._customer(order, subsidiary)
            body["entity"] = {"id": customer_id}
            stage = "sales-order"
            external_id = render(self.mapping.order.external_id, template_values(order))
            # replace=item: a second push (order.updated, a retry) replaces the lines, never
            # appends them again.
            so_id = self._send_order(external_id, body)
            so_id = so_id or self._find_order(external_id)
        except JobNotFinished as late:
            return PushResult(
                number, "failed", customer_id=customer_id, problem=str(late), stage=stage
            )
        except _CannotMap as cannot:
            return PushResult(
                number,
                "failed",
                customer_id=customer_id,
                problem=cannot.problem,
                stage=cannot.stage,
            )
        except NetSuiteError as error:
            return PushResult(number, "rejected", customer_id=customer_id, error=error, stage=stage)
        return PushResult(number, "pushed", sales_order_id=so_id, customer_id=customer_id)

    def with_mapping(self, mapping: Mapping) -> ReferenceConnector:
        """This connector configured by another mapping (a scenario's own options), sharing
        its client and what it learnt of the account's reference data."""
        return ReferenceConnector(self.client, mapping, known=self.refs.known)

    def _send_order(self, external_id: str, body: dict[str, Any]) -> str | None:
        """Upsert the Sales Order by externalId; as an asynchronous job with an idempotency
        key when the mapping says `send.async`."""
        if self.mapping.send.asynchronous:
            url = self.client.record_url("salesOrder", f"eid:{external_id}")
            return AsyncSender(self.client).send("PUT", url, body, {"replace": "item"})
        return self.client.upsert("salesOrder", external_id, body, replace="item")

    # -- routing and customer ------------------------------------------------------------

    def _subsidiary(self, order: WooOrder) -> int:
        subsidiary = subsidiary_for(self.mapping, order.currency, order.billing.country)
        if subsidiary is None:
            key = order.currency if self.mapping.subsidiaries.by == "currency" else "country"
            raise _CannotMap("routing", f"no subsidiary route for {key} and no default")
        return subsidiary

    def _customer(self, order: WooOrder, subsidiary: int) -> str:
        rules = self.mapping.customer
        values = template_values(order)
        if order.is_guest and rules.guests == "default-customer":
            return self._existing_id(rules.guest_customer or "")
        if rules.match == "external-id" and not order.is_guest:
            external_id = render(rules.external_id_template, values)
            return self._upsert_customer(order, subsidiary, external_id)
        email = normalised_email(order.billing.email, self.mapping)
        if not email:
            raise _CannotMap("customer", "the order has no billing email to match a customer by")
        column = "LOWER(email)" if rules.email_case_insensitive else "email"
        rows = self.client.suiteql_all(
            f"SELECT id FROM customer WHERE {column} = {sql_text(email)} AND isinactive = 'F' "
            "ORDER BY id"
        )
        if len(rows) > 1 and rules.on_multiple_matches == "fail":
            ids = ", ".join(row["id"] for row in rows)
            raise _CannotMap(
                "customer", f"{len(rows)} customers have the email {email} (ids {ids})"
            )
        if rows:
            return str(rows[0]["id"])
        if order.is_guest and rules.guests == "create":
            digest = hashlib.sha256(email.encode()).hexdigest()[:16]
            return self._upsert_customer(order, subsidiary, f"woo-guest-{digest}")
        return self._upsert_customer(order, subsidiary, render(rules.external_id_template, values))

    def _existing_id(self, key: str) -> str:
        if key.startswith("eid:"):
            rows = self.client.suiteql_all(
                f"SELECT id FROM customer WHERE externalid = {sql_text(key[4:])}"
            )
            if not rows:
                raise _CannotMap("customer", f"the guest customer {key} does not exist")
            return str(rows[0]["id"])
        return key

    def _upsert_customer(self, order: WooOrder, subsidiary: int, external_id: str) -> str:
        billing = order.billing
        company = billing.company.strip()
        body: dict[str, Any] = {
            "externalId": external_id,
            "isPerson": not company,
            "email": normalised_email(billing.email, self.mapping),
            "phone": billing.phone or None,
            "subsidiary": {"id": str(subsidiary)},
            "addressBook": {
                "items": [
                    {
                        "defaultBilling": True,
                        "defaultShipping": True,
                        "addressBookAddress": _address(billing),
                    }
                ]
            },
        }
        if company:
            body["companyName"] = company
        else:
            body["firstName"] = billing.first_name or "-"
            body["lastName"] = billing.last_name or "-"
        currency = self.refs.one("currency", order.currency, column="symbol")
        if currency is not None:
            body["currency"] = {"id": currency.id}
        body = {key: value for key, value in body.items() if value is not None}
        customer_id = self.client.upsert("customer", external_id, body)
        if customer_id:
            return customer_id
        rows = self.client.suiteql_all(
            f"SELECT id FROM customer WHERE externalid = {sql_text(external_id)}"
        )
        return str(rows[0]["id"])

    def _find_order(self, external_id: str) -> str | None:
        rows = self.client.suiteql_all(
            "SELECT id FROM transaction WHERE type = 'SalesOrd' "
            f"AND externalid = {sql_text(external_id)}"
        )
        return str(rows[0]["id"]) if rows else None

    # -- the sales order -----------------------------------------------------------------

    def _sales_order_body(self, order: WooOrder, subsidiary: int) -> dict[str, Any]:
        values = template_values(order)
        rules = self.mapping.order
        body: dict[str, Any] = {
            "externalId": render(rules.external_id, values),
            "otherRefNum": render(rules.other_ref_num, values),
            "subsidiary": {"id": str(subsidiary)},
            "billingAddress": _address(order.billing),
            "shippingAddress": _address(order.shipping),
        }
        if order.date_created is not None:
            body["tranDate"] = order.date_created.date().isoformat()
        if rules.memo:
            memo = render(rules.memo, values)
            if memo:
                body["memo"] = memo
        if rules.order_status:
            body["orderStatus"] = rules.order_status
        currency = self.refs.one("currency", order.currency, column="symbol")
        if currency is None:
            raise _CannotMap("routing", f"currency {order.currency} does not exist in NetSuite")
        body["currency"] = {"id": currency.id}
        lines = self._item_lines(order)
        lines += self._fee_lines(order)
        self._apply_tax(order, subsidiary, body, lines)
        body["item"] = {"items": lines}
        self._apply_shipping(order, body)
        self._apply_discount(order, body)
        body.update(self._custom_fields(self.mapping.custom_fields.body, order))
        return body

    def _item_lines(self, order: WooOrder) -> list[dict[str, Any]]:
        names = [item_name_for(line, self.mapping) for line in order.line_items]
        refs = self.refs.resolve("item", names)
        # Net pricing books revenue after coupons: the line's total, not its subtotal.
        net = self.mapping.discounts.strategy == "net-price"
        lines = []
        for line, name in zip(order.line_items, names, strict=True):
            ref = refs.get(name)
            if ref is None:
                raise _CannotMap(
                    "items", f"SKU {name or '(none)'} of '{line.name}' has no NetSuite item"
                )
            entry: dict[str, Any] = {
                "item": {"id": ref.id},
                "quantity": line.quantity,
                "rate": _number(
                    ((line.total if net else line.subtotal) / line.quantity).quantize(_RATE_PLACES)
                ),
                "description": line.name,
                "_taxes": [tax.id for tax in line.taxes if tax.total != 0],
            }
            if self.mapping.items.price_level == "custom":
                entry["price"] = {"id": CUSTOM_PRICE_LEVEL}
            entry.update(self._custom_fields(self.mapping.custom_fields.line, line))
            lines.append(entry)
        return lines

    def _fee_lines(self, order: WooOrder) -> list[dict[str, Any]]:
        if not order.fee_lines:
            return []
        name = self.mapping.fees.item
        ref = self.refs.one("item", name) if name else None
        if ref is None:
            raise _CannotMap("fees", f"fees need a fee item; '{name}' is not a NetSuite item")
        return [
            {
                "item": {"id": ref.id},
                "quantity": 1,
                "rate": _number(fee.total),
                "price": {"id": CUSTOM_PRICE_LEVEL},
                "description": fee.name,
                "_taxes": [tax.id for tax in fee.taxes if tax.total != 0],
            }
            for fee in order.fee_lines
        ]

    def _apply_tax(
        self, order: WooOrder, subsidiary: int, body: dict[str, Any], lines: list[dict[str, Any]]
    ) -> None:
        rules = self.mapping.tax
        taxes_by_rate = {tax.rate_id: tax.rate_code for tax in order.tax_lines}
        if rules.strategy == "netsuite":
            for line in lines:
                line.pop("_taxes")
            return
        if rules.strategy == "pass-through":
            ref = self.refs.one("item", rules.pass_through_item or "")
            if ref is None:
                raise _CannotMap("tax", f"tax item '{rules.pass_through_item}' does not exist")
            for line in lines:
                line.pop("_taxes")
                line["isTaxable"] = False
            if order.total_tax:
                lines.append(
                    {
                        "item": {"id": ref.id},
                        "quantity": 1,
                        "rate": _number(order.total_tax),
                        "price": {"id": CUSTOM_PRICE_LEVEL},
                        "description": "Sales tax collected by WooCommerce",
                    }
                )
            return
        codes = {rate_id: self._tax_code(rate_code) for rate_id, rate_code in taxes_by_rate.items()}
        exempt = self._exempt_code(subsidiary)
        per_line = subsidiary in rules.line_level_subsidiaries
        shipping_codes = [
            codes[tax.id]
            for line in order.shipping_lines
            for tax in line.taxes
            if tax.total != 0 and tax.id in codes
        ]
        if shipping_codes:
            # WooCommerce taxed shipping: say so, or NetSuite follows the ship item's flag.
            body["shippingTaxCode"] = {"id": shipping_codes[0]}
        for line in lines:
            taxed = [codes[rate] for rate in line.pop("_taxes") if rate in codes]
            if per_line:
                code = taxed[0] if taxed else exempt
                if code is not None:
                    line["taxCode"] = {"id": code}
            else:
                line["isTaxable"] = bool(taxed)
        if per_line:
            return
        used = sorted(set(codes.values()))
        if len(used) > 1:
            raise _CannotMap(
                "tax",
                f"the order has {len(used)} tax rates; a US-style order takes one tax code or "
                "group (map the rates to a tax group)",
            )
        if used:
            body["taxItem"] = {"id": used[0]}
        elif exempt is not None:
            body["taxItem"] = {"id": exempt}
            body["isTaxable"] = False

    def _tax_code(self, rate_code: str) -> str:
        name = tax_code_for(self.mapping, rate_code)
        if name is None:
            raise _CannotMap("tax", f"WooCommerce tax rate {rate_code} is not mapped to a tax code")
        ref = self.refs.one("salestaxitem", name) or self.refs.one("taxgroup", name)
        if ref is None:
            raise _CannotMap("tax", f"tax code '{name}' (for {rate_code}) does not exist")
        return ref.id

    def _exempt_code(self, subsidiary: int) -> str | None:
        name = exempt_code_for(self.mapping, subsidiary)
        ref = self.refs.one("salestaxitem", name) if name else None
        return ref.id if ref else None

    def _apply_shipping(self, order: WooOrder, body: dict[str, Any]) -> None:
        if not order.shipping_lines:
            return
        method_ids = {line.method_id for line in order.shipping_lines}
        names = {method: ship_item_for(self.mapping, method) for method in method_ids}
        unmapped = sorted(method for method, name in names.items() if name is None)
        if unmapped:
            raise _CannotMap(
                "shipping", f"shipping method {unmapped[0]} is not mapped to a NetSuite ship item"
            )
        first = ship_item_for(self.mapping, order.shipping_lines[0].method_id) or ""
        ref = self.refs.one("shipitem", first)
        if ref is None:
            raise _CannotMap("shipping", f"ship item '{first}' does not exist in NetSuite")
        body["shipMethod"] = {"id": ref.id}
        # NetSuite has one header shipping cost: WooCommerce's lines are summed into it.
        body["shippingCost"] = _number(order.shipping_total)

    def _apply_discount(self, order: WooOrder, body: dict[str, Any]) -> None:
        if not order.discount_total or self.mapping.discounts.strategy == "net-price":
            return  # net pricing: the coupons are already in the lines' rates
        name = self.mapping.discounts.item
        ref = self.refs.one("item", name) if name else None
        if ref is None:
            raise _CannotMap("discount", f"coupons need a discount item; '{name}' does not exist")
        body["discountItem"] = {"id": ref.id}
        body["discountRate"] = _number(-order.discount_total)

    def _custom_fields(self, fields: Any, model: WooOrder | LineItem) -> dict[str, Any]:
        """The mapping's custom fields of the order or a line; the model is dumped only when
        a field reads one of its values."""
        values: dict[str, Any] = {}
        source: dict[str, Any] | None = None
        for field_id, spec in fields.items():
            if spec.value is not None:
                values[field_id] = spec.value
                continue
            source = model.model_dump() if source is None else source
            key = spec.source or ""
            if key.startswith("meta:"):
                meta = {entry["key"]: entry["value"] for entry in source.get("meta_data", [])}
                value = meta.get(key[5:])
            else:
                value = source.get(key)
            if value is not None:
                values[field_id] = (
                    value if isinstance(value, str | int | float | bool) else str(value)
                )
        return values


def _address(address: Address) -> dict[str, Any]:
    person = f"{address.first_name} {address.last_name}".strip()
    fields = {
        "addressee": address.company or person,
        "attention": person if address.company else None,
        "addr1": address.address_1,
        "addr2": address.address_2,
        "city": address.city,
        "state": address.state,
        "zip": address.postcode,
        "country": address.country,
    }
    return {key: value for key, value in fields.items() if value}
