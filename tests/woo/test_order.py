"""WooOrder reads REST v3 orders faithfully, explains bad ones, and checks their arithmetic."""

from __future__ import annotations

import copy
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.woo.order import (
    RULES,
    InvariantViolation,
    WooOrder,
    WooOrderError,
    WooRefund,
)

# Real example payloads from WooCommerce's published REST API documentation.
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "woocommerce"
ORDER_FILES = ["order-example-docs.json"]
ORDER_LIST_FILES = ["orders-list-example-docs.json", "subscription-orders-example-docs.json"]
REFUND_LIST_FILES = ["order-refunds-list-example-docs.json"]


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def money_line(
    line_id: int, qty: int, subtotal: str, total: str, taxes: list[tuple[int, str, str]]
) -> dict[str, Any]:
    """A product line with per-rate taxes `(rate_id, total, subtotal)`."""
    return {
        "id": line_id,
        "name": f"Product {line_id}",
        "product_id": 100 + line_id,
        "variation_id": 0,
        "quantity": qty,
        "tax_class": "",
        "subtotal": subtotal,
        "subtotal_tax": f"{sum(Decimal(s) for _, _, s in taxes):.2f}",
        "total": total,
        "total_tax": f"{sum(Decimal(t) for _, t, _ in taxes):.2f}",
        "taxes": [{"id": rate, "total": t, "subtotal": s} for rate, t, s in taxes],
        "meta_data": [],
        "sku": f"SKU-{line_id}",
        "price": float(Decimal(total) / qty),
    }


def base_order(**fields: Any) -> dict[str, Any]:
    """Order-level keys every test order shares; `fields` fill in the money and the lines."""
    order: dict[str, Any] = {
        "id": 5001,
        "parent_id": 0,
        "number": "5001",
        "order_key": "wc_order_AbCdEf123456X",
        "created_via": "checkout",
        "version": "8.9.1",
        "status": "processing",
        "currency": "USD",
        "date_created": "2024-05-02T10:11:12",
        "date_created_gmt": "2024-05-02T14:11:12",
        "date_modified": "2024-05-02T10:12:00",
        "date_modified_gmt": "2024-05-02T14:12:00",
        "prices_include_tax": False,
        "customer_id": 12,
        "customer_ip_address": "203.0.113.9",
        "customer_user_agent": "Mozilla/5.0",
        "customer_note": "",
        "billing": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "",
            "address_1": "1 Analytical Way",
            "address_2": "",
            "city": "Portland",
            "state": "OR",
            "postcode": "97201",
            "country": "US",
            "email": "ada@example.com",
            "phone": "555-0100",
        },
        "shipping": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "",
            "address_1": "1 Analytical Way",
            "address_2": "",
            "city": "Portland",
            "state": "OR",
            "postcode": "97201",
            "country": "US",
            "phone": "",
        },
        "payment_method": "stripe",
        "payment_method_title": "Credit card",
        "transaction_id": "ch_test",
        "date_paid": "2024-05-02T10:12:00",
        "date_paid_gmt": "2024-05-02T14:12:00",
        "date_completed": None,
        "date_completed_gmt": None,
        "cart_hash": "0123456789abcdef0123456789abcdef",
        "meta_data": [{"id": 1, "key": "is_vat_exempt", "value": "no"}],
        "tax_lines": [],
        "shipping_lines": [],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
    }
    order.update(fields)
    return order


