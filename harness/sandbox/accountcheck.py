"""What the schema of an account profile cannot check: references between its sections.

Ids must be unique per id family (entities, items, ...) and every id a section names must
exist in the section it points at; script and workflow conditions and the fault plan must
compile. Each problem is reported with its location in the YAML file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from harness.sandbox.rules.expressions import ExpressionError, compile_expression
from harness.yamlfile import Loc

if TYPE_CHECKING:
    from harness.sandbox.account import AccountProfile, Condition


def _duplicates(
    section: str, values: Iterable[tuple[int, object]], what: str
) -> Iterator[tuple[Loc, str]]:
    seen: dict[object, int] = {}
    for index, value in values:
        if value in seen:
            yield (
                (section, index, what),
                f"duplicate {what} {value!r} (also at index {seen[value]})",
            )
        else:
            seen[value] = index


def cross_reference_problems(profile: AccountProfile) -> Iterator[tuple[Loc, str]]:
    """References between sections, and ids unique per id family (entities, items, ...)."""
    currencies = {c.id for c in profile.currencies}
    currency_codes = {c.symbol for c in profile.currencies}
    subsidiaries = {s.id for s in profile.subsidiaries}
    roles = {r.id for r in profile.roles}
    tax_codes = {t.id for t in profile.taxItems} | {g.id for g in profile.taxGroups}

    item_family: list[tuple[str, int, int]] = [
        *(("items", i, x.id) for i, x in enumerate(profile.items)),
        *(("shipItems", i, x.id) for i, x in enumerate(profile.shipItems)),
        *(("taxItems", i, x.id) for i, x in enumerate(profile.taxItems)),
        *(("taxGroups", i, x.id) for i, x in enumerate(profile.taxGroups)),
    ]
    seen_items: dict[int, str] = {}
    for section, index, item_id in item_family:
        if item_id in seen_items:
            yield (
                (section, index, "id"),
                f"item id {item_id} is already used in {seen_items[item_id]}",
            )
        seen_items[item_id] = section
    for section, ids in (
        ("currencies", [r.id for r in profile.currencies]),
        ("subsidiaries", [r.id for r in profile.subsidiaries]),
        ("locations", [r.id for r in profile.locations]),
        ("departments", [r.id for r in profile.departments]),
        ("classes", [r.id for r in profile.classes]),
        ("priceLevels", [r.id for r in profile.priceLevels]),
        ("terms", [r.id for r in profile.terms]),
        ("customers", [r.id for r in profile.customers]),
        ("roles", [r.id for r in profile.roles]),
    ):
        yield from _duplicates(section, enumerate(ids), "id")
    yield from _duplicates(
        "items", ((i, x.itemId.lower()) for i, x in enumerate(profile.items)), "itemId"
    )
    yield from _duplicates(
        "customFields", ((i, f.id) for i, f in enumerate(profile.customFields)), "id"
    )

    def check(loc: Loc, value: int | None, known: set[int], what: str) -> Iterator[tuple[Loc, str]]:
        if value is not None and value not in known:
            yield loc, f"unknown {what} {value}"

    for i, s in enumerate(profile.subsidiaries):
        yield from check(("subsidiaries", i, "currency"), s.currency, currencies, "currency")
        yield from check(("subsidiaries", i, "parent"), s.parent, subsidiaries, "subsidiary")
    for i, loc in enumerate(profile.locations):
        yield from check(("locations", i, "subsidiary"), loc.subsidiary, subsidiaries, "subsidiary")
    for section, segments in (("departments", profile.departments), ("classes", profile.classes)):
        for i, seg in enumerate(segments):
            for j, sub in enumerate(seg.subsidiaries):
                yield from check((section, i, "subsidiaries", j), sub, subsidiaries, "subsidiary")
    for i, item in enumerate(profile.items):
        for j, sub in enumerate(item.subsidiaries):
            yield from check(("items", i, "subsidiaries", j), sub, subsidiaries, "subsidiary")
        for code in item.currencyPrices:
            if code not in currency_codes:
                yield ("items", i, "currencyPrices", code), f"unknown currency {code!r}"
    for i, ship in enumerate(profile.shipItems):
        for j, sub in enumerate(ship.subsidiaries):
            yield from check(("shipItems", i, "subsidiaries", j), sub, subsidiaries, "subsidiary")
    for i, tax in enumerate(profile.taxItems):
        yield from check(("taxItems", i, "subsidiary"), tax.subsidiary, subsidiaries, "subsidiary")
    tax_item_ids = {t.id for t in profile.taxItems}
    for i, group in enumerate(profile.taxGroups):
        yield from check(
            ("taxGroups", i, "subsidiary"), group.subsidiary, subsidiaries, "subsidiary"
        )
        for j, member in enumerate(group.taxItems):
            yield from check(("taxGroups", i, "taxItems", j), member, tax_item_ids, "tax item")
    terms = {t.id for t in profile.terms}
    levels = {p.id for p in profile.priceLevels}
    for i, cust in enumerate(profile.customers):
        yield from check(
            ("customers", i, "subsidiary"), cust.subsidiary, subsidiaries, "subsidiary"
        )
        yield from check(("customers", i, "currency"), cust.currency, currencies, "currency")
        yield from check(("customers", i, "taxItem"), cust.taxItem, tax_codes, "tax item or group")
        yield from check(("customers", i, "terms"), cust.terms, terms, "term")
        yield from check(("customers", i, "priceLevel"), cust.priceLevel, levels, "price level")
    for i, role in enumerate(profile.roles):
        for j, sub in enumerate(role.subsidiaries or []):
            yield from check(("roles", i, "subsidiaries", j), sub, subsidiaries, "subsidiary")
    conditions: list[tuple[str, int, Condition | str]] = [
        *(("rules", i, rule.condition) for i, rule in enumerate(profile.rules)),
        *(("workflowLocks", i, lock.condition) for i, lock in enumerate(profile.workflowLocks)),
    ]
    for section, i, condition in conditions:
        if isinstance(condition, str):
            try:
                compile_expression(condition)
            except ExpressionError as exc:
                yield (section, i, "condition"), str(exc)
    if profile.faultPlan is not None:
        # Imported here: the fault layer sits above the profile and imports its models.
        from harness.sandbox.faults import FaultPlan, FaultPlanError

        try:
            FaultPlan.parse(profile.faultPlan)
        except FaultPlanError as exc:
            yield ("faultPlan",), str(exc)
    for kind, role_ids in (
        ("tba", [c.role for c in profile.credentials.tba]),
        ("m2m", [c.role for c in profile.credentials.m2m]),
    ):
        for i, role_id in enumerate(role_ids):
            yield from check(("credentials", kind, i, "role"), role_id, roles, "role")
    if sum(1 for c in profile.currencies if c.isBaseCurrency) != 1:
        yield ("currencies",), "exactly one currency must have isBaseCurrency: true"
