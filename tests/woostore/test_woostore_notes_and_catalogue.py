"""Order notes (what a connector leaves behind) and the catalogue a connector reads: products
and variations by SKU, customers by email, coupons, tax rates, shipping methods."""

from __future__ import annotations

import pytest
from woostore_helpers import Api, error_of, place

from harness.woo.order import WooOrder
from harness.woostore import EmbeddedStore


@pytest.fixture
def order(store: EmbeddedStore) -> WooOrder:
    return place(store, "existing-customer")[0]


def test_a_connector_note_is_listed_newest_first(api: Api, store: EmbeddedStore,
                                                  order: WooOrder) -> None:
    made = api.post(f"/orders/{order.id}/notes", {"note": "Sales Order SO-77 created"})
    assert made.status_code == 201
    note = made.json()
    assert made.headers["Location"] == f"{api.base}/orders/{order.id}/notes/{note['id']}"
    assert (note["note"], note["customer_note"], note["author"]) == (
        "Sales Order SO-77 created", False, "system")
    assert note["date_created"] == "2024-06-20T10:00:00"
    listed = api.get(f"/orders/{order.id}/notes").json()
    assert [n["note"] for n in listed] == [
        "Sales Order SO-77 created", "Order status changed from Pending payment to Processing."]
    assert [n.note for n in store.notes(order.id)][-1] == "Sales Order SO-77 created"
    assert api.get(f"/orders/{order.id}/notes/{note['id']}").json()["id"] == note["id"]


def test_customer_notes_and_the_type_filter(api: Api, order: WooOrder) -> None:
    api.post(f"/orders/{order.id}/notes", {"note": "Shipped today", "customer_note": True,
                                           "added_by_user": True})
    customer = api.get(f"/orders/{order.id}/notes", type="customer").json()
    assert [(n["note"], n["author"]) for n in customer] == [("Shipped today", "admin")]
    internal = api.get(f"/orders/{order.id}/notes", type="internal").json()
    assert all(not n["customer_note"] for n in internal) and internal


def test_note_errors(api: Api, order: WooOrder) -> None:
    assert error_of(api.post(f"/orders/{order.id}/notes", {})) == (
        400, "rest_missing_callback_param", "Missing parameter(s): note")
    assert error_of(api.post("/orders/999/notes", {"note": "x"})) == (
        404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
    assert error_of(api.get(f"/orders/{order.id}/notes/999")) == (
        404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
    note = api.post(f"/orders/{order.id}/notes", {"note": "x"}).json()
    assert error_of(api.delete(f"/orders/{order.id}/notes/{note['id']}"))[:2] == (
        501, "woocommerce_rest_trash_not_supported")
    assert api.delete(f"/orders/{order.id}/notes/{note['id']}", force="true").status_code == 200
    assert error_of(api.get(f"/orders/{order.id}/notes/{note['id']}"))[0] == 404


def test_products_by_sku_include_variations(api: Api) -> None:
    listed = api.get("/products", per_page=100).json()
    assert "variation" not in {p["type"] for p in listed}
    assert {p["sku"] for p in listed} >= {"MUG-WHT", "TEE-RED-S", "GIFT-CARD-25"}
    hoodie = next(p for p in listed if p["id"] == 102)
    assert (hoodie["type"], hoodie["variations"]) == ("variable", [1021, 1022])
    found = api.get("/products", sku="HOODIE-BLK-L").json()
    assert [(p["id"], p["type"], p["parent_id"], p["price"]) for p in found] == [
        (1022, "variation", 102, "49.00")]
    two = api.get("/products", sku="MUG-WHT,BEANIE-GRY").json()
    assert sorted(p["sku"] for p in two) == ["BEANIE-GRY", "MUG-WHT"]
    gift = api.get("/products/107").json()
    assert (gift["tax_status"], gift["regular_price"]) == ("none", "25.00")
    assert error_of(api.get("/products/9999")) == (404, "woocommerce_rest_product_invalid_id",
                                                   "Invalid ID.")


def test_variations_of_a_product(api: Api) -> None:
    variations = api.get("/products/102/variations").json()
    assert sorted(v["sku"] for v in variations) == ["HOODIE-BLK-L", "HOODIE-BLK-M"]
    medium = api.get("/products/102/variations/1021").json()
    assert [(a["name"], a["option"]) for a in medium["attributes"]] == [
        ("Color", "Black"), ("Size", "M")]
    assert [v["id"] for v in api.get("/products/102/variations", sku="HOODIE-BLK-M").json()] == [
        1021]
    assert error_of(api.get("/products/102/variations/104"))[:2] == (
        404, "woocommerce_rest_product_variation_invalid_id")


def test_customers_by_email(api: Api) -> None:
    found = api.get("/customers", email="jane.doe@example.com").json()
    assert [(c["id"], c["first_name"], c["billing"]["address_1"]) for c in found] == [
        (12, "Jane", "500 Market St")]
    assert api.get("/customers", email="nobody@example.com").json() == []
    assert error_of(api.get("/customers", email="not-an-email"))[:2] == (400, "rest_invalid_param")
    everyone = api.get("/customers")
    assert everyone.headers["X-WP-Total"] == "4"
    assert api.get("/customers/31").json()["billing"]["company"] == "Northwind Traders"
    assert error_of(api.get("/customers/1")) == (404, "woocommerce_rest_invalid_id",
                                                 "Invalid resource ID.")


def test_coupons_taxes_and_shipping(api: Api) -> None:
    coupons = api.get("/coupons", code="WELCOME10").json()
    assert [(c["code"], c["discount_type"], c["amount"]) for c in coupons] == [
        ("welcome10", "percent", "10.00")]
    assert api.get(f"/coupons/{coupons[0]['id']}").json()["code"] == "welcome10"
    taxes = api.get("/taxes").json()
    assert [(t["id"], t["state"], t["rate"], t["shipping"]) for t in taxes] == [
        (1, "CA", "7.2500", False), (2, "NY", "8.8750", True), (3, "ON", "13.0000", True)]
    assert api.get("/taxes/3").json()["name"] == "HST"
    methods = api.get("/shipping_methods").json()
    assert [m["id"] for m in methods] == ["flat_rate", "free_shipping", "local_pickup",
                                           "table_rate"]
    assert api.get("/shipping_methods/table_rate").json()["title"] == "Table Rate Shipping"
    assert error_of(api.get("/shipping_methods/ups"))[:2] == (
        404, "woocommerce_rest_shipping_method_invalid")
    instances = api.get("/shipping/zones/0/methods").json()
    assert {(m["instance_id"], m["settings"]["cost"]["value"]) for m in instances} >= {
        (1, "8.00"), (7, "14.50")}
