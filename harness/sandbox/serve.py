"""Serving the embedded NetSuite: in-process (a `responses` callback) or over HTTP.

`Sandbox` is the entry point: one account profile, one store, one app. In-process, every
`requests` call to the account's host (`1234567-sb1.suitetalk.api.netsuite.com`) is
answered by the app without a socket; over HTTP, a threaded WSGI server on a loopback port
serves clients in any language.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
import responses
from requests import PreparedRequest

from harness.netsuite.credentials import credential_variables
from harness.netsuite.errors import error_detail
from harness.sandbox.account import AccountProfile, profile_from
from harness.sandbox.app import SandboxApp
from harness.sandbox.faults import DroppedResponse, FaultInjector, FaultPlan, injector_for
from harness.sandbox.oauth import M2MClient, SandboxAuth, TbaCredential
from harness.sandbox.records.service import RecordService
from harness.sandbox.rules.business import business_rules
from harness.sandbox.rules.permissions import AccessPolicy
from harness.sandbox.store.db import Clock, Store
from harness.sandbox.wire import Response, error_response

log = logging.getLogger("harness.sandbox.serve")

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")


def build_auth(profile: AccountProfile) -> SandboxAuth:
    """The account's credentials as the verifier sees them; roles are named by their id."""
    tba = [
        TbaCredential(
            name=c.name,
            consumer_key=c.consumerKey,
            consumer_secret=c.consumerSecret,
            token_id=c.tokenId,
            token_secret=c.tokenSecret,
            role=str(c.role),
        )
        for c in profile.credentials.tba
    ]
    m2m = [
        M2MClient(
            client_id=c.clientId,
            certificate_id=c.certificateId,
            public_key_pem=c.publicKeyPem,
            role=str(c.role),
        )
        for c in profile.credentials.m2m
    ]
    # Freshness of signatures is judged against the wall clock the client signs with, even
    # when the store runs on a fixed clock for reproducible record dates.
    return SandboxAuth(profile.account_id, tba, m2m, time.time)


class Sandbox:
    """One embedded NetSuite account: `handle()`, `intercept()`, `serve_http()`, `reset()`."""

    def __init__(
        self,
        profile: str | Path | AccountProfile | None = None,
        *,
        db_path: str | Path | None = None,
        clock: Clock | None = None,
        faults: FaultPlan | str | FaultInjector | None = None,
    ) -> None:
        """`faults`: a plan (or its CLI text) for every request; default: the profile's."""
        self.profile = profile_from(profile)
        self.store = Store(self.profile, path=db_path, clock=clock)
        access = AccessPolicy(self.profile)
        self.app = SandboxApp(
            self.store,
            auth=build_auth(self.profile),
            records=RecordService(self.store, business_rules(self.profile, access)),
            access=access,
        )
        self.faults = injector_for(
            faults if faults is not None else self.profile.faultPlan, self.profile.faults
        )
        self.account_id = self.profile.account_id
        self.host = self.profile.host
        self.base_url = f"https://{self.host}"

    def reset(self) -> None:
        """Forget every change since start: back to the profile's records (milliseconds)."""
        self.store.reset()
        if self.faults is not None:
            self.faults.reset()

    def close(self) -> None:
        self.store.close()

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = b"",
    ) -> Response:
        """Answer one request in-process: `(status, headers, body bytes)`.

        Under faults, a dropped answer raises `DroppedResponse` (after the request was
        processed).
        """
        if self.faults is None:
            return self.app.handle(method, url, headers, body)
        path = urlsplit(url).path
        return self.faults.around(
            method.upper(), path, lambda: self.app.handle(method, url, headers, body)
        )

    def client_environment(self, base_url: str | None = None) -> dict[str, str]:
        """The `NETSUITE_*` settings a client needs to reach this sandbox: the first TBA token,
        and each other token of the same integration under its credential's name (for
        scenarios that act as another role)."""
        env = {"NETSUITE_ACCOUNT": self.account_id}
        if self.profile.credentials.tba:
            cred, *others = self.profile.credentials.tba
            env |= {
                "NETSUITE_CONSUMER_KEY": cred.consumerKey,
                "NETSUITE_CONSUMER_SECRET": cred.consumerSecret,
                "NETSUITE_TOKEN_ID": cred.tokenId,
                "NETSUITE_TOKEN_SECRET": cred.tokenSecret,
            }
            for other in others:
                if other.consumerKey == cred.consumerKey:
                    token_var, secret_var = credential_variables(other.name)
                    env |= {token_var: other.tokenId, secret_var: other.tokenSecret}
        env["NETSUITE_BASE_URL"] = base_url or self.base_url
        return env

    def _callback(self, request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = request.body
        if body is not None and not isinstance(body, bytes | str):
            body = b"".join(body)  # an iterable body (streamed upload)
        try:
            return self.handle(
                request.method or "GET", request.url or "", dict(request.headers), body
            )
        except DroppedResponse as dropped:
            # What a client sees when the server closes the connection without answering.
            raise requests.ConnectionError(
                "Connection aborted: the server closed the connection without a response"
                f" ({dropped})",
                request=request,
            ) from None

    @contextmanager
    def intercept(
        self, mock: responses.RequestsMock | None = None
    ) -> Iterator[responses.RequestsMock]:
        """Answer every `requests` call to the account's host from this sandbox.

        Without `mock`, other hosts pass through to the network; with the caller's own
        `RequestsMock`, that mock decides what happens to them.
        """
        pattern = re.compile(rf"^https?://{re.escape(self.host)}(?::\d+)?(?:[/?#].*)?$", re.I)
        own = mock is None
        active = responses.RequestsMock(assert_all_requests_are_fired=False) if own else mock
        assert active is not None
        added = [
            active.add_callback(method, pattern, callback=self._callback, content_type=None)
            for method in _METHODS
        ]
        if own:
            others = re.compile(rf"^(?!https?://{re.escape(self.host)}(?::\d+)?(?:[/?#]|$))", re.I)
            active.add_passthru(others)
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

    def serve_http(self, host: str = "127.0.0.1", port: int = 0) -> HttpServer:
        """Serve over HTTP on a loopback port (0: any free port) in daemon threads."""
        app = self.app if self.faults is None else self.faults.wsgi(self.app)
        server = make_server(
            host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits at most this long
            name=f"sandbox-http-{server.server_port}",
            daemon=True,
        )
        thread.start()
        shown = f"[{host}]" if ":" in host else host
        return HttpServer(f"http://{shown}:{server.server_port}", server, thread)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests the HTTP layer refuses before the app sees them (a header line over
        64 KiB, a malformed request line) still get a NetSuite-shaped error, not an HTML page."""
        detail = f"Invalid request. {message or explain or 'The request could not be read.'}"
        _status, headers, body = error_response(code, [error_detail(detail, "INVALID_REQUEST")])
        self.close_connection = True
        try:
            self.send_response(code, message)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass  # the client is gone; nothing left to tell it


@dataclass
class HttpServer:
    """A running HTTP server: its `url`, and `stop()`."""

    url: str
    server: WSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self.thread.is_alive():
            self.thread.join(timeout=0.5)
