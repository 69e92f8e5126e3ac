"""Cassette metadata: written on record, compared on replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests
import yaml
from recording_helpers import ACCOUNT, RECORD, FakeNetSuite, Keys, tba

from harness import __version__
from harness.recording import CassetteMetadata, Recorder, fingerprint

NODE = "tests/test_orders.py::test_guest_order_lands"
SPEC = {"name": "guest-order", "lines": [{"sku": "WIDGET", "qty": 1, "price": Decimal("9.99")}]}
MAPPING = {"shipping": {"flat_rate": "UPS Ground"}}


def metadata(spec: object = SPEC, mapping: object = MAPPING, **kwargs: object) -> CassetteMetadata:
    return CassetteMetadata.describe(
        nodeid=NODE, scenario="guest-order", scenario_spec=spec, mapping=mapping, **kwargs
    )


def record(tmp_path: Path, netsuite: FakeNetSuite, keys: Keys) -> Recorder:
    with Recorder(
        tmp_path,
        NODE,
        mode="record",
        account_id=ACCOUNT,
        base_url=netsuite.base_url,
        secrets=keys.all(),
        metadata=metadata(),
    ) as recording:
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(keys))
    return recording


def replay(tmp_path: Path, netsuite: FakeNetSuite, current: CassetteMetadata) -> Recorder:
    with Recorder(
        tmp_path,
        NODE,
        mode="replay",
        account_id=ACCOUNT,
        base_url=netsuite.base_url,
        metadata=current,
    ) as replaying:
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(Keys()))
    return replaying


def test_fingerprints_are_canonical_json_hashes() -> None:
    reordered = {
        "lines": [{"price": Decimal("9.99"), "qty": 1, "sku": "WIDGET"}],
        "name": "guest-order",
    }
    assert fingerprint(SPEC) == fingerprint(reordered)
    assert fingerprint(SPEC) != fingerprint({**SPEC, "name": "guest-order-2"})
    assert fingerprint(SPEC).startswith("sha256:") and len(fingerprint(SPEC)) == 7 + 64


def test_recording_writes_the_metadata_into_the_cassette(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    before = datetime.now(UTC)
    recording = record(tmp_path, netsuite, keys)
    written = yaml.safe_load(recording.path.read_text())["harness"]
    assert written["nodeid"] == NODE
    assert written["scenario"] == "guest-order"
    assert written["scenario_fingerprint"] == fingerprint(SPEC)
    assert written["mapping_fingerprint"] == fingerprint(MAPPING)
    assert written["harness_version"] == __version__
    assert written["account_placeholder"] == "ACCOUNT_ID"
    recorded_at = datetime.fromisoformat(written["recorded_at"])
    assert before <= recorded_at <= datetime.now(UTC)
    assert recording.recorded_metadata is not None
    assert recording.recorded_metadata.recorded_at == recorded_at


def test_an_unchanged_scenario_is_not_stale(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record(tmp_path, netsuite, keys)
    assert replay(tmp_path, netsuite, metadata()).stale_reasons(max_age_days=30) == []


def test_a_changed_scenario_and_mapping_are_reported(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record(tmp_path, netsuite, keys)
    current = metadata(spec={**SPEC, "lines": []}, mapping={"shipping": {}})
    reasons = replay(tmp_path, netsuite, current).stale_reasons()
    assert len(reasons) == 2
    assert reasons[0].startswith("scenario 'guest-order' spec changed since recording")
    assert reasons[1].startswith("the mapping changed since recording")


def test_fingerprints_the_run_does_not_know_are_not_compared(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record(tmp_path, netsuite, keys)
    unknown = CassetteMetadata(nodeid=NODE, scenario="guest-order")
    assert replay(tmp_path, netsuite, unknown).stale_reasons() == []


def test_another_major_harness_version_and_age_are_reported(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    recording = record(tmp_path, netsuite, keys)
    assert recording.recorded_metadata is not None and recording.recorded_metadata.recorded_at
    later = recording.recorded_metadata.recorded_at + timedelta(days=200)
    newer = metadata().model_copy(update={"harness_version": "99.0.0"})
    reasons = replay(tmp_path, netsuite, newer).stale_reasons(max_age_days=180, now=later)
    assert reasons == [
        f"recorded by harness {__version__}, this is 99.0.0 (major version differs)",
        f"recorded 200 days ago ({recording.recorded_metadata.recorded_at:%Y-%m-%d}), "
        "older than the 180-day limit",
    ]


def test_a_cassette_used_for_another_scenario_is_reported() -> None:
    recorded = metadata()
    now = CassetteMetadata.describe(scenario="b2b-order")
    assert recorded.check_staleness(now) == [
        "recorded for scenario 'guest-order', now used for 'b2b-order'"
    ]


def test_a_timestamp_without_zone_is_read_as_utc() -> None:
    loaded = CassetteMetadata.model_validate({"recorded_at": "2026-01-02T03:04:05"})
    assert loaded.recorded_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
