"""The sandbox's HTTP/1.1 server: waitress on a loopback port, in daemon threads.

What clients in other languages rely on and Python's `wsgiref` lacks: keep-alive (one TCP
connection for many requests), chunked request bodies, an interim `100 Continue` for
`Expect: 100-continue`, and no `Content-Type` made up for a body sent without one. A request
the HTTP layer itself refuses (a body over the limit, a malformed request line, broken chunked
framing) still gets NetSuite's error shape, not waitress's plain text; a `DroppedResponse`
from the app (an injected drop) closes the connection without a byte, as a client sees it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from harness.netsuite.errors import error_detail
from harness.sandbox.wire import REASONS, Response, error_response

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from harness.sandbox.tls import TlsFront

log = logging.getLogger("harness.sandbox.http")

_POLL_SECONDS = 0.5  # idle wake-up of the server loop; `stop()` wakes it at once


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


class _NetSuiteErrorTask(ErrorTask):
    """waitress's answer to a request it refused, in NetSuite's error shape."""

    max_body_bytes = 0

    def execute(self) -> None:
        error: Any = getattr(self.request, "error", None)
        code = int(getattr(error, "code", 400))
        body_text = str(getattr(error, "body", ""))
        status, headers, body = http_layer_error(code, body_text, self.max_body_bytes)
        self.status = f"{status} {REASONS.get(status, 'Error')}"
        self.response_headers = [*self.response_headers, *headers.items()]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _channel_class(max_body_bytes: int) -> type[HTTPChannel]:
    task = type("NetSuiteErrorTask", (_NetSuiteErrorTask,), {"max_body_bytes": max_body_bytes})
    return type("SandboxChannel", (HTTPChannel,), {"error_task_class": task})


class HttpServer:
    """A running server: its `url`, `stop()`, and `wait()` (until stopped or Ctrl-C)."""

    def __init__(
        self,
        url: str,
        server: BaseWSGIServer,
        socket_map: dict[int, Any],
        front: TlsFront | None = None,
    ) -> None:
        self.url = url
        self.server = server
        self.front = front
        self._map = socket_map
        self._stopping = threading.Event()
        self.thread = threading.Thread(
            target=self._serve, name=f"sandbox-http-{bound_port(server)}", daemon=True
        )
        self.thread.start()

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=_POLL_SECONDS, use_poll=True, map=self._map, count=1)
        finally:
            discard(self.server, self._map)

    def stop(self) -> None:
        """Stop accepting, finish the requests in progress (at most 5 s), close everything."""
        if self.front is not None:
            self.front.stop()
        if not self._stopping.is_set():
            self._stopping.set()
            # Only wakes the loop; a loop that saw the flag first has closed the trigger.
            with contextlib.suppress(OSError):
                self.server.pull_trigger()
        self.thread.join(timeout=10)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self.thread.is_alive():
            self.thread.join(timeout=0.5)


def serve_wsgi(
    app: WSGIApplication | Callable[..., Any],
    host: str,
    port: int,
    *,
    threads: int,
    max_body_bytes: int,
    url_scheme: str = "http",
) -> tuple[BaseWSGIServer, dict[int, Any]]:
    """A waitress server bound to `host:port` (0: any free port), not yet running."""
    socket_map: dict[int, Any] = {}
    server = create_server(
        app,
        map=socket_map,
        host=host,
        port=port,
        threads=threads,
        url_scheme=url_scheme,
        ident="NetSuite sandbox",
        # waitress refuses a declared length >= this before reading the body (413, rendered
        # as the app's own): a body of exactly `max_body_bytes` still reaches the app.
        max_request_body_size=max_body_bytes + 1,
        # A dropped answer (ConnectionAbortedError) and a client gone mid-answer close the
        # connection quietly; neither is the sandbox's own failure.
        log_socket_errors=False,
        expose_tracebacks=False,
        # No proxy in front: X-Forwarded-* headers are the client's, left as sent, and the
        # middleware that would vet them costs every request its time.
        clear_untrusted_proxy_headers=False,
        asyncore_use_poll=True,
    )
    if not isinstance(server, BaseWSGIServer):  # one address, so one server
        raise RuntimeError(f"expected one listening socket for {host}:{port}")
    server.channel_class = _channel_class(max_body_bytes)
    return server, socket_map


def discard(server: BaseWSGIServer, socket_map: dict[int, Any]) -> None:
    """Stop the server's worker threads (letting a running request finish, at most 5 s) and
    close its sockets."""
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
    wasyncore.close_all(socket_map)


def bound_port(server: BaseWSGIServer) -> int:
    """The port the server listens on (the one picked for port 0)."""
    return int(getattr(server, "effective_port"))  # noqa: B009 (waitress's stubs lack it)


def loopback_url(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"
