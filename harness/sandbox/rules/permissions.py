"""Role permissions: who may log in, and read, create, edit or delete which records where.

Every request runs as the role of its token (`Principal.role`). The rules and the answers
chosen (reference salesorder-semantics 1.6 and 7, netsuite-rest 5.3):

- **Logging in** needs the Setup permission "REST Web Services" plus "Log in using Access
  Tokens" (TBA) or "Log in using OAuth 2.0 Access Tokens" (M2M), at any level. Without them
  the request fails like every other failed login: 401 INVALID_LOGIN, nothing more said
  (CONFIRMED: a missing REST permission is among INVALID_LOGIN's causes).
- **Record permissions**: reading a record or a collection needs View, POST and a PUT that
  creates need Create, PATCH and a PUT that updates need Edit, DELETE needs Full (NetSuite's
  levels are ordered none < view < create < edit < full). A role below the level is answered
  403 INSUFFICIENT_PERMISSION (the code reference section 7 pairs with this case) with the
  CONFIRMED "Permission Violation" text and its double space:
  "Permission Violation: You need  the 'Transactions -> Sales Order' permission to access
  this page. Please contact your account administrator."
  A role that holds the permission at a lower level is told which level it needs (INFERRED
  wording): "Permission Violation: You need a higher level of the 'Transactions -> Sales
  Order' permission (Create; the role has View) to access this page. Please contact your
  account administrator."
- **Accessible subsidiaries**: a role limited to some subsidiaries cannot save a customer or
  a transaction in another one: 403 INSUFFICIENT_PERMISSION (CONFIRMED code for subsidiary
  restrictions; wording INFERRED) with `o:errorPath` `subsidiary`. Nor may it read, edit,
  delete or transform one that is already there: the same 403, without a path (the role sees
  and edits only its subsidiaries' customers and transactions unless it allows
  cross-subsidiary viewing, Oracle help bridgehead_N286421 and section_161895998055; a
  record of another subsidiary answers INSUFFICIENT_PERMISSION, not 404: reference
  salesorder-semantics line 248, and "Trying to access a subsidiary-restricted record from a
  role without that subsidiary assigned" among the code's causes at
  https://netsuiteservicesite.pages.dev/errors/insufficient-permission/). Collections and
  SuiteQL leave such records out (INFERRED: a search shows what the role may see). Scoped
  are the records that belong to one subsidiary, customers and transactions; lists shared
  between subsidiaries (items, ship items) are not (INFERRED).
- **SuiteQL** sees only the tables of records the role may view; another table answers as
  if it did not exist (see `suiteql/engine.py`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.netsuite.errors import error_detail
from harness.netsuite.itemtypes import ITEM_RECORD_TYPES
from harness.sandbox.account import AccountProfile, PermissionLevel, Role
from harness.sandbox.oauth import AuthFailure, Principal
from harness.sandbox.resterror import RestError
from harness.sandbox.store.recordtypes import RecordType

log = logging.getLogger("harness.sandbox.rules.permissions")

LEVELS: tuple[PermissionLevel, ...] = ("none", "view", "create", "edit", "full")
REST_WEB_SERVICES = ("setup", "REST Web Services")
LOGIN_PERMISSIONS = {
    "tba": ("setup", "Log in using Access Tokens"),
    "oauth2": ("setup", "Log in using OAuth 2.0 Access Tokens"),
}
_CATEGORY_LABELS = {
    "transactions": "Transactions",
    "lists": "Lists",
    "setup": "Setup",
    "reports": "Reports",
    "custom": "Custom Record",
}


@dataclass(frozen=True)
class PermissionNeed:
    """One permission as the UI names it; any of `grants` (category, name) confers it."""

    grants: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        category, name = self.grants[0]
        return f"{_CATEGORY_LABELS[category]} -> {name}"


def _need(*grants: tuple[str, str]) -> PermissionNeed:
    return PermissionNeed(grants)


SALES_ORDER = _need(("transactions", "Sales Order"))
CUSTOMERS = _need(("lists", "Customers"))
ITEMS = _need(("lists", "Items"))
# The demo names these Setup > Tax Records / Shipping Items; Lists spellings are accepted too.
TAX_ITEMS = _need(("setup", "Tax Records"), ("lists", "Tax Items"), ("setup", "Tax Items"))
SHIP_ITEMS = _need(("setup", "Shipping Items"), ("lists", "Shipping Items"), ("lists", "Items"))
SUBSIDIARIES = _need(("lists", "Subsidiaries"))
CURRENCY = _need(("lists", "Currency"))
LOCATIONS = _need(("lists", "Locations"))
DEPARTMENTS = _need(("lists", "Departments"))
CLASSES = _need(("lists", "Classes"))
ACCOUNTING_LISTS = _need(("lists", "Accounting Lists"))
FIND_TRANSACTION = _need(("transactions", "Find Transaction"), ("transactions", "Sales Order"))
# CONFIRMED names (reference salesorder-semantics 7: "Cash Sale, ... Invoice/Item Fulfillment").
ITEM_FULFILLMENT = _need(("transactions", "Item Fulfillment"))
INVOICE = _need(("transactions", "Invoice"))
CASH_SALE = _need(("transactions", "Cash Sale"))
# INFERRED names of the lists behind a sales order's rep, lead source and promotion.
EMPLOYEES = _need(("lists", "Employees"))
CAMPAIGNS = _need(("lists", "Marketing Campaigns"), ("lists", "Campaign History"))
PROMOTIONS = _need(("lists", "Promotion"), ("lists", "Promotion Codes"))

# Lists that are both a REST record type and a SuiteQL table, with the permission of each.
_LISTS: dict[str, PermissionNeed] = {
    "shipitem": SHIP_ITEMS,
    "salestaxitem": TAX_ITEMS,
    "taxgroup": TAX_ITEMS,
    "subsidiary": SUBSIDIARIES,
    "currency": CURRENCY,
    "location": LOCATIONS,
    "department": DEPARTMENTS,
    "classification": CLASSES,
    "term": ACCOUNTING_LISTS,
    "pricelevel": ACCOUNTING_LISTS,
    "employee": EMPLOYEES,
    "campaign": CAMPAIGNS,
    "promotioncode": PROMOTIONS,
}

# REST record type (lowercase) -> the permission its operations need.
RECORD_PERMISSIONS: dict[str, PermissionNeed] = {
    "salesorder": SALES_ORDER,
    "itemfulfillment": ITEM_FULFILLMENT,
    "invoice": INVOICE,
    "cashsale": CASH_SALE,
    "customer": CUSTOMERS,
    **{rest.lower(): ITEMS for rest in ITEM_RECORD_TYPES},
    **_LISTS,
}

# SuiteQL table -> the permission that shows it (View is enough).
TABLE_PERMISSIONS: dict[str, PermissionNeed] = {
    "transaction": FIND_TRANSACTION,
    "transactionline": FIND_TRANSACTION,
    "transactionbillingaddress": FIND_TRANSACTION,
    "transactionshippingaddress": FIND_TRANSACTION,
    "customer": CUSTOMERS,
    "customeraddressbook": CUSTOMERS,
    "entityaddress": CUSTOMERS,
    "item": ITEMS,
    "pricing": ITEMS,
    **_LISTS,
}

_CONTACT = "Please contact your account administrator."


def permission_violation(need: PermissionNeed, wanted: str, held: str) -> RestError:
    """403 INSUFFICIENT_PERMISSION naming the permission (and the level, when one is held)."""
    if held == "none":
        detail = (
            f"Permission Violation: You need  the '{need.label}' permission to access this "
            f"page. {_CONTACT}"
        )
    else:
        detail = (
            f"Permission Violation: You need a higher level of the '{need.label}' permission "
            f"({wanted.title()}; the role has {held.title()}) to access this page. {_CONTACT}"
        )
    return RestError(403, [error_detail(detail, "INSUFFICIENT_PERMISSION")])


def method_level(method: str, *, exists: bool = False) -> PermissionLevel:
    """The level an HTTP method needs on a record; PUT depends on whether the record exists."""
    if method in ("GET", "HEAD"):
        return "view"
    if method == "POST":
        return "create"
    if method == "PATCH":
        return "edit"
    if method == "PUT":
        return "edit" if exists else "create"
    return "full"


class AccessPolicy:
    """The account's roles, answering "may this role do that?" for the app and the rules."""

    def __init__(self, profile: AccountProfile) -> None:
        self.profile = profile
        self._roles = {str(role.id): role for role in profile.roles}
        # (category, lowercase name) -> level, per role: every request asks, so no list scans.
        self._grants: dict[str, dict[tuple[str, str], PermissionLevel]] = {}
        for role in profile.roles:
            grants = self._grants.setdefault(str(role.id), {})
            for permission in role.permissions:
                # The first entry for a permission counts, as in `Role.level`.
                grants.setdefault((permission.category, permission.name.lower()), permission.level)
        self._subsidiary_names = {s.id: s.name for s in profile.subsidiaries}
        realm = profile.account_id.upper()
        # The same challenges as any other failed login (see `oauth.py`).
        self._challenges = {
            "tba": f'OAuth realm="{realm}", error="token_rejected", '
            'error_description="Invalid login attempt."',
            "oauth2": f'Bearer realm="{realm}", error="invalid_token", '
            'error_description="Invalid login attempt."',
        }

    def role(self, role_id: str | None) -> Role | None:
        return self._roles.get(role_id or "")

    def level(self, role_id: str | None, need: PermissionNeed) -> PermissionLevel:
        """The best level the role holds among the permission's grants."""
        grants = self._grants.get(role_id or "")
        if grants is None:
            return "none"
        held: list[PermissionLevel] = [
            grants.get((category, name.lower()), "none") for category, name in need.grants
        ]
        return max(held, key=LEVELS.index)

    def check_login(self, principal: Principal) -> None:
        """401 INVALID_LOGIN unless the role may use REST web services with its token kind."""
        grants = self._grants.get(principal.role, {})
        wanted = [REST_WEB_SERVICES, LOGIN_PERMISSIONS[principal.scheme]]
        lacking = [
            name
            for category, name in wanted
            if grants.get((category, name.lower()), "none") == "none"
        ]
        if lacking:
            reason = f"role {principal.role} lacks the permission(s) {', '.join(lacking)}"
            log.info("sandbox: login refused: %s", reason)
            raise AuthFailure(reason, self._challenges[principal.scheme])

    def require(self, role_id: str | None, record_type: str, wanted: PermissionLevel) -> None:
        """403 unless the role holds the record type's permission at `wanted` or above."""
        need = RECORD_PERMISSIONS.get(record_type.lower())
        if need is None:
            return
        held = self.level(role_id, need)
        if LEVELS.index(held) < LEVELS.index(wanted):
            raise permission_violation(need, wanted, held)

    def table_filter(self, role_id: str | None) -> Callable[[str], bool]:
        """For `SuiteQLEngine.run(allowed_tables=...)`: may the role read this table?"""

        def allowed(table: str) -> bool:
            need = TABLE_PERMISSIONS.get(table.lower())
            return need is None or self.level(role_id, need) != "none"

        return allowed

    def check_subsidiary(
        self, role_id: str | None, subsidiary: object, *, path: str | None = "subsidiary"
    ) -> None:
        """403 when the role's Accessible Subsidiaries do not include `subsidiary`."""
        role = self.role(role_id)
        if role is None or role.subsidiaries is None or subsidiary is None:
            return
        if subsidiary in role.subsidiaries:
            return
        name = self._subsidiary_names.get(subsidiary, str(subsidiary))  # type: ignore[call-overload]
        detail = (
            f"Permission Violation: Your role does not give you access to the subsidiary "
            f"'{name}' ({subsidiary}). {_CONTACT}"
        )
        raise RestError(403, [error_detail(detail, "INSUFFICIENT_PERMISSION", path=path)])

    def subsidiaries(self, role_id: str | None) -> frozenset[int] | None:
        """The role's accessible subsidiaries; None when it may access all of them."""
        role = self.role(role_id)
        if role is None or role.subsidiaries is None:
            return None
        return frozenset(role.subsidiaries)

    def check_record(
        self, conn: sqlite3.Connection, role_id: str | None, rtype: RecordType, record_id: int
    ) -> None:
        """403 when the stored record belongs to a subsidiary the role may not access."""
        if self.subsidiaries(role_id) is None or not is_subsidiary_scoped(rtype):
            return
        row = conn.execute(_SUBSIDIARY_OF[rtype.has_mainline], (record_id,)).fetchone()
        if row is not None and row[0] is not None:
            self.check_subsidiary(role_id, row[0], path=None)

    def row_filters(self, role_id: str | None) -> dict[str, str] | None:
        """For `SuiteQLEngine.run(row_filters=...)`: per SuiteQL table, the SQLite condition
        its rows must meet for this role (None: the role sees every subsidiary)."""
        allowed = self.subsidiaries(role_id)
        return None if allowed is None else suiteql_row_filters(allowed)


