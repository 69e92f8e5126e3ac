"""The store's webhook receiver: answer WooCommerce at once, push the order from a queue.

WooCommerce retries and finally disables a webhook that answers slowly, so the receiver
checks the signature, puts the order on a queue and answers 200 right away; a worker thread
takes orders off the queue and syncs them with `shop_sync`. The bug: `serve()` (what the
store's process manager calls) never starts the worker, only the old `__main__` did, so every
order is acknowledged and none is ever written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shop_sync import OrderSync


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, secret: str) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.secret = secret.encode()
        self.orders: queue.Queue[dict[str, Any]] = queue.Queue()


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if raw.startswith(b"webhook_id="):  # WooCommerce's activation ping
            self.reply(200, {"ok": True})
            return
        digest = hmac.new(self.server.secret, raw, hashlib.sha256).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode(),
                                   self.headers.get("X-WC-Webhook-Signature") or ""):
            self.reply(401, {"error": "bad signature"})
            return
        order = json.loads(raw)
        self.server.orders.put(order)
        self.reply(200, {"queued": order["id"]})


def work(server: Receiver) -> None:
    sync = OrderSync()
    while True:
        sync.push(server.orders.get())


def serve(port: int, secret: str) -> Receiver:
    """The receiver, ready to `serve_forever()` (BUG: without its worker)."""
    return Receiver(port, secret)


if __name__ == "__main__":
    receiver = serve(int(sys.argv[1]), sys.argv[2])
    threading.Thread(target=work, args=(receiver,), daemon=True).start()
    receiver.serve_forever()
