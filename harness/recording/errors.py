"""The ways record/replay refuses to go on; every message says what to do next.

No vcrpy here: a run in the embedded sandbox catches these without loading it (a replay
miss, which is also a vcrpy error, is raised by the recorder: `recorder.ReplayMissError`)."""

from __future__ import annotations

from pathlib import Path


def subject(nodeid: str, scenario: str | None) -> str:
    """`test tests/x.py::t (scenario 'guest-order')`: who a message is about.

    `harness run` keys its cassettes by the node id the catalogue suite of the harness's own
    repository gives a scenario; a user's project has no such test file, so such a message
    names the scenario alone."""
    from harness.recording.paths import scenario_nodeid

    if scenario and nodeid == scenario_nodeid(scenario):
        return f"scenario {scenario!r}"
    return f"test {nodeid}" + (f" (scenario {scenario!r})" if scenario else "")


class RecordingError(Exception):
    """Anything that stops a cassette from being recorded or replayed faithfully."""


class CassetteMissingError(RecordingError):
    """Replay was asked for, but this test has never been recorded."""

    def __init__(self, *, path: Path, nodeid: str, scenario: str | None, record_command: str):
        self.path = path
        self.nodeid = nodeid
        self.record_command = record_command
        super().__init__(
            f"No cassette for {subject(nodeid, scenario)}: {path} does not exist.\n"
            f"Record it against a NetSuite sandbox with:\n    {record_command}"
        )


class CassetteUnplayableError(RecordingError):
    """A cassette file exists but cannot be read back (invalid YAML, wrong shape)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot be replayed: {reason}")


class SecretLeakError(RecordingError):
    """A credential survived scrubbing; `where` locates it without repeating it."""

    def __init__(self, path: Path, where: str, *, deleted: bool = True) -> None:
        self.path = path
        self.where = where
        action = "it was deleted so it cannot be committed" if deleted else "delete it"
        super().__init__(f"{path}: a credential survived scrubbing ({where}); {action}")


class SkippedWritesError(RecordingError):
    """Replay: the code under test passed over writes it made when recorded (while making
    others); the answers it got back would describe a NetSuite it never wrote to."""

    def __init__(self, message: str, skipped: list[str]) -> None:
        super().__init__(message)
        self.skipped = skipped
