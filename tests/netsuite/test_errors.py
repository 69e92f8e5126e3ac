"""NetSuiteError: every documented error shape, the malformed ones, and non-JSON answers."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from harness.netsuite.errors import (
    ERROR_MEDIA_TYPE,
    ErrorDetail,
    NetSuiteError,
    TransportError,
    error_detail,
    error_document,
)
from harness.netsuite.redact import Redactor

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
CUSTOMER = f"{BASE}/services/rest/record/v1/customer"

# reference/netsuite-rest.md 5.2, reproduced as published (the comma after the top-level
# o:errorCode is missing in the original).
MALFORMED_429 = (
    '{"type":"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",'
    '"title":"Bad Request","status":429,\n'
    ' "o:errorCode":"USER_ERROR"\n'
    ' "o:errorDetails":[{"detail":"Concurrent request limit exceeded. Request blocked.",'
    '"o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}'
)


def answer(
    status: int,
    body: str | bytes,
    *,
    method: str = "POST",
    url: str = CUSTOMER,
    content_type: str = ERROR_MEDIA_TYPE,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """A real `requests` response carrying `body`, as NetSuite would have sent it."""
    with responses.RequestsMock() as mock:
        mock.add(
            method, url, body=body, status=status, content_type=content_type, headers=headers or {}
        )
        return requests.request(method, url, json={} if method in ("POST", "PUT") else None)


def test_missing_required_field_reads_like_the_documented_example() -> None:
    body = error_document(
        400,
        [
            error_detail(
                "Error while accessing a resource. Please enter value(s) for: Primary Subsidiary.",
                "USER_ERROR",
                path="subsidiary",
            )
        ],
    )
    error = NetSuiteError.from_response(answer(400, json.dumps(body)))

    assert str(error) == (
        "400 USER_ERROR: Error while accessing a resource. Please enter value(s) for: "
        "Primary Subsidiary. (path: subsidiary) [POST /record/v1/customer]"
    )
    assert (error.status, error.code, error.path, error.method) == (
        400,
        "USER_ERROR",
        "subsidiary",
        "POST",
    )
    assert error.detail.endswith("Primary Subsidiary.")
    assert error.url == CUSTOMER
    assert error.title == "Bad Request"
    assert json.loads(error.raw_body) == body
    assert error.headers["Content-Type"] == ERROR_MEDIA_TYPE
    assert repr(error) == f"NetSuiteError({str(error)!r})"


def test_every_detail_is_kept_and_shown() -> None:
    body = error_document(
        400,
        [
            error_detail(
                "Invalid Field Value 9999 for the following field: item",
                "INVALID_CONTENT",
                path="item.items[0].item",
            ),
            error_detail("Please enter value(s) for: Location.", "USER_ERROR"),
        ],
    )
    error = NetSuiteError.from_response(answer(400, json.dumps(body)))

    assert error.code == "INVALID_CONTENT"
    assert error.path == "item.items[0].item"
    assert [d.code for d in error.details] == ["INVALID_CONTENT", "USER_ERROR"]
    assert "USER_ERROR: Please enter value(s) for: Location." in str(error)


def test_invalid_query_parameter_names_the_parameter() -> None:
    body = error_document(
        400,
        [
            error_detail(
                "Invalid search query. Provide a valid search query.",
                "INVALID_PARAMETER",
                query_param="q",
            )
        ],
    )
    error = NetSuiteError.from_response(answer(400, json.dumps(body), method="GET"))

    assert error.query_param == "q"
    assert "(query parameter: q) [GET /record/v1/customer]" in str(error)


def test_invalid_login_keeps_the_www_authenticate_header() -> None:
    challenge = 'OAuth realm="1234567_SB1", error="token_rejected", error_description="x"'
    body = error_document(401, [error_detail("Invalid login attempt.", "INVALID_LOGIN")])
    error = NetSuiteError.from_response(
        answer(401, json.dumps(body), method="GET", headers={"WWW-Authenticate": challenge})
    )

    assert (error.status, error.code) == (401, "INVALID_LOGIN")
    assert error.headers["WWW-Authenticate"] == challenge


def test_malformed_concurrency_429_yields_the_specific_code() -> None:
    error = NetSuiteError.from_response(answer(429, MALFORMED_429, method="GET"))

    assert error.status == 429
    # The detail's code is the meaningful one; the top-level USER_ERROR is generic.
    assert error.code == "CONCURRENCY_LIMIT_EXCEEDED"
    assert error.detail == "Concurrent request limit exceeded. Request blocked."


def test_oauth_token_endpoint_error() -> None:
    body = {"error": "invalid_client", "error_description": "Invalid client assertion."}
    error = NetSuiteError.from_response(
        answer(
            400,
            json.dumps(body),
            url=f"{BASE}/services/rest/auth/oauth2/v1/token",
            content_type="application/json",
        )
    )

    assert (error.code, error.detail) == ("invalid_client", "Invalid client assertion.")
    assert str(error) == (
        "400 invalid_client: Invalid client assertion. [POST /auth/oauth2/v1/token]"
    )


def test_body_without_details_falls_back_to_the_title() -> None:
    body = {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5",
        "title": "Not Found",
        "status": 404,
    }
    error = NetSuiteError.from_response(answer(404, json.dumps(body), method="GET"))

    assert error.code is None
    assert error.details == []
    assert str(error) == "404 Not Found (NetSuite sent no error details) [GET /record/v1/customer]"


def test_html_maintenance_page_is_summarised_by_its_title() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>\n  NetSuite &mdash; Scheduled Maintenance "
        "</title></head><body><h1>Back soon</h1></body></html>"
    )
    error = NetSuiteError.from_response(
        answer(503, page, method="GET", content_type="text/html; charset=UTF-8")
    )

    assert error.status == 503
    assert error.code is None
    assert str(error) == (
        "NetSuite answered 503 with an HTML page (title: NetSuite — Scheduled Maintenance) "
        "[GET /record/v1/customer]"
    )


def test_html_without_a_title_shows_its_text() -> None:
    error = NetSuiteError.from_response(
        answer(502, "<html><body>Bad gateway from proxy</body></html>", content_type="text/html")
    )

    assert "502 with an HTML page: Bad gateway from proxy" in str(error)


def test_truncated_json_keeps_what_can_be_read() -> None:
    full = json.dumps(
        error_document(500, [error_detail("An unexpected error occurred.", "UNEXPECTED_ERROR")])
    )
    cut = full[: full.index("UNEXPECTED_ERROR") + len("UNEXPECTED_ERROR") + 1]
    error = NetSuiteError.from_response(answer(500, cut))

    assert error.code == "UNEXPECTED_ERROR"
    assert error.detail.startswith(
        "An unexpected error occurred. (NetSuite answered 500 with invalid JSON:"
    )


def test_json_cut_before_any_detail_says_so() -> None:
    error = NetSuiteError.from_response(answer(500, '{"type":"https://www.w3.org/Prot'))

    assert error.code is None
    assert str(error).startswith('NetSuite answered 500 with invalid or cut-off JSON: {"type"')


def test_empty_body() -> None:
    error = NetSuiteError.from_response(answer(502, b"", content_type="text/plain"))

    assert str(error) == "NetSuite answered 502 with an empty body [POST /record/v1/customer]"


def test_plain_text_body() -> None:
    error = NetSuiteError.from_response(
        answer(500, "upstream connect error", content_type="text/plain")
    )

    assert str(error).startswith(
        "NetSuite answered 500 with a body that is not JSON: upstream connect error"
    )


def test_sandbox_wire_format_round_trips_through_the_parser() -> None:
    details = [error_detail("Bad header.", "INVALID_HEADER", header="Prefer")]
    error = NetSuiteError.from_response(answer(400, json.dumps(error_document(400, details))))

    assert error.details == [ErrorDetail("Bad header.", "INVALID_HEADER", header="Prefer")]
    assert "(header: Prefer)" in str(error)


def test_transport_error_has_status_zero() -> None:
    error = TransportError("ReadTimeout: read timed out", method="post", url=CUSTOMER)

    assert error.status == 0
    assert isinstance(error, NetSuiteError)
    assert (
        str(error)
        == "no answer from NetSuite: ReadTimeout: read timed out [POST /record/v1/customer]"
    )


def test_registered_secrets_never_reach_message_fields_or_repr() -> None:
    secret = "tok3n-Secret-Value"
    redactor = Redactor([secret])
    body = error_document(
        400, [error_detail(f"Invalid value {secret} for field memo", "USER_ERROR", path="memo")]
    )
    response = answer(
        400,
        json.dumps(body),
        url=f"{CUSTOMER}?q=memo%20IS%20{secret}",
        method="GET",
        headers={"X-Echo": secret},
    )
    error = NetSuiteError.from_response(response, redactor=redactor)

    for text in (
        str(error),
        repr(error),
        error.detail,
        error.raw_body,
        error.url,
        json.dumps(error.headers),
        *(d.detail for d in error.details),
    ):
        assert secret not in text
    assert "Invalid value *** for field memo" in str(error)


@pytest.mark.parametrize("scheme", ["Bearer", "Basic"])
def test_credentials_in_free_text_are_masked_without_registration(scheme: str) -> None:
    error = NetSuiteError(
        500, f"proxy said: Authorization: {scheme} abc.DEF-123=", method="GET", url=CUSTOMER
    )

    assert "abc.DEF-123" not in str(error)
    assert f"{scheme} ***" in str(error)
