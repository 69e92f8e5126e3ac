"""The comparison of `harness reconcile`: the orders a store really has against the Sales Orders
NetSuite holds.

The classic failure is silent: orders stop landing and nothing says so. Reconciliation asks
both systems: WooCommerce's REST API (or an export of its orders) for the orders of a period,
and NetSuite, in one SuiteQL query per batch, for the Sales Orders carrying their externalId or
PO #. Orders missing, duplicated or landed with another total are listed, and orders per day in
both systems show when a sync stalled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from harness.commands.reconcile.storeorders import (
    check_orders,
    money_amount,
    store_id,
)
from harness.connector.interpret import render, syncs
from harness.connector.refdata import sql_text
from harness.mapping import BILLING_PARTS, PLAIN_FIELDS
from harness.mapping import Mapping as ConnectorMapping

# Keeps each SuiteQL statement well below NetSuite's statement size limits.
BATCH = 400
CENT = Decimal("0.01")


class QueryClient(Protocol):
    def suiteql_all(self, q: str) -> list[dict[str, str]]: ...


@dataclass(frozen=True)
class StoreOrder:
    """What reconciliation needs of one WooCommerce order."""

    id: int
    number: str
    status: str
    total: Decimal
    currency: str
    created: date | None
    external_id: str
    other_ref_num: str


@dataclass(frozen=True)
class NetSuiteOrder:
    id: str
    tranid: str
    external_id: str
    other_ref_num: str
    total: Decimal | None


@dataclass(frozen=True)
class Different:
    order: StoreOrder
    netsuite: NetSuiteOrder

    @property
    def difference(self) -> Decimal:
        return (self.netsuite.total or Decimal(0)) - self.order.total


@dataclass(frozen=True)
class DayCount:
    day: date
    store: int
    netsuite: int


@dataclass
class Reconciliation:
    """The outcome: per-order findings and per-day counts (store dates)."""

    since: date
    until: date | None
    orders: int = 0
    not_synced: int = 0  # in statuses the mapping does not push
    matched: int = 0
    missing: list[StoreOrder] = field(default_factory=list)
    duplicated: list[tuple[StoreOrder, list[NetSuiteOrder]]] = field(default_factory=list)
    different: list[Different] = field(default_factory=list)
    days: list[DayCount] = field(default_factory=list)

    @property
    def stalled_since(self) -> date | None:
        """The first day of the trailing run of days where the store had orders and NetSuite
        none of them: the moment a sync stopped silently."""
        start: date | None = None
        for day in self.days:
            if day.store and not day.netsuite:
                start = start or day.day
            elif day.store:
                start = None
        return start

    @property
    def ok(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        def order(o: StoreOrder) -> dict[str, Any]:
            return {
                "number": o.number,
                "id": o.id,
                "status": o.status,
                "total": format(o.total, "f"),
                "externalId": o.external_id,
                "created": o.created.isoformat() if o.created else None,
            }

        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "orders": self.orders,
            "not_synced": self.not_synced,
            "matched": self.matched,
            "missing": [order(o) for o in self.missing],
            "duplicated": [
                {**order(o), "sales_orders": [n.id for n in found]} for o, found in self.duplicated
            ],
            "different": [
                {
                    **order(d.order),
                    "sales_order": d.netsuite.id,
                    "netsuite_total": format(d.netsuite.total, "f")
                    if d.netsuite.total is not None
                    else None,
                }
                for d in self.different
            ],
            "days": [
                {"day": d.day.isoformat(), "store": d.store, "netsuite": d.netsuite}
                for d in self.days
            ],
            "stalled_since": self.stalled_since.isoformat() if self.stalled_since else None,
        }


def _created(raw: Mapping[str, Any]) -> date | None:
    text = raw.get("date_created") or raw.get("date_created_gmt")
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _template_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    billing = raw.get("billing") if isinstance(raw.get("billing"), dict) else {}
    assert isinstance(billing, dict)
    values: dict[str, Any] = {name: raw.get(name, "") for name in PLAIN_FIELDS}
    values["number"] = raw.get("number") or str(raw.get("id", ""))
    for part in BILLING_PARTS:
        values[f"billing_{part}"] = billing.get(part, "")
    return values


def store_order(raw: Mapping[str, Any], mapping: ConnectorMapping) -> StoreOrder:
    """One order as the REST API or an export gives it; references from the mapping."""
    values = _template_values(raw)
    return StoreOrder(
        id=store_id(raw.get("id")) or 0,
        number=str(values["number"]),
        status=str(raw.get("status", "")),
        total=money_amount(raw.get("total")) or Decimal(0),
        currency=str(raw.get("currency", "")),
        created=_created(raw),
        external_id=render(mapping.order.external_id, values),
        other_ref_num=render(mapping.order.other_ref_num, values),
    )


def in_period(order: StoreOrder, since: date, until: date | None) -> bool:
    if order.created is None:
        return True
    return order.created >= since and (until is None or order.created <= until)


# -- the NetSuite side -------------------------------------------------------------------------


def _batches(values: Sequence[StoreOrder], size: int) -> Iterable[Sequence[StoreOrder]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def find_sales_orders(client: QueryClient, orders: Sequence[StoreOrder]) -> list[NetSuiteOrder]:
    """The Sales Orders carrying any of the orders' externalIds or PO #s (one query a batch)."""
    found: dict[str, NetSuiteOrder] = {}
    for batch in _batches(list(orders), BATCH):
        eids = sorted({o.external_id for o in batch if o.external_id})
        refs = sorted({o.other_ref_num for o in batch if o.other_ref_num})
        conditions = []
        if eids:
            conditions.append(f"externalid IN ({', '.join(sql_text(e) for e in eids)})")
        if refs:
            conditions.append(f"otherrefnum IN ({', '.join(sql_text(r) for r in refs)})")
        if not conditions:
            continue
        rows = client.suiteql_all(
            "SELECT id, tranid, externalid, otherrefnum, foreigntotal FROM transaction "
            f"WHERE type = 'SalesOrd' AND ({' OR '.join(conditions)}) ORDER BY id"
        )
        for row in rows:
            total = row.get("foreigntotal")
            found[str(row["id"])] = NetSuiteOrder(
                id=str(row["id"]),
                tranid=str(row.get("tranid") or ""),
                external_id=str(row.get("externalid") or ""),
                other_ref_num=str(row.get("otherrefnum") or ""),
                total=money_amount(total) if total not in (None, "") else None,
            )
    return list(found.values())


