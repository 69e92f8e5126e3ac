"""The reference connector against the embedded sandbox, in-process."""

from __future__ import annotations

import pytest

from harness.catalogue.spec import Catalogue, load_catalogue
from harness.connector.reference import ReferenceConnector
from harness.netsuite.auth import tba_auth
from harness.netsuite.client import NetSuiteClient
from harness.sandbox.serve import Sandbox
from harness.woo.generate import generate


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def client(sandbox: Sandbox) -> NetSuiteClient:
    sandbox.reset()
    credential = sandbox.profile.credentials.tba[0]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    return NetSuiteClient(sandbox.base_url, auth)


def _count(client: NetSuiteClient, q: str) -> int:
    return int(client.suiteql_all(q)[0]["n"])


def test_existing_customer_is_matched_not_created(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    customers = _count(client, "SELECT COUNT(*) AS n FROM customer")
    result = ReferenceConnector(client).push(generate(catalogue.get("existing-customer"), 0))
    assert result.status == "pushed", result
    assert result.customer_id == "1001"
    assert _count(client, "SELECT COUNT(*) AS n FROM customer") == customers


def test_email_differing_in_case_and_spaces_matches_the_existing_customer(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    order = generate(catalogue.get("existing-customer-email-case"), 0)
    assert order.billing.email != "jane.doe@example.com"
    result = ReferenceConnector(client).push(order)
    assert result.customer_id == "1001"


def test_a_second_push_of_the_same_order_makes_no_second_order_or_customer(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    order = generate(catalogue.get("new-customer"), 0)
    connector = ReferenceConnector(client)
    first = connector.push(order)
    second = connector.push(order)
    assert first.status == second.status == "pushed"
    assert first.sales_order_id == second.sales_order_id
    assert first.customer_id == second.customer_id
    email = order.billing.email
    assert _count(client, f"SELECT COUNT(*) AS n FROM customer WHERE email = '{email}'") == 1
    assert _count(client, "SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'") == 1


def test_lines_carry_woocommerce_rates_at_price_level_custom(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    order = generate(catalogue.get("multi-item"), 0)
    result = ReferenceConnector(client).push(order)
    assert result.sales_order_id is not None
    landed = client.get("salesOrder", result.sales_order_id, expand=True)
    lines = landed["item"]["items"]
    assert len(lines) == len(order.line_items)
    for sent, line in zip(order.line_items, lines, strict=True):
        assert line["quantity"] == sent.quantity
        assert line["rate"] == pytest.approx(float(sent.subtotal / sent.quantity))
        assert line["price"]["id"] == "-1"
    assert landed["externalId"] == f"woo-{order.number}"
    assert landed["otherRefNum"] == order.number


def test_pending_order_is_skipped_with_the_rule_that_skipped_it(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    result = ReferenceConnector(client).push(generate(catalogue.get("pending-not-synced"), 0))
    assert result.status == "skipped"
    assert result.skipped_rule is not None and "'pending'" in result.skipped_rule
    assert client.calllog.calls == []  # nothing was sent


@pytest.mark.parametrize(
    ("scenario", "stage", "words"),
    [
        ("ambiguous-customer-email", "customer", "2 customers have the email dup@example.com"),
        ("unknown-sku", "items", "SKU HOODIE-PNK-XL"),
        ("unmapped-shipping-method", "shipping", "shipping method table_rate is not mapped"),
    ],
)
def test_what_the_mapping_cannot_express_fails_with_the_stage_and_reason(
    client: NetSuiteClient, catalogue: Catalogue, scenario: str, stage: str, words: str
) -> None:
    result = ReferenceConnector(client).push(generate(catalogue.get(scenario), 0))
    assert result.status == "failed"
    assert result.stage == stage
    assert result.problem is not None and words in result.problem
    assert _count(client, "SELECT COUNT(*) AS n FROM transaction") == 0


def test_an_updated_order_replaces_its_lines_instead_of_appending_them(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    from harness.woo.generate import apply_update

    spec = catalogue.get("on-hold-then-processing")
    order = generate(spec, 0)
    connector = ReferenceConnector(client)
    connector.push(order)
    for step, update in enumerate(spec.updates, start=1):
        order = apply_update(order, update, step)
        result = connector.push(order)
    assert result.sales_order_id is not None
    landed = client.get("salesOrder", result.sales_order_id, expand=True)
    assert len(landed["item"]["items"]) == len(order.line_items)
    assert _count(client, "SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'") == 1


def test_untaxed_canadian_lines_get_the_canadian_exempt_code(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    order = generate(catalogue.get("canada-zero-rated-line"), 0)
    result = ReferenceConnector(client).push(order)
    assert result.status == "pushed", result
    assert result.sales_order_id is not None
    landed = client.get("salesOrder", result.sales_order_id, expand=True)
    codes = [line["taxCode"]["refName"] for line in landed["item"]["items"]]
    assert codes == ["ON-HST", "CA-ZERO"]


def test_a_us_exempt_code_on_a_canadian_line_is_refused_by_netsuite(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    from harness.mapping import load_mapping

    mapping = load_mapping()
    us_only = mapping.model_copy(
        update={"tax": mapping.tax.model_copy(update={"exempt_codes": {}})}
    )
    result = ReferenceConnector(client, us_only).push(
        generate(catalogue.get("canada-zero-rated-line"), 0)
    )
    assert result.status == "rejected"
    assert result.error is not None
    assert "Invalid taxcode reference key 304 for subsidiary 2." in str(result.error)


def _items(client: NetSuiteClient, sales_order_id: str | None) -> list[str]:
    assert sales_order_id is not None
    landed = client.get("salesOrder", sales_order_id, expand=True)
    return [str(line["item"]["id"]) for line in landed["item"]["items"]]


def test_lines_land_as_the_items_their_skus_name(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    order = generate(catalogue.get("variations"), 0)
    result = ReferenceConnector(client).push(order)
    assert result.status == "pushed", result
    assert _items(client, result.sales_order_id) == ["101", "102"]  # HOODIE-BLK-M, -L


def test_product_and_variation_overrides_are_the_items_sent(
    client: NetSuiteClient, catalogue: Catalogue
) -> None:
    from harness.mapping import load_mapping

    mapping = load_mapping()
    items = mapping.items.model_copy(
        update={"products": {102: "MUG-WHT"}, "variations": {1022: "BEANIE-GRY"}}
    )
    order = generate(catalogue.get("variations"), 0)
    assert [(li.product_id, li.variation_id) for li in order.line_items] == [
        (102, 1021), (102, 1022)]
    result = ReferenceConnector(client, mapping.model_copy(update={"items": items})).push(order)
    assert result.status == "pushed", result
    # Variation 1022 has its own item; variation 1021 falls back to its product's override.
    assert _items(client, result.sales_order_id) == ["104", "105"]  # MUG-WHT, BEANIE-GRY


@pytest.mark.parametrize("name", ["coupon-percent", "two-coupons", "coupon-fixed-cart"])
def test_net_pricing_sends_after_coupon_rates_and_no_discount_and_lands(name: str) -> None:
    """`discounts.strategy: net-price`: the reference connector books net revenue as declared,
    and verification (which reads the same declaration with its own code) agrees."""
    from harness.mapping import load_mapping
    from harness.runner import run_scenario
    from harness.targets.sim import SimTarget

    mapping = load_mapping()
    net = mapping.model_copy(
        update={"discounts": mapping.discounts.model_copy(update={"strategy": "net-price"})}
    )
    with SimTarget() as target:
        result = run_scenario(load_catalogue().get(name), 0, target, net)
    assert result.met, result.verdict
    [order_put] = [c for c in result.calls if "/salesOrder/eid:" in c["path"]]
    assert '"discountItem"' not in (order_put["request_body"] or "")
