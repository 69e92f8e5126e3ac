"""readback(): what NetSuite holds for an order, in three requests, whatever the field casing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from landing_helpers import FakeClient

from harness.landing.readback import parse_sales_order, readback, to_decimal, to_ref
from harness.landing.refdata import NamedRef
from harness.netsuite.errors import NetSuiteError

LINK = [{"rel": "self", "href": "https://1234567-sb1.suitetalk.api.netsuite.com/x"}]


def sales_order(**overrides: Any) -> dict[str, Any]:
    """A `GET salesOrder/7001?expandSubResources=true` answer in NetSuite's own mixed casing."""
    record: dict[str, Any] = {
        "links": LINK,
        "id": "7001",
        "tranId": "SO1001",
        "externalId": "woo-5001",
        "otherRefNum": "5001",
        "orderStatus": {"id": "B", "refName": "Pending Fulfillment"},
        "entity": {"links": LINK, "id": "1001", "refName": "Jane Doe"},
        "subsidiary": {"links": LINK, "id": "1", "refName": "Acme Outfitters Inc."},
        "currency": {"links": LINK, "id": "1", "refName": "USA"},
        "currencysymbol": "USD",
        "shipMethod": {"links": LINK, "id": "201", "refName": "UPS Ground"},
        "shippingCost": 8.0,
        "discountTotal": 0.0,
        "taxItem": {"id": "301", "refName": "CA-STATE"},
        "taxRate": "7.25%",
        "taxTotal": 7.98,
        "subtotal": 110.0,
        "total": 125.98,
        "item": {"links": LINK, "items": [
            {"links": LINK, "line": 1, "item": {"id": "101", "refName": "HOODIE-BLK-M"},
             "quantity": 2.0, "rate": 49.0, "amount": 98.0,
             "price": {"id": "-1", "refName": "Custom"}, "itemType": "InvtPart"},
            {"links": LINK, "line": 2, "item": {"id": "104", "refName": "MUG-WHT"},
             "quantity": 1.0, "rate": 12.0, "amount": 12.0,
             "price": {"id": "-1", "refName": "Custom"}},
            {"links": LINK, "line": 3, "itemType": "Subtotal", "amount": 110.0},
        ]},
        "billingaddress": {"links": LINK, "addr1": "500 Market St", "city": "San Francisco",
                           "state": "CA", "zip": "94105", "country": "US"},
        "shippingAddress": {"links": LINK, "addr1": "500 Market St", "city": "San Francisco",
                            "dropdownstate": {"id": "CA", "refName": "California"},
                            "zip": "94105", "country": {"id": "US", "refName": "United States"}},
    }
    record.update(overrides)
    return record


def test_numbers_and_references_as_netsuite_writes_them() -> None:
    assert to_decimal(125.98) == Decimal("125.98")
    assert to_decimal(2.0) == Decimal("2.0") and to_decimal(3) == Decimal(3)
    assert to_decimal("49.50") == Decimal("49.50") and to_decimal(True) is None
    assert to_ref({"id": "7", "refName": "X"}) == NamedRef("7", "X")
    assert to_ref(110) == NamedRef("110", "") and to_ref({"links": []}) is None


def test_parse_reads_mixed_casing_lines_and_addresses() -> None:
    actual = parse_sales_order(sales_order())
    assert actual.sales_order_id == "7001" and actual.found
    assert actual.entity == NamedRef("1001", "Jane Doe")
    assert actual.ship_method == NamedRef("201", "UPS Ground")
    assert actual.shipping_cost == Decimal("8.0") and actual.total == Decimal("125.98")
    assert actual.tax_item == NamedRef("301", "CA-STATE") and actual.tax_rate == Decimal("7.25")
    assert [line.item.id for line in actual.lines] == ["101", "104"]  # subtotal line skipped
    assert actual.lines[0].price_level == NamedRef("-1", "Custom")
    assert actual.lines[0].amount == Decimal("98.0")
    assert actual.billing_address is not None and actual.billing_address.city == "San Francisco"
    assert actual.shipping_address is not None
    assert (actual.shipping_address.state, actual.shipping_address.country) == ("CA", "US")
    assert actual.external_id == "woo-5001" and actual.order_status == "B"


