"""Bad input at scale: 10,000 malformed orders and 10,000 hostile sandbox requests.

- orders: `harness.woo.strategies.malformed_orders()` through `verify()` as dict, JSON text
  or bytes; each must end as an `invalid-order` verdict (and `WooOrder.parse` must raise
  `WooOrderError`), never another exception;
- requests: the drawn requests of `tests/reliability/sandbox_fuzz.py` (mostly signed, so they
  reach the record service and SuiteQL) against `Sandbox().handle()`; each answer must be
  NetSuite's error shape and never a 500.

    .venv/bin/python bench/bench_fuzz.py [--orders 10000] [--requests 10000]

Exits 1 when anything escaped, printing the first offenders.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchlib import print_header, table
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))

from sandbox_fuzz import Hostile, hostile_requests, netsuite_error_problems, prepared

from harness.landing.verify import verify
from harness.mapping import load_mapping
from harness.netsuite.calllog import CallLog
from harness.sandbox.serve import Sandbox
from harness.woo.order import WooOrder, WooOrderError
from harness.woo.strategies import malformed_orders


class NoNetSuite:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"verify() reached NetSuite ({name}) for an invalid order")


def many(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[phase for phase in Phase if phase is not Phase.shrink],
    )


def fuzz_orders(count: int) -> tuple[Counter[str], list[str], float]:
    mapping = load_mapping()
    kinds: Counter[str] = Counter()
    escaped: list[str] = []

    @many(count)
    @given(malformed_orders(), st.sampled_from(["dict", "str", "bytes"]))
    def one(case: tuple[dict[str, Any], str], form: str) -> None:
        wire, defect = case
        text = json.dumps(wire)
        raw: Any = {"dict": wire, "str": text, "bytes": text.encode()}[form]
        kinds[defect.split(".")[0]] += 1
        try:
            verdict = verify(raw, mapping, NoNetSuite(), CallLog(), None)
            if verdict.outcome != "invalid-order":
                escaped.append(f"{defect} ({form}): verdict {verdict.outcome}")
            WooOrder.parse(raw)
            escaped.append(f"{defect} ({form}): WooOrder.parse accepted it")
        except WooOrderError:
            pass
        except Exception as exc:  # the point: nothing else may come out
            escaped.append(f"{defect} ({form}): {type(exc).__name__}: {exc}"[:300])

    began = time.perf_counter()
    one()
    return kinds, escaped, time.perf_counter() - began


def fuzz_requests(count: int) -> tuple[Counter[str], list[str], float]:
    sandbox = Sandbox()
    statuses: Counter[str] = Counter()
    escaped: list[str] = []

    @many(count)
    @given(hostile_requests())
    def one(request: Hostile) -> None:
        url, headers = prepared(sandbox, request, sandbox.base_url)
        status, answer_headers, body = sandbox.handle(request.method, url, headers, request.body)
        statuses[f"{status} ({'signed' if request.signed else 'unsigned'})"] += 1
        path = url.split("?", 1)[0].removeprefix(sandbox.base_url)
        problems = netsuite_error_problems(status, answer_headers, body, path=path)
        if problems:
            escaped.append(f"{request.method} {url[:120]} -> {status}: {problems[0]}"[:300])

    began = time.perf_counter()
    one()
    sandbox.close()
    return statuses, escaped, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()

    kinds, bad_orders, order_seconds = fuzz_orders(args.orders)
    statuses, bad_requests, request_seconds = fuzz_requests(args.requests)

    print_header("Bad input")
    total_orders = sum(kinds.values())
    print(
        f"{total_orders} malformed orders in {order_seconds:.1f} s; "
        f"{sum(statuses.values())} hostile requests in {request_seconds:.1f} s.\n"
    )
    print(table(["defect (field root)", "orders"], sorted(kinds.items())))
    print()
    print(table(["sandbox answer", "requests"], sorted(statuses.items())))
    print()
    rows = [
        ("orders that escaped (other exception, or accepted)", len(bad_orders)),
        ("requests answered with a 500 or a non-NetSuite error shape", len(bad_requests)),
    ]
    print(table(["check", "count"], rows))
    offenders = bad_orders[:20] + bad_requests[:20]
    if offenders:
        print("\n" + "\n".join(offenders))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
