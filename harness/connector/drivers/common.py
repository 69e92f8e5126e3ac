"""What every driver for a connector we don't own shares: give it the order, then check NetSuite.

A driver only hands the order over (a webhook, a command, a function call, a store order) and
records what the connector said (its `Answer`). Whether the order landed is never taken from
that answer: `ExternalConnector.push` watches NetSuite for the Sales Order and `judge` turns
answer, landing and the NetSuite exchanges seen meanwhile into the `PushResult`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from harness.connector.drivers.watch import Landing, LandingWatch
from harness.connector.interpret import syncs
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.netsuite.redact import (
    Redactor,
    register_environment,
    register_secret,
    register_secrets,
)
from harness.push import Connector, PushResult
from harness.woo.order import WooOrder

log = logging.getLogger("harness.connector.external")

ConnectorFactory = Callable[[NetSuiteClient, OrderMapping], Connector]
Topic = Literal["order.created", "order.updated"]
SAID_CHARS = 600
ENV_NAMES = (
    "NETSUITE_ACCOUNT",
    "NETSUITE_CONSUMER_KEY",
    "NETSUITE_CONSUMER_SECRET",
    "NETSUITE_TOKEN_ID",
    "NETSUITE_TOKEN_SECRET",
    "NETSUITE_CLIENT_ID",
    "NETSUITE_CERTIFICATE_ID",
    "NETSUITE_PRIVATE_KEY",
    "NETSUITE_BASE_URL",
)


class ExternalConnectorError(Exception):
    """A driver that cannot be set up (bad spec, unusable option, missing credentials)."""


def capped(text: str, limit: int = SAID_CHARS) -> str:
    """`text` on one line, cut at `limit` characters with a note of how much was cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[:limit]}...[{len(flat) - limit} more chars]"


@dataclass(frozen=True)
class Answer:
    """What a connector said when it was given one order.

    `ok` is the connector's own claim (2xx, exit code 0, a return without exception).
    `text` is one line for people: `answered HTTP 200: {"ok": true}`. `not_sent` says why the
    order never reached the connector at all (e.g. the webhook is disabled).
    """

    kind: Literal["webhook", "command", "python", "store", "pull"]
    topic: str
    ok: bool
    text: str
    status: int | None = None  # HTTP status or exit code
    duration_ms: float = 0.0
    attempts: int = 1
    not_sent: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "topic": self.topic,
            "ok": self.ok,
            "text": self.text,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "attempts": self.attempts,
            "not_sent": self.not_sent,
            "detail": self.detail,
        }


