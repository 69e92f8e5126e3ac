"""Injected faults: the plan's syntax, determinism, and each fault as a client meets it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from rules_helpers import variant
from sandbox_helpers import Client, details, tba

from harness.sandbox.account import DEMO_PROFILE, SandboxConfigError, load_profile
from harness.sandbox.faults import (
    MAINTENANCE_STATUS,
    FaultInjector,
    FaultPlan,
    FaultPlanError,
)
from harness.sandbox.serve import Sandbox

CUSTOMER = {"companyName": "Faulty Co", "subsidiary": {"id": "1"}}


def customers(sandbox: Sandbox, name: str = "Faulty Co") -> int:
    row = sandbox.store.conn.execute("SELECT COUNT(*) FROM customer WHERE companyname = ?", (name,))
    count: int = row.fetchone()[0]
    return count


@contextmanager
def faulty(
    plan: FaultPlan | str | FaultInjector, profile: Any = None
) -> Iterator[tuple[Sandbox, Client]]:
    sandbox = Sandbox(profile, faults=plan)
    try:
        with sandbox.intercept():
            yield sandbox, Client(sandbox.base_url, tba(sandbox))
    finally:
        sandbox.close()


# --- the plan ---------------------------------------------------------------------------------


def test_a_plan_parses_from_its_cli_form_and_prints_back() -> None:
    text = "latency=20ms,jitter=5ms,5xx=0.05,drop=0.02,429-burst=3@0.01,seed=7"
    plan = FaultPlan.parse(text)
    assert plan == FaultPlan(
        latency_ms=20,
        jitter_ms=5,
        error_share=0.05,
        drop_share=0.02,
        burst_length=3,
        burst_share=0.01,
        seed=7,
    )
    assert str(plan) == text
    assert FaultPlan.parse(str(plan)) == plan
    assert FaultPlan.parse(" 5xx = 5% , latency=0.5s ") == FaultPlan(
        latency_ms=500, error_share=0.05
    )
    assert FaultPlan.parse("").is_quiet and not plan.is_quiet


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("latency=fast", "latency=fast: expected a duration like 20ms or 0.5s"),
        ("5xx=1.5", "5xx=1.5: a share must be between 0 and 1"),
        ("drop=lots", "drop=lots: expected a share like 0.05 or 5%"),
        ("429-burst=3", "429-burst=3: expected N@share"),
        ("seed=x", "seed=x: expected an integer"),
        ("timeout=3", "timeout: unknown fault"),
        ("drop", "'drop': expected key=value"),
        ("drop=0.1,drop=0.2", "drop: given twice"),
    ],
)
def test_a_bad_plan_says_which_part_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(FaultPlanError) as error:
        FaultPlan.parse(text)
    assert str(error.value).startswith(message)


def test_a_bad_plan_in_a_profile_file_is_a_config_error(tmp_path: Path) -> None:
    source = DEMO_PROFILE.read_text(encoding="utf-8").replace(
        "faults: []", "faults: []\nfaultPlan: 5xx=2"
    )
    path = tmp_path / "faulty.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(SandboxConfigError) as error:
        load_profile(path)
    assert any("faultPlan" in p and "5xx=2" in p for p in error.value.problems)


# --- determinism ------------------------------------------------------------------------------


def decisions(plan: FaultPlan, n: int = 300) -> list[tuple[float, int | None, bool]]:
    injector = FaultInjector(plan)
    out = []
    for _ in range(n):
        d = injector.decide("POST", "/services/rest/record/v1/customer")
        out.append((d.delay_s, d.answer[0] if d.answer else None, d.drop))
    return out


def test_the_same_plan_gives_the_same_faults_and_another_seed_others() -> None:
    plan = FaultPlan.parse("latency=10ms,jitter=5ms,5xx=0.1,drop=0.1,429-burst=2@0.05,seed=3")
    assert decisions(plan) == decisions(plan)
    assert decisions(plan) != decisions(FaultPlan.parse(str(plan).replace("seed=3", "seed=4")))


def test_shares_are_roughly_the_plan() -> None:
    seen = decisions(FaultPlan(error_share=0.2, drop_share=0.1, seed=11), 2000)
    errors = sum(1 for _, status, _ in seen if status == MAINTENANCE_STATUS)
    drops = sum(1 for _, _, drop in seen if drop)
    assert 320 <= errors <= 480  # 400 expected
    assert 130 <= drops <= 230  # 10% of the 80% not refused: 160 expected


def test_latency_waits_within_the_jitter() -> None:
    waits: list[float] = []
    injector = FaultInjector(FaultPlan.parse("latency=20ms,jitter=5ms,seed=1"), sleep=waits.append)
    for _ in range(50):
        injector.around("GET", "/x", lambda: (200, {}, b""))
    assert len(waits) == 50 and all(0.015 <= w <= 0.025 for w in waits)
    assert len(set(waits)) > 40


def test_a_429_burst_is_n_consecutive_refusals() -> None:
    seen = [status for _, status, _ in decisions(FaultPlan.parse("429-burst=3@0.05,seed=5"), 2000)]
    starts = [i for i, s in enumerate(seen) if s == 429 and (i == 0 or seen[i - 1] != 429)]
    assert starts
    for start in starts:
        run = 0
        while start + run < len(seen) and seen[start + run] == 429:
            run += 1
        assert run % 3 == 0 or start + run == len(seen)


def test_reset_starts_the_sequence_again() -> None:
    with faulty("5xx=0.5,seed=9") as (sandbox, ns):
        first = [ns.get("record/v1/currency/1").status_code for _ in range(20)]
        sandbox.reset()
        again = [ns.get("record/v1/currency/1").status_code for _ in range(20)]
    assert first == again and 503 in first and 200 in first


# --- each fault as the client sees it ---------------------------------------------------------


def test_a_5xx_is_the_html_maintenance_page_and_nothing_is_processed() -> None:
    with faulty("5xx=1") as (sandbox, ns):
        response = ns.post("record/v1/customer", CUSTOMER)
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("text/html")
        assert (
            "currently unavailable while we undergo our regularly scheduled maintenance"
            in response.text
        )
        assert customers(sandbox) == 0


def test_a_429_is_netsuites_concurrency_refusal() -> None:
    with faulty("429-burst=1@1") as (sandbox, ns):
        response = ns.post("record/v1/customer", CUSTOMER)
        assert response.status_code == 429
        assert details(response) == [
            {
                "detail": "Concurrent request limit exceeded. Request blocked.",
                "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED",
            }
        ]
        assert customers(sandbox) == 0


def test_a_dropped_answer_was_committed_and_an_upsert_retry_makes_no_duplicate() -> None:
    with faulty("drop=1") as (sandbox, ns):
        with pytest.raises(requests.ConnectionError):
            ns.post("record/v1/customer", CUSTOMER)
        assert customers(sandbox) == 1  # saved, though the client never heard
        with pytest.raises(requests.ConnectionError):
            ns.post("record/v1/customer", CUSTOMER)
        assert customers(sandbox) == 2  # a blind POST retry duplicates
        for _ in range(2):
            with pytest.raises(requests.ConnectionError):
                ns.put("record/v1/customer/eid:faulty-1", {**CUSTOMER, "companyName": "Eid Co"})
        assert customers(sandbox, "Eid Co") == 1  # an upsert by externalId does not


def test_over_http_a_drop_closes_the_connection_without_an_answer() -> None:
    sandbox = Sandbox(faults="drop=1")
    server = sandbox.serve_http(port=0)
    try:
        session = requests.Session()
        session.auth = tba(sandbox)
        with pytest.raises(requests.ConnectionError):
            session.post(
                server.url + "/services/rest/record/v1/customer", json=CUSTOMER, timeout=10
            )
        assert customers(sandbox) == 1
    finally:
        server.stop()
        sandbox.close()


def test_over_http_the_maintenance_page_is_served() -> None:
    sandbox = Sandbox(faults="5xx=1")
    server = sandbox.serve_http(port=0)
    try:
        response = requests.get(server.url + "/services/rest/record/v1/currency/1", timeout=10)
        assert response.status_code == 503 and "scheduled maintenance" in response.text
    finally:
        server.stop()
        sandbox.close()


# --- the profile's faults ---------------------------------------------------------------------


def test_targeted_faults_match_method_and_record_type_a_number_of_times() -> None:
    fault = {
        "name": "so outage",
        "match": {"method": "POST", "recordType": "salesOrder"},
        "kind": "error",
        "status": 500,
        "code": "UNEXPECTED_ERROR",
        "detail": "An unexpected error occurred. Error ID: test",
        "times": 1,
    }
    profile = variant(lambda p: p["faults"].append(fault))
    order = {"entity": {"id": "1001"}, "item": {"items": [{"item": {"id": "101"}}]}}
    with faulty(FaultPlan(), profile) as (_, ns):
        assert ns.post("record/v1/customer", CUSTOMER).status_code == 204
        first = ns.post("record/v1/salesOrder", order)
        assert first.status_code == 500
        assert details(first)[0]["o:errorCode"] == "UNEXPECTED_ERROR"
        assert ns.post("record/v1/salesOrder", order).status_code == 204


def test_a_targeted_disconnect_drops_after_processing_and_a_delay_waits() -> None:
    def add(p: dict[str, Any]) -> None:
        p["faults"].append(
            {"name": "cut", "match": {"pathPattern": "/customer$"}, "kind": "disconnect"}
        )
        p["faults"].append(
            {
                "name": "slow",
                "match": {"recordType": "currency"},
                "kind": "delay",
                "delaySeconds": 2,
            }
        )

    waits: list[float] = []
    profile = variant(add)
    injector = FaultInjector(FaultPlan(), profile.faults, sleep=waits.append)
    with faulty(injector, profile) as (sandbox, ns):
        with pytest.raises(requests.ConnectionError):
            ns.post("record/v1/customer", CUSTOMER)
        assert customers(sandbox) == 1
        assert ns.get("record/v1/currency/1").status_code == 200
    assert waits == [2.0]


def test_the_profiles_plan_is_the_default_and_an_explicit_plan_wins() -> None:
    profile = variant(lambda p: p.update(faultPlan="5xx=1"))
    boxes = [Sandbox(profile), Sandbox(profile, faults=FaultPlan()), Sandbox()]
    try:
        assert [box.faults is not None for box in boxes] == [True, False, False]
    finally:
        for box in boxes:
            box.close()
