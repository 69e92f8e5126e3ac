"""WooCommerce webhooks as a store sends them: activation ping, signed deliveries, failures.

Everything a receiver can observe is reproduced (reference woocommerce-orders.md section 7):
the body is `wp_json_encode` of the order (slashes escaped `\\/`, non-ASCII as `\\uXXXX`,
compact), the `X-WC-Webhook-*` headers, the base64 HMAC-SHA256 signature of the raw bytes,
the form-encoded `webhook_id=<id>` ping that must get exactly 200, a 200-302 answer counting
as success, and the failure count that disables the webhook once it exceeds 5.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

from harness.woo.order import WooOrder

log = logging.getLogger("harness.woo.webhook")

DEFAULT_WC_VERSION = "9.4.3"
DEFAULT_WP_VERSION = "6.7.1"
# WooCommerce's request timeout for deliveries (WHCLS).
DEFAULT_TIMEOUT = 60.0
# `woocommerce_max_webhook_delivery_failures`: disabled once the count exceeds this.
MAX_DELIVERY_FAILURES = 5
# Orders in these statuses are not delivered (WHCLS `is_valid_resource`).
UNDELIVERED_STATUSES = frozenset({"draft", "auto-draft", "new"})
SNIPPET_CHARS = 1000

WebhookStatus = Literal["active", "paused", "disabled"]
# Called for every HTTP attempt: (request, response or exception, seconds, attempt number).
ExchangeHook = Callable[
    [requests.PreparedRequest, "requests.Response | BaseException", float, int], None
]


class WebhookError(Exception):
    """A webhook that cannot be set up or used (bad topic, URL, or a refused ping)."""


def wp_json_encode(payload: Any) -> bytes:
    """The bytes PHP's `json_encode` (WordPress' `wp_json_encode`, default flags) produces.

    Default flags escape `/` as `\\/` and every non-ASCII character as `\\uXXXX` (UTF-16
    surrogate pairs beyond the BMP), with no spaces: exactly what Python's ASCII-only
    compact output gives, plus the slash escapes. `/` occurs only inside JSON strings, so
    replacing it in the text escapes exactly the slashes PHP escapes.
    """
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/").strip().encode("ascii")


def signature(body: bytes, secret: str) -> str:
    """`X-WC-Webhook-Signature`: base64 of HMAC-SHA256 over the raw body with the secret."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(body: bytes, secret: str, header: str | None) -> bool:
    """Whether `header` is the signature of `body`, compared in constant time."""
    return header is not None and hmac.compare_digest(signature(body, secret), header.strip())


def order_from_delivery(
    body: bytes, *, secret: str | None = None, signature_header: str | None = None
) -> WooOrder:
    """The order an `order.*` delivery carries, read as a receiver must: the signature
    checked first when `secret` is given (`WebhookError` if it does not match), then the body
    read within the JSON limits (`WooOrderError` names what is wrong: not JSON, nested too
    deep, a number too long, a field no WooCommerce order holds)."""
    if secret is not None and not signature_matches(body, secret, signature_header):
        raise WebhookError("the delivery's X-WC-Webhook-Signature does not match its body")
    return WooOrder.parse(body)


def user_agent(wc_version: str = DEFAULT_WC_VERSION, wp_version: str = DEFAULT_WP_VERSION) -> str:
    return f"WooCommerce/{wc_version} Hookshot (WordPress/{wp_version})"


def source_url_of(payload: Mapping[str, Any], default: str = "https://woocommerce.example/") -> str:
    """The store's home URL with a trailing slash, read from an order's `_links.self`."""
    links = payload.get("_links")
    selves = links.get("self") if isinstance(links, Mapping) else None
    href = selves[0].get("href") if isinstance(selves, list) and selves else None
    if isinstance(href, str) and "/wp-json/" in href:
        return href.split("/wp-json/", 1)[0].rstrip("/") + "/"
    return default if default.endswith("/") else default + "/"


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}...[{len(text) - limit} more chars]"


