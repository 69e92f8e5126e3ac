"""The account's scripts and workflows: conditions, refusals, locks, and the safe evaluator."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rules_helpers import count_rows, lines, running, variant
from sandbox_helpers import Client, details

from harness.sandbox.account import DEMO_PROFILE, SandboxConfigError, load_profile
from harness.sandbox.rules.expressions import ExpressionError, compile_expression
from harness.sandbox.serve import Sandbox

LIMIT_MESSAGE = (
    "Error while accessing a resource. "
    "Order total exceeds the 5,000.00 approval limit for web orders."
)


# --- the demo's approval-limit script -----------------------------------------------------


def test_the_approval_limit_fires_on_the_total_with_tax_and_shipping(
    sandbox: Sandbox, ns: Client
) -> None:
    # 100 x 49.00 = 4,900.00; with 7.25% tax (355.25) and 9.95 shipping the total is 5,265.20.
    body = {
        "entity": {"id": "1001"},
        "item": lines([("101", 100, 49)]),
        "shipMethod": {"id": "201"},
    }
    before = count_rows(sandbox)
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response) == [{"detail": LIMIT_MESSAGE, "o:errorCode": "USER_ERROR"}]
    assert count_rows(sandbox) == before


def test_the_approval_limit_lets_a_tax_exempt_order_under_5000_through(ns: Client) -> None:
    body = {"entity": {"id": "1002"}, "item": lines([("101", 100, 49)])}  # exempt: 4,900.00
    assert ns.post("record/v1/salesOrder", body).status_code == 204


def test_the_approval_limit_also_guards_edits(ns: Client) -> None:
    order_id = ns.create("salesOrder", {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])})
    response = ns.patch(
        f"record/v1/salesOrder/{order_id}", {"item": {"items": [{"line": 1, "quantity": 200}]}}
    )
    assert response.status_code == 400
    assert details(response)[0]["detail"] == LIMIT_MESSAGE
    got = ns.get(f"record/v1/salesOrder/{order_id}", expandSubResources="true").json()
    assert got["item"]["items"][0]["quantity"] == 1.0  # the edit was not saved


# --- profile scripts and workflow locks ----------------------------------------------------


def script(condition: Any, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "test script",
        "recordType": "salesOrder",
        "condition": condition,
        "message": message,
        **extra,
    }


def test_an_expression_condition_over_body_fields() -> None:
    rule = script("memo == 'rush' and orderStatus == 'B'", "Rush orders need approval.")
    with running(variant(lambda p: p["rules"].append(rule))) as ns:
        body = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)]), "memo": "rush"}
        assert ns.post("record/v1/salesOrder", body).status_code == 204  # status A
        response = ns.post("record/v1/salesOrder", {**body, "orderStatus": "B"})
        assert details(response)[0]["detail"].endswith("Rush orders need approval.")


def test_a_script_limited_to_create_lets_edits_through() -> None:
    rule = script("memo == 'no'", "Refused.", operations=["create"])
    with running(variant(lambda p: p["rules"].append(rule))) as ns:
        order_id = ns.create(
            "salesOrder", {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
        )
        assert ns.patch(f"record/v1/salesOrder/{order_id}", {"memo": "no"}).status_code == 204


def test_a_structured_condition_works_too() -> None:
    rule = script({"field": "memo", "operator": "notEmpty"}, "No memos.")
    with running(variant(lambda p: p["rules"].append(rule))) as ns:
        body = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
        assert ns.post("record/v1/salesOrder", body).status_code == 204
        assert ns.post("record/v1/salesOrder", {**body, "memo": "x"}).status_code == 400


def test_a_customer_script_applies_to_customers_only() -> None:
    rule = {**script("email == None", "Customers need an email."), "recordType": "customer"}
    with running(variant(lambda p: p["rules"].append(rule))) as ns:
        response = ns.post("record/v1/customer", {"companyName": "X", "subsidiary": {"id": "1"}})
        assert details(response)[0]["detail"].endswith("Customers need an email.")
        order = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
        assert ns.post("record/v1/salesOrder", order).status_code == 204


def test_a_workflow_lock_refuses_edits_of_matching_records() -> None:
    lock = {
        "name": "approved orders",
        "recordType": "salesOrder",
        "condition": "orderStatus == 'B'",
    }
    with running(variant(lambda p: p["workflowLocks"].append(lock))) as ns:
        body = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
        approved = ns.create("salesOrder", {**body, "orderStatus": "B"})
        pending = ns.create("salesOrder", body)
        response = ns.patch(f"record/v1/salesOrder/{approved}", {"memo": "x"})
        assert response.status_code == 400
        assert details(response) == [
            {
                "detail": "Error while accessing a resource. "
                "This record has been locked by a user defined workflow.",
                "o:errorCode": "USER_ERROR",
            }
        ]
        assert ns.patch(f"record/v1/salesOrder/{pending}", {"orderStatus": "B"}).status_code == 204
        assert ns.patch(f"record/v1/salesOrder/{pending}", {"memo": "x"}).status_code == 400


def test_an_unsafe_condition_in_a_profile_file_is_a_config_error(tmp_path: Path) -> None:
    source = DEMO_PROFILE.read_text(encoding="utf-8")
    bad = source.replace(
        "condition: {field: total, operator: greater, value: 5000}",
        "condition: \"__import__('os').system('true')\"",
    )
    assert bad != source
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(SandboxConfigError) as error:
        load_profile(path)
    [problem] = error.value.problems
    assert problem.startswith(f"{path}:")
    assert "rules.0.condition" in problem and "Call is not allowed" in problem


# --- the evaluator -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("total > 5000", {"total": Decimal("5000.01")}, True),
        ("total > 5000", {"total": Decimal("5000")}, False),
        ("TOTAL >= 5000.5", {"total": Decimal("5000.50")}, True),
        ("subtotal + taxTotal - 1 > 9", {"subtotal": Decimal(9), "taxTotal": Decimal("1.5")}, True),
        ("entity in (1001, 1002)", {"entity": 1002}, True),
        ("entity not in [1001]", {"entity": 1002}, True),
        ("not memo", {}, True),
        ("total > 5000", {"total": None}, False),  # an empty field never matches
        ("memo == None or memo == ''", {"memo": ""}, True),
        ("0 < total < 10", {"total": Decimal(5)}, True),
        ("isTaxable == true and -total < 0", {"isTaxable": True, "total": Decimal(1)}, True),
        ("total / 0 > 1", {"total": Decimal(1)}, False),
    ],
)
def test_expressions(source: str, values: dict[str, Any], expected: bool) -> None:
    assert compile_expression(source).matches(values) is expected


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "total.__class__",
        "memo[0]",
        "(lambda: 1)()",
        "[x for x in memo]",
        "total > ",
        "b'bytes' == memo",
    ],
)
def test_anything_but_plain_expressions_is_refused(source: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(source)
