"""The WSGI app's edge: routing, NetSuite-shaped errors for every failure (reference 5),
authentication hand-off, SuiteQL envelope (4.2) and concurrency governance (6)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1
from sandbox_helpers import Client, details, order_body, tba

from harness.sandbox.app import MAX_BODY_BYTES
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.recordstore import Record


def test_malformed_json_is_invalid_content(ns: Client) -> None:
    response = ns.request(
        "POST",
        "record/v1/customer",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert details(response) == [
        {"detail": "Invalid content in the request body.", "o:errorCode": "INVALID_CONTENT"}
    ]


def test_a_body_that_is_not_an_object_is_invalid_content(ns: Client) -> None:
    response = ns.post("record/v1/customer", ["a", "list"])
    assert response.status_code == 400
    assert details(response)[0]["o:errorCode"] == "INVALID_CONTENT"


def test_a_non_json_content_type_is_refused(ns: Client) -> None:
    response = ns.request(
        "POST",
        "record/v1/customer",
        data=b'{"companyName": "x"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert details(response)[0]["o:errorHeader"] == "Content-Type"


def test_a_body_over_the_cap_is_refused_before_anything_else(sandbox: Sandbox) -> None:
    status, headers, body = sandbox.handle(
        "POST",
        f"{sandbox.base_url}/services/rest/record/v1/customer",
        {"Content-Type": "application/json"},
        b" " * (MAX_BODY_BYTES + 1),
    )
    assert status == 413
    assert json.loads(body)["o:errorDetails"][0]["o:errorCode"] == "INVALID_CONTENT"
    assert headers["Content-Type"].startswith("application/vnd.oracle.resource+json; type=error")


def test_an_unknown_path_is_404_in_netsuite_shape(ns: Client) -> None:
    response = ns.get("nothing/v1/here")
    assert response.status_code == 404
    assert details(response)[0]["o:errorCode"] == "INVALID_URL"


def test_an_unsupported_method_is_405_with_allow(ns: Client) -> None:
    response = ns.request("DELETE", "record/v1/customer")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert details(response)[0]["o:errorCode"] == "INVALID_METHOD"


def test_options_probe_answers_204(ns: Client) -> None:
    assert ns.request("OPTIONS", "record/v1/customer").status_code == 204


def test_an_unexpected_exception_still_answers_in_netsuite_shape(
    ns: Client, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sandbox.app.records, "get", explode)
    response = ns.get("record/v1/customer/1001")
    assert response.status_code == 500
    (detail,) = details(response)
    assert detail["o:errorCode"] == "UNEXPECTED_ERROR"
    assert detail["detail"].startswith("An unexpected error occurred. Error ID: ")
    assert "Traceback" not in response.text and "disk on fire" not in response.text
    assert "disk on fire" in caplog.text


def test_a_request_without_credentials_is_invalid_login(sandbox: Sandbox) -> None:
    with sandbox.intercept():
        response = requests.get(f"{sandbox.base_url}/services/rest/record/v1/customer/1001")
    assert response.status_code == 401
    assert details(response)[0]["o:errorCode"] == "INVALID_LOGIN"
    assert response.headers["WWW-Authenticate"].startswith('OAuth realm="1234567_SB1"')


def test_a_wrong_token_secret_is_invalid_login(sandbox: Sandbox) -> None:
    cred = sandbox.profile.credentials.tba[0]
    bad = OAuth1(
        cred.consumerKey,
        cred.consumerSecret,
        cred.tokenId,
        "0" * 64,
        signature_method="HMAC-SHA256",
        realm=sandbox.account_id,
    )
    with sandbox.intercept():
        response = requests.get(
            f"{sandbox.base_url}/services/rest/record/v1/customer/1001", auth=bad
        )
    assert response.status_code == 401


def test_in_process_requests_must_use_the_account_host(sandbox: Sandbox) -> None:
    status, headers, _ = sandbox.handle(
        "GET", "https://7654321-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer"
    )
    assert status == 401
    assert "WWW-Authenticate" in headers


def test_the_principal_role_reaches_the_record_rules() -> None:
    sandbox = Sandbox()
    seen: list[str | None] = []

    def remember(ctx: SaveContext, record: Record) -> None:
        seen.append(ctx.role)

    sandbox.app.records.rules.add("customer", remember)
    with sandbox.intercept():
        viewer = Client(sandbox.base_url, tba(sandbox, 1))
        viewer.create("customer", {"companyName": "R", "subsidiary": {"id": 1}})
    sandbox.close()
    assert seen == ["1011"]  # the view-only role's id, from its TBA token


def test_suiteql_requires_prefer_transient(ns: Client) -> None:
    response = ns.request("POST", "query/v1/suiteql", json={"q": "SELECT id FROM customer"})
    assert response.status_code == 400
    assert details(response)[0]["o:errorHeader"] == "Prefer"


def test_suiteql_needs_a_q_string(ns: Client) -> None:
    response = ns.request(
        "POST", "query/v1/suiteql", json={"query": "x"}, headers={"Prefer": "transient"}
    )
    assert response.status_code == 400
    assert details(response)[0]["o:errorCode"] == "INVALID_CONTENT"


def test_suiteql_envelope_pages_rows_with_empty_links(ns: Client, sandbox: Sandbox) -> None:
    body = ns.suiteql("SELECT id, email FROM customer ORDER BY id", limit="2", offset="2").json()
    assert body["items"] == [
        {"links": [], "id": "1003", "email": "orders@mapleleaf.example"},
        {"links": [], "id": "1004", "email": "dup@example.com"},
    ]
    assert body["count"] == 2 and body["hasMore"] is True
    assert body["offset"] == 2 and body["totalResults"] == 5
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert rels["next"] == f"{sandbox.base_url}/services/rest/query/v1/suiteql?limit=2&offset=4"
    assert set(rels) == {"first", "prev", "next", "last", "self"}


def test_suiteql_errors_keep_the_engine_status_and_code(ns: Client) -> None:
    response = ns.suiteql("SELECT id FROM nosuchtable")
    assert response.status_code == 400
    (detail,) = details(response)
    assert "nosuchtable" in detail["detail"].lower()


def test_suiteql_sees_records_created_over_rest(ns: Client) -> None:
    ns.create("salesOrder", order_body(externalId="WOO-5"))
    rows = ns.suiteql(
        "SELECT t.type, t.status, BUILTIN.DF(t.entity) AS customer FROM transaction t "
        "WHERE t.externalid = 'WOO-5'"
    ).json()["items"]
    assert rows == [{"links": [], "type": "SalesOrd", "status": "A", "customer": "Jane Doe"}]


def test_governance_limits_endpoint_shape(ns: Client) -> None:
    response = ns.get("system/v1/governanceLimits")
    assert response.status_code == 200
    assert response.json() == {
        "accountConcurrencyLimit": 5,
        "accountUnallocatedConcurrencyLimit": 5,
        "integrationLimitType": "accountLimit",
    }


def test_metadata_catalog_lists_the_record_types(ns: Client) -> None:
    names = {item["name"] for item in ns.get("record/v1/metadata-catalog").json()["items"]}
    assert {"customer", "salesOrder", "inventoryItem", "shipItem", "taxGroup"} <= names
    # REST serves no legacy tax item (Oracle help article_0814121722); SuiteQL still reads it.
    assert "salesTaxItem" not in names


def test_requests_beyond_the_concurrency_limit_get_429() -> None:
    sandbox = Sandbox()
    release = threading.Event()

    def hold(ctx: SaveContext, record: Record) -> None:
        release.wait(timeout=10)

    sandbox.app.records.rules.add("customer", hold)
    limit = sandbox.profile.governance.concurrencyLimit
    results: list[int] = []
    with sandbox.intercept():
        client = Client(sandbox.base_url, tba(sandbox))

        def post(n: int) -> None:
            body = {"companyName": f"Busy {n}", "subsidiary": {"id": 1}}
            results.append(client.post("record/v1/customer", body).status_code)

        threads = [threading.Thread(target=post, args=(n,)) for n in range(limit)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while sandbox.app.gate.in_flight < limit and time.monotonic() < deadline:
            time.sleep(0.005)
        blocked = client.get("record/v1/customer/1001")
        release.set()
        for thread in threads:
            thread.join(timeout=10)
        after = client.get("record/v1/customer/1001")
    assert blocked.status_code == 429
    assert details(blocked) == [
        {
            "detail": "Concurrent request limit exceeded. Request blocked.",
            "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED",
        }
    ]
    assert blocked.json()["title"] == "Too Many Requests"
    assert results == [204] * limit
    assert after.status_code == 200
    sandbox.close()
