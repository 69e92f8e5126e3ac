"""The harness's own clients reach the in-process sandbox through `SandboxAdapter`; every
other `requests` call to the account's host is answered through `responses`. Both ways give
the same exchanges and the same call log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.mapping import load_mapping
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.runner import run_scenario
from harness.sandbox.serve import Sandbox, SandboxAdapter
from harness.sandbox.store.db import fixed_clock
from harness.targets.sim import SimTarget, sandbox_client

AT = datetime(2024, 5, 1, 12, tzinfo=UTC)
# Differ from one run to the next whichever way the request went.
VOLATILE = ("time", "duration_ms")


class Direct:
    """A target whose clients take the adapter (`direct`) or `responses` (not)."""

    name = "sim"

    def __init__(self, sandbox: Sandbox, direct: bool) -> None:
        self.sandbox = sandbox
        self.direct = direct

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        way: Callable[[], bool] | None = (lambda: True) if self.direct else None
        return sandbox_client(self.sandbox, calllog, credential, direct=way)

    def isolate(self) -> None:
        self.sandbox.reset()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(clock=fixed_clock(AT))
    with box.intercept():
        yield box
    box.close()


def landed(sandbox: Sandbox, spec: ScenarioSpec, direct: bool) -> tuple[Any, list[Any]]:
    result = run_scenario(spec, 7, Direct(sandbox, direct), load_mapping())
    calls = [{k: v for k, v in call.items() if k not in VOLATILE} for call in result.calls]
    return result.verdict.to_json(), calls


# Every fourth: landed, rejected, refused and wrong ones among them.
SCENARIOS = list(load_catalogue().scenarios)[::4]


@pytest.mark.parametrize("spec", SCENARIOS, ids=lambda spec: spec.name)
def test_a_landing_makes_the_same_exchanges_and_call_log_either_way(
    sandbox: Sandbox, spec: ScenarioSpec
) -> None:
    through_responses = landed(sandbox, spec, direct=False)
    through_adapter = landed(sandbox, spec, direct=True)
    assert through_adapter == through_responses
    assert through_adapter[1], "the landing made requests"


def exchange(session: requests.Session, sandbox: Sandbox, path: str) -> requests.Response:
    return session.get(sandbox.base_url + path, timeout=5)


def test_the_response_is_the_one_responses_builds(sandbox: Sandbox) -> None:
    plain = requests.Session()
    direct = requests.Session()
    direct.mount(sandbox.base_url + "/", sandbox.adapter(lambda: True))
    for path in ("/services/rest/record/v1/customer/1", "/services/rest/nowhere", "/x?y=1"):
        theirs, ours = exchange(plain, sandbox, path), exchange(direct, sandbox, path)
        assert isinstance(direct.get_adapter(sandbox.base_url + path), SandboxAdapter)
        for attribute in ("status_code", "reason", "encoding", "url", "content", "text"):
            assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
        assert list(ours.headers.items()) == list(theirs.headers.items())
        assert list(ours.iter_content(7)) == list(theirs.iter_content(7))


def test_a_dropped_answer_is_a_connection_error_either_way() -> None:
    sandbox = Sandbox(faults="drop=1")
    direct = requests.Session()
    direct.mount(sandbox.base_url + "/", sandbox.adapter(lambda: True))
    try:
        with sandbox.intercept():
            for session in (requests.Session(), direct):
                with pytest.raises(requests.ConnectionError, match="without a response"):
                    exchange(session, sandbox, "/services/rest/record/v1/customer/1")
    finally:
        sandbox.close()


def test_an_inactive_adapter_leaves_the_request_to_the_ordinary_transport() -> None:
    """Outside the target's block, a client's request goes where any request would: here to
    a `responses` mock standing for the network."""
    target = SimTarget()
    client = target.client()
    url = client.record_url("subsidiary", 1)
    with responses.RequestsMock() as network:
        network.get(url, json={"id": "from the network"})
        assert client.get("subsidiary", 1) == {"id": "from the network"}
    with target:
        assert client.get("subsidiary", 1)["id"] == "1"


def test_a_connectors_own_requests_are_still_answered_in_process() -> None:
    with SimTarget() as target:
        own = requests.get(target.sandbox.base_url + "/services/rest/record/v1/customer/1")
        assert own.status_code == 401  # answered by the sandbox: unsigned
        assert own.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
