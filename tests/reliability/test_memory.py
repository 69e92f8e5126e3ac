"""A long run keeps nothing of a finished scenario: its clients (and with them their call
logs and every response) are freed, so memory does not grow with the number of landings."""

from __future__ import annotations

import gc

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.netsuite.client import NetSuiteClient
from harness.runner import run_scenario
from harness.targets.sim import SimTarget

LANDINGS = 12


def live_clients() -> int:
    gc.collect()
    return sum(isinstance(o, NetSuiteClient) for o in gc.get_objects())


def test_finished_scenarios_leave_no_client_behind() -> None:
    spec = load_catalogue().get("new-customer")
    mapping = load_mapping()
    with SimTarget() as target:
        for seed in range(1, LANDINGS + 1):
            run_scenario(spec, seed, target, mapping)
        after_some = live_clients()
        for seed in range(LANDINGS + 1, 3 * LANDINGS + 1):
            run_scenario(spec, seed, target, mapping)
        after_more = live_clients()

    # Only the scenario that ran last may still be held (its clients are reused by nothing).
    assert after_more == after_some, (
        f"{after_more - after_some} clients of {2 * LANDINGS} more finished scenarios are "
        "still alive"
    )