def rich_order() -> dict[str, Any]:
    """A coupon, two rates, a taxed fee, a negative fee, taxed shipping and a refund.

    Lines 18.00 + 4.50, fees 3.00 - 1.00, shipping 5.00, cart tax 1.80 + 0.54 + 0.30 = 2.64,
    shipping tax 0.50: total 32.64. Discount 25.00 - 22.50 = 2.50, discount tax 2.60 - 2.34.
    """
    return base_order(
        discount_total="2.50",
        discount_tax="0.26",
        shipping_total="5.00",
        shipping_tax="0.50",
        cart_tax="2.64",
        total="32.64",
        total_tax="3.14",
        line_items=[
            money_line(1, 2, "20.00", "18.00", [(5, "1.80", "2.00")]),
            money_line(2, 1, "5.00", "4.50", [(5, "0.45", "0.50"), (6, "0.09", "0.10")]),
        ],
        tax_lines=[
            {
                "id": 90,
                "rate_code": "US-OR-STATE-1",
                "rate_id": 5,
                "label": "State",
                "compound": False,
                "tax_total": "2.55",
                "shipping_tax_total": "0.50",
                "rate_percent": 10,
                "meta_data": [],
            },
            {
                "id": 91,
                "rate_code": "US-OR-CITY-2",
                "rate_id": 6,
                "label": "City",
                "compound": True,
                "tax_total": "0.09",
                "shipping_tax_total": "0.00",
                "rate_percent": 1.8,
                "meta_data": [],
            },
        ],
        shipping_lines=[
            {
                "id": 80,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "instance_id": "3",
                "total": "5.00",
                "total_tax": "0.50",
                "taxes": [{"id": 5, "total": "0.5", "subtotal": ""}],
                "meta_data": [{"id": 7, "key": "Items", "value": "Product 1 &times; 2"}],
            }
        ],
        fee_lines=[
            {
                "id": 70,
                "name": "Handling",
                "tax_class": "",
                "tax_status": "taxable",
                "total": "3.00",
                "total_tax": "0.30",
                "taxes": [{"id": 5, "total": "0.3", "subtotal": ""}],
                "meta_data": [],
            },
            {
                "id": 71,
                "name": "Loyalty discount",
                "tax_class": "",
                "tax_status": "none",
                "total": "-1.00",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            },
        ],
        coupon_lines=[
            {
                "id": 60,
                "code": "ten",
                "discount": "2.50",
                "discount_tax": "0.26",
                "discount_type": "percent",
                "nominal_amount": 10,
                "free_shipping": False,
                "meta_data": [],
            }
        ],
        refunds=[{"id": 900, "reason": "damaged", "total": "-5.00"}],
    )


def zero_decimal_order() -> dict[str, Any]:
    """A 0-decimal store (CLP, 19% IVA) like ISS-687's `"tax_total": "528"`.

    The second line's raw tax 53.01 is left unformatted, as older WooCommerce does.
    """
    return base_order(
        currency="CLP",
        discount_total="0",
        discount_tax="0",
        shipping_total="3000",
        shipping_tax="0",
        cart_tax="528",
        total="6307",
        total_tax="528",
        line_items=[
            money_line(1, 2, "2500", "2500", [(1, "475", "475")])
            | {"subtotal_tax": "475", "total_tax": "475"},
            money_line(2, 1, "279", "279", [(1, "53.01", "53.01")])
            | {"subtotal_tax": "53", "total_tax": "53"},
        ],
        tax_lines=[
            {
                "id": 30,
                "rate_code": "CL-IVA-1",
                "rate_id": 1,
                "label": "IVA",
                "compound": False,
                "tax_total": "528",
                "shipping_tax_total": "0",
                "rate_percent": 19,
                "meta_data": [],
            }
        ],
        shipping_lines=[
            {
                "id": 31,
                "method_title": "Envío",
                "method_id": "flat_rate",
                "instance_id": "1",
                "total": "3000",
                "total_tax": "0",
                "taxes": [],
                "meta_data": [],
            }
        ],
    )


def exempt_order() -> dict[str, Any]:
    """The docs order 727 bought VAT-exempt: no taxes anywhere, tax_lines empty."""
    order: dict[str, Any] = example("order-example-docs.json")
    order["meta_data"].append({"id": 13200, "key": "is_vat_exempt", "value": "yes"})
    for line in order["line_items"]:
        line.update(subtotal_tax="0.00", total_tax="0.00", taxes=[])
    order.update(cart_tax="0.00", total_tax="0.00", total="28.00", tax_lines=[])
    return order


