"""Record against a NetSuite-like server, replay with that server stopped."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from recording_helpers import (
    ACCOUNT,
    OTHER_ACCOUNT,
    RECORD,
    SUITEQL,
    FakeNetSuite,
    Keys,
    fetch_token,
    host_of,
    tba,
)

from harness.recording import (
    CassetteMissingError,
    CassetteUnplayableError,
    Recorder,
    ReplayMissError,
)

NODE = "tests/test_orders.py::test_guest_order_lands"
ORDER = {
    "entity": {"id": "110"},
    "memo": "web order 1001",
    "item": {"items": [{"item": {"id": 98}, "quantity": 1}]},
}


def recorder(
    cassettes: Path,
    mode: str,
    *,
    account: str = ACCOUNT,
    base_url: str | None = None,
    keys: Keys | None = None,
    **kwargs: Any,
) -> Recorder:
    return Recorder(
        cassettes,
        kwargs.pop("nodeid", NODE),
        mode=mode,  # type: ignore[arg-type]
        account_id=account,
        base_url=base_url,
        secrets=keys.all() if keys else (),
        **kwargs,
    )


def push_order(
    base: str,
    keys: Keys,
    account: str = ACCOUNT,
    order: dict[str, Any] = ORDER,
    *,
    query: str = "limit=10&offset=0",
) -> dict[str, Any]:
    """A connector's round: M2M token, create with Bearer, read back and query with TBA."""
    session = requests.Session()
    token = fetch_token(session, base, keys)
    created = session.post(
        f"{base}{RECORD}/salesOrder", json=order, headers={"Authorization": f"Bearer {token}"}
    )
    assert created.status_code == 204
    location = created.headers["Location"]
    read = session.get(
        f"{base}{RECORD}/salesOrder/{location.rsplit('/', 1)[1]}", auth=tba(keys, account)
    )
    found = session.post(
        f"{base}{SUITEQL}?{query}",
        json={"q": "SELECT id FROM transaction WHERE otherrefnum = '1001'"},
        headers={"Prefer": "transient"},
        auth=tba(keys, account, signature_type="query"),
    )
    return {"location": location, "order": read.json(), "suiteql": found.json()}


def record_order(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys, **kwargs: Any
) -> dict[str, Any]:
    with recorder(tmp_path, "record", base_url=netsuite.base_url, keys=keys, **kwargs):
        return push_order(netsuite.base_url, keys)


