"""What `harness explain` found: findings, one per distinct cause, and the file they came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from harness.landing.verdict import Diagnosis

SourceKind = Literal[
    "error-body",  # one NetSuite answer: REST error JSON, SuiteScript or RESTlet error JSON
    "html-page",  # an HTML page where JSON was expected (maintenance, outage, login page)
    "soap-xml",  # a SOAP envelope: a fault or a statusDetail of isSuccess="false"
    "text-log",  # any text: a connector's log, a stack trace, a pasted message
    "json-lines",  # one JSON object per line (structured logs), or a JSON list of them
    "csv-export",  # an error export (Celigo, FarApp, ...): one row per failed record
    "call-log",  # a harness call log (`CallLog.write_jsonl`)
    "run-report",  # `harness run`'s harness-report.json
    "pytest-report",  # the pytest plugin's `--ns-report` JSON
    "junit-xml",  # JUnit XML (the harness's harness-junit.xml, or any other)
    "verdict",  # `harness land --json`: one Verdict or a list
]


class ExplainError(ValueError):
    """The input could not be read: missing, empty, or one of our files in a broken shape."""


@dataclass(frozen=True)
class Finding:
    """One cause found in the input: where, what it means, and how often it happened.

    `count` > 1 when the same cause repeats (the places, orders and records are listed);
    `expected` is True for a diagnosis a scenario expected (reports only)."""

    where: str  # "line 12", "lines 3, 7, 9", "row 4", "call 3", "scenario unknown-sku"
    diagnosis: Diagnosis
    count: int = 1
    orders: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    expected: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"where": self.where, **self.diagnosis.to_json()}
        data["count"] = self.count
        if self.orders:
            data["orders"] = list(self.orders)
        if self.records:
            data["records"] = list(self.records)
        if self.expected is not None:
            data["expected"] = self.expected
        return data


@dataclass(frozen=True)
class Explanation:
    """Everything found in one input."""

    path: str
    kind: SourceKind
    findings: tuple[Finding, ...]
    requests: int = 0  # call logs and reports: how many exchanges the file holds
    ours: bool = False  # a file the harness wrote: no finding is an answer, not a failure
    about: str = ""  # what was read, in words: "a call log of 14 requests"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "kind": self.kind,
            "requests": self.requests,
            "findings": [finding.to_json() for finding in self.findings],
        }
