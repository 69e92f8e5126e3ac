"""A loopback NetSuite for connectors in other processes when the target is an account.

A connector in another process or language cannot be recorded or replayed from inside the
harness: its requests never pass through the harness's HTTP stack. Pointed here instead
(`NETSUITE_BASE_URL`), every request it makes is sent on to the account by the harness,
signed with the harness's own credential, so in record mode the cassette recorder sees it
and writes it (scrubbed), and in replay mode the cassette answers it with the network
blocked. A request the cassette cannot answer gets a NetSuite-shaped 502, and the replay
miss is kept by the recorder, so the landing fails with the nearest-request diff whatever
the connector does with the answer.

The connector's own signature is not checked here (the harness signs again): TBA signing
is checked against the embedded sandbox, which verifies every signature (sim).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING
from wsgiref.types import StartResponse, WSGIEnvironment

import requests

if TYPE_CHECKING:
    from harness.targets.account import AccountTarget

log = logging.getLogger("harness.targets.proxy")

# Hop-by-hop headers (RFC 9110 7.6.1) and those `requests` sets itself for the new request.
_NOT_FORWARDED = frozenset(
    {
        "authorization",
        "connection",
        "content-length",
        "host",
        "keep-alive",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# What the answer no longer is once `requests` has read (and decoded) the body.
_NOT_RETURNED = frozenset(
    {"connection", "content-encoding", "content-length", "keep-alive", "transfer-encoding"}
)
_TIMEOUT = 60.0


def _request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return {name: value for name, value in headers.items() if name.lower() not in _NOT_FORWARDED}


def _body(environ: WSGIEnvironment) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _path(environ: WSGIEnvironment) -> str:
    """The request target as the connector sent it (still percent-encoded where it was)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = environ.get("QUERY_STRING")
    return str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")


def _error(status: int, title: str, detail: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """NetSuite's error body, so a connector's error handling reads it as it would NetSuite's."""
    body = json.dumps(
        {
            "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.3",
            "title": title,
            "status": status,
            "o:errorDetails": [{"detail": detail, "o:errorCode": "UNEXPECTED_ERROR"}],
        }
    ).encode("utf-8")
    headers = [("Content-Type", "application/vnd.oracle.resource+json; type=error")]
    return f"{status} {title}", headers, body


class ForwardingApp:
    """WSGI app sending each request on to `target`'s account, signed by the harness.

    `public_url` is where the connector reaches this app: `Location` headers that name the
    account are rewritten to it, so a connector that follows them stays on the loopback."""

    def __init__(self, target: AccountTarget, public_url: str = "") -> None:
        self.base_url = target.base_url.rstrip("/")
        self.public_url = public_url.rstrip("/")
        self._auth = target.client().auth
        self._session = requests.Session()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self._forward(environ)
        start_response(status, headers)
        return [body]

    def _forward(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        from harness.recording import RecordingError

        request = requests.Request(
            str(environ.get("REQUEST_METHOD", "GET")),
            self.base_url + _path(environ),
            headers=_request_headers(environ),
            data=_body(environ) or None,
            auth=self._auth,
        )
        try:
            answer = self._session.send(
                self._session.prepare_request(request), timeout=_TIMEOUT, allow_redirects=False
            )
        except RecordingError as exc:
            first_line = str(exc).splitlines()[0]
            return _error(502, "Bad Gateway", f"no recorded answer for this request: {first_line}")
        except requests.RequestException as exc:
            log.info("forwarding %s failed: %s", request.url, exc)
            return _error(502, "Bad Gateway", f"NetSuite could not be reached: {exc}")
        headers = [
            (name, self._local(value) if name.lower() == "location" else value)
            for name, value in answer.headers.items()
            if name.lower() not in _NOT_RETURNED
        ]
        return f"{answer.status_code} {answer.reason or ''}".rstrip(), headers, answer.content

    def _local(self, location: str) -> str:
        if self.public_url and location.startswith(self.base_url):
            return self.public_url + location[len(self.base_url) :]
        return location
