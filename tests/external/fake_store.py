"""A tiny WooCommerce store for the store-driver tests: the order endpoints, auth, a webhook.

Serves `/wp-json/wc/v3/orders` (create, read, update, delete, list with paging) on a loopback
port, over HTTP (one-legged OAuth 1.0a in the query string, checked independently of the
client's signing library) or over HTTPS (Basic auth). New orders are built by `make_order`
(a store configured like the catalogue computes the catalogue's totals) and announced to a
webhook in the background, as WooCommerce's queue does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.woo.webhook import Webhook

PREFIX = "/wp-json/wc/v3"
KEY, SECRET = "ck_4f2a9c0e51d7", "cs_9b8e1d33a0f4"
OrderMaker = Callable[[dict[str, Any], int], dict[str, Any]]


def _enc(value: str) -> str:
    return quote(value, safe="-._~")


def oauth_signature(method: str, url: str, params: list[tuple[str, str]], secret: str,
                    algorithm: str) -> str:
    """RFC 5849 base string as WooCommerce builds it; key = consumer secret + '&'."""
    pairs = sorted((_enc(k), _enc(v)) for k, v in params if k != "oauth_signature")
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method.upper(), _enc(url), _enc(normalized)])
    digest = hashlib.sha256 if algorithm == "HMAC-SHA256" else hashlib.sha1
    mac = hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()
    return base64.b64encode(mac).decode()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "store.crt", folder / "store.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class FakeStore:
    make_order: OrderMaker
    tls: tuple[Path, Path] | None = None
    webhook: Webhook | None = None
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    created_payloads: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    auth_failures: list[str] = field(default_factory=list)
    deliveries: list[threading.Thread] = field(default_factory=list)
    url: str = ""
    next_id: int = 5001
    _nonces: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeStore:
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                store._handle(self, "GET")

            def do_POST(self) -> None:
                store._handle(self, "POST")

            def do_PUT(self) -> None:
                store._handle(self, "PUT")

            def do_DELETE(self) -> None:
                store._handle(self, "DELETE")

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        scheme = "http"
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            scheme = "https"
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        self.url = f"{scheme}://127.0.0.1:{server.server_port}"
        return self

    def stop(self) -> None:
        for thread in self.deliveries:
            thread.join(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- requests ----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        refusal = self._authenticate(handler, method, parts.path, query)
        if refusal:
            self.auth_failures.append(refusal)
            self._send(handler, 401, {"code": "woocommerce_rest_authentication_error",
                                      "message": refusal, "data": {"status": 401}})
            return
        path = parts.path.removeprefix(PREFIX)
        params = dict(query)
        if path == "/orders" and method == "POST":
            self._create(handler, json.loads(body or b"{}"))
        elif path == "/orders" and method == "GET":
            self._list(handler, params)
        elif path.startswith("/orders/") and path[8:].isdigit():
            self._one(handler, method, int(path[8:]), params, body)
        else:
            self._send(handler, 404, {"code": "rest_no_route",
                                      "message": "No route was found matching the URL and "
                                      "request method.", "data": {"status": 404}})

    def _authenticate(self, handler: BaseHTTPRequestHandler, method: str, path: str,
                      query: list[tuple[str, str]]) -> str | None:
        if self.tls is not None:
            header = handler.headers.get("Authorization") or ""
            if not header.startswith("Basic "):
                return "Consumer key is missing."
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            if key != KEY:
                return "Consumer key is invalid."
            return None if hmac.compare_digest(secret, SECRET) else "Consumer secret is invalid."
        params = dict(query)
        if params.get("oauth_consumer_key") != KEY:
            return "Consumer key is invalid."
        algorithm = params.get("oauth_signature_method", "")
        if algorithm not in ("HMAC-SHA1", "HMAC-SHA256"):
            return "Invalid signature method."
        if abs(time.time() - int(params.get("oauth_timestamp") or 0)) > 15 * 60:
            return "Invalid timestamp."
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in self._nonces:
            return "Invalid nonce - nonce has already been used."
        self._nonces.add(nonce)
        url = f"{self.url}{path}"
        expected = oauth_signature(method, url, query, SECRET, algorithm)
        if not hmac.compare_digest(expected, params.get("oauth_signature", "")):
            return "Invalid signature - provided signature does not match."
        return None

    def _create(self, handler: BaseHTTPRequestHandler, payload: dict[str, Any]) -> None:
        for index, line in enumerate(payload.get("line_items", [])):
            if not line.get("product_id") and not line.get("sku"):
                self._send(handler, 400, {"code": "woocommerce_rest_required_product_reference",
                                          "message": "Product ID or SKU is required.",
                                          "data": {"status": 400, "line": index}})
                return
        order_id, self.next_id = self.next_id, self.next_id + 1
        order = self.make_order(payload, order_id)
        self.created_payloads.append(payload)
        self.orders[order_id] = order
        self._send(handler, 201, order)
        self._announce("order.created", order)

    def _one(self, handler: BaseHTTPRequestHandler, method: str, order_id: int,
             params: dict[str, str], body: bytes) -> None:
        order = self.orders.get(order_id)
        if order is None:
            self._send(handler, 404, {"code": "woocommerce_rest_shop_order_invalid_id",
                                      "message": "Invalid ID.", "data": {"status": 404}})
            return
        if method == "GET":
            self._send(handler, 200, order)
        elif method == "PUT":
            order.update({k: v for k, v in json.loads(body).items()
                          if k in ("status", "customer_note")})
            self._send(handler, 200, order)
            self._announce("order.updated", order)
        elif method == "DELETE":
            if params.get("force") == "true":
                del self.orders[order_id]
                self.deleted.append(order_id)
            else:
                order["status"] = "trash"
            self._send(handler, 200, order)

    def _list(self, handler: BaseHTTPRequestHandler, params: dict[str, str]) -> None:
        per_page = min(int(params.get("per_page", 10)), 100)
        page = int(params.get("page", 1))
        items = sorted(self.orders.values(), key=lambda o: o["id"])
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        self._send(handler, 200, chunk,
                   {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)})

    def _announce(self, topic: str, order: dict[str, Any]) -> None:
        if self.webhook is None:
            return
        webhook = self.webhook
        snapshot = json.loads(json.dumps(order))
        thread = threading.Thread(target=lambda: webhook.deliver(topic, snapshot), daemon=True)
        thread.start()  # then listed: `stop` may be joining the list from another thread
        self.deliveries.append(thread)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any,
              headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)


def catalogue_store(template: dict[str, Any]) -> OrderMaker:
    """A store whose products, taxes and shipping match the catalogue: the created order is
    the template renumbered, with the request's status and meta."""

    def make(payload: dict[str, Any], order_id: int) -> dict[str, Any]:
        order = json.loads(json.dumps(template))
        base = order["_links"]["self"][0]["href"].split("/wp-json/")[0]
        order.update(id=order_id, number=str(order_id), status=payload.get("status", "pending"))
        order["meta_data"] = [*order.get("meta_data", []),
                              *({"id": 90000 + i, **m}
                                for i, m in enumerate(payload.get("meta_data", [])))]
        order["_links"] = {"self": [{"href": f"{base}/wp-json/wc/v3/orders/{order_id}"}],
                           "collection": [{"href": f"{base}/wp-json/wc/v3/orders"}]}
        return order

    return make
