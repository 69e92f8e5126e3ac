"""NetSuite's REST error wire format, and the client-side NetSuiteError.

The sandbox builds its error bodies with `error_document` so that both sides share one
definition of the shape documented in reference/netsuite-rest.md section 5.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.netsuite.redact import Redactor

if TYPE_CHECKING:
    import requests

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


# --- the client side -------------------------------------------------------------------------

_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# The published 429 sample lacks the comma between two members; put it back before parsing.
_MISSING_COMMA = re.compile(r'(["\d\]}]|true|false|null)(\s*)(?="[^"\n]*"\s*:)')
_QUOTED_FIELD = r'"{name}"\s*:\s*"((?:[^"\\]|\\.)*)"'
_SNIPPET = 160
_RAW_BODY_CAP = 65536


@dataclass(frozen=True)
class ErrorDetail:
    """One parsed `o:errorDetails` entry."""

    detail: str
    code: str | None = None
    path: str | None = None
    query_param: str | None = None
    header: str | None = None

    def describe(self) -> str:
        text = f"{self.code}: {self.detail}" if self.code else self.detail
        if self.path:
            text += f" (path: {self.path})"
        if self.query_param:
            text += f" (query parameter: {self.query_param})"
        if self.header:
            text += f" (header: {self.header})"
        return text


class NetSuiteError(Exception):
    """A request NetSuite refused (or that never got an answer), as NetSuite explained it.

    Built already redacted: nothing a caller can print holds a registered secret.
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        path: str | None = None,
        query_param: str | None = None,
        details: Sequence[ErrorDetail] = (),
        headers: Mapping[str, str] | None = None,
        raw_body: str = "",
        method: str = "",
        url: str = "",
        title: str | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        scrub = redactor or Redactor()
        self.status = status
        self.detail = scrub.text(detail)
        self.code = _scrubbed(scrub, code)
        self.path = _scrubbed(scrub, path)
        self.query_param = _scrubbed(scrub, query_param)
        self.details = [
            ErrorDetail(
                detail=scrub.text(item.detail),
                code=_scrubbed(scrub, item.code),
                path=_scrubbed(scrub, item.path),
                query_param=_scrubbed(scrub, item.query_param),
                header=_scrubbed(scrub, item.header),
            )
            for item in details
        ]
        self.headers = scrub.headers(headers or {})
        self.raw_body = scrub.body(raw_body[:_RAW_BODY_CAP])
        self.method = method.upper()
        self.url = scrub.text(url)
        self.title = title
        super().__init__(self._message())

    @property
    def resource(self) -> str:
        """The request path below `/services/rest`, as written in messages."""
        path = urlsplit(self.url).path
        marker = "/services/rest"
        return path.split(marker, 1)[1] if marker in path else path

    def _head(self) -> str:
        if self.details:
            return f"{self.status} " + " | ".join(item.describe() for item in self.details)
        if self.detail.startswith("NetSuite answered") or self.status == 0:
            return self.detail
        if self.code:
            return f"{self.status} {self.code}: {self.detail}"
        return f"{self.status} {self.detail}"

    def _message(self) -> str:
        where = f" [{self.method} {self.resource}]" if self.method or self.url else ""
        return self._head() + where

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self._message()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    @classmethod
    def from_response(
        cls, response: requests.Response, *, redactor: Redactor | None = None
    ) -> NetSuiteError:
        """Parse any error answer: the documented body, its malformed variants, OAuth token
        endpoint errors, HTML pages and empty or cut-off bodies."""
        request = response.request
        parsed = parse_error_body(response.status_code, response.text, response.headers)
        return cls(
            response.status_code,
            parsed.detail,
            code=parsed.code,
            path=parsed.details[0].path if parsed.details else None,
            query_param=parsed.details[0].query_param if parsed.details else None,
            details=parsed.details,
            headers=dict(response.headers),
            raw_body=response.text,
            method=str(request.method or "") if request is not None else "",
            url=str(request.url or response.url) if request is not None else response.url,
            title=parsed.title,
            redactor=redactor,
        )


class TransportError(NetSuiteError):
    """No HTTP answer at all: connection refused or reset, DNS failure, timeout (status 0)."""

    def __init__(
        self,
        reason: str,
        *,
        method: str = "",
        url: str = "",
        sent: bool = True,
        redactor: Redactor | None = None,
    ) -> None:
        self.sent = sent
        super().__init__(
            0, f"no answer from NetSuite: {reason}", method=method, url=url, redactor=redactor
        )


class RetriesExhaustedError(NetSuiteError):
    """The last failure of a request that was retried until the retry budget ran out."""

    def __init__(self, last: NetSuiteError, attempts: Sequence[str], why: str) -> None:
        self.last = last
        self.attempts = list(attempts)
        self.why = why
        _copy_into(self, last)
        listed = "; ".join(f"#{number} {text}" for number, text in enumerate(self.attempts, 1))
        super(NetSuiteError, self).__init__(
            f"{last} - gave up after {len(self.attempts)} attempts ({why}): {listed}"
        )


