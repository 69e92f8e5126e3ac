"""Editing a sales order (PATCH, PUT upsert) re-sources what NetSuite re-sources.

Each test names the fact it checks and the line of reference/salesorder-semantics.md that
states it; the order is the one NetSuite sources fields in (line 54).
"""

from __future__ import annotations

from typing import Any

import pytest
from rules_helpers import entry, lines, running, saved, variant
from sandbox_helpers import Client, details

JANE, NORTHWIND, MAPLE_LEAF, ALEX = "1001", "1002", "1003", "1004"
HOODIE, TEE, MUG, GIFT_CARD, WEB_DISCOUNT = "101", "103", "104", "107", "120"
UPS_GROUND, FREE_SHIPPING = "201", "202"
PREFIX = "Error while accessing a resource. "


def order_path(order: dict[str, Any]) -> str:
    return f"record/v1/salesOrder/{order['id']}"


def edited(ns: Client, order: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """PATCH an order (must be accepted) and read it back expanded."""
    response = ns.patch(order_path(order), body)
    assert response.status_code == 204, response.text
    got = ns.get(order_path(order), expandSubResources="true")
    assert got.status_code == 200, got.text
    result: dict[str, Any] = got.json()
    return result


def item_lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = order["item"]["items"]
    return result


def ref(value: Any) -> str | None:
    return None if value is None else str(value["id"])


# --- line 131: Taxable unchecked but a Tax Item set --------------------------------------


def test_line_131_taxable_unchecked_with_tax_item_is_taxed() -> None:
    profile = variant(lambda p: entry(p["customers"], int(JANE)).update(taxable=False))
    with running(profile) as ns:
        got = saved(ns, "salesOrder", {"entity": {"id": JANE}, "item": lines([(HOODIE, 1, 100)])})
    assert ref(got["taxItem"]) == "301" and got["isTaxable"] is True
    assert got["taxTotal"] == 7.25  # CA-STATE 7.25% of 100.00


def test_line_131_taxable_unchecked_and_no_tax_item_is_not_taxed() -> None:
    profile = variant(lambda p: entry(p["customers"], int(ALEX)).update(taxable=False))
    with running(profile) as ns:
        got = saved(ns, "salesOrder", {"entity": {"id": ALEX}, "item": lines([(HOODIE, 1, 100)])})
    assert got["isTaxable"] is False and "taxItem" not in got
    assert got["taxTotal"] == 0.0


def test_line_131_canadian_customer_with_taxable_unchecked_keeps_its_tax_code() -> None:
    # Advanced Taxes (Oracle help section_N1796705): the customer's tax item always applies.
    profile = variant(lambda p: entry(p["customers"], int(MAPLE_LEAF)).update(taxable=False))
    with running(profile) as ns:
        body = {"entity": {"id": MAPLE_LEAF}, "item": lines([(MUG, 1, 100)])}
        got = saved(ns, "salesOrder", body)
    assert ref(item_lines(got)[0]["taxCode"]) == "303"
    assert got["taxTotal"] == 13.0


# --- line 196: a Discount item line lowers the line before it -----------------------------


def test_line_196_discount_line_lowers_the_taxed_amount_of_the_line_before_it(
    ns: Client,
) -> None:
    header = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "discountItem": {"id": WEB_DISCOUNT},
        "discountRate": -10,
    }
    as_line = {"entity": {"id": JANE}, "item": lines([(HOODIE, 1, 49), (WEB_DISCOUNT, 1, -10)])}
    by_header, by_line = saved(ns, "salesOrder", header), saved(ns, "salesOrder", as_line)
    assert by_header["taxTotal"] == by_line["taxTotal"] == 2.83  # 7.25% of 39.00, not of 49.00
    assert by_line["subtotal"] == 39.0 and by_line["total"] == 41.83


def test_line_196_discount_line_lowers_only_the_line_before_it(ns: Client) -> None:
    # The discount follows the gift card, which is not taxed: the hoodie's tax stays whole.
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49), (GIFT_CARD, 1, 25), (WEB_DISCOUNT, 1, -10)]),
    }
    assert saved(ns, "salesOrder", body)["taxTotal"] == 3.55  # 7.25% of 49.00


def test_line_196_discount_line_not_applied_before_tax_leaves_the_tax_alone() -> None:
    profile = variant(lambda p: entry(p["items"], int(WEB_DISCOUNT)).update(applyBeforeTax=False))
    body = {"entity": {"id": JANE}, "item": lines([(HOODIE, 1, 49), (WEB_DISCOUNT, 1, -10)])}
    with running(profile) as ns:
        assert saved(ns, "salesOrder", body)["taxTotal"] == 3.55