def is_subsidiary_scoped(rtype: RecordType) -> bool:
    """Records of one subsidiary: transactions (on their main line) and customers."""
    return rtype.has_mainline or rtype.table == "customer"


_SUBSIDIARY_OF = {
    True: "SELECT subsidiary FROM transactionline WHERE \"transaction\" = ? AND mainline = 'T'",
    False: "SELECT subsidiary FROM customer WHERE id = ?",
}


def _id_list(allowed: frozenset[int]) -> str:
    return ", ".join(str(int(sub)) for sub in sorted(allowed)) or "NULL"


def suiteql_row_filters(allowed: frozenset[int]) -> dict[str, str]:
    """SQLite conditions, one per table (columns unqualified), keeping the rows of
    `allowed` subsidiaries and those with none."""
    ids = _id_list(allowed)
    other_orders = (
        'SELECT "_ml"."transaction" FROM "transactionline" AS "_ml" '
        f"WHERE \"_ml\".\"mainline\" = 'T' AND \"_ml\".\"subsidiary\" NOT IN ({ids})"
    )
    return {
        "transaction": f'"id" NOT IN ({other_orders})',
        "transactionline": f'"transaction" NOT IN ({other_orders})',
        "customer": f'("subsidiary" IS NULL OR "subsidiary" IN ({ids}))',
    }


def collection_scope(
    profile: AccountProfile, role_id: str | None, rtype: RecordType, where: str, args: list[Any]
) -> tuple[str, list[Any]]:
    """A record collection's filter (`t`: the record's row, `ml`: a transaction's main
    line), narrowed to the subsidiaries the role may access."""
    role = next((r for r in profile.roles if str(r.id) == role_id), None)
    if role is None or role.subsidiaries is None or not is_subsidiary_scoped(rtype):
        return where, args
    column = "ml.subsidiary" if rtype.has_mainline else "t.subsidiary"
    ids = _id_list(frozenset(role.subsidiaries))
    scope = f"({column} IS NULL OR {column} IN ({ids}))"
    return (f"({where}) AND {scope}" if where else scope), args
