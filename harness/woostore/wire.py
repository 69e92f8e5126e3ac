"""One HTTP exchange as the store's handlers see it, whether it came over a socket or from a
`requests` call answered in-process."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from harness.woo.webhook import wp_json_encode
from harness.woostore.errors import WooError, invalid_json
from harness.woostore.params import php_query

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Request:
    method: str
    scheme: str
    host: str  # as the client named it, with the port: the store's home URL for this request
    path: str  # as sent, percent-encoding kept
    query_text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""
    remote_addr: str = ""

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = b"",
        remote_addr: str = "",
    ) -> Request:
        parts = urlsplit(url)
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        return cls(
            method=method.upper(),
            scheme=parts.scheme.lower() or "http",
            host=parts.netloc,
            path=parts.path or "/",
            query_text=parts.query,
            headers={name.lower(): str(value) for name, value in (headers or {}).items()},
            body=data,
            remote_addr=remote_addr,
        )

    @property
    def https(self) -> bool:
        return self.scheme == "https"

    @property
    def home(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def from_loopback(self) -> bool:
        try:
            return ip_address(self.remote_addr.split("%", 1)[0]).is_loopback
        except ValueError:
            return False

    @cached_property
    def query(self) -> dict[str, str | list[str]]:
        return php_query(self.query_text)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> dict[str, Any]:
        """The JSON object body (an empty body is no arguments); anything else is refused as
        WordPress refuses it."""
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body.decode("utf-8"))
        except UnicodeDecodeError:
            bad_text = "Malformed UTF-8 characters, possibly incorrectly encoded"
            raise invalid_json(5, bad_text) from None
        except ValueError:
            raise invalid_json(4, "Syntax error") from None
        if not isinstance(value, dict):
            # INFERRED: WordPress merges a JSON object's keys into the arguments; any other
            # JSON value gives no arguments, so the endpoint's own checks refuse it.
            return {}
        return value


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able; None: no body
    headers: list[tuple[str, str]] = field(default_factory=list)

    def encoded(self) -> tuple[int, list[tuple[str, str]], bytes]:
        # WordPress writes its answers with `wp_json_encode` (PHP's json_encode): `\/`, `\uXXXX`.
        data = b"" if self.body is None else wp_json_encode(self.body)
        headers = [("Content-Type", JSON_TYPE), *self.headers]
        return self.status, headers, data


def error_response(error: WooError) -> Response:
    return Response(error.status, error.body())
