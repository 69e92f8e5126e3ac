"""The run's results: every landing, stale or partly played cassette, and leftover record.

One `RunResults` per process. Under xdist each worker sends its own to the controller as
plain JSON data (`to_json` / `merge_json`), which prints one summary and writes one report;
rows are sorted, so the output does not depend on which worker ran what.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.report.visible import visible


@dataclass(frozen=True)
class LandingRecord:
    """One `land()` in one test: the verdict and whether it was what the scenario expected."""

    nodeid: str
    scenario: str | None
    expected: str | None
    met: bool | None
    seconds: float
    verdict: Mapping[str, Any]
    calls: tuple[str, ...] = ()
    seed: int | None = None  # the test's seed in a seed sweep (--ns-seeds)

    @property
    def label(self) -> str:
        """The scenario (with its seed in a sweep), or the order a test landed without one."""
        name = self.scenario or f"(order {self.verdict.get('order', '?')})"
        return name if self.seed is None else f"{name}[seed={self.seed}]"

    @property
    def outcome(self) -> str:
        return str(self.verdict.get("outcome", "?"))

    @property
    def diagnosis(self) -> str:
        found = self.verdict.get("diagnosis")
        if not found:
            return ""
        return f"{found.get('category')}: {found.get('summary')}"

    def to_json(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "scenario": self.scenario,
            **({} if self.seed is None else {"seed": self.seed}),
            "expected": self.expected,
            "met": self.met,
            "seconds": round(self.seconds, 4),
            "verdict": dict(self.verdict),
            "calls": list(self.calls),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LandingRecord:
        return cls(
            nodeid=str(data["nodeid"]),
            scenario=data.get("scenario"),
            expected=data.get("expected"),
            met=data.get("met"),
            seconds=float(data.get("seconds", 0.0)),
            verdict=dict(data.get("verdict") or {}),
            calls=tuple(data.get("calls") or ()),
            seed=data.get("seed"),
        )


@dataclass(frozen=True)
class CassetteNote:
    """A replayed cassette that may no longer stand for the test, or was not fully played."""

    nodeid: str
    path: str
    stale: tuple[str, ...] = ()
    unplayed: tuple[str, ...] = ()


@dataclass
class RunResults:
    landings: list[LandingRecord] = field(default_factory=list)
    cassettes: list[CassetteNote] = field(default_factory=list)
    kept_records: list[str] = field(default_factory=list)
    leftover_records: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "landings": [record.to_json() for record in self.landings],
            "cassettes": [
                {**asdict(note), "stale": list(note.stale), "unplayed": list(note.unplayed)}
                for note in self.cassettes
            ],
            "kept_records": list(self.kept_records),
            "leftover_records": list(self.leftover_records),
        }

    def merge_json(self, data: Mapping[str, Any] | None) -> None:
        """Add what a worker sent (nothing when it crashed before finishing)."""
        if not data:
            return
        self.landings.extend(LandingRecord.from_json(item) for item in data.get("landings", ()))
        self.cassettes.extend(
            CassetteNote(
                nodeid=str(item["nodeid"]),
                path=str(item["path"]),
                stale=tuple(item.get("stale") or ()),
                unplayed=tuple(item.get("unplayed") or ()),
            )
            for item in data.get("cassettes", ())
        )
        self.kept_records.extend(data.get("kept_records", ()))
        self.leftover_records.extend(data.get("leftover_records", ()))

    def sorted_landings(self) -> list[LandingRecord]:
        def key(record: LandingRecord) -> tuple[str, int, str]:
            seed = -1 if record.seed is None else record.seed
            return (record.scenario or "", seed, record.nodeid)

        return sorted(self.landings, key=key)

    def not_met_first(self) -> list[LandingRecord]:
        """The landings that missed their scenario's expectation first, then the ones with no
        expectation, then the ones that met it; by scenario within each."""
        rank = {False: 0, None: 1, True: 2}
        return sorted(self.sorted_landings(), key=lambda r: rank[r.met])

    @property
    def empty(self) -> bool:
        return not (self.landings or self.cassettes or self.kept_records or self.leftover_records)


LEGEND = (
    "met: yes when the landing is what its scenario expects. A scenario that expects a "
    "diagnosis category (such as item-mapping) is a negative scenario: its order must fail "
    'in exactly that way, so "rejected" with yes is a pass (rejected as expected).'
)


def _met(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def _name(record: LandingRecord) -> str:
    """The landing's name: its scenario (and seed, in a sweep), or its order."""
    return visible(record.label)


