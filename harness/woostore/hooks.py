"""The store's webhooks: CRUD as `/webhooks` does it, deliveries as WooCommerce sends them.

Read in woocommerce/woocommerce `.../Version1/class-wc-rest-webhooks-v1-controller.php` (the v3
controller extends it): a topic and an http(s) delivery URL are required
(`woocommerce_rest_shop_webhook_invalid_topic` / `_invalid_delivery_url`), a new webhook is
pinged, deleting needs `force=true` (webhooks have no trash). Deliveries use
`harness.woo.webhook.Webhook`, the wire format of a real store (body, `X-WC-Webhook-*` headers,
signature, failure count that disables).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from harness.woo.webhook import DeliveryAttempt, DeliveryResult, Webhook
from harness.woostore.clock import Clock
from harness.woostore.errors import WooError, invalid_id, invalid_params

RESOURCES = ("order", "product", "customer", "coupon")
EVENTS = ("created", "updated", "deleted", "restored")
STATUSES = ("active", "paused", "disabled")
# `get_default_topic_hooks` (reference woocommerce-orders.md section 7).
TOPIC_HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded",
                      "woocommerce_delete_order_refund"],
    "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
    "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
}


def valid_topic(topic: str) -> bool:
    """`wc_is_webhook_valid_topic`: `resource.event`, or `action.<hook>`."""
    resource, _, event = topic.lower().partition(".")
    if resource == "action":
        return bool(event)
    return resource in RESOURCES and event in EVENTS


def valid_url(url: object) -> bool:
    """`wc_is_valid_url`: an http or https URL with a host."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass
class HookRecord:
    id: int
    name: str
    topic: str
    created_gmt: datetime
    modified_gmt: datetime
    webhook: Webhook

    def to_wire(self, home: str, utc_offset: timedelta) -> dict[str, Any]:
        resource, _, event = self.topic.partition(".")
        api = f"{home}/wp-json/wc/v3"
        return {
            "id": self.id,
            "name": self.name,
            "status": self.webhook.status,
            "topic": self.topic,
            "resource": resource,
            "event": event,
            "hooks": TOPIC_HOOKS.get(self.topic, [event] if resource == "action" else []),
            "delivery_url": self.webhook.delivery_url,
            "date_created": _date(self.created_gmt + utc_offset),
            "date_created_gmt": _date(self.created_gmt),
            "date_modified": _date(self.modified_gmt + utc_offset),
            "date_modified_gmt": _date(self.modified_gmt),
            "_links": {
                "self": [{"href": f"{api}/webhooks/{self.id}"}],
                "collection": [{"href": f"{api}/webhooks"}],
            },
        }


class Hooks:
    """The store's webhooks. The secret is kept for signing and never served back (INFERRED:
    WooCommerce shows it only in the `edit` context)."""

    def __init__(self, clock: Clock, *, timeout: float = 60.0, first_id: int = 1) -> None:
        self.clock = clock
        self.timeout = timeout
        self.records: dict[int, HookRecord] = {}
        self._first = first_id
        self._next = first_id
        self.lock = threading.RLock()

    def clear(self) -> None:
        with self.lock:
            self.records.clear()
            self._next = self._first

    def get(self, hook_id: int, *, status: int = 404) -> HookRecord:
        found = self.records.get(hook_id)
        if found is None:
            message = "Invalid ID." if status == 404 else "ID is invalid."
            raise invalid_id("shop_webhook", status=status, message=message)
        return found

    def create(self, body: Mapping[str, Any], source_url: str) -> HookRecord:
        if body.get("id"):
            raise WooError(400, "woocommerce_rest_shop_webhook_exists",
                           "Cannot create existing shop_webhook.")
        topic = body.get("topic")
        if not isinstance(topic, str) or not topic or not valid_topic(topic):
            raise WooError(400, "woocommerce_rest_shop_webhook_invalid_topic",
                           "Webhook topic is required and must be valid.")
        if not valid_url(body.get("delivery_url")):
            raise WooError(400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
                           "Webhook delivery URL must be a valid URL starting with http:// or "
                           "https://.")
        status = _status(body.get("status"), default="active")
        secret = body.get("secret")
        if not isinstance(secret, str) or not secret:
            secret = secrets.token_urlsafe(37)  # `wp_generate_password( 50 )`
        with self.lock:
            hook_id, self._next = self._next, self._next + 1
            now = self.clock().replace(tzinfo=None)
            name = body.get("name")
            if not isinstance(name, str) or not name:
                name = f"Webhook created on {now:%b %d, %Y @ %I:%M %p}"
            webhook = Webhook(
                delivery_url=str(body["delivery_url"]), secret=secret, webhook_id=hook_id,
                source_url=source_url, timeout=self.timeout, status=status,
            )
            record = HookRecord(hook_id, name, topic.lower(), now, now, webhook)
            self.records[hook_id] = record
        return record

    def update(self, hook_id: int, body: Mapping[str, Any]) -> HookRecord:
        with self.lock:
            record = self.get(hook_id, status=400)
            topic, url = body.get("topic"), body.get("delivery_url")
            if topic and (not isinstance(topic, str) or not valid_topic(topic)):
                raise WooError(400, "woocommerce_rest_shop_webhook_invalid_topic",
                               "Webhook topic must be valid.")
            if url and not valid_url(url):
                raise WooError(400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
                               "Webhook delivery URL must be a valid URL starting with http:// "
                               "or https://.")
            status = _status(body.get("status"), default=None) if body.get("status") else None
            if isinstance(topic, str) and topic:
                record.topic = topic.lower()
            if isinstance(url, str) and url:
                record.webhook.delivery_url = url
            if isinstance(body.get("secret"), str) and body["secret"]:
                record.webhook.secret = body["secret"]
            if status is not None:
                record.webhook.status = status
                if status == "active":
                    record.webhook.failure_count = 0
            if isinstance(body.get("name"), str) and body["name"]:
                record.name = body["name"]
            record.modified_gmt = self.clock().replace(tzinfo=None)
            return record

    def delete(self, hook_id: int, *, force: bool) -> HookRecord:
        if not force:
            raise WooError(501, "woocommerce_rest_trash_not_supported",
                           "Webhooks do not support trashing.")
        with self.lock:
            record = self.get(hook_id)
            del self.records[hook_id]
            return record

    def listening(self, topic: str) -> list[HookRecord]:
        with self.lock:
            return [r for r in self.records.values() if r.topic == topic]

    def deliver(self, topic: str, payload: Mapping[str, Any]) -> list[DeliveryResult]:
        """Send one event to every webhook on its topic (outside any store lock)."""
        return [record.webhook.deliver(topic, payload) for record in self.listening(topic)]

    def attempts(self) -> list[DeliveryAttempt]:
        with self.lock:
            return [attempt for r in self.records.values() for attempt in r.webhook.log]


def _status(value: object, *, default: str | None) -> Any:
    if value is None or value == "":
        return default
    if value not in STATUSES:
        raise invalid_params(
            {"status": ("rest_not_in_enum", f"status is not one of {', '.join(STATUSES)}.")}
        )
    return value


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
