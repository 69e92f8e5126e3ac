"""Sales order business rules: references, sourcing, preferences and silent behaviours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rules_helpers import entry, lines, running, saved, variant
from sandbox_helpers import Client, details

from harness.sandbox.store.db import fixed_clock

JANE, NORTHWIND, MAPLE_LEAF = "1001", "1002", "1003"
PREFIX = "Error while accessing a resource. "


def rejected(response: Any, *expected: tuple[str, str | None]) -> None:
    """A 400 USER_ERROR whose details are exactly `(detail, path)` in this order."""
    assert response.status_code == 400, response.text
    wanted = []
    for detail, path in expected:
        one = {"detail": PREFIX + detail, "o:errorCode": "USER_ERROR"}
        if path is not None:
            one["o:errorPath"] = path
        wanted.append(one)
    assert details(response) == wanted


# --- items, locations, ship methods, discount items -------------------------------------


def test_an_inactive_item_is_an_invalid_item_reference(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("108", 1, 9.99)])}
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid item reference key 108.", "item.items[0].item"),
    )


def test_an_item_of_another_subsidiary_names_the_subsidiary(ns: Client) -> None:
    body = {"entity": {"id": MAPLE_LEAF}, "item": lines([("104", 1, None), ("103", 1, 26)])}
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid item reference key 103 for subsidiary 2.", "item.items[1].item"),
    )


def test_every_unusable_line_is_reported_at_once(ns: Client) -> None:
    body = {"entity": {"id": MAPLE_LEAF}, "item": lines([("103", 1, 26), ("108", 1, 9)])}
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid item reference key 103 for subsidiary 2.", "item.items[0].item"),
        ("Invalid item reference key 108.", "item.items[1].item"),
    )


def test_a_location_of_another_subsidiary_is_refused_on_the_header_and_lines(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "location": {"id": "2"},
        "item": lines([("101", 1, 49)], location={"id": "2"}),
    }
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid location reference key 2 for subsidiary 1.", "location"),
        ("Invalid location reference key 2 for subsidiary 1.", "item.items[0].location"),
    )


def test_an_inactive_location_is_refused_without_a_subsidiary() -> None:
    profile = variant(lambda p: entry(p["locations"], 1).update(isInactive=True))
    with running(profile) as ns:
        body = {"entity": {"id": JANE}, "location": {"id": "1"}, "item": lines([("101", 1, 49)])}
        rejected(
            ns.post("record/v1/salesOrder", body), ("Invalid location reference key 1.", "location")
        )


def test_a_ship_method_must_be_a_shipping_item(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 49)]), "shipMethod": {"id": "101"}}
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid shipmethod reference key 101.", "shipMethod"),
    )


def test_a_ship_method_of_another_subsidiary_is_refused(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": lines([("104", 1, None)]),
        "shipMethod": {"id": "203"},  # Will Call, Reno only
    }
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid shipmethod reference key 203 for subsidiary 2.", "shipMethod"),
    )


def test_shipping_cost_defaults_from_the_ship_item_and_can_be_overridden(ns: Client) -> None:
    base = {"entity": {"id": JANE}, "item": lines([("107", 1, None)]), "shipMethod": {"id": "201"}}
    assert saved(ns, "salesOrder", base)["shippingCost"] == 9.95
    overridden = saved(ns, "salesOrder", {**base, "shippingCost": 4})
    assert overridden["shippingCost"] == 4.0 and overridden["total"] == 29.0


def test_an_inactive_discount_item_is_refused() -> None:
    profile = variant(lambda p: entry(p["items"], 120).update(isInactive=True))
    body = {
        "entity": {"id": JANE},
        "item": lines([("107", 1, None)]),
        "discountItem": {"id": "120"},
        "discountRate": -5,
    }
    with running(profile) as ns:
        rejected(
            ns.post("record/v1/salesOrder", body),
            ("Invalid discountitem reference key 120.", "discountItem"),
        )


@pytest.mark.parametrize(("rate", "discount"), [("-10.00", -10.0), (-7.5, -7.5), ("-10%", -2.5)])
def test_discount_rate_is_an_amount_or_a_percent_of_the_subtotal(
    ns: Client, rate: Any, discount: float
) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("107", 1, None)]),  # 25.00, not taxable
        "discountItem": {"id": "120"},
        "discountRate": rate,
    }
    got = saved(ns, "salesOrder", body)
    assert got["discountTotal"] == discount
    assert got["total"] == 25 + discount


def test_fees_are_other_charge_lines_and_may_be_negative(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("107", 1, None), ("121", 1, -6)])}
    got = saved(ns, "salesOrder", body)
    assert [line["amount"] for line in got["item"]["items"]] == [25.0, -6.0]
    assert got["item"]["items"][1]["itemType"] == "OthCharge"
    assert got["subtotal"] == 19.0 and got["total"] == 19.0


# --- silent behaviours ---------------------------------------------------------------------


def test_a_rate_sent_with_another_price_level_is_silently_resourced(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": {
            "items": [{"item": {"id": "101"}, "quantity": 1, "rate": 39.0, "price": {"id": "1"}}]
        },
    }
    got = saved(ns, "salesOrder", body)
    line = got["item"]["items"][0]
    assert (line["price"]["id"], line["rate"], line["amount"]) == ("1", 49.0, 49.0)
    assert got["subtotal"] == 49.0  # not the 39.00 that was sent


def test_a_rate_sent_without_a_price_level_makes_the_line_custom(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": {"items": [{"item": {"id": "101"}, "rate": 39.0}]}}
    line = saved(ns, "salesOrder", body)["item"]["items"][0]
    assert (line["price"]["id"], line["rate"]) == ("-1", 39.0)


def test_the_customers_price_level_prices_lines_without_a_rate(ns: Client) -> None:
    body = {"entity": {"id": NORTHWIND}, "item": {"items": [{"item": {"id": "101"}}]}}
    line = saved(ns, "salesOrder", body)["item"]["items"][0]
    assert (line["price"]["id"], line["rate"]) == ("2", 39.2)  # Wholesale: 20% off 49.00


def test_an_inactive_department_is_silently_dropped(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "department": {"id": "3"},  # Catalog Sales, inactive
        "item": lines([("101", 1, 49)], department={"id": "3"}),
        "memo": "kept",
    }
    got = saved(ns, "salesOrder", body)
    assert "department" not in got and "department" not in got["item"]["items"][0]
    assert got["memo"] == "kept"


def test_a_department_of_another_subsidiary_is_silently_dropped(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "department": {"id": "2"},  # Retail: US only
        "item": lines([("104", 1, None)]),
    }
    assert "department" not in saved(ns, "salesOrder", body)
    kept = saved(ns, "salesOrder", {**body, "department": {"id": "1"}})
    assert kept["department"]["id"] == "1"


# --- mandatory fields ----------------------------------------------------------------------


def mandatory(p: dict[str, Any]) -> None:
    p["preferences"].update(
        makeDepartmentsMandatory=True, makeClassesMandatory=True, makeLocationsMandatory=True
    )


def test_mandatory_segments_are_listed_by_label() -> None:
    with running(variant(mandatory)) as ns:
        body = {"entity": {"id": JANE}, "item": lines([("101", 1, 49)])}
        rejected(
            ns.post("record/v1/salesOrder", body),
            ("Please enter value(s) for: Department, Class, Location.", None),
        )


def test_mandatory_segments_are_satisfied_on_the_header_or_on_every_line() -> None:
    with running(variant(mandatory)) as ns:
        body = {
            "entity": {"id": JANE},
            "department": {"id": "1"},
            "location": {"id": "1"},
            "item": lines([("101", 1, 49), ("104", 1, 12)], **{"class": {"id": "1"}}),
        }
        assert saved(ns, "salesOrder", body)["location"]["id"] == "1"
        body["item"]["items"][1].pop("class")
        rejected(ns.post("record/v1/salesOrder", body), ("Please enter value(s) for: Class.", None))


def test_an_inactive_department_dropped_leaves_a_mandatory_department_missing() -> None:
    with running(variant(mandatory)) as ns:
        body = {
            "entity": {"id": JANE},
            "department": {"id": "3"},
            "class": {"id": "1"},
            "location": {"id": "1"},
            "item": lines([("101", 1, 49)]),
        }
        rejected(
            ns.post("record/v1/salesOrder", body), ("Please enter value(s) for: Department.", None)
        )


def test_mandatory_custom_body_and_line_fields() -> None:
    def make_mandatory(p: dict[str, Any]) -> None:
        for custom in p["customFields"]:
            if custom["id"] in ("custbody_woo_order_number", "custcol_woo_line_id"):
                custom["mandatory"] = True

    with running(variant(make_mandatory)) as ns:
        body = {"entity": {"id": JANE}, "item": lines([("101", 1, 49)])}
        rejected(
            ns.post("record/v1/salesOrder", body),
            ("Please enter value(s) for: WooCommerce Order Number, WooCommerce Line Id.", None),
        )
        body["custbody_woo_order_number"] = "1001"
        body["item"]["items"][0]["custcol_woo_line_id"] = "7"
        assert saved(ns, "salesOrder", body)["custbody_woo_order_number"] == "1001"


# --- sourcing and defaults -----------------------------------------------------------------


def test_tran_date_defaults_to_the_accounts_today() -> None:
    # 05:00 UTC on the 16th is still the 15th in Los Angeles, the account's time zone.
    clock = fixed_clock(datetime(2024, 3, 16, 5, 0, tzinfo=UTC))
    with running(variant(lambda p: None), clock=clock) as ns:
        got = saved(ns, "salesOrder", {"entity": {"id": JANE}, "item": lines([("101", 1, 49)])})
    assert got["tranDate"] == "2024-03-15"


def test_order_status_defaults_from_the_preference_and_b_is_accepted(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 49)])}
    assert saved(ns, "salesOrder", body)["orderStatus"] == "A"
    assert saved(ns, "salesOrder", {**body, "orderStatus": "B"})["orderStatus"] == "B"
    with running(variant(lambda p: p["preferences"].update(defaultOrderStatus="B"))) as other:
        assert saved(other, "salesOrder", body)["orderStatus"] == "B"


def test_addresses_and_terms_come_from_the_customer_unless_sent(ns: Client) -> None:
    body = {"entity": {"id": NORTHWIND}, "item": lines([("101", 1, 49)])}
    got = saved(ns, "salesOrder", body)
    assert got["terms"]["refName"] == "Net 30"
    assert got["shippingAddress"]["addr1"] == "350 Fifth Avenue"
    assert got["billingAddress"]["attention"] == "Accounts Payable"
    sent = {"addr1": "1 Dock Rd", "city": "Newark", "state": "NJ", "zip": "07114", "country": "US"}
    other = saved(ns, "salesOrder", {**body, "shippingAddress": sent})
    assert other["shippingAddress"]["addr1"] == "1 Dock Rd"
    assert other["billingAddress"]["addr1"] == "350 Fifth Avenue"


def test_an_inactive_customer_is_an_invalid_entity_reference() -> None:
    profile = variant(lambda p: entry(p["customers"], 1004).update(isInactive=True))
    with running(profile) as ns:
        body = {"entity": {"id": "1004"}, "item": lines([("101", 1, 49)])}
        rejected(
            ns.post("record/v1/salesOrder", body), ("Invalid entity reference key 1004.", "entity")
        )


def test_a_subsidiary_or_currency_the_customer_does_not_have_is_refused(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "subsidiary": {"id": "2"},
        "currency": {"id": "2"},
        "item": lines([("101", 1, 49)]),
    }
    rejected(
        ns.post("record/v1/salesOrder", body),
        ("Invalid subsidiary reference key 2 for entity 1001.", "subsidiary"),
        ("Invalid currency reference key 2 for entity 1001.", "currency"),
    )