def problems(data: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(WooOrderError) as info:
        WooOrder.parse(data, **kwargs)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def rules(order: dict[str, Any]) -> dict[str, InvariantViolation]:
    return {v.rule: v for v in WooOrder.parse(order).check_invariants()}


# --- the published examples ------------------------------------------------------------------


@pytest.mark.parametrize("name", ORDER_FILES)
def test_every_single_example_order_parses_holds_its_invariants_and_round_trips(name: str) -> None:
    raw = example(name)
    order = WooOrder.parse((EXAMPLES / name).read_bytes())
    assert order.check_invariants() == []
    assert order.to_wire() == raw


@pytest.mark.parametrize("name", ORDER_LIST_FILES)
def test_every_listed_example_order_parses_holds_its_invariants_and_round_trips(name: str) -> None:
    raw = example(name)
    orders = WooOrder.parse_many((EXAMPLES / name).read_text(encoding="utf-8"))
    assert [order.id for order in orders] == [item["id"] for item in raw]
    for order, item in zip(orders, raw, strict=True):
        assert order.check_invariants() == []
        assert order.to_wire() == item


@pytest.mark.parametrize("name", REFUND_LIST_FILES)
def test_the_refunds_file_parses_as_refunds_and_round_trips(name: str) -> None:
    raw = example(name)
    refunds = WooRefund.parse_many(json.dumps(raw))
    assert [refund.amount for refund in refunds] == [Decimal(item["amount"]) for item in raw]
    assert [refund.to_wire() for refund in refunds] == raw
    line = refunds[1].line_items[0]
    assert (line.quantity, line.total, line.price) == (-1, Decimal("-9.00"), Decimal(-9))
    assert refunds[1].dp == 2


def test_docs_example_values_are_exact_decimals_and_typed_fields() -> None:
    order = WooOrder.parse(example("order-example-docs.json"))
    assert order.total == Decimal("29.35") and order.dp == 2
    variation = order.line_items[1]
    assert (variation.product_id, variation.variation_id) == (22, 23)
    assert variation.taxes[0].total == Decimal("0.9")
    assert order.date_paid is not None and order.date_paid.isoformat() == "2017-03-22T16:28:08"
    assert order.date_completed is None and order.is_guest


def test_the_docs_refund_key_typo_is_read_as_reason_and_written_back_as_given() -> None:
    raw = example("orders-list-example-docs.json")[1]
    order = WooOrder.parse(raw)
    assert [(r.reason, r.total) for r in order.refunds] == [
        ("", Decimal("-10.00")),
        ("", Decimal("-9.00")),
    ]
    assert order.to_wire()["refunds"] == raw["refunds"]


def test_subscription_extras_and_object_meta_values_survive() -> None:
    raw = example("subscription-orders-example-docs.json")[1]
    order = WooOrder.parse(raw)
    assert order.model_extra is not None and order.model_extra["order_type"] == "renewal_order"
    meta = order.line_items[0].meta_data[1]
    assert meta.value["4"]["rate"] == 15 and meta.display_key == "_subtracted_base_location_rates"
    assert order.tax_lines[0].rate_percent == Decimal(10) and order.tax_lines[0].compound


# --- built orders: coupons, fees, 0 decimals, exemption ---------------------------------------


def test_an_order_with_coupon_fees_two_rates_and_taxed_shipping_holds_and_round_trips() -> None:
    raw = rich_order()
    order = WooOrder.parse(json.dumps(raw))
    assert order.check_invariants() == []
    assert order.to_wire() == raw
    assert order.fee_lines[1].total == Decimal("-1.00")
    assert order.coupon_lines[0].nominal_amount == Decimal(10)
    assert order.shipping_lines[0].taxes[0].subtotal is None


def test_a_zero_decimal_store_is_inferred_from_the_total_and_holds() -> None:
    raw = zero_decimal_order()
    order = WooOrder.parse(raw)
    assert order.dp == 0
    assert order.check_invariants() == []
    assert order.tax_lines[0].tax_total == Decimal(528)
    assert order.to_wire() == raw


def test_a_zero_decimal_store_rejects_cents() -> None:
    raw = zero_decimal_order()
    raw["line_items"][0]["total"] = "2500.50"
    assert problems(raw) == [
        "line_items.0.total: more decimals than the store uses "
        "(got '2500.50', expected at most 0 decimals)"
    ]


def test_a_vat_exempt_order_without_taxes_holds() -> None:
    order = WooOrder.parse(exempt_order())
    assert order.is_vat_exempt
    assert order.check_invariants() == []


def test_dp_can_be_given_instead_of_inferred() -> None:
    raw = example("order-example-docs.json")
    order = WooOrder.parse(raw, dp=3)
    assert order.dp == 3
    wire = order.to_wire()
    assert (wire["total"], wire["line_items"][1]["taxes"][0]["total"]) == ("29.350", "0.9")
    assert (
        "total: more decimals than the store uses (got '29.35', expected at most 1 decimal)"
        in problems(raw, dp=1)
    )


@pytest.mark.parametrize("dp", [-1, 9, True])
def test_an_impossible_dp_argument_is_refused(dp: int) -> None:
    with pytest.raises(ValueError, match="dp: must be an integer from 0 to 8"):
        WooOrder.parse(rich_order(), dp=dp)


def test_unknown_keys_anywhere_are_kept_and_key_order_does_not_matter() -> None:
    raw = rich_order()
    raw.update(
        currency_symbol="$",
        order_type="parent_order",
        payment_url="https://shop.example/checkout/order-pay/5001/?pay_for_order=true&key=k",
        _links={"self": [{"href": "https://shop.example/wp-json/wc/v3/orders/5001"}]},
        manual_notes={"anything": [1, 2.5, None]},
    )
    raw["billing"]["neighborhood"] = "Centro"
    raw["line_items"][0]["cost_of_goods_sold"] = {"total_value": 4.5}
    reordered = dict(reversed(list(raw.items())))
    order = WooOrder.parse(json.dumps(reordered))
    assert order.model_extra is not None and order.model_extra["manual_notes"]["anything"][1] == 2.5
    assert order.currency_symbol == "$"
    assert order.to_wire() == raw
    assert json.dumps(order.to_wire(), sort_keys=True) == json.dumps(raw, sort_keys=True)


def test_version_dependent_keys_stay_absent_when_absent() -> None:
    raw = rich_order()
    del raw["shipping"]["phone"], raw["shipping_lines"][0]["instance_id"]
    del raw["tax_lines"][0]["rate_percent"], raw["refunds"], raw["line_items"][0]["sku"]
    wire = WooOrder.parse(raw).to_wire()
    assert wire == raw
    assert "phone" not in wire["shipping"] and "refunds" not in wire


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("status",), "checkout-draft"),
        (("status",), "trash"),
        (("status",), "auto-draft"),
        (("status",), "partial-shipped"),
        (("status",), "ready_to_ship2"),
        (("currency",), "BTC"),
        (("billing", "email"), None),
        (("billing", "email"), ""),
        (("billing", "country"), ""),
        (("line_items", 0, "sku"), None),
        (("line_items", 0, "sku"), ""),
        (("line_items", 0, "image"), {"id": "27765", "src": "https://shop.example/a.jpg"}),
        (("line_items", 0, "image"), {"id": 27765, "src": ""}),
        (("line_items", 0, "image"), {"id": "", "src": ""}),
        (("line_items", 0, "parent_name"), None),
        (("line_items", 0, "price"), 7.9051383333333334),
        (("tax_lines", 0, "rate_percent"), None),
        (("tax_lines", 0, "rate_percent"), 6.625),
        (("date_paid",), None),
        (("meta_data",), [{"id": 3, "key": "_rates", "value": {"3": {"rate": 10}}}]),
        (
            ("line_items", 0, "meta_data"),
            [
                {
                    "id": 4,
                    "key": "pa_color",
                    "value": "black",
                    "display_key": "Color",
                    "display_value": "Black",
                }
            ],
        ),
    ],
)
def test_realistic_variants_are_accepted_and_written_back(
    path: tuple[str | int, ...], value: Any
) -> None:
    raw = rich_order()
    set_at(raw, path, value)
    assert WooOrder.parse(raw).to_wire() == raw


