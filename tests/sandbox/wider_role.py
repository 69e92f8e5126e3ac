"""A sandbox whose integration role (1010) also holds the permissions the demo role lacks:
the lists behind a sales rep, a lead source, a promotion.

Test modules import the fixtures `wide_sandbox` (one per module) and `wide` (a client, the
sandbox reset first)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sandbox_helpers import Client, tba

from harness.sandbox.account import AccountProfile, Permission, demo_profile
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.db import fixed_clock

EXTRA_GRANTS = (
    ("lists", "Employees"),
    ("lists", "Marketing Campaigns"),
    ("lists", "Promotion"),
)


def wider_profile() -> AccountProfile:
    """The demo profile, role 1010 granted `EXTRA_GRANTS` at Full."""
    profile = demo_profile()
    extra = [
        Permission.model_validate({"category": category, "name": name, "level": "full"})
        for category, name in EXTRA_GRANTS
    ]
    roles = [
        role.model_copy(update={"permissions": [*role.permissions, *extra]})
        if role.id == 1010
        else role
        for role in profile.roles
    ]
    return profile.model_copy(update={"roles": roles})


@pytest.fixture(scope="module")
def wide_sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(wider_profile(), clock=fixed_clock(datetime(2024, 3, 15, 18, 30, tzinfo=UTC)))
    yield sandbox
    sandbox.close()


@pytest.fixture
def wide(wide_sandbox: Sandbox) -> Iterator[Client]:
    """A client signed as the widened role 1010, on a freshly reset sandbox."""
    wide_sandbox.reset()
    with wide_sandbox.intercept():
        yield Client(wide_sandbox.base_url, tba(wide_sandbox))
