"""Bad input at scale: malformed orders, hostile sandbox requests, hostile HTTP.

- orders: `harness.woo.strategies.malformed_orders()` through `verify()` as dict, JSON text
  or bytes; each must end as an `invalid-order` verdict (and `WooOrder.parse` must raise
  `WooOrderError`), never another exception;
- order files: `bench/fuzz_orders.py`, generated orders with one hostile mutation each (JSON
  100,000 deep, a 5,000-digit quantity, `price: 1e308`, bidi characters in an email, item
  ids used twice, ... and generic mutations) through `harness land`, `harness explain` and
  `harness reconcile --orders` (their library functions): each a verdict or a clean error;
- requests: `FIXED_SANDBOX_CASES` (inputs that once answered 500: a reference id past 2**63,
  a line rate of 1e300), each of which must be a 4xx, then the drawn requests of
  `tests/reliability/sandbox_fuzz.py` (mostly signed, so they reach the record service and
  SuiteQL) against `Sandbox().handle()`; each answer must be NetSuite's error shape and never
  a 500;
- http: `harness sandbox serve` in its own process (waitress) fed the hostile inputs of
  `tests/reliability/http_hostile.py` as raw bytes (JSON 100,000 deep, `quantity: 1e308`, a
  5,000-digit integer, `oauth_timestamp` of 5,000 digits or `²`, a `q` of 1,000 ORs, broken
  chunked framing, a body over the limit, ...) round after round, then the drawn requests over
  the socket: 0 answers of 500 or more, 0 tracebacks on the server's stderr, and the server's
  resident memory after the run under 300 MB.

    .venv/bin/python bench/bench_fuzz.py [--orders 10000] [--order-files 10000]
        [--requests 10000] [--http-rounds 50] [--http-requests 2000]

Exits 1 when anything escaped, printing the first offenders.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchlib import print_header, table
from fuzz_orders import fuzz as fuzz_order_files
from fuzz_orders import print_report as print_order_files
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))

from http_hostile import hostile_http_cases, send_raw
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


def _order(line: dict[str, Any], **header: Any) -> bytes:
    """A one-line sales order for customer 1001 as JSON bytes (`header` overrides fields)."""
    body = {"entity": {"id": "1001"}, "item": {"items": [{"item": {"id": "101"}, **line}]}}
    return json.dumps({**body, **header}).encode()


_ORDERS = "/services/rest/record/v1/salesOrder"
# Signed requests that once answered 500: a reference id past 2**63 (SQLite's OverflowError
# when its name was looked up) and a line rate of 1e300 (decimal.InvalidOperation in the
# amount), in each form a client can send them. Each must now be a 4xx in NetSuite's shape.
FIXED_SANDBOX_CASES: tuple[tuple[str, Hostile], ...] = tuple(
    (name, Hostile("POST", _ORDERS, {}, {"Content-Type": "application/json"}, body, True))
    for name, body in (
        ("entity id 2**64", _order({"quantity": 1}, entity={"id": 2**64})),
        ("entity id '2**64'", _order({"quantity": 1}, entity={"id": str(2**64)})),
        ("line item id 2**63", _order({"item": {"id": 2**63}, "quantity": 1})),
        ("rate 1e300", _order({"quantity": 1, "rate": 1e300})),
        ("rate '1e300'", _order({"quantity": 1, "rate": "1e300"})),
        ("quantity 1e14 x rate 1e14", _order({"quantity": 1e14, "rate": 1e14})),
        ("tax rate '1e300'", _order({"quantity": 1}, taxRate="1e300")),
        (
            "discount 15-digit %",
            _order(
                {"quantity": 9e14, "rate": 1}, discountItem={"id": 120}, discountRate="9" * 15 + "%"
            ),
        ),
    )
)


def fuzz_requests(count: int) -> tuple[Counter[str], list[str], float]:
    sandbox = Sandbox()
    statuses: Counter[str] = Counter()
    escaped: list[str] = []

    def judge(request: Hostile, label: str) -> None:
        url, headers = prepared(sandbox, request, sandbox.base_url)
        status, answer_headers, body = sandbox.handle(request.method, url, headers, request.body)
        statuses[f"{status} ({label})"] += 1
        path = url.split("?", 1)[0].removeprefix(sandbox.base_url)
        problems = netsuite_error_problems(status, answer_headers, body, path=path)
        if not problems and not 400 <= status < 500 and label.startswith("fixed"):
            problems = [f"status {status}, not a refusal"]
        if problems:
            escaped.append(
                f"{request.method} {url[:120]} ({label}) -> {status}: {problems[0]}"[:300]
            )

    @many(count)
    @given(hostile_requests())
    def one(request: Hostile) -> None:
        judge(request, "signed" if request.signed else "unsigned")

    began = time.perf_counter()
    for name, request in FIXED_SANDBOX_CASES:
        judge(request, f"fixed: {name}")
    one()
    sandbox.close()
    return statuses, escaped, time.perf_counter() - began


MAX_RSS_MB = 300


@dataclass
class ServedSandbox:
    """`harness sandbox serve` in its own process, as a team runs it in CI: its URL, and its
    resident memory and stderr to judge afterwards."""

    process: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls) -> ServedSandbox:
        process = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "sandbox", "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert process.stdout is not None
        while True:
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"harness sandbox serve did not start: {process.stderr}")
            key, _, value = line.strip().partition("=")
            if key == "NETSUITE_BASE_URL":
                return cls(process, value)

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, resident at its peak) of the server process, in MB (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = {
            line.split(":")[0]: int(line.split()[1]) / 1024
            for line in status.splitlines()
            if line.startswith(("VmRSS:", "VmHWM:"))
        }
        return found.get("VmRSS", float("nan")), found.get("VmHWM", float("nan"))

    def stop(self) -> str:
        """Stop it as CI does (SIGTERM); everything it wrote on stderr."""
        self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err or ""


def fuzz_http(
    rounds: int, drawn: int
) -> tuple[Counter[str], list[str], list[str], float, float, float]:
    """The served sandbox fed hostile bytes: statuses, escapes, tracebacks, seconds, and the
    server's resident memory after the run and at its peak (MB)."""
    signer = Sandbox()  # the demo profile's credentials, to sign as a client does
    served = ServedSandbox.start()
    statuses: Counter[str] = Counter()
    escaped: list[str] = []
    began = time.perf_counter()
    try:
        for _ in range(rounds):
            for case in hostile_http_cases(signer, served.url):
                try:
                    answer = send_raw(served.url, case.raw, timeout=10)
                except (OSError, http.client.HTTPException) as error:
                    statuses[f"0 {case.name}"] += 1
                    escaped.append(f"{case.name} -> no answer: {type(error).__name__} {error}")
                    continue
                statuses[f"{answer.status} {case.name}"] += 1
                problems = (
                    netsuite_error_problems(answer.status, answer.headers, answer.body)
                    if answer.status >= 400
                    else []
                )
                if answer.status not in case.expect or problems:
                    escaped.append(f"{case.name} -> {answer.status}: {problems[:1]}"[:300])

        @many(drawn)
        @given(hostile_requests())
        def one(request: Hostile) -> None:
            url, headers = prepared(signer, request, served.url)
            answer = _over_http(request.method, url, headers, request.body)
            if answer is None:
                statuses["0 (drawn, not sendable by http.client)"] += 1
                return
            status, answer_headers, body = answer
            statuses[f"{status} (drawn, over HTTP)"] += 1
            path = url.split("?", 1)[0].removeprefix(served.url)
            if request.method.upper() == "HEAD":  # an answer to HEAD has no body on the wire
                body = b"" if status >= 500 else json.dumps(_head_stand_in(status)).encode()
            problems = netsuite_error_problems(status, answer_headers, body, path=path)
            if problems:
                escaped.append(f"{request.method} {url[:120]} -> {status}: {problems[0]}"[:300])

        if drawn:
            one()
        seconds = time.perf_counter() - began
        rss, peak = served.memory_mb()
    finally:
        stderr = served.stop()
        signer.close()
    tracebacks = [
        f"server stderr: {line[:200]}"
        for line in stderr.splitlines()
        if "Traceback" in line or " ERROR " in line or line.startswith("ERROR")
    ]
    return statuses, escaped, tracebacks, seconds, rss, peak


