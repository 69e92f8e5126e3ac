"""Fixtures for the external-connector tests: the sim target, served over HTTP and observed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.catalogue.spec import Catalogue, load_catalogue
from harness.connector.external import ObservedServer, netsuite_environment, serve_for_connectors
from harness.mapping import Mapping, load_mapping
from harness.targets.sim import SimTarget


@pytest.fixture(scope="module")
def module_target() -> Iterator[SimTarget]:
    """The embedded sandbox, intercepting `requests` to its host for this module's tests."""
    with SimTarget() as sim:
        yield sim


@pytest.fixture
def target(module_target: SimTarget) -> SimTarget:
    """The module's sandbox back in the demo account's initial state."""
    module_target.isolate()
    return module_target


@pytest.fixture(scope="module")
def served(module_target: SimTarget) -> Iterator[ObservedServer]:
    """The same sandbox over HTTP on a free loopback port, for connectors in other processes."""
    with serve_for_connectors(module_target) as server:
        yield server


@pytest.fixture(scope="module")
def netsuite_env(module_target: SimTarget, served: ObservedServer) -> dict[str, str]:
    """`NETSUITE_*` for a connector process: the default integration token, the HTTP URL."""
    return netsuite_environment(module_target.client(), served.url)


@pytest.fixture(scope="session")
def mapping() -> Mapping:
    return load_mapping()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
