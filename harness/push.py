"""The contract between any connector and the harness: `push(order) -> PushResult`.

A leaf above `woo` and `netsuite`, so verification reads what a connector did without
depending on any connector's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from harness.netsuite.errors import NetSuiteError
from harness.woo.order import WooOrder

PushStatus = Literal["pushed", "skipped", "rejected", "failed", "not-landed"]
Stage = Literal[
    "customer", "items", "shipping", "tax", "discount", "fees", "sales-order", "routing"
]


@dataclass(frozen=True)
class StoreAfter:
    """The WooCommerce order as the store held it once a pull-style connector was done with
    it (what it wrote back: meta, notes, status), and the statuses the shop gave the order,
    first to last."""

    order: WooOrder
    notes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class PushResult:
    """What a connector did with one order.

    `pushed`: NetSuite accepted it (`sales_order_id`). `skipped`: a sync rule kept it back
    (`skipped_rule`). `rejected`: NetSuite refused it (`error`). `failed`: the connector could
    not build it (`problem`, e.g. a SKU with no NetSuite item). `not-landed`: an external
    connector was given the order but its Sales Order never appeared (`problem`, `said`).
    `stage` says where it stopped.
    """

    order: str
    status: PushStatus
    sales_order_id: str | None = None
    customer_id: str | None = None
    error: NetSuiteError | None = None
    skipped_rule: str | None = None
    problem: str | None = None
    stage: Stage | None = None
    said: str | None = None  # what an external connector answered (HTTP body, output)
    # The connector reads the harness's mapping file (the reference connector): hints may
    # name its keys. Any other connector gets hints in NetSuite's and WooCommerce's words.
    reads_mapping: bool = False
    # An order that went through a store (a pull-style connector): the store's side after it.
    store: StoreAfter | None = None


@runtime_checkable
class Connector(Protocol):
    """A connector the harness can drive: ours, or a driver for one we don't own."""

    name: str

    def push(self, order: WooOrder) -> PushResult:
        """Send one order to NetSuite (or decide not to) and say what happened."""
        ...
