"""`check_cassettes`: the lint behind `harness cassettes check`.

A cassette directory rots quietly: tests are renamed (orphaned cassettes), scenarios and
mappings change (stale ones), someone hand-edits a file (unscrubbed or unplayable ones). This
walks every cassette and says which problem each one has. Staleness is judged exactly as the
pytest plugin judges a cassette before replaying it (`CassetteMetadata.check_staleness`
against what recording it would write down today).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from harness.recording.cassette_file import document_of, leaks_in, load_text, summarize
from harness.recording.errors import CassetteUnplayableError
from harness.recording.metadata import CassetteMetadata
from harness.recording.paths import SUFFIX, cassette_path
from harness.recording.scrub import Scrubber

ProblemKind = Literal["stale", "orphaned", "unscrubbed", "unplayable", "empty"]
Expected = Callable[[CassetteMetadata], CassetteMetadata | None]
"""What recording a cassette's test would write down today, from what it wrote then."""


@dataclass(frozen=True)
class CassetteProblem:
    path: Path
    kind: ProblemKind
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.detail}"


def check_cassettes(
    cassette_dir: Path,
    *,
    secrets: Sequence[str] = (),
    known_nodeids: Iterable[str] | None = None,
    expected: Expected | None = None,
    max_age_days: float | None = None,
    now: datetime | None = None,
) -> list[CassetteProblem]:
    """Every problem of every cassette under `cassette_dir`, sorted by path.

    `known_nodeids` (the collected tests) enables the orphan check; `expected` (what each
    cassette's test would record now) the scenario/mapping comparison; `max_age_days` the age
    limit. A cassette that holds no interaction is a problem too: it replays nothing."""
    scrubber = Scrubber(secrets)
    known = (
        None
        if known_nodeids is None
        else {cassette_path(cassette_dir, nodeid).resolve() for nodeid in known_nodeids}
    )
    problems: list[CassetteProblem] = []
    for path in sorted(Path(cassette_dir).rglob("*" + SUFFIX)):
        if path.name.startswith("."):
            continue  # a write in progress
        problems.extend(_check_one(path, scrubber, known, expected, max_age_days, now))
    return problems


class CassetteNotTextError(OSError):
    """A cassette that is not UTF-8 text: input that cannot be read (exit 2), named with the
    byte at fault, as other files that are not text are."""

    def __init__(self, path: Path, error: UnicodeDecodeError) -> None:
        byte = error.object[error.start]
        super().__init__(
            errno.EILSEQ,
            f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); "
            "save it as UTF-8",
        )


def _text_of(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise CassetteNotTextError(path, error) from None


def _check_one(
    path: Path,
    scrubber: Scrubber,
    known: set[Path] | None,
    expected: Expected | None,
    max_age_days: float | None,
    now: datetime | None,
) -> list[CassetteProblem]:
    problems: list[CassetteProblem] = []
    text = _text_of(path)  # read and parsed once, for the scan and the rest
    loaded = load_text(text)
    leaks = leaks_in(text, loaded, scrubber)
    if leaks:
        problems.append(CassetteProblem(path, "unscrubbed", summarize(leaks)))
    if known is not None and path.resolve() not in known:
        problems.append(CassetteProblem(path, "orphaned", "no collected test records into it"))
    try:
        data, metadata = document_of(loaded, path)
    except CassetteUnplayableError as exc:
        return [*problems, CassetteProblem(path, "unplayable", exc.reason)]
    if metadata is None:
        problems.append(
            CassetteProblem(path, "unplayable", "no harness metadata (not recorded by the harness)")
        )
        return problems
    if not data.get("interactions"):
        detail = "holds no interactions: it replays nothing (was its test skipped when recorded?)"
        problems.append(CassetteProblem(path, "empty", detail))
    wanted = (expected(metadata) if expected else None) or CassetteMetadata()
    reasons = metadata.check_staleness(wanted, max_age_days=max_age_days, now=now)
    problems.extend(CassetteProblem(path, "stale", reason) for reason in reasons)
    return problems
