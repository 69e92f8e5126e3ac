"""ConcurrencyBudget: one per-account limit shared by threads and by processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harness.netsuite.errors import error_detail, error_document
from harness.netsuite.governance import (
    ConcurrencyBudget,
    GovernanceTimeout,
    default_lock_root,
    limit_from_governance,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORKER = HERE / "governance_worker.py"


# -- limits ---------------------------------------------------------------------------------


def test_integration_specific_limit_wins() -> None:
    limits = {
        "accountConcurrencyLimit": 5,
        "accountUnallocatedConcurrencyLimit": 3,
        "integrationConcurrencyLimit": 2,
        "integrationLimitType": "integrationSpecific",
    }

    assert limit_from_governance(limits) == 2


@pytest.mark.parametrize("kind", ["accountLimit", "internal", None])
def test_otherwise_the_account_limit_applies(kind: str | None) -> None:
    assert (
        limit_from_governance({"accountConcurrencyLimit": 15, "integrationLimitType": kind}) == 15
    )


def test_missing_limit_names_the_field() -> None:
    with pytest.raises(
        ValueError,
        match=r"governanceLimits\.integrationConcurrencyLimit: "
        r"expected a positive integer .* \(got None\)",
    ):
        limit_from_governance(
            {"accountConcurrencyLimit": 5, "integrationLimitType": "integrationSpecific"}
        )


def test_limit_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"limit: expected a positive integer \(got 0\)"):
        ConcurrencyBudget("1234567_SB1", 0, lock_dir=tmp_path)


def test_slots_live_in_a_per_account_directory(tmp_path: Path) -> None:
    default = ConcurrencyBudget("1234567_SB1", 1)
    mine = ConcurrencyBudget("1234567_SB1", 1, lock_dir=tmp_path)

    assert default.directory.is_relative_to(default_lock_root())
    assert default.directory.name == mine.directory.name == "1234567_SB1"
    assert mine.directory.is_relative_to(tmp_path)


# -- within one process -----------------------------------------------------------------------


def test_threads_never_exceed_the_limit(tmp_path: Path) -> None:
    budget = ConcurrencyBudget("1234567_SB1", 3, lock_dir=tmp_path)
    guard = threading.Lock()
    state = {"now": 0, "max": 0}

    def work() -> None:
        for _ in range(5):
            with budget:
                with guard:
                    state["now"] += 1
                    state["max"] = max(state["max"], state["now"])
                time.sleep(0.005)
                with guard:
                    state["now"] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert state["max"] == 3


def test_instances_for_one_account_share_slots(tmp_path: Path) -> None:
    first = ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path)
    second = ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path)
    held = [first.acquire(), first.acquire()]

    with pytest.raises(GovernanceTimeout, match="no concurrency slot of account 1234567_SB1"):
        second.acquire(timeout=0.05)
    first.release(held[0])
    assert second.acquire(timeout=1) == held[0]


def test_accounts_have_separate_budgets(tmp_path: Path) -> None:
    sandbox = ConcurrencyBudget("1234567_SB1", 1, lock_dir=tmp_path)
    other = ConcurrencyBudget("7654321_SB1", 1, lock_dir=tmp_path)
    sandbox.acquire()

    assert other.acquire(timeout=0.05) == 0


def test_acquire_waits_for_a_release(tmp_path: Path) -> None:
    budget = ConcurrencyBudget("1234567_SB1", 1, lock_dir=tmp_path)
    slot = budget.acquire()
    timer = threading.Timer(0.05, budget.release, args=(slot,))
    started = time.monotonic()
    timer.start()

    with budget:
        waited = time.monotonic() - started
    timer.join()

    assert 0.04 <= waited < 1.0


def test_slots_of_a_killed_process_are_freed(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from harness.netsuite.governance import ConcurrencyBudget\n"
            "budget = ConcurrencyBudget('1234567_SB1', 2, lock_dir=sys.argv[1])\n"
            "budget.acquire(); budget.acquire()\n"
            "print('held', flush=True); time.sleep(60)\n",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_worker_env(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        budget = ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path)
        with pytest.raises(GovernanceTimeout):
            budget.acquire(timeout=0.05)
    finally:
        holder.kill()
        holder.wait()

    assert budget.acquire(timeout=2) in (0, 1)


# -- across processes, against a server that enforces the limit -------------------------------


@dataclass
class GovernedServer:
    """A local NetSuite stand-in: fixed latency, 429 beyond `limit` requests in flight."""

    limit: int
    latency: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    rejected: int = 0
    spans: list[tuple[float, float]] = field(default_factory=list)

    def handle(self) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            over = self.in_flight > self.limit
            if over:
                self.in_flight -= 1
                self.rejected += 1
        if over:
            return 429, error_document(
                429,
                [
                    error_detail(
                        "Concurrent request limit exceeded. Request blocked.",
                        "CONCURRENCY_LIMIT_EXCEEDED",
                    )
                ],
            )
        started = time.perf_counter()
        time.sleep(self.latency)
        finished = time.perf_counter()
        # Counted out before the answer is written: once the client has the answer, the
        # request is no longer in flight.
        with self.lock:
            self.in_flight -= 1
            self.spans.append((started, finished))
        return 200, {"id": "1"}

    def reset(self) -> None:
        with self.lock:
            self.max_in_flight = self.rejected = 0
            self.spans.clear()

    def throughput(self) -> float:
        """Requests a second until three quarters are answered.

        The last quarter is the tail: once some processes have sent all theirs, fewer than
        `limit` remain to keep the slots busy, which says nothing of the budget.
        """
        first = min(start for start, _ in self.spans)
        ends = sorted(end for _, end in self.spans)
        counted = max(1, len(ends) * 3 // 4)
        return counted / (ends[counted - 1] - first)


@pytest.fixture
def server() -> Iterator[tuple[str, GovernedServer]]:
    state = GovernedServer(limit=3, latency=0.04)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def do_GET(self) -> None:
            status, body = state.handle()
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class Workers:
    """Worker processes, started once and driven phase by phase over stdin."""

    def __init__(self, count: int, base_url: str, lock_dir: Path) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, str(WORKER), base_url, str(lock_dir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                env=_worker_env(),
            )
            for _ in range(count)
        ]
        for process in self.processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"

    def run(self, processes: int, limit: int, threads: int, requests_each: int) -> dict[str, int]:
        """Release `processes` workers together and add up their outcomes."""
        chosen = self.processes[:processes]
        for process in chosen:
            assert process.stdin is not None
            process.stdin.write(f"{limit} {threads} {requests_each}\n")
            process.stdin.flush()
        totals: dict[str, int] = {}
        for process in chosen:
            assert process.stdout is not None
            for outcome, count in json.loads(process.stdout.readline()).items():
                totals[outcome] = totals.get(outcome, 0) + count
        return totals

    def close(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


def test_processes_sharing_the_budget_never_exceed_the_account_limit(
    server: tuple[str, GovernedServer], tmp_path: Path
) -> None:
    base_url, state = server
    limit = state.limit
    workers = Workers(limit + 1, base_url, tmp_path)
    try:
        rounds: list[str] = []
        best = 0.0
        # Timing on a shared machine is noisy: the best of three rounds must reach 90%.
        while len(rounds) < 3 and best < 0.9:
            # One process more than the limit allows, as `pytest -n 4` against a limit of 3.
            state.reset()
            assert workers.run(limit + 1, limit, threads=1, requests_each=16) == {"ok": 64}
            assert state.rejected == 0
            assert state.max_in_flight == limit
            achieved = state.throughput()

            # The account's capacity is limit / latency requests a second; the HTTP stack
            # alone may fall short of it on a busy machine, so the ceiling is measured too:
            # exactly `limit` processes without a budget, which cannot exceed the limit.
            state.reset()
            workers.run(limit, 0, threads=1, requests_each=8)
            assert state.rejected == 0
            ceiling = min(limit / state.latency, state.throughput())
            best = max(best, achieved / ceiling)
            rounds.append(f"{achieved:.1f}/s of {ceiling:.1f}/s")
        assert best >= 0.9, f"throughput with the budget: {', '.join(rounds)}"

        # Without the budget the same processes overrun the limit and are refused.
        state.reset()
        unbudgeted = workers.run(limit + 1, 0, threads=2, requests_each=3)
        assert unbudgeted.get("429", 0) == state.rejected > 0
        assert state.max_in_flight > limit
    finally:
        workers.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_does_not_inherit_the_parents_slot(tmp_path: Path) -> None:
    import multiprocessing

    budget = ConcurrencyBudget("1234567_SB1", 1, lock_dir=tmp_path)
    held = budget.acquire()

    def child() -> None:
        try:
            budget.acquire(timeout=0.05)
        except GovernanceTimeout:
            os._exit(0)
        os._exit(3)  # it got a slot its parent holds

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(10)
    budget.release(held)

    assert process.exitcode == 0


def test_close_gives_every_slot_back(tmp_path: Path) -> None:
    first = ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path)
    first.acquire()
    first.acquire()
    first.close()

    assert ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path).acquire(timeout=0.05) in (0, 1)
