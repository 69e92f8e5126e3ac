"""compare() and render_diff(): each rule, matching and mismatching, in readable fields."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from landing_helpers import JANE, expected_line, make_actual, make_expected

from harness.landing.compare import compare, describe_line, render_diff
from harness.landing.expected import ExpectedCustomer
from harness.landing.readback import ActualAddress, ActualLanding, ActualLine
from harness.landing.refdata import CustomerRef, NamedRef
from harness.landing.verdict import Mismatch

D = Decimal


def fields(mismatches: list[Mismatch]) -> dict[str, tuple[object, object]]:
    return {m.field: (m.expected, m.actual) for m in mismatches}


def test_an_exact_landing_has_no_mismatches() -> None:
    assert compare(make_expected(), make_actual()) == []


# -- orders -----------------------------------------------------------------------------------


def test_no_order_found_is_only_a_count() -> None:
    assert fields(compare(make_expected(), ActualLanding())) == {"orders.count": (1, 0)}


def test_duplicate_orders_are_counted_and_the_primary_still_compared() -> None:
    actual = make_actual(order_ids=("7001", "7002"), tax_total=D("5.00"))
    found = fields(compare(make_expected(), actual))
    assert found["orders.count"] == (1, 2)
    assert "taxTotal" in found


def test_an_order_that_must_not_sync_is_judged_by_its_count_alone() -> None:
    expected = make_expected(should_sync=False, status="pending")
    assert compare(expected, ActualLanding()) == []
    assert fields(compare(expected, make_actual(tax_total=D(0)))) == {"orders.count": (0, 1)}


# -- customer ---------------------------------------------------------------------------------


def test_order_on_another_customer_names_both() -> None:
    other = CustomerRef("1006", "jane.doe@example.com", entity_id="Jane Doe 2")
    found = fields(compare(make_expected(), make_actual(entity=NamedRef("1006", "Jane Doe 2"),
                                                        customer=other)))
    assert found["customer"] == (
        "Jane Doe <jane.doe@example.com> (1001)", "Jane Doe 2 <jane.doe@example.com> (1006)"
    )


def test_second_customer_with_the_email_is_a_duplicate() -> None:
    dup = CustomerRef("1006", "Jane.Doe@Example.com")
    found = fields(compare(make_expected(), make_actual(customers_with_email=(JANE, dup))))
    assert found == {"customers.count": (1, 2)}


def test_duplicates_allowed_when_the_policy_expects_them() -> None:
    expected = make_expected(customer=replace(make_expected().customer, unique_email=False))
    dup = CustomerRef("1006", "jane.doe@example.com")
    assert compare(expected, make_actual(customers_with_email=(JANE, dup))) == []


def test_new_customer_is_checked_by_its_email_names_and_subsidiary() -> None:
    new = ExpectedCustomer("new", "sam@example.com", first_name="Sam", last_name="Lee")
    created = CustomerRef("2001", "SAM@example.com", first_name="sam", last_name="Lee",
                          is_person=True, subsidiary="1")
    expected = make_expected(customer=new)
    good = make_actual(entity=NamedRef("2001", "Sam Lee"), customer=created,
                       customers_with_email=(created,))
    assert compare(expected, good) == []
    wrong = replace(created, email="sam@example.org", last_name="Leigh", subsidiary="2")
    found = fields(compare(expected, replace(good, customer=wrong)))
    assert found["customer.email"] == ("sam@example.com", "sam@example.org")
    assert found["customer.lastName"] == ("Lee", "Leigh")
    assert found["customer.subsidiary"] == ("Acme Outfitters Inc. (1)", "2")


def test_new_company_customer_is_checked_by_company_name() -> None:
    new = ExpectedCustomer("new", "buy@ridge.example", company="Blue Ridge Outfitters")
    created = CustomerRef("2002", "buy@ridge.example", company="Blue Ridge", is_person=False)
    found = fields(compare(make_expected(customer=new),
                           make_actual(customer=created, customers_with_email=(created,))))
    assert found == {"customer.companyName": ("Blue Ridge Outfitters", "Blue Ridge")}


# -- lines ------------------------------------------------------------------------------------


def test_lines_match_in_any_order() -> None:
    actual = make_actual()
    assert compare(make_expected(), replace(actual, lines=actual.lines[::-1])) == []


def test_rate_within_tolerance_matches_and_beyond_it_does_not() -> None:
    actual = make_actual()
    near = replace(actual.lines[0], rate=D("49.01"), amount=D("98.01"))
    assert compare(make_expected(), replace(actual, lines=(near, actual.lines[1]))) == []
    far = replace(actual.lines[0], rate=D("44.10"), amount=D("88.20"))
    found = fields(compare(make_expected(), replace(actual, lines=(far, actual.lines[1]))))
    assert found["lines[HOODIE-BLK-M].rate"] == (D("49.00"), D("44.10"))
    assert found["lines[HOODIE-BLK-M].amount"] == (D("98.00"), D("88.20"))


def test_tolerance_is_configurable() -> None:
    actual = make_actual(tax_total=D("8.03"))
    assert "taxTotal" in fields(compare(make_expected(), actual))
    assert compare(make_expected(), actual, tolerance=D("0.05")) == []


def test_quantity_must_match_exactly() -> None:
    actual = make_actual()
    line = replace(actual.lines[1], quantity=D(2), amount=D(24))
    found = fields(compare(make_expected(), replace(actual, lines=(actual.lines[0], line))))
    assert found["lines[MUG-WHT].quantity"] == (D(1), D(2))


def test_missing_and_extra_lines_are_named() -> None:
    actual = make_actual()
    extra = ActualLine(NamedRef("121", "Handling Fee"), D(1), D("5.00"), D("5.00"))
    found = fields(compare(make_expected(), replace(actual, lines=(actual.lines[0], extra))))
    assert found["lines[MUG-WHT]"] == ("1 × 12.00 = 12.00 (MUG-WHT, item 104)", None)
    assert found["lines[Handling Fee]"] == (None, "1 × 5.00 = 5.00 (Handling Fee, item 121)")


def test_a_line_on_the_wrong_item_is_one_mismatch() -> None:
    actual = make_actual()
    wrong = replace(actual.lines[0], item=NamedRef("102", "HOODIE-BLK-L"))
    found = fields(compare(make_expected(), replace(actual, lines=(wrong, actual.lines[1]))))
    assert found == {"lines[HOODIE-BLK-M].item": ("HOODIE-BLK-M (101)", "HOODIE-BLK-L (102)")}


def test_repeated_items_pair_by_quantity_and_rate() -> None:
    expected = make_expected(lines=(
        expected_line("MUG-WHT", "104", 1, "12.00"),
        expected_line("MUG-WHT#2", "104", 3, "10.00", name="MUG-WHT"),
    ))
    actual = make_actual(lines=(
        ActualLine(NamedRef("104", "MUG-WHT"), D(3), D(10), D(30)),
        ActualLine(NamedRef("104", "MUG-WHT"), D(1), D(12), D(12)),
    ))
    assert [m.field for m in compare(expected, actual) if m.field.startswith("lines")] == []


def test_a_price_level_other_than_custom_is_named() -> None:
    actual = make_actual()
    base = replace(actual.lines[0], price_level=NamedRef("1", "Base Price"))
    found = fields(compare(make_expected(), replace(actual, lines=(base, actual.lines[1]))))
    assert found == {"lines[HOODIE-BLK-M].priceLevel": ("Custom (-1)", "Base Price (1)")}
    unshown = replace(actual.lines[0], price_level=None)
    assert compare(make_expected(), replace(actual, lines=(unshown, actual.lines[1]))) == []


def test_price_level_is_not_judged_when_the_mapping_does_not_ask_for_custom() -> None:
    actual = make_actual()
    base = replace(actual.lines[0], price_level=NamedRef("1", "Base Price"))
    expected = make_expected(price_level_custom=False)
    assert compare(expected, replace(actual, lines=(base, actual.lines[1]))) == []


def test_subtotal_lines_are_not_lines() -> None:
    actual = make_actual()
    subtotal = ActualLine(NamedRef("-2", "Subtotal"), None, None, D(110), item_type="Subtotal")
    assert compare(make_expected(), replace(actual, lines=(*actual.lines, subtotal))) == []


# -- header amounts and records --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "change", "expected", "actual"),
    [
        ("taxTotal", {"tax_total": D("5.20")}, D("7.98"), D("5.20")),
        ("shippingCost", {"shipping_cost": None}, D("8.00"), None),
        ("shippingCost", {"shipping_cost": D("9.95")}, D("8.00"), D("9.95")),
        ("discountTotal", {"discount_total": D("-5")}, D("0.00"), D("-5.00")),
        ("total", {"total": D("120")}, D("125.98"), D("120.00")),
        ("total", {"total": None}, D("125.98"), None),
        ("shipMethod", {"ship_method": NamedRef("203", "Will Call")}, "UPS Ground (201)",
         "Will Call (203)"),
        ("shipMethod", {"ship_method": None}, "UPS Ground (201)", None),
        ("currency", {"currency": NamedRef("2", "Canadian Dollar")}, "USD (1)",
         "Canadian Dollar (2)"),
        ("subsidiary", {"subsidiary": NamedRef("2", "Acme Canada")},
         "Acme Outfitters Inc. (1)", "Acme Canada (2)"),
        ("externalId", {"external_id": None}, "woo-5001", None),
        ("otherRefNum", {"other_ref_num": "5002"}, "5001", "5002"),
    ],
)
def test_header_fields(field: str, change: dict[str, object], expected: object,
                       actual: object) -> None:
    found = fields(compare(make_expected(), make_actual(**change)))
    assert found[field] == (expected, actual)


def test_missing_discount_item_and_zero_fields_read_as_zero() -> None:
    expected = make_expected(discount_item=NamedRef("120", "Web Discount"),
                             discount_total=D("-5.00"), total=D("120.98"))
    actual = make_actual(discount_total=D("-5.0"), total=D("120.98"))
    assert fields(compare(expected, actual)) == {"discountItem": ("Web Discount (120)", None)}
    assert compare(make_expected(), make_actual(discount_total=None)) == []


def test_no_expected_ship_method_is_not_judged() -> None:
    expected = make_expected(shipping_method=None, shipping_cost=D(0), total=D("117.98"))
    actual = make_actual(ship_method=NamedRef("201", "UPS Ground"), shipping_cost=D(0),
                         total=D("117.98"))
    assert compare(expected, actual) == []


# -- addresses --------------------------------------------------------------------------------


def test_addresses_compare_case_and_blank_insensitively() -> None:
    loose = ActualAddress("500  MARKET st", "san francisco", "ca", "94105", "us")
    assert compare(make_expected(), make_actual(billing_address=loose)) == []


def test_address_parts_that_differ_are_named() -> None:
    wrong = ActualAddress("500 Market St", "Oakland", "CA", "94607", "US")
    found = fields(compare(make_expected(), make_actual(shipping_address=wrong)))
    assert found == {"shippingAddress.city": ("San Francisco", "Oakland"),
                     "shippingAddress.zip": ("94105", "94607")}


def test_a_missing_address_is_one_mismatch() -> None:
    found = fields(compare(make_expected(), make_actual(billing_address=None)))
    assert found == {"billingAddress": ("500 Market St, San Francisco CA 94105, US", None)}


def test_shipping_address_not_compared_when_woocommerce_has_none() -> None:
    expected = make_expected(shipping_address=None)
    assert compare(expected, make_actual(shipping_address=None)) == []


# -- rendering --------------------------------------------------------------------------------


def test_describe_line_reads_like_an_invoice_row() -> None:
    assert describe_line(NamedRef("101", "HOODIE-BLK-M"), D("2.0"), D("49"), D("98.0")) == (
        "2 × 49.00 = 98.00 (HOODIE-BLK-M, item 101)"
    )


def test_render_diff_aligns_three_columns() -> None:
    text = render_diff([
        Mismatch("lines[HOODIE-BLK-M].rate", D("49.00"), D("44.10")),
        Mismatch("taxTotal", D("7.98"), None),
    ])
    lines = text.splitlines()
    assert lines[0].split() == ["field", "expected", "actual"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["lines[HOODIE-BLK-M].rate", "49.00", "44.10"]
    assert lines[3].split() == ["taxTotal", "7.98", "(none)"]
    # Columns start at the same offset on every row.
    starts = {line.index(part) for line, part in zip(lines[2:], ("49.00", "7.98"), strict=True)}
    assert len(starts) == 1 and lines[0].index("expected") in starts


def test_render_diff_wraps_long_cells_and_says_when_nothing_differs() -> None:
    assert render_diff([]) == "no mismatches"
    long = "x " * 40
    text = render_diff([Mismatch("customer", long, "short")], width=20)
    assert len(text.splitlines()) > 3
    assert max(len(line) for line in text.splitlines()) < 60


# -- approval status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "held", "mismatch"),
    [
        ("B", "B", None),
        ("B", "F", None),  # approved, then fulfilled: as far as the order went since
        ("B", "Pending Fulfillment", None),  # `status` reads the name
        ("B", "_pendingFulfillment", None),  # or SOAP's
        ("B", "pendingBillingPartFulfilled", None),
        ("B", "A", ("B (Pending Fulfillment)", "A (Pending Approval)")),
        ("B", "Pending Approval", ("B (Pending Fulfillment)", "A (Pending Approval)")),
        ("B", "H", ("B (Pending Fulfillment)", "H (Closed)")),
        ("B", None, ("B (Pending Fulfillment)", None)),
        ("A", "A", None),
        ("A", "B", ("A (Pending Approval)", "B (Pending Fulfillment)")),
        (None, "A", None),  # the mapping does not say: not compared
    ],
)
def test_the_approval_status_is_the_mappings(
    wanted: str | None, held: str | None, mismatch: tuple[str, str | None] | None
) -> None:
    found = fields(compare(make_expected(order_status=wanted), make_actual(order_status=held)))
    assert found.get("orderStatus") == mismatch
    assert set(found) <= {"orderStatus"}
