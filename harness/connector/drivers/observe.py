"""A NetSuite served over HTTP whose every exchange is copied into the current call log.

A connector in another process talks to the embedded sandbox over a socket, out of sight of
the harness's own client. Wrapping the sandbox's WSGI app lets the harness see those
exchanges anyway, exactly as the connector made them, so a diagnosis can quote the request
NetSuite refused. Works with any WSGI app; the drivers never import the sandbox itself.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment
from wsgiref.util import request_uri

import requests
from requests.structures import CaseInsensitiveDict

from harness.netsuite.calllog import CallLog
from harness.wsgi import request_body, request_headers

log = logging.getLogger("harness.connector.observe")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class ObservedServer:
    """`app` on a loopback port; exchanges go to `calllog` while one is set (`observe`)."""

    def __init__(self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.calllog: CallLog | None = None
        self._server = make_server(
            host, port, self._handle, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    def observe(self, calllog: CallLog | None) -> None:
        """Copy exchanges into `calllog` from now on (None: stop copying)."""
        self.calllog = calllog

    def start(self) -> ObservedServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"observed-netsuite-{self._server.server_port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> ObservedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        calllog = self.calllog
        if calllog is None:
            return self.app(environ, start_response)
        body = request_body(environ)
        inner = dict(environ)
        inner["wsgi.input"] = io.BytesIO(body)
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        result = self.app(inner, capture)
        try:
            chunks = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        duration = time.perf_counter() - started
        try:
            _record(calllog, environ, body, answer, b"".join(chunks), duration)
        except Exception:  # the connector's answer matters more than our copy of it
            log.exception("could not record an exchange of the observed server")
        return chunks


def _record(
    calllog: CallLog,
    environ: WSGIEnvironment,
    body: bytes,
    answer: dict[str, Any],
    content: bytes,
    duration: float,
) -> None:
    request = requests.Request(
        str(environ.get("REQUEST_METHOD", "GET")),
        request_uri(environ, include_query=True),
        headers=request_headers(environ),
        data=body or None,
    ).prepare()
    response = requests.Response()
    response.status_code = int(str(answer.get("status", "500")).split(" ", 1)[0])
    response.headers = CaseInsensitiveDict(dict(answer.get("headers", [])))
    response._content = content
    response.request = request
    response.url = request.url or ""
    calllog.record_exchange(request, response, duration)
