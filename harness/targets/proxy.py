"""A loopback NetSuite for connectors in other processes when the target is an account.

A connector in another process or language cannot be recorded or replayed from inside the
harness: its requests never pass through the harness's HTTP stack. Pointed here instead
(`NETSUITE_BASE_URL`), every request it makes is sent on to the account by the harness,
signed with the harness's own credential, so in record mode the cassette recorder sees it
and writes it (scrubbed), and in replay mode the cassette answers it with the network
blocked. A request the cassette cannot answer gets a NetSuite-shaped 502, and the replay
miss is kept by the recorder, so the landing fails with the nearest-request diff whatever
the connector does with the answer.

The harness signs again with the credential whose token the connector signed with (so a
scenario acting as a second role still acts as it); a token the environment does not hold
is refused as NetSuite refuses it. The signature itself is not checked here: TBA signing is
checked against the embedded sandbox, which verifies every signature (sim).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote
from wsgiref.types import StartResponse, WSGIEnvironment

import requests
from requests.auth import AuthBase

from harness.wsgi import request_body, request_headers

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
# NetSuite's 401 detail for a token it does not know (reference netsuite-rest.md 3.8, a live
# error body).
_INVALID_LOGIN = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
_TOKEN = re.compile(r'oauth_token="([^"]*)"')


def _forwarded_headers(environ: WSGIEnvironment) -> dict[str, str]:
    return {
        name: value
        for name, value in request_headers(environ).items()
        if name.lower() not in _NOT_FORWARDED
    }


def _path(environ: WSGIEnvironment) -> str:
    """The request target as the connector sent it (still percent-encoded where it was)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = environ.get("QUERY_STRING")
    return str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")


def _error(
    status: int, title: str, detail: str, *, code: str = "UNEXPECTED_ERROR"
) -> tuple[str, list[tuple[str, str]], bytes]:
    """NetSuite's error body, so a connector's error handling reads it as it would NetSuite's."""
    body = json.dumps(
        {
            "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.3",
            "title": title,
            "status": status,
            "o:errorDetails": [{"detail": detail, "o:errorCode": code}],
        }
    ).encode("utf-8")
    headers = [("Content-Type", "application/vnd.oracle.resource+json; type=error")]
    return f"{status} {title}", headers, body


class ForwardingApp:
    """WSGI app sending each request on to `target`'s account, signed by the harness.

    `public_url` is where the connector reaches this app: `Location` headers that name the
    account are rewritten to it, so a connector that follows them stays on the loopback."""

    def __init__(self, target: AccountTarget, public_url: str = "") -> None:
        self.target = target
        self.base_url = target.base_url.rstrip("/")
        self.public_url = public_url.rstrip("/")
        self._session = requests.Session()
        self._auths: dict[str | None, AuthBase] = {}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self._forward(environ)
        start_response(status, headers)
        return [body]

    def _forward(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        from harness.recording import RecordingError

        auth = self._auth_for(str(environ.get("HTTP_AUTHORIZATION", "")))
        if auth is None:
            return _error(401, "Unauthorized", _INVALID_LOGIN, code="INVALID_LOGIN")
        request = requests.Request(
            str(environ.get("REQUEST_METHOD", "GET")),
            self.base_url + _path(environ),
            headers=_forwarded_headers(environ),
            data=request_body(environ) or None,
            auth=auth,
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

    def _auth_for(self, authorization: str) -> AuthBase | None:
        """How the harness signs for the token the connector signed with (its own credential
        when the connector sent no TBA token, or when replaying without credentials)."""
        found = _TOKEN.search(authorization)
        token = unquote(found.group(1)) if found else None
        if self.target.credentials is None or token == self.target.credentials.token_id:
            token = None
        if token not in self._auths:
            if token is None:
                own = self.target.client().auth
                assert own is not None, "an account target's client always signs"
                self._auths[None] = own
            else:
                credentials = self.target.credentials_for_token(token)
                if credentials is None:
                    return None
                self._auths[token] = credentials.build_auth(self._session)
        return self._auths[token]

    def _local(self, location: str) -> str:
        if self.public_url and location.startswith(self.base_url):
            return self.public_url + location[len(self.base_url) :]
        return location
