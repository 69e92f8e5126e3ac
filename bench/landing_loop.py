"""Lands every catalogue scenario in the in-process sandbox, `ROUNDS` times after one warm-up
round: the workload `bench_instructions.py` counts the instructions of. Run as a script, with
nothing from `bench/` imported, so another checkout's `harness` (`PYTHONPATH`) runs the same
loop: it uses only what the runner has long offered.

    ROUNDS=2 NEW_ORDERS=1 python bench/landing_loop.py

`NEW_ORDERS=1` lands new orders every round (seeds 100, 101, ...), as a seed sweep does;
otherwise every round lands the warm-up's orders again (seed 7).
"""

from __future__ import annotations

import os

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.runner import run_scenario
from harness.runner.core import RunCaches
from harness.targets.sim import SimTarget

WARM_UP_SEED = 7
FIRST_NEW_SEED = 100


def main() -> None:
    rounds = int(os.environ.get("ROUNDS", "1"))
    new_orders = os.environ.get("NEW_ORDERS") == "1"
    mapping = load_mapping()
    specs = list(load_catalogue().scenarios)
    with SimTarget() as sim:
        for spec in specs:
            run_scenario(spec, WARM_UP_SEED, sim, mapping, caches=RunCaches())
        for round_number in range(rounds):
            seed = FIRST_NEW_SEED + round_number if new_orders else WARM_UP_SEED
            caches = RunCaches()  # a round shares reference data, as `harness run` does
            for spec in specs:
                run_scenario(spec, seed, sim, mapping, caches=caches)
    print(len(specs))


if __name__ == "__main__":
    main()
