"""Serving the embedded NetSuite: in-process (a `responses` callback) or over HTTP.

`Sandbox` is the entry point: one account profile, one store, one app. In-process, every
`requests` call to the account's host (`1234567-sb1.suitetalk.api.netsuite.com`) is
answered by the app without a socket; over HTTP (or HTTPS), waitress on a loopback port
serves clients in any language. A session of the harness's own may take a shorter way in
(`SandboxAdapter`, a transport adapter calling the app directly): intercepting with
`responses` matches every request against its registrations and builds a urllib3 response
for it, which cost more than most answers.
"""

from __future__ import annotations

import http.client
import logging
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
from requests import PreparedRequest
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from harness.netsuite.credentials import credential_variables
from harness.sandbox.account import AccountProfile, profile_from
from harness.sandbox.app import SandboxApp
from harness.sandbox.faults import DroppedResponse, FaultInjector, FaultPlan, injector_for
from harness.sandbox.httpserver import HttpServer
from harness.sandbox.oauth import M2MClient, SandboxAuth, TbaCredential
from harness.sandbox.records.service import RecordService
from harness.sandbox.rules.business import business_rules
from harness.sandbox.rules.permissions import AccessPolicy
from harness.sandbox.store.db import Clock, Store
from harness.sandbox.wire import Response
from harness.wsgi import intercepting

if TYPE_CHECKING:
    import responses

    # Loaded when a sandbox is served over HTTPS: the TLS front loads asyncio.
    from harness.sandbox.tls import TlsCertificate, TlsFront

__all__ = ["HttpServer", "Sandbox", "SandboxAdapter", "build_auth"]

log = logging.getLogger("harness.sandbox.serve")


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
        return self.faults.admit(
            method.upper(),
            path,
            lambda wait: self.app.handle(method, url, headers, body, wait=wait),
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

    def answer(self, request: PreparedRequest) -> Response:
        """Answer a prepared `requests` request; a dropped answer raises what a client sees
        when the server closes the connection without answering."""
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

    def adapter(self, active: Callable[[], bool]) -> SandboxAdapter:
        """A transport adapter answering from this sandbox while `active()` is true (and
        over the network, or through whatever intercepts it, otherwise); mount it on a
        session for `base_url + "/"`."""
        return SandboxAdapter(self, active)

    @contextmanager
    def intercept(
        self, mock: responses.RequestsMock | None = None
    ) -> Iterator[responses.RequestsMock]:
        """Answer every `requests` call to the account's host from this sandbox.

        Without `mock`, other hosts pass through to the network; with the caller's own
        `RequestsMock`, that mock decides what happens to them.
        """
        with intercepting(self.host, self.answer, mock) as active:
            yield active

    def serve_http(
        self, host: str = "127.0.0.1", port: int = 0, *, tls: TlsCertificate | None = None
    ) -> HttpServer:
        """Serve over HTTP/1.1 on `host:port` (0: any free port) in daemon threads; with
        `tls`, over HTTPS with that certificate (see `harness.sandbox.tls`)."""
        app = self.app if self.faults is None else self.faults.wsgi(self.app)
        # More threads than the concurrency limit, so that requests past it reach the gate
        # and get NetSuite's 429 instead of queueing behind the admitted ones.
        threads = self.profile.governance.concurrencyLimit + 16
        front = None if tls is None else partial(_tls_front, tls.server_context(), host, port)
        return HttpServer(
            app,
            host,
            port,
            threads=threads,
            max_body_bytes=self.app.max_body_bytes,
            tls_front=front,
        )


def _tls_front(
    context: ssl.SSLContext, host: str, port: int, inner_host: str, inner_port: int
) -> TlsFront:
    """HTTPS on `host:port`, relayed to the plain server on `inner_host:inner_port`."""
    from harness.sandbox.tls import TlsFront

    return TlsFront(context, host, port, (inner_host, inner_port))


class SandboxAdapter(BaseAdapter):
    """A `requests` transport that hands a request straight to the sandbox.

    The answer is the `requests.Response` the `responses` interception builds for the same
    request (status, reason, headers, encoding, body, URL), so exchanges and call logs do not
    depend on the way in (tests/sandbox/test_sandbox_adapter.py). While `active()` is false,
    requests take the ordinary HTTP adapter, as they would without this one."""

    def __init__(self, sandbox: Sandbox, active: Callable[[], bool]) -> None:
        super().__init__()
        self._sandbox = sandbox
        self._active = active
        self._network: HTTPAdapter | None = None  # made when first needed

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if not self._active():
            if self._network is None:
                self._network = HTTPAdapter()
            return self._network.send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
        status, headers, body = self._sandbox.answer(request)
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.reason = http.client.responses.get(status, None)  # type: ignore[assignment]
        response.url = str(request.url)
        response._content = body
        response._content_consumed = True  # type: ignore[attr-defined]
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        if self._network is not None:
            self._network.close()
