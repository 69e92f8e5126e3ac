"""The sandbox's HTTP wire: requests as parsed, answers as `(status, headers, body)`.

NetSuite's media types, one JSON encoder for every answer, a JSON request body read within
limits, NetSuite's error answer, the `Allow` answer to a wrong method, and what the WSGI edge
needs (reason phrases, latin-1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_document
from harness.sandbox.resterror import RestError, invalid_field_value, invalid_parameter

SINGULAR = "application/vnd.oracle.resource+json; type=singular; charset=UTF-8"
COLLECTION = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8"

Response = tuple[int, dict[str, str], bytes]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]

# A WSGI environ key: a callable the app runs once the request holds a concurrency slot
# (injected latency, which a slow NetSuite spends while the request counts as in flight).
WAIT_ENVIRON_KEY = "harness.sandbox.wait"

# INFERRED: NetSuite publishes neither limit. Records nest a handful of levels (salesOrder >
# item > items > inventoryDetail > inventoryAssignment > items); numbers are amounts,
# quantities and ids, and NetSuite keeps 15 significant digits at most.
MAX_JSON_DEPTH = 64
MAX_NUMBER = 10**15
_SHOWN_NUMBER = 40  # characters of an absurd number quoted back in an error


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


def _invalid_content(detail: str = "") -> RestError:
    text = "Invalid content in the request body." + (f" {detail}" if detail else "")
    return RestError.one(400, "INVALID_CONTENT", text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class _OutOfRange(str):
    """A number past MAX_NUMBER in a request body, kept as the text the client sent."""


def _parse_int(text: str) -> int | _OutOfRange:
    # JSON integers have no leading zeros: more than 15 digits is at least 10**15. Checked on
    # the text, so a 5,000-digit integer is never converted.
    return _OutOfRange(text) if len(text.lstrip("-")) > 15 else int(text)


def _parse_float(text: str) -> float | _OutOfRange:
    value = float(text)
    return value if math.isfinite(value) and abs(value) < MAX_NUMBER else _OutOfRange(text)


def json_body(raw: bytes) -> Any:
    """A request body as JSON, or NetSuite's 400 INVALID_CONTENT.

    Control characters inside strings are taken as they come (INFERRED: NetSuite reads the
    multi-line SuiteQL text the `netsuite-rest` README sends); `NaN`/`Infinity` are not JSON.
    A body nested past MAX_JSON_DEPTH, or a number past MAX_NUMBER, is refused (naming the
    field) before any record code sees it.
    """
    try:
        document = json.loads(
            raw,
            strict=False,
            parse_constant=_no_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except RecursionError:
        # The decoder's own guard, reached long before the stack is at risk: a body like
        # "[[[[..." 100,000 deep is refused here in microseconds.
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError):
        raise _invalid_content() from None
    if isinstance(document, _OutOfRange):
        raise _out_of_range(document, "")
    _check_document(document)
    return document


def _too_deep() -> RestError:
    return _invalid_content(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")


def _check_document(document: Any) -> None:
    """Depth and number limits over the whole document, without recursion."""
    pending: list[tuple[Any, str, int]] = [(document, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            for key, child in value.items():
                if type(child) is _OutOfRange:
                    raise _out_of_range(child, f"{path}.{key}" if path else key)
                if isinstance(child, dict | list):
                    pending.append((child, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if type(child) is _OutOfRange:
                    raise _out_of_range(child, f"{path}[{index}]")
                if isinstance(child, dict | list):
                    pending.append((child, f"{path}[{index}]", depth + 1))


def _out_of_range(text: str, path: str) -> RestError:
    """NetSuite's Invalid Field Value error for an absurd number, naming its field."""
    shown = text if len(text) <= _SHOWN_NUMBER else text[:_SHOWN_NUMBER] + "…"
    field = path.rsplit(".", 1)[-1].split("[", 1)[0] or "body"
    return RestError(400, [invalid_field_value(shown, field, path or field)])


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
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}
