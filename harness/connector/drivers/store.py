"""Drive a connector through a staging WooCommerce store: create the order there, watch NetSuite.

The store, not the harness, triggers the connector (its webhook, its schedule), exactly as in
production. The store gives the order its own id and number, so the landing is checked for
the store's order (`landed_order`), and every order the run created is deleted for good at
teardown (`DELETE /orders/<id>?force=true`). Orders carry meta `_harness_run` = the run id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import requests

from harness.connector.drivers.common import (
    Answer,
    DriverFactory,
    ExternalConnector,
    ExternalConnectorError,
    Topic,
    capped,
)
from harness.connector.drivers.watch import LandingWatch
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.client import NetSuiteClient
from harness.woo.order import WooOrder, WooOrderError
from harness.woo.store import CreateOptions, WooStore, WooStoreError, create_payload


class StoreConnector(ExternalConnector):
    """Creates each order in a staging store; the store's own connector takes it from there."""

    kind = "store"

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        store: WooStore,
        watch: LandingWatch,
        *,
        options: CreateOptions | None = None,
        settle: float = 0.0,
    ) -> None:
        super().__init__(client, mapping, watch, settle=settle)
        self.store = store
        self.name = f"store:{store.url}"
        self.options = options or CreateOptions(run_id=uuid.uuid4().hex[:12])
        self.created: dict[int, WooOrder] = {}  # scenario order id -> the store's order
        self.cleanup_errors: list[str] = []

    def landed_order(self, order: WooOrder) -> WooOrder:
        return self.created.get(order.id, order)

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        existing = self.created.get(order.id)
        try:
            if topic == "order.created" or existing is None:
                raw = self.store.create_order(create_payload(order, self.options))
                verb, status = "created", 201
            else:
                changes = {"status": order.status, "customer_note": order.customer_note}
                raw = self.store.update_order(existing.id, changes)
                verb, status = "updated", 200
        except WooStoreError as error:
            return Answer(
                "store",
                topic,
                False,
                f"was not reached: the store refused: {error}",
                status=error.status or None,
            )
        try:
            stored = WooOrder.parse(raw)
        except WooOrderError as error:
            problem = capped(str(error), 300)
            return Answer(
                "store",
                topic,
                False,
                f"was not reached: the store answered an unreadable order: {problem}",
            )
        self.created[order.id] = stored
        number = stored.number or str(stored.id)
        return Answer(
            "store",
            topic,
            True,
            f"was left to pick up store order #{number} ({verb} by the store, HTTP {status}; "
            f"run {self.options.run_id})",
            status=status,
            detail={"store_order_id": stored.id, "run_id": self.options.run_id},
        )

    def close(self) -> None:
        """Delete every order this connector created (for good: `force=true`)."""
        for stored in list(self.created.values()):
            try:
                self.store.delete_order(stored.id, force=True)
            except WooStoreError as error:
                if error.status != 404:  # already gone is what we wanted
                    self.cleanup_errors.append(str(error))
        self.created.clear()
        if self.cleanup_errors:
            raise ExternalConnectorError(
                "store orders were not deleted: " + "; ".join(self.cleanup_errors)
            )


def store_factory(
    url: str,
    options: dict[str, Any],
    watch: Callable[[NetSuiteClient, OrderMapping], LandingWatch],
    bind: Callable[[NetSuiteClient], None],
    settle: float,
) -> DriverFactory:
    key, secret = options.get("consumer_key"), options.get("consumer_secret")
    if not key or not secret:
        raise ExternalConnectorError(
            "a store connector needs the store's REST API keys (consumer_key and "
            "consumer_secret, ck_... and cs_...)"
        )
    session: requests.Session | None = options.get("session")
    store = WooStore(
        url,
        str(key),
        str(secret),
        session=session,
        timeout=float(options.get("store_timeout", 30.0)),
        verify=options.get("verify", True),
    )
    create = CreateOptions(
        run_id=str(options.get("run_id") or uuid.uuid4().hex[:12]),
        set_paid=options.get("set_paid"),
        line_items_by=options.get("line_items_by", "sku"),
    )

    def build(client: NetSuiteClient, mapping: OrderMapping) -> ExternalConnector:
        bind(client)
        calllog = client.calllog
        calllog.register_secret(str(secret))

        def record(
            request: requests.PreparedRequest,
            outcome: requests.Response | BaseException,
            seconds: float,
        ) -> None:
            calllog.note_exchange(request, outcome, seconds)

        store.on_exchange = record  # this scenario's log gets this scenario's store calls
        return StoreConnector(
            client, mapping, store, watch(client, mapping), options=create, settle=settle
        )

    return DriverFactory(f"store:{url}", build)
