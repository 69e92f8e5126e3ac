"""Whatever a client sends, the store answers in WooCommerce's shape and never with a 500;
a refused write changes nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from woostore_helpers import API, scenario_order

from harness.woostore import EmbeddedStore, ManualClock
from tests.hypothesis_budget import examples

FIELDS = ["status", "customer_id", "customer_note", "billing", "shipping", "meta_data",
          "line_items", "shipping_lines", "fee_lines", "coupon_lines", "set_paid", "currency",
          "id", "parent_id", "transaction_id"]
ITEM_KEYS = ["id", "sku", "product_id", "variation_id", "quantity", "total", "subtotal", "name",
             "method_id", "code", "key", "value", "email", "country"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 2000), st.text(max_size=8),
                    st.sampled_from(["MUG-WHT", "1001", "welcome10", "processing", "9.99",
                                     "US", "a@b.co", "flat_rate"]))
items = st.dictionaries(st.sampled_from(ITEM_KEYS), scalars, max_size=4)
values = st.one_of(scalars, items, st.lists(st.one_of(items, scalars), max_size=3))
untyped = st.dictionaries(st.sampled_from(FIELDS), values, max_size=5)
money = st.sampled_from(["0", "1.5", "12.345", "-3.00", "abc", "1e3"])
line = st.fixed_dictionaries({}, optional={
    "id": st.sampled_from([0, 1, 10010, 10011]), "sku": st.sampled_from(["MUG-WHT", "NOPE"]),
    "product_id": st.sampled_from([None, 102, 104, 1021, 9]), "quantity": st.integers(-1, 3),
    "total": money, "subtotal": money})
typed = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["completed", "on-hold", "trash", "pending", "cancelled"]),
    "customer_note": st.text(max_size=5),
    "billing": st.fixed_dictionaries({}, optional={
        "country": st.sampled_from(["US", "CA", "us", ""]), "state": st.sampled_from(["NY", "ON"]),
        "email": st.sampled_from(["a@b.co", "bad", ""])}),
    "meta_data": st.lists(st.fixed_dictionaries({"key": st.sampled_from(["_a", "_b"]),
                                                 "value": scalars}), max_size=3),
    "line_items": st.lists(line, max_size=3),
    "fee_lines": st.lists(st.fixed_dictionaries({}, optional={
        "name": st.sampled_from(["Fee", ""]), "total": money}), max_size=2),
    "shipping_lines": st.lists(st.fixed_dictionaries({}, optional={
        "method_id": st.sampled_from(["flat_rate", ""]), "total": money}), max_size=2),
    "coupon_lines": st.lists(st.fixed_dictionaries({"code": st.sampled_from(
        ["welcome10", "save5", "nope"])}), max_size=2),
    "set_paid": st.booleans()})
bodies = st.one_of(untyped, typed)

STORE = EmbeddedStore(clock=ManualClock())
ORDER = STORE.place(scenario_order("existing-customer"))
AUTH = {"Authorization": "Basic " + __import__("base64").b64encode(
    f"{STORE.consumer_key}:{STORE.consumer_secret}".encode()).decode(),
    "Content-Type": "application/json"}


def send(method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    status, _, data = STORE.handle(method, f"{STORE.url}{API}{path}", AUTH, json.dumps(body))
    return status, json.loads(data)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_any_update_is_answered_and_a_refusal_changes_nothing(body: dict[str, Any]) -> None:
    before = STORE.order(ORDER.id)
    status, answer = send("PUT", f"/orders/{ORDER.id}", body)
    assert status in (200, 400), answer
    if status == 400:
        assert set(answer) == {"code", "message", "data"}
        assert STORE.order(ORDER.id) == before
    else:
        assert STORE.order(ORDER.id).check_invariants() == []


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_any_create_is_answered(body: dict[str, Any]) -> None:
    status, answer = send("POST", "/orders", body)
    assert status in (201, 400), answer


@settings(max_examples=examples(60), deadline=None)
@given(query=st.dictionaries(st.sampled_from(["status", "per_page", "page", "after",
                                              "modified_after", "include", "orderby", "search",
                                              "customer", "dp", "offset", "product"]),
                             st.text(max_size=12), max_size=4))
# Digits `str.isdigit` takes and `int()` refuses (a 500 once).
@example(query={"customer": "²"})
@example(query={"search": "²", "include": "³", "product": "¹"})
def test_any_list_query_is_answered(query: dict[str, str]) -> None:
    from urllib.parse import urlencode

    status, _, data = STORE.handle("GET", f"{STORE.url}{API}/orders?{urlencode(query)}", AUTH)
    assert status in (200, 400), data


def test_options_lists_the_methods() -> None:
    status, headers, data = STORE.handle("OPTIONS", f"{STORE.url}{API}/orders/{ORDER.id}")
    assert status == 200
    assert dict(headers)["Allow"] == "DELETE, GET, PATCH, POST, PUT"
    assert json.loads(data)["namespace"] == "wc/v3"


def test_plain_permalinks_reach_the_same_route() -> None:
    status, _, data = STORE.handle(
        "GET", f"{STORE.url}/?rest_route=/wc/v3/orders/{ORDER.id}", AUTH)
    assert status == 200 and json.loads(data)["id"] == ORDER.id
