"""Nesting past the limit is found in a parsed value exactly when it is there: the quick scan
that passes over leaves agrees with counting levels the plain recursive way."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from harness.woo.limits import deepest_path


def nesting(value: object) -> int:
    """Levels of objects and lists, counted the plain recursive way."""
    if isinstance(value, dict | MappingProxyType):
        return 1 + max((nesting(item) for item in value.values()), default=0)
    if isinstance(value, list | tuple):
        return 1 + max((nesting(item) for item in value), default=0)
    return 0


nested_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=2), inner, max_size=3),
        st.dictionaries(st.text(max_size=2), inner, max_size=3).map(MappingProxyType),
    ),
    max_leaves=30,
)


@given(nested_values, st.integers(min_value=1, max_value=6))
def test_a_value_is_too_deep_exactly_when_its_nesting_passes_the_limit(
    value: object, limit: int
) -> None:
    assert (deepest_path(value, limit) is not None) == (nesting(value) > limit)
