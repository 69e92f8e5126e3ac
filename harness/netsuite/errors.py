"""NetSuite's REST error wire format, and the client-side NetSuiteError.

The sandbox builds its error bodies with `error_document` so that both sides share one
definition of the shape documented in reference/netsuite-rest.md section 5.
"""

from __future__ import annotations

from typing import Any

ERROR_MEDIA_TYPE = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"
BUSINESS_ERROR_PREFIX = "Error while accessing a resource. "

_RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
# 401 and 400 anchors are CONFIRMED; the others follow the same RFC 2616 numbering (INFERRED).
_TYPE_ANCHORS = {
    400: "#sec10.4.1",
    401: "#sec10.4.2",
    403: "#sec10.4.4",
    404: "#sec10.4.5",
    405: "#sec10.4.6",
    406: "#sec10.4.7",
    409: "#sec10.4.10",
    413: "#sec10.4.14",
    415: "#sec10.4.16",
    429: "#sec10.4.30",
    500: "#sec10.5.1",
    503: "#sec10.5.4",
}
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def error_detail(
    detail: str,
    code: str,
    *,
    path: str | None = None,
    query_param: str | None = None,
    header: str | None = None,
) -> dict[str, str]:
    """One element of `o:errorDetails`."""
    item = {"detail": detail, "o:errorCode": code}
    if path is not None:
        item["o:errorPath"] = path
    if query_param is not None:
        item["o:errorQueryParam"] = query_param
    if header is not None:
        item["o:errorHeader"] = header
    return item


def error_document(status: int, details: list[dict[str, str]]) -> dict[str, Any]:
    """A full NetSuite error body for `status` with the given `o:errorDetails`."""
    return {
        "type": _RFC2616 + _TYPE_ANCHORS.get(status, ""),
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "o:errorDetails": details,
    }
