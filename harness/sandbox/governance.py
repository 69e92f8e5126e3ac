"""Account concurrency governance: at most N requests in flight, the rest get 429.

NetSuite counts concurrent web-service requests per account and blocks the excess with
HTTP 429 CONCURRENCY_LIMIT_EXCEEDED (reference: netsuite-rest.md section 6). The gate is
shared by every thread of one sandbox, so it counts requests across server threads.
"""

from __future__ import annotations

import threading
from typing import Any

from harness.sandbox.account import Governance
from harness.sandbox.resterror import RestError

CONCURRENCY_DETAIL = "Concurrent request limit exceeded. Request blocked."


class ConcurrencyGate:
    """Counts requests in flight; `enter()` refuses the one above the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def enter(self) -> None:
        """Count one more request, or raise the 429 NetSuite answers past the limit."""
        with self._lock:
            if self._in_flight >= self.limit:
                # INFERRED body: status 429 with one detail and no top-level error code.
                raise RestError.one(429, "CONCURRENCY_LIMIT_EXCEEDED", CONCURRENCY_DETAIL)
            self._in_flight += 1

    def leave(self) -> None:
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)


def governance_limits(governance: Governance) -> dict[str, Any]:
    """The body of `GET /services/rest/system/v1/governanceLimits`."""
    account = governance.concurrencyLimit
    integration = governance.integrationConcurrencyLimit
    if integration is None:
        return {
            "accountConcurrencyLimit": account,
            "accountUnallocatedConcurrencyLimit": account,
            "integrationLimitType": "accountLimit",
        }
    return {
        "accountConcurrencyLimit": account,
        # The unallocated remainder is never below 1 (Integration Governance rules).
        "accountUnallocatedConcurrencyLimit": max(1, account - integration),
        "integrationConcurrencyLimit": integration,
        "integrationLimitType": "integrationSpecific",
    }
