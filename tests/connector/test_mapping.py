"""The mapping file: the demo store's loads, bad ones fail at `file:line`; the reference
connector's reading of it (`harness.connector.interpret`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.connector.interpret import (
    exempt_code_for,
    item_name_for,
    render,
    ship_item_for,
    subsidiary_for,
    syncs,
    tax_code_for,
)
from harness.mapping import Mapping, MappingError, load_mapping
from harness.woo.order import LineItem


def test_demo_mapping_routes_currency_to_subsidiary() -> None:
    mapping = load_mapping()
    assert subsidiary_for(mapping, "USD", "US") == 1
    assert subsidiary_for(mapping, "CAD", "CA") == 2
    assert subsidiary_for(mapping, "EUR", "DE") == 1  # the default


def test_demo_mapping_maps_the_core_shipping_methods() -> None:
    mapping = load_mapping()
    assert ship_item_for(mapping, "flat_rate") == "UPS Ground"
    assert ship_item_for(mapping, "free_shipping") == "Free Shipping"
    assert ship_item_for(mapping, "local_pickup") == "Will Call"
    assert ship_item_for(mapping, "cargus") is None


def test_tax_code_lookup_ignores_the_priority_suffix() -> None:
    mapping = load_mapping()
    assert tax_code_for(mapping, "US-CA-STATE TAX-1") == "CA-STATE"
    assert tax_code_for(mapping, "US-CA-STATE TAX") == "CA-STATE"
    assert tax_code_for(mapping, "US-TX-STATE TAX-1") is None


def test_pending_orders_do_not_sync_in_the_demo() -> None:
    mapping = load_mapping()
    assert syncs(mapping, "processing")
    assert not syncs(mapping, "pending")


def test_unknown_template_placeholder_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("order:\n  external_id: 'woo-{nubmer}'\n")
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:2: order.external_id: ")
    assert "unknown placeholder {nubmer}" in problem


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("shipping:\n  methods: {}\n  defualt: UPS Ground\n")
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert info.value.problems[0].startswith(f"{path}:3: shipping.defualt: ")


def test_custom_field_ids_must_have_their_prefix(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("custom_fields:\n  body:\n    channel: {value: Woo}\n")
    with pytest.raises(MappingError, match="must start with 'custbody_'"):
        load_mapping(path)


def test_custom_field_needs_exactly_one_source(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("custom_fields:\n  line:\n    custcol_x: {value: 1, from: sku}\n")
    with pytest.raises(MappingError, match="exactly one of"):
        load_mapping(path)


def test_default_guest_customer_requires_an_id(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("customer:\n  guests: default-customer\n")
    with pytest.raises(MappingError, match="needs guest_customer"):
        load_mapping(path)


def test_render_fills_templates_and_blanks_missing_values() -> None:
    assert render("woo-{number}", {"number": "1001"}) == "woo-1001"
    assert render("{customer_note}", {}) == ""


def _line(product_id: int, variation_id: int = 0, sku: str | None = "HOODIE-BLK-L") -> LineItem:
    return LineItem.model_validate(
        {"id": 1, "product_id": product_id, "variation_id": variation_id, "quantity": 1,
         "subtotal": "49.00", "subtotal_tax": "0", "total": "49.00", "total_tax": "0",
         "sku": sku}
    )


def _with_items(mapping: Mapping, **items: object) -> Mapping:
    return mapping.model_copy(update={"items": mapping.items.model_copy(update=items)})


def test_a_line_is_sent_as_its_sku_without_surrounding_spaces() -> None:
    mapping = load_mapping()
    assert item_name_for(_line(102, 1022, " HOODIE-BLK-L\t"), mapping) == "HOODIE-BLK-L"
    assert item_name_for(_line(104, sku=None), mapping) == ""


def test_a_product_override_replaces_the_sku() -> None:
    mapping = _with_items(load_mapping(), products={104: "STICKER-PACK"})
    assert item_name_for(_line(104, sku="MUG-WHT"), mapping) == "STICKER-PACK"
    assert item_name_for(_line(105, sku="BEANIE-GRY"), mapping) == "BEANIE-GRY"
    assert item_name_for(_line(104, sku=None), mapping) == "STICKER-PACK"


def test_a_variation_override_wins_over_its_products() -> None:
    mapping = _with_items(
        load_mapping(), products={102: "MUG-WHT"}, variations={1022: "BEANIE-GRY"}
    )
    assert item_name_for(_line(102, 1022), mapping) == "BEANIE-GRY"
    assert item_name_for(_line(102, 1021, "HOODIE-BLK-M"), mapping) == "MUG-WHT"
    # Variation id 0 is WooCommerce's "not a variation", never a key to look up.
    zero = _with_items(load_mapping(), variations={0: "BEANIE-GRY"})
    assert item_name_for(_line(104, 0, "MUG-WHT"), zero) == "MUG-WHT"


def test_exempt_codes_belong_to_their_subsidiary() -> None:
    mapping = load_mapping()
    assert exempt_code_for(mapping, 2) == "CA-ZERO"
    assert exempt_code_for(mapping, 1) == "-Not Taxable-"


def test_a_rate_code_mapped_with_its_tail_wins_over_the_bare_one() -> None:
    mapping = load_mapping()
    codes = {"US-CA-STATE TAX": "CA-STATE", "US-CA-STATE TAX-2": "CA-DISTRICT"}
    both = mapping.model_copy(update={"tax": mapping.tax.model_copy(update={"codes": codes})})
    assert tax_code_for(both, "US-CA-STATE TAX-2") == "CA-DISTRICT"
    assert tax_code_for(both, "US-CA-STATE TAX-1") == "CA-STATE"
    assert tax_code_for(both, "US-CA-STATE TAX-X") is None