def test_line_196_discount_line_lowers_a_canadian_lines_tax_code_base(ns: Client) -> None:
    body = {"entity": {"id": MAPLE_LEAF}, "item": lines([(MUG, 1, 100), (WEB_DISCOUNT, 1, -10)])}
    assert saved(ns, "salesOrder", body)["taxTotal"] == 11.7  # 13% of 90.00


# --- lines 57/178: another ship method re-sources the shipping cost -----------------------


def test_line_57_changing_ship_method_resources_shipping_cost(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "shipMethod": {"id": UPS_GROUND},
    }
    order = saved(ns, "salesOrder", body)
    assert order["shippingCost"] == 9.95
    got = edited(ns, order, {"shipMethod": {"id": FREE_SHIPPING}})
    assert got["shippingCost"] == 0.0
    assert got["total"] == 49.0 + 3.55


def test_line_57_ship_method_and_shipping_cost_in_one_request_keep_the_cost(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "shipMethod": {"id": UPS_GROUND},
    }
    order = saved(ns, "salesOrder", body)
    got = edited(ns, order, {"shipMethod": {"id": FREE_SHIPPING}, "shippingCost": 4})
    assert got["shippingCost"] == 4.0


def test_line_178_an_edit_without_ship_method_keeps_the_cost_sent(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "shipMethod": {"id": UPS_GROUND},
        "shippingCost": 5,
    }
    order = saved(ns, "salesOrder", body)
    assert edited(ns, order, {"memo": "gift wrap"})["shippingCost"] == 5.0
    # The same ship method sent again is no change of ship method.
    assert edited(ns, order, {"shipMethod": {"id": UPS_GROUND}})["shippingCost"] == 5.0


def test_line_178_clearing_the_ship_method_clears_its_cost(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "shipMethod": {"id": UPS_GROUND},
    }
    got = edited(ns, saved(ns, "salesOrder", body), {"shipMethod": None})
    assert "shipMethod" not in got and "shippingCost" not in got
    assert got["total"] == 49.0 + 3.55


def test_line_57_an_upsert_that_changes_ship_method_resources_shipping_cost(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, 49)]),
        "shipMethod": {"id": UPS_GROUND},
        "shippingCost": 5,
    }
    path = "record/v1/salesOrder/eid:woo-7001"
    assert ns.put(path, body).status_code == 204
    assert ns.put(path, {"shipMethod": {"id": FREE_SHIPPING}}).status_code == 204
    assert ns.get(path).json()["shippingCost"] == 0.0


# --- lines 237/54: price level and item re-source the line ---------------------------------


def custom_hoodie_order(ns: Client, customer: str = JANE) -> dict[str, Any]:
    """Two hoodies at the custom rate 40.00."""
    return saved(ns, "salesOrder", {"entity": {"id": customer}, "item": lines([(HOODIE, 2, 40)])})


@pytest.mark.parametrize(("level", "rate"), [("1", 49.0), ("2", 39.2)])
def test_line_237_patching_a_price_level_resources_the_rate(
    ns: Client, level: str, rate: float
) -> None:
    order = custom_hoodie_order(ns)
    got = edited(ns, order, {"item": {"items": [{"line": 1, "price": {"id": level}}]}})
    line = item_lines(got)[0]
    assert (ref(line["price"]), line["rate"], line["amount"]) == (level, rate, 2 * rate)
    assert got["subtotal"] == 2 * rate


def test_line_237_patching_the_custom_level_keeps_the_rate(ns: Client) -> None:
    order = custom_hoodie_order(ns)
    got = edited(ns, order, {"item": {"items": [{"line": 1, "price": {"id": "-1"}}]}})
    assert item_lines(got)[0]["rate"] == 40.0


def test_line_54_a_quantity_change_keeps_the_rate_price_level_and_tax_code(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": {
            "items": [
                {"item": {"id": MUG}, "quantity": 1, "rate": 20, "taxCode": {"id": "305"}},
            ]
        },
    }
    order = saved(ns, "salesOrder", body)
    got = edited(ns, order, {"item": {"items": [{"line": 1, "quantity": 3}]}})
    line = item_lines(got)[0]
    assert (ref(line["price"]), line["rate"], line["amount"]) == ("-1", 20.0, 60.0)
    assert ref(line["taxCode"]) == "305" and got["taxTotal"] == 0.0  # still zero-rated


