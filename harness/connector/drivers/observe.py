"""A NetSuite served over HTTP whose every exchange is copied into the current call log.

A connector in another process talks to the embedded sandbox over a socket, out of sight of
the harness's own client. Wrapping the sandbox's WSGI app lets the harness see those
exchanges anyway, exactly as the connector made them, so a diagnosis can quote the request
NetSuite refused. Works with any WSGI app; the drivers never import the sandbox itself.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import requests
from requests.structures import CaseInsensitiveDict

from harness.netsuite.calllog import CallLog
from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document
from harness.wsgi import LoopbackServer, request_body, request_headers, request_url

log = logging.getLogger("harness.connector.observe")


def _refusal(status: int, reason: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """NetSuite's error shape for a request the HTTP layer refused (a malformed request line,
    a body over the limit, broken chunked framing): the connector parses one shape only."""
    first_line = reason.strip().splitlines()[0] if reason.strip() else "malformed request"
    code = "INVALID_CONTENT" if status == 413 else "INVALID_REQUEST"
    detail = error_detail(f"Invalid request. The request could not be read: {first_line}.", code)
    body = json.dumps(error_document(status, [detail])).encode("utf-8")
    return status, [("Content-Type", ERROR_MEDIA_TYPE)], body


class ObservedServer:
    """`app` on a loopback port (HTTP/1.1, waitress); exchanges go to `calllog` while one is
    set (`observe`)."""

    def __init__(self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.calllog: CallLog | None = None
        self._server = LoopbackServer(self._handle, host, port, refusal=_refusal)
        self.url = self._server.url

    def observe(self, calllog: CallLog | None) -> None:
        """Copy exchanges into `calllog` from now on (None: stop copying)."""
        self.calllog = calllog

    def start(self) -> ObservedServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

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
        content = b"".join(chunks)
        try:
            record_wsgi_exchange(calllog, environ, body, answer, content, duration)
        except Exception:  # the connector's answer matters more than our copy of it
            log.exception("could not record an exchange of the observed server")
        return [content]  # one piece: the server knows its length and keeps the connection


def record_wsgi_exchange(
    calllog: CallLog,
    environ: WSGIEnvironment,
    body: bytes,
    answer: dict[str, Any],
    content: bytes,
    duration: float,
) -> None:
    """One exchange a WSGI app answered, into `calllog` as a client would have logged it;
    redacted when first read, as the harness's own exchanges are (a landing that meets its
    expectation may never read it)."""
    request = requests.Request(
        str(environ.get("REQUEST_METHOD", "GET")),
        request_url(environ),
        headers=request_headers(environ),
        data=body or None,
    ).prepare()
    response = requests.Response()
    response.status_code = int(str(answer.get("status", "500")).split(" ", 1)[0])
    response.headers = CaseInsensitiveDict(dict(answer.get("headers", [])))
    response._content = content
    response.request = request
    response.url = request.url or ""
    calllog.note_exchange(request, response, duration)
