"""The sandbox's HTTP/1.1 server: `harness.wsgi`'s waitress loop, with NetSuite's error shape.

What clients in other languages rely on and Python's `wsgiref` lacks: keep-alive (one TCP
connection for many requests), chunked request bodies, an interim `100 Continue` for
`Expect: 100-continue`, and no `Content-Type` made up for a body sent without one. A request
the HTTP layer itself refuses (a body over the limit, a malformed request line, broken chunked
framing) still gets NetSuite's error shape, not waitress's plain text; a `DroppedResponse`
from the app (an injected drop) closes the connection without a byte, as a client sees it.
With a `TlsFront`, clients speak HTTPS to the front, which relays to the plain server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.netsuite.errors import error_detail
from harness.sandbox.wire import Response, error_response
from harness.wsgi import LoopbackServer, loopback_url

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from harness.sandbox.tls import TlsFront

__all__ = ["HttpServer", "http_layer_error", "loopback_url"]


def http_layer_error(status: int, reason: str, max_body_bytes: int) -> Response:
    """NetSuite's error shape for a request refused before it reached the app.

    INFERRED: NetSuite's front end answers these with its own error pages; the sandbox keeps
    the one error shape a client already parses. A transfer coding waitress does not speak
    (501 there) is the client's input, so it is a 400 here.
    """
    if status == 413:
        megabytes = max_body_bytes // (1024 * 1024)
        too_large = f"Invalid content in the request body. The body exceeds {megabytes} MB."
        return error_response(413, [error_detail(too_large, "INVALID_CONTENT")])
    if status >= 500 and status != 501:
        return error_response(
            status, [error_detail("An unexpected error occurred.", "UNEXPECTED_ERROR")]
        )
    shown = 431 if status == 431 else 400
    first_line = reason.strip().splitlines()[0] if reason.strip() else "malformed request"
    detail = f"Invalid request. The request could not be read: {first_line}."
    return error_response(shown, [error_detail(detail, "INVALID_REQUEST")])


class HttpServer:
    """The sandbox served: its `url`, `stop()`, and `wait()` (until stopped or Ctrl-C)."""

    def __init__(
        self,
        app: WSGIApplication,
        host: str,
        port: int,
        *,
        threads: int,
        max_body_bytes: int,
        tls_front: Callable[[str, int], TlsFront] | None = None,
    ) -> None:
        """Serve `app` on `host:port` (0: any free port). With `tls_front`, the plain server
        listens on a loopback port of its own and the front, made for `(host, that port)`
        and relaying to it, is what clients reach."""

        def refusal(status: int, reason: str) -> tuple[int, list[tuple[str, str]], bytes]:
            shown, headers, body = http_layer_error(status, reason, max_body_bytes)
            return shown, list(headers.items()), body

        inner_host = ("::1" if ":" in host else "127.0.0.1") if tls_front else host
        self.server = LoopbackServer(
            app,
            inner_host,
            0 if tls_front else port,
            threads=threads,
            refusal=refusal,
            max_body_bytes=max_body_bytes,
            url_scheme="https" if tls_front else "http",
            ident="NetSuite sandbox",
        )
        self.front: TlsFront | None = None
        if tls_front is None:
            self.url = self.server.url
        else:
            try:
                self.front = tls_front(inner_host, self.server.port)
            except BaseException:
                self.server.stop()  # the port is taken: the inner server never serves
                raise
            self.url = loopback_url("https", host, self.front.port)
        self.server.start()

    def stop(self) -> None:
        """Stop accepting, finish the requests in progress (at most 5 s), close everything."""
        if self.front is not None:
            self.front.stop()
        self.server.stop()

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        self.server.wait()
