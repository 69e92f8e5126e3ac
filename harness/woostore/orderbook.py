"""The store's orders and their notes: placed as a checkout does, edited as the REST API does.

Orders are kept as the JSON WooCommerce serves (money strings at the order's decimals) and
read back through `WooOrder`, so whatever the store holds is a well-formed REST v3 order. Every
edit moves `date_modified` (on the store's clock) when it changed something, and every status
change leaves WooCommerce's note (`Order status changed from Pending payment to Processing.`).
Callers hold `lock` around a read-modify-write; events (`order.created`, ...) are returned for
the webhooks, which are sent after the lock is let go.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.woo.order import WooOrder, WooOrderError, deep_copied
from harness.woo.totals import format_money
from harness.woostore.catalogue import StoreData
from harness.woostore.clock import Clock
from harness.woostore.errors import WooError, invalid_id
from harness.woostore.orderwrite import (
    ITEM_KEYS,
    PAID_STATUSES,
    STATUS_NAMES,
    Ids,
    OrderWriter,
)
from harness.woostore.recalc import Recalculation

WC_VERSION = "9.4.3"
EDITABLE = ("pending", "on-hold", "auto-draft", "checkout-draft")
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "$", "EUR": "€", "GBP": "£", "AUD": "$", "JPY": "¥"}
_DATE_FIELDS = ("date_created", "date_modified", "date_paid", "date_completed")
_TOP_MONEY = ("discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax",
              "total", "total_tax")
_ITEM_MONEY = ("subtotal", "subtotal_tax", "total", "total_tax", "tax_total",
               "shipping_tax_total", "discount", "discount_tax")
Event = tuple[str, int]  # (topic, order id)


@dataclass(frozen=True)
class OrderNote:
    """`GET /orders/<id>/notes/<note_id>`: system notes are by `system`."""

    id: int
    order_id: int
    note: str
    created_gmt: datetime
    customer_note: bool = False
    author: str = "system"

    def to_wire(self, utc_offset: timedelta) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "date_created": _date(self.created_gmt + utc_offset),
            "date_created_gmt": _date(self.created_gmt),
            "note": self.note,
            "customer_note": self.customer_note,
        }


@dataclass
class StoredOrder:
    wire: dict[str, Any]
    dp: int
    notes: list[OrderNote] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.wire["id"])

    @property
    def status(self) -> str:
        return str(self.wire["status"])


class OrderBook:
    """All orders of one store (thread-safe under `lock`)."""

    def __init__(
        self,
        data: StoreData,
        clock: Clock,
        *,
        utc_offset: timedelta = timedelta(0),
        first_order_id: int = 1001,
    ) -> None:
        self.data = data
        self.clock = clock
        self.utc_offset = utc_offset
        self.lock = threading.RLock()
        self.orders: dict[int, StoredOrder] = {}
        self.first_order_id = first_order_id
        self.ids = Ids(first_order_id * 10)  # item and meta ids: their own sequence
        self._next_order = first_order_id
        self._next_note = 1
        self.writer = OrderWriter(data, self.ids)

    def clear(self) -> None:
        """No orders, and every id sequence from the start again."""
        with self.lock:
            self.orders.clear()
            self.ids.next = self.first_order_id * 10
            self._next_order = self.first_order_id
            self._next_note = 1

    # -- reading ----------------------------------------------------------------------------

    def get(self, order_id: int, *, status: int = 404, message: str = "Invalid ID.") -> StoredOrder:
        found = self.orders.get(order_id)
        if found is None:
            raise invalid_id("shop_order", status=status, message=message)
        return found

    def woo_order(self, order_id: int) -> WooOrder:
        stored = self.get(order_id)
        return WooOrder.parse(self.render(stored, self.data.url), dp=stored.dp)

    def render(self, stored: StoredOrder, home: str, dp: int | None = None) -> dict[str, Any]:
        """The order as `GET /orders/<id>` answers it, with links under `home`."""
        wire: dict[str, Any] = deep_copied(stored.wire)
        if dp is not None and dp != stored.dp:
            _reformat(wire, dp)
        status, total = wire["status"], Decimal(wire["total"])
        key = wire.get("order_key", "")
        wire.update(
            payment_url=f"{home}/checkout/order-pay/{stored.id}/?pay_for_order=true&key={key}",
            is_editable=status in EDITABLE,
            needs_payment=status in ("pending", "failed") and total > 0,
            needs_processing=True,
            currency_symbol=CURRENCY_SYMBOLS.get(wire["currency"], wire["currency"]),
        )
        api = f"{home}/wp-json/wc/v3"
        links: dict[str, Any] = {
            "self": [{"href": f"{api}/orders/{stored.id}"}],
            "collection": [{"href": f"{api}/orders"}],
        }
        if wire.get("customer_id"):
            links["customer"] = [{"href": f"{api}/customers/{wire['customer_id']}"}]
        if wire.get("parent_id"):
            links["up"] = [{"href": f"{api}/orders/{wire['parent_id']}"}]
        wire["_links"] = links
        return wire

    # -- writing ----------------------------------------------------------------------------

    def now(self) -> tuple[str, str]:
        """(site time, GMT) of this moment, as the REST API writes dates."""
        gmt = self.clock().replace(tzinfo=None)
        return _date(gmt + self.utc_offset), _date(gmt)

    def place(self, order: WooOrder, *, keep_id: bool = False) -> tuple[StoredOrder, list[Event]]:
        """A checkout: the order gets the store's next id and a new key (or keeps its own id,
        number and key, `keep_id`: the harness placing a scenario's order, the same every
        run), item and meta ids of the store, and today's dates; it is paid now when it says
        it was paid."""
        wire = order.to_wire()
        wire.pop("_links", None)
        order_id = self._claim_order_id(order.id) if keep_id else self._take_order_id()
        local, gmt = self.now()
        wire.update(
            id=order_id,
            number=(order.number or str(order_id)) if keep_id else str(order_id),
            order_key=(keep_id and wire.get("order_key")) or _order_key(),
            created_via=wire.get("created_via") or "checkout",
            version=WC_VERSION,
            date_created=local, date_created_gmt=gmt, date_modified=local, date_modified_gmt=gmt,
        )
        for name in ("date_paid", "date_completed"):
            if wire.get(name):
                wire[name], wire[f"{name}_gmt"] = local, gmt
        self._new_item_ids(wire)
        stored = StoredOrder(wire, order.dp)
        WooOrder.parse(wire, dp=order.dp)  # what the store holds is a well-formed order
        self.orders[order_id] = stored
        if stored.status != "pending":
            self._note_transition(stored, "pending", stored.status)
        return stored, [("order.created", order_id)]

    def create(self, body: Mapping[str, Any]) -> tuple[StoredOrder, list[Event]]:
        """`POST /orders`: a `rest-api` order from the body, its totals computed."""
        if body.get("id"):
            raise WooError(400, "woocommerce_rest_shop_order_exists",
                           "Cannot create existing shop_order.")
        local, gmt = self.now()
        zero = format_money(Decimal(0), self.data.dp)
        address = dict.fromkeys(("first_name", "last_name", "company", "address_1", "address_2",
                                 "city", "state", "postcode", "country"), "")
        wire: dict[str, Any] = {
            "id": 0, "parent_id": 0, "number": "", "order_key": _order_key(),
            "created_via": "rest-api", "version": WC_VERSION, "status": "pending",
            "currency": self.data.currency, "date_created": local, "date_created_gmt": gmt,
            "date_modified": local, "date_modified_gmt": gmt,
            **dict.fromkeys(_TOP_MONEY, zero),
            "prices_include_tax": False, "customer_id": 0, "customer_ip_address": "",
            "customer_user_agent": "", "customer_note": "",
            "billing": {**address, "email": "", "phone": ""},
            "shipping": {**address, "phone": ""},
            "payment_method": "", "payment_method_title": "", "transaction_id": "",
            "date_paid": None, "date_paid_gmt": None, "date_completed": None,
            "date_completed_gmt": None, "cart_hash": "", "meta_data": [], "line_items": [],
            "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [],
            "refunds": [],
        }
        order_id = self._next_order
        wire.update(id=order_id, number=str(order_id))
        stored = StoredOrder(wire, self.data.dp)
        self._edit(stored, body, creating=True)
        self._next_order += 1
        self.orders[order_id] = stored
        return stored, [("order.created", order_id)]

    def replace(self, order_id: int, order: WooOrder) -> tuple[StoredOrder, list[Event]]:
        """A shop manager's edit that leaves the order as `order` has it (lines, addresses,
        totals, status, note). The store keeps the order's id, number, key and dates, and the
        meta entries `order` does not name (what a connector wrote back); the items get new
        ids. INFERRED: saving in wp-admin stamps `date_modified` even when nothing changed."""
        stored = self.get(order_id)
        wire = order.to_wire()
        wire.pop("_links", None)
        for name in ("id", "number", "order_key", "created_via", "version", "date_created",
                     "date_created_gmt", "date_paid", "date_paid_gmt", "date_completed",
                     "date_completed_gmt"):
            wire[name] = stored.wire.get(name)
        named = {m.get("key") for m in wire.get("meta_data", [])}
        kept = [m for m in stored.wire.get("meta_data", []) if m.get("key") not in named]
        self._new_item_ids(wire)
        wire["meta_data"] = [*wire["meta_data"], *kept]
        new_status, wire["status"] = wire["status"], stored.status
        WooOrder.parse(wire, dp=order.dp)
        stored.wire, stored.dp = wire, order.dp
        if new_status != stored.status:
            self._set_status(stored, new_status)
        stored.wire["date_modified"], stored.wire["date_modified_gmt"] = self.now()
        return stored, [("order.updated", order_id)]

    def update(self, order_id: int, body: Mapping[str, Any]) -> tuple[StoredOrder, list[Event]]:
        """`PUT /orders/<id>`: an unknown id is 400 `Invalid ID.`, as WooCommerce answers."""
        stored = self.get(order_id, status=400)
        changed = self._edit(stored, body, creating=False)
        return stored, [("order.updated", order_id)] if changed else []

    def _edit(self, stored: StoredOrder, body: Mapping[str, Any], *, creating: bool) -> bool:
        """Apply `body` to a copy and keep it only when all of it applied (a refused body
        changes nothing). True when the order changed."""
        before = deep_copied(stored.wire)
        draft = deep_copied(stored.wire)
        outcome = self.writer.apply(draft, body, creating=creating)
        if outcome.recalculate:
            recalc = Recalculation(stored.dp, self.data.tax_rates, self.ids)
            coupons = {c.code: c for c in self.data.coupons.values()}
            recalc.run(draft, taxable=self._taxable,
                       coupons=coupons if outcome.coupons_posted else None)
        old_status = str(draft["status"])
        new_status = outcome.new_status or old_status
        if outcome.set_paid and (creating or (new_status in ("pending", "failed"))):
            # `payment_complete`: paid now, and on to processing.
            new_status = "processing"
            if body.get("transaction_id"):
                draft["transaction_id"] = body["transaction_id"]
            draft["date_paid"], draft["date_paid_gmt"] = self.now()
        try:
            WooOrder.parse(draft, dp=stored.dp)
        except WooOrderError as exc:
            # INFERRED: WooCommerce saves whatever it is sent; the embedded store keeps only
            # what a REST v3 order can hold, and says which field it could not take.
            raise WooError(400, "woocommerce_rest_invalid_order",
                           f"The order cannot be saved: {'; '.join(exc.problems)}") from None
        stored.wire = draft
        if new_status != old_status:
            self._set_status(stored, new_status)
        changed = creating or _content(stored.wire) != _content(before)
        if changed and not creating:
            stored.wire["date_modified"], stored.wire["date_modified_gmt"] = self.now()
        return changed

    def _taxable(self, line: Mapping[str, Any]) -> bool:
        product_id = int(line.get("variation_id") or line.get("product_id") or 0)
        product = self.data.products.get(product_id)
        return product.taxable if product is not None else True

    def _set_status(self, stored: StoredOrder, status: str) -> None:
        old = stored.status
        stored.wire["status"] = status
        local, gmt = self.now()
        if status == "completed":
            stored.wire["date_completed"], stored.wire["date_completed_gmt"] = local, gmt
        if status in PAID_STATUSES and not stored.wire.get("date_paid"):
            stored.wire["date_paid"], stored.wire["date_paid_gmt"] = local, gmt
        if old != status:
            self._note_transition(stored, old, status)

    def set_status(self, order_id: int, status: str) -> tuple[StoredOrder, list[Event]]:
        stored = self.get(order_id)
        if stored.status == status:
            return stored, []
        self._set_status(stored, status)
        stored.wire["date_modified"], stored.wire["date_modified_gmt"] = self.now()
        return stored, [("order.updated", order_id)]

    def delete(self, order_id: int, *, force: bool) -> tuple[StoredOrder, list[Event]]:
        """Gone for good (`force`), or to the trash (`order.deleted`); trashing twice is 410."""
        stored = self.get(order_id)
        if force:
            del self.orders[order_id]
            return stored, []
        if stored.status == "trash":
            raise WooError(410, "woocommerce_rest_already_trashed",
                           "The shop_order has already been deleted.")
        answer = StoredOrder(deep_copied(stored.wire), stored.dp)
        stored.wire["status"] = "trash"
        stored.wire["date_modified"], stored.wire["date_modified_gmt"] = self.now()
        return answer, [("order.deleted", order_id)]

    # -- notes ------------------------------------------------------------------------------

    def add_note(
        self, order_id: int, note: str, *, customer_note: bool = False, author: str = "system"
    ) -> OrderNote:
        stored = self.get(order_id, message="Invalid order ID.")
        return self._add_note(stored, note, customer_note=customer_note, author=author)

    def _add_note(
        self, stored: StoredOrder, note: str, *, customer_note: bool = False,
        author: str = "system",
    ) -> OrderNote:
        made = OrderNote(self._next_note, int(stored.wire.get("id") or 0), note,
                         self.clock().replace(tzinfo=None), customer_note, author)
        self._next_note += 1
        stored.notes.append(made)
        return made

    def _note_transition(self, stored: StoredOrder, old: str, new: str) -> None:
        said = f"Order status changed from {_status_name(old)} to {_status_name(new)}."
        self._add_note(stored, said)

    def _take_order_id(self) -> int:
        order_id, self._next_order = self._next_order, self._next_order + 1
        return order_id

    def _claim_order_id(self, order_id: int) -> int:
        if order_id <= 0 or order_id in self.orders:
            raise ValueError(f"the store cannot take order id {order_id}: "
                             + ("it has an order with that id" if order_id > 0 else
                                "expected a positive id"))
        self._next_order = max(self._next_order, order_id + 1)
        return order_id

    def _new_item_ids(self, wire: dict[str, Any]) -> None:
        """The store's own meta and item ids (a checkout or an edit hands out new ones)."""
        wire["meta_data"] = [{**m, "id": self.ids()} for m in wire.get("meta_data", [])]
        for kind in (*ITEM_KEYS, "tax_lines"):
            for item in wire.get(kind, []):
                item["id"] = self.ids()
                item["meta_data"] = [{**m, "id": self.ids()} for m in item.get("meta_data", [])]


def _status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def _order_key() -> str:
    """`wc_generate_order_key`: `wc_order_` and 13 letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "wc_order_" + "".join(secrets.choice(alphabet) for _ in range(13))


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _content(wire: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in wire.items() if not k.startswith("date_modified")}


def _reformat(wire: dict[str, Any], dp: int) -> None:
    """The `dp` argument: every formatted amount at `dp` decimals."""
    for name in _TOP_MONEY:
        wire[name] = format_money(Decimal(wire[name]), dp)
    for kind in (*ITEM_KEYS, "tax_lines"):
        for item in wire.get(kind, []):
            for name in _ITEM_MONEY:
                if isinstance(item.get(name), str) and item[name] != "":
                    item[name] = format_money(Decimal(item[name]), dp)
    for refund in wire.get("refunds", []):
        refund["total"] = format_money(Decimal(refund["total"]), dp)
