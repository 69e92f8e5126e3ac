"""From failures found in an input to findings: diagnosed, masked, and grouped by cause.

A connector that fails on one ship method fails the same way on every order that uses it;
a log of a bad night holds the same error hundreds of times. Occurrences with the same
category and summary become one finding that counts them and lists their orders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from harness.commands.explain.causes import diagnose
from harness.commands.explain.model import Finding
from harness.landing.classify import Cause
from harness.landing.failure import Failure
from harness.landing.verdict import Diagnosis
from harness.netsuite.redact import Redactor

_SHOWN_PLACES = 12
_SHOWN_EVIDENCE = 3
_PLACE = re.compile(r"^(line|row|call|item|record|page) (\d+)$")
# NetSuite names the customer a bad reference was sent for ("... for entity 33676"): every
# order has its own, and the cause (the bad key) is the same.
_PER_ORDER = re.compile(r" for entity \d+")


@dataclass(frozen=True)
class Occurrence:
    """One failure where it was found, before diagnosis; `cause` when already known."""

    where: str
    evidence: str
    failure: Failure | None = None
    cause: Cause | None = None
    order: str | None = None
    record: str | None = None
    expected: bool | None = None
    extra_evidence: tuple[str, ...] = ()


def findings_from(occurrences: Iterable[Occurrence], redactor: Redactor) -> tuple[Finding, ...]:
    """Diagnose each occurrence, then merge the ones that share a cause (first seen first)."""
    groups: dict[tuple[str, str, str], list[tuple[Occurrence, Cause]]] = {}
    for occurrence in occurrences:
        cause = occurrence.cause or diagnose(_known(occurrence.failure))
        key = (cause.category, _PER_ORDER.sub("", cause.summary), str(occurrence.expected))
        groups.setdefault(key, []).append((occurrence, cause))
    return tuple(_finding(group, redactor) for group in groups.values())


def _known(failure: Failure | None) -> Failure:
    if failure is None:
        raise ValueError("an occurrence needs a failure or a cause")
    return failure


def _finding(group: list[tuple[Occurrence, Cause]], redactor: Redactor) -> Finding:
    first, cause = group[0]
    count = len(group)
    orders = _distinct(o.order for o, _ in group)
    records = _distinct(o.record for o, _ in group)
    summary = cause.summary
    if count > 1:
        if len({c.summary for _, c in group}) > 1:
            summary = _PER_ORDER.sub("", summary)
        summary = f"{count} {'orders' if len(orders) == count else 'times'}: {summary}"
    evidence = list(_distinct(o.evidence for o, _ in group))
    shown = evidence[:_SHOWN_EVIDENCE]
    if len(evidence) > _SHOWN_EVIDENCE:
        shown.append(f"... and {len(evidence) - _SHOWN_EVIDENCE} more like these")
    shown.extend(first.extra_evidence)
    return Finding(
        where=redactor.text(_places([o.where for o, _ in group])),
        diagnosis=Diagnosis(
            cause.category,
            redactor.text(summary),
            redactor.text(cause.hint),
            tuple(redactor.text(line) for line in shown),
        ),
        count=count,
        orders=tuple(redactor.text(order) for order in orders),
        records=tuple(redactor.text(record) for record in records),
        expected=first.expected,
    )


def _distinct(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def _places(wheres: list[str]) -> str:
    """`line 3`, or `lines 3, 7, 12`, or the places joined when they are of mixed kinds."""
    unique = list(_distinct(wheres))
    if len(unique) == 1:
        return unique[0]
    parsed = [_PLACE.match(where) for where in unique]
    kinds = {m.group(1) for m in parsed if m}
    if len(kinds) == 1 and all(parsed):
        numbers = [m.group(2) for m in parsed if m]
        shown = ", ".join(numbers[:_SHOWN_PLACES])
        more = f", ... ({len(numbers)} in all)" if len(numbers) > _SHOWN_PLACES else ""
        return f"{kinds.pop()}s {shown}{more}"
    shown = "; ".join(unique[:_SHOWN_PLACES])
    return shown + (f"; ... ({len(unique)} in all)" if len(unique) > _SHOWN_PLACES else "")
