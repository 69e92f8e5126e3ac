"""NetSuite's error answers as JSON, in the three shapes clients meet.

- REST web services: `{"type", "title", "status", "o:errorDetails": [{"detail",
  "o:errorCode", "o:errorPath"}]}` (read by `harness.netsuite.errors.parse_error_body`);
- SuiteScript 2.x and RESTlet errors: `{"type": "error.SuiteScriptError", "name":
  "INSUFFICIENT_PERMISSION", "message": "..."}`, or RESTlet 1.0's `{"error": {"code",
  "message"}}`;
- OAuth 2.0 token errors: `{"error": "invalid_grant", "error_description": "..."}`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.commands.explain.context import Request
from harness.landing.failure import Failure
from harness.netsuite.errors import parse_error_body
from harness.woo.limits import quick_check, scan

# A line holds an error document only if it holds one of these.
_DOCUMENT_MARKS = ('"o:error', '"name"', '"error"')
_ERROR_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


def is_error_document(document: Any) -> bool:
    """True for a JSON value in one of NetSuite's error shapes."""
    return bool(isinstance(document, dict) and _kind(document))


def failures_in(document: dict[str, Any], request: Request | None = None) -> list[Failure]:
    """One Failure per error the document holds (a REST body may hold several details)."""
    request = request or Request()
    kind = _kind(document)
    status = _status(document, request.status)
    if kind == "rest":
        parsed = parse_error_body(
            status, json.dumps(document), {"Content-Type": "application/json"}
        )
        details = parsed.details or []
        if not details:
            return [_failure(request, status, parsed.code, parsed.detail, None)]
        return [
            _failure(request, status, item.code or parsed.code, item.detail, item.path)
            for item in details
        ]
    if kind == "suitescript":
        return [_failure(request, status, str(document["name"]), str(document.get("message", "")))]
    if kind == "restlet":
        error = document["error"]
        return [_failure(request, status, str(error.get("code")), str(error.get("message", "")))]
    if kind == "oauth":
        code = str(document["error"])
        detail = str(document.get("error_description") or code)
        return [_failure(request, _status(document, request.status or 400), code, detail)]
    return []


def _kind(document: dict[str, Any]) -> str | None:
    if "o:errorDetails" in document or "o:errorCode" in document:
        return "rest"
    name = document.get("name")
    if (
        isinstance(name, str)
        and "message" in document
        and (str(document.get("type", "")).endswith("SuiteScriptError") or _ERROR_NAME.match(name))
    ):
        return "suitescript"
    error = document.get("error")
    if isinstance(error, dict) and isinstance(error.get("code"), str) and "message" in error:
        return "restlet"
    if isinstance(error, str) and error in _OAUTH_ERRORS:
        return "oauth"
    return None


def _status(document: dict[str, Any], said: int | None) -> int:
    # A body pasted on its own has lost its HTTP status; NetSuite repeats it in `status`.
    status = document.get("status")
    if isinstance(status, int) and 100 <= status <= 599:
        return status
    if isinstance(status, str) and status.isdecimal():
        return int(status)
    return said or 400


def _failure(
    request: Request, status: int, code: str | None, detail: str, path: str | None = None
) -> Failure:
    return Failure(
        method=request.method,
        resource=request.resource,
        status=status,
        code=code,
        detail=detail,
        path=path,
    )


def embedded_documents(text: str) -> list[tuple[int, int, dict[str, Any]]]:
    """JSON objects inside a line of text that are NetSuite error documents: (start, end,
    document)."""
    decoder = json.JSONDecoder()
    found: list[tuple[int, int, dict[str, Any]]] = []
    if not any(mark in text for mark in _DOCUMENT_MARKS):
        return found
    index = text.find("{")
    risky = quick_check(text)
    while index != -1:
        try:
            if risky:
                scan(text, start=index)  # raw_decode recurses: the nesting is measured first
            value, end = decoder.raw_decode(text, index)
        except ValueError:  # not JSON there, or JSON past a reading limit
            index = text.find("{", index + 1)
            continue
        if is_error_document(value):
            found.append((index, end, value))
            index = text.find("{", end)
        else:
            index = text.find("{", index + 1)
    return found
