"""`harness explain`: error bodies, HTML pages, call logs and connector logs, diagnosed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli.main import main
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.errors import error_detail, error_document


def _explain(runner: CliRunner, path: Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(main, ["explain", "--json", str(path)])
    return result.exit_code, json.loads(result.output)


def _categories(found: dict[str, object]) -> list[str]:
    findings = found["findings"]
    assert isinstance(findings, list)
    return [f["category"] for f in findings]


def test_an_error_body_is_classified_by_its_message(runner: CliRunner, tmp_path: Path) -> None:
    body = error_document(400, [error_detail(
        "Error while accessing a resource. Invalid item reference key 108 for subsidiary 2.",
        "USER_ERROR", path="item.items[0].item",
    )])
    path = tmp_path / "error.json"
    path.write_text(json.dumps(body))
    code, found = _explain(runner, path)
    assert code == 0
    assert found["kind"] == "error-body"
    assert _categories(found) == ["item-mapping"]
    finding = found["findings"][0]  # type: ignore[index]
    assert "subsidiary 2" in finding["hint"]
    assert "item.items[0].item" in finding["evidence"][0]


@pytest.mark.parametrize(
    ("status", "detail", "code", "category"),
    [
        (401, "Invalid login attempt.", "INVALID_LOGIN", "auth"),
        (400, "Error while accessing a resource. Please enter value(s) for: Location.",
         "USER_ERROR", "required-field"),
        (429, "Concurrent request limit exceeded. Request blocked.",
         "CONCURRENCY_LIMIT_EXCEEDED", "governance"),
        (400, "Error while accessing a resource. Orders from this channel need approval.",
         "USER_ERROR", "script-or-workflow"),
    ],
)
def test_each_family_of_error_gets_its_category(
    runner: CliRunner, tmp_path: Path, status: int, detail: str, code: str, category: str
) -> None:
    path = tmp_path / "error.json"
    path.write_text(json.dumps(error_document(status, [error_detail(detail, code)])))
    assert _categories(_explain(runner, path)[1]) == [category]


def test_an_html_maintenance_page_is_transport(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Maintenance</title></head><body><p>The account you are trying to "
        "access is currently unavailable while we undergo our regularly scheduled maintenance."
        "</p></body></html>"
    )
    code, found = _explain(runner, path)
    assert code == 0
    assert found["kind"] == "html-page"
    assert _categories(found) == ["transport"]


def test_a_call_log_explains_each_failed_call(runner: CliRunner, tmp_path: Path) -> None:
    ok = Call(time="2024-01-01T00:00:00.000Z", method="GET", host="h", path="/x", status=200)
    refused = Call(
        time="2024-01-01T00:00:01.000Z", method="POST", host="h",
        path="/services/rest/record/v1/salesOrder", status=403,
        error_code="INSUFFICIENT_PERMISSION",
        error_detail="Permission Violation: You need  the 'Transactions -> Sales Order' "
        "permission to access this page. Please contact your account administrator.",
    )
    path = tmp_path / "calls.jsonl"
    CallLog(calls=[ok, refused]).write_jsonl(path)
    code, found = _explain(runner, path)
    assert code == 0
    assert found["kind"] == "call-log" and found["requests"] == 2
    assert _categories(found) == ["permission"]
    finding = found["findings"][0]  # type: ignore[index]
    assert finding["where"] == "call 2"
    assert "Sales Order" in finding["hint"]


def test_a_clean_call_log_exits_0_with_nothing_to_explain(
    runner: CliRunner, tmp_path: Path
) -> None:
    ok = Call(time="2024-01-01T00:00:00.000Z", method="GET", host="h", path="/x", status=200)
    path = tmp_path / "calls.jsonl"
    CallLog(calls=[ok]).write_jsonl(path)
    result = runner.invoke(main, ["explain", str(path)])
    assert result.exit_code == 0
    assert "a call log of 1 requests; 0 failure(s) in 0 finding(s)" in result.output
    assert "Nothing to explain" in result.output


def test_a_connector_log_is_read_line_by_line_and_secrets_are_masked(
    runner: CliRunner, tmp_path: Path
) -> None:
    embedded = json.dumps(error_document(400, [error_detail(
        "Error while accessing a resource. Please enter value(s) for: Department.", "USER_ERROR"
    )]))
    path = tmp_path / "connector.log"
    path.write_text(
        "10:00:01 INFO order 1001 picked up\n"
        f"10:00:02 ERROR POST /services/rest/record/v1/salesOrder 400 {embedded}\n"
        "10:00:03 ERROR order 1002: Error while accessing a resource. You have entered an "
        "Invalid Field Value 77 for the following field: shipmethod\n"
        "10:00:04 ERROR Authorization: Bearer sekrit-token-value-123 401 "
        '{"o:errorDetails":[{"detail":"Invalid login attempt.","o:errorCode":"INVALID_LOGIN"}]}\n'
    )
    code, found = _explain(runner, path)
    assert code == 0
    assert found["kind"] == "text-log"
    assert _categories(found) == ["required-field", "shipping", "auth"]
    findings = found["findings"]
    assert isinstance(findings, list)
    assert [f["where"] for f in findings] == ["line 2", "line 3", "line 4"]
    assert "sekrit-token-value-123" not in json.dumps(found)


def test_text_without_netsuite_errors_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("all good today\n")
    result = runner.invoke(main, ["explain", str(path)])
    assert result.exit_code == 1
    assert "No NetSuite error found" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("", "is empty"), ('{"method":"GET","path":"/x","status":"abc"}\n',
                                              "status")],
)
def test_unreadable_input_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_text(content)
    result = runner.invoke(main, ["explain", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
