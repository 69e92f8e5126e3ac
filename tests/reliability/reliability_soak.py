"""A fault soak: many orders through the reference connector while the sandbox misbehaves.

The sandbox answers 503 maintenance pages, 429 bursts, late answers and answers lost after the
request was committed; the client retries with a policy whose sleep does nothing, so a soak
of hundreds of orders takes seconds. Afterwards, with the faults switched off, NetSuite is
counted: every order's externalId at most once, no email with more customers than before.

The same orders also run against a quiet sandbox: faults may turn a landing into a diagnosed
rejection (retries exhausted), but must never change what landed, duplicate it, or lose it.
Used by `test_fault_soak.py` (small N) and `bench/bench_soak.py` (1,000 orders).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from harness.catalogue.spec import load_catalogue
from harness.connector.refdata import sql_text
from harness.connector.reference import ReferenceConnector
from harness.landing.expect import reference_numbers
from harness.landing.verdict import Verdict
from harness.landing.verify import verify
from harness.mapping import load_mapping
from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.retry import RetryPolicy
from harness.sandbox.faults import FaultInjector, FaultPlan
from harness.sandbox.serve import Sandbox
from harness.woo.generate import generate
from harness.woo.order import WooOrder

DEFAULT_PLAN = FaultPlan(
    latency_ms=20,
    jitter_ms=10,
    error_share=0.08,
    drop_share=0.08,
    burst_length=3,
    burst_share=0.02,
    seed=11,
)
READER_ATTEMPTS = 10
# Categories a fault may legitimately leave behind when retries run out.
FAULT_CATEGORIES = frozenset({"governance", "transport"})


def no_sleep(seconds: float) -> None:
    """Waiting proves nothing here: the sandbox's faults do not depend on the clock."""


@dataclass(frozen=True)
class SoakOrder:
    scenario: str
    seed: int
    order: WooOrder
    external_id: str


@dataclass
class SoakReport:
    """What happened to every order, and what NetSuite holds afterwards."""

    orders: list[SoakOrder]
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # by externalId
    quiet: dict[str, str] = field(default_factory=dict)  # outcome without faults
    counts: dict[str, int] = field(default_factory=dict)  # Sales Orders per externalId
    duplicate_orders: list[dict[str, str]] = field(default_factory=list)
    new_duplicate_customers: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    calls: int = 0

    def problems(self) -> list[str]:
        """Every broken promise, one line each; empty when the soak held."""
        found = []
        for item in self.orders:
            eid = item.external_id
            verdict = self.verdicts.get(eid)
            count = self.counts.get(eid, 0)
            where = f"{item.scenario} seed {item.seed} ({eid})"
            if verdict is None:
                found.append(f"{where}: no verdict")
                continue
            landed = verdict.outcome in ("landed", "landed-wrong")
            if count > 1:
                found.append(f"{where}: {count} Sales Orders")
            if landed != (count == 1):
                found.append(f"{where}: verdict {verdict.outcome} but {count} Sales Orders")
            if verdict.outcome != self.quiet.get(eid):
                diagnosis = verdict.diagnosis
                explained = (
                    not landed
                    and diagnosis is not None
                    and diagnosis.category in FAULT_CATEGORIES
                    and bool(diagnosis.summary)
                )
                if not explained:
                    found.append(
                        f"{where}: {verdict.outcome} under faults, {self.quiet.get(eid)} "
                        f"without them; diagnosis {diagnosis!r}"
                    )
        found.extend(f"duplicate Sales Orders: {row}" for row in self.duplicate_orders)
        found.extend(f"duplicate customers for {e}" for e in self.new_duplicate_customers)
        return found


def soak_orders(count: int, first_seed: int = 1) -> list[SoakOrder]:
    """`count` orders from the catalogue scenarios that land with the default credential,
    cycling through them seed after seed; externalIds are unique."""
    mapping = load_mapping()
    specs = [
        spec
        for spec in load_catalogue().scenarios
        if spec.expect == "landed" and not spec.target.credential and not spec.updates
    ]
    orders: list[SoakOrder] = []
    seen: set[str] = set()
    seed = first_seed
    while len(orders) < count:
        for spec in specs:
            if len(orders) == count:
                break
            order = generate(spec, seed)
            external_id, _ = reference_numbers(order, mapping)
            if external_id not in seen:
                seen.add(external_id)
                orders.append(SoakOrder(spec.name, seed, order, external_id))
        seed += 1
    return orders


