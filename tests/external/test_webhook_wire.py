"""WooCommerce webhooks as a store sends them (reference woocommerce-orders.md section 7)."""

from __future__ import annotations

import base64
import json

import pytest
from external_helpers import receiver

from harness.catalogue.spec import Catalogue
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from harness.woo.webhook import (
    Webhook,
    WebhookError,
    signature,
    signature_matches,
    source_url_of,
    wp_json_encode,
)

SECRET = "wc-secret-31f9"


@pytest.fixture(scope="module")
def order(catalogue: Catalogue) -> WooOrder:
    return generate(catalogue.get("new-customer"), 0)


def test_body_escapes_slashes_like_php_json_encode() -> None:
    assert wp_json_encode({"href": "https://shop.example/wp-json/wc/v3/orders/7"}) == (
        b'{"href":"https:\\/\\/shop.example\\/wp-json\\/wc\\/v3\\/orders\\/7"}'
    )


def test_body_escapes_non_ascii_as_utf16_units() -> None:
    # PHP without JSON_UNESCAPED_UNICODE: \uXXXX, surrogate pairs beyond the BMP.
    assert wp_json_encode({"note": "Café €5 😀"}) == (
        b'{"note":"Caf\\u00e9 \\u20ac5 \\ud83d\\ude00"}'
    )


def test_body_is_compact_and_keeps_key_order_and_numbers() -> None:
    assert wp_json_encode({"b": [1, 2.5], "a": {"x": None, "y": True}, "p": 44.1}) == (
        b'{"b":[1,2.5],"a":{"x":null,"y":true},"p":44.1}'
    )


def test_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expected = bytes.fromhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    assert signature(b"what do ya want for nothing?", "Jefe") == base64.b64encode(
        expected
    ).decode()


def test_signature_matches_only_the_exact_signature() -> None:
    body = b'{"id":1}'
    good = signature(body, SECRET)
    assert signature_matches(body, SECRET, good)
    assert not signature_matches(body + b" ", SECRET, good)
    assert not signature_matches(body, SECRET + "x", good)
    assert not signature_matches(body, SECRET, None)


def test_source_url_is_the_store_home_with_a_trailing_slash(order: WooOrder) -> None:
    assert source_url_of(order.to_wire()) == "https://acme-outfitters.example/"
    assert source_url_of({}, "https://fallback.example") == "https://fallback.example/"


def test_order_created_delivery_carries_woocommerce_headers_and_raw_body(
    order: WooOrder,
) -> None:
    with receiver() as hook:
        webhook = Webhook(hook.url, SECRET, webhook_id=14, wc_version="9.4.3",
                          wp_version="6.7.1")
        result = webhook.deliver("order.created", order.to_wire())
    assert result.ok and len(result.attempts) == 1
    sent = hook.received[0]
    headers = {k.lower(): v for k, v in sent.headers.items()}
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == "WooCommerce/9.4.3 Hookshot (WordPress/6.7.1)"
    assert headers["x-wc-webhook-source"] == "https://acme-outfitters.example/"
    assert headers["x-wc-webhook-topic"] == "order.created"
    assert headers["x-wc-webhook-resource"] == "order"
    assert headers["x-wc-webhook-event"] == "created"
    assert headers["x-wc-webhook-id"] == "14"
    assert len(headers["x-wc-webhook-delivery-id"]) == 32
    assert sent.body == wp_json_encode(order.to_wire())
    assert b"\\/" in sent.body  # the _links URLs arrive escaped
    assert signature_matches(sent.body, SECRET, headers["x-wc-webhook-signature"])
    assert json.loads(sent.body) == order.to_wire()


def test_every_delivery_gets_a_new_delivery_id(order: WooOrder) -> None:
    with receiver() as hook:
        webhook = Webhook(hook.url, SECRET)
        webhook.deliver("order.created", order.to_wire())
        webhook.deliver("order.updated", order.to_wire())
    ids = {r.headers["X-WC-Webhook-Delivery-ID"] for r in hook.received}
    assert len(ids) == 2
    assert [r.headers["X-WC-Webhook-Event"] for r in hook.received] == ["created", "updated"]


def test_deleted_topic_sends_only_the_id(order: WooOrder) -> None:
    with receiver() as hook:
        Webhook(hook.url, SECRET).deliver("order.deleted", order.to_wire())
    assert hook.received[0].body == f'{{"id":{order.id}}}'.encode()


def test_ping_is_a_form_body_without_wc_headers() -> None:
    with receiver() as hook:
        attempt = Webhook(hook.url, SECRET, webhook_id=7).ping()
    sent = hook.received[0]
    assert attempt.ok and attempt.topic == "ping"
    assert sent.body == b"webhook_id=7"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert not [name for name in sent.headers if name.lower().startswith("x-wc-")]