def _head_stand_in(status: int) -> dict[str, Any]:
    """What the shape check reads for a HEAD answer: its headers are checked, its body is not
    sent (HTTP), so a minimal body of the right shape stands in."""
    detail = {"detail": "HEAD", "o:errorCode": "HEAD"}
    return {"type": "", "title": "", "status": status, "o:errorDetails": [detail]}


def _over_http(
    method: str, url: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes] | None:
    """One drawn request over a socket; the method and headers go out as drawn (latin-1)."""

    parts = urlsplit(url)
    target = url[len(f"{parts.scheme}://{parts.netloc}") :] or "/"
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("latin-1", "replace"))
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (http.client.HTTPException, ValueError, OSError):
        # A request http.client itself refuses to send (a control character in a header):
        # nothing reached the sandbox, so there is nothing of its to judge.
        return None
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--order-files", type=int, default=10_000, help="through the CLI verbs")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--http-rounds", type=int, default=50, help="rounds of the HTTP cases")
    parser.add_argument("--http-requests", type=int, default=2_000, help="drawn, over HTTP")
    args = parser.parse_args()

    kinds, bad_orders, order_seconds = fuzz_orders(args.orders)
    order_files, file_kinds, file_seconds = fuzz_order_files(args.order_files, seed=1)
    statuses, bad_requests, request_seconds = fuzz_requests(args.requests)
    http_statuses, bad_http, tracebacks, http_seconds, rss, peak = fuzz_http(
        args.http_rounds, args.http_requests
    )

    print_header("Bad input")
    total_orders = sum(kinds.values())
    print(
        f"{total_orders} malformed orders in {order_seconds:.1f} s; "
        f"{sum(statuses.values())} hostile requests in {request_seconds:.1f} s.\n"
    )
    print(table(["defect (field root)", "orders"], sorted(kinds.items())))
    print()
    print_order_files(order_files, file_kinds, file_seconds)
    print()
    print(table(["sandbox answer", "requests"], sorted(statuses.items())))
    print()
    print(
        f"Over HTTP: {sum(http_statuses.values())} requests in {http_seconds:.1f} s "
        f"({args.http_rounds} rounds of the hostile cases, {args.http_requests} drawn).\n"
    )
    by_case = Counter(
        {
            key.split(" ", 1)[1] + " -> " + key.split(" ", 1)[0]: n
            for key, n in http_statuses.items()
        }
    )
    print(table(["over HTTP: case -> status", "requests"], sorted(by_case.items())))
    print()
    server_errors = sum(n for key, n in http_statuses.items() if int(key.split(" ", 1)[0]) >= 500)
    rows = [
        ("orders that escaped (other exception, or accepted)", len(bad_orders)),
        ("order files ending in a traceback (land, explain, reconcile)", len(order_files.escaped)),
        ("requests answered with a 500 or a non-NetSuite error shape", len(bad_requests)),
        ("over HTTP: answers of 500 or more", server_errors),
        ("over HTTP: answers not as expected, or not in NetSuite's shape", len(bad_http)),
        ("over HTTP: tracebacks on the server's stderr", len(tracebacks)),
        (f"server's resident memory after the run, MB (limit {MAX_RSS_MB})", f"{rss:.0f}"),
        ("server's peak resident memory, MB", f"{peak:.0f}"),
    ]
    print(table(["check", "count"], rows))
    offenders = bad_orders[:20] + order_files.escaped[:20] + bad_requests[:20]
    offenders += bad_http[:20] + tracebacks[:20]
    if rss >= MAX_RSS_MB:
        offenders.append(f"resident memory {rss:.0f} MB is over {MAX_RSS_MB} MB")
    if offenders:
        print("\n" + "\n".join(offenders))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
