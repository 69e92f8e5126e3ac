"""The account's full rule book: protocol rules plus NetSuite's business rules.

`core.core_rules()` gives the REST layer's minimal semantics; this module splices the
business rules in around them, in the order NetSuite applies things (reference 1.7):
workflow locks first (a locked record refuses any edit), then sourcing and required fields
(all named at once), subsidiary access, references, segments, the values NetSuite refuses
(`validation.py`), pricing, tax, totals (never negative), and the account's scripts last, so
that they see the final record.
"""

from __future__ import annotations

from harness.sandbox.account import AccountProfile
from harness.sandbox.rules import core, customer, salesorder, validation
from harness.sandbox.rules.book import Rule, RuleBook, SaveContext
from harness.sandbox.rules.permissions import AccessPolicy
from harness.sandbox.rules.scripts import script_rules, workflow_lock_rules
from harness.sandbox.store.catalog import build_record_types
from harness.sandbox.store.recordstore import Record


class SubsidiaryAccess:
    """A save rule: the record's subsidiary must be one the saving role may access."""

    def __init__(self, policy: AccessPolicy) -> None:
        self.policy = policy

    def __call__(self, ctx: SaveContext, record: Record) -> None:
        if ctx.operation == "create" or "subsidiary" in record.given or "entity" in record.given:
            self.policy.check_subsidiary(ctx.role, record.values.get("subsidiary"))


def _splice(rules: list[Rule], anchor: Rule, added: list[Rule], *, after: bool) -> list[Rule]:
    """`rules` with `added` placed right before or after `anchor` (a core rule)."""
    at = rules.index(anchor) + (1 if after else 0)
    return [*rules[:at], *added, *rules[at:]]


def _replace(rules: list[Rule], anchor: Rule, added: list[Rule]) -> list[Rule]:
    """`rules` with `added` in place of `anchor` (a core rule)."""
    at = rules.index(anchor)
    return [*rules[:at], *added, *rules[at + 1 :]]


def business_rules(profile: AccountProfile, policy: AccessPolicy | None = None) -> RuleBook:
    """Every rule of the account, per record type, in the order they run."""
    policy = policy or AccessPolicy(profile)
    base = core.core_rules()
    access = SubsidiaryAccess(policy)
    locks = workflow_lock_rules(profile)
    scripts = script_rules(profile)
    book = RuleBook()
    for rtype in build_record_types(profile).values():
        name = rtype.name
        rules = base.for_type(name)
        if name == "customer":
            rules = _splice(
                rules,
                core.customer_required,
                [
                    access,
                    customer.subsidiary_locked_by_transactions,
                    customer.check_customer_references,
                    customer.duplicate_email,
                    customer.one_default_address_each,
                ],
                after=True,
            )
        elif name == "salesOrder":
            # The required-field checks and what runs between them, as one rule that names
            # every missing field (the customer, "Make ... Mandatory" segments, custom fields).
            required = validation.AllMissing(
                [
                    core.sales_order_required,
                    access,
                    salesorder.check_entity,
                    salesorder.source_addresses,
                    salesorder.drop_unusable_departments,
                    salesorder.mandatory_segments,
                ]
            )
            rules = _replace(
                rules,
                core.sales_order_required,
                [
                    required,
                    salesorder.check_references,
                    salesorder.price_level_wins,
                    validation.check_sales_order_values,
                ],
            )
            rules = _splice(
                rules,
                core.sales_order_totals,
                [validation.check_amounts, salesorder.SalesTax(profile)],
                after=False,
            )
            rules = _splice(
                rules, core.sales_order_totals, [validation.no_negative_total], after=True
            )
        lowered = name.lower()
        rules = [
            *(rule for record_type, rule in locks if record_type.lower() == lowered),
            *rules,
            *(rule for record_type, rule in scripts if record_type.lower() == lowered),
        ]
        for rule in rules:
            book.add(name, rule)
    return book
