"""The fault soak at scale: 1,000 orders through the reference connector under faults.

The same soak as `tests/reliability/test_fault_soak.py` (its helper is imported from there):
the sandbox answers 503 maintenance pages, 429 bursts, late answers and answers lost after the
write committed; afterwards every order must have landed exactly once (SuiteQL count by
externalId) or carry a governance/transport diagnosis, with no duplicate customers, and
match what the same order does in a quiet sandbox.

    .venv/bin/python bench/bench_soak.py [--orders 1000] [--plan "5xx=0.08,drop=0.08,..."]
        [--attempts 8] [--http]

Exits 1 when any promise broke, listing each broken one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from benchlib import print_header, table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))

from reliability_soak import DEFAULT_PLAN, run_soak, soak_orders

from harness.sandbox.faults import FaultPlan


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="a FaultPlan in CLI form")
    parser.add_argument("--attempts", type=int, default=8, help="the pushing client's attempts")
    parser.add_argument("--http", action="store_true", help="through the sandbox over HTTP")
    args = parser.parse_args()

    plan = FaultPlan.parse(args.plan)
    orders = soak_orders(args.orders)
    began = time.perf_counter()
    report = run_soak(orders, plan, attempts=args.attempts, over_http=args.http)
    seconds = time.perf_counter() - began
    outcomes = Counter(v.outcome for v in report.verdicts.values())
    categories = Counter(
        v.diagnosis.category
        for v in report.verdicts.values()
        if v.diagnosis is not None and v.outcome not in ("landed", "landed-wrong")
    )
    problems = report.problems()

    print_header("Fault soak")
    where = "over HTTP" if args.http else "in-process"
    print(
        f"{len(orders)} orders {where}, plan `{plan}`, {args.attempts} attempts per request; "
        f"{report.calls} exchanges in {seconds:.1f} s (both sandboxes).\n"
    )
    print(table(["injected fault seen by the client", "exchanges"], sorted(report.faults.items())))
    print()
    print(table(["outcome under faults", "orders"], sorted(outcomes.items())))
    if categories:
        print()
        print(
            table(["diagnosis of orders that did not land", "orders"], sorted(categories.items()))
        )
    print()
    landed_once = sum(1 for n in report.counts.values() if n == 1)
    rows = [
        ("orders landed exactly once", landed_once),
        ("externalIds with more than one Sales Order", len(report.duplicate_orders)),
        ("emails with a new duplicate customer", len(report.new_duplicate_customers)),
        ("broken promises (duplicates, losses, unexplained changes)", len(problems)),
    ]
    print(table(["check", "count"], rows))
    if problems:
        print("\n" + "\n".join(problems[:50]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
