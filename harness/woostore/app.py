"""The store's REST API v3 (`/wp-json/wc/v3/...`) as a WSGI app and an in-process handler.

A request goes through WordPress' order of checks: authentication (`woocommerce_rest_
authentication_error`), the key's read/write permission, the route (`rest_no_route`), the
arguments (`rest_invalid_param`), the endpoint's permission for an anonymous caller
(`woocommerce_rest_cannot_view`, ...), then the endpoint. Webhooks for what the request did are
sent once the store's lock is let go. Nothing a client sends makes it answer 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from harness.woostore.auth import ApiKey, Authenticator
from harness.woostore.catalogue import StoreData
from harness.woostore.errors import (
    WooError,
    invalid_params,
    missing_params,
    no_route,
    not_allowed,
)
from harness.woostore.hooks import Hooks
from harness.woostore.orderbook import Event, OrderBook, StoredOrder
from harness.woostore.params import Params, ascii_digits
from harness.woostore.query import OrderQuery, Paging, paging_headers
from harness.woostore.resources import Catalogue
from harness.woostore.wire import Request, Response, error_response
from harness.wsgi import request_body, request_headers, request_target

log = logging.getLogger("harness.woostore.app")

API = "/wp-json/wc/v3"
EDIT = ("POST", "PUT", "PATCH")
BATCH_LIMIT = 100  # `woocommerce_rest_batch_items_limit`
_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 410: "Gone", 413: "Payload Too Large", 500: "Internal Server Error",
            501: "Not Implemented"}


@dataclass
class Call:
    """One request on its way through an endpoint."""

    request: Request
    key: ApiKey | None
    ids: tuple[int, ...]
    words: tuple[str, ...] = ()
    events: list[Event] = field(default_factory=list)

    @property
    def params(self) -> Params:
        return Params(self.request.query)

    def allow(self, action: str) -> None:
        if self.key is None:
            raise not_allowed(action)


Endpoint = Callable[[Call], Response]


class StoreApp:
    """Routes, checks and answers; `handle` in-process, `__call__` as a WSGI app."""

    def __init__(
        self,
        data: StoreData,
        book: OrderBook,
        hooks: Hooks,
        auth: Authenticator,
        *,
        utc_offset: timedelta = timedelta(0),
    ) -> None:
        self.data = data
        self.book = book
        self.hooks = hooks
        self.auth = auth
        self.utc_offset = utc_offset
        n, w = r"(\d+)", r"([a-z0-9_-]+)"
        table: list[tuple[str, dict[str, Endpoint]]] = [
            (r"/orders", {"GET": self.list_orders, "POST": self.create_order}),
            (r"/orders/batch", dict.fromkeys(EDIT, self.batch_orders)),
            (rf"/orders/{n}", {"GET": self.get_order, **dict.fromkeys(EDIT, self.update_order),
                               "DELETE": self.delete_order}),
            (rf"/orders/{n}/notes", {"GET": self.list_notes, "POST": self.create_note}),
            (rf"/orders/{n}/notes/{n}", {"GET": self.get_note, "DELETE": self.delete_note}),
            (r"/customers", {"GET": self.listing(lambda c, p: c.customers(p))}),
            (rf"/customers/{n}", {"GET": self.one(lambda c, i: c.customer_by_id(i[0]))}),
            (r"/products", {"GET": self.listing(lambda c, p: c.products(p))}),
            (rf"/products/{n}", {"GET": self.one(lambda c, i: c.product_by_id(i[0]))}),
            (rf"/products/{n}/variations", {"GET": self.list_variations}),
            (rf"/products/{n}/variations/{n}",
             {"GET": self.one(lambda c, i: c.product_by_id(i[1], parent=i[0]))}),
            (r"/coupons", {"GET": self.listing(lambda c, p: c.coupons(p))}),
            (rf"/coupons/{n}", {"GET": self.one(lambda c, i: c.coupon_by_id(i[0]))}),
            (r"/taxes", {"GET": self.listing(lambda c, p: c.taxes(p), per_page=10)}),
            (rf"/taxes/{n}", {"GET": self.one(lambda c, i: c.tax_by_id(i[0]))}),
            (r"/shipping_methods", {"GET": self.plain(lambda c: c.shipping_methods())}),
            (rf"/shipping_methods/{w}", {"GET": self.get_shipping_method}),
            (r"/shipping/zones/0/methods", {"GET": self.plain(lambda c: c.zone_methods())}),
            (r"/webhooks", {"GET": self.list_webhooks, "POST": self.create_webhook}),
            (rf"/webhooks/{n}", {"GET": self.get_webhook, **dict.fromkeys(EDIT,
                                 self.update_webhook), "DELETE": self.delete_webhook}),
        ]
        self.routes = [(re.compile(f"^{API}{path}/?$", re.I), methods) for path, methods in table]

    # -- entry points -----------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = request_target(environ)
        path, _, query = target.partition("?")
        served = f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        host = environ.get("HTTP_HOST") or served
        request = Request(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            scheme=str(environ.get("wsgi.url_scheme", "http")),
            host=str(host),
            path=path,
            query_text=query,
            headers={k.lower(): v for k, v in request_headers(environ).items()},
            body=request_body(environ),
            remote_addr=str(environ.get("REMOTE_ADDR", "")),
        )
        status, headers, body = self.handle(request).encoded()
        if request.method == "HEAD":
            body = b""
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {_REASONS.get(status, 'OK')}", headers)
        return [body]

    def handle(self, request: Request) -> Response:
        """Answer one request; every refusal is WooCommerce-shaped, never a traceback."""
        try:
            key = self.auth.authenticate(request)  # over the URL as the client signed it
            if key is not None:
                key.may(request.method)
            request = _plain_permalink(request)
            endpoint, ids, words = self._route(request)
            call = Call(request, key, ids, words)
            response = endpoint(call)
        except WooError as refused:
            return error_response(refused)
        except Exception:
            log.exception("the embedded store failed on %s %s", request.method, request.path)
            return error_response(WooError(500, "internal_server_error",
                                           "There has been a critical error on this website."))
        self.publish(call.events, request.home)
        return response

    def _route(self, request: Request) -> tuple[Endpoint, tuple[int, ...], tuple[str, ...]]:
        method = "GET" if request.method == "HEAD" else request.method
        for pattern, methods in self.routes:
            match = pattern.match(request.path)
            if match and method == "OPTIONS":
                return _options(sorted(methods)), (), ()
            if match and method in methods:
                groups = match.groups()
                ids = tuple(int(g) for g in groups if ascii_digits(g))
                return methods[method], ids, tuple(groups)
        raise no_route()

    def publish(self, events: Sequence[Event], home: str) -> None:
        """Send the webhooks for `events`, with each order as it is now."""
        payloads = []
        with self.book.lock:
            for topic, order_id in events:
                stored = self.book.orders.get(order_id)
                if not self.hooks.listening(topic):
                    continue
                payload = {"id": order_id} if stored is None else self.book.render(stored, home)
                payloads.append((topic, payload))
        for topic, payload in payloads:
            self.hooks.deliver(topic, payload)

    # -- orders -----------------------------------------------------------------------------

    def _render(self, call: Call, stored: StoredOrder, dp: int | None = None) -> dict[str, Any]:
        return self.book.render(stored, call.request.home, dp)

    def list_orders(self, call: Call) -> Response:
        query = OrderQuery.read(call.params, self.utc_offset)
        call.allow("list")
        with self.book.lock:
            selected = query.select(s.wire for s in self.book.orders.values())
            page = query.paging.cut(selected)
            body = [self._render(call, self.book.orders[int(o["id"])], query.dp) for o in page]
        return Response(200, body, paging_headers(call.request, query.paging, len(selected)))

    def create_order(self, call: Call) -> Response:
        body = call.request.json()
        call.allow("create")
        with self.book.lock:
            stored, events = self.book.create(body)
            answer = self._render(call, stored)
        call.events += events
        location = f"{call.request.home}{API}/orders/{stored.id}"
        return Response(201, answer, [("Location", location)])

    def get_order(self, call: Call) -> Response:
        params = call.params
        dp = params.integer("dp", minimum=0)
        params.check()
        call.allow("read")
        with self.book.lock:
            return Response(200, self._render(call, self.book.get(call.ids[0]), dp))

    def update_order(self, call: Call) -> Response:
        body = call.request.json()
        call.allow("edit")
        with self.book.lock:
            stored, events = self.book.update(call.ids[0], body)
            answer = self._render(call, stored)
        call.events += events
        return Response(200, answer)

    def delete_order(self, call: Call) -> Response:
        params = call.params
        force = params.boolean("force")
        params.check()
        call.allow("delete")
        with self.book.lock:
            stored, events = self.book.delete(call.ids[0], force=force)
            answer = self._render(call, stored)
        call.events += events
        return Response(200, answer)

    def batch_orders(self, call: Call) -> Response:
        """`/orders/batch`: each entry on its own; a refused one answers with its error."""
        body = call.request.json()
        call.allow("batch")
        creates, updates = body.get("create") or [], body.get("update") or []
        deletes = body.get("delete") or []
        if len(creates) + len(updates) + len(deletes) > BATCH_LIMIT:
            raise WooError(413, "woocommerce_rest_request_entity_too_large",
                           f"Unable to accept more than {BATCH_LIMIT} items for this request.")
        answer: dict[str, list[Any]] = {}
        with self.book.lock:
            if creates:
                answer["create"] = [self._each(call, "create", item) for item in creates]
            if updates:
                answer["update"] = [self._each(call, "update", item) for item in updates]
            if deletes:
                answer["delete"] = [self._each(call, "delete", item) for item in deletes]
        return Response(200, answer)

    def _each(self, call: Call, action: str, item: Any) -> dict[str, Any]:
        """One batch entry: the order as it is now, or `{"id", "error"}`."""
        given = item.get("id") if isinstance(item, dict) else item
        try:
            if action == "delete":
                stored, events = self.book.delete(_id(item), force=True)  # batch deletes force
            elif not isinstance(item, dict):
                raise WooError(400, "rest_invalid_param", f"{action} entries must be objects.")
            elif action == "create":
                stored, events = self.book.create(item)
            else:
                stored, events = self.book.update(_id(item), item)
        except WooError as refused:
            return {"id": given if isinstance(given, int) else 0, "error": refused.body()}
        call.events += events
        return self._render(call, stored)

    # -- notes ------------------------------------------------------------------------------

    def list_notes(self, call: Call) -> Response:
        params = call.params
        kind = params.choice("type", ("any", "customer", "internal"), "any")
        params.check()
        call.allow("list")
        with self.book.lock:
            stored = self._order_of_notes(call.ids[0])
            notes = [n for n in reversed(stored.notes)
                     if kind == "any" or n.customer_note == (kind == "customer")]
            body = [self._note(call, n) for n in notes]
        return Response(200, body)

    def create_note(self, call: Call) -> Response:
        body = call.request.json()
        note = body.get("note")
        if note is None or note == "":
            raise missing_params(["note"])
        if not isinstance(note, str):
            raise invalid_params({"note": ("rest_invalid_type", "note is not of type string.")})
        call.allow("create")
        with self.book.lock:
            self._order_of_notes(call.ids[0])
            made = self.book.add_note(
                call.ids[0], note, customer_note=body.get("customer_note") is True,
                # INFERRED: the key's user shows as `admin` when the note is by a user.
                author="admin" if body.get("added_by_user") is True else "system",
            )
        location = f"{call.request.home}{API}/orders/{made.order_id}/notes/{made.id}"
        return Response(201, self._note(call, made), [("Location", location)])

    def get_note(self, call: Call) -> Response:
        call.allow("read")
        with self.book.lock:
            return Response(200, self._note(call, self._find_note(call)))

    def delete_note(self, call: Call) -> Response:
        params = call.params
        force = params.boolean("force")
        params.check()
        call.allow("delete")
        if not force:
            # The notes controller answers with this very sentence (v1, kept by v2 and v3).
            raise WooError(501, "woocommerce_rest_trash_not_supported",
                           "Webhooks do not support trashing.")
        with self.book.lock:
            note = self._find_note(call)
            stored = self.book.orders[call.ids[0]]
            stored.notes = [n for n in stored.notes if n.id != note.id]
            return Response(200, self._note(call, note))

    def _order_of_notes(self, order_id: int) -> StoredOrder:
        found = self.book.orders.get(order_id)
        if found is None:
            raise WooError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        return found

    def _find_note(self, call: Call) -> Any:
        stored = self._order_of_notes(call.ids[0])
        for note in stored.notes:
            if note.id == call.ids[1]:
                return note
        raise WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")

    def _note(self, call: Call, note: Any) -> dict[str, Any]:
        api = f"{call.request.home}{API}/orders/{note.order_id}"
        return {**note.to_wire(self.utc_offset), "_links": {
            "self": [{"href": f"{api}/notes/{note.id}"}],
            "collection": [{"href": f"{api}/notes"}],
            "up": [{"href": api}],
        }}

    # -- the catalogue ----------------------------------------------------------------------

    def _catalogue(self, call: Call) -> Catalogue:
        return Catalogue(self.data, call.request.home, self.utc_offset)

    def listing(
        self, read: Callable[[Catalogue, Params], list[dict[str, Any]]], per_page: int = 10
    ) -> Endpoint:
        def endpoint(call: Call) -> Response:
            params = call.params
            paging = Paging.read(params, default_per_page=per_page)
            items = read(self._catalogue(call), params)
            params.check()
            call.allow("list")
            return Response(200, paging.cut(items), paging_headers(call.request, paging,
                                                                   len(items)))

        return endpoint

    def one(self, read: Callable[[Catalogue, tuple[int, ...]], dict[str, Any]]) -> Endpoint:
        def endpoint(call: Call) -> Response:
            call.allow("read")
            return Response(200, read(self._catalogue(call), call.ids))

        return endpoint

    def plain(self, read: Callable[[Catalogue], list[dict[str, Any]]]) -> Endpoint:
        def endpoint(call: Call) -> Response:
            call.allow("list")
            return Response(200, read(self._catalogue(call)))

        return endpoint

    def list_variations(self, call: Call) -> Response:
        catalogue = self._catalogue(call)
        catalogue.variable_parent(call.ids[0])
        return self.listing(lambda c, p: c.products(p, parent=call.ids[0]))(call)

    def get_shipping_method(self, call: Call) -> Response:
        call.allow("read")
        return Response(200, self._catalogue(call).shipping_method(call.words[0]))

    # -- webhooks ---------------------------------------------------------------------------

    def list_webhooks(self, call: Call) -> Response:
        params = call.params
        paging = Paging.read(params)
        status = params.choice("status", ("all", "active", "paused", "disabled"), "all")
        params.check()
        call.allow("list")
        with self.hooks.lock:
            records = [r for r in self.hooks.records.values()
                       if status == "all" or r.webhook.status == status]
            items = [r.to_wire(call.request.home, self.utc_offset)
                     for r in sorted(records, key=lambda r: r.id, reverse=True)]
        return Response(200, paging.cut(items), paging_headers(call.request, paging, len(items)))

    def create_webhook(self, call: Call) -> Response:
        body = call.request.json()
        call.allow("create")
        record = self.hooks.create(body, source_url=f"{call.request.home}/")
        answer = record.to_wire(call.request.home, self.utc_offset)
        # WooCommerce pings a new webhook; the status stays as created, whatever the answer.
        status = record.webhook.status
        record.webhook.ping()
        record.webhook.status = status
        location = f"{call.request.home}{API}/webhooks/{record.id}"
        return Response(201, answer, [("Location", location)])

    def get_webhook(self, call: Call) -> Response:
        call.allow("read")
        return Response(200, self.hooks.get(call.ids[0]).to_wire(call.request.home,
                                                                  self.utc_offset))

    def update_webhook(self, call: Call) -> Response:
        body = call.request.json()
        call.allow("edit")
        record = self.hooks.update(call.ids[0], body)
        return Response(200, record.to_wire(call.request.home, self.utc_offset))

    def delete_webhook(self, call: Call) -> Response:
        params = call.params
        force = params.boolean("force")
        params.check()
        call.allow("delete")
        record = self.hooks.delete(call.ids[0], force=force)
        return Response(200, record.to_wire(call.request.home, self.utc_offset))


def _options(methods: Sequence[str]) -> Endpoint:
    """`OPTIONS`: the route's methods (WordPress also lists each one's arguments)."""

    def endpoint(call: Call) -> Response:
        body = {"namespace": "wc/v3", "methods": list(methods),
                "endpoints": [{"methods": [method], "args": {}} for method in methods]}
        return Response(200, body, [("Allow", ", ".join(methods))])

    return endpoint


def _id(value: Any) -> int:
    """A batch entry's order id (`id` of an update, or a delete's bare id)."""
    raw = value.get("id") if isinstance(value, dict) else value
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    if isinstance(raw, str) and ascii_digits(raw):
        return int(raw)
    raise WooError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


def _plain_permalink(request: Request) -> Request:
    """`?rest_route=/wc/v3/orders` (a site without pretty permalinks) is the same route."""
    route = request.query.get("rest_route")
    if not isinstance(route, str) or not route.startswith("/"):
        return request
    from dataclasses import replace

    return replace(request, path=f"/wp-json{route}")
