"""The limits check names a field only for a value past its limit: the quick test it runs
first (`_within`) lets through exactly the values the full check (`_beyond`) passes over."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.woo.invariants import MAX_AMOUNT, _beyond, _Checker, _within

LIMITS = [MAX_AMOUNT, Decimal(10**6)]
EDGES: list[object] = [
    None, "12.00", 1.5e300, True, False, 0, -(10**12), 10**12, 10**12 + 1, -(10**12) - 1,
    Decimal("1E+12"), Decimal("-1E+12"), Decimal("1000000000000.01"), Decimal("-0"),
    Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("1E-30"), Decimal("999999.999999"), 10**6, 10**6 + 1,
]


def passed_over(value: object, limit: Decimal) -> bool:
    checker = _Checker(2)
    _beyond(checker, "field", value, limit, "the limit")
    return not checker.violations


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edges_are_told_apart_as_the_full_check_tells_them(value: object, limit: Decimal) -> None:
    assert _within(value, limit) == passed_over(value, limit)


@given(
    value=st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.booleans(),
        st.none(),
        st.floats(),
    ),
    limit=st.sampled_from(LIMITS),
)
def test_any_value_is_told_apart_as_the_full_check_tells_it(value: object, limit: Decimal) -> None:
    assert _within(value, limit) == passed_over(value, limit)
