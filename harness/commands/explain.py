"""`harness explain`: what a NetSuite error, a call log or a connector's log actually means.

People paste what they have: one error body NetSuite sent (JSON, or the HTML page its edge
serves during outages), a call log the harness wrote (`CallLog.write_jsonl`), or a connector's
exported log with NetSuite's error JSON and "Error while accessing a resource" texts buried in
its lines. Each failed request found becomes a `Failure` and is classified by the same rules
that diagnose landings (`harness.landing.classify`), so the answer here and in a run agree.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.landing.classify import classify
from harness.landing.failure import Failure, format_call
from harness.landing.verdict import Diagnosis
from harness.netsuite.calllog import CallLog, CallLogFormatError
from harness.netsuite.errors import parse_error_body
from harness.netsuite.redact import Redactor

SourceKind = Literal["error-body", "html-page", "call-log", "text-log"]

_STATUS = re.compile(r"\b([45]\d\d)\b")
_REQUEST = re.compile(
    r"\b(GET|POST|PUT|PATCH|DELETE)\s+(\S*?/(?:services/rest|record/v1|query/v1)\S*)", re.I
)
_PREFIX_TEXT = re.compile(
    r"(Error while accessing (?:a )?resource[.:]\s*.+?)(?:\"|$)", re.IGNORECASE
)
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_VISIBLE_TEXT = 400


class ExplainError(ValueError):
    """The file could not be read as anything NetSuite or a connector writes."""


@dataclass(frozen=True)
class Finding:
    """One failed request found in the file, where it was, and what it means."""

    where: str  # "body", "line 12", "call 3"
    failure: Failure
    diagnosis: Diagnosis

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, **self.diagnosis.to_json()}


@dataclass(frozen=True)
class Explanation:
    """Everything found in one file."""

    path: str
    kind: SourceKind
    findings: tuple[Finding, ...]
    requests: int = 0  # call logs: how many exchanges the log holds

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "kind": self.kind,
            "requests": self.requests,
            "findings": [finding.to_json() for finding in self.findings],
        }


def _diagnose(failure: Failure, evidence: str, where: str) -> Finding:
    cause = classify(failure)
    return Finding(
        where, failure, Diagnosis(cause.category, cause.summary, cause.hint, (evidence,))
    )


def explain_file(path: str | Path) -> Explanation:
    """Read `path` (any of the shapes above) and explain every failure in it."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ExplainError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    text = raw.decode("utf-8", errors="replace")
    return explain_text(text, name=str(source))


def explain_text(text: str, *, name: str = "<input>") -> Explanation:
    """Like `explain_file`, for text already in memory."""
    # Logs may hold credentials (an Authorization header, a token in a URL): mask them first.
    text = Redactor().text(text)
    stripped = text.strip()
    if not stripped:
        raise ExplainError(f"{name}: the file is empty")
    document = _json_or_none(stripped)
    if isinstance(document, dict) and not _is_call(document):
        return Explanation(name, "error-body", (_from_body(document, stripped),))
    if stripped[:1] == "<":
        return Explanation(name, "html-page", (_from_html(stripped),))
    if _looks_like_call_log(stripped):
        return _from_call_log(stripped, name)
    findings = tuple(_from_text_lines(text))
    return Explanation(name, "text-log", findings)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _is_call(document: dict[str, Any]) -> bool:
    return {"method", "path", "status"} <= document.keys()


def _looks_like_call_log(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    document = _json_or_none(first)
    return isinstance(document, dict) and _is_call(document)


def _status_of(document: dict[str, Any], default: int = 400) -> int:
    status = document.get("status")
    if isinstance(status, int) and 100 <= status <= 599:
        return status
    if isinstance(status, str) and status.isdigit():
        return int(status)
    return default


def _from_body(document: dict[str, Any], text: str, where: str = "body") -> Finding:
    # A body pasted on its own has lost its HTTP status; NetSuite repeats it in `status`.
    status = _status_of(document)
    parsed = parse_error_body(status, text, {"Content-Type": "application/json"})
    first = parsed.details[0] if parsed.details else None
    failure = Failure(
        method="?",
        resource="",
        status=status,
        code=parsed.code,
        detail=parsed.detail,
        path=first.path if first else None,
    )
    shown = f"{status}" + (f" {parsed.code}" if parsed.code else "") + f": {parsed.detail}"
    if failure.path:
        shown += f" (path: {failure.path})"
    return _diagnose(failure, shown, where)


def _from_html(text: str) -> Finding:
    visible = " ".join(html.unescape(_TAGS.sub(" ", text)).split())[:_VISIBLE_TEXT]
    # NetSuite's edge answers with HTML only outside the REST service itself: maintenance,
    # outages, gateway errors (INFERRED). Without a status in the page, take it as a 503.
    found = _STATUS.search(visible)
    status = int(found.group(1)) if found else 503
    parsed = parse_error_body(status, text, {"Content-Type": "text/html"})
    failure = Failure(method="?", resource="", status=status, detail=visible or parsed.detail)
    return _diagnose(failure, parsed.detail, "page")


def _from_call_log(text: str, name: str) -> Explanation:
    import tempfile

    # CallLog.read_jsonl reads files; the text is already redacted and in memory.
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "calls.jsonl"
        copy.write_text(text, encoding="utf-8")
        try:
            log = CallLog.read_jsonl(copy)
        except CallLogFormatError as exc:
            raise ExplainError(str(exc).replace(str(copy), name)) from None
    findings = [
        _diagnose(Failure.from_call(call), format_call(call), f"call {number}")
        for number, call in enumerate(log.calls, start=1)
        if not call.ok
    ]
    return Explanation(name, "call-log", tuple(findings), requests=len(log))


def _embedded_documents(line: str) -> list[dict[str, Any]]:
    """JSON objects inside a log line that look like NetSuite error bodies."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    index = line.find("{")
    while index != -1:
        try:
            value, end = decoder.raw_decode(line, index)
        except ValueError:
            index = line.find("{", index + 1)
            continue
        if isinstance(value, dict) and ("o:errorDetails" in value or "o:errorCode" in value):
            found.append(value)
        index = line.find("{", end)
    return found


def _from_text_lines(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"line {number}"
        request = _REQUEST.search(line)
        method = request.group(1).upper() if request else "?"
        resource = request.group(2) if request else ""
        documents = _embedded_documents(line)
        for document in documents:
            if "status" not in document:
                said = _STATUS.search(line[: line.find("{")])
                document = {**document, "status": int(said.group(1)) if said else 400}
            finding = _from_body(document, json.dumps(document), where)
            failure = Failure(
                method=method,
                resource=resource,
                status=finding.failure.status,
                code=finding.failure.code,
                detail=finding.failure.detail,
                path=finding.failure.path,
            )
            findings.append(_diagnose(failure, line.strip(), where))
        if documents:
            continue
        match = _PREFIX_TEXT.search(line)
        if match is None:
            continue
        detail = match.group(1).strip()
        status_match = _STATUS.search(line[: match.start()])
        # A connector's line rarely keeps the status; NetSuite sends these texts with 400.
        status = int(status_match.group(1)) if status_match else 400
        code = "USER_ERROR" if status == 400 else None
        failure = Failure(method=method, resource=resource, status=status, code=code, detail=detail)
        findings.append(_diagnose(failure, line.strip(), where))
    return findings
