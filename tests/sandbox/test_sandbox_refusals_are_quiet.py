"""Every bad request to the field limits, header fields, transforms, metadata and paging gets a
4xx in NetSuite's error shape, and nothing is logged as an error (no traceback on stderr)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sandbox_helpers import Client, details, order_body
from wider_role import wide, wide_sandbox

__all__ = ["wide", "wide_sandbox"]  # fixtures

ORDER = "{order}"
BAD: list[tuple[str, str, Any, dict[str, str]]] = [
    ("POST", "record/v1/customer", {"companyName": "x" * 100_000}, {}),
    ("POST", "record/v1/salesOrder", order_body(memo=["not", "text"]), {}),
    ("POST", "record/v1/salesOrder", order_body(shipComplete={"id": 1}), {}),
    ("POST", "record/v1/salesOrder", order_body(promocode="SPRING"), {}),
    ("POST", "record/v1/salesOrder", order_body(salesRep={"externalId": "\u0000"}), {}),
    ("POST", f"record/v1/salesOrder/{ORDER}/!transform/itemFulfillment", [1, 2], {}),
    ("POST", f"record/v1/salesOrder/{ORDER}/!transform/itemFulfillment", {"item": 7}, {}),
    (
        "POST",
        f"record/v1/salesOrder/{ORDER}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": {"x": 1}}]}},
        {},
    ),
    (
        "POST",
        f"record/v1/salesOrder/{ORDER}/!transform/invoice",
        {"item": {"items": [{"orderLine": 1, "quantity": 1e308}]}},
        {},
    ),
    (
        "POST",
        f"record/v1/salesOrder/{ORDER}/!transform/invoice",
        {"item": {"items": [{"orderLine": 1, "quantity": "NaN"}]}},
        {},
    ),
    ("POST", f"record/v1/salesOrder/{ORDER}/!transform", {}, {}),
    ("POST", f"record/v1/salesOrder/{ORDER}/!transform/a/b", {}, {}),
    ("POST", "record/v1/salesOrder/99999999/!transform/invoice", {}, {}),
    ("POST", "record/v1/salesOrder/eid:nope/!transform/invoice", {}, {}),
    ("GET", "record/v1/metadata-catalog/%00", None, {"Accept": "application/schema+json"}),
    ("GET", "record/v1/metadata-catalog", None, {"Accept": "application/swagger+json"}),
    ("POST", "record/v1/metadata-catalog/customer", {}, {}),
    ("GET", "record/v1/customer?limit=3&offset=1", None, {}),
    ("GET", "record/v1/customer?limit=0&offset=0", None, {}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), BAD)
def test_a_bad_request_is_a_quiet_4xx(
    wide: Client,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
) -> None:
    order = wide.create("salesOrder", order_body(orderStatus="B"))
    path = path.replace(ORDER, order)
    if "swagger" in headers.get("Accept", ""):
        path += "?select=customer,nosuchtype"
    caplog.set_level(logging.WARNING)
    response = wide.request(method, path, json=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert details(response)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
