"""Helpers for the business-rule tests: profile variants, sandboxes on them, order round trips."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sandbox_helpers import Client, tba

from harness.sandbox.account import AccountProfile, demo_profile
from harness.sandbox.serve import Sandbox

Mutation = Callable[[dict[str, Any]], None]


def variant(mutate: Mutation) -> AccountProfile:
    """The demo profile with `mutate` applied to its plain data, validated again."""
    data = demo_profile().model_dump(mode="python")
    mutate(data)
    return AccountProfile.model_validate(data)


def entry(entries: list[dict[str, Any]], entry_id: int) -> dict[str, Any]:
    """The entry of a profile section with this id (to change it in a mutation)."""
    return next(e for e in entries if e["id"] == entry_id)


@contextmanager
def running(profile: AccountProfile, credential: int = 0, **kwargs: Any) -> Iterator[Client]:
    """A fresh sandbox on `profile`, intercepted, and a client signed with one credential."""
    sandbox = Sandbox(profile, **kwargs)
    try:
        with sandbox.intercept():
            yield Client(sandbox.base_url, tba(sandbox, credential))
    finally:
        sandbox.close()


def saved(ns: Client, record_type: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create a record that must be accepted and read it back expanded."""
    new_id = ns.create(record_type, body)
    response = ns.get(f"record/v1/{record_type}/{new_id}", expandSubResources="true")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def lines(body: list[tuple[str, float, float | None]], **extra: Any) -> dict[str, Any]:
    """`item` sublist of (item id, quantity, rate or None for the price list)."""
    items = []
    for item, quantity, rate in body:
        line: dict[str, Any] = {"item": {"id": item}, "quantity": quantity}
        if rate is not None:
            line["rate"] = rate
            line["price"] = {"id": "-1"}
        line.update(extra)
        items.append(line)
    return {"items": items}


def count_rows(sandbox: Sandbox) -> dict[str, int]:
    """Rows per table of the store (to prove a rejected request left nothing behind)."""
    conn = sandbox.store.conn
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    counts = {}
    for table in tables:
        counts[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return counts
