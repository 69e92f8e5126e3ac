"""Fixtures for the reliability suite: one embedded sandbox per module, in-process and served
over HTTP (examples of one Hypothesis test share them; nothing they do needs a reset)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.sandbox.serve import HttpServer, Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    made = Sandbox()
    yield made
    made.close()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, HttpServer]]:
    made = Sandbox()
    server = made.serve_http()
    yield made, server
    server.stop()
    made.close()
