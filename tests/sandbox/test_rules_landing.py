"""End to end: the catalogue's orders through the reference connector into the demo account.

NetSuite's own arithmetic (tax, discount, shipping, totals) must agree to the cent with what
WooCommerce charged when the connector sends what WooCommerce says; the catalogue's failing
scenarios must meet NetSuite's real refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from harness.catalogue.spec import Catalogue, load_catalogue
from harness.connector.reference import ReferenceConnector
from harness.netsuite.auth import tba_auth
from harness.netsuite.client import NetSuiteClient
from harness.push import PushResult
from harness.sandbox.serve import Sandbox
from harness.woo.generate import generate
from harness.woo.order import WooOrder

SEEDS = (0, 1)
LANDING = [
    "tax-california",
    "tax-new-york-city",
    "canada-cad-hst",
    "coupon-percent",
    "two-coupons",
    "fee-positive",
    "fee-negative",
    "tax-exempt-b2b",
    "prices-include-tax",
    "coupon-fixed-cart",
    "free-shipping",
    "gift-card-not-taxable",
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.intercept():
        yield box
    box.close()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def push(sandbox: Sandbox, catalogue: Catalogue, name: str, seed: int) -> tuple[WooOrder, Any]:
    """Push one catalogue order with its scenario's credential: (order, client, result)."""
    sandbox.reset()
    spec = catalogue.get(name)
    credentials = {c.name: c for c in sandbox.profile.credentials.tba}
    credential = credentials[spec.target.credential or "woo-integration"]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    client = NetSuiteClient(sandbox.base_url, auth)
    order = generate(spec, seed)
    return order, (client, ReferenceConnector(client).push(order))


def landed(sandbox: Sandbox, catalogue: Catalogue, name: str, seed: int) -> tuple[WooOrder, Any]:
    order, (client, result) = push(sandbox, catalogue, name, seed)
    assert isinstance(result, PushResult)
    assert result.status == "pushed", (result.error, result.problem)
    return order, client.get("salesOrder", result.sales_order_id, expand=True)


def money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", LANDING)
def test_netsuite_totals_agree_with_woocommerce(
    sandbox: Sandbox, catalogue: Catalogue, name: str, seed: int
) -> None:
    order, so = landed(sandbox, catalogue, name, seed)
    assert money(so.get("taxTotal")) == order.total_tax
    assert money(so["total"]) == order.total
    assert money(so.get("discountTotal")) == -order.discount_total
    assert money(so.get("shippingCost")) == order.shipping_total


def test_a_negative_fee_on_untaxed_shipping_is_taxed_in_full_by_netsuite(
    sandbox: Sandbox, catalogue: Catalogue
) -> None:
    """WooCommerce reduces tax by the fee's taxed share only; one NetSuite line is taxed whole."""
    order, so = landed(sandbox, catalogue, "fee-negative-untaxed-shipping", 0)
    rate = Decimal("7.25")
    items_tax = sum((line.total_tax for line in order.line_items), Decimal(0))
    fee_tax = (order.fee_lines[0].total * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert money(so["taxTotal"]) == items_tax + fee_tax
    assert money(so["taxTotal"]) < order.total_tax


def test_a_negative_fee_split_as_woocommerce_taxes_it_agrees(
    sandbox: Sandbox, catalogue: Catalogue
) -> None:
    """What a connector must send instead: the fee's taxed share as a taxable line."""
    sandbox.reset()
    order = generate(catalogue.get("fee-negative-untaxed-shipping"), 0)
    fee = order.fee_lines[0]
    taxed = sum((tax.total for tax in fee.taxes), Decimal(0))
    rate = Decimal("7.25")  # the order's only rate, California
    taxed_share = (taxed * 100 / rate).quantize(Decimal("0.01"))
    credential = sandbox.profile.credentials.tba[0]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    client = NetSuiteClient(sandbox.base_url, auth)
    items = [
        {
            "item": {"id": {"HOODIE-BLK-M": "101", "MUG-WHT": "104"}[line.sku or ""]},
            "quantity": line.quantity,
            "rate": float(line.subtotal / line.quantity),
            "price": {"id": "-1"},
        }
        for line in order.line_items
    ]
    items += [
        {
            "item": {"id": "121"},
            "rate": float(taxed_share),
            "price": {"id": "-1"},
            "isTaxable": True,
        },
        {
            "item": {"id": "121"},
            "rate": float(fee.total - taxed_share),
            "price": {"id": "-1"},
            "isTaxable": False,
        },
    ]
    body = {
        "entity": {"id": "1001"},
        "taxItem": {"id": "301"},
        "shipMethod": {"id": "201"},
        "shippingCost": float(order.shipping_total),
        "item": {"items": items},
    }
    so_id = client.create("salesOrder", body)
    so = client.get("salesOrder", so_id)
    assert money(so["taxTotal"]) == order.total_tax
    assert money(so["total"]) == order.total


def test_role_without_sales_order_create_gets_the_permission_violation(
    sandbox: Sandbox, catalogue: Catalogue
) -> None:
    _, (_, result) = push(sandbox, catalogue, "role-without-salesorder-create", 0)
    assert result.status == "rejected" and result.stage == "sales-order"
    assert (result.error.status, result.error.code) == (403, "INSUFFICIENT_PERMISSION")
    assert result.error.detail == (
        "Permission Violation: You need a higher level of the 'Transactions -> Sales Order' "
        "permission (Create; the role has View) to access this page. "
        "Please contact your account administrator."
    )


def test_over_the_approval_limit_gets_the_scripts_message(
    sandbox: Sandbox, catalogue: Catalogue
) -> None:
    order, (client, result) = push(sandbox, catalogue, "over-approval-limit", 0)
    # Items alone stay under 5,000; the script sees NetSuite's total with tax and shipping.
    assert order.total > 5000 > sum((line.subtotal for line in order.line_items), Decimal(0))
    assert result.status == "rejected"
    assert (result.error.status, result.error.code) == (400, "USER_ERROR")
    assert result.error.detail == (
        "Error while accessing a resource. "
        "Order total exceeds the 5,000.00 approval limit for web orders."
    )
    rows = client.suiteql_all("SELECT COUNT(*) AS n FROM transaction")
    assert rows[0]["n"] == "0"  # nothing saved


@pytest.mark.parametrize(
    ("name", "detail", "path"),
    [
        ("inactive-item", "Invalid item reference key 108.", "item.items[0].item"),
        (
            "item-not-in-subsidiary",
            "Invalid item reference key 103 for subsidiary 2.",
            "item.items[0].item",
        ),
    ],
)
def test_item_scenarios_get_the_invalid_item_reference(
    sandbox: Sandbox, catalogue: Catalogue, name: str, detail: str, path: str
) -> None:
    _, (_, result) = push(sandbox, catalogue, name, 0)
    assert result.status == "rejected"
    assert (result.error.status, result.error.code) == (400, "USER_ERROR")
    assert result.error.detail == "Error while accessing a resource. " + detail
    assert result.error.path == path