def test_a_recording_replays_with_the_server_stopped(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    recorded = record_order(tmp_path, netsuite, keys)
    hits = len(netsuite.hits)
    netsuite.stop()
    # Replay addresses the account's real NetSuite host: nothing may reach any network.
    with recorder(tmp_path, "replay", keys=keys) as replay:
        replayed = push_order(f"https://{host_of(ACCOUNT)}", keys)
    assert replayed == recorded
    assert replay.unplayed == []
    assert len(netsuite.hits) == hits == 4


def test_replay_answers_from_the_replaying_runs_base_url(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    elsewhere = "http://127.0.0.1:9"  # another address, nothing listening
    with recorder(tmp_path, "replay", base_url=elsewhere, keys=keys):
        replayed = push_order(elsewhere, keys)
    # Follow-up requests to Location or links go where this run's NetSuite is.
    assert replayed["location"] == f"{elsewhere}{RECORD}/salesOrder/101"
    assert replayed["order"]["entity"]["links"][0]["href"] == f"{elsewhere}{RECORD}/customer/110"


def test_fresh_nonces_timestamps_and_even_other_credentials_still_match(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    other_keys = Keys()  # new nonce, timestamp, signature, assertion and token on every request
    with recorder(tmp_path, "replay", base_url=netsuite.base_url, keys=other_keys):
        replayed = push_order(netsuite.base_url, other_keys)
    assert replayed["order"]["tranId"] == "SO101"


def test_query_order_and_json_key_order_do_not_matter(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    reordered = {
        "item": {"items": [{"quantity": 1, "item": {"id": 98}}]},
        "memo": "web order 1001",
        "entity": {"id": "110"},
    }
    with recorder(tmp_path, "replay", base_url=netsuite.base_url, keys=keys):
        replayed = push_order(netsuite.base_url, keys, order=reordered, query="offset=0&limit=10")
    assert replayed["suiteql"]["count"] == 1


def test_a_changed_body_is_a_miss_showing_the_nearest_request_and_the_field(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(
        tmp_path,
        netsuite,
        keys,
        metadata=None,
        record_command="harness run --target record -k guest-order",
    )
    netsuite.stop()
    changed = {**ORDER, "item": {"items": [{"item": {"id": 98}, "quantity": 2}]}}
    with (
        pytest.raises(ReplayMissError) as raised,
        recorder(
            tmp_path,
            "replay",
            base_url=netsuite.base_url,
            keys=keys,
            record_command="harness run --target record -k guest-order",
        ),
    ):
        push_order(netsuite.base_url, keys, order=changed)
    message = str(raised.value)
    assert NODE in message
    nearest = "POST account-id.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder"
    assert f"Nearest recorded request (#2): {nearest}" in message
    assert "body $.item.items[0].quantity: recorded 1, this request 2" in message
    assert "harness run --target record -k guest-order" in message
    assert raised.value.differences == ["body $.item.items[0].quantity: recorded 1, this request 2"]


def test_a_miss_swallowed_by_the_code_under_test_still_fails_the_test(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    with (
        pytest.raises(ReplayMissError, match="no recorded interaction matches"),
        recorder(tmp_path, "replay", base_url=netsuite.base_url, keys=keys),
        contextlib.suppress(Exception),  # a connector that logs and carries on
    ):
        requests.get(f"{netsuite.base_url}{RECORD}/customer/1", auth=tba(keys))


def test_a_request_made_more_often_than_recorded_says_so(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    url = f"{netsuite.base_url}{RECORD}/salesOrder/7"
    with recorder(tmp_path, "record", base_url=netsuite.base_url, keys=keys):
        requests.get(url, auth=tba(keys))
    netsuite.stop()
    with (
        pytest.raises(ReplayMissError, match="already played"),
        recorder(tmp_path, "replay", base_url=netsuite.base_url, keys=keys),
    ):
        requests.get(url, auth=tba(keys))
        requests.get(url, auth=tba(keys))


def test_a_missing_cassette_names_the_test_and_the_record_command(tmp_path: Path) -> None:
    command = 'pytest --ns-target=record -k "test_guest_order_lands"'
    with (
        pytest.raises(CassetteMissingError) as raised,
        recorder(tmp_path, "replay", record_command=command),
    ):
        pass
    assert NODE in str(raised.value)
    assert command in str(raised.value)


def test_recording_rewrites_the_whole_cassette(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    with recorder(tmp_path, "record", base_url=netsuite.base_url, keys=keys) as second:
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(keys))
    document = yaml.safe_load(second.path.read_text())
    assert [i["request"]["uri"].rsplit("/services", 1)[1] for i in document["interactions"]] == [
        "/rest/record/v1/salesOrder/5"
    ]


def test_a_test_without_requests_still_records_a_replayable_cassette(tmp_path: Path) -> None:
    with recorder(tmp_path, "record") as recording:
        pass
    assert recording.path.is_file()
    with recorder(tmp_path, "replay") as replay:
        pass
    assert replay.unplayed == []


def test_replay_maps_the_account_back_for_another_account(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    with recorder(
        tmp_path, "record", base_url=netsuite.base_url, keys=keys, nodeid="tests/t.py::test_401"
    ):
        requests.get(f"{netsuite.base_url}{RECORD}/file", auth=tba(keys))
    netsuite.stop()
    text = "".join(p.read_text() for p in tmp_path.rglob("*.yaml"))
    assert "1234567" not in text and "127.0.0.1" not in text
    assert 'realm="ACCOUNT_ID"' in text and "https://account-id.suitetalk.api.netsuite.com/" in text

    other = f"https://{host_of(OTHER_ACCOUNT)}"  # no base URL: the real host, never contacted
    with recorder(tmp_path, "replay", account=OTHER_ACCOUNT, keys=keys):
        replayed = push_order(other, keys, account=OTHER_ACCOUNT)
    assert replayed["location"] == f"{other}{RECORD}/salesOrder/101"
    assert replayed["order"]["links"][0]["href"] == f"{other}{RECORD}/salesorder/101"
    with recorder(
        tmp_path, "replay", account=OTHER_ACCOUNT, keys=keys, nodeid="tests/t.py::test_401"
    ):
        rejected = requests.get(f"{other}{RECORD}/file", auth=tba(keys, OTHER_ACCOUNT))
    assert rejected.status_code == 401
    assert rejected.headers["WWW-Authenticate"].startswith('OAuth realm="7654321_SB2"')


def test_a_replay_on_another_account_host_is_a_miss_naming_the_host(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    with (
        pytest.raises(ReplayMissError, match=r"host: recorded 'account-id\.suitetalk"),
        recorder(tmp_path, "replay", account=OTHER_ACCOUNT, keys=keys),
    ):
        push_order(f"https://{host_of(ACCOUNT)}", keys)


def test_unplayed_interactions_are_listed(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    record_order(tmp_path, netsuite, keys)
    netsuite.stop()
    with recorder(tmp_path, "replay", base_url=netsuite.base_url, keys=keys) as replay:
        fetch_token(requests.Session(), netsuite.base_url, keys)
    assert replay.unplayed == [
        f"POST {RECORD}/salesOrder",
        f"GET {RECORD}/salesOrder/101",
        f"POST {SUITEQL}",
    ]


def test_an_unreadable_cassette_is_reported_with_its_line(tmp_path: Path) -> None:
    with recorder(tmp_path, "record") as recording:
        pass
    recording.path.write_text(
        "version: 1\ninteractions:\n- request: {method: GET}\n  response: [\n"
    )
    with (
        pytest.raises(CassetteUnplayableError, match="line 5: invalid YAML"),
        recorder(tmp_path, "replay"),
    ):
        pass
    recording.path.write_text(
        "version: 1\ninteractions:\n- request:\n    method: GET\n  response: {}\n"
    )
    with (
        pytest.raises(CassetteUnplayableError, match=r"line 3: interactions\.0\.request\.uri: "),
        recorder(tmp_path, "replay"),
    ):
        pass


def test_no_credential_reaches_the_log_while_recording(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        record_order(tmp_path, netsuite, keys)
    # vcrpy logs whole exchanges at DEBUG/INFO; oauthlib's own debug logs are its business.
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("vcr", "harness")]
    logged = json.dumps(ours)
    for secret in keys.all():
        assert secret not in logged
    assert "oauth_signature=" not in logged and "eyJ" not in logged


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode: 'rewind'"):
        recorder(tmp_path, "rewind")
