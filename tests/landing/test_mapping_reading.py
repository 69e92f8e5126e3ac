"""The expectation's own reading of the mapping (`harness.landing.mapping_reading`): item
overrides, the tax code's priority tail, exempt codes, routes, sync rules and templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from landing_helpers import ClientFactory

from harness.catalogue.spec import ScenarioSpec
from harness.landing.expect import expect
from harness.landing.mapping_reading import (
    exempt_code_in,
    fill,
    item_for_line,
    nets_coupons,
    order_values,
    rate_key,
    routed_subsidiary,
    ship_item_for_method,
    status_syncs,
    tax_code_for_rate,
    taxes_per_line,
)
from harness.landing.refdata import ReferenceData
from harness.mapping import TEMPLATE_FIELDS, Mapping, MappingError, load_mapping
from harness.recording.metadata import fingerprint
from harness.woo.generate import generate
from harness.woo.order import LineItem

SpecOf = Callable[[str], ScenarioSpec]


@pytest.fixture
def lookups(make_client: ClientFactory) -> ReferenceData:
    return ReferenceData(make_client())


def line(product_id: int, variation_id: int = 0, sku: str | None = "HOODIE-BLK-L") -> LineItem:
    return LineItem.model_validate(
        {"id": 1, "product_id": product_id, "variation_id": variation_id, "quantity": 1,
         "subtotal": "49.00", "subtotal_tax": "0", "total": "49.00", "total_tax": "0",
         "sku": sku}
    )


def with_items(mapping: Mapping, **items: Any) -> Mapping:
    return mapping.model_copy(update={"items": mapping.items.model_copy(update=items)})


# -- items -------------------------------------------------------------------------------------


def test_a_line_lands_as_its_sku_without_surrounding_spaces(mapping: Mapping) -> None:
    assert item_for_line(mapping, line(102, 1022, " HOODIE-BLK-L\t")) == "HOODIE-BLK-L"
    assert item_for_line(mapping, line(104, sku=None)) == ""


def test_a_product_override_replaces_the_sku(mapping: Mapping) -> None:
    overridden = with_items(mapping, products={104: "STICKER-PACK"})
    assert item_for_line(overridden, line(104, sku="MUG-WHT")) == "STICKER-PACK"
    assert item_for_line(overridden, line(105, sku="BEANIE-GRY")) == "BEANIE-GRY"
    # A product without a SKU is found through its override alone.
    assert item_for_line(overridden, line(104, sku=None)) == "STICKER-PACK"


def test_a_variation_override_wins_over_its_products(mapping: Mapping) -> None:
    overridden = with_items(mapping, products={102: "MUG-WHT"}, variations={1022: "BEANIE-GRY"})
    assert item_for_line(overridden, line(102, 1022)) == "BEANIE-GRY"
    assert item_for_line(overridden, line(102, 1021, "HOODIE-BLK-M")) == "MUG-WHT"


def test_variation_overrides_apply_to_variations_only(mapping: Mapping) -> None:
    # Variation id 0 is WooCommerce's "not a variation", never a key to look up.
    overridden = with_items(mapping, variations={0: "BEANIE-GRY"})
    assert item_for_line(overridden, line(104, 0, "MUG-WHT")) == "MUG-WHT"


def test_the_expectation_names_the_overridden_items(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    order = generate(spec("variations"), 1)
    assert [(li.product_id, li.variation_id) for li in order.line_items] == [
        (102, 1021), (102, 1022)]
    overridden = with_items(mapping, products={102: "MUG-WHT"}, variations={1022: "BEANIE-GRY"})
    exp = expect(order, overridden, lookups)
    assert [(ln.key, ln.item.id) for ln in exp.lines] == [("MUG-WHT", "104"), ("BEANIE-GRY", "105")]
    assert exp.problems == ()


def test_an_override_to_a_missing_item_names_the_override(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    order = generate(spec("variations"), 1)
    exp = expect(order, with_items(mapping, variations={1022: "NO-SUCH-ITEM"}), lookups)
    [found] = exp.problems
    assert found.category == "item-mapping" and found.field == "lines[NO-SUCH-ITEM]"
    assert "variation 1022 under items.variations" in found.hint


# -- tax codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate_code", "key"),
    [
        ("US-CA-STATE TAX-1", "US-CA-STATE TAX"),
        ("US-CA-STATE TAX-12", "US-CA-STATE TAX"),
        ("US-CA-STATE TAX", "US-CA-STATE TAX"),
        ("CA-ON-HST", "CA-ON-HST"),  # a tail that is not a priority stays
        ("-1", "-1"),  # nothing before the tail: no key to strip it to
        ("7", "7"),
    ],
)
def test_the_priority_tail_is_the_last_dash_and_digits(rate_code: str, key: str) -> None:
    assert rate_key(rate_code) == key


def test_tax_codes_are_found_with_or_without_the_priority_tail(mapping: Mapping) -> None:
    assert tax_code_for_rate(mapping, "US-CA-STATE TAX-1") == "CA-STATE"
    assert tax_code_for_rate(mapping, "US-CA-STATE TAX") == "CA-STATE"
    assert tax_code_for_rate(mapping, "CA-ON-HST-1") == "ON-HST"
    assert tax_code_for_rate(mapping, "US-TX-STATE TAX-1") is None
    assert tax_code_for_rate(mapping, "US-CA-STATE TAX-X") is None


def test_a_rate_code_mapped_with_its_tail_wins_over_the_bare_one(mapping: Mapping) -> None:
    codes = {"US-CA-STATE TAX": "CA-STATE", "US-CA-STATE TAX-2": "CA-DISTRICT"}
    tax = mapping.tax.model_copy(update={"codes": codes})
    both = mapping.model_copy(update={"tax": tax})
    assert tax_code_for_rate(both, "US-CA-STATE TAX-2") == "CA-DISTRICT"
    assert tax_code_for_rate(both, "US-CA-STATE TAX-1") == "CA-STATE"


def test_exempt_codes_belong_to_their_subsidiary(mapping: Mapping) -> None:
    assert exempt_code_in(mapping, 2) == "CA-ZERO"
    assert exempt_code_in(mapping, 1) == "-Not Taxable-"
    assert exempt_code_in(mapping, None) == "-Not Taxable-"


def test_an_exempt_canadian_order_expects_the_canadian_exempt_code(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    canadian = spec("canada-cad-hst")
    exempt = canadian.model_copy(update={"tax": canadian.tax.model_copy(update={"exempt": True})})
    exp = expect(generate(exempt, 1), mapping, lookups)
    assert exp.tax_total == 0
    assert [(c.code.name, c.code.id) for c in exp.tax_codes if c.code] == [("CA-ZERO", "305")]


# -- routes, shipping, sync --------------------------------------------------------------------


def test_orders_route_by_currency_or_by_country(mapping: Mapping) -> None:
    assert routed_subsidiary(mapping, "cad", "US") == 2
    assert routed_subsidiary(mapping, "EUR", "DE") == 1  # the default
    by_country = mapping.subsidiaries.model_copy(
        update={"by": "country", "routes": {"CA": 2}, "default": None})
    routed = mapping.model_copy(update={"subsidiaries": by_country})
    assert routed_subsidiary(routed, "USD", "ca") == 2
    assert routed_subsidiary(routed, "CAD", "US") is None


def test_ship_items_come_from_the_method_or_the_default(mapping: Mapping) -> None:
    assert ship_item_for_method(mapping, "local_pickup") == "Will Call"
    assert ship_item_for_method(mapping, "table_rate") is None
    shipping = mapping.shipping.model_copy(update={"default": "UPS Ground"})
    assert ship_item_for_method(mapping.model_copy(update={"shipping": shipping}),
                                "table_rate") == "UPS Ground"


def test_only_the_listed_statuses_sync(mapping: Mapping) -> None:
    assert status_syncs(mapping, "on-hold")
    assert not status_syncs(mapping, "pending")
    assert not status_syncs(mapping, "Processing")


# -- templates ---------------------------------------------------------------------------------


def test_order_values_cover_every_template_placeholder(spec: SpecOf) -> None:
    order = generate(spec("new-customer"), 2)
    values = order_values(order, "run1-")
    assert set(values) == TEMPLATE_FIELDS
    assert values["number"] == order.number and values["prefix"] == "run1-"
    assert values["billing_email"] == order.billing.email


def test_a_template_renders_missing_values_empty() -> None:
    assert fill("woo-{number}", {"number": "1001"}) == "woo-1001"
    assert fill("{customer_note}", {}) == ""
    assert fill("{prefix}woo-{id}", {"id": 7}) == "woo-7"
    assert fill("{{literal}}-{number}", {"number": "9"}) == "{literal}-9"


def test_an_order_without_a_number_or_email_renders_its_id_and_nothing(spec: SpecOf) -> None:
    order = generate(spec("new-customer"), 2)
    bare = order.model_copy(
        update={"number": "", "billing": order.billing.model_copy(update={"email": None})})
    values = order_values(bare)
    assert values["number"] == str(order.id) and values["billing_email"] == ""
    assert fill("{number}|{billing_email}|{prefix}", values) == f"{order.id}||"


# -- discounts and the tax model ---------------------------------------------------------------


def test_coupons_go_to_the_discount_item_unless_net_pricing_is_declared(
    mapping: Mapping, tmp_path: Any
) -> None:
    assert mapping.discounts.strategy == "item" and not nets_coupons(mapping)
    path = tmp_path / "net.yaml"
    path.write_text("discounts:\n  strategy: net-price\n")
    assert nets_coupons(load_mapping(path))


def test_an_unknown_discount_strategy_is_refused_with_the_choices(tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("discounts:\n  strategy: lines\n")
    with pytest.raises(MappingError) as raised:
        load_mapping(path)
    assert "discounts.strategy" in str(raised.value) and "net-price" in str(raised.value)


def test_the_default_strategy_leaves_the_mappings_fingerprint_as_it_was(
    mapping: Mapping,
) -> None:
    """Cassettes record the mapping's fingerprint: a mapping that does not use the option must
    print the same as before the option existed."""
    assert "strategy" not in mapping.model_dump()["discounts"]
    net = mapping.model_copy(update={"discounts": mapping.discounts.model_copy(
        update={"strategy": "net-price"})})
    assert net.model_dump()["discounts"]["strategy"] == "net-price"
    assert fingerprint(net) != fingerprint(mapping)


def test_line_level_tax_belongs_to_the_listed_subsidiaries(mapping: Mapping) -> None:
    assert taxes_per_line(mapping, 2) and not taxes_per_line(mapping, 1)
    assert not taxes_per_line(mapping, None)