def set_at(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def test_a_plain_price_keeps_its_json_number_kind() -> None:
    raw = rich_order()
    raw["line_items"][0]["price"] = 9
    raw["line_items"][1]["price"] = 4.5
    wire = WooOrder.parse(raw).to_wire()
    prices = [line["price"] for line in wire["line_items"]]
    assert prices == [9, 4.5]
    assert [type(price) for price in prices] == [int, float]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_price_is_written_back_as_the_same_float(price: float) -> None:
    raw = rich_order()
    raw["line_items"][0]["price"] = price
    assert WooOrder.parse(raw).to_wire()["line_items"][0]["price"] == price


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_two_decimal_amount_round_trips_exactly(amount: Decimal) -> None:
    text = f"{amount:.2f}"
    raw = rich_order()
    raw["total"] = text
    order = WooOrder.parse(raw)
    assert order.total == Decimal(text)
    assert order.to_wire()["total"] == text


def test_parse_is_fast_enough_for_hundreds_of_orders_per_second() -> None:
    text = json.dumps([rich_order()] * 500)
    started = time.perf_counter()
    orders = WooOrder.parse_many(text)
    elapsed = time.perf_counter() - started
    assert len(orders) == 500
    assert elapsed < 2.5, f"500 orders took {elapsed:.2f}s"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (
            ("line_items", 0, "quantity"),
            "two",
            "line_items.0.quantity: must be a positive integer "
            "(got 'two', expected an integer > 0)",
        ),
        (
            ("line_items", 1, "quantity"),
            0,
            "line_items.1.quantity: must be a positive integer (got 0, expected an integer > 0)",
        ),
        (
            ("total",),
            "12,50",
            "total: not a money amount (got '12,50', expected a decimal string like \"12.50\")",
        ),
        (
            ("total",),
            32.64,
            'total: not a money amount (got 32.64, expected a decimal string like "12.50")',
        ),
        (
            ("billing", "email"),
            "jane",
            "billing.email: not an email address (got 'jane', expected name@domain)",
        ),
        (
            ("line_items", 0, "total"),
            "18.001",
            "line_items.0.total: more decimals than the store uses "
            "(got '18.001', expected at most 2 decimals)",
        ),
        (("id",), "5001", "id: not an id (got '5001', expected an integer >= 0)"),
        (("customer_id",), -1, "customer_id: not an id (got -1, expected an integer >= 0)"),
        (
            ("status",),
            "Processing",
            "status: not an order status (got 'Processing', expected a status slug like "
            "'processing')",
        ),
        (
            ("currency",),
            "usd",
            "currency: not a currency code (got 'usd', expected 3 capital letters or digits "
            "like 'USD')",
        ),
        (
            ("shipping", "country"),
            "USA",
            "shipping.country: not a country code (got 'USA', expected an ISO 3166-1 alpha-2 "
            "code like 'US', or '')",
        ),
        (
            ("date_created",),
            "2024-05-02 10:11:12",
            "date_created: not a WooCommerce date (got '2024-05-02 10:11:12', expected a date "
            "like 2017-03-22T16:28:02, or null)",
        ),
        (
            ("date_paid",),
            "2024-02-30T10:00:00",
            "date_paid: not a calendar date (got '2024-02-30T10:00:00', expected a date like "
            "2017-03-22T16:28:02, or null)",
        ),
        (
            ("prices_include_tax",),
            "no",
            "prices_include_tax: not a boolean (got 'no', expected true or false)",
        ),
        (
            ("tax_lines", 0, "rate_id"),
            "5",
            "tax_lines.0.rate_id: not an id (got '5', expected an integer >= 0)",
        ),
        (
            ("line_items", 0, "price"),
            "9.00",
            "line_items.0.price: not a number (got '9.00', expected a JSON number like 12.5)",
        ),
        (
            ("line_items", 0, "image"),
            {"id": 1.5, "src": ""},
            "line_items.0.image.id: not an image id (got 1.5, expected an integer or a string)",
        ),
        (
            ("fee_lines", 0, "tax_status"),
            "yes",
            "fee_lines.0.tax_status: not a tax status (got 'yes', expected 'taxable' or 'none')",
        ),
        (
            ("line_items", 0, "taxes", 0, "total"),
            "",
            "line_items.0.taxes.0.total: not a tax amount (got '', expected a decimal string "
            'like "0.545455")',
        ),
        (
            ("refunds", 0, "total"),
            "5.00",
            "refunds.0.total: must be negative or zero "
            "(got '5.00', expected a string like \"-10.00\")",
        ),
        (("billing",), "Ada", "billing: not an object (got 'Ada', expected a JSON object)"),
        (("line_items",), {}, "line_items: not a list (got an object, expected a JSON list)"),
        (
            ("line_items", 0, "name"),
            7,
            "line_items.0.name: not a string (got 7, expected a string)",
        ),
    ],
)
def test_each_kind_of_bad_value_names_its_path_with_got_and_expected(
    path: tuple[str | int, ...], value: Any, problem: str
) -> None:
    raw = rich_order()
    set_at(raw, path, value)
    assert problems(raw) == [problem]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        (("total",), 'total: required field is missing (expected a decimal string like "12.50")'),
        (("billing",), "billing: required field is missing (expected a JSON object)"),
        (("line_items",), "line_items: required field is missing (expected a JSON list)"),
        (
            ("line_items", 1, "quantity"),
            "line_items.1.quantity: required field is missing (expected an integer > 0)",
        ),
        (
            ("shipping_lines", 0, "method_id"),
            "shipping_lines.0.method_id: required field is missing (expected a string)",
        ),
    ],
)
def test_a_missing_required_field_says_what_belongs_there(
    path: tuple[str | int, ...], problem: str
) -> None:
    raw = rich_order()
    parent: Any = raw
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    assert problems(raw) == [problem]