def wrapped(text: str, width: int, indent: str = "", hang: str = "    ") -> list[str]:
    """`text` word-wrapped to `width`, continuation lines indented by `hang`; a word longer
    than a line (a URL, a path) is never broken, it gets a line of its own."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=max(width, 40),
        initial_indent=indent,
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]


def table(records: Sequence[LandingRecord]) -> list[str]:
    """Aligned rows: scenario, expected, outcome, met (names whole, however long)."""
    header = ("scenario", "expected", "outcome", "met")
    rows = [
        (_name(record), visible(record.expected or "-"), record.outcome, _met(record.met))
        for record in records
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Iterable[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line("-" * w for w in widths), *(line(row) for row in rows)]


def diagnosis_lines(records: Sequence[LandingRecord], width: int) -> list[str]:
    """`name [category] summary` per landing with a diagnosis, wrapped to `width`."""
    lines: list[str] = []
    for record in records:
        found = record.verdict.get("diagnosis")
        if found:
            text = f"{_name(record)} [{found.get('category')}] {found.get('summary')}"
            lines.extend(wrapped(visible(text, lines=True), width))
    return lines


def summary_lines(results: RunResults, width: int | None = None) -> list[str]:
    """The end-of-run section: the table (not met first), what "met" means, the diagnoses
    (wrapped to `width`, the terminal's by default), then cassettes and records worth
    knowing about."""
    width = width or shutil.get_terminal_size().columns
    lines: list[str] = []
    landings = results.not_met_first()
    if landings:
        lines.extend(table(landings))
        lines.append("")
        lines.extend(wrapped(LEGEND, width, hang=""))
        diagnoses = diagnosis_lines(landings, width)
        if diagnoses:
            lines.append("")
            lines.extend(diagnoses)
        met = sum(1 for record in landings if record.met)
        judged = sum(1 for record in landings if record.met is not None)
        lines.append("")
        lines.append(f"{met} of {judged} scenario landings met their expectation")
    for note in sorted(results.cassettes, key=lambda n: n.nodeid):
        if note.stale:
            lines.append(f"stale cassette {note.path} ({note.nodeid}):")
            lines.extend(f"  - {reason}" for reason in note.stale)
        if note.unplayed:
            lines.append(
                f"{len(note.unplayed)} recorded interactions never played in {note.path} "
                f"({note.nodeid}):"
            )
            lines.extend(f"  - {request}" for request in note.unplayed)
    if results.kept_records:
        lines.append(f"kept {len(results.kept_records)} records (--ns-keep-records):")
        lines.extend(f"  - {record}" for record in sorted(results.kept_records))
    if results.leftover_records:
        lines.append(f"could not delete {len(results.leftover_records)} records:")
        lines.extend(f"  - {record}" for record in sorted(results.leftover_records))
    # Scenario names, diagnoses and records come from outside: shown, never run.
    return [visible(line, lines=True) for line in lines]


def write_report(path: Path, results: RunResults, run: Mapping[str, Any]) -> None:
    """The JSON report: the run's settings, then every landing (each with its Verdict JSON)."""
    landings = results.sorted_landings()
    document = {
        "run": dict(run),
        "summary": {
            "landings": len(landings),
            "met": sum(1 for record in landings if record.met),
            "not_met": sum(1 for record in landings if record.met is False),
        },
        **results.to_json(),
        "landings": [record.to_json() for record in landings],
    }
    from harness.netsuite.redact import Redactor

    # Last line of defence: no registered secret in any spelling, whatever carried it here.
    redactor = Redactor()
    text = json.dumps(redactor.registered_value(document), indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(redactor.registered(text) + "\n", encoding="utf-8")
