"""One order: read, updated as connectors write back (status, meta, notes of status changes,
line items, addresses), created, deleted or trashed, and the batch endpoint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from woostore_helpers import Api, error_of, place

from harness.woo.order import WooOrder
from harness.woostore import EmbeddedStore, ManualClock


@pytest.fixture
def order(store: EmbeddedStore) -> WooOrder:
    return place(store, "existing-customer")[0]


def test_get_one_is_the_placed_order_with_links(api: Api, order: WooOrder) -> None:
    got = api.get(f"/orders/{order.id}").json()
    assert WooOrder.parse(got) == WooOrder.parse({**order.to_wire(), "_links": got["_links"]})
    assert got["_links"]["self"][0]["href"] == f"{api.base}/orders/{order.id}"
    assert got["_links"]["customer"][0]["href"] == f"{api.base}/customers/12"


def test_unknown_order_is_woocommerce_404(api: Api) -> None:
    assert error_of(api.get("/orders/999")) == (404, "woocommerce_rest_shop_order_invalid_id",
                                                 "Invalid ID.")
    assert error_of(api.put("/orders/999", {"status": "completed"})) == (
        400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
    assert error_of(api.delete("/orders/999"))[:2] == (
        404, "woocommerce_rest_shop_order_invalid_id")


def test_unknown_route_is_rest_no_route(api: Api) -> None:
    assert error_of(api.get("/refunds-of-all-kinds")) == (
        404, "rest_no_route", "No route was found matching the URL and request method.")
    assert error_of(api.call("PATCH", "/orders"))[1] == "rest_no_route"


def test_write_back_moves_date_modified_and_notes_the_status(
    api: Api, store: EmbeddedStore, clock: ManualClock, order: WooOrder
) -> None:
    clock.advance(minutes=5)
    answer = api.put(f"/orders/{order.id}", {
        "status": "completed",
        "meta_data": [{"key": "_netsuite_so_id", "value": "SO-1234"}],
    })
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "completed"
    assert (body["date_modified"], body["date_modified_gmt"]) == (
        "2024-06-20T10:05:00", "2024-06-20T10:05:00")
    assert body["date_completed"] == "2024-06-20T10:05:00"
    assert body["date_created"] == "2024-06-20T10:00:00"
    assert store.order(order.id).meta("_netsuite_so_id") == "SO-1234"
    said = [note.note for note in store.notes(order.id)]
    assert said[-1] == "Order status changed from Processing to Completed."


def test_an_update_that_changes_nothing_leaves_the_date(
    api: Api, clock: ManualClock, order: WooOrder
) -> None:
    clock.advance(minutes=5)
    same = api.put(f"/orders/{order.id}", {"status": order.status, "customer_note": ""})
    assert same.json()["date_modified"] == "2024-06-20T10:00:00"


def test_meta_is_updated_by_key_or_id_and_removed_by_null(
    api: Api, store: EmbeddedStore, order: WooOrder
) -> None:
    first = api.put(f"/orders/{order.id}", {"meta_data": [{"key": "_ns_id", "value": "1"}]})
    meta_id = next(m["id"] for m in first.json()["meta_data"] if m["key"] == "_ns_id")
    again = api.put(f"/orders/{order.id}", {"meta_data": [{"key": "_ns_id", "value": "2"}]})
    entries = [m for m in again.json()["meta_data"] if m["key"] == "_ns_id"]
    assert entries == [{"id": meta_id, "key": "_ns_id", "value": "2"}]
    renamed = api.put(f"/orders/{order.id}",
                      {"meta_data": [{"id": meta_id, "key": "_ns_id", "value": {"so": 3}}]})
    assert store.order(order.id).meta("_ns_id") == {"so": 3}
    assert renamed.status_code == 200
    api.put(f"/orders/{order.id}", {"meta_data": [{"key": "_ns_id", "value": None}]})
    assert store.order(order.id).meta("_ns_id") is None


def test_customer_note_and_billing_are_written(api: Api, store: EmbeddedStore,
                                               order: WooOrder) -> None:
    api.put(f"/orders/{order.id}", {"customer_note": "Leave at the door",
                                    "billing": {"phone": "555-0199"}})
    stored = store.order(order.id)
    assert stored.customer_note == "Leave at the door"
    assert stored.billing.phone == "555-0199"
    assert stored.billing.email == order.billing.email


def test_line_items_are_added_changed_and_removed_with_totals_recomputed(
    api: Api, store: EmbeddedStore, order: WooOrder
) -> None:
    mug, beanie = order.line_items
    added = api.put(f"/orders/{order.id}", {"line_items": [
        {"id": beanie.id, "quantity": 0},
        {"sku": "TEE-RED-S", "quantity": 2},
        {"id": mug.id, "total": "20.00"},
    ]}).json()
    lines = {line["sku"]: line for line in added["line_items"]}
    assert set(lines) == {"MUG-WHT", "TEE-RED-S"}
    assert lines["TEE-RED-S"]["subtotal"] == lines["TEE-RED-S"]["total"] == "39.00"
    assert lines["MUG-WHT"]["total"] == "20.00"
    rate = Decimal("0.0725")
    for line in added["line_items"]:
        expected = (Decimal(line["total"]) * rate).quantize(Decimal("0.01"))
        assert Decimal(line["total_tax"]) == expected
    assert WooOrder.parse(added).check_invariants() == []
    items = sum(Decimal(line["total"]) for line in added["line_items"])
    assert Decimal(added["total"]) == items + Decimal(added["shipping_total"]) + Decimal(
        added["total_tax"])


def test_item_errors_are_woocommerces(api: Api, order: WooOrder) -> None:
    assert error_of(api.put(f"/orders/{order.id}", {"line_items": [{"id": 1, "quantity": 2}]})) == (
        400, "woocommerce_rest_invalid_item_id",
        "Order item ID provided is not associated with order.")
    assert error_of(api.put(f"/orders/{order.id}", {"line_items": [{"quantity": 2}]})) == (
        400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required.")
    assert error_of(api.put(f"/orders/{order.id}", {"shipping_lines": [{"total": "1.00"}]})) == (
        400, "woocommerce_rest_invalid_shipping_item", "Shipping method ID is required.")
    assert error_of(api.put(f"/orders/{order.id}", {"fee_lines": [{"total": "1.00"}]})) == (
        400, "woocommerce_rest_invalid_fee_item", "Fee name is required.")
    refused = api.put(f"/orders/{order.id}", {"coupon_lines": [{"code": "nope"}]})
    assert error_of(refused)[:2] == (400, "woocommerce_rest_invalid_coupon")


def test_a_refused_body_changes_nothing(api: Api, store: EmbeddedStore, order: WooOrder) -> None:
    before = store.order(order.id)
    api.put(f"/orders/{order.id}", {"customer_note": "x", "line_items": [{"quantity": 1}]})
    assert store.order(order.id) == before


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        ({"status": "shipped"}, "status", "status is not one of auto-draft, pending, processing, "
         "on-hold, completed, cancelled, refunded, failed, checkout-draft."),
        ({"customer_note": 5}, "customer_note", "customer_note is not of type string."),
        ({"billing": "Jane"}, "billing", "billing is not of type object."),
        ({"meta_data": {"key": "x"}}, "meta_data", "meta_data is not of type array."),
        ({"line_items": [{"quantity": "2"}]}, "line_items",
         "line_items[0][quantity] is not of type integer."),
    ],
)
def test_bad_body_types_are_rest_invalid_param(
    api: Api, order: WooOrder, body: dict[str, Any], name: str, message: str
) -> None:
    answer = api.put(f"/orders/{order.id}", body)
    assert error_of(answer) == (400, "rest_invalid_param", f"Invalid parameter(s): {name}")
    assert answer.json()["data"]["params"] == {name: message}


def test_a_body_that_is_not_json(api: Api, order: WooOrder) -> None:
    answer = api.call("PUT", f"/orders/{order.id}", data=b"{status: completed",
                      headers={"Content-Type": "application/json"})
    assert error_of(answer) == (400, "rest_invalid_json", "Invalid JSON body passed.")


def test_create_computes_the_order_from_the_catalogue(api: Api, store: EmbeddedStore) -> None:
    created = api.post("/orders", {
        "status": "processing", "set_paid": True, "customer_id": 12,
        "billing": {"first_name": "Jane", "country": "US", "state": "CA",
                    "email": "jane.doe@example.com"},
        "line_items": [{"sku": "HOODIE-BLK-M", "quantity": 1}, {"product_id": 104, "quantity": 2}],
        "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate",
                            "total": "8.00"}],
        "coupon_lines": [{"code": "welcome10"}],
        "meta_data": [{"key": "_source", "value": "test"}],
    })
    assert created.status_code == 201
    body = created.json()
    assert created.headers["Location"] == f"{api.base}/orders/{body['id']}"
    assert body["created_via"] == "rest-api"
    assert body["date_paid"] == "2024-06-20T10:00:00"
    hoodie, mugs = body["line_items"]
    assert (hoodie["product_id"], hoodie["variation_id"], hoodie["name"]) == (
        102, 1021, "Acme Hoodie - Black, M")
    assert {m["key"]: m["value"] for m in hoodie["meta_data"]} == {
        "pa_color": "black", "pa_size": "m"}
    assert (hoodie["subtotal"], hoodie["total"]) == ("49.00", "44.10")
    assert (mugs["subtotal"], mugs["total"]) == ("24.00", "21.60")
    assert body["discount_total"] == "7.30"
    assert body["coupon_lines"][0]["discount"] == "7.30"
    # California: 7.25% on each item (3.20 + 1.57, rounded per item), shipping untaxed.
    assert (body["cart_tax"], body["shipping_tax"]) == ("4.77", "0.00")
    assert body["total"] == "78.47"
    assert WooOrder.parse(body).check_invariants() == []
    notes = [note.note for note in store.notes(body["id"])]
    assert notes == ["Order status changed from Pending payment to Processing."]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": 5, "line_items": []}, (400, "woocommerce_rest_shop_order_exists",
                                        "Cannot create existing shop_order.")),
        ({"customer_id": 4242}, (400, "woocommerce_rest_invalid_customer_id",
                                 "Customer ID is invalid.")),
        ({"line_items": [{"sku": "NOPE-1"}]}, (400, "woocommerce_rest_invalid_product_id",
                                               "Invalid product ID or SKU.")),
    ],
)
def test_create_refusals(api: Api, store: EmbeddedStore, body: dict[str, Any],
                         expected: tuple[int, str, str]) -> None:
    assert error_of(api.post("/orders", body)) == expected
    assert store.orders() == []


def test_delete_trashes_then_410_and_force_deletes(api: Api, store: EmbeddedStore,
                                                   order: WooOrder) -> None:
    trashed = api.delete(f"/orders/{order.id}")
    assert trashed.status_code == 200 and trashed.json()["status"] == order.status
    assert store.order(order.id).status == "trash"
    assert error_of(api.delete(f"/orders/{order.id}")) == (
        410, "woocommerce_rest_already_trashed", "The shop_order has already been deleted.")
    gone = api.delete(f"/orders/{order.id}", force="true")
    assert gone.status_code == 200 and gone.json()["id"] == order.id
    assert error_of(api.get(f"/orders/{order.id}"))[0] == 404


def test_batch_creates_updates_and_deletes_each_on_its_own(
    api: Api, store: EmbeddedStore, order: WooOrder
) -> None:
    other = place(store, "new-customer")[0]
    answer = api.post("/orders/batch", {
        "create": [{"line_items": [{"sku": "MUG-WHT"}]}, {"line_items": [{"sku": "NOPE"}]}],
        "update": [{"id": order.id, "status": "completed"}, {"id": 4242, "status": "completed"}],
        "delete": [other.id],
    })
    assert answer.status_code == 200
    body = answer.json()
    made, refused = body["create"]
    assert made["line_items"][0]["sku"] == "MUG-WHT" and made["status"] == "pending"
    assert refused["error"]["code"] == "woocommerce_rest_invalid_product_id"
    assert body["update"][0]["status"] == "completed"
    assert body["update"][1]["error"]["code"] == "woocommerce_rest_shop_order_invalid_id"
    assert body["delete"][0]["id"] == other.id
    assert sorted(o.id for o in store.orders()) == sorted([order.id, made["id"]])


def test_batch_of_more_than_100_is_refused(api: Api) -> None:
    answer = api.post("/orders/batch", {"delete": list(range(1, 102))})
    assert error_of(answer) == (413, "woocommerce_rest_request_entity_too_large",
                                "Unable to accept more than 100 items for this request.")
