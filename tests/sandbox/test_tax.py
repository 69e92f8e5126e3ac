"""Sales tax and totals: the arithmetic, the US and Canadian models, and their errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rules_helpers import entry, lines, running, saved, variant
from sandbox_helpers import Client, details

from harness.sandbox.rules.tax import TaxableLine, TaxRounding, allocate_discount, compute_tax

D = Decimal
JANE, NORTHWIND, MAPLE_LEAF = "1001", "1002", "1003"

# --- the arithmetic -------------------------------------------------------------------


def test_discount_shares_are_proportional_with_the_remainder_on_the_largest_line() -> None:
    shares = allocate_discount([D("1.00"), D("2.00"), D("1.00")], [True] * 3, D("-1.00"), 2)
    # -0.25, -0.50, -0.25 exactly; with three equal lines a cent is left over:
    assert shares == [D("-0.25"), D("-0.50"), D("-0.25")]
    odd = allocate_discount([D("1"), D("1"), D("1")], [True] * 3, D("-1.00"), 2)
    assert odd == [D("-0.34"), D("-0.33"), D("-0.33")]  # the first of the largest takes it


def test_discount_goes_only_to_taxed_lines_and_never_below_their_base() -> None:
    shares = allocate_discount([D(50), D(25)], [False, True], D("-10"), 2)
    assert shares == [D(0), D("-10")]
    assert allocate_discount([D(50), D(5)], [False, True], D("-10"), 2) == [D(0), D(-5)]
    assert allocate_discount([D(50)], [False], D("-10"), 2) == [D(0)]


amounts = st.lists(
    st.decimals(min_value=D("-20"), max_value=D("500"), places=2), min_size=1, max_size=8
)


@given(amounts, st.decimals(min_value=D("-300"), max_value=D("0"), places=2), st.data())
def test_discount_shares_always_add_up(
    values: list[Decimal], discount: Decimal, data: st.DataObject
) -> None:
    eligible = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    shares = allocate_discount(values, eligible, discount, 2)
    base = sum((v for v, e in zip(values, eligible, strict=True) if e and v > 0), D(0))
    assert sum(shares, D(0)) == (max(discount, -base) if base > 0 else 0)
    for value, ok, share in zip(values, eligible, shares, strict=True):
        if not ok or value <= 0:
            assert share == 0


def test_line_level_rounding_rounds_each_line_and_transaction_level_rounds_once() -> None:
    taxed = [TaxableLine(D("0.07"), D("7.25"))] * 3  # 0.005075 each
    assert compute_tax(taxed, rounding=TaxRounding(2, "line")).total == D("0.03")
    assert compute_tax(taxed, rounding=TaxRounding(2, "transaction")).total == D("0.02")


@pytest.mark.parametrize(
    ("method", "half", "above"),
    [("roundOff", "0.02", "0.01"), ("roundUp", "0.02", "0.02"), ("roundDown", "0.01", "0.01")],
)
def test_rounding_methods(method: Any, half: str, above: str) -> None:
    rounding = TaxRounding(2, "line", method)
    assert compute_tax([TaxableLine(D("0.15"), D(10))], rounding=rounding).total == D(half)
    assert compute_tax([TaxableLine(D("0.11"), D(10))], rounding=rounding).total == D(above)


def test_shipping_is_taxed_at_its_own_rate() -> None:
    result = compute_tax(
        [TaxableLine(D(100), None)],
        rounding=TaxRounding(),
        shipping=D("9.95"),
        shipping_rate=D("8.875"),
    )
    assert (result.shipping_tax, result.total) == (D("0.88"), D("0.88"))


# --- US legacy model over REST ----------------------------------------------------------


def test_us_order_sources_the_customers_tax_item_and_each_items_taxable_flag(
    ns: Client,
) -> None:
    got = saved(
        ns,
        "salesOrder",
        {
            "entity": {"id": JANE},
            "item": lines([("101", 2, 45.5), ("107", 1, None), ("104", 1, None)]),
        },
    )
    assert got["taxItem"]["id"] == "301" and got["taxRate"] == 7.25
    taxable = [line.get("isTaxable") for line in got["item"]["items"]]
    assert taxable == [True, False, True]  # the gift card item is not taxable
    # 91.00 -> 6.5975 -> 6.60; 12.00 -> 0.87; the gift card untaxed
    assert got["taxTotal"] == 7.47
    assert got["total"] == 91 + 25 + 12 + 7.47


def test_a_taxable_flag_sent_on_the_line_wins(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": {
            "items": [
                {"item": {"id": "101"}, "quantity": 1, "rate": 40, "isTaxable": False},
                {"item": {"id": "107"}, "quantity": 1, "rate": 10, "isTaxable": True},
            ]
        },
    }
    got = saved(ns, "salesOrder", body)
    assert [line["isTaxable"] for line in got["item"]["items"]] == [False, True]
    assert got["taxTotal"] == 0.73  # 7.25% of the 10.00 line only (0.725 rounds up)


def test_a_discount_applied_before_tax_is_spread_over_the_taxed_lines(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
        "discountItem": {"id": "120"},
        "discountRate": -10,
    }
    got = saved(ns, "salesOrder", body)
    # Shares -8.83 and -1.17 (91 and 12 of 103): 82.17 -> 5.96, 10.83 -> 0.79
    assert got["discountTotal"] == -10.0
    assert got["taxTotal"] == 5.96 + 0.79
    assert got["total"] == round(103 - 10 + 5.96 + 0.79, 2)


def test_a_discount_not_applied_before_tax_leaves_the_taxable_base_alone() -> None:
    profile = variant(lambda p: entry(p["items"], 120).update(applyBeforeTax=False))
    with running(profile) as ns:
        body = {
            "entity": {"id": JANE},
            "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
            "discountItem": {"id": "120"},
            "discountRate": "-10%",
        }
        got = saved(ns, "salesOrder", body)
    assert got["discountTotal"] == -10.3
    assert got["taxTotal"] == 6.60 + 0.87


def test_shipping_is_taxed_at_the_shipping_tax_code_sent(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
        "shipMethod": {"id": "201"},
        "shippingTaxCode": {"id": "302"},
    }
    got = saved(ns, "salesOrder", body)
    assert got["shippingTaxCode"]["id"] == "302"
    # items 6.60 + 0.87 at 7.25%; shipping 9.95 at 8.875% = 0.88
    assert got["taxTotal"] == round(6.60 + 0.87 + 0.88, 2)
    assert got["total"] == round(103 + 9.95 + 8.35, 2)


def test_a_taxable_ship_item_is_taxed_at_the_header_rate() -> None:
    profile = variant(lambda p: entry(p["shipItems"], 201).update(isTaxable=True))
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
        "shipMethod": {"id": "201"},
    }
    with running(profile) as ns:
        got = saved(ns, "salesOrder", body)
    assert got["taxTotal"] == round(7.47 + 0.72, 2)  # 9.95 at 7.25% = 0.72


def test_an_untaxed_ship_item_without_a_shipping_tax_code_adds_no_tax(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
        "shipMethod": {"id": "201"},
    }
    assert saved(ns, "salesOrder", body)["taxTotal"] == 7.47


def test_transaction_level_rounding_rounds_the_sum_once() -> None:
    once = {"method": "roundOff", "level": "transaction"}
    profile = variant(lambda p: p["preferences"].update(taxRounding=once))
    body = {"entity": {"id": JANE}, "item": lines([("104", 1, 0.07)] * 3)}
    with running(profile) as ns:
        assert saved(ns, "salesOrder", body)["taxTotal"] == 0.02
    with running(variant(lambda p: None)) as ns:
        assert saved(ns, "salesOrder", body)["taxTotal"] == 0.03  # the demo rounds per line


def test_exempt_customer_gets_no_tax_and_its_exempt_tax_item(ns: Client) -> None:
    got = saved(ns, "salesOrder", {"entity": {"id": NORTHWIND}, "item": lines([("101", 3, 40)])})
    # Reference line 131: a Tax Item on the customer taxes it even with Taxable unchecked,
    # here at -Not Taxable-'s 0%.
    assert got["taxItem"]["id"] == "304" and got["isTaxable"] is True
    assert got["taxTotal"] == 0.0 and got["total"] == 120.0


def test_exempt_customer_taxed_by_an_override_is_saved_with_the_tax(ns: Client) -> None:
    # Silent: a taxable tax item sent for a tax-exempt customer taxes the order, no warning.
    body = {"entity": {"id": NORTHWIND}, "item": lines([("101", 3, 40)]), "taxItem": {"id": "302"}}
    got = saved(ns, "salesOrder", body)
    assert got["isTaxable"] is True
    assert got["taxTotal"] == 10.65  # 8.875% of 120.00
    assert got["total"] == 130.65


def test_a_tax_rate_sent_overrides_the_tax_items_rate_until_the_item_changes(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 100)]), "taxRate": 5}
    got = saved(ns, "salesOrder", body)
    assert (got["taxRate"], got["taxTotal"]) == (5.0, 5.0)
    path = f"record/v1/salesOrder/{got['id']}"
    assert ns.patch(path, {"memo": "edited"}).status_code == 204
    assert ns.get(path).json()["taxTotal"] == 5.0  # an unrelated edit keeps the sent rate
    assert ns.patch(path, {"taxItem": {"id": "302"}}).status_code == 204
    assert ns.get(path).json()["taxTotal"] == 8.88  # a new tax item brings its own rate


# --- the per-line model (Canada) --------------------------------------------------------


def test_canadian_order_defaults_every_taxable_line_to_the_customers_code(ns: Client) -> None:
    got = saved(
        ns, "salesOrder", {"entity": {"id": MAPLE_LEAF}, "item": lines([("104", 2, None)] * 2)}
    )
    assert [line["taxCode"]["id"] for line in got["item"]["items"]] == ["303", "303"]
    assert got["taxTotal"] == 8.32  # 13% of 32.00 on each line: 4.16 twice
    assert "taxRate" not in got


def test_a_line_tax_code_sent_wins_over_the_default() -> None:
    def add_gst(p: dict[str, Any]) -> None:
        p["taxItems"].append(
            {"id": 309, "itemId": "CA-GST", "rate": 5, "subsidiary": 2, "country": "CA"}
        )

    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": {
            "items": [
                {"item": {"id": "104"}, "quantity": 1, "rate": 100, "taxCode": {"id": "309"}},
                {"item": {"id": "104"}, "quantity": 1, "rate": 100},
            ]
        },
    }
    with running(variant(add_gst)) as ns:
        got = saved(ns, "salesOrder", body)
    assert [line["taxCode"]["id"] for line in got["item"]["items"]] == ["309", "303"]
    assert got["taxTotal"] == 18.0


def test_canadian_shipping_is_taxed_with_the_shipping_tax_code(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": lines([("104", 1, 100)]),
        "shipMethod": {"id": "201"},
        "shippingCost": 12,
        "shippingTaxCode": {"id": "303"},
    }
    assert saved(ns, "salesOrder", body)["taxTotal"] == 13.0 + 1.56


# --- tax code errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "detail", "path"),
    [
        (
            {"taxItem": {"id": "303"}},
            "Invalid taxitem reference key 303 for subsidiary 1.",
            "taxItem",
        ),
        (
            {"shippingTaxCode": {"id": "303"}, "shipMethod": {"id": "201"}},
            "Invalid shippingtaxcode reference key 303 for subsidiary 1.",
            "shippingTaxCode",
        ),
    ],
)
def test_a_tax_code_of_another_subsidiary_is_an_invalid_reference(
    ns: Client, extra: dict[str, Any], detail: str, path: str
) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 10)]), **extra}
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response) == [
        {
            "detail": "Error while accessing a resource. " + detail,
            "o:errorCode": "USER_ERROR",
            "o:errorPath": path,
        }
    ]


def test_a_line_tax_code_of_another_subsidiary_names_its_line(ns: Client) -> None:
    body = {
        "entity": {"id": MAPLE_LEAF},
        "item": {
            "items": [
                {"item": {"id": "104"}, "quantity": 1},
                {"item": {"id": "104"}, "quantity": 1, "taxCode": {"id": "301"}},
            ]
        },
    }
    response = ns.post("record/v1/salesOrder", body)
    assert details(response) == [
        {
            "detail": "Error while accessing a resource. "
            "Invalid taxcode reference key 301 for subsidiary 2.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "item.items[1].taxCode",
        }
    ]


def test_an_inactive_tax_code_is_an_invalid_reference() -> None:
    profile = variant(lambda p: entry(p["taxItems"], 302).update(isInactive=True))
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 10)]), "taxItem": {"id": "302"}}
    with running(profile) as ns:
        response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response)[0]["detail"].endswith("Invalid taxitem reference key 302.")


def test_a_tax_code_that_does_not_exist_is_an_invalid_field_value(ns: Client) -> None:
    body = {"entity": {"id": JANE}, "item": lines([("101", 1, 10)]), "taxItem": {"id": "999"}}
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response)[0]["o:errorPath"] == "taxItem"
    assert "Invalid Field Value 999" in details(response)[0]["detail"]


# --- totals -------------------------------------------------------------------------------


def test_client_sent_totals_are_ignored(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 1, 100)]),
        "subtotal": 1,
        "taxTotal": 1,
        "discountTotal": -50,
        "total": 1,
    }
    got = saved(ns, "salesOrder", body)
    assert (got["subtotal"], got["taxTotal"], got["total"]) == (100.0, 7.25, 107.25)
    assert "discountTotal" not in got or got["discountTotal"] == 0


def test_suiteql_sees_the_computed_totals(ns: Client) -> None:
    body = {
        "entity": {"id": JANE},
        "item": lines([("101", 2, 45.5), ("104", 1, 12)]),
        "discountItem": {"id": "120"},
        "discountRate": "-10%",
        "shipMethod": {"id": "201"},
        "shippingTaxCode": {"id": "302"},
    }
    new_id = ns.create("salesOrder", body)
    rows = ns.suiteql(
        "SELECT subtotal, discounttotal, taxtotal, shippingcost, foreigntotal, shippingtaxcode"
        f" FROM transaction WHERE id = {new_id}"
    ).json()["items"]
    assert rows[0]["subtotal"] == "103"
    assert rows[0]["discounttotal"] == "-10.3"
    assert rows[0]["taxtotal"] == "7.6"  # 5.94 + 0.78 on the discounted lines + 0.88 shipping
    assert rows[0]["shippingcost"] == "9.95"
    assert rows[0]["foreigntotal"] == str(round(103 - 10.3 + 7.6 + 9.95, 2))
    assert rows[0]["shippingtaxcode"] == "302"


def test_editing_a_line_recomputes_tax_and_total(ns: Client) -> None:
    new_id = ns.create("salesOrder", {"entity": {"id": JANE}, "item": lines([("101", 1, 100)])})
    response = ns.patch(
        f"record/v1/salesOrder/{new_id}", {"item": {"items": [{"line": 1, "quantity": 2}]}}
    )
    assert response.status_code == 204, response.text
    got = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert (got["subtotal"], got["taxTotal"], got["total"]) == (200.0, 14.5, 214.5)
