"""Machine-readable reports of a run: JSON (the Verdict shape) and JUnit XML for CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.landing.compare import render_diff
from harness.netsuite.redact import Redactor
from harness.runner import ScenarioResult


def write_json(
    results: Sequence[ScenarioResult],
    path: Path,
    *,
    target: str,
    seed: int,
    connector: str = "reference",
    account: str | None = None,
    seeds: Sequence[int] | None = None,
) -> Path:
    """Every scenario's verdict and calls, plus a summary, as one JSON document; it names the
    connector tested and the target (and account) it was tested against. In a seed sweep
    (`seeds`) each result names its seed, `seed` is null, and a landing that met its
    expectation has null `calls` unless the sweep kept them all (`ScenarioResult.in_sweep`):
    `calls_kept_for` says which."""
    kept = "all" if all(r.calls_kept for r in results) else "not-met"
    sweep = {} if seeds is None else {"seed": None, "seeds": list(seeds), "calls_kept_for": kept}
    document = {
        "harness": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": target,
        "account": account,
        "connector": connector,
        "seed": seed,
        **sweep,
        "summary": {
            "scenarios": len(results),
            "met": sum(r.met for r in results),
            "not_met": sum(not r.met for r in results),
        },
        "results": [r.to_json() for r in results],
    }
    # Last line of defence: no registered secret in any spelling, whatever carried it here.
    redactor = Redactor()
    text = json.dumps(redactor.registered_value(document), indent=2, ensure_ascii=False)
    path.write_text(redactor.registered(text) + "\n", encoding="utf-8")
    return path


def write_junit(
    results: Sequence[ScenarioResult],
    path: Path,
    *,
    target: str,
    connector: str = "reference",
    account: str | None = None,
) -> Path:
    """One testcase per scenario; a scenario that missed its expectation is a failure. The
    suite's properties name the connector, the target and the account."""
    suite = ET.Element(
        "testsuite",
        name=f"harness.{target}",
        tests=str(len(results)),
        failures=str(sum(not r.met for r in results)),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    about = ET.SubElement(suite, "properties")
    for name, value in (("connector", connector), ("target", target), ("account", account)):
        ET.SubElement(about, "property", name=name, value=value or "")
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"catalogue.{target}",
            name=result.name,
            time=f"{result.seconds:.3f}",
        )
        props = ET.SubElement(case, "properties")
        verdict = result.verdict
        for name, value in (
            ("expected", result.expected),
            ("outcome", verdict.outcome),
            ("sales_order_id", verdict.sales_order_id or ""),
            ("category", verdict.diagnosis.category if verdict.diagnosis else ""),
        ):
            ET.SubElement(props, "property", name=name, value=value)
        if not result.met:
            diagnosis = verdict.diagnosis
            message = f"expected {result.expected}, got {verdict.outcome}" + (
                f": {diagnosis.summary}" if diagnosis else ""
            )
            failure = ET.SubElement(case, "failure", message=message)
            body = [render_diff(verdict.mismatches)] if verdict.mismatches else []
            if diagnosis:
                body += [f"hint: {diagnosis.hint}", *diagnosis.evidence]
            failure.text = "\n".join(body)
    # Last line of defence: no registered secret in any spelling, whatever carried it here.
    redactor = Redactor()
    for element in suite.iter():
        element.text = redactor.registered(element.text) if element.text else element.text
        for name, value in element.attrib.items():
            element.set(name, redactor.registered(value))
    text = ET.tostring(suite, encoding="unicode", xml_declaration=False)
    declaration = "<?xml version='1.0' encoding='utf-8'?>\n"
    path.write_text(declaration + redactor.registered(text), encoding="utf-8")
    return path