def test_parse_accepts_other_spellings() -> None:
    record = sales_order()
    record["SHIPPINGADDRESS"] = record.pop("shippingAddress")
    record["shippingcost"] = record.pop("shippingCost")
    actual = parse_sales_order(record)
    assert actual.shipping_address is not None and actual.shipping_address.zip == "94105"
    assert actual.shipping_cost == Decimal("8.0")


def test_unexpanded_record_has_no_lines_or_addresses() -> None:
    actual = parse_sales_order(sales_order(item={"links": LINK}, billingaddress={"links": LINK},
                                           shippingAddress={"links": LINK}))
    assert actual.lines == () and actual.billing_address is None


def _fake(orders: list[dict[str, str]], customers: list[dict[str, str]] | None = None,
          **records: dict[str, Any]) -> FakeClient:
    return FakeClient(
        {"transaction": orders, "customer": customers or []},
        records,
        get_error=lambda rid: NetSuiteError(404, "The record instance does not exist.",
                                            code="NONEXISTENT_ID"),
    )


def test_readback_takes_three_requests() -> None:
    fake = _fake(
        [{"id": "7001", "externalid": "woo-5001", "otherrefnum": "5001"}],
        [{"id": "1001", "email": "jane.doe@example.com", "isinactive": "F"}],
        **{"7001": sales_order()},
    )
    actual = readback(fake, external_id="woo-5001", other_ref_num="5001",
                      email="Jane.Doe@Example.com")
    assert actual.order_ids == ("7001",) and actual.sales_order_id == "7001"
    assert actual.customer is not None and actual.customer.id == "1001"
    assert [c.id for c in actual.customers_with_email] == ["1001"]
    assert len(fake.queries) == 2 and fake.gets == ["salesOrder/7001?expand=True"]
    assert "type = 'SalesOrd'" in fake.queries[0] and "LOWER(email)" in fake.queries[1]


def test_duplicates_by_externalid_or_po_number_are_all_counted() -> None:
    fake = _fake(
        [{"id": "7001", "externalid": "woo-5001", "otherrefnum": "5001"},
         {"id": "7002", "otherrefnum": "5001"}],
        **{"7001": sales_order(), "7002": sales_order(id="7002")},
    )
    actual = readback(fake, external_id="woo-5001", other_ref_num="5001")
    assert actual.order_ids == ("7001", "7002") and actual.sales_order_id == "7001"


def test_the_connectors_id_is_read_when_no_reference_number_finds_it() -> None:
    fake = _fake([], **{"7009": sales_order(id="7009", externalId=None, otherRefNum=None)})
    actual = readback(fake, external_id="woo-5001", other_ref_num="5001",
                      sales_order_id="7009")
    assert actual.order_ids == ("7009",) and actual.external_id is None


def test_a_connector_id_naming_no_sales_order_is_not_an_order() -> None:
    fake = _fake([])
    actual = readback(fake, external_id="woo-5001", sales_order_id="404404")
    assert not actual.found and actual.order_ids == ()


def test_other_read_failures_are_not_swallowed() -> None:
    fake = FakeClient({"transaction": []}, get_error=lambda rid: NetSuiteError(
        403, "You do not have permission to access this record.", code="INSUFFICIENT_PERMISSION"))
    with pytest.raises(NetSuiteError):
        readback(fake, external_id="woo-5001", sales_order_id="7001")


def test_duplicate_customers_by_normalised_email_and_the_orders_own_customer() -> None:
    fake = _fake(
        [{"id": "7001", "externalid": "woo-5001"}],
        [
            {"id": "1001", "email": "jane.doe@example.com", "isinactive": "F"},
            {"id": "1006", "email": "Jane.Doe@Example.com", "isinactive": "F"},
            {"id": "1007", "email": "jane.doe@example.com", "isinactive": "T"},
        ],
        **{"7001": sales_order(entity={"id": "1006", "refName": "Jane Doe"})},
    )
    actual = readback(fake, external_id="woo-5001", email=" jane.doe@EXAMPLE.com")
    assert [c.id for c in actual.customers_with_email] == ["1001", "1006"]  # inactive left out
    assert actual.customer is not None and actual.customer.id == "1006"
    assert "id = 1006" in fake.queries[-1]