def test_every_problem_is_listed_at_once_without_pydantic_noise() -> None:
    raw = rich_order()
    raw["line_items"][0]["quantity"] = "two"
    raw["billing"]["email"] = "jane"
    raw["currency"] = "dollars"
    raw["coupon_lines"][0]["discount"] = None
    found = problems(json.dumps(raw))
    assert [line.partition(":")[0] for line in found] == [
        "currency",
        "billing.email",
        "line_items.0.quantity",
        "coupon_lines.0.discount",
    ]
    text = "\n".join(found)
    for noise in ("Input should", "pydantic", "Traceback", "validation error"):
        assert noise not in text


def test_a_long_bad_value_is_shortened_in_the_message() -> None:
    raw = rich_order()
    raw["billing"]["email"] = "x" * 500
    (problem,) = problems(raw)
    assert len(problem) < 200 and problem.endswith("..., expected name@domain)")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "{",
            "<root>: not valid JSON "
            "(Expecting property name enclosed in double quotes at line 1 column 2)",
        ),
        (
            "<html>502 Bad Gateway</html>",
            "<root>: not valid JSON (Expecting value at line 1 column 1)",
        ),
        ('{"total": NaN}', "<root>: not valid JSON (NaN is not a JSON number)"),
        (b"\xff\xfe{}", "<root>: not valid JSON (not UTF-8 text: invalid start byte)"),
        ("[]", "<root>: not a JSON object (got a list, expected an order as a JSON object)"),
        ('"order"', "<root>: not a JSON object (got a string, expected an order as a JSON object)"),
    ],
)
def test_text_that_is_not_an_order_object_is_refused_at_the_root(
    text: str | bytes, problem: str
) -> None:
    assert problems(text) == [problem]


