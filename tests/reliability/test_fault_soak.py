"""Orders through the reference connector while the sandbox injects 5xx, 429 bursts, latency
and committed-then-dropped answers: each lands exactly once or is diagnosed; none is lost."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from reliability_soak import (
    DEFAULT_PLAN,
    SoakOrder,
    SoakReport,
    quiet_outcomes,
    run_soak,
    soak_orders,
)

from harness.landing.verdict import Diagnosis, Verdict

SOAK_ORDERS = 40


@pytest.fixture(scope="module")
def orders() -> list[SoakOrder]:
    return soak_orders(SOAK_ORDERS)


@pytest.fixture(scope="module")
def quiet(orders: list[SoakOrder]) -> dict[str, str]:
    """Outcomes without faults; a prefix of the orders has the outcomes of this prefix."""
    return quiet_outcomes(orders)


def test_soak_orders_are_distinct_and_varied(orders: list[SoakOrder]) -> None:
    assert len({o.external_id for o in orders}) == SOAK_ORDERS
    assert len({o.scenario for o in orders}) >= 10


def test_every_order_lands_once_or_is_diagnosed_under_faults(
    orders: list[SoakOrder], quiet: dict[str, str]
) -> None:
    report = run_soak(orders, quiet=quiet)

    assert report.problems() == []
    # The soak proves something only if every kind of fault actually happened, including an
    # answer lost after a write was committed (the case where a blind retry duplicates).
    for kind in ("503 maintenance page", "429 burst", "dropped write", "dropped read"):
        assert report.faults[kind] > 0, (kind, report.faults)
    outcomes = Counter(v.outcome for v in report.verdicts.values())
    assert outcomes["landed"] >= SOAK_ORDERS * 3 // 4, outcomes
    assert sum(report.counts.values()) == outcomes["landed"] + outcomes["landed-wrong"]


def test_without_retries_faults_become_diagnosed_rejections_never_duplicates(
    orders: list[SoakOrder], quiet: dict[str, str]
) -> None:
    plan = replace(DEFAULT_PLAN, error_share=0.1, drop_share=0.1, seed=5)

    report = run_soak(orders[:16], plan, attempts=1, quiet=quiet)

    assert report.problems() == []
    refused = [v for v in report.verdicts.values() if v.outcome not in ("landed", "landed-wrong")]
    assert refused, "with no retries some pushes must fail"
    for verdict in refused:
        assert verdict.diagnosis is not None
        assert verdict.diagnosis.category in ("governance", "transport"), verdict.diagnosis


def test_soak_over_http_survives_closed_sockets(
    orders: list[SoakOrder], quiet: dict[str, str]
) -> None:
    plan = replace(DEFAULT_PLAN, drop_share=0.12, seed=3)

    report = run_soak(orders[:10], plan, over_http=True, quiet=quiet)

    assert report.problems() == []
    assert report.faults["dropped write"] + report.faults["dropped read"] > 0, report.faults


def _verdict(outcome: str, diagnosis: Diagnosis | None = None) -> Verdict:
    return Verdict(order="1", outcome=outcome, diagnosis=diagnosis)  # type: ignore[arg-type]


def _report(orders: list[SoakOrder]) -> SoakReport:
    report = SoakReport(orders[:3])
    for item in orders[:3]:
        report.quiet[item.external_id] = "landed"
        report.verdicts[item.external_id] = _verdict("landed")
        report.counts[item.external_id] = 1
    return report


def test_the_soak_check_passes_a_clean_report(orders: list[SoakOrder]) -> None:
    assert _report(orders).problems() == []


def test_the_soak_check_names_a_duplicate(orders: list[SoakOrder]) -> None:
    report = _report(orders)
    eid = orders[0].external_id
    report.counts[eid] = 2
    report.duplicate_orders = [{"externalid": eid, "n": "2"}]

    problems = report.problems()

    assert any(f"({eid}): 2 Sales Orders" in p for p in problems), problems
    assert any("duplicate Sales Orders" in p for p in problems), problems


def test_the_soak_check_names_a_silent_loss(orders: list[SoakOrder]) -> None:
    report = _report(orders)
    eid = orders[1].external_id
    report.counts[eid] = 0  # the verdict says landed, NetSuite has nothing
    lost = orders[2].external_id
    report.verdicts[lost] = _verdict("not-pushed")  # not landed, and nothing says why
    report.counts[lost] = 0

    problems = report.problems()

    assert any(eid in p and "verdict landed but 0" in p for p in problems), problems
    assert any(lost in p and "without them" in p for p in problems), problems


def test_the_soak_check_accepts_a_diagnosed_fault_but_not_another_category(
    orders: list[SoakOrder],
) -> None:
    report = _report(orders)
    eid = orders[0].external_id
    report.counts[eid] = 0
    report.verdicts[eid] = _verdict(
        "rejected", Diagnosis("governance", "429 five times in a row", "Retry later.")
    )
    assert report.problems() == []

    report.verdicts[eid] = _verdict(
        "rejected", Diagnosis("tax", "tax code missing", "Map the tax code.")
    )
    assert any(eid in p for p in report.problems())


def test_the_soak_check_names_new_duplicate_customers(orders: list[SoakOrder]) -> None:
    report = _report(orders)
    report.new_duplicate_customers = ["jane@example.com"]

    assert report.problems() == ["duplicate customers for jane@example.com"]
