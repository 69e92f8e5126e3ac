"""The reference connector's asynchronous sending (`send.async`), against the sandbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.catalogue.spec import load_catalogue
from harness.connector.asyncsend import AsyncSender, JobNotFinished, idempotency_key
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping, load_mapping
from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.sandbox.serve import Sandbox
from harness.woo.generate import generate


@pytest.fixture
def client(sandbox: Sandbox) -> NetSuiteClient:
    sandbox.reset()
    credential = sandbox.profile.credentials.tba[0]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    return NetSuiteClient(sandbox.base_url, auth, calllog=CallLog())


def asynchronous(mapping: Mapping) -> Mapping:
    data = mapping.model_dump(by_alias=True)
    return Mapping.model_validate({**data, "send": {"async": True}})


def orders(client: NetSuiteClient) -> int:
    q = "SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'"
    return int(client.suiteql_all(q)[0]["n"])


def calls(client: NetSuiteClient) -> list[str]:
    made = client.calllog.calls
    return [f"{c.method} {c.path} {c.status}" for c in made if "suiteql" not in c.path]


def test_sending_is_synchronous_unless_the_mapping_says_async() -> None:
    mapping = load_mapping()
    assert mapping.send.asynchronous is False
    assert "send" not in mapping.model_dump()  # a mapping without the option keeps its print
    assert asynchronous(mapping).send.asynchronous is True
    with pytest.raises(ValueError, match=r"send\.async"):
        Mapping.model_validate({**mapping.model_dump(by_alias=True), "send": {"async": "maybe"}})


def test_an_async_order_is_a_job_whose_result_names_the_sales_order(
    client: NetSuiteClient,
) -> None:
    order = generate(load_catalogue().get("new-customer"), 0)
    result = ReferenceConnector(client, asynchronous(load_mapping())).push(order)
    assert result.status == "pushed", result
    so_calls = [line for line in calls(client) if "customer" not in line]
    assert so_calls[0].startswith("PUT /services/rest/record/v1/salesOrder/eid:")
    assert so_calls[0].endswith(" 202")
    assert so_calls[1:] == [
        "GET /services/rest/async/v1/job/1 200",
        "GET /services/rest/async/v1/job/1/task 200",
        "GET /services/rest/async/v1/job/1/task/1/result 204",
    ]
    assert client.get("salesOrder", result.sales_order_id or "")["externalId"].startswith("woo-")
    sent = next(c for c in client.calllog.calls if c.status == 202)
    assert uuid.UUID(sent.request_headers["X-NetSuite-Idempotency-Key"])
    assert sent.request_headers["Prefer"] == "respond-async"


def test_the_same_order_sent_twice_async_is_one_job_and_one_order(client: NetSuiteClient) -> None:
    """semantics:272 / rest 3.8: the repeated key is refused; the first job answers."""
    order = generate(load_catalogue().get("existing-customer"), 0)
    connector = ReferenceConnector(client, asynchronous(load_mapping()))
    before = orders(client)
    first, second = connector.push(order), connector.push(order)
    assert first.status == second.status == "pushed", second
    assert first.sales_order_id == second.sales_order_id
    assert orders(client) == before + 1
    refused = [c for c in client.calllog.calls if c.status == 400]
    assert [c.error_code for c in refused] == ["IDEMPOTENCY_ERROR"]


def test_an_order_changed_since_is_a_new_key_and_updates_the_order(
    client: NetSuiteClient,
) -> None:
    spec = load_catalogue().get("existing-customer")
    connector = ReferenceConnector(client, asynchronous(load_mapping()))
    first = connector.push(generate(spec, 0))
    changed = generate(spec.model_copy(update={"customer_note": "Leave at the door"}), 0)
    second = connector.push(changed)
    assert first.sales_order_id == second.sales_order_id
    assert not [c for c in client.calllog.calls if c.status == 400]
    assert client.get("salesOrder", second.sales_order_id or "")["memo"] == "Leave at the door"


def test_a_refused_async_order_is_rejected_with_netsuites_error(client: NetSuiteClient) -> None:
    spec = load_catalogue().get("inactive-item")
    result = ReferenceConnector(client, asynchronous(load_mapping())).push(generate(spec, 0))
    sync = ReferenceConnector(client, load_mapping()).push(generate(spec, 0))
    assert result.status == sync.status == "rejected"
    assert result.error is not None and sync.error is not None
    assert result.error.detail == sync.error.detail


def test_the_idempotency_key_is_the_request() -> None:
    url = "https://x/services/rest/record/v1/salesOrder/eid:woo-1"
    key = idempotency_key("PUT", url, {"replace": "item"}, {"memo": "a"})
    assert str(uuid.UUID(key)) == key
    assert key == idempotency_key("put", url, {"replace": "item"}, {"memo": "a"})
    assert key != idempotency_key("PUT", url, {"replace": "item"}, {"memo": "b"})
    assert key != idempotency_key("PUT", url + "2", {"replace": "item"}, {"memo": "a"})


def test_a_job_not_finished_in_time_is_polled_then_given_up(
    client: NetSuiteClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    sender = AsyncSender(client, patience=2.0, sleep=slept.append)
    monkeypatch.setattr(sender, "_get", lambda url: {"completed": False})
    url = client.record_url("salesOrder")
    body: dict[str, Any] = {"entity": {"id": "1001"}, "item": {"items": []}}
    with pytest.raises(JobNotFinished, match="after 2 s"):
        sender.send("POST", url, body)
    assert slept == [0.5, 1.0, 0.5]  # doubling, never past the patience
