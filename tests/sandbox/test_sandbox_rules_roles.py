"""Sandbox business rules, round 2: roles limited to subsidiaries, customers whose subsidiary
is fixed by their transactions, asynchronous requests and their idempotency keys.

Each test is named after the fact it checks and cites its source: `semantics:N` is line N of
reference/salesorder-semantics.md, `rest 3.8` a section of reference/netsuite-rest.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from rules_helpers import lines, variant
from sandbox_helpers import Client, details, tba

from harness.sandbox.serve import Sandbox

CONTACT = "Please contact your account administrator."
PREFIX = "Error while accessing a resource. "
US_ORDER = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
CANADIAN_ORDER = {"entity": {"id": "1003"}, "item": lines([("104", 1, None)])}
CANADA_DENIED = {
    "detail": "Permission Violation: Your role does not give you access to the subsidiary "
    f"'Acme Outfitters Canada Ltd.' (2). {CONTACT}",
    "o:errorCode": "INSUFFICIENT_PERMISSION",
}
RESTRICTED_PERMISSIONS = [
    {"category": "setup", "name": "REST Web Services", "level": "full"},
    {"category": "setup", "name": "Log in using Access Tokens", "level": "full"},
    {"category": "transactions", "name": "Sales Order", "level": "full"},
    {"category": "transactions", "name": "Find Transaction", "level": "view"},
    {"category": "transactions", "name": "Item Fulfillment", "level": "full"},
    {"category": "lists", "name": "Customers", "level": "full"},
    {"category": "lists", "name": "Items", "level": "view"},
]


@dataclass
class TwoRoles:
    """One sandbox, the demo integration role (every subsidiary) and role 2000 (US only)."""

    sandbox: Sandbox
    admin: Client
    us_only: Client


@contextmanager
def two_roles() -> Iterator[TwoRoles]:
    def add(profile: dict[str, Any]) -> None:
        profile["roles"].append(
            {
                "id": 2000,
                "name": "US web orders",
                "permissions": RESTRICTED_PERMISSIONS,
                "subsidiaries": [1],
            }
        )
        first = profile["credentials"]["tba"][0]
        token = {"tokenId": "ab" * 28 + "00002000", "tokenSecret": "cd" * 28 + "00002000"}
        profile["credentials"]["tba"].append({**first, "name": "us-only", "role": 2000, **token})

    sandbox = Sandbox(variant(add))
    try:
        with sandbox.intercept():
            last = len(sandbox.profile.credentials.tba) - 1
            yield TwoRoles(
                sandbox,
                Client(sandbox.base_url, tba(sandbox, 0)),
                Client(sandbox.base_url, tba(sandbox, last)),
            )
    finally:
        sandbox.close()


def denied(response: Any) -> None:
    assert response.status_code == 403, response.text
    assert details(response) == [CANADA_DENIED]


# --- 1. a role limited to some subsidiaries (semantics:248) -----------------------------------


def test_a_role_limited_to_a_subsidiary_cannot_read_an_order_of_another() -> None:
    """semantics:248 (subsidiary restrictions give INSUFFICIENT_PERMISSION); Oracle help
    bridgehead_N286421 (only Allow Cross-Subsidiary Record Viewing shows other records)."""
    with two_roles() as ns:
        canadian = ns.admin.create("salesOrder", CANADIAN_ORDER)
        american = ns.admin.create("salesOrder", US_ORDER)
        denied(ns.us_only.get(f"record/v1/salesOrder/{canadian}"))
        denied(ns.us_only.get(f"record/v1/salesOrder/{canadian}", expandSubResources="true"))
        denied(ns.us_only.get(f"record/v1/salesOrder/{canadian}/item"))
        assert ns.us_only.get(f"record/v1/salesOrder/{american}").status_code == 200
        assert ns.admin.get(f"record/v1/salesOrder/{canadian}").status_code == 200


def test_a_role_limited_to_a_subsidiary_cannot_edit_upsert_or_delete_an_order_of_another() -> None:
    """semantics:248; Oracle help section_161895998055 (a role edits the records of the
    subsidiaries it has access to)."""
    with two_roles() as ns:
        canadian = ns.admin.create("salesOrder", CANADIAN_ORDER)
        ns.admin.put("record/v1/salesOrder/eid:ca-1", CANADIAN_ORDER)
        denied(ns.us_only.patch(f"record/v1/salesOrder/{canadian}", {"memo": "moved?"}))
        denied(ns.us_only.put("record/v1/salesOrder/eid:ca-1", {"memo": "moved?"}))
        denied(ns.us_only.delete(f"record/v1/salesOrder/{canadian}"))
        denied(
            ns.us_only.post(f"record/v1/salesOrder/{canadian}/!transform/itemFulfillment", {})
        )
        order = ns.admin.get(f"record/v1/salesOrder/{canadian}").json()
        assert "memo" not in order  # nothing the refused requests said was saved
        american = ns.us_only.create("salesOrder", US_ORDER)
        edited = ns.us_only.patch(f"record/v1/salesOrder/{american}", {"memo": "ok"})
        assert edited.status_code == 204
        assert ns.us_only.delete(f"record/v1/salesOrder/{american}").status_code == 204


def test_a_role_limited_to_a_subsidiary_cannot_read_a_customer_of_another() -> None:
    """semantics:248: customers belong to their primary subsidiary like transactions."""
    with two_roles() as ns:
        denied(ns.us_only.get("record/v1/customer/1003"))
        denied(ns.us_only.patch("record/v1/customer/1003", {"phone": "416-555-0199"}))
        assert ns.us_only.get("record/v1/customer/1001").status_code == 200


def test_collections_leave_out_the_records_of_other_subsidiaries() -> None:
    """INFERRED: a collection lists what the role may see (semantics:248: restricted roles
    "do not receive any errors yet records are still not being synced")."""
    with two_roles() as ns:
        canadian = ns.admin.create("salesOrder", CANADIAN_ORDER)
        american = ns.admin.create("salesOrder", US_ORDER)

        def ids(client: Client, record_type: str) -> set[str]:
            page = client.get(f"record/v1/{record_type}").json()
            assert page["totalResults"] == len(page["items"])
            return {item["id"] for item in page["items"]}

        assert ids(ns.admin, "salesOrder") == {canadian, american}
        assert ids(ns.us_only, "salesOrder") == {american}
        assert "1003" in ids(ns.admin, "customer")
        assert "1003" not in ids(ns.us_only, "customer")
        assert "1001" in ids(ns.us_only, "customer")
        filtered = ns.us_only.get("record/v1/salesOrder", q=f"id ANY_OF [{canadian}, {american}]")
        assert [item["id"] for item in filtered.json()["items"]] == [american]


def test_suiteql_leaves_out_the_rows_of_other_subsidiaries() -> None:
    """INFERRED: NetSuite applies the role's subsidiary restrictions to SuiteQL results."""
    with two_roles() as ns:
        canadian = ns.admin.create("salesOrder", CANADIAN_ORDER)
        american = ns.admin.create("salesOrder", US_ORDER)

        def rows(client: Client, q: str) -> list[dict[str, str]]:
            response = client.suiteql(q)
            assert response.status_code == 200, response.text
            items: list[dict[str, str]] = response.json()["items"]
            return items

        orders = "SELECT id FROM transaction WHERE type = 'SalesOrd' ORDER BY id"
        assert [r["id"] for r in rows(ns.admin, orders)] == [canadian, american]
        assert [r["id"] for r in rows(ns.us_only, orders)] == [american]
        joined = (
            "SELECT t.id, c.id AS customer, l.item FROM transaction t "
            "JOIN customer c ON c.id = t.entity "
            "JOIN transactionline l ON l.transaction = t.id AND l.mainline = 'F'"
        )
        assert {r["id"] for r in rows(ns.us_only, joined)} == {american}
        counted = rows(ns.us_only, "SELECT COUNT(*) AS n FROM customer WHERE subsidiary = 2")
        assert counted == [{"links": [], "n": "0"}]
        everyone = rows(ns.admin, "SELECT COUNT(*) AS n FROM customer WHERE subsidiary = 2")
        assert everyone[0]["n"] != "0"
        # A subquery and a CTE read through the same scope.
        nested = rows(
            ns.us_only,
            "WITH o AS (SELECT id FROM transaction) SELECT COUNT(*) AS n FROM o "
            "WHERE id IN (SELECT transaction FROM transactionline)",
        )
        assert nested[0]["n"] == "1"