# -- the comparison ----------------------------------------------------------------------------


def reconcile(
    raw_orders: Iterable[Mapping[str, Any]],
    client: QueryClient,
    mapping: ConnectorMapping,
    *,
    since: date,
    until: date | None = None,
) -> Reconciliation:
    """Compare the store's orders of the period with what NetSuite holds (`ReconcileError`
    for orders that cannot be reconciled)."""
    raw_orders = list(raw_orders)
    check_orders(raw_orders, "the store's orders")
    everything = [store_order(raw, mapping) for raw in raw_orders]
    period = [o for o in everything if in_period(o, since, until)]
    synced = [o for o in period if syncs(mapping, o.status)]
    result = Reconciliation(since, until, orders=len(period), not_synced=len(period) - len(synced))
    sales_orders = find_sales_orders(client, synced) if synced else []
    by_eid: dict[str, list[NetSuiteOrder]] = {}
    by_ref: dict[str, list[NetSuiteOrder]] = {}
    for so in sales_orders:
        by_eid.setdefault(so.external_id, []).append(so)
        by_ref.setdefault(so.other_ref_num, []).append(so)
    landed_days: dict[date, int] = {}
    store_days: dict[date, int] = {}
    for order in synced:
        # Either reference number claims a Sales Order for the order: a connector without
        # externalId discipline leaves duplicates that share only the PO #.
        mine = {so.id: so for so in by_eid.get(order.external_id, []) if order.external_id}
        if order.other_ref_num:
            mine |= {so.id: so for so in by_ref.get(order.other_ref_num, [])}
        if order.created is not None:
            store_days[order.created] = store_days.get(order.created, 0) + 1
        if not mine:
            result.missing.append(order)
            continue
        result.matched += 1
        if order.created is not None:
            landed_days[order.created] = landed_days.get(order.created, 0) + 1
        found = sorted(mine.values(), key=lambda so: int(so.id) if so.id.isdecimal() else 0)
        if len(found) > 1:
            result.duplicated.append((order, found))
        first = found[0]
        # Both sides are rounded at the currency's precision; a cent apart is a real difference.
        if first.total is None or abs(first.total - order.total) >= CENT:
            result.different.append(Different(order, first))
    result.days = [
        DayCount(day, store_days[day], landed_days.get(day, 0)) for day in sorted(store_days)
    ]
    return result


# -- the NetSuite side, as the command names it ---------------------------------------------------


@contextmanager
def query_client(target: str) -> Iterator[QueryClient]:
    """A NetSuite client for reading: `live` from NETSUITE_* (an `AuthConfigError` says what
    is missing), `sim` a fresh embedded sandbox."""
    if target == "live":
        from harness.netsuite.client import NetSuiteClient

        yield NetSuiteClient.from_env()
        return
    from harness.targets.sim import SimTarget

    with SimTarget() as embedded:
        yield embedded.client()
