"""Reports the harness writes: the diagnoses they already hold, never new ones.

- `harness run`'s harness-report.json: `{"harness", "summary", "results": [{"scenario",
  "expected", "met", "verdict", "calls"}]}`;
- the pytest plugin's `--ns-report`: `{"run", "summary", "landings": [{"nodeid", "scenario",
  "expected", "met", "verdict", "calls"}]}`;
- `harness land --json`: one Verdict, or a list of them;
- harness-junit.xml: a testcase per scenario with `category` and `outcome` properties and,
  when the scenario missed its expectation, a failure holding the summary and the hint.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from harness.commands.explain.findings import Occurrence
from harness.commands.explain.secrets import mask_line
from harness.commands.explain.soap import local
from harness.landing.classify import Cause
from harness.landing.verdict import CATEGORIES, OUTCOMES, Category
from harness.netsuite.redact import Redactor

_HINT = "hint: "


def is_run_report(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("results"), list) and "harness" in value


def is_pytest_report(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("landings"), list) and "run" in value


def is_verdict(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("outcome") in OUTCOMES
        and {"order", "mismatches", "diagnosis"} <= value.keys()
    )


def is_verdict_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_verdict(item) for item in value)


def is_harness_junit(root: ET.Element) -> bool:
    suites = [root] if local(root.tag) == "testsuite" else list(root)
    return any(
        local(suite.tag) == "testsuite" and str(suite.get("name", "")).startswith("harness.")
        for suite in suites
    )


def report_occurrences(
    rows: Iterable[Mapping[str, Any]], redactor: Redactor, *, place: str
) -> list[Occurrence]:
    """One occurrence per row whose verdict holds a diagnosis; `place` names the row's key
    (`scenario` in a run report, `nodeid` in the pytest report)."""
    found = []
    for row in rows:
        verdict = row.get("verdict")
        if not isinstance(verdict, Mapping):
            continue
        named = row.get(place) or verdict.get("scenario") or f"order {verdict.get('order')}"
        occurrence = verdict_occurrence(verdict, f"{_label(place)} {named}", redactor)
        if occurrence is not None:
            met = row.get("met")
            found.append(replace(occurrence, expected=met if isinstance(met, bool) else None))
    return found


def verdict_occurrence(
    verdict: Mapping[str, Any], where: str, redactor: Redactor
) -> Occurrence | None:
    """The diagnosis a Verdict holds, as it stands; None for a verdict without one."""
    diagnosis = verdict.get("diagnosis")
    if not isinstance(diagnosis, Mapping):
        return None
    category = diagnosis.get("category")
    if category not in CATEGORIES:
        return None
    evidence = [str(line) for line in diagnosis.get("evidence") or () if str(line).strip()]
    order = verdict.get("order")
    outcome = verdict.get("outcome", "?")
    return Occurrence(
        where=where,
        evidence=mask_line(redactor, evidence[0]) if evidence else f"outcome {outcome}",
        cause=Cause(
            _category(category), str(diagnosis.get("summary", "")), str(diagnosis.get("hint", ""))
        ),
        order=str(order) if order not in (None, "") else None,
        record=f"salesOrder {verdict['sales_order_id']}" if verdict.get("sales_order_id") else None,
        extra_evidence=tuple(mask_line(redactor, line) for line in evidence[1:]),
    )


def junit_occurrences(root: ET.Element, redactor: Redactor) -> list[Occurrence]:
    """One occurrence per testcase of the harness's JUnit report with a category."""
    found = []
    for case in root.iter():
        if local(case.tag) != "testcase":
            continue
        props = {
            str(p.get("name")): str(p.get("value", ""))
            for p in case.iter()
            if local(p.tag) == "property"
        }
        category = props.get("category", "")
        if category not in CATEGORIES:
            continue
        failure = next((c for c in case if local(c.tag) in ("failure", "error")), None)
        where = f"scenario {case.get('name', '?')}"
        if failure is None:
            summary = (
                f"{props.get('outcome', '?')} ({category}), as the scenario expected; the JUnit "
                "report keeps summaries only for scenarios that missed their expectation."
            )
            cause = Cause(_category(category), summary, "Nothing to fix: the scenario expects it.")
            found.append(
                Occurrence(
                    where, f"outcome {props.get('outcome', '?')}", cause=cause, expected=True
                )
            )
            continue
        message = str(failure.get("message", ""))
        summary = message.split(": ", 1)[1] if ": " in message else message
        lines = [line for line in (failure.text or "").splitlines() if line.strip()]
        hint = next((line[len(_HINT) :] for line in lines if line.startswith(_HINT)), "")
        evidence = [line for line in lines if not line.startswith(_HINT)]
        cause = Cause(_category(category), summary, hint or "See the scenario's report.")
        found.append(
            Occurrence(
                where=where,
                evidence=mask_line(redactor, evidence[0] if evidence else message),
                cause=cause,
                expected=False,
                extra_evidence=tuple(mask_line(redactor, line) for line in evidence[1:]),
            )
        )
    return found


def call_count(rows: Iterable[Mapping[str, Any]]) -> int:
    return sum(len(row.get("calls") or ()) for row in rows)


def _category(name: str) -> Category:
    return next(category for category in CATEGORIES if category == name)


def _label(place: str) -> str:
    return {"nodeid": "test", "scenario": "scenario"}.get(place, place)