def test_line_54_changing_a_lines_item_resources_rate_price_level_and_tax(ns: Client) -> None:
    order = custom_hoodie_order(ns)
    assert order["taxTotal"] == 5.8  # 7.25% of 80.00
    got = edited(ns, order, {"item": {"items": [{"line": 1, "item": {"id": GIFT_CARD}}]}})
    line = item_lines(got)[0]
    assert (ref(line["price"]), line["rate"], line["amount"]) == ("1", 25.0, 50.0)
    assert line["isTaxable"] is False and got["taxTotal"] == 0.0  # the gift card is not taxed


def test_line_54_changing_a_canadian_lines_item_resources_its_tax_code(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": {
            "items": [
                {"item": {"id": MUG}, "quantity": 1, "rate": 20, "taxCode": {"id": "305"}},
            ]
        },
    }
    order = saved(ns, "salesOrder", body)
    got = edited(ns, order, {"item": {"items": [{"line": 1, "item": {"id": HOODIE}}]}})
    line = item_lines(got)[0]
    assert ref(line["taxCode"]) == "303" and line["rate"] == 65.0  # the CAD price list
    assert got["taxTotal"] == 8.45  # 13% of 65.00


def test_line_54_an_item_with_a_rate_in_one_request_keeps_the_rate(ns: Client) -> None:
    order = custom_hoodie_order(ns)
    got = edited(ns, order, {"item": {"items": [{"line": 1, "item": {"id": MUG}, "rate": 10}]}})
    line = item_lines(got)[0]
    assert (ref(line["price"]), line["rate"], line["amount"]) == ("-1", 10.0, 20.0)


def test_line_54_a_rate_sent_with_a_listed_price_level_is_overwritten(ns: Client) -> None:
    order = custom_hoodie_order(ns)
    change = {"line": 1, "item": {"id": MUG}, "rate": 10, "price": {"id": "1"}}
    line = item_lines(edited(ns, order, {"item": {"items": [change]}}))[0]
    assert (ref(line["price"]), line["rate"]) == ("1", 12.0)  # price comes after the rate


def test_line_54_an_item_sources_its_sales_description_unless_one_is_sent() -> None:
    def describe(p: dict[str, Any]) -> None:
        entry(p["items"], int(HOODIE))["description"] = "Heavyweight hoodie"
        entry(p["items"], int(MUG))["description"] = "11 oz ceramic mug"

    with running(variant(describe)) as ns:
        order = custom_hoodie_order(ns)
        assert item_lines(order)[0]["description"] == "Heavyweight hoodie"
        got = edited(ns, order, {"item": {"items": [{"line": 1, "item": {"id": MUG}}]}})
        assert item_lines(got)[0]["description"] == "11 oz ceramic mug"
        sent = {"line": 1, "item": {"id": HOODIE}, "description": "Acme Hoodie - Black, M"}
        got = edited(ns, order, {"item": {"items": [sent]}})
        assert item_lines(got)[0]["description"] == "Acme Hoodie - Black, M"


# --- line 56: another customer re-sources what depends on the customer ---------------------


def jane_order(ns: Client) -> dict[str, Any]:
    """A listed hoodie and a custom-rate mug, shipped UPS Ground at a sent 5.00."""
    body = {
        "entity": {"id": JANE},
        "item": lines([(HOODIE, 1, None), (MUG, 1, 10)]),
        "shipMethod": {"id": UPS_GROUND},
        "shippingCost": 5,
    }
    return saved(ns, "salesOrder", body)


def test_line_56_changing_the_customer_to_a_canadian_one_resources_the_order(ns: Client) -> None:
    order = jane_order(ns)
    assert (ref(order["taxItem"]), order["taxTotal"]) == ("301", 4.28)
    got = edited(ns, order, {"entity": {"id": MAPLE_LEAF}})
    assert (ref(got["subsidiary"]), ref(got["currency"])) == ("2", "2")
    assert got["exchangeRate"] == 0.73 and ref(got["terms"]) == "1"
    assert got["shippingAddress"]["city"] == "Toronto"
    assert got["billingAddress"]["country"] == "CA"
    # No stale CA-STATE: the header takes no tax item, each taxable line takes ON-HST.
    assert "taxItem" not in got and "taxRate" not in got
    assert [ref(line["taxCode"]) for line in item_lines(got)] == ["303", "303"]
    # The listed hoodie is priced in CAD; the mug's custom 10.00 stands.
    assert [line["rate"] for line in item_lines(got)] == [65.0, 10.0]
    assert got["shippingCost"] == 9.95  # the ship item's rate again, as on create
    assert got["taxTotal"] == 9.75  # 13% of 75.00 (UPS Ground is not a taxable ship item)
    assert got["total"] == 75.0 + 9.95 + 9.75


