"""The sandbox's HTTP wire: requests as parsed, answers as `(status, headers, body)`.

NetSuite's media types, one JSON encoder for every answer, NetSuite's error answer, the
`Allow` answer to a wrong method, and what the WSGI edge needs (reason phrases, latin-1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_document
from harness.sandbox.resterror import RestError, invalid_parameter

SINGULAR = "application/vnd.oracle.resource+json; type=singular; charset=UTF-8"
COLLECTION = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8"

Response = tuple[int, dict[str, str], bytes]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    scheme: str
    host: str  # without port
    base_url: str  # scheme://host[:port] as the client addressed it
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # lowercase keys
    body: bytes


# One encoder for every answer: `json.dumps` with settings builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def json_bytes(document: Any) -> bytes:
    return _ENCODER.encode(document).encode("utf-8")


def error_response(
    status: int, details: list[dict[str, str]], headers: Mapping[str, str] | None = None
) -> Response:
    out = {"Content-Type": ERROR_MEDIA_TYPE, **(headers or {})}
    return status, out, json_bytes(error_document(status, details))


def method_not_allowed(method: str, allowed: str) -> RestError:
    error = RestError.one(
        405,
        "INVALID_METHOD",
        f"The HTTP method {method} is not allowed for this resource. Allowed: {allowed}.",
    )
    error.headers["Allow"] = allowed
    return error


def number_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid_parameter(
            f"Invalid value for query parameter '{name}': {raw}. Provide an integer.", name
        ) from None


def latin1(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1")


REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
