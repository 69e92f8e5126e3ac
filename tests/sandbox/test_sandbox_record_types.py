"""The demo store's reference records over REST: items by type, ship items, tax groups, lists,
the customer address book (reference 3.2 subrecords, 3.3 reads)."""

from __future__ import annotations

import pytest
from sandbox_helpers import Client, details, tba

from harness.sandbox.account import Permission, demo_profile
from harness.sandbox.serve import Sandbox


@pytest.mark.parametrize(
    ("path", "field", "expected"),
    [
        ("inventoryItem/101", "itemId", "HOODIE-BLK-M"),
        ("nonInventorySaleItem/106", "itemId", "STICKER-PACK"),
        ("discountItem/120", "itemId", "Web Discount"),
        ("otherChargeSaleItem/121", "itemId", "Handling Fee"),
        ("shipItem/201", "itemId", "UPS Ground"),
        ("subsidiary/2", "name", "Acme Outfitters Canada Ltd."),
        ("location/2", "name", "Toronto Warehouse"),
        ("currency/2", "symbol", "CAD"),
        ("department/3", "isInactive", True),
        ("classification/1", "name", "Apparel"),
        ("term/2", "daysUntilNetDue", 30),
        ("priceLevel/-1", "name", "Custom"),
    ],
)
def test_reference_records_are_readable(
    ns: Client, path: str, field: str, expected: object
) -> None:
    response = ns.get(f"record/v1/{path}")
    assert response.status_code == 200, response.text
    assert response.json()[field] == expected


def test_an_item_is_only_found_under_its_own_type(ns: Client) -> None:
    assert ns.get("record/v1/nonInventorySaleItem/101").status_code == 404


def test_multi_subsidiary_fields_list_their_references(ns: Client) -> None:
    item = ns.get("record/v1/inventoryItem/101").json()
    assert [ref["id"] for ref in item["subsidiary"]["items"]] == ["1", "2"]
    assert item["subsidiary"]["items"][1]["refName"] == (
        "Acme Outfitters Inc. : Acme Outfitters Canada Ltd."
    )


def test_a_child_subsidiary_names_its_parent_and_currency(ns: Client) -> None:
    sub = ns.get("record/v1/subsidiary/2").json()
    assert sub["parent"]["id"] == "1" and sub["currency"]["refName"] == "Canadian Dollar"
    assert sub["fullName"] == "Acme Outfitters Inc. : Acme Outfitters Canada Ltd."


def test_references_to_items_link_to_the_items_own_type(ns: Client) -> None:
    order_id = ns.create(
        "salesOrder",
        {"entity": {"id": "1001"}, "item": {"items": [{"item": {"id": "106"}, "quantity": 1}]}},
    )
    line = ns.get(f"record/v1/salesOrder/{order_id}/item/1").json()
    assert line["item"]["links"][0]["href"].endswith("/record/v1/nonInventorySaleItem/106")


def list_admin_sandbox() -> Sandbox:
    """The demo account whose integration role may also create list records."""
    demo = demo_profile()
    grants = [
        Permission(category=category, name=name, level="full")
        for category, name in (
            ("lists", "Locations"),
            ("lists", "Departments"),
            ("lists", "Subsidiaries"),
            ("lists", "Currency"),
            ("setup", "Tax Records"),
            ("setup", "Shipping Items"),
        )
    ]
    role = demo.roles[0]
    role = role.model_copy(update={"permissions": grants + role.permissions})
    return Sandbox(demo.model_copy(update={"roles": [role, *demo.roles[1:]]}))


def test_lists_can_be_created_with_their_defaults() -> None:
    sandbox = list_admin_sandbox()
    with sandbox.intercept():
        ns = Client(sandbox.base_url, tba(sandbox))
        location = ns.create("location", {"name": "Vancouver Popup", "subsidiary": {"id": "2"}})
        got = ns.get(f"record/v1/location/{location}").json()
        child = ns.create(
            "subsidiary",
            {"name": "Acme EU", "parent": {"id": "1"}, "country": "IE", "currency": {"id": 1}},
        )
        sub = ns.get(f"record/v1/subsidiary/{child}").json()
        currency = ns.create("currency", {"name": "Euro", "symbol": "EUR"})
        eur = ns.get(f"record/v1/currency/{currency}").json()
        ship = ns.create("shipItem", {"itemId": "Courier"})
        courier = ns.get(f"record/v1/shipItem/{ship}").json()
        nameless = ns.post("record/v1/department", {"subsidiary": {"items": [{"id": 1}]}})
        # No legacy tax item over REST (Oracle help article_0814121722), even for this role.
        legacy = ns.post("record/v1/salesTaxItem", {"itemId": "NV", "subsidiary": {"id": 1}})
    sandbox.close()
    assert got["subsidiary"]["id"] == "2" and got["isInactive"] is False
    assert got["fullName"] == "Vancouver Popup"
    assert int(location) == 3  # after the demo's two locations
    assert sub["fullName"] == "Acme Outfitters Inc. : Acme EU"
    assert eur["currencyPrecision"] == 2 and eur["exchangeRate"] == 1.0
    assert courier["rate"] == 0.0 and int(ship) == 306  # items share one id family
    assert details(nameless)[0]["detail"].endswith("Please enter value(s) for: Name.")
    assert legacy.status_code == 404
    assert details(legacy)[0]["detail"] == "Record type 'salesTaxItem' does not exist."


def test_a_tax_group_rate_is_the_sum_of_its_tax_items() -> None:
    sandbox = list_admin_sandbox()
    with sandbox.intercept():
        ns = Client(sandbox.base_url, tba(sandbox))
        group = ns.create(
            "taxGroup",
            {
                "itemId": "CA+NYC",
                "subsidiary": {"id": 1},
                "country": "US",
                "taxItems": {"items": [{"id": 301}, {"id": 302}]},
            },
        )
        got = ns.get(f"record/v1/taxGroup/{group}").json()
    sandbox.close()
    assert got["rate"] == 16.125
    assert [ref["refName"] for ref in got["taxItems"]["items"]] == ["CA-STATE", "NY-NYC"]


def test_customer_address_book_entries_are_subrecords(ns: Client) -> None:
    customer = ns.create(
        "customer",
        {
            "companyName": "Book Co",
            "subsidiary": {"id": 1},
            "addressbook": {
                "items": [
                    {
                        "label": "HQ",
                        "defaultBilling": True,
                        "addressbookaddress": {
                            "addr1": "1 Loop Rd",
                            "city": "Reno",
                            "state": "NV",
                            "zip": "89501",
                            "country": "US",
                        },
                    }
                ]
            },
        },
    )
    book = ns.get(f"record/v1/customer/{customer}", expandSubResources="true").json()
    (entry,) = book["addressbook"]["items"]
    assert entry["label"] == "HQ" and entry["defaultBilling"] is True
    assert entry["addressbookaddress"]["city"] == "Reno"
    assert entry["addressbookaddress"]["addrText"] == "1 Loop Rd\nReno NV 89501\nUS"
    rows = ns.suiteql(
        f"SELECT defaultbillingaddress, defaultshippingaddress FROM customer WHERE id = {customer}"
    ).json()["items"]
    assert "defaultbillingaddress" in rows[0] and "defaultshippingaddress" not in rows[0]


def test_demo_customers_come_with_their_addresses(ns: Client) -> None:
    jane = ns.get("record/v1/customer/1001", expandSubResources="true").json()
    (home,) = jane["addressbook"]["items"]
    assert home["addressbookaddress"]["zip"] == "94105"
    assert jane["taxItem"]["refName"] == "CA-STATE"
