"""One process of the cross-process governance test (run as a script, not collected).

Argument: base_url lock_dir. Prints `ready`, then for each stdin line `LIMIT THREADS COUNT`
(waiting for the line so all processes start together) sends COUNT GETs from each of THREADS
threads, through a budget of LIMIT slots (0: no budget), and prints a JSON count of outcomes.
An empty line ends the process.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter

from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.netsuite.governance import ConcurrencyBudget
from harness.netsuite.retry import RetryPolicy


def run(base_url: str, lock_dir: str, limit: int, threads: int, count: int) -> Counter[str]:
    budget = ConcurrencyBudget("GOVERNANCE_TEST", limit, lock_dir=lock_dir) if limit else None
    outcomes: Counter[str] = Counter()
    guard = threading.Lock()

    def work() -> None:
        client = NetSuiteClient(base_url, governance=budget, retry=RetryPolicy.never())
        for n in range(count):
            try:
                client.get("customer", n)
                outcome = "ok"
            except NetSuiteError as error:
                outcome = str(error.status)
            with guard:
                outcomes[outcome] += 1

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


def main(argv: list[str]) -> None:
    base_url, lock_dir = argv[1], argv[2]
    print("ready", flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        limit, threads, count = (int(part) for part in line.split())
        print(json.dumps(run(base_url, lock_dir, limit, threads, count)), flush=True)


if __name__ == "__main__":
    main(sys.argv)