def test_line_56_changing_the_customer_back_to_a_us_one_resources_the_tax_item(
    ns: Client,
) -> None:
    body = {"entity": {"id": MAPLE_LEAF}, "item": lines([(MUG, 1, 100)])}
    order = saved(ns, "salesOrder", body)
    got = edited(ns, order, {"entity": {"id": JANE}})
    assert (ref(got["subsidiary"]), ref(got["currency"]), got["exchangeRate"]) == ("1", "1", 1.0)
    assert (ref(got["taxItem"]), got["taxRate"], got["isTaxable"]) == ("301", 7.25, True)
    assert "taxCode" not in item_lines(got)[0]
    assert got["taxTotal"] == 7.25


def test_line_132_a_us_tax_item_on_a_canadian_order_is_refused(ns: Client) -> None:
    order = jane_order(ns)
    response = ns.patch(order_path(order), {"entity": {"id": MAPLE_LEAF}, "taxItem": {"id": "301"}})
    assert response.status_code == 400, response.text
    assert details(response) == [
        {
            "detail": PREFIX + "Invalid taxitem reference key 301 for subsidiary 2.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "taxItem",
        }
    ]
    assert ref(ns.get(order_path(order)).json()["entity"]) == JANE  # nothing was saved


def test_line_235_another_customer_needs_every_line_in_its_subsidiary(ns: Client) -> None:
    order = saved(ns, "salesOrder", {"entity": {"id": JANE}, "item": lines([(TEE, 1, 19.5)])})
    response = ns.patch(order_path(order), {"entity": {"id": MAPLE_LEAF}})
    assert response.status_code == 400, response.text
    assert details(response) == [
        {
            "detail": PREFIX + "Invalid item reference key 103 for subsidiary 2.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "item.items[0].item",
        }
    ]


def test_line_56_a_cost_sent_with_the_new_customer_stands(ns: Client) -> None:
    order = jane_order(ns)
    got = edited(ns, order, {"entity": {"id": NORTHWIND}, "shippingCost": 5})
    assert got["shippingCost"] == 5.0
    assert ref(got["taxItem"]) == "304" and got["taxTotal"] == 0.0  # -Not Taxable-, 0%


# --- line 62: closing every line closes the order -------------------------------------------


def closed_order(ns: Client) -> dict[str, Any]:
    order = saved(ns, "salesOrder", {**jane_order_body(), "orderStatus": "B"})
    close_all = {"item": {"items": [{"line": 1, "isClosed": True}, {"line": 2, "isClosed": True}]}}
    return edited(ns, order, close_all)


def jane_order_body() -> dict[str, Any]:
    return {"entity": {"id": JANE}, "item": lines([(HOODIE, 1, None), (MUG, 1, 10)])}


def test_line_62_closing_every_line_closes_the_order(ns: Client) -> None:
    order = saved(ns, "salesOrder", {**jane_order_body(), "orderStatus": "B"})
    one = edited(ns, order, {"item": {"items": [{"line": 1, "isClosed": True}]}})
    assert one["orderStatus"] == "B"  # one open line left: still pending fulfillment
    got = closed_order(ns)
    assert got["orderStatus"] == "H"
    rows = ns.suiteql(f"SELECT status FROM transaction WHERE id = {got['id']}").json()
    assert rows["items"][0]["status"] == "H"


@pytest.mark.parametrize("status", ["A", "B"])
def test_line_62_a_closed_order_cannot_be_patched_back_to_an_open_status(
    ns: Client, status: str
) -> None:
    order = closed_order(ns)
    response = ns.patch(order_path(order), {"orderStatus": status})
    assert response.status_code == 400, response.text
    assert details(response) == [
        {
            "detail": PREFIX + "This sales order is closed, so its status cannot change. "
            "Clear the Closed box of a line to reopen it.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "orderStatus",
        }
    ]
    assert ns.get(order_path(order)).json()["orderStatus"] == "H"


def test_line_62_reopening_a_line_makes_the_order_pending_fulfillment(ns: Client) -> None:
    order = closed_order(ns)
    assert edited(ns, order, {"memo": "still closed"})["orderStatus"] == "H"
    got = edited(ns, order, {"item": {"items": [{"line": 2, "isClosed": False}]}})
    assert got["orderStatus"] == "B"
