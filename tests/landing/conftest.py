"""Fixtures for the landing tests: the demo account in-process, its mapping and catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from landing_helpers import ClientFactory

from harness.catalogue.spec import Catalogue, ScenarioSpec, load_catalogue
from harness.mapping import Mapping, load_mapping
from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.retry import RetryPolicy
from harness.sandbox.serve import Sandbox


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    yield box
    box.close()


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The demo account in its initial state, answering every request in-process."""
    shared_sandbox.reset()
    with shared_sandbox.intercept():
        yield shared_sandbox


@pytest.fixture
def make_client(sandbox: Sandbox) -> ClientFactory:
    """`make_client(credential=None, calllog=None)`: a client of the sandbox (no retries)."""
    credentials = {c.name: c for c in sandbox.profile.credentials.tba}

    def build(credential: str | None = None, calllog: CallLog | None = None) -> NetSuiteClient:
        c = credentials[credential or sandbox.profile.credentials.tba[0].name]
        auth = tba_auth(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId,
                        c.tokenSecret)
        return NetSuiteClient(sandbox.base_url, auth, calllog=calllog, retry=RetryPolicy.never())

    return build


@pytest.fixture(scope="session")
def mapping() -> Mapping:
    return load_mapping()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def spec(catalogue: Catalogue) -> Callable[[str], ScenarioSpec]:
    """A catalogue scenario by name."""
    return catalogue.get
