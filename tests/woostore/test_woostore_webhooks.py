"""Webhooks: managed through `/webhooks`, pinged when made, and delivered on order.created /
order.updated / order.deleted with WooCommerce's headers and a signature a receiver checks."""

from __future__ import annotations

import json

from woostore_helpers import Api, Receiver, error_of, place

from harness.woo.webhook import signature_matches
from harness.woostore import EmbeddedStore

SECRET = "hook-secret-1"


def make(api: Api, url: str, topic: str = "order.updated", **extra: object) -> dict[str, object]:
    answer = api.post("/webhooks", {"delivery_url": url, "topic": topic, "secret": SECRET,
                                    **extra})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_crud(api: Api, receiver: Receiver) -> None:
    made = make(api, receiver.url, name="NetSuite sync")
    assert (made["status"], made["topic"], made["resource"], made["event"]) == (
        "active", "order.updated", "order", "updated")
    assert made["hooks"] == ["woocommerce_update_order", "woocommerce_order_refunded",
                             "woocommerce_delete_order_refund"]
    assert "secret" not in made
    assert api.get(f"/webhooks/{made['id']}").json()["name"] == "NetSuite sync"
    listed = api.get("/webhooks")
    assert [w["id"] for w in listed.json()] == [made["id"]] and listed.headers["X-WP-Total"] == "1"
    paused = api.put(f"/webhooks/{made['id']}", {"status": "paused"}).json()
    assert paused["status"] == "paused"
    assert api.get("/webhooks", status="active").json() == []
    assert error_of(api.delete(f"/webhooks/{made['id']}")) == (
        501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.")
    assert api.delete(f"/webhooks/{made['id']}", force="true").status_code == 200
    assert error_of(api.get(f"/webhooks/{made['id']}")) == (
        404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.")


def test_a_new_webhook_is_pinged(api: Api, receiver: Receiver) -> None:
    made = make(api, receiver.url)
    ping = receiver.received[0]
    assert ping.body == f"webhook_id={made['id']}".encode()
    assert ping.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "X-Wc-Webhook-Signature" not in ping.headers


def test_bad_topic_and_url(api: Api) -> None:
    assert error_of(api.post("/webhooks", {"topic": "order.shipped",
                                           "delivery_url": "http://127.0.0.1:9/x"})) == (
        400, "woocommerce_rest_shop_webhook_invalid_topic",
        "Webhook topic is required and must be valid.")
    assert error_of(api.post("/webhooks", {"topic": "order.created",
                                           "delivery_url": "ftp://x"})) == (
        400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
        "Webhook delivery URL must be a valid URL starting with http:// or https://.")


def test_deliveries_are_signed_and_say_what_happened(
    api: Api, store: EmbeddedStore, receiver: Receiver
) -> None:
    url = receiver.url
    make(api, url, topic="order.created")
    make(api, url, topic="order.updated")
    make(api, url, topic="order.deleted")
    placed = place(store, "existing-customer")[0]
    api.put(f"/orders/{placed.id}", {"meta_data": [{"key": "_netsuite_id", "value": "77"}]})
    api.delete(f"/orders/{placed.id}")

    created, = receiver.of_topic("order.created")
    updated, = receiver.of_topic("order.updated")
    deleted, = receiver.of_topic("order.deleted")
    for delivery in (created, updated, deleted):
        assert signature_matches(delivery.body, SECRET, delivery.headers["X-Wc-Webhook-Signature"])
        assert delivery.headers["X-Wc-Webhook-Source"] == "https://acme-outfitters.example/"
        assert delivery.headers["X-Wc-Webhook-Resource"] == "order"
        assert delivery.headers["User-Agent"].startswith("WooCommerce/")
    assert b"https:\\/\\/" in created.body  # PHP's json_encode, as WooCommerce sends it
    assert json.loads(created.body)["id"] == placed.id
    assert json.loads(updated.body)["meta_data"][-1]["value"] == "77"
    assert json.loads(deleted.body) == {"id": placed.id}
    assert updated.headers["X-Wc-Webhook-Event"] == "updated"


def test_failed_deliveries_are_logged(store: EmbeddedStore, receiver: Receiver) -> None:
    receiver.status = 500
    store.add_webhook(receiver.url, topic="order.created", secret=SECRET)
    place(store, "existing-customer")
    attempts = [a for a in store.deliveries() if a.topic == "order.created"]
    assert [(a.status, a.ok) for a in attempts] == [(500, False)]


def test_a_paused_webhook_sends_nothing(api: Api, store: EmbeddedStore,
                                        receiver: Receiver) -> None:
    made = make(api, receiver.url, topic="order.created", status="paused")
    assert made["status"] == "paused"
    place(store, "existing-customer")
    assert receiver.of_topic("order.created") == []
