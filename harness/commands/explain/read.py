"""What an input is, and which reader explains it.

The harness's own files are recognised by their shape (a call log's lines are calls, a run
report has `harness` and `results`, ...); then NetSuite's answers (an error JSON body, a SOAP
envelope, an HTML page); then exports (CSV) and structured logs (JSON lines); anything else
is read line by line as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from harness.commands.explain import calllog, reports
from harness.commands.explain.bodies import failures_in, is_error_document
from harness.commands.explain.context import mentions_netsuite
from harness.commands.explain.csvfile import read_csv, scan_csv
from harness.commands.explain.findings import Occurrence, findings_from
from harness.commands.explain.htmlpage import looks_like_html, page_occurrences
from harness.commands.explain.model import ExplainError, Explanation, SourceKind
from harness.commands.explain.secrets import mask_line, redactor_from
from harness.commands.explain.soap import envelopes_in, is_envelope, parse_xml, soap_occurrences
from harness.commands.explain.text import json_or_none, scan_json_lines, scan_lines, scan_unit
from harness.landing.failure import Failure
from harness.netsuite.errors import ErrorDetail, parse_error_body
from harness.netsuite.redact import Redactor
from harness.woo.limits import JsonLimitError, read_json

# A text of a few lines pasted on its own is a question about NetSuite: a bare network error
# in it is taken as NetSuite's (a longer log must name NetSuite somewhere).
_PASTED_LINES = 3
_STATUS_MEMBER = re.compile(r'"status"\s*:\s*"?(\d{3})')
# The harness's own reports: how to tell one, where its rows are, what a row is named by.
_OUR_REPORTS: tuple[tuple[Callable[[Any], bool], str, SourceKind, str, str], ...] = (
    (reports.is_run_report, "results", "run-report", "scenario", "a run report of {n} scenarios"),
    (
        reports.is_pytest_report,
        "landings",
        "pytest-report",
        "nodeid",
        "a pytest report of {n} landings",
    ),
)


def explain_text(
    text: str, *, name: str = "<input>", environ: Mapping[str, str] | None = None
) -> Explanation:
    """Read `text` (any of the shapes in the module docstring) and explain every failure."""
    redactor = redactor_from(environ)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExplainError(f"{name}: the input is empty")
    document = _document(text, name)
    if document is not None:
        explained = _json_document(document, text, name, redactor)
        if explained is not None:
            return explained
    first = next(line for line in text.splitlines() if line.strip())
    first_value = json_or_none(first)
    if calllog.is_call(first_value):
        calls = calllog.read_calls(text, name, redactor)
        return _explained(
            name,
            "call-log",
            calllog.call_occurrences(calls, redactor),
            redactor,
            requests=len(calls),
            ours=True,
            about=f"a call log of {len(calls)} requests",
        )
    if document is None and first_value is None and text.lstrip()[:1] == "{" and "o:error" in text:
        return _broken_body(text, name, redactor)
    nearby = mentions_netsuite(text) or len([ln for ln in text.splitlines() if ln.strip()]) <= (
        _PASTED_LINES
    )
    if text.lstrip().startswith("<"):
        explained = _markup(text, name, redactor, nearby)
        if explained is not None:
            return explained
    if isinstance(first_value, dict):
        return _json_lines(text, name, redactor, nearby)
    table = read_csv(text)
    if table is not None:
        header, rows = table
        found = scan_csv(header, rows, redactor, netsuite_nearby=nearby)
        return _explained(
            name, "csv-export", found, redactor, about=f"a CSV export of {len(rows)} rows"
        )
    lines = len(text.splitlines())
    return _explained(
        name, "text-log", _text(text, redactor, nearby), redactor, about=f"a text of {lines} lines"
    )


def _json_document(document: Any, text: str, name: str, redactor: Redactor) -> Explanation | None:
    if is_error_document(document):
        shown = mask_line(redactor, json.dumps(redactor.value(document), ensure_ascii=False))
        found = [
            Occurrence("body", shown, failure) for failure in failures_in(redactor.value(document))
        ]
        return _explained(name, "error-body", found, redactor, about="a NetSuite error body")
    for is_report, key, kind, place, described in _OUR_REPORTS:
        if is_report(document):
            rows = [row for row in document[key] if isinstance(row, dict)]
            return _explained(
                name,
                kind,
                reports.report_occurrences(rows, redactor, place=place),
                redactor,
                requests=reports.call_count(rows),
                ours=True,
                about=described.format(n=len(rows)),
            )
    verdicts = [document] if reports.is_verdict(document) else document
    if reports.is_verdict(document) or reports.is_verdict_list(document):
        found = [
            occurrence
            for verdict in verdicts
            if (
                occurrence := reports.verdict_occurrence(
                    verdict, f"order {verdict.get('order')}", redactor
                )
            )
            is not None
        ]
        return _explained(
            name, "verdict", found, redactor, ours=True, about=f"{len(verdicts)} verdict(s)"
        )
    listed = document if isinstance(document, list) else [document]
    if listed and all(calllog.is_call(item) for item in listed):
        places = [(f"{name}: call {number}", item) for number, item in enumerate(listed, 1)]
        calls = calllog.calls_from(places, redactor)
        return _explained(
            name,
            "call-log",
            calllog.call_occurrences(calls, redactor),
            redactor,
            requests=len(calls),
            ours=True,
            about=f"a call log of {len(calls)} requests",
        )
    if isinstance(document, dict | list):
        values = (
            [(f"item {i}", v) for i, v in enumerate(document, 1)]
            if isinstance(document, list)
            else [("document", document)]
        )
        nearby = mentions_netsuite(text)
        found = scan_json_lines(values, redactor, netsuite_nearby=nearby)
        return _explained(name, "json-lines", found, redactor, about="a JSON document")
    return None


def _broken_body(text: str, name: str, redactor: Redactor) -> Explanation:
    """A NetSuite error body that is not valid JSON (NetSuite's own 429 sample lacks a comma;
    a log may cut a body off): read as leniently as the client reads it."""
    said = _STATUS_MEMBER.search(text)
    status = int(said.group(1)) if said else 400
    parsed = parse_error_body(status, redactor.text(text), {"Content-Type": "application/json"})
    shown = mask_line(redactor, " ".join(text.split()))
    details = parsed.details or [ErrorDetail(parsed.detail, parsed.code)]
    found = [
        Occurrence(
            "body",
            shown,
            Failure("?", "", status, item.code or parsed.code, item.detail, item.path),
        )
        for item in details
    ]
    return _explained(name, "error-body", found, redactor, about="a NetSuite error body")


def _markup(text: str, name: str, redactor: Redactor, nearby: bool) -> Explanation | None:
    root = parse_xml(text)
    soap = (
        soap_occurrences(root, "envelope" if is_envelope(root) else "xml", redactor)
        if (root is not None)
        else []
    )
    if soap or (root is not None and is_envelope(root)):
        return _explained(name, "soap-xml", soap, redactor, about="a SOAP answer")
    if root is not None and reports.is_harness_junit(root):
        found = reports.junit_occurrences(root, redactor)
        cases = sum(1 for element in root.iter() if element.tag.endswith("testcase"))
        return _explained(
            name, "junit-xml", found, redactor, ours=True, about=f"a JUnit report of {cases} tests"
        )
    if root is not None and root.tag.rsplit("}", 1)[-1] in ("testsuite", "testsuites"):
        found = []
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] in ("failure", "error"):
                said = f"{element.get('message', '')}\n{element.text or ''}"
                for number, line in enumerate(said.splitlines(), 1):
                    found.extend(
                        scan_unit(line, f"failure line {number}", redactor, netsuite_nearby=nearby)
                    )
        return _explained(name, "junit-xml", found, redactor, about="a JUnit report")
    if looks_like_html(text):
        return _explained(
            name, "html-page", page_occurrences(text, redactor), redactor, about="an HTML page"
        )
    return None


def _json_lines(text: str, name: str, redactor: Redactor, nearby: bool) -> Explanation:
    found: list[Occurrence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value = json_or_none(line)
        if isinstance(value, dict | list):
            found.extend(
                scan_json_lines([(f"line {number}", value)], redactor, netsuite_nearby=nearby)
            )
        else:
            found.extend(scan_unit(line, f"line {number}", redactor, netsuite_nearby=nearby))
    return _explained(name, "json-lines", found, redactor, about="a log of JSON lines")


def _text(text: str, redactor: Redactor, nearby: bool) -> list[Occurrence]:
    """A text log; SOAP envelopes logged across many lines are read whole."""
    found: list[Occurrence] = []
    lines = text.splitlines()
    covered: set[int] = set()
    for first, last, root in envelopes_in(text):
        found.extend(soap_occurrences(root, f"line {first}", redactor))
        covered.update(range(first, last + 1))
    kept = "\n".join("" if number in covered else line for number, line in enumerate(lines, 1))
    found.extend(scan_lines(kept, redactor, netsuite_nearby=nearby))
    return sorted(found, key=lambda o: _line_number(o.where))


def _line_number(where: str) -> int:
    digits = where.rsplit(" ", 1)[-1]
    return int(digits) if digits.isdecimal() else 0


def _explained(
    name: str,
    kind: SourceKind,
    found: list[Occurrence],
    redactor: Redactor,
    *,
    requests: int = 0,
    ours: bool = False,
    about: str = "",
) -> Explanation:
    return Explanation(
        path=name,
        kind=kind,
        findings=findings_from(found, redactor),
        requests=requests,
        ours=ours,
        about=about,
    )


def _document(text: str, name: str) -> Any:
    """The whole input as JSON (None when it is not JSON); JSON past the reading limits
    (nested too deep, a number too long) cannot be read at all."""
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        return read_json(stripped, allow_nan=True)
    except JsonLimitError as exc:
        raise ExplainError(f"{name}: cannot be read as JSON: {exc}") from None
    except ValueError:
        return None
