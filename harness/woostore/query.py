"""Collections: the orders list's filters, sorting and paging, and the paging headers.

The arguments are the v3 orders controller's (`get_collection_params` of
woocommerce/woocommerce `.../Version3/class-wc-rest-crud-controller.php` and the orders
controllers): `page` (from 1), `per_page` (1 to 100, default 10), `offset`, `search`,
`after`/`before`/`modified_after`/`modified_before` (exclusive, on site time unless
`dates_are_gmt`), `include`/`exclude`, `parent`/`parent_exclude`, `order` (`desc`),
`orderby` (`date`, with the id as tie-breaker), `status` (a list; `any` leaves out the trash),
`customer`, `product`, `created_via`, `dp`. Every answer carries `X-WP-Total`,
`X-WP-TotalPages` and `Link` headers (rel `prev`/`next`) built from the request's own query.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from harness.woostore.params import Params, ascii_digits
from harness.woostore.wire import Request

T = TypeVar("T")
LIST_STATUSES = (
    "any", "trash", "pending", "processing", "on-hold", "completed", "cancelled", "refunded",
    "failed", "checkout-draft",
)
ORDERBY = ("date", "id", "include", "title", "slug", "modified", "total")
# Authentication never belongs in a link handed back (WordPress would copy it).
_NOT_IN_LINKS = ("consumer_key", "consumer_secret", "oauth_consumer_key", "oauth_timestamp",
                 "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_version",
                 "page")


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = 10
    offset: int | None = None

    @classmethod
    def read(cls, params: Params, *, default_per_page: int = 10) -> Paging:
        return cls(
            page=params.integer("page", 1, minimum=1) or 1,
            per_page=params.integer("per_page", default_per_page, minimum=1, maximum=100)
            or default_per_page,
            offset=params.integer("offset"),
        )

    def cut(self, items: Sequence[T]) -> list[T]:
        start = self.offset if self.offset is not None else (self.page - 1) * self.per_page
        return list(items[max(start, 0) : max(start, 0) + self.per_page])


def paging_headers(request: Request, paging: Paging, total: int) -> list[tuple[str, str]]:
    """`X-WP-Total`, `X-WP-TotalPages` and one `Link` per neighbour page that exists."""
    pages = math.ceil(total / paging.per_page)
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    kept = [(name, value) for name, value in _flat(request.query) if name not in _NOT_IN_LINKS]
    base = f"{request.home}{request.path.rstrip('/')}"

    def link(page: int) -> str:
        return f"{base}?{urlencode([*kept, ('page', str(page))])}"

    if paging.page > 1:
        headers.append(("Link", f'<{link(min(paging.page - 1, max(pages, 1)))}>; rel="prev"'))
    if pages > paging.page:
        headers.append(("Link", f'<{link(paging.page + 1)}>; rel="next"'))
    return headers


def _flat(query: Mapping[str, str | list[str]]) -> Iterable[tuple[str, str]]:
    for name, value in query.items():
        if isinstance(value, list):
            yield from ((f"{name}[]", item) for item in value)
        else:
            yield name, value


@dataclass(frozen=True)
class OrderQuery:
    """The orders list's arguments, read and checked."""

    paging: Paging
    statuses: tuple[str, ...] = ("any",)
    after: datetime | None = None
    before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    dates_are_gmt: bool = False
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    parent: tuple[int, ...] = ()
    parent_exclude: tuple[int, ...] = ()
    search: str = ""
    customer: str | None = None
    product: int | None = None
    created_via: tuple[str, ...] = ()
    order: str = "desc"
    orderby: str = "date"
    dp: int | None = None

    @classmethod
    def read(cls, params: Params, utc_offset: timedelta) -> OrderQuery:
        gmt = params.boolean("dates_are_gmt")

        def date(name: str) -> datetime | None:
            return params.date(name, utc_offset, as_gmt=gmt)

        query = cls(
            paging=Paging.read(params),
            statuses=tuple(params.choices("status", LIST_STATUSES, ["any"])),
            after=date("after"),
            before=date("before"),
            modified_after=date("modified_after"),
            modified_before=date("modified_before"),
            dates_are_gmt=gmt,
            include=tuple(params.ids("include")),
            exclude=tuple(params.ids("exclude")),
            parent=tuple(params.ids("parent")),
            parent_exclude=tuple(params.ids("parent_exclude")),
            search=params.text("search", "") or "",
            customer=params.text("customer"),
            product=params.integer("product"),
            created_via=tuple(params.words("created_via") or ()),
            order=params.choice("order", ("asc", "desc"), "desc"),
            orderby=params.choice("orderby", ORDERBY, "date"),
            dp=params.integer("dp", minimum=0),
        )
        params.check()
        return query

    def select(self, orders: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The matching orders, sorted (all pages)."""
        matching = [order for order in orders if self.matches(order)]
        return self.sort(matching)

    def matches(self, order: Mapping[str, Any]) -> bool:
        status = order["status"]
        if "any" in self.statuses:
            if status in ("trash", "auto-draft"):
                return False
        elif status not in self.statuses:
            return False
        created, modified = self._dates(order)
        checks: list[tuple[datetime | None, Callable[[datetime, datetime], bool], datetime]] = [
            (self.after, lambda limit, value: value > limit, created),
            (self.before, lambda limit, value: value < limit, created),
            (self.modified_after, lambda limit, value: value > limit, modified),
            (self.modified_before, lambda limit, value: value < limit, modified),
        ]
        if any(limit is not None and not test(limit, value) for limit, test, value in checks):
            return False
        oid = int(order["id"])
        if (self.include and oid not in self.include) or oid in self.exclude:
            return False
        parent = int(order.get("parent_id") or 0)
        if (self.parent and parent not in self.parent) or parent in self.parent_exclude:
            return False
        if self.customer is not None and not _is_customer(order, self.customer):
            return False
        if self.product and not any(
            item.get("product_id") == self.product for item in order.get("line_items", [])
        ):
            return False
        if self.created_via and order.get("created_via") not in self.created_via:
            return False
        return not self.search or _found(order, self.search)

    def _dates(self, order: Mapping[str, Any]) -> tuple[datetime, datetime]:
        suffix = "_gmt" if self.dates_are_gmt else ""
        return (
            datetime.fromisoformat(order[f"date_created{suffix}"]),
            datetime.fromisoformat(order[f"date_modified{suffix}"]),
        )

    def sort(self, orders: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """`orderby` then the id (WordPress adds ` ID` to date sorts), both in `order`."""
        keys: dict[str, Callable[[Mapping[str, Any]], Any]] = {
            "id": lambda o: (int(o["id"]),),
            "modified": lambda o: (o["date_modified_gmt"], int(o["id"])),
            "total": lambda o: (float(o["total"]), int(o["id"])),
            "include": lambda o: (
                self.include.index(int(o["id"])) if int(o["id"]) in self.include else 0,
            ),
        }
        # INFERRED: an order's title and slug are made from its creation date, so they sort
        # like `date`.
        key = keys.get(self.orderby, lambda o: (o["date_created_gmt"], int(o["id"])))
        if self.orderby == "include":
            return sorted(orders, key=key)
        return sorted(orders, key=key, reverse=self.order == "desc")


def _is_customer(order: Mapping[str, Any], customer: str) -> bool:
    """A customer id; INFERRED: anything else is matched against the billing email."""
    if ascii_digits(customer.strip()):
        return int(order.get("customer_id") or 0) == int(customer)
    email = str((order.get("billing") or {}).get("email") or "")
    return email.lower() == customer.strip().lower()


def _found(order: Mapping[str, Any], term: str) -> bool:
    """INFERRED from `wc_order_search`: the id, each address as one text (WooCommerce's
    `_billing_address_index`: every field joined by spaces), and the item names."""
    wanted = term.strip().lower()
    if ascii_digits(wanted) and int(wanted) == int(order["id"]):
        return True
    texts = [str(order.get("number", ""))]
    for address in ("billing", "shipping"):
        texts.append(" ".join(str(value) for value in (order.get(address) or {}).values()))
    texts.extend(str(item.get("name", "")) for item in order.get("line_items", []))
    return any(wanted in text.lower() for text in texts)
