"""Malformed WooCommerce orders end in `WooOrderError` or an `invalid-order` verdict, never in
another exception, whatever shape (dict, JSON text, bytes) they arrive in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.landing.verify import verify
from harness.mapping import Mapping, load_mapping
from harness.netsuite.calllog import CallLog
from harness.woo.order import WooOrder, WooOrderError
from harness.woo.strategies import malformed_orders, valid_orders
from tests.hypothesis_budget import examples

FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=examples(150)
)


class NoNetSuite:
    """A client that must never be used: an invalid order is judged before any request."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"verify() reached NetSuite ({name}) for an invalid order")


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping()


def assert_invalid_verdict(raw: Any, mapping: Mapping) -> None:
    verdict = verify(raw, mapping, NoNetSuite(), CallLog(), None)
    assert verdict.outcome == "invalid-order", verdict
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.category == "invalid-order"
    assert verdict.diagnosis.summary
    assert "Traceback" not in repr(verdict)


def assert_woo_error_only(raw: Any) -> None:
    try:
        WooOrder.parse(raw)
    except WooOrderError as error:
        assert error.problems, "a WooOrderError names at least one problem"
        assert all(isinstance(p, str) and p for p in error.problems)
        return
    raise AssertionError(f"accepted {str(raw)[:200]!r}")


@settings(FUZZ, max_examples=examples(120))
@given(malformed_orders(), st.sampled_from(["dict", "str", "bytes"]))
def test_malformed_orders_are_invalid_order_verdicts(
    mapping: Mapping, case: tuple[dict[str, Any], str], form: str
) -> None:
    wire, _ = case
    text = json.dumps(wire)
    raw: Any = {"dict": wire, "str": text, "bytes": text.encode("utf-8")}[form]

    assert_invalid_verdict(raw, mapping)
    assert_woo_error_only(raw)


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(JSON_VALUES)
def test_any_json_that_is_not_an_order_is_an_invalid_order(mapping: Mapping, value: Any) -> None:
    text = json.dumps(value)

    assert_invalid_verdict(text, mapping)
    assert_woo_error_only(text)
    if isinstance(value, dict):
        assert_invalid_verdict(value, mapping)


@settings(FUZZ, max_examples=examples(80))
@given(valid_orders(), st.data())
def test_an_order_with_one_field_replaced_by_junk_never_escapes(
    mapping: Mapping, order: WooOrder, data: st.DataObject
) -> None:
    """Any top-level field of a real order replaced by any JSON value: the verdict is either an
    invalid order or the order is still valid (then `WooOrder.parse` accepts it)."""
    wire = order.to_wire()
    key = data.draw(st.sampled_from(sorted(wire)))
    wire[key] = data.draw(JSON_VALUES)
    try:
        WooOrder.parse(wire)
    except WooOrderError:
        assert_invalid_verdict(wire, mapping)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_are_an_invalid_order(mapping: Mapping, raw: bytes) -> None:
    assert_invalid_verdict(raw, mapping)
    assert_woo_error_only(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe\x00{not utf-8",
        b'{"id": 1, "billing": {"email": "\xe9t\xe9@example.com"}}',  # Latin-1, not UTF-8
        "",
        "   ",
        "null",
        "[]",
        "[" * 100_000 + "]" * 100_000,  # deeper than any JSON parser's recursion limit
        '{"id": ' + "9" * 5000 + "}",  # an integer longer than Python converts by default
        '{"id": 1e999}',
        '{"id": NaN}',
        "{" + '"a": 1, ' * 50_000 + '"id": 1}',
        '{"line_items": ' + "[" * 5000 + "]" * 5000 + "}",
        json.dumps({"id": 1, "line_items": [{"quantity": 1}] * 2_000}),
        "\ufeff" + json.dumps({"id": 1}),  # a byte order mark before the document
    ],
    ids=lambda raw: repr(raw[:24]),
)
def test_hostile_documents_are_invalid_orders(mapping: Mapping, raw: str | bytes) -> None:
    assert_invalid_verdict(raw, mapping)
    assert_woo_error_only(raw)
