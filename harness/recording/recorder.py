"""`Recorder`: one test node's cassette, recorded whole or replayed with the network blocked.

Record mode starts from an empty cassette (the old file is removed first), sends every request
to the real target, and on exit writes the cassette scrubbed, with metadata, then scans the file
again: a surviving credential deletes it and raises SecretLeakError. Replay mode refuses a
missing cassette with the command that records it, plays only matching interactions (vcrpy
`record_mode="none"`: nothing reaches the network), explains a miss with the nearest recorded
request, and afterwards lists the interactions that were never played.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import vcr
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException

from harness.recording.account import AccountMapping
from harness.recording.cassette_file import (
    SERIALIZER,
    CassetteSerializer,
    CassetteStore,
    verify_cassette,
)
from harness.recording.errors import CassetteMissingError, RecordingError, subject
from harness.recording.match import (
    MATCHER,
    RequestCanonicalizer,
    RequestKey,
    differences,
    distance,
    register_matchers,
)
from harness.recording.metadata import CassetteMetadata
from harness.recording.paths import cassette_path
from harness.recording.scrub import Scrubber

Mode = Literal["record", "replay"]
MODES: tuple[Mode, ...] = ("record", "replay")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A logger's filters do not apply to its children's records, so every vcrpy logger is listed.
_VCR_LOGGERS = (
    "vcr.cassette",
    "vcr.matchers",
    "vcr.patch",
    "vcr.request",
    "vcr.stubs",
    "vcr.stubs.aiohttp_stubs",
    "vcr.stubs.httpx_stubs",
)


# Also a vcrpy "cannot overwrite" error, so code that already handles vcrpy's misses still does.
class ReplayMissError(RecordingError, CannotOverwriteExistingCassetteException):  # type: ignore[misc]
    """A request that no unplayed interaction of the cassette matches."""

    def __init__(
        self,
        message: str,
        *,
        cassette: Any,
        failed_request: Any,
        nearest: Any | None,
        differences: list[str],
    ) -> None:
        Exception.__init__(self, message)
        self.cassette = cassette
        self.failed_request = failed_request
        self.nearest = nearest
        self.differences = differences
        self.similar_requests: list[Any] = []
        self.reason = "no_match" if differences else "already_played"


class _QuietVcr(logging.Filter):
    """vcrpy logs whole requests and responses at INFO/DEBUG, credentials included."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


class _HarnessCassette(Cassette):  # type: ignore[misc]  # vcrpy ships no type information
    """A vcrpy cassette whose replay misses raise the harness's explained error."""

    on_miss: Any = None

    def can_play_response_for(self, request: Any) -> bool:
        if super().can_play_response_for(request):
            return True
        if self.write_protected and self.on_miss is not None:
            raise self.on_miss(request)
        return False


@dataclass(frozen=True)
class ReplayMark:
    """Where a replay stood before some code ran: misses so far and each interaction's plays."""

    misses: int
    plays: dict[int, int]


@dataclass(frozen=True)
class ReplayReport:
    """What the code since a mark did with the cassette.

    `skipped_writes` are recorded writes still unplayed although a later interaction was
    played: the code passed over them (a connector that no longer pushes, or pushes less)."""

    misses: tuple[ReplayMissError, ...]
    skipped_writes: tuple[str, ...]
    writes_played: int
    unplayed_writes: tuple[str, ...]


