"""NetSuiteClient against the embedded sandbox: real answers, real faults, real governance."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import MaybeCommittedError, NetSuiteError
from harness.netsuite.governance import ConcurrencyBudget
from harness.netsuite.retry import RetryPolicy
from harness.sandbox.account import Fault, FaultMatch
from harness.sandbox.faults import FaultInjector, FaultPlan
from harness.sandbox.serve import Sandbox


def client_of(
    sandbox: Sandbox,
    base_url: str | None = None,
    *,
    retry: RetryPolicy | None = None,
    governance: ConcurrencyBudget | None = None,
) -> NetSuiteClient:
    credential = sandbox.profile.credentials.tba[0]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    secrets = (
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    return NetSuiteClient(
        base_url or sandbox.base_url,
        auth,
        calllog=CallLog(),
        secrets=secrets,
        account_id=sandbox.account_id,
        retry=retry,
        governance=governance,
    )


def instant_retries(max_attempts: int = 5) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, sleep=lambda _: None, rng=random.Random(1))


def dropped_once(method: str, record_type: str) -> FaultInjector:
    """The sandbox commits the first matching request, then loses its answer."""
    return FaultInjector(
        targeted=[
            Fault(
                name="drop-first",
                match=FaultMatch(method=method, recordType=record_type),
                kind="disconnect",
                times=1,
            )
        ]
    )


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    try:
        yield box
    finally:
        box.close()


def count_external_id(client: NetSuiteClient, table: str, external_id: str) -> int:
    rows = client.suiteql_all(
        f"SELECT COUNT(*) AS n FROM {table} WHERE externalid = '{external_id}'"
    )
    return int(rows[0]["n"])


def test_every_record_method_against_the_sandbox(sandbox: Sandbox) -> None:
    client = client_of(sandbox)
    with sandbox.intercept():
        new_id = client.create(
            "customer", {"companyName": "Acme", "subsidiary": {"id": "1"}, "externalId": "CID-1"}
        )
        assert client.get("customer", new_id)["companyName"] == "Acme"

        client.update("customer", new_id, {"companyName": "Acme Two"})
        assert client.get("customer", "eid:CID-1")["companyName"] == "Acme Two"

        assert client.upsert("customer", "CID-1", {"companyName": "Acme Three"}) == new_id
        assert client.get("customer", new_id)["companyName"] == "Acme Three"

        listed = list(client.list("customer", limit=2))
        rows = client.suiteql_all("SELECT id FROM customer ORDER BY id")
        paged = list(client.suiteql("SELECT id FROM customer ORDER BY id", limit=2))
        assert new_id in listed
        assert sorted(listed, key=int) == [row["id"] for row in rows] == [r["id"] for r in paged]
        assert len(rows) > 2  # so that paging crossed at least one page boundary

        client.delete("customer", new_id)
        with pytest.raises(NetSuiteError) as caught:
            client.get("customer", new_id)
    assert caught.value.status == 404


def test_sandbox_error_bodies_parse_into_readable_errors(sandbox: Sandbox) -> None:
    client = client_of(sandbox)
    with sandbox.intercept(), pytest.raises(NetSuiteError) as caught:
        client.create("customer", {"companyName": "No Subsidiary"})

    error = caught.value
    assert error.status == 400 and error.code is not None
    assert str(error).startswith(f"400 {error.code}: ")
    assert str(error).endswith("[POST /record/v1/customer]")


def test_dropped_create_with_external_id_lands_exactly_once(tmp_path: Path) -> None:
    sandbox = Sandbox(faults=dropped_once("POST", "customer"))
    client = client_of(sandbox, retry=instant_retries())
    body = {"companyName": "Once Co", "subsidiary": {"id": "1"}, "externalId": "ONCE-1"}
    with sandbox.intercept():
        new_id = client.create("customer", body)
        assert count_external_id(client, "customer", "ONCE-1") == 1
        assert client.get("customer", "eid:ONCE-1")["id"] == new_id

    post, lookup = client.calllog.calls[:2]
    assert (post.method, post.status) == ("POST", 0)
    assert (lookup.method, lookup.path, lookup.status) == (
        "GET",
        "/services/rest/record/v1/customer/eid:ONCE-1",
        200,  # the lost POST had landed
    )
    assert len(client.calllog.filter(method="POST", path_contains="/record/")) == 1


def test_create_failed_with_a_5xx_is_completed_by_an_upsert() -> None:
    failing = FaultInjector(
        targeted=[
            Fault(
                name="fail-first",
                match=FaultMatch(method="POST", recordType="customer"),
                kind="error",
                status=500,
                times=1,
            )
        ]
    )
    sandbox = Sandbox(faults=failing)
    client = client_of(sandbox, retry=instant_retries())
    body = {"companyName": "Later Co", "subsidiary": {"id": "1"}, "externalId": "LATER-1"}
    with sandbox.intercept():
        new_id = client.create("customer", body)
        assert client.get("customer", "eid:LATER-1")["id"] == new_id
        assert count_external_id(client, "customer", "LATER-1") == 1

    assert [(c.method, c.status) for c in client.calllog.calls[:3]] == [
        ("POST", 500),
        ("GET", 404),
        ("PUT", 204),
    ]


def test_dropped_create_without_external_id_is_reported_not_repeated() -> None:
    sandbox = Sandbox(faults=dropped_once("POST", "customer"))
    client = client_of(sandbox, retry=instant_retries())
    with sandbox.intercept():
        with pytest.raises(MaybeCommittedError):
            client.create("customer", {"companyName": "Twice Co", "subsidiary": {"id": "1"}})
        rows = client.suiteql_all(
            "SELECT COUNT(*) AS n FROM customer WHERE companyname = 'Twice Co'"
        )

    # It did land: repeating the POST would have made a second customer.
    assert rows == [{"n": "1"}]


def test_concurrency_refusals_and_maintenance_pages_are_ridden_out() -> None:
    sandbox = Sandbox(faults=FaultPlan(error_share=0.3, burst_length=2, burst_share=0.2, seed=4))
    client = client_of(sandbox, retry=instant_retries(max_attempts=12))
    with sandbox.intercept():
        ids = [client.get("customer", 1001)["id"] for _ in range(10)]

    assert ids == ["1001"] * 10
    statuses = {call.status for call in client.calllog.calls}
    assert {200, 429, 503} <= statuses
    retried = [call for call in client.calllog.calls if call.attempt > 1]
    assert retried and all(call.retry_reason for call in retried)


def test_shared_budget_keeps_parallel_clients_under_the_sandbox_limit(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    server = sandbox.serve_http()
    try:
        probe = client_of(sandbox, server.url)
        budget = probe.share_concurrency(lock_dir=str(tmp_path))
        assert budget.limit == sandbox.profile.governance.concurrencyLimit
        clients = [
            client_of(sandbox, server.url, governance=budget, retry=RetryPolicy.never())
            for _ in range(12)
        ]
        errors: list[Exception] = []

        def work(client: NetSuiteClient) -> None:
            try:
                for _ in range(4):
                    client.suiteql_all("SELECT id, companyname FROM customer")
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()

    assert errors == []
    assert sum(len(c.calllog) for c in clients) == 48