def test_parse_many_needs_a_list_and_prefixes_problems_with_the_index() -> None:
    with pytest.raises(WooOrderError) as info:
        WooOrder.parse_many(json.dumps(rich_order()))
    assert info.value.problems == [
        "<root>: not a JSON list (got an object, expected a list of orders)"
    ]
    second = rich_order()
    second["total"] = "abc"
    with pytest.raises(WooOrderError) as info:
        WooOrder.parse_many(json.dumps([rich_order(), second, 7]))
    assert info.value.problems == [
        "1.total: not a money amount (got 'abc', expected a decimal string like \"12.50\")",
        "2: not a JSON object (got a number, expected an order)",
    ]


def test_bad_refunds_are_explained_too() -> None:
    raw = example("order-refunds-list-example-docs.json")
    raw[0]["amount"] = "-10.00"
    raw[1]["line_items"][0]["quantity"] = 1
    with pytest.raises(WooOrderError) as info:
        WooRefund.parse_many(raw)
    assert info.value.problems == [
        "0.amount: must not be negative (got '-10.00', expected a string like \"10.00\")",
        "1.line_items.0.quantity: must be zero or a negative integer (got 1, expected an integer "
        "<= 0)",
    ]


# --- invariants broken on purpose --------------------------------------------------------------


def broken(edit: Any) -> dict[str, Any]:
    raw = rich_order()
    edit(raw)
    return raw


