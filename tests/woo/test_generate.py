"""The scenario catalogue and the seeded order generator."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from faker import Faker

from harness.catalogue.spec import (
    CATALOGUE_ENV,
    DEFAULT_CATALOGUE,
    EXPECTATIONS,
    Catalogue,
    ScenarioSpec,
    catalogue_path,
    load_catalogue,
)
from harness.landing.mapping_reading import (
    routed_subsidiary,
    ship_item_for_method,
    status_syncs,
    tax_code_for_rate,
)
from harness.mapping import load_mapping
from harness.woo import generate as generate_module
from harness.woo.generate import apply_update, generate, order_identity
from harness.woo.order import WooOrder
from harness.woo.orderspec import AMBIGUOUS_EMAIL, OrderUpdate, TaxRateSpec
from harness.yamlfile import ConfigFileError

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)
NAMES = CATALOGUE.names


def wire_bytes(order: WooOrder) -> str:
    return json.dumps(order.to_wire(), sort_keys=True)


def scenario(name: str) -> ScenarioSpec:
    return CATALOGUE.get(name)


# ---------------------------------------------------------------- every scenario


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_generates_a_valid_order(name: str) -> None:
    order = generate(scenario(name), seed=0)
    again = WooOrder.parse(json.dumps(order.to_wire()))
    assert again.check_invariants() == []
    assert order.check_invariants() == []
    assert again.to_wire() == order.to_wire()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_scenario_satisfies_the_invariants_for_other_seeds(seed: int) -> None:
    for spec in CATALOGUE.scenarios:
        assert generate(spec, seed).check_invariants() == [], spec.name


def test_the_catalogue_covers_every_required_situation() -> None:
    assert len(CATALOGUE) >= 20
    by_expectation = {spec.expect for spec in CATALOGUE.scenarios}
    assert {
        "landed",
        "sync-rule",
        "shipping",
        "item-mapping",
        "permission",
        "script-or-workflow",
        "customer-match",
    } <= by_expectation
    assert by_expectation <= set(EXPECTATIONS)
    kinds = {spec.customer.kind for spec in CATALOGUE.scenarios}
    assert kinds == {"new", "existing", "existing-case-mismatch", "guest", "ambiguous"}
    specs = CATALOGUE.scenarios
    assert any(len(s.lines) >= 5 and any(li.quantity > 1 for li in s.lines) for s in specs)
    assert any(li.variation_id for s in specs for li in s.lines)
    assert any(s.tax.exempt for s in specs)
    assert any(s.prices_include_tax for s in specs)
    assert {c.type for s in specs for c in s.coupons} == {"percent", "fixed_cart"}
    assert any(f.amount > 0 for s in specs for f in s.fees)
    assert any(f.amount < 0 for s in specs for f in s.fees)
    methods = {s.shipping.method_id for s in specs if s.shipping}
    assert {"flat_rate", "free_shipping", "local_pickup"} <= methods
    assert any(s.currency == "CAD" for s in specs)
    assert any(s.updates for s in specs)
    assert len({rate.rate_code for s in specs for rate in s.tax.rates}) >= 2


def test_scenario_prices_are_the_store_prices() -> None:
    store = CATALOGUE.store
    assert store is not None
    known = {product.sku for product in store.products}
    prices = {(product.sku, product.price) for product in store.products}
    for spec in CATALOGUE.scenarios:
        for line in spec.lines:
            if line.sku in known:
                assert (line.sku, line.price) in prices, (spec.name, line.sku, line.price)


def test_the_catalogue_agrees_with_the_demo_mapping() -> None:
    mapping = load_mapping()
    for spec in CATALOGUE.scenarios:
        for rate in spec.tax.rates:
            assert tax_code_for_rate(mapping, rate.rate_code), (spec.name, rate.rate_code)
        assert routed_subsidiary(mapping, spec.currency, spec.billing.country) is not None
        mapped = spec.shipping is None or ship_item_for_method(mapping, spec.shipping.method_id)
        assert bool(mapped) == (spec.expect != "shipping"), spec.name
        assert status_syncs(mapping, spec.status) == (spec.expect != "sync-rule"), spec.name


# ---------------------------------------------------------------- determinism


_IN_OTHER_PROCESS = """
import hashlib, json
from harness.catalogue.spec import load_catalogue
from harness.woo.generate import generate
digest = hashlib.sha256()
for spec in load_catalogue().scenarios:
    digest.update(json.dumps(generate(spec, 7).to_wire(), sort_keys=True).encode())
