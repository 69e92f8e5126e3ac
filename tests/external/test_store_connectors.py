"""Connectors written by a store's developer, each with one classic bug, diagnosed by cause.

The connectors in `stores/` use plain requests + requests-oauthlib and know nothing of the
harness: `shop_sync.py` is the store's sync (it lands every catalogue scenario it can), each
file beside it is that sync with one bug. Each bug must end in the right category, with a
hint a store owner can act on, in NetSuite's and WooCommerce's words, never the reference
mapping's keys.
"""

from __future__ import annotations

import re
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from external_helpers import SECRET

from harness.catalogue.spec import Catalogue
from harness.connector.external import DriverFactory, ObservedServer, connector_from_spec
from harness.landing.verdict import Verdict
from harness.mapping import Mapping
from harness.runner import ScenarioResult, run_scenario
from harness.targets.sim import SimTarget

STORES = Path(__file__).resolve().parent / "stores"
LANDING_TIMEOUT = 0.3
# The reference mapping's keys, which a store's own connector has no file for.
MAPPING_KEYS = re.compile(
    r"tax\.codes|tax\.exempt_code|items\.(variations|products)|shipping\.(methods|default)|"
    r"subsidiaries\.|discounts\.item|fees\.item|customer\.(guests|on_multiple_matches)"
)


def python(name: str) -> DriverFactory:
    return connector_from_spec(f"python:{STORES / name}.py:push", timeout=LANDING_TIMEOUT,
                               poll_interval=0.02)


def run(scenario: str, factory: DriverFactory, target: SimTarget, catalogue: Catalogue,
        mapping: Mapping) -> ScenarioResult:
    try:
        return run_scenario(catalogue.get(scenario), 0, target, mapping, factory)
    finally:
        factory.close()


def diagnosed(result: ScenarioResult, category: str, *hint_words: str) -> Verdict:
    """The verdict, checked: a failure of `category` whose hint says `hint_words`."""
    verdict = result.verdict
    assert verdict.outcome != "landed" and not result.met, verdict
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.category == category, verdict
    for words in hint_words:
        assert words in verdict.diagnosis.hint, verdict.diagnosis.hint
    assert not MAPPING_KEYS.search(verdict.diagnosis.hint), verdict.diagnosis.hint
    return verdict


