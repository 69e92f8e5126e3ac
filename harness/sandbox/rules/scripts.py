"""The account's user-event scripts and workflows, as save rules.

A profile `rules` entry stands for a beforeSubmit user-event script (or a workflow action)
that throws when its condition holds: the save is refused with HTTP 400 USER_ERROR and the
script's own message after NetSuite's "Error while accessing a resource. " prefix, and
nothing is saved (reference netsuite-rest 5.3: scripts run for REST requests; the wrapping is
INFERRED from how other SuiteScript errors come back). Script rules run last, after sourcing,
tax and totals, so a condition on `total` sees the total NetSuite computed (items, discount,
tax, shipping and handling), never the client's.

An `afterSubmit` rule is enforced like a beforeSubmit one (a simplification: NetSuite would
have committed the record before the script threw).

A `workflowLocks` entry locks existing records whose stored state matches its condition:
editing or deleting one is refused with "This record has been locked by a user defined
workflow." (CONFIRMED text, reference netsuite-rest 5.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.sandbox.account import AccountProfile
from harness.sandbox.resterror import user_error
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.rules.expressions import Expression, condition_expression
from harness.sandbox.store.recordstore import Record

SaveRule = Callable[[SaveContext, Record], None]


@dataclass(frozen=True)
class ScriptRule:
    """A beforeSubmit script: refuses the save when its condition holds for the operation."""

    name: str
    expression: Expression
    operations: frozenset[str]
    message: str

    def __call__(self, ctx: SaveContext, record: Record) -> None:
        if ctx.operation in self.operations and self.expression.matches(record.values):
            raise user_error(self.message)


@dataclass(frozen=True)
class WorkflowLock:
    """A workflow lock: edits of a stored record matching the condition are refused."""

    name: str
    expression: Expression
    message: str

    def __call__(self, ctx: SaveContext, record: Record) -> None:
        del record
        if ctx.previous is not None:
            self.refuse_if_locked(ctx.previous)

    def refuse_if_locked(self, stored: Record) -> None:
        """Refuse a change (an edit or a delete) of a stored record the lock holds."""
        if self.expression.matches(stored.values):
            raise user_error(self.message)


def refuse_locked_delete(rules: Iterable[object], stored: Record) -> None:
    """A DELETE of a record a workflow lock holds is refused like an edit of it: the lock
    keeps the record as it is, and deleting changes it most (INFERRED: NetSuite's lock text,
    "This record has been locked by a user defined workflow.", names no operation)."""
    for rule in rules:
        if isinstance(rule, WorkflowLock):
            rule.refuse_if_locked(stored)


def script_rules(profile: AccountProfile) -> list[tuple[str, SaveRule]]:
    """One save rule per profile script, as `(record type, rule)`, in profile order."""
    return [
        (
            script.recordType,
            ScriptRule(
                script.name,
                condition_expression(script.condition),
                frozenset(script.operations),
                script.message,
            ),
        )
        for script in profile.rules
    ]


def workflow_lock_rules(profile: AccountProfile) -> list[tuple[str, SaveRule]]:
    """One save rule per workflow lock, as `(record type, rule)`."""
    return [
        (
            lock.recordType,
            WorkflowLock(lock.name, condition_expression(lock.condition), lock.message),
        )
        for lock in profile.workflowLocks
    ]