print(digest.hexdigest())
"""


def test_same_scenario_and_seed_give_the_same_bytes_in_other_processes() -> None:
    here = hashlib.sha256()
    for spec in CATALOGUE.scenarios:
        here.update(wire_bytes(generate(spec, 7)).encode())
    outputs = []
    for hash_seed in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if k != CATALOGUE_ENV}
        env["PYTHONHASHSEED"] = hash_seed  # str hashing differs between the two processes
        done = subprocess.run(
            [sys.executable, "-c", _IN_OTHER_PROCESS],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.append(done.stdout.strip())
    assert outputs == [here.hexdigest(), here.hexdigest()]


def test_orders_are_the_ones_a_plain_faker_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator's Faker works out each name table's cumulative weights once; the orders
    are byte for byte those of a Faker drawing as it always does."""
    seeds = range(6)
    ours = [wire_bytes(generate(spec, seed)) for spec in CATALOGUE.scenarios for seed in seeds]
    plain: dict[str, Faker] = {}
    monkeypatch.setattr(
        generate_module, "_faker", lambda locale: plain.setdefault(locale, Faker(locale))
    )
    monkeypatch.setattr(generate_module, "_ORDERS", generate_module.SpecMemo())  # made again
    theirs = [wire_bytes(generate(spec, seed)) for spec in CATALOGUE.scenarios for seed in seeds]
    assert len(plain) > 1, "the catalogue draws from more than one locale"
    assert ours == theirs


def test_global_random_state_does_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = scenario("multi-item")
    random.seed(1)
    first = wire_bytes(generate(spec, 11))
    monkeypatch.setattr(generate_module, "_ORDERS", generate_module.SpecMemo())  # made again
    random.seed(2)
    random.random()
    assert wire_bytes(generate(spec, 11)) == first


def test_different_seeds_give_different_orders() -> None:
    spec = scenario("new-customer")
    orders = [generate(spec, seed) for seed in range(5)]
    assert len({wire_bytes(order) for order in orders}) == 5
    assert len({order.id for order in orders}) == 5
    assert len({order.billing.email for order in orders}) == 5


def test_order_numbers_are_unique_across_the_catalogue() -> None:
    for seed in range(20):
        numbers = {order_identity(name, seed).number for name in NAMES}
        assert len(numbers) == len(NAMES)


def test_order_identity_is_stable_and_external_id_friendly() -> None:
    identity = order_identity("new-customer", 0)
    assert identity == order_identity("new-customer", 0)
    assert identity != order_identity("new-customer", 1)
    assert re.fullmatch(r"[1-9]\d{6}", identity.number)
    assert identity.number == str(identity.order_id)
    order = generate(scenario("new-customer"), 0)
    assert (order.id, order.number) == (identity.order_id, identity.number)


# ---------------------------------------------------------------- what the orders look like


def test_generated_order_looks_like_a_checkout_order() -> None:
    order = generate(scenario("existing-customer"), 3)
    wire = order.to_wire()
    assert re.fullmatch(r"wc_order_[A-Za-z0-9]{13}", order.order_key)
    assert re.fullmatch(r"[0-9a-f]{32}", order.cart_hash)
    assert order.created_via == "checkout"
    assert order.meta("is_vat_exempt") == "no"
    assert order.status == "processing"
    assert order.date_paid is not None and order.date_created is not None
    assert order.date_paid >= order.date_created
    created_gmt = datetime.fromisoformat(wire["date_created_gmt"])
    assert created_gmt - datetime.fromisoformat(wire["date_created"]) == timedelta(hours=8)
    assert order.payment_method in {"stripe", "ppcp-gateway"}
    assert order.transaction_id
    assert wire["_links"]["customer"]


def test_existing_customer_orders_with_the_known_email_and_address() -> None:
    order = generate(scenario("existing-customer"), 0)
    assert order.billing.email == "jane.doe@example.com"
    assert (order.billing.first_name, order.billing.last_name) == ("Jane", "Doe")
    assert order.billing.address_1 == "500 Market St"
    assert order.shipping.address_1 == "500 Market St"
    assert order.customer_id == 12


def test_orders_link_to_the_catalogue_store(tmp_path: Path) -> None:
    order = generate(scenario("guest-checkout"), 0)
    assert CATALOGUE.store is not None
    assert order.to_wire()["_links"]["self"][0]["href"].startswith(CATALOGUE.store.url)
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "store: {name: Elsewhere, url: 'https://elsewhere.example'}\n"
        "scenarios:\n"
        "  - {name: one, description: d, customer: {kind: guest}, billing: {country: US},\n"
        "     lines: [{sku: MUG-WHT, price: '12.00'}], expect: landed}\n",
        encoding="utf-8",
    )
    other = generate(load_catalogue(path).get("one"), 0)
    assert str(other.payment_url).startswith("https://elsewhere.example/checkout/order-pay/")


