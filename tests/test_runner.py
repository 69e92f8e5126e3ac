"""One scenario end to end, and what the scenarios of one run share."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from harness.catalogue.spec import TargetSpec, load_catalogue
from harness.mapping import load_mapping
from harness.runner import RunCaches, RunConfig, run_catalogue, run_scenario
from harness.sandbox.account import AccountProfile, demo_profile
from harness.sandbox.serve import Sandbox
from harness.targets.sim import SimTarget


def _suiteql(calls: Sequence[dict[str, Any]]) -> int:
    return sum(1 for call in calls if str(call["path"]).endswith("/suiteql"))


def test_a_run_asks_for_reference_data_once_but_for_customers_every_time() -> None:
    catalogue, mapping = load_catalogue(), load_mapping()
    spec = catalogue.get("new-customer")
    caches = RunCaches()
    with SimTarget() as target:
        first = run_scenario(spec, 1, target, mapping, caches=caches)
        # The same order again after the sandbox reset: its new customer is gone, so a cached
        # customer id would land the order on a customer that no longer exists.
        again = run_scenario(spec, 1, target, mapping, caches=caches)
        alone = run_scenario(spec, 1, target, mapping)
    assert first.met and again.met and alone.met
    assert _suiteql(again.calls) < _suiteql(first.calls) == _suiteql(alone.calls)
    assert first.verdict.sales_order_id == again.verdict.sales_order_id


def _with_a_role_that_may_not_view_items() -> AccountProfile:
    """The demo account, plus a role like the integration's without 'Lists > Items' and a
    token `no-items` of it."""
    profile = demo_profile()
    integration = profile.roles[0]
    no_items = integration.model_copy(
        update={
            "id": 1099,
            "name": "Woo Integration (no items)",
            "permissions": [p for p in integration.permissions if p.name != "Items"],
        }
    )
    token = profile.credentials.tba[0].model_copy(
        update={"name": "no-items", "role": 1099, "tokenId": "ab" * 32, "tokenSecret": "cd" * 32}
    )
    credentials = profile.credentials.model_copy(
        update={"tba": [*profile.credentials.tba, token]}
    )
    return profile.model_copy(
        update={"roles": [*profile.roles, no_items], "credentials": credentials}
    )


def test_a_role_finds_no_reference_data_through_the_lookups_of_another() -> None:
    """A run shares what its connectors learnt, but not across roles: a token whose role may
    not view items must meet NetSuite's refusal, whoever landed an order before it."""
    catalogue, mapping = load_catalogue(), load_mapping()
    usual = catalogue.get("tax-california")
    restricted = usual.model_copy(
        update={"name": "no-items", "target": TargetSpec(credential="no-items")}
    )
    sandbox = Sandbox(_with_a_role_that_may_not_view_items())
    caches = RunCaches()
    try:
        with SimTarget(sandbox=sandbox) as target:
            first = run_scenario(usual, 1, target, mapping, caches=caches)
            shared = run_scenario(restricted, 1, target, mapping, caches=caches)
            alone = run_scenario(restricted, 1, target, mapping)
    finally:
        sandbox.close()
    assert first.met
    for result in (shared, alone):
        assert result.verdict.outcome == "rejected"
        assert result.verdict.diagnosis is not None
        assert result.verdict.diagnosis.category == "permission"
        assert "'Lists > Items' at View level" in result.verdict.diagnosis.hint
    assert shared.verdict.diagnosis == alone.verdict.diagnosis


def test_a_verdict_does_not_depend_on_what_landed_before_it() -> None:
    """Every scenario of the catalogue, landed one after another in one sandbox sharing one
    run's caches (in reverse order, so each follows others than in a run), gets the verdict
    it gets alone, in a sandbox and a run of its own."""
    catalogue, mapping = load_catalogue(), load_mapping()
    specs = list(reversed(catalogue.scenarios))
    caches = RunCaches()
    with SimTarget() as target:
        together = [run_scenario(spec, 3, target, mapping, caches=caches) for spec in specs]
    for spec, result in zip(specs, together, strict=True):
        with SimTarget() as fresh:
            alone = run_scenario(spec, 3, fresh, mapping)
        assert result.verdict.to_json() == alone.verdict.to_json(), spec.name


def test_worker_processes_give_the_same_verdicts_as_one_process() -> None:
    names = ["new-customer", "tax-california", "unknown-sku", "canada-cad-hst", "two-coupons"]
    serial = run_catalogue(RunConfig(), names)
    parallel = run_catalogue(RunConfig(), names, workers=2)
    assert [r.scenario for r in parallel] == names
    assert [r.verdict.to_json() for r in parallel] == [r.verdict.to_json() for r in serial]


def test_a_results_calls_leave_the_process_redacted_and_equal_to_what_it_read() -> None:
    """A worker's results are pickled to the parent: as plain redacted dicts, never the
    exchanges they were read from."""
    spec = load_catalogue().get("new-customer")
    with SimTarget() as target:
        result = run_scenario(spec, 1, target, load_mapping())
        secrets = [c.tokenSecret for c in target.sandbox.profile.credentials.tba]
    sent = pickle.dumps(result)
    assert not any(secret.encode() in sent for secret in secrets)
    back = pickle.loads(sent)
    assert type(back.calls) is tuple and back.calls == result.calls
    assert json.dumps(back.to_json()) == json.dumps(result.to_json())
    assert "Authorization" in back.calls[0]["request_headers"]


FREEZE_PROBE = """
import gc, json
from harness.runner import RunConfig, run_catalogue
{before}
frozen_before = gc.get_freeze_count()
during = []
record = lambda _: during.append(gc.get_freeze_count())
run_catalogue(RunConfig(), ["guest-checkout"], on_result=record)
print(json.dumps([frozen_before, during, gc.get_freeze_count()]))
"""


@pytest.mark.parametrize("froze_already", [False, True], ids=["fresh-process", "frozen-by-caller"])
def test_a_run_in_the_callers_process_keeps_its_collector_as_it_found_it(
    froze_already: bool,
) -> None:
    """From its first landing on, a run in the caller's process keeps what it holds for the
    run out of the collector's full passes (as a pool worker does), and leaves the caller's
    collector as it found it: its own freeze is undone, a freeze of the caller's is neither
    added to nor undone."""
    before = "gc.collect(); gc.freeze()" if froze_already else ""
    done = subprocess.run(
        [sys.executable, "-c", FREEZE_PROBE.format(before=before)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen_before, during, after = json.loads(done.stdout.splitlines()[-1])
    assert (frozen_before > 0) is froze_already
    assert during and all(count > 0 for count in during)
    if froze_already:  # neither added to nor undone (objects it holds may still be freed)
        assert all(count <= frozen_before for count in during) and after > 0
    else:
        assert after == 0
