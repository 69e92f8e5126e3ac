"""Builders for the landing tests: expectations, readbacks, call-log records, a fake client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from harness.landing.expected import (
    ExpectedAddress,
    ExpectedCustomer,
    ExpectedLanding,
    ExpectedLine,
    ExpectedProblem,
    ExpectedTaxCode,
)
from harness.landing.readback import ActualAddress, ActualLanding, ActualLine
from harness.landing.refdata import CustomerRef, NamedRef
from harness.netsuite.calllog import Call
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import BUSINESS_ERROR_PREFIX
from harness.push import PushResult

D = Decimal
ClientFactory = Callable[..., NetSuiteClient]
JANE = CustomerRef(
    id="1001", email="jane.doe@example.com", entity_id="Jane Doe", first_name="Jane",
    last_name="Doe", is_person=True, subsidiary="1", currency="1",
)
SO_PATH = "/services/rest/record/v1/salesOrder"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"


def expected_line(key: str, item_id: str, quantity: int, rate: str, **extra: Any) -> ExpectedLine:
    q, r = D(quantity), D(rate)
    return ExpectedLine(key, NamedRef(item_id, extra.pop("name", key)), q, r,
                        (q * r).quantize(D("0.01")), **extra)


def make_expected(**overrides: Any) -> ExpectedLanding:
    """Jane Doe (1001) buys 2 hoodies and a mug, UPS Ground 8.00, CA tax 7.98: total 125.98."""
    base = ExpectedLanding(
        order="5001",
        status="processing",
        should_sync=True,
        sync_statuses=("processing", "completed", "on-hold"),
        customer=ExpectedCustomer("existing", JANE.email, JANE, candidates=(JANE,),
                                  first_name="Jane", last_name="Doe"),
        subsidiary=NamedRef("1", "Acme Outfitters Inc."),
        currency=NamedRef("1", "USD"),
        precision=2,
        lines=(
            expected_line("HOODIE-BLK-M", "101", 2, "49.00", source="line_items[0]"),
            expected_line("MUG-WHT", "104", 1, "12.00", source="line_items[1]"),
        ),
        shipping_method=NamedRef("201", "UPS Ground"),
        shipping_cost=D("8.00"),
        discount_item=None,
        discount_total=D("0.00"),
        tax_total=D("7.98"),
        total=D("125.98"),
        billing_address=ExpectedAddress("500 Market St", "San Francisco", "CA", "94105", "US"),
        shipping_address=ExpectedAddress("500 Market St", "San Francisco", "CA", "94105", "US"),
        external_id="woo-5001",
        other_ref_num="5001",
        woo_shipping_methods=("flat_rate",),
        tax_codes=(ExpectedTaxCode("US-CA-STATE TAX-1", D("7.25"), NamedRef("301", "CA-STATE")),),
    )
    return replace(base, **overrides)


def make_actual(**overrides: Any) -> ActualLanding:
    """What NetSuite holds when `make_expected()` landed exactly right."""
    address = ActualAddress("500 Market St", "San Francisco", "CA", "94105", "US")
    base = ActualLanding(
        order_ids=("7001",),
        sales_order_id="7001",
        entity=NamedRef("1001", "Jane Doe"),
        customer=JANE,
        customers_with_email=(JANE,),
        subsidiary=NamedRef("1", "Acme Outfitters Inc."),
        currency=NamedRef("1", "USA"),
        lines=(
            ActualLine(NamedRef("101", "HOODIE-BLK-M"), D(2), D("49"), D("98"),
                       NamedRef("-1", "Custom"), "1"),
            ActualLine(NamedRef("104", "MUG-WHT"), D(1), D("12"), D("12"),
                       NamedRef("-1", "Custom"), "2"),
        ),
        ship_method=NamedRef("201", "UPS Ground"),
        shipping_cost=D("8"),
        discount_total=D("0"),
        tax_total=D("7.98"),
        tax_item=NamedRef("301", "CA-STATE"),
        total=D("125.98"),
        billing_address=address,
        shipping_address=address,
        external_id="woo-5001",
        other_ref_num="5001",
    )
    return replace(base, **overrides)


def problem(
    category: Any, field: str = "x", summary: str = "s", hint: str = "h"
) -> ExpectedProblem:
    return ExpectedProblem(category, field, summary, hint)


def call(
    method: str,
    path: str,
    status: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    error_path: str | None = None,
    body: Any = None,
    location: str | None = None,
    transport_error: str | None = None,
    attempt: int = 1,
) -> Call:
    """A call-log record as `CallLog.record_exchange` writes it."""
    headers = {"Location": f"https://1234567-sb1.suitetalk.api.netsuite.com{location}"} if (
        location
    ) else {}
    return Call(
        time="2026-01-01T00:00:00.000Z",
        method=method,
        host="1234567-sb1.suitetalk.api.netsuite.com",
        path=path,
        request_body=None if body is None else (body if isinstance(body, str) else
                                                json.dumps(body)),
        status=status,
        response_headers=headers,
        error_code=code,
        error_detail=detail,
        error_path=error_path,
        transport_error=transport_error,
        attempt=attempt,
    )


def business(message: str) -> str:
    """A USER_ERROR detail as NetSuite words it."""
    return BUSINESS_ERROR_PREFIX + message


def pushed(**fields: Any) -> PushResult:
    """A push of order 5001; by the reference connector (it reads the mapping) unless the
    fields say what another connector `said`."""
    defaults = {"order": "5001", "status": "pushed", "reads_mapping": "said" not in fields}
    return PushResult(**{**defaults, **fields})


class FakeClient:
    """Answers SuiteQL by table from in-memory rows (filtering `IN (...)` and `=` on one
    column, as the landing queries use them) and GETs from records; counts every request."""

    def __init__(
        self,
        tables: dict[str, list[dict[str, str]]] | None = None,
        records: dict[str, dict[str, Any]] | None = None,
        get_error: Callable[[str], Exception] | None = None,
    ) -> None:
        self.tables = tables or {}
        self.records = records or {}
        self.get_error = get_error
        self.queries: list[str] = []
        self.gets: list[str] = []

    def suiteql_all(self, q: str) -> list[dict[str, str]]:
        self.queries.append(q)
        table = re.search(r"\bFROM\s+(\w+)", q, re.IGNORECASE)
        rows = self.tables.get(table.group(1).lower() if table else "", [])
        where = q.split(" WHERE ", 1)[1] if " WHERE " in q else ""
        return [dict(row) for row in rows if _matches(row, where)]

    def get(
        self, record_type: str, record_id: str | int, *, expand: bool = False
    ) -> dict[str, Any]:
        self.gets.append(f"{record_type}/{record_id}?expand={expand}")
        if str(record_id) not in self.records:
            if self.get_error is not None:
                raise self.get_error(str(record_id))
            raise KeyError(record_id)
        return self.records[str(record_id)]


def _literals(text: str) -> list[str]:
    return [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", text)]


def _matches(row: dict[str, str], where: str) -> bool:
    """Enough of SuiteQL for the landing queries: `col IN (...)`, `LOWER(col) IN/=`, `OR`."""
    if not where:
        return True
    where = re.split(r"\s+ORDER BY\s+", where, flags=re.IGNORECASE)[0]
    where = re.sub(r"\s+AND\s+isinactive\s*=\s*'F'", "", where, flags=re.IGNORECASE)
    where = re.sub(r"type\s*=\s*'SalesOrd'\s+AND\s+", "", where, flags=re.IGNORECASE)
    where = where.strip().removeprefix("(").removesuffix(")")
    for clause in re.split(r"\s+OR\s+", where, flags=re.IGNORECASE):
        match = re.match(r"(LOWER\()?(\w+)\)?\s*(IN|=)\s*(.+)", clause.strip(), re.IGNORECASE)
        if match is None:
            continue
        lower, column, _, values = match.groups()
        value = row.get(column.lower()) or ""
        wanted = _literals(values) or [values.strip()]
        if (value.lower() if lower else value) in wanted:
            return True
    return False
