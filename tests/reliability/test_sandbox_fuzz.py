"""The embedded sandbox fed malformed requests answers NetSuite-shaped errors only: JSON with
`type`, `title`, `status` and `o:errorDetails`, never a 500 from its own code."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sandbox_fuzz import Hostile, hostile_requests, netsuite_error_problems, prepared

from harness.sandbox.serve import Sandbox
from tests.hypothesis_budget import examples

FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=examples(300)
)


@FUZZ
@given(hostile_requests())
def test_hostile_requests_get_netsuite_shaped_answers(sandbox: Sandbox, request: Hostile) -> None:
    url, headers = prepared(sandbox, request, sandbox.base_url)

    status, answer_headers, body = sandbox.handle(request.method, url, headers, request.body)

    path = url.split("?", 1)[0].removeprefix(sandbox.base_url)
    assert netsuite_error_problems(status, answer_headers, body, path=path) == [], (
        request.method,
        url,
        headers,
        request.body[:200],
        status,
        body[:300],
    )


def test_the_check_refuses_a_500_and_a_bare_error() -> None:
    assert netsuite_error_problems(500, {}, b"{}")
    assert netsuite_error_problems(400, {"Content-Type": "text/html"}, b"<html>")
    assert netsuite_error_problems(
        404,
        {"Content-Type": "application/vnd.oracle.resource+json; type=error"},
        b'{"type": "x", "title": "y", "status": 404, "o:errorDetails": []}',
    )
    token = "/services/rest/auth/oauth2/v1/token"
    assert netsuite_error_problems(400, {}, b'{"error": "invalid_grant"}', path=token) == []
    assert netsuite_error_problems(400, {}, b"{}", path=token)