# --- 2. a customer's subsidiary once she has transactions (semantics:223) -------------------


SUBSIDIARY_LOCKED = (
    PREFIX + "You cannot change the subsidiary of this entity because one or more "
    "transactions exist for this entity."
)


def test_a_customer_with_transactions_cannot_change_subsidiary(ns: Client) -> None:
    """semantics:223 ("subsidiary cannot be changed after transactions post"); the text is
    SOAP's CANT_MODIFY_SUB (Oracle help section_N3539978), wrapped in USER_ERROR."""
    order = ns.create("salesOrder", US_ORDER)
    response = ns.patch("record/v1/customer/1001", {"subsidiary": {"id": "2"}})
    assert response.status_code == 400, response.text
    assert details(response) == [
        {"detail": SUBSIDIARY_LOCKED, "o:errorCode": "USER_ERROR", "o:errorPath": "subsidiary"}
    ]
    assert ns.get("record/v1/customer/1001").json()["subsidiary"]["id"] == "1"
    # Her orders still re-send cleanly: the customer was left as it was.
    assert ns.put("record/v1/salesOrder/eid:again", US_ORDER).status_code == 204
    assert ns.patch(f"record/v1/salesOrder/{order}", {"memo": "re-sent"}).status_code == 204


def test_a_customer_with_transactions_keeps_every_other_edit(ns: Client) -> None:
    """semantics:223: only the subsidiary is fixed; sending the same one again is no change."""
    ns.create("salesOrder", US_ORDER)
    same = {"subsidiary": {"id": "1"}, "phone": "415-555-0111"}
    assert ns.patch("record/v1/customer/1001", same).status_code == 204
    assert ns.get("record/v1/customer/1001").json()["phone"] == "415-555-0111"


