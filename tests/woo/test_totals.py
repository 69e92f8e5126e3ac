"""WooCommerce arithmetic against the reference's worked numbers and hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.woo.cart import (
    CouponInput,
    FeeInput,
    LineInput,
    OrderInput,
    ShippingInput,
    TaxRate,
    TotalsInputError,
)
from harness.woo.taxes import exclusive_taxes, inclusive_taxes
from harness.woo.totals import calculate, format_money

D = Decimal
CA = TaxRate(1, "US", "CA", "State Tax", D("7.25"), shipping=False)
NYC = TaxRate(2, "US", "NY", "NYC Tax", D("8.875"))


def line(quantity: int, price: str, taxable: bool = True) -> LineInput:
    return LineInput(quantity, D(price), taxable)


# ---------------------------------------------------------------- reference worked examples


def test_docs_order_727_totals_29_35() -> None:
    """Docs order 727: 2 x 3.00 + 12.00 at 7.5%, flat rate 10.00 untaxed."""
    rate = TaxRate(75, "US", "CA", "State Tax", D("7.5"), shipping=False)
    totals = calculate(
        OrderInput(
            lines=(line(2, "3.00"), line(1, "12.00")),
            rates=(rate,),
            shipping=(ShippingInput(D("10.00")),),
        )
    )
    assert [(lt.total, lt.total_tax) for lt in totals.lines] == [
        (D("6.00"), D("0.45")),
        (D("12.00"), D("0.90")),
    ]
    assert totals.cart_tax == D("1.35")
    assert totals.shipping_tax == 0
    assert totals.total_tax == D("1.35")
    assert totals.total == D("29.35")
    assert totals.discount_total == 0
    assert [lt.price for lt in totals.lines] == [3.0, 12.0]
    (tax_line,) = totals.tax_lines
    assert (tax_line.rate.rate_id, tax_line.tax_total) == (75, D("1.35"))
    assert tax_line.rate.rate_code == "US-CA-STATE TAX-1"


def test_inclusive_price_is_backed_out_like_real_b() -> None:
    """REAL-b: a 6.00 gross item at 10% is stored as 5.45 + 0.55; `price` stays unrounded."""
    vat = TaxRate(29, "IT", "", "IVA", D("10"))
    totals = calculate(OrderInput(lines=(line(1, "6.00"),), rates=(vat,), prices_include_tax=True))
    (item,) = totals.lines
    assert (item.subtotal, item.subtotal_tax, item.total, item.total_tax) == (
        D("5.45"),
        D("0.55"),
        D("5.45"),
        D("0.55"),
    )
    assert item.price == pytest.approx(5.454545, abs=1e-6)
    assert totals.total == D("6.00")


def test_inclusive_shipping_tax_1_091_is_shown_1_09_like_real_b() -> None:
    """REAL-b: shipping 10.91 at 10% has raw tax 1.091, shown as 1.09."""
    vat = TaxRate(29, "IT", "", "IVA", D("10"))
    totals = calculate(
        OrderInput(
            lines=(line(1, "6.00"), line(1, "9.50"), line(1, "6.00")),
            rates=(vat,),
            shipping=(ShippingInput(D("10.91")),),
            prices_include_tax=True,
        )
    )
    assert totals.shipping_tax == D("1.09")
    # Per-line rounding: 0.55 + 0.86 + 0.55, not round(0.5455 + 0.8636 + 0.5455) = 1.95.
    assert totals.cart_tax == D("1.96")
    assert totals.total == D("21.50") + D("10.91") + D("1.09")


def test_real_a_new_jersey_6_625_percent_of_12_75_is_0_84() -> None:
    nj = TaxRate(1, "US", "NJ", "NJ Tax", D("6.625"))
    totals = calculate(OrderInput(lines=(line(1, "12.75"),), rates=(nj,)))
    assert totals.cart_tax == D("0.84")
    assert totals.total == D("13.59")
    assert totals.tax_lines[0].rate.rate_code == "US-NJ-NJ TAX-1"


def test_fixed_cart_coupon_of_5_on_50_gives_45() -> None:
    """RESTPKG: a coupon of 5 on a 50.00 order gives total 45.00."""
    totals = calculate(
        OrderInput(lines=(line(1, "50.00"),), coupons=(CouponInput("five", "fixed_cart", D(5)),))
    )
    assert totals.total == D("45.00")
    assert totals.discount_total == D("5.00")
    assert totals.lines[0].subtotal == D("50.00")
    assert totals.lines[0].total == D("45.00")
    assert totals.coupons[0].discount == D("5.00")


def test_subscription_docs_1274_compound_inclusive_26_09() -> None:
    """SUBDOCS 1274: 26.09 gross with a compound 10% rate -> 23.72 + 2.37."""
    gst = TaxRate(1, "AU", "", "GST", D("10"), compound=True)
    totals = calculate(
        OrderInput(lines=(line(1, "26.09"),), rates=(gst,), prices_include_tax=True)
    )
    assert (totals.lines[0].total, totals.cart_tax, totals.total) == (
        D("23.72"),
        D("2.37"),
        D("26.09"),
    )


def test_zero_decimal_store_like_iss_687() -> None:
    """ISS-687: a 0-decimal store at 19% prints "528" for the tax."""
    vat = TaxRate(1, "DE", "", "MwSt", D("19"))
    totals = calculate(OrderInput(lines=(line(1, "2779"),), rates=(vat,), dp=0))
    assert totals.cart_tax == D("528")
    assert totals.money(totals.cart_tax) == "528"
    assert totals.money(totals.total) == "3307"
    assert totals.tax_lines[0].rate.rate_percent == 19


# ---------------------------------------------------------------- coupons


def test_percent_coupon_floors_per_line() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "49.00"), line(1, "19.50")),
            coupons=(CouponInput("welcome10", "percent", D(10)),),
        )
    )
    assert [lt.total for lt in totals.lines] == [D("44.10"), D("17.55")]
    assert totals.discount_total == D("6.85")


def test_percent_coupon_remainder_goes_one_cent_at_a_time_to_the_biggest_lines() -> None:
    # 15% of 4.99 = 0.7485 -> 0.74 per line (floor) = 2.22, but 15% of 14.97 = 2.2455 -> 2.25.
    totals = calculate(
        OrderInput(
            lines=(line(1, "4.99"), line(1, "4.99"), line(1, "4.99")),
            coupons=(CouponInput("fifteen", "percent", D(15)),),
        )
    )
    assert totals.discount_total == D("2.25")
    assert [lt.total for lt in totals.lines] == [D("4.24")] * 3


def test_fixed_cart_coupon_is_split_per_unit_not_by_price() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "30.00"), line(1, "10.00")),
            coupons=(CouponInput("ten", "fixed_cart", D(10)),),
        )
    )
    assert [lt.total for lt in totals.lines] == [D("25.00"), D("5.00")]


def test_fixed_cart_coupon_capped_on_a_cheap_line_moves_to_the_others() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "40.00"), line(1, "5.00")),
            coupons=(CouponInput("thirty", "fixed_cart", D(30)),),
        )
    )
    assert [lt.total for lt in totals.lines] == [D("15.00"), D("0.00")]
    assert totals.discount_total == D("30.00")


def test_fixed_cart_remainder_cent_goes_to_the_largest_line() -> None:
    # 10.00 over 3 units: 3.33 each, the last cent to the most expensive line.
    totals = calculate(
        OrderInput(
            lines=(line(2, "5.00"), line(1, "20.00")),
            coupons=(CouponInput("ten", "fixed_cart", D(10)),),
        )
    )
    assert [lt.subtotal - lt.total for lt in totals.lines] == [D("6.66"), D("3.34")]


def test_fixed_cart_coupon_larger_than_the_cart_stops_at_zero() -> None:
    totals = calculate(
        OrderInput(lines=(line(1, "8.00"),), coupons=(CouponInput("big", "fixed_cart", D(50)),))
    )
    assert totals.lines[0].total == 0
    assert totals.total == 0


def test_coupon_tax_is_the_tax_removed_from_the_lines() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "50.00"),),
            rates=(CA,),
            coupons=(CouponInput("five", "fixed_cart", D(5)),),
        )
    )
    # subtotal tax 3.625 -> 3.63, total tax on 45.00 = 3.2625 -> 3.26.
    assert totals.discount_tax == D("0.37")
    assert totals.coupons[0].discount_tax == D("0.37")
    assert totals.total == D("48.26")


def test_two_coupons_add_up_to_the_order_discount_exactly() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(3, "19.50"), line(2, "12.00"), line(1, "4.99")),
            rates=(NYC,),
            coupons=(
                CouponInput("save5", "fixed_cart", D(5)),
                CouponInput("welcome10", "percent", D(10)),
            ),
        )
    )
    assert sum(c.discount for c in totals.coupons) == totals.discount_total
    assert sum(c.discount_tax for c in totals.coupons) == totals.discount_tax
    # The percent coupon is applied first, on the original prices: 10% of 87.49 = 8.75.
    assert totals.coupons[1].discount == D("8.75")
    assert totals.coupons[0].discount == D("5.00")


def test_inclusive_coupon_is_taken_off_the_gross_price() -> None:
    hst = TaxRate(3, "CA", "ON", "HST", D("13"))
    totals = calculate(
        OrderInput(
            lines=(line(1, "113.00"),),
            rates=(hst,),
            coupons=(CouponInput("off", "fixed_cart", D("11.30")),),
            prices_include_tax=True,
        )
    )
    assert totals.lines[0].total + totals.lines[0].total_tax == D("101.70")
    assert totals.lines[0].total == D("90.00")
    coupon = totals.coupons[0]
    assert (coupon.discount, coupon.discount_tax) == (D("10.00"), D("1.30"))


# ---------------------------------------------------------------- tax rules


def test_exclusive_tax_rounds_half_up_per_line() -> None:
    rate = TaxRate(9, "US", "", "Odd", D("12.5"))
    totals = calculate(OrderInput(lines=(line(1, "1.00"),), rates=(rate,)))
    assert totals.cart_tax == D("0.13")


def test_inclusive_tax_rounds_half_down_like_wc_tax_rounding_mode() -> None:
    rate = TaxRate(9, "GB", "", "VAT", D("20"))
    # 1.23 contains 1.23 / 6 = 0.205 of tax: half-down gives 0.20.
    totals = calculate(OrderInput(lines=(line(1, "1.23"),), rates=(rate,), prices_include_tax=True))
    assert (totals.lines[0].total, totals.cart_tax) == (D("1.03"), D("0.20"))


def test_compound_rate_applies_on_top_of_the_regular_rates() -> None:
    regular = TaxRate(1, "CA", "QC", "GST", D("5"))
    compound = TaxRate(2, "CA", "QC", "PST", D("10"), priority=2, compound=True)
    assert exclusive_taxes(D("100"), [regular, compound]) == [D("5"), D("10.5")]
    totals = calculate(OrderInput(lines=(line(1, "100.00"),), rates=(regular, compound)))
    assert [t.tax_total for t in totals.tax_lines] == [D("5.00"), D("10.50")]
    assert totals.total == D("115.50")
    assert totals.tax_lines[1].rate.compound
    assert totals.tax_lines[1].rate.rate_code == "CA-QC-PST-2"


def test_inclusive_compound_back_out_reverses_the_exclusive_taxes() -> None:
    regular = TaxRate(1, "CA", "QC", "GST", D("5"))
    compound = TaxRate(2, "CA", "QC", "PST", D("10"), priority=2, compound=True)
    taxes = inclusive_taxes(D("115.5"), [regular, compound])
    assert [t.quantize(D("0.0001")) for t in taxes] == [D("5.0000"), D("10.5000")]


def test_shipping_has_its_own_tax_and_free_shipping_none() -> None:
    paid = calculate(
        OrderInput(lines=(line(1, "10.00"),), rates=(NYC,), shipping=(ShippingInput(D("9.95")),))
    )
    assert paid.shipping[0].total_tax == D("0.88")  # 9.95 * 8.875% = 0.883
    assert paid.tax_lines[0].shipping_tax_total == D("0.88")
    assert paid.shipping_tax == D("0.88")
    free = calculate(
        OrderInput(lines=(line(1, "10.00"),), rates=(NYC,), shipping=(ShippingInput(D(0)),))
    )
    assert free.shipping[0].taxes == ()
    untaxed_rate = calculate(
        OrderInput(lines=(line(1, "10.00"),), rates=(CA,), shipping=(ShippingInput(D("9.95")),))
    )
    assert untaxed_rate.shipping_tax == 0


def test_non_taxable_line_has_no_taxes() -> None:
    gift_card, mug = line(1, "25.00", taxable=False), line(1, "12.00")
    totals = calculate(OrderInput(lines=(gift_card, mug), rates=(CA,)))
    assert totals.lines[0].taxes == ()
    assert totals.cart_tax == D("0.87")


def test_tax_lines_aggregate_per_rate_across_lines_fees_and_shipping() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "10.00"), line(1, "10.00")),
            rates=(NYC,),
            shipping=(ShippingInput(D("5.00")),),
            fees=(FeeInput(D("2.00")),),
        )
    )
    (tax_line,) = totals.tax_lines
    assert tax_line.tax_total == D("0.89") + D("0.89") + D("0.18")
    assert tax_line.shipping_tax_total == D("0.44")
    assert totals.cart_tax == tax_line.tax_total
    assert totals.total_tax == D("2.40")


# ---------------------------------------------------------------- fees


def test_positive_taxable_fee_adds_its_tax_to_cart_tax() -> None:
    totals = calculate(
        OrderInput(lines=(line(1, "40.00"),), rates=(CA,), fees=(FeeInput(D("3.50")),))
    )
    assert totals.fees[0].total_tax == D("0.25")  # 0.25375
    assert totals.cart_tax == D("2.90") + D("0.25")
    assert totals.total == D("40.00") + D("3.50") + D("3.15")


def test_non_taxable_fee_has_no_tax() -> None:
    totals = calculate(
        OrderInput(lines=(line(1, "40.00"),), rates=(CA,), fees=(FeeInput(D("3.50"), False),))
    )
    assert totals.fees[0].taxes == ()
    assert totals.cart_tax == D("2.90")


def test_negative_fee_reduces_tax_like_a_discount() -> None:
    totals = calculate(
        OrderInput(lines=(line(1, "40.00"),), rates=(CA,), fees=(FeeInput(D("-5.00")),))
    )
    assert totals.fees[0].total_tax == D("-0.36")  # -0.3625
    assert totals.cart_tax == D("2.54")
    assert totals.total == D("37.54")


def test_negative_fee_tax_is_apportioned_to_the_taxable_share() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "25.00", taxable=False), line(1, "25.00")),
            rates=(CA,),
            fees=(FeeInput(D("-10.00"), taxable=False),),
        )
    )
    assert totals.fees[0].total_tax == D("-0.36")  # half of -10.00 at 7.25%


def test_negative_fee_is_capped_so_the_order_never_goes_below_zero() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(1, "20.00"),),
            shipping=(ShippingInput(D("5.00")),),
            fees=(FeeInput(D("-100.00")),),
        )
    )
    assert totals.fees[0].total == D("-25.00")
    assert totals.total == 0


# ---------------------------------------------------------------- VAT exemption


def test_vat_exempt_order_has_no_tax_at_all() -> None:
    totals = calculate(
        OrderInput(
            lines=(line(10, "49.00"),),
            rates=(NYC,),
            shipping=(ShippingInput(D("9.95")),),
            fees=(FeeInput(D("3.00")),),
            vat_exempt=True,
        )
    )
    assert totals.tax_lines == ()
    assert totals.cart_tax == totals.shipping_tax == totals.total_tax == 0
    assert all(lt.taxes == () for lt in totals.lines)
    assert totals.total == D("490.00") + D("9.95") + D("3.00")


def test_vat_exempt_buyer_pays_the_net_price_in_an_inclusive_store() -> None:
    """REAL-b second order: 6.00 gross at 10% is charged 5.45 to an exempt customer."""
    vat = TaxRate(29, "IT", "", "IVA", D("10"))
    totals = calculate(
        OrderInput(
            lines=(line(1, "6.00"),),
            rates=(vat,),
            shipping=(ShippingInput(D("10.91")),),
            prices_include_tax=True,
            vat_exempt=True,
        )
    )
    assert totals.lines[0].total == D("5.45")
    assert totals.total == D("16.36")
    assert totals.total_tax == 0


# ---------------------------------------------------------------- formats and input errors


def test_rate_code_and_percent_formats() -> None:
    assert TaxRate(1, "GB", "", "VAT", D("20")).rate_code == "GB-VAT-1"
    assert TaxRate(1, "US", "CA", "", D("1")).rate_code == "US-CA-TAX-1"
    assert CA.rate_percent == 7.25
    assert isinstance(TaxRate(1, "CA", "ON", "HST", D("13")).rate_percent, int)


def test_format_money_pads_to_the_store_decimals() -> None:
    assert format_money(D("5"), 2) == "5.00"
    assert format_money(D("0.845"), 2) == "0.85"
    assert format_money(D("528.01"), 0) == "528"
    assert format_money(D("-0.001"), 2) == "0.00"
    assert format_money(D("-1.005"), 2) == "-1.01"


@pytest.mark.parametrize(
    ("order", "field"),
    [
        (OrderInput(lines=()), "lines"),
        (OrderInput(lines=(line(0, "1.00"),)), "lines.0.quantity"),
        (OrderInput(lines=(line(1, "-1.00"),)), "lines.0.unit_price"),
        (
            OrderInput(lines=(line(1, "1.00"),), coupons=(CouponInput("x", "percent", D(120)),)),
            "coupons.0.amount",
        ),
        (
            OrderInput(lines=(line(1, "1.00"),), shipping=(ShippingInput(D(-1)),)),
            "shipping.0.cost",
        ),
        (OrderInput(lines=(line(1, "1.00"),), rates=(CA, CA)), "rates"),
    ],
)
def test_impossible_input_names_the_field(order: OrderInput, field: str) -> None:
    with pytest.raises(TotalsInputError, match=rf"^{field}: "):
        calculate(order)


def test_zero_percent_compound_rate_adds_nothing() -> None:
    regular = TaxRate(1, "US", "CA", "State Tax", D("5"))
    nothing = TaxRate(2, "US", "CA", "Local", D("0"), priority=2, compound=True)
    totals = calculate(
        OrderInput(lines=(line(1, "10.00"),), rates=(regular, nothing), prices_include_tax=True)
    )
    assert [t.tax_total for t in totals.tax_lines] == [D("0.48"), D("0.00")]


def test_negative_fee_never_removes_more_tax_than_was_charged() -> None:
    # Shipping is not taxed at this rate, so a fee cancelling the shipping must not
    # take tax off the (zero-priced) item.
    rate = TaxRate(1, "US", "CA", "State Tax", D("5"), shipping=False)
    totals = calculate(
        OrderInput(
            lines=(line(1, "0.00"),),
            rates=(rate,),
            shipping=(ShippingInput(D("0.10")),),
            fees=(FeeInput(D("-0.10")),),
        )
    )
    assert totals.fees[0].total == D("-0.10")
    assert totals.cart_tax == 0
    assert totals.total == 0
