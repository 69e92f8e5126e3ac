"""The doctor's test order: landed with the target's credential and, when it fails and an
administrator credential is at hand, again with that one. Landing as administrator proves a
permission gap (and names it); failing again rules permissions out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.catalogue.spec import ScenarioSpec
from harness.commands.doctor.checks import Check
from harness.runner import ScenarioResult
from harness.sandbox.account import AccountProfile, Permission, Role, TbaCredentials

Lander = Callable[[ScenarioSpec, str | None], ScenarioResult]
_LEVEL_ORDER = ("none", "view", "create", "edit", "full")


# What an order integration must be able to do with each permission: create orders and
# customers, read everything else (reference salesorder-semantics 7).
_NEEDED_LEVELS = {("transactions", "sales order"): "create", ("lists", "customers"): "create"}


def role_gap(profile: AccountProfile, role_id: int, admin_role_id: int) -> list[str]:
    """Permissions the integration role holds below what an order integration needs, among
    those the administrator role has (the ones that can explain the difference)."""
    role, admin = profile.role(role_id), profile.role(admin_role_id)
    gaps = []
    for p in admin.permissions:
        needed = _NEEDED_LEVELS.get((p.category, p.name.lower()), "view")
        if _LEVEL_ORDER.index(p.level) < _LEVEL_ORDER.index(needed):
            needed = p.level
        has = role.level(p.category, p.name)
        if _LEVEL_ORDER.index(has) < _LEVEL_ORDER.index(needed):
            gaps.append(
                f"'{p.category.capitalize()} > {p.name}' at {needed.capitalize()} "
                f"level (it has {has.capitalize()})"
            )
    return gaps


_GRANT = re.compile(r"'([^']+)' at (\w+) level")


def check_landing(
    land: Lander,
    spec: ScenarioSpec,
    *,
    admin: str | None = None,
    gap: Callable[[], list[str]] | None = None,
) -> list[Check]:
    """Land `spec` with the target's credential; when it fails and `admin` is given, again
    with the administrator's, and say what that proves."""
    first = land(spec, None)
    name = f"test order ({spec.name})"
    if first.verdict.outcome == "landed":
        landed = f"landed as Sales Order {first.verdict.sales_order_id}"
        return [Check("landing", name, True, landed)]
    diagnosis = first.verdict.diagnosis
    said = f"[{diagnosis.category}] {diagnosis.summary}" if diagnosis else first.verdict.outcome
    checks = [Check("landing", name, False, said, diagnosis.hint if diagnosis else "")]
    if admin is None:
        return checks
    second = land(spec, admin)
    if second.verdict.outcome == "landed":
        named = _GRANT.search(diagnosis.hint) if diagnosis is not None else None
        if named is not None and diagnosis is not None and diagnosis.category == "permission":
            grants = [f"'{named.group(1)}' at {named.group(2)} level"]
        else:
            grants = gap() if gap is not None else []
        grant = "; ".join(grants) or "the permissions the administrator role has"
        checks.append(
            Check(
                "landing",
                "with the administrator role",
                False,
                "the order lands: the integration role lacks a permission",
                f"Grant the integration role {grant}.",
            )
        )
    else:
        again = second.verdict.diagnosis
        checks.append(
            Check(
                "landing",
                "with the administrator role",
                True,
                "fails too, so it is not a permission problem"
                + (f": [{again.category}] {again.summary}" if again else ""),
                again.hint if again else "",
            )
        )
    return checks


def role_of(profile: AccountProfile, credential: str | None) -> Role:
    """The role a profile credential signs in as (the first credential's when None)."""
    tba = profile.credentials.tba
    chosen = next((c for c in tba if c.name == credential), None) if credential else tba[0]
    if chosen is None:
        known = ", ".join(c.name for c in tba)
        raise KeyError(f"credential {credential!r} is not in the account profile (known: {known})")
    return profile.role(chosen.role)


ADMIN_ROLE_NAME = "Administrator"


def with_administrator(profile: AccountProfile, credential: str) -> AccountProfile:
    """The profile plus an Administrator role (every permission it lists, at Full) signing in
    as `credential`, when it has no such credential yet: a second login to compare with."""
    if any(c.name == credential for c in profile.credentials.tba):
        return profile
    names = sorted({(p.category, p.name) for role in profile.roles for p in role.permissions})
    role_id = max(role.id for role in profile.roles) + 1
    admin = Role(
        id=role_id,
        name=ADMIN_ROLE_NAME,
        permissions=[Permission(category=c, name=n, level="full") for c, n in names],
    )
    base = profile.credentials.tba[0] if profile.credentials.tba else None
    tail = f"{role_id:08x}"
    token = TbaCredentials(
        name=credential,
        role=role_id,
        consumerKey=base.consumerKey if base else "feedface" * 7 + "00000001",
        consumerSecret=base.consumerSecret if base else "deadbeef" * 7 + "00000001",
        tokenId="feedface" * 7 + tail,
        tokenSecret="deadbeef" * 7 + tail,
    )
    credentials = profile.credentials.model_copy(update={"tba": [*profile.credentials.tba, token]})
    # model_copy keeps the typed values (a JSON round trip would turn rule amounts to text).
    return profile.model_copy(update={"roles": [*profile.roles, admin], "credentials": credentials})