def test_a_customer_without_transactions_may_change_subsidiary(ns: Client) -> None:
    """Oracle help (smash-ict "primary subsidiary after booking transactions"): the primary
    subsidiary can change as long as no transactions have been booked."""
    new = ns.create("customer", {"companyName": "Moving Co", "subsidiary": {"id": "1"}})
    response = ns.patch(f"record/v1/customer/{new}", {"subsidiary": {"id": "2"}})
    assert response.status_code == 204, response.text
    assert ns.get(f"record/v1/customer/{new}").json()["subsidiary"]["id"] == "2"


def test_an_upsert_that_moves_a_customer_with_transactions_is_refused(ns: Client) -> None:
    """semantics:223, through PUT eid: as a connector sends it."""
    body = {"companyName": "Upsert Co", "subsidiary": {"id": "1"}}
    assert ns.put("record/v1/customer/eid:woo-customer-9", body).status_code == 204
    customer = ns.get("record/v1/customer/eid:woo-customer-9").json()["id"]
    ns.create("salesOrder", {**US_ORDER, "entity": {"id": customer}})
    moved = ns.put("record/v1/customer/eid:woo-customer-9", {**body, "subsidiary": {"id": "2"}})
    assert moved.status_code == 400
    assert details(moved)[0]["detail"] == SUBSIDIARY_LOCKED


@pytest.mark.parametrize("record_type", ["salesOrder", "customer"])
def test_an_unrestricted_role_reads_every_subsidiary(ns: Client, record_type: str) -> None:
    """The demo role has no subsidiary restriction: it reads Canadian records."""
    record = "1003" if record_type == "customer" else ns.create("salesOrder", CANADIAN_ORDER)
    assert ns.get(f"record/v1/{record_type}/{record}").status_code == 200


# --- 3. asynchronous requests and idempotency keys (rest 3.8, semantics:272) ----------------


ASYNC = {"Prefer": "respond-async"}
KEY = "cac827ea-3543-4cda-add2-bae634326c27"
JOB_URL = re.compile(r"^https://[^/]+/services/rest/async/v1/job/(\d+)$")