@dataclass(frozen=True)
class Delivery:
    """One request ready to send: topic, delivery id, raw body and headers."""

    topic: str
    delivery_id: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class DeliveryAttempt:
    """What happened to one HTTP attempt (the store's delivery log entry)."""

    topic: str  # "ping" for the activation ping
    delivery_id: str
    attempt: int
    url: str
    time: str
    duration_ms: float
    status: int | None = None  # None: no answer (connection refused, timeout)
    response_body: str = ""
    error: str | None = None
    ok: bool = False

    def summary(self) -> str:
        """One line: `order.created #2 -> HTTP 500 "boom" in 12 ms`."""
        if self.status is None:
            outcome = f"no answer ({self.error})"
        else:
            body = " ".join(self.response_body.split())
            outcome = f"HTTP {self.status}" + (f" {_snippet(body, 200)!r}" if body else "")
        return f"{self.topic} attempt {self.attempt} -> {outcome} in {self.duration_ms:.0f} ms"

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "delivery_id": self.delivery_id,
            "attempt": self.attempt,
            "url": self.url,
            "time": self.time,
            "duration_ms": self.duration_ms,
            "status": self.status,
            "response_body": self.response_body,
            "error": self.error,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class DeliveryResult:
    """One event's fate: every attempt, success, and why nothing was sent if it wasn't."""

    topic: str
    attempts: tuple[DeliveryAttempt, ...] = ()
    not_sent: str | None = None  # e.g. the webhook is disabled

    @property
    def ok(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].ok

    @property
    def last(self) -> DeliveryAttempt | None:
        return self.attempts[-1] if self.attempts else None