@pytest.mark.parametrize(
    "scenario", ["new-customer", "coupon-percent", "tax-new-york-city", "tax-exempt-b2b"]
)
def test_the_stores_sync_without_bugs_lands(
    scenario: str, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run(scenario, python("shop_sync"), target, catalogue, mapping)
    assert result.verdict.outcome == "landed", result.verdict


def test_no_addresses_is_an_address_finding(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("new-customer", python("no_addresses"), target, catalogue, mapping)
    verdict = diagnosed(result, "address", "billingAddress", "shippingAddress", "postcode")
    assert verdict.diagnosis is not None
    assert "without a billing address and shipping address: none was sent" in (
        verdict.diagnosis.summary)


def test_net_coupon_prices_are_a_discount_finding_with_both_ways_out(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("coupon-percent", python("net_prices"), target, catalogue, mapping)
    verdict = diagnosed(result, "discount", "price before coupons", "discountItem Web Discount",
                        "discounts.strategy: net-price")
    assert verdict.diagnosis is not None
    assert "HOODIE-BLK-M at 44.10 instead of 49.00" in verdict.diagnosis.summary
    assert "(welcome10)" in verdict.diagnosis.summary
    assert {m.field for m in verdict.mismatches} >= {"lines[HOODIE-BLK-M].rate", "discountTotal"}


def test_net_coupon_prices_land_once_the_store_declares_net_pricing(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    net = mapping.model_copy(update={"discounts": mapping.discounts.model_copy(
        update={"strategy": "net-price"})})
    result = run("coupon-percent", python("net_prices"), target, catalogue, net)
    assert result.verdict.outcome == "landed", result.verdict


def test_an_order_left_for_approval_landed_wrong_though_nothing_failed(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("new-customer", python("no_order_status"), target, catalogue, mapping)
    verdict = diagnosed(result, "validation-rule", "Send orderStatus B (Pending Fulfillment)",
                        "Default Sales Order Status")
    assert verdict.outcome == "landed-wrong" and verdict.diagnosis is not None
    assert "A (Pending Approval) instead of B (Pending Fulfillment)" in verdict.diagnosis.summary
    assert 'sent no orderStatus' in verdict.diagnosis.evidence


def test_an_order_left_for_approval_lands_where_the_store_approves_its_orders_itself(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    approving = mapping.model_copy(
        update={"order": mapping.order.model_copy(update={"order_status": "A"})}
    )
    result = run("new-customer", python("no_order_status"), target, catalogue, approving)
    assert result.verdict.outcome == "landed", result.verdict
    # ... and the sync that approves them lands wrong there.
    result = run("new-customer", python("shop_sync"), target, catalogue, approving)
    assert result.verdict.outcome == "landed-wrong", result.verdict


@pytest.fixture
def email_case(served: ObservedServer) -> DriverFactory:
    """The cron-job form: one process per order, the order on stdin."""
    line = f"{shlex.quote(sys.executable)} {shlex.quote(str(STORES / 'email_case.py'))}"
    return connector_from_spec(f"command:{line}", observe=served, timeout=LANDING_TIMEOUT,
                               poll_interval=0.02)


def test_a_case_sensitive_email_match_is_a_duplicate_customer(
    email_case: DriverFactory, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("existing-customer-email-case", email_case, target, catalogue, mapping)
    verdict = diagnosed(result, "customer-match", "case-insensitively",
                        "merge customer 1006 into 1001")
    assert verdict.diagnosis is not None
    assert "duplicate customer" in verdict.diagnosis.summary
    assert any("email = 'Jane.Doe@" in line for line in verdict.diagnosis.evidence)


def test_untaxed_shipping_is_named_as_the_tax_on_shipping(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("tax-new-york-city", python("no_shipping_tax"), target, catalogue, mapping)
    verdict = diagnosed(result, "tax", "shippingTaxCode NY-NYC", "ship item taxable")
    assert verdict.diagnosis is not None
    assert "0.71 short: exactly WooCommerce's tax on shipping (8.00 × 8.875% = 0.71)" in (
        verdict.diagnosis.summary)


def test_the_state_tax_code_for_an_exempt_customer_names_the_exemption(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run("tax-exempt-b2b", python("tax_by_state"), target, catalogue, mapping)
    verdict = diagnosed(result, "tax", "-Not Taxable-", "is_vat_exempt", "taxItem")
    assert verdict.diagnosis is not None
    assert "tax exempt" in verdict.diagnosis.summary and "NY-NYC" in verdict.diagnosis.summary


@pytest.fixture
def queued_webhook(netsuite_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The store's webhook receiver running in this process, as its process manager runs it."""
    for name, value in netsuite_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(STORES))
    import queued_webhook  # type: ignore[import-not-found]

    receiver = queued_webhook.serve(0, SECRET)
    thread = threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{receiver.server_port}/woo"
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_a_webhook_that_queues_and_never_writes_is_waited_for_then_not_pushed(
    queued_webhook: str, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    factory = connector_from_spec(f"webhook:{queued_webhook}", secret=SECRET, observe=served,
                                  timeout=LANDING_TIMEOUT, poll_interval=0.02)
    started = time.perf_counter()
    result = run("new-customer", factory, target, catalogue, mapping)
    assert time.perf_counter() - started >= LANDING_TIMEOUT  # the wait stays for a webhook
    verdict = diagnosed(result, "sync-rule", "queue worker", "--landing-timeout")
    assert verdict.outcome == "not-pushed" and verdict.diagnosis is not None
    assert f"in the {LANDING_TIMEOUT:g} s the harness waited" in verdict.diagnosis.summary
    assert '"queued"' in verdict.diagnosis.summary


@pytest.mark.parametrize(
    ("scenario", "category", "words"),
    [
        ("unknown-sku", "item-mapping",
         "give WooCommerce's variation 1029 'Acme Hoodie - Pink, XL' the SKU of an existing item"),
        ("unmapped-shipping-method", "shipping",
         "Send a NetSuite shipping item as shipMethod for WooCommerce's 'Table Rate Shipping'"),
    ],
)
def test_what_the_store_lacks_is_said_in_netsuites_and_woocommerces_words(
    scenario: str, category: str, words: str, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping,
) -> None:
    result = run(scenario, python("shop_sync"), target, catalogue, mapping)
    assert result.met and result.verdict.diagnosis is not None, result.verdict
    assert result.verdict.diagnosis.category == category
    assert words in result.verdict.diagnosis.hint
    assert not MAPPING_KEYS.search(result.verdict.diagnosis.hint)