def follow(ns: Client, accepted: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """A 202's job, its one task and that task's result, read as NetSuite documents them."""
    assert accepted.status_code == 202, accepted.text
    job = ns.get(accepted.headers["Location"]).json()
    tasks = ns.get(job["task"]["links"][0]["href"]).json()
    assert tasks["count"] == 1 and tasks["totalResults"] == 1
    task = ns.get(tasks["items"][0]["links"][0]["href"]).json()
    related = [link["href"] for link in task["links"] if link["rel"] == "related"]
    return job, task, ns.get(related[0])


def sales_orders(ns: Client) -> int:
    q = "SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'"
    return int(ns.suiteql(q).json()["items"][0]["n"])


def test_prefer_respond_async_is_accepted_as_a_job(ns: Client) -> None:
    """rest 3.8 / ORA subsect_161278579295: 202 Accepted, Preference-Applied: respond-async,
    Location of the job; polling it shows the job document."""
    accepted = ns.post("record/v1/salesOrder", US_ORDER, headers=ASYNC)
    assert accepted.status_code == 202
    assert accepted.headers["Preference-Applied"] == "respond-async"
    location = JOB_URL.match(accepted.headers["Location"])
    assert location is not None and accepted.content == b""
    job = ns.get(accepted.headers["Location"]).json()
    job_id = location.group(1)
    assert job == {
        "links": [{"rel": "self", "href": accepted.headers["Location"]}],
        "completed": True,
        "id": job_id,
        "progress": "succeeded",
        "task": {"links": [{"rel": "self", "href": accepted.headers["Location"] + "/task"}]},
    }


def test_an_async_create_has_a_task_whose_result_locates_the_new_record(ns: Client) -> None:
    """ORA subsect_161252896355 (task: related result link, progress, start and end) and a
    public client that reads the result's 204 and its Location for the new id."""
    before = sales_orders(ns)
    _, task, result = follow(ns, ns.post("record/v1/salesOrder", US_ORDER, headers=ASYNC))
    assert task["completed"] is True and task["progress"] == "succeeded"
    assert task["id"] == "1" and task["startTime"] <= task["endTime"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", task["endTime"])
    assert result.status_code == 204
    new_id = result.headers["Location"].rsplit("/salesOrder/", 1)[1]
    assert ns.get(f"record/v1/salesOrder/{new_id}").status_code == 200
    assert sales_orders(ns) == before + 1


def test_an_async_read_has_the_record_as_its_result(ns: Client) -> None:
    """ORA subsect_161252889998: the result of an async GET is the record itself."""
    _, _, result = follow(ns, ns.request("GET", "record/v1/customer/1001", headers=ASYNC))
    assert result.status_code == 200
    assert result.json()["email"] == "jane.doe@example.com"


def test_an_async_suiteql_query_runs_as_a_job(ns: Client) -> None:
    """rest 3.8: any request may run asynchronously, a SuiteQL query too."""
    accepted = ns.request(
        "POST",
        "query/v1/suiteql",
        json={"q": "SELECT id FROM customer WHERE id = 1001"},
        headers={"Prefer": "transient, respond-async"},
    )
    _, _, result = follow(ns, accepted)
    assert [row["id"] for row in result.json()["items"]] == ["1001"]


def test_a_failed_async_request_fails_its_job_with_the_error_as_result(ns: Client) -> None:
    """INFERRED: a refused request's job ends `failed`; its result is NetSuite's refusal."""
    refused = {"entity": {"id": "1001"}, "item": lines([("999999", 1, 5)])}
    job, task, result = follow(ns, ns.post("record/v1/salesOrder", refused, headers=ASYNC))
    assert (job["progress"], task["progress"]) == ("failed", "failed")
    assert job["completed"] is True
    synchronous = ns.post("record/v1/salesOrder", refused)
    assert result.status_code == synchronous.status_code == 400
    assert details(result) == details(synchronous)


def test_the_same_idempotency_key_again_is_refused_with_the_first_job(ns: Client) -> None:
    """rest 3.8 / ORA subsect_164494900632: the duplicate gets 400 "Conflict",
    IDEMPOTENCY_ERROR and the Location of the job first submitted: one order, not two."""
    before = sales_orders(ns)
    headers = {**ASYNC, "X-NetSuite-Idempotency-Key": KEY}
    first = ns.post("record/v1/salesOrder", US_ORDER, headers=headers)
    assert first.status_code == 202
    again = ns.post("record/v1/salesOrder", US_ORDER, headers=headers)
    assert again.status_code == 400
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Preference-Applied"] == "respond-async"
    document = again.json()
    assert document["title"] == "Conflict" and document["status"] == 400
    assert document["type"].endswith("#sec10.4.10")
    assert document["o:errorDetails"] == [
        {
            "detail": "A request with the same idempotency key is already submitted. See the "
            '"Location" header for a link to the previously submitted job',
            "o:errorCode": "IDEMPOTENCY_ERROR",
        }
    ]
    # The key is the key whatever the body or the spelling of the UUID.
    other_body = ns.post(
        "record/v1/customer",
        {"companyName": "Other", "subsidiary": {"id": "1"}},
        headers={**ASYNC, "X-NetSuite-Idempotency-Key": KEY.upper()},
    )
    assert other_body.status_code == 400
    assert sales_orders(ns) == before + 1
    fresh = ns.post(
        "record/v1/salesOrder",
        US_ORDER,
        headers={**ASYNC, "X-NetSuite-Idempotency-Key": "7f1d3c1e-0d7c-4c1e-9d6b-2a4f1e0c9b11"},
    )
    assert fresh.status_code == 202
    assert sales_orders(ns) == before + 2


def test_synchronous_requests_ignore_the_idempotency_key(ns: Client) -> None:
    """semantics:272 and rest 3.8: the key works only for async requests."""
    before = sales_orders(ns)
    headers = {"X-NetSuite-Idempotency-Key": KEY}
    assert ns.post("record/v1/salesOrder", US_ORDER, headers=headers).status_code == 204
    assert ns.post("record/v1/salesOrder", US_ORDER, headers=headers).status_code == 204
    assert sales_orders(ns) == before + 2
    # ... and does not reserve the key for a later asynchronous request.
    later = ns.post("record/v1/salesOrder", US_ORDER, headers={**headers, **ASYNC})
    assert later.status_code == 202


def test_an_idempotency_key_must_be_a_uuid(ns: Client) -> None:
    """INFERRED: every source calls the key a UUID; anything else is a bad header."""
    response = ns.post(
        "record/v1/salesOrder",
        US_ORDER,
        headers={**ASYNC, "X-NetSuite-Idempotency-Key": "order-1001"},
    )
    assert response.status_code == 400
    assert details(response)[0]["o:errorCode"] == "INVALID_HEADER"
    assert details(response)[0]["o:errorHeader"] == "X-NetSuite-Idempotency-Key"


def test_a_job_is_read_only_by_the_role_that_sent_it_and_only_with_get() -> None:
    """INFERRED: a job's result is what its request answered that role."""
    with two_roles() as ns:
        accepted = ns.admin.request("GET", "record/v1/customer/1003", headers=ASYNC)
        assert ns.us_only.get(accepted.headers["Location"]).status_code == 404
        assert ns.admin.get(accepted.headers["Location"]).status_code == 200
        deleted = ns.admin.delete(accepted.headers["Location"])
        assert deleted.status_code == 405 and deleted.headers["Allow"] == "GET"
        missing = ns.admin.get("async/v1/job/999")
        assert missing.status_code == 404
        assert details(missing)[0]["o:errorCode"] == "NONEXISTENT_ID"


def test_jobs_and_keys_are_forgotten_when_the_sandbox_resets(sandbox: Sandbox, ns: Client) -> None:
    """The sandbox's reset returns to the profile's records: no job and no key survives it."""
    headers = {**ASYNC, "X-NetSuite-Idempotency-Key": KEY}
    first = ns.post("record/v1/salesOrder", US_ORDER, headers=headers)
    sandbox.reset()
    assert ns.get(first.headers["Location"]).status_code == 404
    again = ns.post("record/v1/salesOrder", US_ORDER, headers=headers)
    assert again.status_code == 202
    assert again.headers["Location"].endswith("/async/v1/job/1")


def test_an_async_request_of_a_limited_role_is_refused_in_its_job() -> None:
    """semantics:248 holds for asynchronous requests: the job fails with the 403."""
    with two_roles() as ns:
        canadian = ns.admin.create("salesOrder", CANADIAN_ORDER)
        accepted = ns.us_only.request("GET", f"record/v1/salesOrder/{canadian}", headers=ASYNC)
        job, _, result = follow(ns.us_only, accepted)
        assert job["progress"] == "failed"
        denied(result)


def test_over_http_a_job_is_202_accepted_and_its_location_is_on_the_served_url() -> None:
    """rest 3.8 over a socket: the status line says Accepted, the Location is reachable."""
    sandbox = Sandbox()
    server = sandbox.serve_http()
    try:
        client = Client(server.url, tba(sandbox))
        accepted = client.post("record/v1/salesOrder", US_ORDER, headers=ASYNC)
        assert (accepted.status_code, accepted.reason) == (202, "Accepted")
        assert accepted.headers["Location"].startswith(server.url + "/services/rest/async/v1/")
        job, _, result = follow(client, accepted)
        assert job["progress"] == "succeeded" and result.status_code == 204
    finally:
        server.stop()
        sandbox.close()
