"""What a loopback server of the harness needs: serving a WSGI app, reading its requests, and
answering a host's `requests` calls in-process instead (`intercepting`).

Shared by the servers connectors in other processes talk to (the served sandbox, the observed
sandbox and the recording proxy): waitress speaks HTTP/1.1 as those connectors expect it
(keep-alive, chunked bodies, `Expect: 100-continue`). A leaf: imports nothing of the harness.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit
from wsgiref.types import WSGIApplication, WSGIEnvironment

import requests
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

if TYPE_CHECKING:
    import responses

# What the server answers for a request it refused before the app saw it: (status, reason
# text) -> (status shown, headers, body). None leaves waitress's plain-text answer.
RefusalAnswer = Callable[[int, str], tuple[int, list[tuple[str, str]], bytes]]

_POLL_SECONDS = 0.5  # idle wake-up of the server loop; `stop()` wakes it at once
_MAX_BODY_BYTES = 10 * 1024 * 1024


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's headers, named as sent (`Content-Type`, `X-Netsuite-Idempotency-Key`)."""
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return headers


def request_body(environ: WSGIEnvironment) -> bytes:
    """The request's body (empty when it declares none, or an unreadable length); a chunked
    body arrives dechunked, with its length."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def request_target(environ: WSGIEnvironment) -> str:
    """The path and query as the client sent them, percent-encoding kept (a TBA signature is
    over that text); re-encoded from PATH_INFO by servers that keep no raw form."""
    raw = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or "")
    if raw.startswith("/"):
        return raw
    if "://" in raw:
        parts = urlsplit(raw)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path = quote(str(environ.get("PATH_INFO") or "/"), safe="/%:@!$&'()*+,;=-._~")
    query = str(environ.get("QUERY_STRING") or "")
    return path + (f"?{query}" if query else "")


def request_url(environ: WSGIEnvironment) -> str:
    """scheme://host[:port] and the request target as sent."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{request_target(environ)}"


class _RefusalTask(ErrorTask):
    answer: RefusalAnswer | None = None

    def execute(self) -> None:
        answer = type(self).answer  # a plain function: read off the class, it is not bound
        if answer is None:
            super().execute()
            return
        error: Any = getattr(self.request, "error", None)
        refused = int(getattr(error, "code", 400))
        status, headers, body = answer(refused, str(getattr(error, "body", "")))
        reason = getattr(error, "reason", "Bad Request") if status == refused else "Bad Request"
        self.status = f"{status} {reason}"
        self.response_headers = [*self.response_headers, *headers]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class LoopbackServer:
    """`app` served over HTTP/1.1 on `host:port` (0: any free port) in daemon threads.

    The port is bound at construction (so `url` is known); `start()` serves, `stop()` stops,
    `wait()` blocks until stopped. An OSError out of the app (a dropped answer) closes the
    connection without a byte. `url_scheme` is what the app is told requests came in as (a
    TLS front relaying to this server says `https`).
    """

    def __init__(
        self,
        app: WSGIApplication,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        threads: int = 24,
        refusal: RefusalAnswer | None = None,
        max_body_bytes: int = _MAX_BODY_BYTES,
        url_scheme: str = "http",
        ident: str = "waitress",
    ) -> None:
        self._map: dict[int, Any] = {}
        server = create_server(
            app,
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            url_scheme=url_scheme,
            ident=ident,
            # waitress refuses a declared length >= this before reading the body: a body of
            # exactly `max_body_bytes` still reaches the app.
            max_request_body_size=max_body_bytes + 1,
            # A dropped answer and a client gone mid-answer close the connection quietly;
            # neither is the server's own failure.
            log_socket_errors=False,
            expose_tracebacks=False,
            # No proxy in front: X-Forwarded-* headers are the client's, left as sent.
            clear_untrusted_proxy_headers=False,
            asyncore_use_poll=True,
        )
        if not isinstance(server, BaseWSGIServer):  # one address, so one server
            raise RuntimeError(f"expected one listening socket for {host}:{port}")
        task = type("RefusalTask", (_RefusalTask,), {"answer": refusal})
        server.channel_class = type("Channel", (HTTPChannel,), {"error_task_class": task})
        self._server = server
        self.host = host
        self.port = int(getattr(server, "effective_port"))  # noqa: B009 (absent from stubs)
        self.url = loopback_url("http", host, self.port)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> LoopbackServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, name=f"loopback-http-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=_POLL_SECONDS, use_poll=True, map=self._map, count=1)
        finally:
            self._close()

    def _close(self) -> None:
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self._map)

    def stop(self) -> None:
        """Stop accepting, finish the requests in progress (at most 5 s), close the port."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is None:
            self._close()
            return
        # Only wakes the loop; a loop that saw the flag first has closed the trigger.
        with contextlib.suppress(OSError):
            self._server.pull_trigger()
        thread.join(timeout=10)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while (thread := self._thread) is not None and thread.is_alive():
            thread.join(timeout=0.5)


def loopback_url(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


# A handler of one intercepted request: (status, headers, body), as `responses` callbacks are.
Answer = Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")


@contextmanager
def intercepting(
    host: str, answer: Answer, mock: responses.RequestsMock | None = None
) -> Iterator[responses.RequestsMock]:
    """Answer every `requests` call to `host` (any scheme and port) with `answer`.

    Without `mock`, other hosts pass through to the network; with the caller's own
    `RequestsMock`, that mock decides what happens to them (and keeps its other registrations).
    """
    import responses  # here: 45 ms of start-up that a run which intercepts nothing skips

    escaped = re.escape(host)
    pattern = re.compile(rf"^https?://{escaped}(?::\d+)?(?:[/?#].*)?$", re.I)
    own = mock is None
    active = responses.RequestsMock(assert_all_requests_are_fired=False) if own else mock
    assert active is not None
    added = [
        active.add_callback(method, pattern, callback=answer, content_type=None)
        for method in _METHODS
    ]
    if own:
        active.add_passthru(re.compile(rf"^(?!https?://{escaped}(?::\d+)?(?:[/?#]|$))", re.I))
        active.start()
    try:
        yield active
    finally:
        if own:
            active.stop()
            active.reset()
        else:
            for registered in added:
                active.remove(registered)
