"""Atomicity: a rejected request leaves no row behind, and consumes no id or number."""

from __future__ import annotations

from typing import Any

import pytest
from rules_helpers import count_rows, lines, running, variant
from sandbox_helpers import Client

from harness.sandbox.serve import Sandbox

ADDRESS = {"addr1": "1 Main St", "city": "Reno", "state": "NV", "zip": "89501", "country": "US"}


def order(**extra: Any) -> dict[str, Any]:
    return {
        "entity": {"id": "1001"},
        "item": lines([("101", 1, 49), ("104", 2, None)]),
        "billingAddress": ADDRESS,
        "shipMethod": {"id": "201"},
        **extra,
    }


REJECTED_CREATES: dict[str, tuple[str, dict[str, Any], int]] = {
    "customer without names": ("customer", {"isPerson": True, "subsidiary": {"id": "1"}}, 400),
    "customer with an address and a foreign tax item": (
        "customer",
        {
            "companyName": "Half Saved Co",
            "subsidiary": {"id": "1"},
            "taxItem": {"id": "303"},
            "addressbook": {"items": [{"defaultBilling": True, "addressbookaddress": ADDRESS}]},
        },
        400,
    ),
    "order with an inactive item on its last line": (
        "salesOrder",
        order(item=lines([("101", 1, 49), ("104", 1, None), ("108", 1, 9)])),
        400,
    ),
    "order over the approval limit (refused after totals)": (
        "salesOrder",
        order(item=lines([("101", 200, 49)])),
        400,
    ),
    "order with a bad value": ("salesOrder", order(tranDate="31/31/2024"), 400),
    "order without lines": ("salesOrder", {"entity": {"id": "1001"}}, 400),
}


@pytest.mark.parametrize("case", sorted(REJECTED_CREATES))
def test_a_rejected_create_leaves_every_table_as_it_was(
    sandbox: Sandbox, ns: Client, case: str
) -> None:
    record_type, body, status = REJECTED_CREATES[case]
    before = count_rows(sandbox)
    response = ns.post(f"record/v1/{record_type}", body)
    assert response.status_code == status, response.text
    assert count_rows(sandbox) == before


def test_a_rejected_upsert_creates_nothing(sandbox: Sandbox, ns: Client) -> None:
    before = count_rows(sandbox)
    body = order(item=lines([("108", 1, 9)]))
    assert ns.put("record/v1/salesOrder/eid:woo-atomic", body).status_code == 400
    assert count_rows(sandbox) == before


def test_a_rejected_create_consumes_no_internal_id_or_document_number(ns: Client) -> None:
    assert ns.post("record/v1/salesOrder", order(item=lines([("108", 1, 9)]))).status_code == 400
    first = ns.create("salesOrder", order())
    assert ns.post("record/v1/salesOrder", order(item=lines([("101", 200, 49)]))).status_code == 400
    second = ns.create("salesOrder", order())
    assert int(second) == int(first) + 1
    numbers = [ns.get(f"record/v1/salesOrder/{i}").json()["tranId"] for i in (first, second)]
    assert numbers == ["SO1001", "SO1002"]


EDITS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "replacing the lines with an inactive item": (
        {"item": {"items": [{"item": {"id": "108"}, "quantity": 1}]}},
        {"replace": "item"},
    ),
    "growing a line over the approval limit": (
        {"item": {"items": [{"line": 1, "quantity": 500}]}, "memo": "changed"},
        {},
    ),
    "a new line of another subsidiary": (
        {"item": {"items": [{"item": {"id": "101"}, "location": {"id": "2"}}]}, "memo": "x"},
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_a_rejected_edit_leaves_the_record_whole(sandbox: Sandbox, ns: Client, case: str) -> None:
    body, params = EDITS[case]
    order_id = ns.create("salesOrder", order(memo="original"))
    before = ns.get(f"record/v1/salesOrder/{order_id}", expandSubResources="true").json()
    rows = count_rows(sandbox)
    response = ns.request("PATCH", f"record/v1/salesOrder/{order_id}", json=body, params=params)
    assert response.status_code == 400, response.text
    after = ns.get(f"record/v1/salesOrder/{order_id}", expandSubResources="true").json()
    assert after == before
    assert count_rows(sandbox) == rows


def locked(p: dict[str, Any]) -> None:
    p["workflowLocks"].append(
        {"name": "lock", "recordType": "salesOrder", "condition": "memo == 'locked'"}
    )


def test_a_workflow_locked_record_is_not_touched() -> None:
    with running(variant(locked)) as ns:
        order_id = ns.create("salesOrder", order(memo="locked"))
        before = ns.get(f"record/v1/salesOrder/{order_id}", expandSubResources="true").json()
        response = ns.patch(
            f"record/v1/salesOrder/{order_id}",
            {"memo": "open", "item": {"items": [{"line": 1, "quantity": 3}]}},
        )
        assert response.status_code == 400
        after = ns.get(f"record/v1/salesOrder/{order_id}", expandSubResources="true").json()
        assert after == before


def test_a_rejected_customer_leaves_no_orphan_address_behind(sandbox: Sandbox, ns: Client) -> None:
    before = count_rows(sandbox)
    body = REJECTED_CREATES["customer with an address and a foreign tax item"][1]
    assert ns.post("record/v1/customer", body).status_code == 400
    assert ns.put("record/v1/customer/eid:half", body).status_code == 400
    after = count_rows(sandbox)
    assert after["entityaddress"] == before["entityaddress"]
    assert after["customeraddressbook"] == before["customeraddressbook"]
    assert after == before
