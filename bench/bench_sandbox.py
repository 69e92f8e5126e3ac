"""Cost of landing one order in the in-process sandbox, against static `responses` mocks.

A landing is the five calls a connector and the readback make for one WooCommerce order:
SuiteQL customer lookup by email, POST customer, PUT salesOrder/eid:, GET the order with
expandSubResources=true, and a SuiteQL count by externalId. Both sides run the same client
code (requests + OAuth 1.0a TBA signing) in the same process; only the answers differ.

    .venv/bin/python bench/bench_sandbox.py [--orders 200] [--rounds 7]

Prints the median CPU time per landing for each side and their ratio (target: at most 1.5).
Rounds alternate between the two sides so that both see the same machine conditions.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

import requests
import responses
from requests_oauthlib import OAuth1

from harness.sandbox.serve import Sandbox


def order(n: int) -> dict[str, Any]:
    return {
        "entity": {"id": "1001"},
        "otherRefNum": f"#{n}",
        "item": {
            "items": [
                {"item": {"id": "101"}, "quantity": 2, "rate": 49.0, "price": {"id": "-1"}},
                {"item": {"id": "104"}, "quantity": 1, "rate": 12.0, "price": {"id": "-1"}},
            ]
        },
        "shipMethod": {"id": "201"},
        "shippingCost": 5.0,
    }


def land(session: requests.Session, base: str, n: int) -> None:
    """The five calls of one order landing; each answer is checked like a client would."""
    suiteql = base + "/services/rest/query/v1/suiteql"
    prefer = {"Prefer": "transient"}
    email = f"buyer{n}@example.com"
    found = session.post(
        suiteql,
        json={"q": f"SELECT id FROM customer WHERE LOWER(email) = '{email}'"},
        headers=prefer,
    )
    assert found.status_code == 200, found.text
    created = session.post(
        base + "/services/rest/record/v1/customer",
        json={
            "isPerson": True,
            "firstName": "Buyer",
            "lastName": str(n),
            "email": email,
            "subsidiary": {"id": "1"},
        },
    )
    assert created.status_code == 204, created.text
    customer_id = created.headers["Location"].rsplit("/", 1)[1]
    body = order(n)
    body["entity"] = {"id": customer_id}
    upserted = session.put(base + f"/services/rest/record/v1/salesOrder/eid:WOO-{n}", json=body)
    assert upserted.status_code == 204, upserted.text
    got = session.get(
        base + f"/services/rest/record/v1/salesOrder/eid:WOO-{n}",
        params={"expandSubResources": "true"},
    )
    assert got.status_code == 200 and got.json()["item"]["items"], got.text
    counted = session.post(
        suiteql,
        json={"q": f"SELECT COUNT(*) AS n FROM transaction WHERE externalid = 'WOO-{n}'"},
        headers=prefer,
    )
    assert counted.json()["items"][0]["n"] == "1", counted.text


def static_mock(sandbox: Sandbox) -> responses.RequestsMock:
    """The same five answers, canned (bodies captured from the sandbox, so sizes match)."""
    base = sandbox.base_url
    with sandbox.intercept():
        session = session_for(sandbox)
        land(session, base, 0)
        order_body = session.get(
            base + "/services/rest/record/v1/salesOrder/eid:WOO-0",
            params={"expandSubResources": "true"},
        ).json()
    sandbox.reset()
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    suiteql = re.compile(re.escape(base + "/services/rest/query/v1/suiteql"))
    count = {
        "links": [],
        "count": 1,
        "hasMore": False,
        "offset": 0,
        "totalResults": 1,
        "items": [{"links": [], "n": "1"}],
    }
    lookup = {**count, "items": [{"links": [], "id": "1006"}]}
    mock.add(responses.POST, suiteql, json=lookup, match=[_q_contains("email")])
    mock.add(responses.POST, suiteql, json=count)
    location = base + "/services/rest/record/v1/customer/1006"
    mock.add(
        responses.POST,
        base + "/services/rest/record/v1/customer",
        status=204,
        headers={"Location": location},
    )
    mock.add(
        responses.PUT,
        re.compile(re.escape(base) + r"/services/rest/record/v1/salesOrder/"),
        status=204,
        headers={"Location": base + "/services/rest/record/v1/salesOrder/1"},
    )
    mock.add(
        responses.GET,
        re.compile(re.escape(base) + r"/services/rest/record/v1/salesOrder/"),
        json=order_body,
    )
    return mock


def _q_contains(word: str) -> Callable[[Any], tuple[bool, str]]:
    def match(request: Any) -> tuple[bool, str]:
        body = json.loads(request.body or b"{}")
        return word in body.get("q", ""), f"q has no {word!r}"

    return match


def session_for(sandbox: Sandbox) -> requests.Session:
    cred = sandbox.profile.credentials.tba[0]
    session = requests.Session()
    session.auth = OAuth1(
        cred.consumerKey,
        cred.consumerSecret,
        cred.tokenId,
        cred.tokenSecret,
        signature_method="HMAC-SHA256",
        realm=sandbox.account_id,
    )
    return session


def per_landing(run: Callable[[int], None], orders: int, start: int) -> float:
    """CPU seconds per landing: this process's own work, steady on a busy machine."""
    began = time.process_time()
    for n in range(start, start + orders):
        run(n)
    return (time.process_time() - began) / orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200, help="landings per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per side (median taken)")
    args = parser.parse_args()

    sandbox = Sandbox()
    base = sandbox.base_url
    session = session_for(sandbox)
    mock = static_mock(sandbox)
    sandbox_times: list[float] = []
    static_times: list[float] = []
    counter = 1
    for _ in range(args.rounds):
        mock.start()  # start/stop, not `with`: leaving a `with` block clears the registry
        try:
            static_times.append(per_landing(lambda n: land(session, base, n), args.orders, counter))
        finally:
            mock.stop(allow_assert=False)
        with sandbox.intercept():
            sandbox_times.append(
                per_landing(lambda n: land(session, base, n), args.orders, counter)
            )
        sandbox.reset()
        counter += args.orders
    static = statistics.median(static_times)
    embedded = statistics.median(sandbox_times)
    print(f"static responses mocks : {static * 1000:8.3f} ms per landing (5 calls)")
    print(f"in-process sandbox     : {embedded * 1000:8.3f} ms per landing (5 calls)")
    print(f"ratio                  : {embedded / static:8.2f}  (target <= 1.50)")


if __name__ == "__main__":
    main()
