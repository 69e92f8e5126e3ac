"""A tiny threaded HTTP server that answers like a NetSuite sandbox, and clients that sign
like real ones (TBA via requests-oauthlib with HMAC-SHA256 and a realm; OAuth 2.0 M2M with a
JWT client assertion and Bearer tokens)."""

from __future__ import annotations

import gzip
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from requests_oauthlib import OAuth1

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document

ACCOUNT = "1234567_SB1"
OTHER_ACCOUNT = "7654321_SB2"
RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
TOKEN = "/services/rest/auth/oauth2/v1/token"


def host_of(account: str) -> str:
    return account.lower().replace("_", "-") + ".suitetalk.api.netsuite.com"


@dataclass(frozen=True)
class Keys:
    """TBA and M2M credentials shaped like NetSuite's (64 lowercase hex characters)."""

    consumer_key: str = field(default_factory=lambda: secrets.token_hex(32))
    consumer_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    token_id: str = field(default_factory=lambda: secrets.token_hex(32))
    token_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    client_id: str = field(default_factory=lambda: secrets.token_hex(32))
    signing_key: str = field(default_factory=lambda: secrets.token_hex(32))

    def all(self) -> list[str]:
        return [
            self.consumer_key,
            self.consumer_secret,
            self.token_id,
            self.token_secret,
            self.client_id,
            self.signing_key,
        ]


def tba(keys: Keys, account: str = ACCOUNT, *, signature_type: str = "AUTH_HEADER") -> OAuth1:
    return OAuth1(
        keys.consumer_key,
        keys.consumer_secret,
        keys.token_id,
        keys.token_secret,
        signature_method="HMAC-SHA256",
        realm=account,
        signature_type=signature_type,
    )


def client_assertion(keys: Keys, token_url: str) -> str:
    # NetSuite wants PS256/ES256; HS256 gives the same three-part shape without key generation.
    now = int(time.time())
    claims = {
        "iss": keys.client_id,
        "scope": "rest_webservices",
        "aud": token_url,
        "iat": now,
        "exp": now + 3600,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, keys.signing_key, algorithm="HS256", headers={"kid": "cert-1"})


def fetch_token(session: requests.Session, base: str, keys: Keys) -> str:
    response = session.post(
        base + TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion(keys, base + TOKEN),
        },
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


class FakeNetSuite:
    """Answers like account `account_id` whatever address it listens on."""

    def __init__(self, account_id: str = ACCOUNT) -> None:
        self.account_id = account_id
        self.host = host_of(account_id)
        self.hits: list[str] = []
        self._ids = itertools.count(101)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self._stopped = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def answer(self, method: str, path: str, query: str, headers: Any, body: bytes) -> tuple:
        self.hits.append(f"{method} {path}")
        origin = f"https://{self.host}"
        if method == "POST" and path == f"{RECORD}/salesOrder":
            new_id = next(self._ids)
            cookie = f"JSESSIONID={secrets.token_hex(16)}; Path=/; Secure; HttpOnly"
            return (
                204,
                {"Location": f"{origin}{RECORD}/salesOrder/{new_id}", "Set-Cookie": cookie},
                b"",
            )
        if method == "GET" and path.startswith(f"{RECORD}/salesOrder/"):
            record_id = path.rsplit("/", 1)[1]
            document = {
                "links": [{"rel": "self", "href": f"{origin}{RECORD}/salesorder/{record_id}"}],
                "id": record_id,
                "tranId": f"SO{record_id}",
                "entity": {
                    "links": [{"rel": "self", "href": f"{origin}{RECORD}/customer/110"}],
                    "id": "110",
                    "refName": "Basic Widget Co",
                },
            }
            return (
                200,
                {"Content-Type": "application/vnd.oracle.resource+json; type=singular"},
                document,
            )
        if method == "POST" and path == SUITEQL:
            sent = json.loads(body or b"{}")
            # The self link repeats the paging parameters, not the OAuth ones.
            paging = "&".join(p for p in query.split("&") if not p.startswith("oauth_"))
            document = {
                "links": [{"rel": "self", "href": f"{origin}{SUITEQL}?{paging}"}],
                "count": 1,
                "hasMore": False,
                "items": [{"links": [], "id": "1", "q": sent.get("q")}],
                "offset": 0,
                "totalResults": 1,
            }
            return (
                200,
                {"Content-Type": "application/vnd.oracle.resource+json; type=collection"},
                document,
            )
        if method == "POST" and path == TOKEN:
            form = parse_qs(body.decode())
            assert form["grant_type"] == ["client_credentials"]
            access = jwt.encode(
                {"sub": "m2m", "n": secrets.token_hex(8)}, "k" * 32, algorithm="HS256"
            )
            document = {"access_token": access, "expires_in": "3600", "token_type": "bearer"}
            return 200, {"Content-Type": "application/json"}, document
        if path == "/echo":
            document = {
                "you_sent": body.decode("utf-8", "replace"),
                "query": query,
                "authorization": headers.get("Authorization"),
            }
            return 200, {"Content-Type": "application/json"}, document
        realm = (
            f'OAuth realm="{self.account_id}", error="token_rejected", '
            'error_description="Invalid login attempt."'
        )
        document = error_document(401, [error_detail("Invalid login attempt.", "INVALID_LOGIN")])
        return 401, {"Content-Type": ERROR_MEDIA_TYPE, "WWW-Authenticate": realm}, document


def _handler(fake: FakeNetSuite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, document = fake.answer(
                self.command, split.path, split.query, self.headers, body
            )
            payload = document if isinstance(document, bytes) else json.dumps(document).encode()
            if payload and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                payload = gzip.compress(payload)
                headers = {**headers, "Content-Encoding": "gzip"}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