def netsuite_environment(
    client: NetSuiteClient,
    base_url: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> dict[str, str]:
    """The `NETSUITE_*` variables that let a connector reach what `client` reaches.

    TBA credentials are read from the client's signer; other schemes (OAuth 2.0 M2M) cannot
    be handed over, so the caller's own `NETSUITE_*` environment is used as it is.
    """
    signer = getattr(getattr(client.auth, "client", None), "client_key", None)
    if signer is not None:
        oauth = client.auth.client  # type: ignore[union-attr]
        env = {
            "NETSUITE_ACCOUNT": client.account_id,
            "NETSUITE_CONSUMER_KEY": str(oauth.client_key),
            "NETSUITE_CONSUMER_SECRET": str(oauth.client_secret),
            "NETSUITE_TOKEN_ID": str(oauth.resource_owner_key),
            "NETSUITE_TOKEN_SECRET": str(oauth.resource_owner_secret),
        }
    else:
        env = {name: environ[name] for name in ENV_NAMES if environ.get(name)}
        if "NETSUITE_ACCOUNT" not in env:
            raise ExternalConnectorError(
                "the connector needs NetSuite credentials: the target's client does not use TBA "
                "and NETSUITE_ACCOUNT is not set; set the NETSUITE_* variables"
            )
    env["NETSUITE_BASE_URL"] = base_url or env.get("NETSUITE_BASE_URL") or client.base_url
    # Whatever the connector prints of its settings is masked in every output.
    register_environment(env)
    return env


def register_client_secrets(client: NetSuiteClient) -> None:
    """Register, for the whole process, every credential `client` signs with and every secret
    its call log masks: a connector we don't own may print any of them."""
    register_secrets(client.calllog.redactor.secrets)
    oauth = getattr(client.auth, "client", None)
    for name in ("client_key", "client_secret", "resource_owner_key", "resource_owner_secret"):
        value = getattr(oauth, name, None)
        if isinstance(value, str):
            register_secret(value)


def redacted_answer(answer: Answer, redactor: Redactor) -> Answer:
    """`answer` with its text and every value of its detail redacted (a connector's output, a
    response body echoing a delivery signature)."""
    detail = redactor.value(answer.detail)
    return replace(
        answer,
        text=redactor.text(answer.text),
        not_sent=redactor.text(answer.not_sent) if answer.not_sent is not None else None,
        detail=detail if isinstance(detail, dict) else {},
    )


def netsuite_refusals(calls: list[Call]) -> list[Call]:
    """NetSuite REST requests that failed, other than reads (a 404 lookup is routine)."""
    return [
        call
        for call in calls
        if not call.ok and call.method != "GET" and call.path.startswith("/services/rest/")
    ]


def _writes(call: Call) -> bool:
    """A request to NetSuite's record service that changes a record (SuiteQL only reads)."""
    return call.method in ("POST", "PUT", "PATCH", "DELETE") and "/record/" in call.path


def error_from_call(call: Call) -> NetSuiteError:
    """The NetSuiteError a client would have raised for a logged failed request."""
    return NetSuiteError(
        call.status,
        call.error_detail or call.transport_error or f"HTTP {call.status}",
        code=call.error_code,
        path=call.error_path,
        raw_body=call.response_body or "",
        method=call.method,
        url=f"http://{call.host}{call.path}",
    )


def judge(
    order: WooOrder,
    answer: Answer,
    landing: Landing,
    seen: list[Call],
    *,
    waited_for: float,
) -> PushResult:
    """The PushResult of one delivery, from NetSuite's view first and the connector's second.

    Landed: pushed. A NetSuite refusal seen meanwhile: rejected, with NetSuite's error. The
    connector refusing or failing: failed, with its answer. Otherwise: not-landed, with its
    answer as evidence and how long the Sales Order was waited for (a webhook connector may
    answer first and push later from a queue); a connector that says 200 and writes nothing
    is never a pass.
    """
    number = order.number or str(order.id)
    said = answer.text if answer.not_sent is None else f"not sent: {answer.not_sent}"
    if landing.found:
        return PushResult(number, "pushed", sales_order_id=landing.sales_order_id, said=said)
    refused = netsuite_refusals(seen)
    if refused:
        return PushResult(number, "rejected", error=error_from_call(refused[-1]), said=said)
    if answer.not_sent is not None:
        return PushResult(
            number,
            "not-landed",
            problem=f"WooCommerce did not deliver {answer.topic}: {answer.not_sent}",
            said=said,
        )
    if not answer.ok:
        return PushResult(number, "failed", problem=f"the connector {answer.text}", said=said)
    if landing.polls == 0:
        problem = f"the connector finished without writing to NetSuite; the connector {said}"
    else:
        # It may have queued the order and push later: say how long that was waited for.
        error = f"; the last lookup failed: {landing.last_error}" if landing.last_error else ""
        problem = (
            f"not landed in {waited_for:g} s: no Sales Order with {landing.refs.describe()} "
            f"appeared in the {waited_for:g} s the harness waited ({landing.polls} lookups)"
            f"{error}; the connector {said}"
        )
    return PushResult(number, "not-landed", problem=problem, said=said)


class ExternalConnector:
    """Base of the drivers: `deliver` hands one order over, `push` checks that it landed.

    The first push of an order is its `order.created`, later pushes of the same order id
    its `order.updated`. `settle` waits that long after each answer before the first lookup
    (for connectors that queue work). Every answer is kept in `answers` for reports.
    """

    name = "external"
    kind: Literal["webhook", "command", "python", "store", "pull"] = "webhook"
    # A connector that has done all its work when `deliver` returns (a function returned, a
    # command exited), as opposed to one that may answer first and push later from a queue.
    synchronous = False

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        watch: LandingWatch,
        *,
        settle: float = 0.0,
    ) -> None:
        self.client = client
        self.mapping = mapping
        self.watch = watch
        self.settle = settle
        self.calllog: CallLog = client.calllog
        self.answers: list[Answer] = []
        # Whether the connector's own exchanges with NetSuite reach `calllog` (a connector
        # in another process only shows them through a loopback NetSuite the harness serves).
        self.observed = False
        self._seen: set[int] = set()
        register_client_secrets(client)

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        raise NotImplementedError

    def landed_order(self, order: WooOrder) -> WooOrder:
        """The order as the connector saw it (a store renumbers orders it creates)."""
        return order

    def push(self, order: WooOrder) -> PushResult:
        topic: Topic = "order.updated" if order.id in self._seen else "order.created"
        self._seen.add(order.id)
        mark = len(self.calllog)
        answer = self.deliver(order, topic)
        # What a connector says may quote its credentials; it is kept and shown redacted.
        answer = redacted_answer(answer, self.calllog.redactor)
        self.answers.append(answer)
        log.info("%s %s #%s: %s", self.name, topic, order.number or order.id, answer.text)
        seen_order = self.landed_order(order)
        if self.synchronous and self.observed and not any(map(_writes, self.calllog.calls[mark:])):
            # It has finished and wrote nothing to NetSuite: nothing can appear by waiting.
            landing = Landing(False, self.watch.refs(seen_order))
            return judge(seen_order, answer, landing, self.calllog.calls[mark:], waited_for=0.0)
        # Only an order the connector accepted and the mapping syncs is worth waiting for;
        # anything else gets one look (it may have landed all the same).
        wait = answer.ok and answer.not_sent is None and syncs(self.mapping, seen_order.status)
        if wait and self.settle > 0:
            self.watch.sleep(self.settle)
        landing = self.wait_for_landing(seen_order, wait)
        seen = self.calllog.calls[mark:]
        return judge(seen_order, answer, landing, seen, waited_for=self.watch.timeout)

    def wait_for_landing(self, order: WooOrder, wait: bool) -> Landing:
        """Watch NetSuite for the order's Sales Order: up to the watch's timeout when it is
        worth waiting for, one look otherwise."""
        return self.watch.wait(order, timeout=None if wait else 0.0)

    def close(self) -> None:
        """Release what the driver holds (processes, temporary files, store orders)."""

    def __enter__(self) -> ExternalConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DriverFactory:
    """A `ConnectorFactory` that keeps its connectors, so one `close()` tears all down.

    `run_scenario` builds a connector per scenario and never closes it; whoever runs the
    scenarios closes the factory (store orders are deleted, temporary files removed).
    """

    def __init__(
        self,
        spec: str,
        build: Callable[[NetSuiteClient, OrderMapping], ExternalConnector],
    ) -> None:
        self.spec = spec
        self._build = build
        self.connectors: list[ExternalConnector] = []

    def __repr__(self) -> str:
        return f"DriverFactory({self.spec!r})"

    def __call__(self, client: NetSuiteClient, mapping: OrderMapping) -> Connector:
        connector = self._build(client, mapping)
        self.connectors.append(connector)
        return connector

    @property
    def answers(self) -> list[Answer]:
        return [answer for connector in self.connectors for answer in connector.answers]

    def close(self) -> None:
        problems = []
        for connector in self.connectors:
            try:
                connector.close()
            except Exception as exc:  # one connector's teardown must not skip the others'
                problems.append(f"{connector.name}: {type(exc).__name__}: {exc}")
        self.connectors.clear()
        if problems:
            raise ExternalConnectorError("teardown failed: " + "; ".join(problems))

    def __enter__(self) -> DriverFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