class Recorder:
    """Context manager around one test node's cassette (see the module docstring).

    `metadata` is what this run would record (scenario, fingerprints); in replay it is what the
    recording is compared against in `stale_reasons`. `record_command` is shown whenever the
    cassette must be recorded again."""

    def __init__(
        self,
        cassette_dir: Path,
        nodeid: str,
        *,
        mode: Mode,
        account_id: str,
        base_url: str | None = None,
        secrets: Sequence[str] = (),
        metadata: CassetteMetadata | None = None,
        record_command: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode: {mode!r} is not a recording mode (expected one of {MODES})")
        self.nodeid = nodeid
        self.mode: Mode = mode
        self.path = cassette_path(cassette_dir, nodeid)
        self.account = AccountMapping(account_id, base_url)
        self.scrubber = Scrubber(secrets, account=self.account)
        given = metadata or CassetteMetadata()
        self.metadata = given if given.nodeid else given.model_copy(update={"nodeid": nodeid})
        self.record_command = record_command or f'pytest --ns-target=record "{nodeid}"'
        self.cassette: Any = None
        self.recorded_metadata: CassetteMetadata | None = None
        self.unplayed: list[str] = []
        self.misses: list[ReplayMissError] = []
        self._canonicalizer = RequestCanonicalizer(self.scrubber)
        self._serializer = CassetteSerializer(
            path=self.path, scrubber=self.scrubber, account=self.account, metadata=self.metadata
        )
        self._store = CassetteStore()
        self._context: Any = None
        self._quiet = _QuietVcr()

    @property
    def scenario(self) -> str | None:
        return self.metadata.scenario

    # --- context -------------------------------------------------------------------------

    def __enter__(self) -> Recorder:
        if self._context is not None:
            raise RuntimeError(f"the recorder of {self.nodeid} is already in use")
        if self.mode == "replay" and not self.path.is_file():
            raise CassetteMissingError(
                path=self.path,
                nodeid=self.nodeid,
                scenario=self.scenario,
                record_command=self.record_command,
            )
        if self.mode == "record":
            # vcrpy's "all" mode keeps old interactions that were not re-recorded: start empty.
            self.path.unlink(missing_ok=True)
        self.unplayed, self.misses = [], []
        context = _HarnessCassette.use(**self._cassette_config())
        for name in _VCR_LOGGERS:
            logging.getLogger(name).addFilter(self._quiet)
        try:
            self.cassette = context.__enter__()
        except BaseException:
            self._remove_log_filter()
            raise
        self._context = context
        self.cassette.on_miss = self._miss
        self.recorded_metadata = self._serializer.loaded_metadata
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        context, self._context = self._context, None
        try:
            context.__exit__(exc_type, exc, tb)
        finally:
            self._remove_log_filter()
        if self.mode == "record":
            self._finish_recording()
        else:
            self._finish_replay(exc_type)

    def _cassette_config(self) -> dict[str, Any]:
        recorder = vcr.VCR(
            record_mode="all" if self.mode == "record" else "none",
            match_on=(MATCHER,),
            serializer=SERIALIZER,
            decode_compressed_response=True,  # scrubbing must see inside gzip bodies
        )
        recorder.register_serializer(SERIALIZER, self._serializer)
        recorder.register_persister(self._store)
        register_matchers(recorder, self._canonicalizer)
        config: dict[str, Any] = recorder.get_merged_config(path=str(self.path))
        # Nothing to filter per request (scrubbing happens when the file is written), and
        # without vcrpy's defensive copy the matcher reuses one canonical form per request.
        config["before_record_request"] = None
        return config

    def _remove_log_filter(self) -> None:
        for name in _VCR_LOGGERS:
            logging.getLogger(name).removeFilter(self._quiet)

    def _finish_recording(self) -> None:
        if not self.path.exists():  # no request at all: still a cassette, so replay finds it
            self._store.save_cassette(
                self.path, {"requests": [], "responses": []}, self._serializer
            )
        verify_cassette(self.path, self.scrubber)
        self.recorded_metadata = self._serializer.written_metadata

    def _finish_replay(self, exc_type: type[BaseException] | None) -> None:
        self.unplayed = [
            _label(request)
            for index, request in enumerate(self.cassette.requests)
            if self.cassette.play_counts[index] == 0
        ]
        if self.misses and exc_type is None:
            # The code under test swallowed the miss; the test must still not pass silently.
            raise self.misses[0]

    # --- replay strictness ---------------------------------------------------------------

    def mark(self) -> ReplayMark:
        """Remember where the replay stands (see `report_since`)."""
        return ReplayMark(len(self.misses), dict(self.cassette.play_counts))

    def report_since(self, mark: ReplayMark) -> ReplayReport:
        """What happened since `mark`: misses, writes played, and writes passed over."""
        requests = self.cassette.requests
        plays = self.cassette.play_counts
        played = [index for index in range(len(requests)) if plays[index] > 0]
        last = max(played, default=-1)
        writes = [i for i, request in enumerate(requests) if is_write(request)]
        skipped = tuple(_label(requests[i]) for i in writes if plays[i] == 0 and i < last)
        now = sum(1 for i in writes if plays[i] > mark.plays.get(i, 0))
        return ReplayReport(
            misses=tuple(self.misses[mark.misses :]),
            skipped_writes=skipped,
            writes_played=now,
            unplayed_writes=tuple(_label(requests[i]) for i in writes if plays[i] == 0),
        )

    # --- replay diagnostics --------------------------------------------------------------

    def stale_reasons(
        self, *, max_age_days: float | None = None, now: datetime | None = None
    ) -> list[str]:
        """Why the replayed recording may no longer stand for this run (after `__enter__`)."""
        if self.recorded_metadata is None:
            return ["the cassette has no harness metadata; record it again"]
        return self.recorded_metadata.check_staleness(
            self.metadata, max_age_days=max_age_days, now=now
        )

    def _miss(self, request: Any) -> ReplayMissError:
        key = self._canonicalizer.key(request)
        recorded = [
            (index, self._canonicalizer.key(stored))
            for index, stored in enumerate(self.cassette.requests)
        ]
        played = self.cassette.play_counts
        nearest: tuple[int, RequestKey] | None = None
        if recorded:
            nearest = min(recorded, key=lambda item: (distance(item[1], key), played[item[0]] > 0))
        lines = [
            f"Replay of {subject(self.nodeid, self.scenario)}: no recorded interaction "
            "matches this request.",
            f"  request: {key.describe()}",
            f"  cassette: {self.path} ({len(recorded)} interactions, "
            f"{sum(1 for i, _ in recorded if played[i])} played)",
        ]
        diff: list[str] = []
        if nearest is None:
            lines.append("The cassette holds no interactions.")
        else:
            index, near = nearest
            diff = differences(near, key)
            if not diff:
                lines.append(
                    f"It matches interaction #{index + 1}, which was already played: the test "
                    "now makes this request more often than when it was recorded."
                )
            else:
                lines.append(f"Nearest recorded request (#{index + 1}): {near.describe()}")
                lines.extend(f"  {line}" for line in diff[:20])
                if len(diff) > 20:
                    lines.append(f"  ... and {len(diff) - 20} more differences")
        lines.append(f"If the change is intended, record it again:\n    {self.record_command}")
        error = ReplayMissError(
            "\n".join(lines),
            cassette=self.cassette,
            failed_request=request,
            nearest=None if nearest is None else self.cassette.requests[nearest[0]],
            differences=diff,
        )
        self.misses.append(error)
        return error


def is_write(request: Any) -> bool:
    """A request that changes records: POST, PUT, PATCH or DELETE on the record service (a
    SuiteQL query is a POST too, and only reads)."""
    return request.method in WRITE_METHODS and "/record/" in (request.parsed_uri.path or "")


def _label(request: Any) -> str:
    """`POST /services/rest/record/v1/customer`: a recorded request, for messages."""
    return f"{request.method} {request.parsed_uri.path or '/'}"
