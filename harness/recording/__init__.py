"""Record and replay of NetSuite exchanges with vcrpy, made trustworthy.

- one cassette per test node (`cassette_path`), recorded whole (`Recorder(mode="record")`),
  replayed with the network blocked (`Recorder(mode="replay")`);
- credentials scrubbed when the file is written, the file scanned again afterwards
  (`Scrubber`, `SecretLeakError`); the account id stored as a placeholder and mapped back to
  the replaying account (`AccountMapping`);
- matching that ignores OAuth nonces, timestamps, signatures and tokens and compares queries
  and bodies as data; a miss names the test and the nearest recorded request, field by field;
- metadata in every cassette (`CassetteMetadata`) so stale recordings are reported, and
  `check_cassettes` for stale, orphaned, unscrubbed and unplayable files.

Names load on first use: a run in the embedded sandbox that needs only cassette paths does
not import vcrpy (and httpx behind it)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "PLACEHOLDER_ACCOUNT": "harness.recording.account",
    "PLACEHOLDER_HOST": "harness.recording.account",
    "PLACEHOLDER_HOST_LABEL": "harness.recording.account",
    "PLACEHOLDER_ORIGIN": "harness.recording.account",
    "AccountMapping": "harness.recording.account",
    "find_leaks": "harness.recording.cassette_file",
    "verify_cassette": "harness.recording.cassette_file",
    "CassetteProblem": "harness.recording.check",
    "check_cassettes": "harness.recording.check",
    "CassetteMissingError": "harness.recording.errors",
    "CassetteUnplayableError": "harness.recording.errors",
    "RecordingError": "harness.recording.errors",
    "ReplayMissError": "harness.recording.recorder",
    "SecretLeakError": "harness.recording.errors",
    "SkippedWritesError": "harness.recording.errors",
    "MATCHER": "harness.recording.match",
    "RequestCanonicalizer": "harness.recording.match",
    "RequestKey": "harness.recording.match",
    "build_matchers": "harness.recording.match",
    "differences": "harness.recording.match",
    "register_matchers": "harness.recording.match",
    "CassetteMetadata": "harness.recording.metadata",
    "fingerprint": "harness.recording.metadata",
    "cassette_path": "harness.recording.paths",
    "MODES": "harness.recording.recorder",
    "Mode": "harness.recording.recorder",
    "Recorder": "harness.recording.recorder",
    "ReplayMark": "harness.recording.recorder",
    "ReplayReport": "harness.recording.recorder",
    "SCRUBBED": "harness.recording.scrub",
    "Scrubber": "harness.recording.scrub",
    "fingerprint_secret": "harness.recording.scrub",
}

__all__ = [
    "MATCHER",
    "MODES",
    "PLACEHOLDER_ACCOUNT",
    "PLACEHOLDER_HOST",
    "PLACEHOLDER_HOST_LABEL",
    "PLACEHOLDER_ORIGIN",
    "SCRUBBED",
    "AccountMapping",
    "CassetteMetadata",
    "CassetteMissingError",
    "CassetteProblem",
    "CassetteUnplayableError",
    "Mode",
    "Recorder",
    "RecordingError",
    "ReplayMark",
    "ReplayMissError",
    "ReplayReport",
    "RequestCanonicalizer",
    "RequestKey",
    "Scrubber",
    "SecretLeakError",
    "SkippedWritesError",
    "build_matchers",
    "cassette_path",
    "check_cassettes",
    "differences",
    "find_leaks",
    "fingerprint",
    "fingerprint_secret",
    "register_matchers",
    "verify_cassette",
]

if TYPE_CHECKING:
    from harness.recording.account import (
        PLACEHOLDER_ACCOUNT,
        PLACEHOLDER_HOST,
        PLACEHOLDER_HOST_LABEL,
        PLACEHOLDER_ORIGIN,
        AccountMapping,
    )
    from harness.recording.cassette_file import find_leaks, verify_cassette
    from harness.recording.check import CassetteProblem, check_cassettes
    from harness.recording.errors import (
        CassetteMissingError,
        CassetteUnplayableError,
        RecordingError,
        SecretLeakError,
        SkippedWritesError,
    )
    from harness.recording.match import (
        MATCHER,
        RequestCanonicalizer,
        RequestKey,
        build_matchers,
        differences,
        register_matchers,
    )
    from harness.recording.metadata import CassetteMetadata, fingerprint
    from harness.recording.paths import cassette_path
    from harness.recording.recorder import (
        MODES,
        Mode,
        Recorder,
        ReplayMark,
        ReplayMissError,
        ReplayReport,
    )
    from harness.recording.scrub import SCRUBBED, Scrubber, fingerprint_secret


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness.recording' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
