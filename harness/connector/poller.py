"""The reference connector in pull mode: a scheduled flow reading a WooCommerce store's REST API.

Each `poll()` does what a careful scheduled flow does: list the orders modified after the
newest `date_modified_gmt` it has seen (`GET /wp-json/wc/v3/orders?modified_after=...
&dates_are_gmt=true&orderby=modified&order=asc`), every page (`X-WP-TotalPages`); push each
through the reference connector (an upsert by externalId, so an order pulled twice updates
its Sales Order, never makes a second); then write back what the mapping's `write_back` says
(meta, a note when the order is first exported, a status). An order cancelled after it landed
gets its Sales Order's lines closed when the mapping says `sync.cancelled: close`. The store
is reached through the `requests` session it is given: any transport, any authentication.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from harness.connector.interpret import (
    closes_cancelled,
    needs_tran_id,
    render,
    syncs,
    template_values,
    write_back_for,
)
from harness.connector.refdata import sql_text
from harness.connector.reference import ReferenceConnector
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult
from harness.woo.order import WooOrder, WooOrderError

log = logging.getLogger("harness.connector.poller")
API = "/wp-json/wc/v3"
TIMEOUT = 30.0


@dataclass
class Poll:
    """One poll: the orders the store listed, what became of each, and what went wrong."""

    listed: list[int] = field(default_factory=list)
    pages: int = 0
    results: dict[int, PushResult] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        pushed = sum(r.status == "pushed" for r in self.results.values())
        text = f"polled {self.pages} page(s): {len(self.listed)} order(s) listed, {pushed} pushed"
        return text + (f"; {'; '.join(self.problems)}" if self.problems else "")


class ReferencePoller:
    """Polls one store and pushes what it finds through `connector`."""

    def __init__(
        self,
        connector: ReferenceConnector,
        session: requests.Session,
        store_url: str,
        *,
        per_page: int = 100,
    ) -> None:
        self.connector = connector
        self.session = session
        self.api = store_url.rstrip("/") + API
        self.per_page = per_page
        self.mark: str | None = None  # the newest date_modified_gmt pulled (store time)

    @property
    def mapping(self) -> Any:
        return self.connector.mapping

    def poll(self) -> Poll:
        report = Poll()
        for raw in self._orders(report):
            try:
                order = WooOrder.parse(raw)
            except WooOrderError as error:
                report.problems.append(f"order {raw.get('id')} is unreadable: {error}")
                continue
            self._advance(_wire_date(order.date_modified_gmt))
            report.results[order.id] = self._take(order, report)
        return report

    # -- reading the store ------------------------------------------------------------------

    def _orders(self, report: Poll) -> list[dict[str, Any]]:
        """Every page of the orders modified since the mark (read in full before any write
        back moves an order between pages)."""
        params = {"per_page": str(self.per_page), "orderby": "modified", "order": "asc",
                  "dates_are_gmt": "true"}
        if self.mark:
            params["modified_after"] = self.mark
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self._call("GET", "/orders", params={**params, "page": str(page)})
            if answer is None or answer.status_code != 200:
                report.problems.append(f"page {page} of the orders: {_said(answer)}")
                return found
            batch = answer.json()
            report.pages += 1
            found += [raw for raw in batch if isinstance(raw, dict)]
            report.listed += [int(raw["id"]) for raw in batch if isinstance(raw, dict)]
            if page >= int(answer.headers.get("X-WP-TotalPages") or 1):
                return found
            page += 1

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        try:
            return self.session.request(method, self.api + path, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            log.warning("%s %s: %s", method, path, error)
            return None

    def _advance(self, moment: Any) -> None:
        if isinstance(moment, str) and moment and (self.mark is None or moment > self.mark):
            self.mark = moment

    # -- one order ----------------------------------------------------------------------------

    def _take(self, order: WooOrder, report: Poll) -> PushResult:
        if order.status == "cancelled" and closes_cancelled(self.mapping):
            closed = self._close(order, report)
            if closed is not None:
                return closed
        result = self.connector.push(order)
        if result.status == "pushed" and result.sales_order_id:
            self._write_back(order, result.sales_order_id, report)
        return result

    def _sales_order_of(self, order: WooOrder) -> str | None:
        external_id = render(self.mapping.order.external_id, template_values(order))
        rows = self.connector.client.suiteql_all(
            "SELECT id FROM transaction WHERE type = 'SalesOrd' "
            f"AND externalid = {sql_text(external_id)}"
        )
        return str(rows[0]["id"]) if rows else None

    def _close(self, order: WooOrder, report: Poll) -> PushResult | None:
        """Close every open line of the cancelled order's Sales Order (None: it has none)."""
        number = order.number or str(order.id)
        try:
            so_id = self._sales_order_of(order)
            if so_id is None:
                return None
            record = self.connector.client.get("salesOrder", so_id, expand=True)
            lines = (record.get("item") or {}).get("items") or []
            closing = [{"line": line["line"], "isClosed": True}
                       for line in lines if "line" in line and not line.get("isClosed")]
            if closing:
                self.connector.client.update("salesOrder", so_id, {"item": {"items": closing}})
        except NetSuiteError as error:
            report.problems.append(f"closing the Sales Order of order {order.id}: {error}")
            return PushResult(number, "rejected", error=error, stage="sales-order",
                              reads_mapping=True)
        return PushResult(number, "pushed", sales_order_id=so_id, reads_mapping=True)

    def _tran_id(self, so_id: str) -> str:
        where = so_id if so_id.isdigit() else sql_text(so_id)
        query = f"SELECT tranid FROM transaction WHERE id = {where}"
        rows = self.connector.client.suiteql_all(query)
        return str(rows[0].get("tranid") or "") if rows else ""

    def _write_back(self, order: WooOrder, so_id: str, report: Poll) -> None:
        """Meta and status in one update, the note only when the order is first exported
        (none of the meta written back yet); what did not change is not written again."""
        if not syncs(self.mapping, order.status) or not self.mapping.write_back.declared:
            return
        try:
            tran_id = self._tran_id(so_id) if needs_tran_id(self.mapping) else ""
        except NetSuiteError as error:
            report.problems.append(f"reading Sales Order {so_id}'s number: {error}")
            return
        meta, note, status = write_back_for(self.mapping, order, so_id, tran_id)
        first = not meta or all(order.meta(key) in (None, "") for key in meta)
        body: dict[str, Any] = {}
        changed = [{"key": k, "value": v} for k, v in meta.items() if str(order.meta(k)) != v]
        if changed:
            body["meta_data"] = changed
        if status is not None and order.status != status:
            body["status"] = status
        if body:
            answer = self._call("PUT", f"/orders/{order.id}", json=body)
            if answer is None or answer.status_code != 200:
                report.problems.append(f"writing back to order {order.id}: {_said(answer)}")
                return
            # Past our own write-back: the next poll does not pull the order for it again.
            self._advance(answer.json().get("date_modified_gmt"))
        if note is not None and first:
            answer = self._call("POST", f"/orders/{order.id}/notes", json={"note": note})
            if answer is None or answer.status_code != 201:
                report.problems.append(f"adding the note to order {order.id}: {_said(answer)}")


def _wire_date(moment: datetime | None) -> str | None:
    """A date as the order's `to_wire()` writes it, without writing the whole order."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def _said(answer: requests.Response | None) -> str:
    if answer is None:
        return "the store could not be reached"
    return f"the store answered HTTP {answer.status_code}: {answer.text[:200]}"