@pytest.mark.parametrize(
    ("edit", "rule", "expected", "actual"),
    [
        (lambda o: o.update(total="33.00"), "total", "32.64", "33.00"),
        (
            lambda o: o["line_items"][0].update(quantity=10**30),
            "limits",
            "1000000",
            "1000000000000000000000000000000",
        ),
        (lambda o: o.update(total_tax="3.15"), "total_tax", "3.14", "3.15"),
        (lambda o: o["tax_lines"][1].update(tax_total="0.10"), "cart_tax", "2.65", "2.64"),
        (
            lambda o: o["tax_lines"][0].update(shipping_tax_total="0.49"),
            "shipping_tax",
            "0.49",
            "0.50",
        ),
        (lambda o: o.update(cart_tax="2.74"), "cart_tax.items", "2.64", "2.74"),
        (lambda o: o.update(shipping_tax="0.60"), "shipping_tax.items", "0.50", "0.60"),
        (
            lambda o: o["tax_lines"][0].update(tax_total="2.50"),
            "tax_line.tax_total",
            "2.55",
            "2.50",
        ),
        (
            lambda o: o["tax_lines"][0].update(shipping_tax_total="0.40"),
            "tax_line.shipping_tax_total",
            "0.50",
            "0.40",
        ),
        (lambda o: o["shipping_lines"][0].update(total="6.00"), "shipping_total", "6.00", "5.00"),
        (lambda o: o.update(discount_total="2.00"), "discount_total", "2.50", "2.00"),
        (lambda o: o.update(discount_tax="0.30"), "discount_tax", "0.26", "0.30"),
        (lambda o: o["line_items"][0].update(total_tax="1.90"), "line.total_tax", "1.80", "1.90"),
        (
            lambda o: o["line_items"][1].update(subtotal_tax="0.70"),
            "line.subtotal_tax",
            "0.60",
            "0.70",
        ),
        (lambda o: o["tax_lines"][1].update(rate_id=7), "tax_line.per_rate", "1", "0"),
        (
            lambda o: o["tax_lines"].append(dict(o["tax_lines"][1], id=92, tax_total="0.00")),
            "tax_line.per_rate",
            "1",
            "2",
        ),
        (
            lambda o: o["refunds"].append({"id": 901, "reason": "", "total": "-30.00"}),
            "refunds",
            "32.64",
            "35.00",
        ),
        (
            lambda o: o["meta_data"].__setitem__(
                0, {"id": 1, "key": "is_vat_exempt", "value": "yes"}
            ),
            "vat_exempt",
            "0",
            "3.14",
        ),
    ],
)
def test_each_broken_invariant_is_reported_with_its_numbers(
    edit: Any, rule: str, expected: str, actual: str
) -> None:
    found = rules(broken(edit))
    assert rule in found, f"{rule} not in {sorted(found)}"
    violation = found[rule]
    assert (violation.expected, violation.actual) == (Decimal(expected), Decimal(actual))
    assert violation.message.startswith(f"{rule}: ")
    if rule not in ("tax_line.per_rate", "vat_exempt"):
        assert expected in violation.message and actual in violation.message


def test_every_rule_has_a_broken_example_above() -> None:
    marks = test_each_broken_invariant_is_reported_with_its_numbers.pytestmark
    (parametrize,) = [mark for mark in marks if mark.name == "parametrize"]
    covered = {case[1] for case in parametrize.args[1]} | {"negative_fee"}
    assert covered == set(RULES)


def test_a_negative_fee_that_pushes_the_order_below_zero_is_reported() -> None:
    raw = rich_order()
    raw["fee_lines"][1]["total"] = "-30.00"  # lines 22.50 + fees 3.00 - 30.00 + shipping 5.00
    assert "negative_fee" not in rules(raw)
    raw["fee_lines"][1]["total"] = "-31.00"
    violation = rules(raw)["negative_fee"]
    assert (violation.expected, violation.actual) == (Decimal(0), Decimal("-0.50"))
    assert "-0.50" in violation.message


def test_the_total_message_shows_every_term_of_the_sum() -> None:
    violation = rules(broken(lambda o: o.update(total="33.00")))["total"]
    assert violation.message == (
        "total: total is 33.00 but lines 22.50 + fees 2.00 + shipping_total 5.00 + "
        "cart_tax 2.64 + shipping_tax 0.50 = 32.64"
    )


