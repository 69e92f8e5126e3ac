"""Drive a connector that listens for WooCommerce webhooks: deliver each order as a store would.

The store's webhook (`harness.woo.webhook.Webhook`) is shared by every connector a factory
builds, as one webhook serves a whole store: its activation ping is sent once, and its
failure count carries over from order to order until WooCommerce would disable it. Every
attempt is recorded in the scenario's call log beside the NetSuite exchanges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import requests

from harness.connector.drivers.common import Answer, ExternalConnector, Topic, capped
from harness.connector.drivers.watch import LandingWatch
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.redact import header_text, register_secret
from harness.woo.order import WooOrder
from harness.woo.webhook import DeliveryAttempt, DeliveryResult, Webhook


@dataclass
class WebhookSettings:
    """How the store's webhook is set up (one per store, shared across orders)."""

    url: str
    secret: str
    webhook_id: int = 1
    source_url: str | None = None
    timeout: float = 30.0
    retry_delays: Sequence[float] = ()
    sleep: Callable[[float], None] | None = None
    session: requests.Session | None = None
    _webhook: Webhook | None = field(default=None, repr=False)
    _ping: DeliveryAttempt | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # the secret never appears
        return f"WebhookSettings(url={self.url!r}, webhook_id={self.webhook_id})"

    def webhook(self) -> Webhook:
        if self._webhook is None:
            self._webhook = Webhook(
                self.url,
                self.secret,
                webhook_id=self.webhook_id,
                source_url=self.source_url,
                timeout=self.timeout,
                retry_delays=tuple(self.retry_delays),
                session=self.session or requests.Session(),
            )
            if self.sleep is not None:
                self._webhook.sleep = self.sleep
        return self._webhook

    def activation(self) -> DeliveryAttempt:
        """The activation ping's answer (sent once: WooCommerce pings when it activates)."""
        if self._ping is None:
            self._ping = self.webhook().ping()
        return self._ping


SIGNATURE_HEADER = "X-WC-Webhook-Signature"


def delivery_signature(request: requests.PreparedRequest) -> str | None:
    """The `X-WC-Webhook-Signature` a delivery carries (None for the activation ping)."""
    value = request.headers.get(SIGNATURE_HEADER)
    return header_text(value) if value is not None else None


def _attempt_text(attempt: DeliveryAttempt) -> str:
    if attempt.status is None:
        return f"could not be reached: {attempt.error}"
    body = capped(attempt.response_body, 300)
    return f"answered HTTP {attempt.status}" + (f": {body}" if body else " (empty body)")


class WebhookConnector(ExternalConnector):
    """A connector behind a webhook URL."""

    kind = "webhook"

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        settings: WebhookSettings,
        watch: LandingWatch,
        *,
        settle: float = 0.0,
    ) -> None:
        super().__init__(client, mapping, watch, settle=settle)
        self.settings = settings
        self.name = f"webhook:{settings.url}"
        self.webhook = settings.webhook()
        calllog: CallLog = client.calllog
        register_secret(settings.secret)

        # This scenario's call log gets this scenario's deliveries.
        def record(
            request: requests.PreparedRequest,
            outcome: requests.Response | BaseException,
            seconds: float,
            attempt: int,
        ) -> None:
            # Registered before anything is recorded or logged: a receiver may echo it.
            register_secret(delivery_signature(request))
            calllog.note_exchange(request, outcome, seconds, attempt)

        self.webhook.on_exchange = record

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        ping = self.settings.activation()
        if not ping.ok:
            text = _attempt_text(ping)
            return Answer(
                "webhook",
                topic,
                False,
                f"did not accept WooCommerce's activation ping (webhook_id="
                f"{self.webhook.webhook_id}, which must get exactly 200): {text}",
                status=ping.status,
                duration_ms=ping.duration_ms,
                detail={"ping": ping.to_dict()},
            )
        result = self.webhook.deliver(topic, order.to_wire())
        return _answer(topic, result, self.webhook)


def _answer(topic: str, result: DeliveryResult, webhook: Webhook) -> Answer:
    detail = {
        "attempts": [attempt.to_dict() for attempt in result.attempts],
        "webhook": {"status": webhook.status, "failure_count": webhook.failure_count},
    }
    last = result.last
    if last is None:
        return Answer(
            "webhook",
            topic,
            False,
            "was not sent the order",
            attempts=0,
            not_sent=result.not_sent,
            detail=detail,
        )
    text = _attempt_text(last)
    if len(result.attempts) > 1:
        text += f" (attempt {len(result.attempts)})"
    if webhook.status == "disabled":
        text += f"; WooCommerce disabled the webhook after {webhook.failure_count} failures"
    return Answer(
        "webhook",
        topic,
        result.ok,
        text,
        status=last.status,
        duration_ms=sum(a.duration_ms for a in result.attempts),
        attempts=len(result.attempts),
        detail=detail,
    )
