"""Orders WooCommerce could never have written are refused by name; JSON past the reading
limits never reaches a parser that recurses; over-long text WooCommerce does hold is left to
NetSuite's field limits and diagnosed.

WooCommerce's columns: plugins/woocommerce/src/Internal/DataStores/Orders/
OrdersTableDataStore.php (get_database_schema) and includes/class-wc-install.php (get_schema)
in github.com/woocommerce/woocommerce; WordPress's is_email(): src/wp-includes/formatting.php
and tests/phpunit/tests/formatting/isEmail.php in github.com/WordPress/wordpress-develop.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cli.main import main
from harness.commands.explain import ExplainError, explain_text
from harness.woo.limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    JsonLimitError,
    email_problem,
    quick_check,
    read_json,
    scan,
)
from harness.woo.order import WooOrder, WooOrderError
from harness.woo.store import WooStore, WooStoreError
from harness.woo.webhook import WebhookError, order_from_delivery, signature
from tests.hypothesis_budget import examples

DATA = Path(__file__).parent / "cli" / "data"
DEEP = "[" * 100_000 + "]" * 100_000


def order() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((DATA / "order-lands.json").read_text())
    return raw


def problems(raw: Any) -> list[str]:
    with pytest.raises(WooOrderError) as info:
        WooOrder.parse(raw)
    return info.value.problems


def with_quantity_digits(digits: int) -> str:
    return json.dumps(order()).replace('"quantity": 2', f'"quantity": {"9" * digits}', 1)


# -- reading JSON within limits ----------------------------------------------------------------


def test_nesting_past_the_limit_is_refused_where_it_starts_without_recursing() -> None:
    with pytest.raises(JsonLimitError) as info:
        read_json(DEEP)
    assert (info.value.lineno, info.value.colno) == (1, MAX_DEPTH + 1)
    assert str(info.value) == (
        "<root>: nested too deep (got more than 64 levels of objects and lists at line 1 "
        "column 65, expected at most 64 levels)"
    )


def test_nesting_at_the_limit_is_read() -> None:
    assert read_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) == json.loads("[" * 64 + "]" * 64)
    with pytest.raises(JsonLimitError):
        read_json('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))


def test_brackets_and_digits_inside_strings_are_not_counted() -> None:
    text = json.dumps({"note": "[" * 1000 + "9" * 10_000, "escaped": '\\"[[[' * 100})
    assert read_json(text) == json.loads(text)


def test_an_integer_too_long_to_convert_is_named_by_its_place() -> None:
    with pytest.raises(JsonLimitError) as info:
        read_json(with_quantity_digits(5000))
    assert info.value.path == "line_items.0.quantity"
    assert "a number of 5,000 digits" in str(info.value) and info.value.lineno == 1
    assert read_json(f"[{'9' * MAX_DIGITS}]") == [int("9" * MAX_DIGITS)]


def test_a_long_fraction_is_a_float_not_an_integer() -> None:
    assert read_json("[1." + "5" * 5000 + "]") == [1.5555555555555556]


@settings(max_examples=examples(60), deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=3), children, max_size=3),
        max_leaves=30,
    )
)
def test_anything_within_the_limits_reads_as_json_loads_does(value: Any) -> None:
    text = json.dumps(value)
    assert read_json(text) == json.loads(text)


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.sampled_from(["[", "]", "{", "}", '"[{"', '"\\\\"', '"\\""', ",", ":", " ", "1", "x"]),
        max_size=300,
    ),
    st.integers(1, 8),
)
def test_the_quick_look_never_lets_past_what_the_exact_scan_refuses(
    tokens: list[str], max_depth: int
) -> None:
    text = "".join(tokens)
    try:
        refused = bool(scan(text, max_depth))
    except JsonLimitError:
        refused = True
    assert quick_check(text, max_depth) or not refused


# -- the order model: what WooCommerce could never have written ---------------------------------


def test_an_order_nested_too_deep_as_text_or_as_python_values_names_the_place() -> None:
    raw = order()
    raw["meta_data"][0]["value"] = json.loads("[" * 70 + "]" * 70)
    (problem,) = problems(raw)
    assert problem.startswith("meta_data.0.value")
    assert "nested too deep" in problem
    (problem,) = problems(DEEP)
    assert problem.startswith("<root>: nested too deep")


def test_a_quantity_of_5000_digits_is_refused_by_its_field() -> None:
    (problem,) = problems(with_quantity_digits(5000))
    assert problem.startswith("line_items.0.quantity: a number too long to read")


def test_an_id_past_php_integers_is_refused_by_its_field() -> None:
    raw = order()
    raw["line_items"][0]["id"] = 2**63
    assert problems(raw) == [
        "line_items.0.id: larger than any WooCommerce id (got 9223372036854775808, expected "
        "an integer up to 9,223,372,036,854,775,807)"
    ]


def test_a_python_caller_s_enormous_integer_is_refused_without_printing_it() -> None:
    raw = order()
    raw["customer_id"] = 10**5000
    (problem,) = problems(raw)
    assert problem.startswith("customer_id: larger than any WooCommerce id (got an integer of")


@pytest.mark.parametrize("price", [1e308, -1e308, 1e16])
def test_an_absurd_price_is_an_invalid_order_naming_the_field_and_the_limit(price: float) -> None:
    raw = order()
    raw["line_items"][0]["price"] = price
    (violation,) = WooOrder.parse(json.dumps(raw)).check_invariants()
    assert violation.message.startswith("limits: line_items[0].price is ")
    assert "at most 1,000,000,000,000 either way" in violation.message
    assert len(violation.message) < 250  # 1e308 is not written out in 309 digits


def test_a_number_past_a_double_is_not_a_number() -> None:
    text = json.dumps(order()).replace('"price": 12.0', '"price": 1e400', 1)
    (problem,) = problems(text)
    assert problem.startswith("line_items.0.price: not a number (got inf")


@pytest.mark.parametrize(
    ("email", "named"),
    [
        ("jane\u200b@example.com", "U+200B ZERO WIDTH SPACE"),
        ("jane\u202e@example.com", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("jane@exa\u2066mple.com", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\ufeffjane@example.com", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("jane\u0000@example.com", "U+0000"),
        ("jane\u0007@example.com", "U+0007"),
        ("jane\u00a0@example.com", "U+00A0 NO-BREAK SPACE"),
        ("jane doe@example.com", "U+0020 SPACE"),
        ("jane\ud800@example.com", "U+D800"),
    ],
)
def test_an_email_with_a_character_is_email_refuses_names_the_character(
    email: str, named: str
) -> None:
    raw = order()
    raw["billing"]["email"] = email
    (problem,) = problems(raw)
    assert problem.startswith(f"billing.email: not an email address: it holds {named} (got ")
    assert problem.endswith("expected name@domain)")


@pytest.mark.parametrize(
    "email",
    # WordPress's own test data (isEmail.php), refused by released and trunk is_email alike.
    ["khaaaaaaaaaaaaaaan!", "http://bob.example.com/", "bob@your mom", "h(aj@couc.ou", "hi@",
     "hi@hi@couc.ou", "(ab)cd@couc.ou", "toto@to", "to@[192.168.1.1]", "jane@-example.com",
     "jane@example..com", "jane@.example.com", '"jane"@example.com'],
)
def test_an_address_is_email_refuses_is_not_an_email(email: str) -> None:
    assert (email_problem(email) or "").startswith("not an email address")


@pytest.mark.parametrize(
    "email",
    ["bob@example.com", "ace@204.32.222.14", "bill+ted@example.com", "..@example.com",
     "grå@grå.org", "o'brien@example.co.uk", ""],
)
def test_an_address_is_email_accepts_is_kept(email: str) -> None:
    raw = order()
    raw["billing"]["email"] = email
    assert WooOrder.parse(raw).billing.email == email


def test_an_email_longer_than_woocommerce_stores_is_refused_by_its_length() -> None:
    raw = order()
    raw["billing"]["email"] = "a" * (320 - len("@example.com")) + "@example.com"
    assert WooOrder.parse(raw).billing.email
    raw["billing"]["email"] = "a" * 1_000_000 + "@example.com"
    (problem,) = problems(raw)
    assert problem.startswith(
        "billing.email: 1,000,012 characters, longer than WooCommerce stores an email"
    )
    assert problem.endswith("expected at most 320 characters)")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("line_items.0", "shipping_lines.0"),
        ("line_items.0", "line_items.1"),
        ("shipping_lines.0", "tax_lines.0"),
        ("line_items.1", "fee_lines.0"),
        ("coupon_lines.0", "tax_lines.0"),
    ],
)
def test_an_item_id_used_twice_is_refused_naming_both_items(first: str, second: str) -> None:
    raw = order()
    raw["line_items"].append({**copy.deepcopy(raw["line_items"][0]), "id": 490930})
    raw["fee_lines"] = [{"id": 490931, "name": "Fee", "total": "0.00", "total_tax": "0.00"}]
    raw["coupon_lines"] = [
        {"id": 490932, "code": "zero", "discount": "0.00", "discount_tax": "0.00"}
    ]
    kind, index = second.split(".")
    first_kind, first_index = first.split(".")
    taken = raw[first_kind][int(first_index)]["id"]
    raw[kind][int(index)]["id"] = taken
    (problem,) = [p for p in problems(raw) if "same item id" in p]
    assert problem == (
        f"{second}.id: the same item id as {first}.id (got {taken}, expected an id no other "
        "item of the order has)"
    )


@pytest.mark.parametrize("field", ["discount", "discount_tax"])
def test_a_negative_coupon_discount_is_refused_by_its_field(field: str) -> None:
    raw = order()
    raw["coupon_lines"] = [{"id": 9, "code": "x", "discount": "0.00", "discount_tax": "0.00"}]
    raw["coupon_lines"][0][field] = "-10.00"
    assert problems(raw) == [
        f"coupon_lines.0.{field}: must not be negative (got '-10.00', expected an amount "
        'taken off, like "10.00")'
    ]


def test_a_note_past_a_text_column_is_refused_counting_bytes() -> None:
    raw = order()
    raw["customer_note"] = "é" * (65_535 // 2)
    assert WooOrder.parse(raw).customer_note
    raw["customer_note"] = "😀" * 16_384  # 65,536 bytes of UTF-8
    (problem,) = problems(raw)
    assert problem.startswith("customer_note: 65,536 bytes, more than WooCommerce stores in it")
    assert problem.endswith("expected at most 65,535 bytes (a TEXT column))")


def test_an_item_name_past_a_text_column_is_refused() -> None:
    raw = order()
    raw["line_items"][0]["name"] = "N" * 1_000_000
    (problem,) = problems(raw)
    assert problem.startswith("line_items.0.name: 1,000,000 bytes")


def test_an_unpaired_surrogate_in_text_is_refused() -> None:
    text = json.dumps(order()).replace('"Jane"', '"Ja\\udc80ne"', 1)
    (problem,) = problems(text)
    assert problem.startswith(
        "billing.first_name: holds an unpaired UTF-16 surrogate (U+DC80 at character 3)"
    )


def test_money_in_other_scripts_digits_is_not_money() -> None:
    raw = order()
    raw["total"] = "٤٩.٨٣"
    (problem,) = problems(raw)
    assert problem.startswith("total: not a money amount")


# -- over-long text WooCommerce does hold: NetSuite's field limits decide -----------------------


def land(*args: str) -> Result:
    return CliRunner().invoke(main, ["land", *args])


@pytest.mark.parametrize(
    ("where", "size", "field"),
    [
        (("billing", "first_name"), 1_000_000, "addressee"),
        (("billing", "company"), 1_000_000, "addressee"),
        (("customer_note",), 5_000, "memo"),
        (("billing", "email"), 300, "email"),
    ],
)
def test_long_text_woocommerce_holds_is_rejected_by_netsuite_with_a_category(
    tmp_path: Path, where: tuple[str, ...], size: int, field: str
) -> None:
    raw = order()
    value = "a" * size if where[-1] != "email" else "a" * (size - 12) + "@example.com"
    parent: Any = raw
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = value
    WooOrder.parse(raw)  # WooCommerce holds it: not an invalid order
    path = tmp_path / "order.json"
    path.write_text(json.dumps(raw))
    result = land("--json", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "rejected"
    assert verdict["diagnosis"]["category"] == "validation-rule"
    assert f"The field {field} contained more than the maximum number" in (
        verdict["diagnosis"]["summary"]
    )


# -- every entry point, through the CLI --------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (DEEP, "<root>: nested too deep"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "<root>: nested too deep"),
        (with_quantity_digits(5000), "line_items.0.quantity: a number too long to read"),
    ],
)
def test_land_gives_an_invalid_order_verdict_for_json_past_the_limits(
    tmp_path: Path, text: str, said: str
) -> None:
    result = land("--json", str(write(tmp_path, text)))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    printed = json.loads(result.output)
    (verdict,) = printed if isinstance(printed, list) else [printed]
    assert verdict["outcome"] == "invalid-order"
    assert verdict["diagnosis"]["category"] == "invalid-order"
    assert said in verdict["diagnosis"]["summary"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (DEEP, "<root>: nested too deep"),
        ('{"o:errorCode": "X", "a": ' + DEEP + "}", "<root>: nested too deep"),
        (with_quantity_digits(5000), "line_items.0.quantity: a number too long to read"),
    ],
)
def test_explain_says_json_past_the_limits_cannot_be_read_and_exits_2(
    tmp_path: Path, text: str, said: str
) -> None:
    result = CliRunner().invoke(main, ["explain", str(write(tmp_path, text))])
    assert result.exit_code == 2, result.output
    assert "cannot be read as JSON" in result.output and said in result.output
    assert "Traceback" not in result.output


def test_explain_reads_a_call_log_whose_body_is_nested_too_deep() -> None:
    call = {"time": "t", "method": "POST", "host": "h", "path": "/services/rest/record/v1/"
            "salesOrder", "status": 400, "request_body": DEEP,
            "response_body": '{"o:errorCode": "X", "a": ' + DEEP + "}"}  # fmt: skip
    found = explain_text(json.dumps(call) + "\n")
    assert found.kind == "call-log" and len(found.findings) == 1


def test_explain_of_a_deep_json_line_names_the_line() -> None:
    with pytest.raises(ExplainError, match="line 2 column 65"):
        explain_text('{"a": 1}\n' + DEEP + "\n")


@pytest.mark.parametrize("text", [DEEP, with_quantity_digits(5000)])
def test_reconcile_says_an_export_past_the_limits_cannot_be_read_and_exits_2(
    tmp_path: Path, text: str
) -> None:
    args = ["reconcile", "--orders", str(write(tmp_path, text)), "--since", "2024-01-01"]
    result = CliRunner().invoke(main, [*args, "--target", "sim"])
    assert result.exit_code == 2, result.output
    assert "cannot read the export" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"id": "abc"}, "id: not an id (got 'abc', expected an integer >= 0)"),
        ({"total": "NaN"}, "total: not a money amount (got 'NaN'"),
        ({"total": "1e999999"}, "total: not a money amount (got '1e999999'"),
        ({"number": {"a": 1}}, "number: not a string (got an object"),
    ],
)
def test_reconcile_names_an_order_field_it_cannot_read_and_exits_2(
    tmp_path: Path, change: dict[str, Any], said: str
) -> None:
    path = write(tmp_path, json.dumps([{**order(), **change}]))
    args = ["reconcile", "--orders", str(path), "--since", "2024-01-01", "--target", "sim"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and said in result.output
    assert "order 0" in result.output and "Traceback" not in result.output


def test_a_webhook_body_is_read_within_the_limits_after_its_signature() -> None:
    body = json.dumps(order()).encode()
    assert order_from_delivery(body).id == 5101
    with pytest.raises(WooOrderError, match="nested too deep"):
        order_from_delivery(DEEP.encode())
    with pytest.raises(WebhookError):
        order_from_delivery(body, secret="s3cret", signature_header="wrong")
    good = signature(body, "s3cret")
    assert order_from_delivery(body, secret="s3cret", signature_header=good).id == 5101


@responses.activate
def test_a_store_answering_json_past_the_limits_is_a_store_error() -> None:
    store = WooStore("https://shop.example", "ck_x", "cs_y")
    responses.get("https://shop.example/wp-json/wc/v3/orders/7", body=DEEP)
    with pytest.raises(WooStoreError, match="expected a JSON object"):
        store.get_order(7)


def test_the_limits_cost_little_on_a_real_order() -> None:
    text = json.dumps(order())
    assert read_json(text) == json.loads(text)
    assert WooOrder.parse(text).total == Decimal("49.83")