@dataclass
class Webhook:
    """A store's webhook to one delivery URL, with WooCommerce's failure bookkeeping.

    `retry_delays` re-sends a failed delivery after each delay (0 entries: WooCommerce
    core's behaviour, which sends each event once; INFERRED: a failed delivery is only
    counted, not re-queued). Every failed attempt counts toward disabling, as a re-run
    delivery does in WooCommerce. `sleep` and `clock` are injectable for tests.
    """

    delivery_url: str
    secret: str
    webhook_id: int = 1
    source_url: str | None = None
    wc_version: str = DEFAULT_WC_VERSION
    wp_version: str = DEFAULT_WP_VERSION
    timeout: float = DEFAULT_TIMEOUT
    retry_delays: Sequence[float] = ()
    max_failures: int = MAX_DELIVERY_FAILURES
    status: WebhookStatus = "active"
    failure_count: int = 0
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.perf_counter, repr=False)
    on_exchange: ExchangeHook | None = field(default=None, repr=False)
    log: list[DeliveryAttempt] = field(default_factory=list, repr=False)
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(16), repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.delivery_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise WebhookError(
                f"delivery URL {self.delivery_url!r} is not an http(s) URL; expected "
                "http://host:port/path"
            )

    def __repr__(self) -> str:  # the secret never appears
        return (
            f"Webhook(id={self.webhook_id}, url={self.delivery_url!r}, status={self.status!r}, "
            f"failures={self.failure_count})"
        )

    @property
    def user_agent(self) -> str:
        return user_agent(self.wc_version, self.wp_version)

    # -- the activation ping ---------------------------------------------------------------

    def ping(self) -> DeliveryAttempt:
        """POST `webhook_id=<id>` (form body, no X-WC headers); only exactly 200 activates."""
        headers = {
            "User-Agent": self.user_agent,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        body = f"webhook_id={self.webhook_id}".encode("ascii")
        attempt = self._send("ping", "", body, headers, 1, success=_exactly_200)
        if attempt.ok and self.status != "disabled":
            self.status = "active"
        return attempt

    # -- deliveries ------------------------------------------------------------------------

    def build(self, topic: str, payload: Mapping[str, Any]) -> Delivery:
        """The request WooCommerce sends for `topic` (e.g. `order.created`) and a payload."""
        resource, _, event = topic.partition(".")
        if not resource or not event:
            raise WebhookError(f"topic {topic!r} is not resource.event (e.g. order.created)")
        body = wp_json_encode({"id": payload.get("id")} if event == "deleted" else payload)
        delivery_id = self._new_delivery_id()
        headers = {
            "User-Agent": self.user_agent,
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": self.source_url or source_url_of(payload),
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": signature(body, self.secret),
            "X-WC-Webhook-ID": str(self.webhook_id),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }
        return Delivery(topic, delivery_id, body, headers)

    def deliver(self, topic: str, payload: Mapping[str, Any]) -> DeliveryResult:
        """Send one event (re-sending it per `retry_delays` while it fails and is active)."""
        if self.status != "active":
            why = (
                f"the webhook is disabled after {self.failure_count} consecutive failed deliveries"
                if self.status == "disabled"
                else "the webhook is paused"
            )
            return DeliveryResult(topic, not_sent=why)
        status = payload.get("status")
        if topic.startswith("order.") and status in UNDELIVERED_STATUSES:
            return DeliveryResult(
                topic, not_sent=f"WooCommerce does not deliver orders in status '{status}'"
            )
        attempts: list[DeliveryAttempt] = []
        delays = list(self.retry_delays)
        while True:
            delivery = self.build(topic, payload)
            attempt = self._send(
                topic, delivery.delivery_id, delivery.body, delivery.headers, len(attempts) + 1
            )
            attempts.append(attempt)
            self._count(attempt.ok)
            if attempt.ok or not delays or self.status != "active":
                return DeliveryResult(topic, tuple(attempts))
            self.sleep(delays.pop(0))

    def _count(self, ok: bool) -> None:
        """WooCommerce's bookkeeping: success resets; a failure with the count already above
        the maximum disables, otherwise it increments (so the 7th failure in a row disables)."""
        if ok:
            self.failure_count = 0
        elif self.failure_count > self.max_failures:
            self.status = "disabled"
            log.warning(
                "webhook %s disabled after %s failures", self.webhook_id, self.failure_count
            )
        else:
            self.failure_count += 1

    def _new_delivery_id(self) -> str:
        # WooCommerce: wp_hash(id . time), an HMAC-MD5 hex digest with a site salt.
        data = f"{self.webhook_id}{time.time_ns()}".encode()
        return hmac.new(self._salt, data, hashlib.md5).hexdigest()

    def _send(
        self,
        topic: str,
        delivery_id: str,
        body: bytes,
        headers: Mapping[str, str],
        number: int,
        *,
        success: Callable[[int], bool] | None = None,
    ) -> DeliveryAttempt:
        request = requests.Request("POST", self.delivery_url, data=body, headers=dict(headers))
        prepared = self.session.prepare_request(request)
        when = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        started = self.clock()
        outcome: requests.Response | BaseException
        try:
            # No redirects: a 301/302 is itself the (successful) answer.
            outcome = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            outcome = exc
        duration = max(self.clock() - started, 0.0)
        if self.on_exchange is not None:
            self.on_exchange(prepared, outcome, duration, number)
        sent = (topic, delivery_id, number, self.delivery_url, when, round(duration * 1000, 3))
        if isinstance(outcome, BaseException):
            error = f"{type(outcome).__name__}: {_reason(outcome)}"
            attempt = DeliveryAttempt(*sent, error=error)
        else:
            text = outcome.content.decode("utf-8", errors="replace")
            attempt = DeliveryAttempt(
                *sent,
                status=outcome.status_code,
                response_body=_snippet(text),
                ok=(success or _delivered)(outcome.status_code),
            )
        self.log.append(attempt)
        log.debug("webhook %s: %s", self.webhook_id, attempt.summary())
        return attempt


def _delivered(status: int) -> bool:
    """A delivery succeeded on 2xx, 301 or 302 (WHCLS `log_delivery`)."""
    return 200 <= status < 303


def _exactly_200(status: int) -> bool:
    """The activation ping accepts nothing but 200 (WHCLS `deliver_ping`)."""
    return status == 200


def _reason(exc: BaseException) -> str:
    return _snippet(str(exc), 300)
