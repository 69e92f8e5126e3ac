"""`check_cassettes`: stale, orphaned, unscrubbed and unplayable files are each found."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import requests
from recording_helpers import ACCOUNT, RECORD, FakeNetSuite, Keys, tba

from harness.recording import CassetteMetadata, Recorder, cassette_path, check_cassettes

FRESH = "tests/test_orders.py::test_fresh"
CHANGED = "tests/test_orders.py::test_changed"
RENAMED = "tests/test_orders.py::test_renamed_since"
SPEC = {"name": "guest-order", "qty": 1}


def record(cassettes: Path, netsuite: FakeNetSuite, keys: Keys, nodeid: str) -> Recorder:
    meta = CassetteMetadata.describe(nodeid=nodeid, scenario="guest-order", scenario_spec=SPEC)
    with Recorder(
        cassettes,
        nodeid,
        mode="record",
        account_id=ACCOUNT,
        base_url=netsuite.base_url,
        secrets=keys.all(),
        metadata=meta,
    ) as recording:
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(keys))
    return recording


def test_each_kind_of_problem_is_found(tmp_path: Path, netsuite: FakeNetSuite, keys: Keys) -> None:
    for nodeid in (FRESH, CHANGED, RENAMED):
        record(tmp_path, netsuite, keys, nodeid)
    leaky = cassette_path(tmp_path, "tests/test_orders.py::test_hand_edited")
    leaky.write_text(
        cassette_path(tmp_path, FRESH).read_text().replace("SCRUBBED", keys.token_secret, 1)
    )
    broken = cassette_path(tmp_path, "tests/test_orders.py::test_broken")
    broken.write_text("version: 1\ninteractions: [\n")
    bare = cassette_path(tmp_path, "tests/test_orders.py::test_plain_vcrpy")
    bare.write_text("version: 1\ninteractions: []\n")
    known = [
        FRESH,
        CHANGED,
        "tests/test_orders.py::test_hand_edited",
        "tests/test_orders.py::test_broken",
        "tests/test_orders.py::test_plain_vcrpy",
    ]
    current = {
        FRESH: CassetteMetadata.describe(nodeid=FRESH, scenario="guest-order", scenario_spec=SPEC),
        CHANGED: CassetteMetadata.describe(
            nodeid=CHANGED, scenario="guest-order", scenario_spec={**SPEC, "qty": 2}
        ),
    }
    problems = check_cassettes(
        tmp_path,
        secrets=keys.all(),
        known_nodeids=known,
        expected=lambda recorded: current.get(recorded.nodeid or ""),
    )
    found = {(p.path.name, p.kind) for p in problems}
    assert found == {
        ("test_changed.yaml", "stale"),
        ("test_renamed_since.yaml", "orphaned"),
        ("test_hand_edited.yaml", "unscrubbed"),
        ("test_broken.yaml", "unplayable"),
        ("test_plain_vcrpy.yaml", "unplayable"),
    }
    by_name = {p.path.name: p for p in problems}
    assert "scenario 'guest-order' spec changed" in by_name["test_changed.yaml"].detail
    assert "line 3: invalid YAML" in by_name["test_broken.yaml"].detail
    assert "no harness metadata" in by_name["test_plain_vcrpy.yaml"].detail
    assert keys.token_secret not in str(by_name["test_hand_edited.yaml"])


def test_without_known_tests_or_current_specs_only_file_checks_run(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record(tmp_path, netsuite, keys, FRESH)
    assert check_cassettes(tmp_path, secrets=keys.all()) == []


def test_old_cassettes_are_stale_past_the_age_limit(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    recording = record(tmp_path, netsuite, keys, FRESH)
    assert recording.recorded_metadata is not None and recording.recorded_metadata.recorded_at
    later = recording.recorded_metadata.recorded_at + timedelta(days=91)
    problems = check_cassettes(tmp_path, max_age_days=90, now=later)
    assert [(p.kind, p.detail.split(" (")[0]) for p in problems] == [
        ("stale", "recorded 91 days ago")
    ]
