"""Catalogue scenarios through the example webhook connector, end to end over HTTP.

The example runs in its own process and reaches the embedded sandbox over HTTP; the harness
delivers each order as a signed WooCommerce webhook and proves the landing in NetSuite.
Each classic bug the example can switch on is caught and diagnosed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
from external_helpers import SECRET, Example, example_connector, receiver

from harness.catalogue.spec import Catalogue
from harness.connector.external import DriverFactory, ObservedServer, connector_from_spec
from harness.mapping import Mapping
from harness.runner import ScenarioResult, run_scenario
from harness.targets.sim import SimTarget
from harness.woo.generate import generate
from harness.woo.webhook import signature, wp_json_encode

LANDING_TIMEOUT = 0.3


@pytest.fixture(scope="module")
def example(netsuite_env: dict[str, str]) -> Iterator[Example]:
    with example_connector(netsuite_env) as running:
        yield running


def webhook(url: str, served: ObservedServer, secret: str = SECRET) -> DriverFactory:
    return connector_from_spec(
        f"webhook:{url}", secret=secret, observe=served, timeout=LANDING_TIMEOUT,
        poll_interval=0.02,
    )


def run(name: str, factory: DriverFactory, target: SimTarget, catalogue: Catalogue,
        mapping: Mapping) -> ScenarioResult:
    return run_scenario(catalogue.get(name), 0, target, mapping, factory)


@pytest.mark.parametrize(
    "name",
    [
        "new-customer",
        "existing-customer-email-case",
        "guest-checkout",
        "coupon-percent",
        "tax-new-york-city",
        "canada-cad-hst",
        "free-shipping",
        "on-hold-then-processing",
    ],
)
def test_scenarios_land_through_the_example_connector(
    name: str, example: Example, served: ObservedServer, target: SimTarget,
    catalogue: Catalogue, mapping: Mapping,
) -> None:
    factory = webhook(example.url, served)
    result = run(name, factory, target, catalogue, mapping)
    assert result.verdict.outcome == "landed", result.verdict
    assert result.verdict.sales_order_id
    connector_writes = [c for c in result.calls
                        if c["method"] == "PUT" and "/record/v1/salesOrder/eid:" in c["path"]]
    assert connector_writes, "the connector's own NetSuite writes are in the call log"


def test_an_update_is_delivered_as_order_updated(
    example: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    factory = webhook(example.url, served)
    run("on-hold-then-processing", factory, target, catalogue, mapping)
    assert [a.topic for a in factory.answers] == ["order.created", "order.updated"]
    assert all(a.ok and a.status == 200 for a in factory.answers)


@pytest.mark.parametrize(
    ("name", "outcome", "category"),
    [
        ("unknown-sku", "rejected", "item-mapping"),
        ("inactive-item", "rejected", "item-mapping"),
        ("ambiguous-customer-email", "rejected", "customer-match"),
        ("unmapped-shipping-method", "rejected", "shipping"),
        ("over-approval-limit", "rejected", "script-or-workflow"),
        ("pending-not-synced", "not-pushed", "sync-rule"),
    ],
)
def test_failures_are_diagnosed_with_the_connector_or_netsuite_as_evidence(
    name: str, outcome: str, category: str, example: Example, served: ObservedServer,
    target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    result = run(name, webhook(example.url, served), target, catalogue, mapping)
    verdict = result.verdict
    assert (verdict.outcome, result.met) == (outcome, True), verdict
    assert verdict.diagnosis is not None and verdict.diagnosis.category == category


def test_a_netsuite_refusal_seen_on_the_wire_is_the_evidence(
    example: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    result = run("inactive-item", webhook(example.url, served), target, catalogue, mapping)
    assert result.verdict.diagnosis is not None
    evidence = " ".join(result.verdict.diagnosis.evidence)
    assert "/services/rest/record/v1/salesOrder" in evidence and "400" in evidence


# -- the example's classic bugs, each caught --------------------------------------------------


def test_case_sensitive_email_match_is_caught_as_a_duplicate_customer(
    netsuite_env: dict[str, str], served: ObservedServer, target: SimTarget,
    catalogue: Catalogue, mapping: Mapping,
) -> None:
    with example_connector(netsuite_env, ["email-case"]) as buggy:
        result = run("existing-customer-email-case", webhook(buggy.url, served), target,
                     catalogue, mapping)
    verdict = result.verdict
    assert verdict.outcome == "landed-wrong" and not result.met
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "customer-match"
    assert any(m.field.startswith("customer") for m in verdict.mismatches)


def test_silently_dropped_shipping_is_caught_by_field(
    netsuite_env: dict[str, str], served: ObservedServer, target: SimTarget,
    catalogue: Catalogue, mapping: Mapping,
) -> None:
    with example_connector(netsuite_env, ["drop-shipping"]) as buggy:
        result = run("unmapped-shipping-method", webhook(buggy.url, served), target,
                     catalogue, mapping)
    verdict = result.verdict
    assert verdict.outcome == "landed-wrong"
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "shipping"
    shipping = {m.field: m for m in verdict.mismatches}["shippingCost"]
    assert str(shipping.expected) == "14.50" and shipping.actual is None


def test_a_hard_coded_tax_code_is_caught_as_a_tax_mismatch(
    netsuite_env: dict[str, str], served: ObservedServer, target: SimTarget,
    catalogue: Catalogue, mapping: Mapping,
) -> None:
    with example_connector(netsuite_env, ["fixed-tax"]) as buggy:
        result = run("tax-new-york-city", webhook(buggy.url, served), target, catalogue,
                     mapping)
    verdict = result.verdict
    assert verdict.outcome == "landed-wrong" and not result.met
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "tax"
    assert "taxTotal" in {m.field for m in verdict.mismatches}
    assert "CA-STATE" in verdict.diagnosis.summary


@pytest.fixture(scope="module")
def ack_only(netsuite_env: dict[str, str]) -> Iterator[Example]:
    with example_connector(netsuite_env, ["ack-only"]) as running:
        yield running


def test_an_answer_of_200_without_a_write_is_not_landed_never_a_pass(
    ack_only: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    factory = webhook(ack_only.url, served)
    started = time.perf_counter()
    result = run("new-customer", factory, target, catalogue, mapping)
    assert time.perf_counter() - started >= LANDING_TIMEOUT  # it waited for the landing
    assert result.verdict.outcome == "not-pushed" and not result.met
    connector = factory.connectors[0]
    answer = connector.answers[0]
    assert answer.ok and answer.status == 200 and '"queued"' in answer.text


def test_the_not_landed_push_result_carries_the_connectors_answer(
    ack_only: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    factory = webhook(ack_only.url, served)
    connector = factory(target.client(), mapping)
    push = connector.push(generate(catalogue.get("new-customer"), 0))
    assert push.status == "not-landed"
    assert push.said is not None and "answered HTTP 200" in push.said and "queued" in push.said
    assert push.problem is not None and f"not landed in {LANDING_TIMEOUT:g} s" in push.problem
    assert "externalId woo-" in push.problem


def test_the_not_pushed_diagnosis_quotes_what_the_connector_said(
    ack_only: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    result = run("new-customer", webhook(ack_only.url, served), target, catalogue, mapping)
    diagnosis = result.verdict.diagnosis
    assert diagnosis is not None
    shown = " ".join([diagnosis.summary, *diagnosis.evidence])
    assert "HTTP 200" in shown and "queued" in shown


# -- signatures, pings, unreachable and failing connectors ----------------------------------


def test_the_example_rejects_a_bad_signature(example: Example, order_body: bytes) -> None:
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": "order.created",
        "X-WC-Webhook-Signature": signature(order_body, "not-the-secret"),
    }
    answer = requests.post(example.url, data=order_body, headers=headers, timeout=5)
    assert answer.status_code in (401, 403)
    tampered = {**headers, "X-WC-Webhook-Signature": signature(order_body, SECRET)}
    answer = requests.post(example.url, data=order_body + b" ", headers=tampered, timeout=5)
    assert answer.status_code in (401, 403)


def test_the_example_accepts_the_unsigned_ping(example: Example) -> None:
    answer = requests.post(
        example.url, data=b"webhook_id=3",
        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=5,
    )
    assert answer.status_code == 200


@pytest.fixture
def order_body(catalogue: Catalogue) -> bytes:
    return wp_json_encode(generate(catalogue.get("new-customer"), 0).to_wire())


def test_a_wrong_secret_fails_the_push_with_the_connectors_401(
    example: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    factory = webhook(example.url, served, secret="not-the-secret")
    result = run("new-customer", factory, target, catalogue, mapping)
    assert result.verdict.outcome == "rejected"
    answer = factory.answers[0]
    assert answer.status == 401 and "invalid webhook signature" in answer.text
    assert result.verdict.diagnosis is not None
    assert result.verdict.diagnosis.category == "auth"
    assert "HTTP 401" in result.verdict.diagnosis.summary


def test_a_connector_that_cannot_be_reached_fails_at_the_activation_ping(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    with receiver() as gone:
        url = gone.url
    factory = webhook(url, served)
    result = run("new-customer", factory, target, catalogue, mapping)
    answer = factory.answers[0]
    assert not answer.ok and "activation ping" in answer.text
    assert "could not be reached" in answer.text
    assert result.verdict.outcome == "rejected"


def test_a_failing_connector_gets_its_webhook_disabled_across_orders(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    answers = [(200, b"pong")] + [(500, b'{"error": "database is locked"}')] * 20
    with receiver(answers) as failing:
        factory = webhook(failing.url, served)
        client = target.client()
        connector = factory(client, mapping)
        names = catalogue.names[:8]
        pushes = [connector.push(generate(catalogue.get(n), 0)) for n in names]
    assert [p.status for p in pushes[:7]] == ["failed"] * 7
    assert "HTTP 500" in (pushes[0].said or "") and "database is locked" in (pushes[0].said or "")
    assert "disabled the webhook" in (pushes[6].said or "")
    assert pushes[7].status == "not-landed"
    assert "webhook is disabled after 6 consecutive failed deliveries" in (pushes[7].problem or "")
    assert len(failing.received) == 1 + 7  # the ping, then seven deliveries, then none


def test_deliveries_are_in_the_call_log_and_the_secret_is_not(
    example: Example, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    result = run("new-customer", webhook(example.url, served), target, catalogue, mapping)
    hook_path = example.url.split("/", 3)[3]
    deliveries = [c for c in result.calls if c["path"] == "/" + hook_path]
    assert [c["status"] for c in deliveries] == [200, 200]  # the ping, then order.created
    assert deliveries[1]["request_headers"]["X-WC-Webhook-Topic"] == "order.created"
    assert SECRET not in json.dumps(result.calls)