def test_case_mismatched_email_differs_only_in_case() -> None:
    order = generate(scenario("existing-customer-email-case"), 0)
    email = order.billing.email
    assert email is not None and email != "jane.doe@example.com"
    assert email.lower() == "jane.doe@example.com"


def test_guest_has_customer_id_zero_and_no_customer_link() -> None:
    order = generate(scenario("guest-checkout"), 0)
    assert order.customer_id == 0
    assert "customer" not in order.to_wire()["_links"]
    assert str(order.billing.email).endswith("@example.net")


def test_ambiguous_customer_uses_the_shared_email() -> None:
    assert generate(scenario("ambiguous-customer-email"), 0).billing.email == AMBIGUOUS_EMAIL


def test_company_customer_has_a_company_name() -> None:
    order = generate(scenario("tax-exempt-b2b"), 0)
    assert order.billing.company == "Northwind Traders"
    assert not scenario("tax-exempt-b2b").customer.person


def test_exempt_order_carries_the_exemption_and_no_tax() -> None:
    order = generate(scenario("tax-exempt-b2b"), 0)
    assert order.is_vat_exempt
    assert order.tax_lines == []
    assert order.total_tax == 0
    assert all(line.taxes == [] for line in order.line_items)


def test_canadian_order_is_in_cad_with_hst_and_an_ontario_address() -> None:
    order = generate(scenario("canada-cad-hst"), 5)
    assert order.currency == "CAD"
    assert [t.rate_code for t in order.tax_lines] == ["CA-ON-HST-1"]
    assert order.tax_lines[0].rate_percent == 13
    assert (order.billing.country, order.billing.state) == ("CA", "ON")
    assert order.to_wire()["currency_symbol"] == "$"


@pytest.mark.parametrize(("state", "first_digits"), [("CA", "9"), ("NY", "1")])
def test_us_postcodes_match_the_state(state: str, first_digits: str) -> None:
    names = [s.name for s in CATALOGUE.scenarios if s.customer.kind == "new"]
    for name in names:
        spec = scenario(name)
        if spec.billing.state == state:
            assert generate(spec, 0).billing.postcode.startswith(first_digits), name


def test_variation_lines_carry_parent_and_attributes() -> None:
    order = generate(scenario("variations"), 0)
    first = order.line_items[0]
    assert (first.product_id, first.variation_id, first.parent_name) == (102, 1021, "Acme Hoodie")
    assert {(m.key, m.value) for m in first.meta_data} == {("pa_color", "black"), ("pa_size", "m")}


def test_pending_order_is_unpaid() -> None:
    order = generate(scenario("pending-not-synced"), 0)
    assert order.status == "pending"
    assert order.date_paid is None
    assert order.transaction_id == ""
    assert order.to_wire()["needs_payment"] is True


def test_over_limit_order_is_above_five_thousand() -> None:
    assert generate(scenario("over-approval-limit"), 0).total > Decimal("5000.00")


def test_inclusive_scenario_backs_tax_out_of_the_gross_price() -> None:
    order = generate(scenario("prices-include-tax"), 0)
    hoodie = order.line_items[0]
    assert (hoodie.total, hoodie.total_tax) == (Decimal("45.01"), Decimal("3.99"))
    assert order.prices_include_tax


def test_update_moves_the_order_on_and_keeps_it_valid() -> None:
    spec = scenario("on-hold-then-processing")
    before = generate(spec, 0)
    assert before.status == "on-hold" and before.date_paid is None
    after = apply_update(before, spec.updates[0])
    assert after.status == "processing"
    assert after.date_paid is not None
    assert after.date_modified is not None and before.date_modified is not None
    assert after.date_modified > before.date_modified
    assert after.total == before.total
    assert after.check_invariants() == []
    noted = apply_update(after, OrderUpdate(customer_note="Leave at the back door"), step=2)
    assert noted.customer_note == "Leave at the back door"


# ---------------------------------------------------------------- loading the catalogue


def test_catalogue_lookup_suggests_close_names() -> None:
    with pytest.raises(KeyError, match="did you mean new-customer"):
        CATALOGUE.get("new-custmer")


