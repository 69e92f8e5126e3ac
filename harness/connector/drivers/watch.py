"""Did the connector's Sales Order show up? Poll NetSuite with backoff until it does.

A connector we don't own answers its trigger (a webhook, a command) on its own schedule: it may
write before answering, after answering, or never. The only proof is NetSuite itself, so after
each delivery the order's Sales Order is looked up by SuiteQL (externalId or PO #, or a query
the user gives) until it appears or the timeout passes. The harness's polls go through a copy
of its client with a call log of their own: they are not evidence of what the connector did.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.connector.interpret import render, template_values
from harness.connector.refdata import sql_text
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.netsuite.retry import RetryPolicy
from harness.woo.order import WooOrder

DEFAULT_TIMEOUT = 10.0
# Placeholders a landing query may use; each is inserted as a quoted SuiteQL string.
QUERY_FIELDS = frozenset({"external_id", "other_ref_num", "number", "id"})


class LandingQueryError(ValueError):
    """A landing query template that cannot be used (unknown placeholder, no id column)."""


@dataclass(frozen=True)
class OrderRefs:
    """How NetSuite can find one WooCommerce order's Sales Order."""

    external_id: str
    other_ref_num: str
    number: str
    id: str

    @classmethod
    def of(cls, order: WooOrder, mapping: OrderMapping, prefix: str = "") -> OrderRefs:
        values = {**template_values(order), "prefix": prefix}
        return cls(
            external_id=render(mapping.order.external_id, values),
            other_ref_num=render(mapping.order.other_ref_num, values),
            number=order.number or str(order.id),
            id=str(order.id),
        )

    def describe(self) -> str:
        found_by = [f"externalId {self.external_id}"] if self.external_id else []
        found_by += [f"PO # {self.other_ref_num}"] if self.other_ref_num else []
        return " or ".join(found_by) or f"order #{self.number}"


@dataclass(frozen=True)
class LandingQuery:
    """A SuiteQL query whose first column is the Sales Order's internal id.

    Without a template: Sales Orders whose externalId or PO # (otherRefNum) is the order's,
    as the mapping renders them. A template names `{external_id}`, `{other_ref_num}`,
    `{number}` or `{id}`, e.g. `SELECT id FROM transaction WHERE custbody_woo_id = {id}`.
    """

    template: str | None = None

    def __post_init__(self) -> None:
        if self.template is None:
            return
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(self.template) if n is not None}
        except ValueError as exc:
            raise LandingQueryError(f"landing query is not a valid template ({exc})") from None
        unknown = sorted(names - QUERY_FIELDS)
        if unknown:
            raise LandingQueryError(
                f"landing query placeholder {{{unknown[0]}}} is unknown; expected some of "
                + ", ".join(f"{{{name}}}" for name in sorted(QUERY_FIELDS))
            )
        if not names:
            raise LandingQueryError(
                "landing query names no placeholder, so it cannot tell one order from another; "
                "use {external_id}, {other_ref_num}, {number} or {id}"
            )

    def render(self, refs: OrderRefs) -> str:
        if self.template is not None:
            values = {name: sql_text(getattr(refs, name)) for name in QUERY_FIELDS}
            return self.template.format(**values)
        # '' is NULL in SuiteQL (Oracle): an empty reference must not be compared at all.
        checks = [f"externalid = {sql_text(refs.external_id)}"] if refs.external_id else []
        if refs.other_ref_num:
            checks.append(f"otherrefnum = {sql_text(refs.other_ref_num)}")
        if not checks:
            raise LandingQueryError(
                f"order #{refs.number} has neither an externalId nor a PO # under the mapping; "
                "give a landing query that finds its Sales Order"
            )
        return (
            "SELECT id FROM transaction WHERE type = 'SalesOrd' AND ("
            + " OR ".join(checks)
            + ") ORDER BY id"
        )


@dataclass(frozen=True)
class Landing:
    """The outcome of watching for one order's Sales Order."""

    found: bool
    refs: OrderRefs
    sales_order_id: str | None = None
    polls: int = 0
    waited_s: float = 0.0
    last_error: str | None = None

    def describe(self) -> str:
        if self.found:
            return f"Sales Order {self.sales_order_id} found by {self.refs.describe()}"
        error = f"; the last lookup failed: {self.last_error}" if self.last_error else ""
        return (
            f"no Sales Order with {self.refs.describe()} after {self.waited_s:.1f} s "
            f"({self.polls} lookups){error}"
        )


def quiet_copy(client: NetSuiteClient) -> NetSuiteClient:
    """The same account, credentials and governance, with its own session and call log."""
    copy = NetSuiteClient(
        client.base_url,
        client.auth,
        calllog=CallLog(redactor=client.calllog.redactor),
        retry=RetryPolicy(max_attempts=2, base_backoff=0.05, total_budget=5.0),
        governance=client.governance,
        timeout=client.timeout,
        account_id=client.account_id,
    )
    return copy


class LandingWatch:
    """Polls for an order's Sales Order: first at once, then with growing pauses."""

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        *,
        query: LandingQuery | str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        first_interval: float = 0.05,
        max_interval: float = 1.0,
        factor: float = 1.6,
        prefix: str = "",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout < 0 or first_interval <= 0 or factor < 1:
            raise ValueError(
                f"landing watch needs timeout >= 0, first_interval > 0 and factor >= 1 (got "
                f"{timeout}, {first_interval}, {factor})"
            )
        self.client = quiet_copy(client)
        self.mapping = mapping
        self.query = query if isinstance(query, LandingQuery) else LandingQuery(query)
        self.timeout = timeout
        self.first_interval = first_interval
        self.max_interval = max_interval
        self.factor = factor
        self.prefix = prefix
        self.sleep = sleep
        self.clock = clock

    def refs(self, order: WooOrder) -> OrderRefs:
        return OrderRefs.of(order, self.mapping, self.prefix)

    def check(self, order: WooOrder) -> Landing:
        """One lookup, no waiting."""
        return self.wait(order, timeout=0.0)

    def wait(self, order: WooOrder, *, timeout: float | None = None) -> Landing:
        """Look until the Sales Order appears or `timeout` (default: the watch's) passes."""
        refs = self.refs(order)
        q = self.query.render(refs)
        limit = self.timeout if timeout is None else timeout
        started = self.clock()
        interval = self.first_interval
        polls = 0
        last_error: str | None = None
        while True:
            polls += 1
            try:
                rows = self.client.suiteql_all(q)
                last_error = None
            except NetSuiteError as error:
                rows, last_error = [], str(error)
            waited = self.clock() - started
            if rows:
                return Landing(True, refs, _first_id(rows[0]), polls, waited)
            remaining = limit - waited
            if remaining <= 0:
                return Landing(False, refs, None, polls, waited, last_error)
            self.sleep(min(interval, remaining))
            interval = min(interval * self.factor, self.max_interval)


def _first_id(row: Mapping[str, Any]) -> str | None:
    value = row.get("id", next(iter(row.values()), None))
    return None if value is None else str(value)
