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
"""

from __future__ import annotations

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
    ReplayMissError,
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
from harness.recording.recorder import MODES, Mode, Recorder, ReplayMark, ReplayReport
from harness.recording.scrub import SCRUBBED, Scrubber, fingerprint_secret

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