def test_broken_catalogue_entry_is_reported_at_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: broken\n"
        "    description: a line with no quantity to speak of\n"
        "    customer: {kind: guest}\n"
        "    billing: {country: US, state: CA}\n"
        "    lines:\n"
        "      - sku: MUG-WHT\n"
        "        price: '12.00'\n"
        "        quantity: 0\n"
        "    expect: landed\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigFileError) as caught:
        load_catalogue(path)
    assert caught.value.problems[0].startswith(f"{path}:9: scenarios.0.lines.0.quantity: ")
    assert "(got 0)" in caught.value.problems[0]


@pytest.mark.parametrize(
    ("tail", "where"),
    [
        ("    customer: {kind: guest}\n    expect: lands\n", "scenarios.0.expect"),
        (
            "    customer: {kind: guest}\n    expect: landed\n    shiping: {cost: '1.00'}\n",
            "scenarios.0.shiping",
        ),
        ("    expect: landed\n    customer: {kind: existing}\n", "scenarios.0.customer"),
    ],
)
def test_bad_entries_name_the_field_and_line(tmp_path: Path, tail: str, where: str) -> None:
    """The faulty key is always on the file's last line."""
    path = tmp_path / "catalogue.yaml"
    text = (
        "scenarios:\n"
        "  - name: broken\n"
        "    description: d\n"
        "    billing: {country: US}\n"
        "    lines: [{sku: MUG-WHT, price: '12.00'}]\n"
    ) + tail
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_catalogue(path)
    last = text.count("\n")
    assert [p for p in caught.value.problems if p.startswith(f"{path}:{last}: {where}")], (
        caught.value.problems
    )


def test_duplicate_scenario_names_are_refused(tmp_path: Path) -> None:
    entry = (
        "  - name: twice\n"
        "    description: d\n"
        "    customer: {kind: guest}\n"
        "    billing: {country: US}\n"
        "    lines: [{sku: MUG-WHT, price: '12.00'}]\n"
        "    expect: landed\n"
    )
    path = tmp_path / "catalogue.yaml"
    path.write_text("scenarios:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"catalogue.yaml:1: scenarios: .*'twice'"):
        load_catalogue(path)


def test_yaml_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("scenarios:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigFileError, match=rf"^{re.escape(str(path))}:\d+: invalid YAML"):
        load_catalogue(path)


def test_catalogue_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CATALOGUE_ENV, raising=False)
    assert catalogue_path() == DEFAULT_CATALOGUE
    own = tmp_path / "own.yaml"
    own.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(CATALOGUE_ENV, str(own))
    assert catalogue_path() == own
    assert catalogue_path(tmp_path / "explicit.yaml") == tmp_path / "explicit.yaml"
    assert load_catalogue().names == NAMES


def test_tax_shorthands_and_customer_rules() -> None:
    base = {
        "name": "x",
        "description": "d",
        "billing": {"country": "US"},
        "lines": [{"sku": "MUG-WHT", "price": "12.00"}],
        "expect": "landed",
    }
    exempt = ScenarioSpec.model_validate({**base, "customer": {"kind": "guest"}, "tax": "exempt"})
    assert exempt.tax.exempt and exempt.tax.rates == []
    untaxed = ScenarioSpec.model_validate({**base, "customer": {"kind": "new"}, "tax": "none"})
    assert not untaxed.tax.exempt
    with pytest.raises(ValueError, match="needs the existing customer's email"):
        ScenarioSpec.model_validate({**base, "customer": {"kind": "existing"}})
    with pytest.raises(ValueError, match="guest has no user_id"):
        ScenarioSpec.model_validate({**base, "customer": {"kind": "guest", "user_id": 4}})


def test_a_rate_code_that_contradicts_the_rate_is_refused() -> None:
    rate = {"id": 1, "country": "US", "state": "CA", "name": "State Tax", "percent": "7.25"}
    assert TaxRateSpec.model_validate(rate).rate_code == "US-CA-STATE TAX-1"
    assert TaxRateSpec.model_validate({**rate, "code": "US-CA-STATE TAX-1"})
    with pytest.raises(ValueError, match="expected 'US-CA-STATE TAX-1'"):
        TaxRateSpec.model_validate({**rate, "code": "US-NY-STATE TAX-1"})


def test_catalogue_needs_scenarios() -> None:
    with pytest.raises(ValueError, match="scenarios"):
        Catalogue.model_validate({"scenarios": []})


def test_an_order_does_not_depend_on_what_was_generated_before_it() -> None:
    catalogue = load_catalogue()
    first = generate(catalogue.get("multi-item"), 3).to_wire()
    for spec in catalogue.scenarios:  # the shared per-locale Faker is used in between
        generate(spec, 11)
    assert generate(catalogue.get("multi-item"), 3).to_wire() == first