@pytest.mark.parametrize("status", [201, 204, 302, 401])
def test_ping_accepts_nothing_but_200(status: int) -> None:
    with receiver([(status, b"")]) as hook:
        attempt = Webhook(hook.url, SECRET).ping()
    assert not attempt.ok and attempt.status == status


@pytest.mark.parametrize(
    ("status", "ok"),
    [(200, True), (201, True), (204, True), (301, True), (302, True), (303, False),
     (400, False), (500, False)],
)
def test_a_200_to_302_answer_is_a_successful_delivery(
    order: WooOrder, status: int, ok: bool
) -> None:
    with receiver([(status, b"")]) as hook:
        webhook = Webhook(hook.url, SECRET)
        result = webhook.deliver("order.created", order.to_wire())
    assert result.ok is ok
    assert webhook.failure_count == (0 if ok else 1)
    assert len(hook.received) == 1  # a redirect is an answer, never followed


def test_webhook_is_disabled_once_failures_exceed_five(order: WooOrder) -> None:
    with receiver([(500, b"down")]) as hook:
        webhook = Webhook(hook.url, SECRET)
        for _ in range(6):
            assert not webhook.deliver("order.updated", order.to_wire()).ok
        assert (webhook.status, webhook.failure_count) == ("active", 6)
        webhook.deliver("order.updated", order.to_wire())  # count 6 > 5: disabled
        assert webhook.status == "disabled"
        skipped = webhook.deliver("order.updated", order.to_wire())
    assert len(hook.received) == 7
    assert skipped.attempts == () and "disabled after 6" in (skipped.not_sent or "")


def test_a_success_resets_the_failure_count(order: WooOrder) -> None:
    with receiver([(500, b""), (500, b""), (200, b"")]) as hook:
        webhook = Webhook(hook.url, SECRET)
        for _ in range(3):
            webhook.deliver("order.updated", order.to_wire())
    assert webhook.failure_count == 0 and webhook.status == "active"


def test_failed_deliveries_are_rescheduled_by_retry_delays(order: WooOrder) -> None:
    slept: list[float] = []
    with receiver([(503, b"busy"), (500, b"boom"), (200, b"ok")]) as hook:
        webhook = Webhook(hook.url, SECRET, retry_delays=(1.0, 5.0, 25.0), sleep=slept.append)
        result = webhook.deliver("order.created", order.to_wire())
    assert result.ok
    assert [a.status for a in result.attempts] == [503, 500, 200]
    assert [a.attempt for a in result.attempts] == [1, 2, 3]
    assert slept == [1.0, 5.0]
    assert len({a.delivery_id for a in result.attempts}) == 3
    assert webhook.failure_count == 0
    assert [a.summary().split(" ->")[0] for a in webhook.log] == [
        "order.created attempt 1", "order.created attempt 2", "order.created attempt 3"]


def test_retries_stop_when_the_schedule_runs_out(order: WooOrder) -> None:
    slept: list[float] = []
    with receiver([(500, b"")]) as hook:
        webhook = Webhook(hook.url, SECRET, retry_delays=(0.5,), sleep=slept.append)
        result = webhook.deliver("order.created", order.to_wire())
    assert not result.ok and len(result.attempts) == 2 and slept == [0.5]
    assert webhook.failure_count == 2


@pytest.mark.parametrize("status", ["draft", "auto-draft", "new"])
def test_orders_in_draft_statuses_are_not_delivered(order: WooOrder, status: str) -> None:
    with receiver() as hook:
        result = Webhook(hook.url, SECRET).deliver(
            "order.created", {**order.to_wire(), "status": status}
        )
    assert hook.received == [] and not result.ok
    assert status in (result.not_sent or "")


def test_an_unreachable_url_is_a_failed_attempt_without_status(order: WooOrder) -> None:
    with receiver() as hook:
        url = hook.url
    webhook = Webhook(url, SECRET, timeout=2)
    result = webhook.deliver("order.created", order.to_wire())
    attempt = result.attempts[0]
    assert attempt.status is None and attempt.error and not attempt.ok
    assert "no answer" in attempt.summary()
    assert webhook.failure_count == 1


def test_a_delivery_url_must_be_http() -> None:
    with pytest.raises(WebhookError, match="not an http"):
        Webhook("ftp://example.com/hook", SECRET)


def test_the_secret_is_not_in_the_repr() -> None:
    assert SECRET not in repr(Webhook("http://127.0.0.1:1/hook", SECRET))