def client_for(
    sandbox: Sandbox, calllog: CallLog, *, base_url: str | None = None, attempts: int = 8
) -> NetSuiteClient:
    c = sandbox.profile.credentials.tba[0]
    auth = tba_auth(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    policy = RetryPolicy(max_attempts=attempts, rng=random.Random(7), sleep=no_sleep)
    return NetSuiteClient(
        base_url or sandbox.base_url,
        auth,
        calllog=calllog,
        retry=policy,
        account_id=sandbox.account_id,
        secrets=(c.consumerSecret, c.tokenSecret),
    )


class Lander:
    """One connector and one reader for many orders, as a long-running connector keeps its
    caches; each order's exchanges are its own call log (cleared before every push)."""

    def __init__(self, sandbox: Sandbox, *, base_url: str | None = None, attempts: int = 8) -> None:
        self.mapping = load_mapping()
        self.calllog = CallLog()
        self.reads = CallLog()
        pusher = client_for(sandbox, self.calllog, base_url=base_url, attempts=attempts)
        self.connector = ReferenceConnector(pusher, self.mapping)
        # The check must see what landed whatever the pusher's policy: it always retries.
        self.reader = client_for(sandbox, self.reads, base_url=base_url, attempts=READER_ATTEMPTS)

    def land(self, item: SoakOrder) -> tuple[Verdict, list[Call]]:
        """Push one order, then verify it; returns the verdict and every exchange made."""
        self.calllog.clear()
        self.reads.clear()
        push = self.connector.push(item.order)
        verdict = verify(
            item.order, self.mapping, self.reader, self.calllog, push, scenario=item.scenario
        )
        return verdict, [*self.calllog.calls, *self.reads.calls]


def fault_kind(call: Call) -> str | None:
    """Which injected fault a logged exchange shows, if any."""
    if call.transport_error:
        write = call.method in ("POST", "PUT", "PATCH") and "/record/" in call.path
        return "dropped write" if write else "dropped read"
    if call.status == 503:
        return "503 maintenance page"
    if call.status == 429:
        return "429 burst"
    return None


def duplicate_customer_emails(client: NetSuiteClient) -> set[str]:
    rows = client.suiteql_all(
        "SELECT LOWER(email) AS email, COUNT(*) AS n FROM customer "
        "WHERE email IS NOT NULL GROUP BY LOWER(email) HAVING COUNT(*) > 1"
    )
    return {row["email"] for row in rows}


def quiet_outcomes(orders: list[SoakOrder]) -> dict[str, str]:
    """Each order's outcome in a sandbox without faults, landed in the same sequence (so the
    outcomes of a prefix of `orders` are those of a soak of that prefix)."""
    quiet = Sandbox()
    try:
        with quiet.intercept():
            lander = Lander(quiet)
            return {item.external_id: lander.land(item)[0].outcome for item in orders}
    finally:
        quiet.close()


def run_soak(
    orders: list[SoakOrder],
    plan: FaultPlan = DEFAULT_PLAN,
    *,
    attempts: int = 8,
    over_http: bool = False,
    quiet: dict[str, str] | None = None,
) -> SoakReport:
    """Land `orders` in a faulty sandbox (and, unless `quiet` outcomes are given, in a quiet
    one); count what the faulty one holds."""
    report = SoakReport(orders)
    known = quiet or {}
    if any(item.external_id not in known for item in orders):
        known = quiet_outcomes(orders)
    report.quiet = {item.external_id: known[item.external_id] for item in orders}

    faulty = Sandbox(faults=FaultInjector(plan, sleep=no_sleep))
    checker = client_for(faulty, CallLog())
    with faulty.intercept():
        injector, faulty.faults = faulty.faults, None
        before = duplicate_customer_emails(checker)
        faulty.faults = injector
    server = faulty.serve_http() if over_http else None
    try:
        with faulty.intercept():
            base_url = server.url if server is not None else None
            lander = Lander(faulty, base_url=base_url, attempts=attempts)
            for item in orders:
                verdict, calls = lander.land(item)
                report.verdicts[item.external_id] = verdict
                report.calls += len(calls)
                report.faults.update(kind for call in calls if (kind := fault_kind(call)))
            faulty.faults = None  # count what landed with nothing in the way
            for item in orders:
                rows = checker.suiteql_all(
                    "SELECT COUNT(*) AS n FROM transaction "
                    f"WHERE externalid = {sql_text(item.external_id)}"
                )
                report.counts[item.external_id] = int(rows[0]["n"])
            report.duplicate_orders = checker.suiteql_all(
                "SELECT externalid, COUNT(*) AS n FROM transaction "
                "WHERE externalid IS NOT NULL GROUP BY externalid HAVING COUNT(*) > 1"
            )
            report.new_duplicate_customers = sorted(duplicate_customer_emails(checker) - before)
    finally:
        if server is not None:
            server.stop()
        faulty.close()
    return report
