"""The reference connector's tests: each module has the demo account to itself, answering
every request in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.sandbox.serve import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.intercept():
        yield box
    box.close()