def test_unformatted_line_taxes_are_rounded_per_line_with_one_unit_of_slack() -> None:
    raw = rich_order()
    raw["line_items"][0]["taxes"][0]["total"] = "1.795"  # rounds half up to 1.80
    assert WooOrder.parse(raw).check_invariants() == []
    raw["line_items"][0]["taxes"][0]["total"] = "1.786"  # rounds to 1.79: one unit, tolerated
    assert WooOrder.parse(raw).check_invariants() == []
    raw["line_items"][0]["taxes"][0]["total"] = "1.776"  # rounds to 1.78: two units off
    found = rules(raw)
    assert found["line.total_tax"].expected == Decimal("1.78")
    assert "allowed difference 0.01" in found["line.total_tax"].message


def test_formatted_line_taxes_get_no_slack() -> None:
    raw = rich_order()
    raw["line_items"][0]["taxes"][0]["total"] = "1.79"
    found = rules(raw)
    assert found["line.total_tax"].actual == Decimal("1.80")
    assert found["line.total_tax"].expected == Decimal("1.79")


def test_a_zero_decimal_store_checks_at_whole_units() -> None:
    raw = zero_decimal_order()
    raw["total"] = "6308"
    violation = rules(raw)["total"]
    assert (violation.expected, violation.actual) == (Decimal(6307), Decimal(6308))
    assert "= 6307" in violation.message


def test_a_vat_exempt_order_that_still_carries_tax_is_reported() -> None:
    raw = copy.deepcopy(zero_decimal_order())
    raw["meta_data"] = [{"id": 1, "key": "is_vat_exempt", "value": "yes"}]
    violation = rules(raw)["vat_exempt"]
    assert violation.actual == Decimal(528)


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [(Decimal("32.64"), True), (Decimal("NaN"), False), (Decimal("1E+30"), False)],
)
def test_decimals_from_python_callers_meet_the_same_bounds_as_wire_strings(
    amount: Decimal, accepted: bool
) -> None:
    raw = rich_order()
    raw["total"] = amount
    if accepted:
        assert WooOrder.parse(raw).to_wire()["total"] == "32.64"
    else:
        assert problems(raw, dp=2) == [
            f'total: not a money amount (got {amount!r}, expected a decimal string like "12.50")'
        ]


def test_validating_without_parse_still_knows_the_store_decimals() -> None:
    order = WooOrder.model_validate(zero_decimal_order())
    assert order.dp == 0
    assert order.to_wire()["total"] == "6307"
    changed = order.model_copy(update={"total": Decimal(6400)})
    assert [v.rule for v in changed.check_invariants()] == ["total"]


# --- values past what a store can hold ---------------------------------------------------------


def test_an_absurd_quantity_is_named_by_its_field_with_the_limit() -> None:
    raw = rich_order()
    raw["line_items"][1]["quantity"] = 10**30
    (violation,) = WooOrder.parse(raw).check_invariants()
    assert violation.rule == "limits"
    assert violation.message.startswith(
        "limits: line_items[1].quantity is 1000000000000000000000000000000, more than a store "
        "can hold (at most 1,000,000 per line)"
    )


def test_a_quantity_at_the_limit_is_only_judged_by_the_arithmetic() -> None:
    raw = rich_order()
    raw["line_items"][0]["quantity"] = 10**6
    assert "limits" not in rules(raw)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("total",), "1000000000000.01", "total"),
        (("line_items", 0, "subtotal"), "-2000000000000.00", "line_items[0].subtotal"),
        (("shipping_lines", 0, "total"), "99999999999999999999.00", "shipping_lines[0].total"),
        (("line_items", 0, "taxes", 0, "total"), "1000000000001", "line_items[0].taxes[0].total"),
        (("line_items", 0, "price"), 1e15, "line_items[0].price"),
    ],
)
def test_an_amount_past_a_trillion_is_named_by_its_field(
    path: tuple[str | int, ...], value: Any, field: str
) -> None:
    raw = rich_order()
    set_at(raw, path, value)
    found = [v for v in WooOrder.parse(raw).check_invariants() if v.rule == "limits"]
    assert [v.message.split(" is ")[0] for v in found] == [f"limits: {field}"]
    assert "at most 1,000,000,000,000 either way" in found[0].message


def test_a_non_finite_number_from_a_python_caller_is_refused_without_arithmetic() -> None:
    order = WooOrder.parse(rich_order())
    broken_order = order.model_copy(update={"total": Decimal("Infinity")})
    (violation,) = broken_order.check_invariants()
    assert violation.message.startswith("limits: total is not a finite number")
