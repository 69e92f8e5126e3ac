"""`Target`: what every NetSuite target gives a landing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient


class Target(Protocol):
    """Where orders land: clients per credential, and scenarios isolated from each other."""

    @property
    def name(self) -> str:
        """sim, live, record or replay."""
        ...

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        """A client signing with the named credential (the target's default when None)."""
        ...

    def isolate(self) -> None:
        """Start the next scenario from a clean account, where the target can."""
        ...
