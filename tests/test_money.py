"""The one money-rounding helper: half away from zero, never banker's rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.money import minor_unit, round_half_up


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [
        # 0.025 separates half-up (0.03) from half-even (0.02); 0.015 would not.
        ("0.025", 2, "0.03"),
        ("-0.025", 2, "-0.03"),
        ("2.5", 0, "3"),
        ("1.005", 2, "1.01"),
        ("0.0049", 2, "0.00"),
        ("12345678901234567890123456789.125", 2, "12345678901234567890123456789.13"),
    ],
)
def test_rounds_half_away_from_zero(amount: str, places: int, expected: str) -> None:
    assert str(round_half_up(Decimal(amount), places)) == expected


def test_minor_unit() -> None:
    assert minor_unit(2) == Decimal("0.01")
    assert minor_unit(0) == Decimal(1)


@pytest.mark.parametrize("places", range(-2, 20))
def test_minor_units_kept_ready_are_the_ones_made_on_demand(places: int) -> None:
    """Its exponent is what `quantize` rounds to: the kept ones must carry the same."""
    made = Decimal(1).scaleb(-places)
    assert minor_unit(places).as_tuple() == made.as_tuple()