class MaybeCommittedError(NetSuiteError):
    """A non-repeatable write (POST, PATCH) failed after it may already have been applied."""

    def __init__(self, last: NetSuiteError, why_not_retried: str) -> None:
        self.last = last
        self.why_not_retried = why_not_retried
        _copy_into(self, last)
        super(NetSuiteError, self).__init__(
            f"{last} - the request may have been committed; not retried: {why_not_retried}"
        )


def _scrubbed(redactor: Redactor, value: str | None) -> str | None:
    return None if value is None else redactor.text(value)


def _copy_into(target: NetSuiteError, source: NetSuiteError) -> None:
    for name in (
        "status",
        "detail",
        "code",
        "path",
        "query_param",
        "details",
        "headers",
        "raw_body",
        "method",
        "url",
        "title",
    ):
        setattr(target, name, getattr(source, name))


@dataclass(frozen=True)
class ParsedError:
    """What could be read out of an error body."""

    detail: str
    code: str | None = None
    title: str | None = None
    details: list[ErrorDetail] = field(default_factory=list)


def parse_error_body(status: int, text: str, headers: Mapping[str, str]) -> ParsedError:
    """Read an error body of any shape; never raises."""
    stripped = text.strip()
    content_type = headers.get("Content-Type", "").lower()
    if not stripped:
        return ParsedError(f"NetSuite answered {status} with an empty body")
    if "html" in content_type or stripped[:1] == "<":
        return ParsedError(f"NetSuite answered {status} with an HTML page{_html_title(stripped)}")
    document = _load_lenient(stripped)
    if isinstance(document, dict):
        return _from_document(status, document)
    scavenged = _scavenge(stripped)
    snippet = _snippet(stripped)
    if scavenged:
        return ParsedError(
            f"{scavenged[0].detail} (NetSuite answered {status} with invalid JSON: {snippet})",
            code=scavenged[0].code,
            details=scavenged,
        )
    kind = "invalid or cut-off JSON" if stripped[:1] in "{[" else "a body that is not JSON"
    return ParsedError(f"NetSuite answered {status} with {kind}: {snippet}")


def _from_document(status: int, document: dict[str, Any]) -> ParsedError:
    title = document.get("title") if isinstance(document.get("title"), str) else None
    raw_details = document.get("o:errorDetails")
    details = [
        ErrorDetail(
            detail=str(item.get("detail", "")),
            code=_str_or_none(item.get("o:errorCode")),
            path=_str_or_none(item.get("o:errorPath")),
            query_param=_str_or_none(item.get("o:errorQueryParam")),
            header=_str_or_none(item.get("o:errorHeader")),
        )
        for item in (raw_details if isinstance(raw_details, list) else [])
        if isinstance(item, dict)
    ]
    if details:
        # The detail's code is the specific one; a top-level o:errorCode (seen only in the
        # malformed 429 sample, as a generic USER_ERROR) is the fallback.
        code = details[0].code or _top_code(document)
        return ParsedError(details[0].detail, code, title, details)
    if "error" in document:  # OAuth 2.0 token endpoint (RFC 6749 section 5.2)
        error = str(document["error"])
        description = _str_or_none(document.get("error_description")) or error
        return ParsedError(description, error, title, [ErrorDetail(description, error)])
    code = _top_code(document)
    detail = _str_or_none(document.get("detail")) or (
        f"{title} (NetSuite sent no error details)"
        if title
        else f"NetSuite answered {status} without error details"
    )
    return ParsedError(detail, code, title)


def _top_code(document: dict[str, Any]) -> str | None:
    return _str_or_none(document.get("o:errorCode"))


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _load_lenient(text: str) -> Any:
    for candidate in (text, _MISSING_COMMA.sub(r"\1,\2", text)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _scavenge(text: str) -> list[ErrorDetail]:
    """Details and codes out of JSON too broken to parse (e.g. cut off mid-body)."""
    details = [_unescape(match) for match in re.findall(_QUOTED_FIELD.format(name="detail"), text)]
    codes = [
        _unescape(match) for match in re.findall(_QUOTED_FIELD.format(name="o:errorCode"), text)
    ]
    if not details:
        return [ErrorDetail(f"error code {code}", code) for code in codes[-1:]]
    # A top-level code precedes the details in the documented shape; pair from the end.
    codes = codes[-len(details) :] if len(codes) >= len(details) else codes
    return [
        ErrorDetail(detail, codes[index] if index < len(codes) else None)
        for index, detail in enumerate(details)
    ]


def _unescape(value: str) -> str:
    try:
        return str(json.loads(f'"{value}"'))
    except ValueError:
        return value


def _html_title(text: str) -> str:
    match = _HTML_TITLE.search(text)
    if not match:
        return f": {_snippet(re.sub(r'<[^>]+>', ' ', text))}"
    title = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())
    return f" (title: {title})" if title else ""


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 3] + "..."
