"""`harness sandbox snapshot`: a live account's reference data as an account profile.

The embedded sandbox is only as useful as its likeness to the user's account. A snapshot reads
what landing depends on (subsidiaries, currencies, locations, segments, price levels, terms,
items with their subsidiaries and base prices, ship items, tax codes and a sample of customers)
through SuiteQL and writes the profile YAML `Sandbox(path)` loads. What SuiteQL cannot show
(role permissions, accounting preferences, scripts) keeps the profile's defaults, and the
credentials are never copied: the profile gets fake, demo-style ones of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from harness.netsuite.itemtypes import RECORD_TYPE_OF_CODE
from harness.sandbox.account import (
    AccountProfile,
    SandboxConfigError,
    load_profile,
)

# The permissions an order integration needs (reference salesorder-semantics 7).
_INTEGRATION_PERMISSIONS: list[dict[str, str]] = [
    {"category": "setup", "name": "REST Web Services", "level": "full"},
    {"category": "setup", "name": "Log in using Access Tokens", "level": "full"},
    {"category": "setup", "name": "Log in using OAuth 2.0 Access Tokens", "level": "full"},
    {"category": "transactions", "name": "Sales Order", "level": "full"},
    {"category": "transactions", "name": "Find Transaction", "level": "view"},
    {"category": "lists", "name": "Customers", "level": "full"},
    {"category": "lists", "name": "Items", "level": "view"},
    {"category": "lists", "name": "Locations", "level": "view"},
    {"category": "lists", "name": "Subsidiaries", "level": "view"},
    {"category": "lists", "name": "Currency", "level": "view"},
    {"category": "lists", "name": "Departments", "level": "view"},
    {"category": "lists", "name": "Classes", "level": "view"},
    {"category": "lists", "name": "Accounting Lists", "level": "view"},
    {"category": "setup", "name": "Tax Records", "level": "view"},
    {"category": "setup", "name": "Shipping Items", "level": "view"},
    {"category": "reports", "name": "SuiteAnalytics Workbook", "level": "view"},
]
INTEGRATION_ROLE = 3010
ADMIN_ROLE = 3


class SnapshotError(Exception):
    """The account could not be read into a valid profile; the message says why."""


class QueryClient(Protocol):
    def suiteql_all(self, q: str) -> list[dict[str, str]]: ...


def _flag(value: Any) -> bool:
    return str(value or "F").upper() == "T"


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _ids(value: Any) -> list[int]:
    """A multi-select as SuiteQL shows it (`'1, 2'`)."""
    return [i for part in str(value or "").split(",") if (i := _int(part.strip())) is not None]


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001")).normalize()
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def fake_credential(name: str, role: int, number: int) -> dict[str, Any]:
    """A TBA credential in the demo store's obviously-fake style (feedface / deadbeef)."""
    tail = f"{number:04x}{role:08x}"[-12:]
    return {
        "name": name,
        "role": role,
        "consumerKey": ("feedface" * 8)[: 64 - 12] + tail,
        "consumerSecret": ("deadbeef" * 8)[: 64 - 12] + tail,
        "tokenId": ("feedface" * 8)[: 64 - 12] + tail[::-1],
        "tokenSecret": ("deadbeef" * 8)[: 64 - 12] + tail[::-1],
    }


class _Reader:
    """Runs the snapshot's queries and remembers what later sections refer to."""

    def __init__(self, client: QueryClient) -> None:
        self.client = client
        self.skipped: list[str] = []

    def rows(self, q: str) -> list[dict[str, str]]:
        return self.client.suiteql_all(q)


def snapshot(
    client: QueryClient,
    account_id: str,
    *,
    name: str | None = None,
    customers: int = 20,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[dict[str, Any], list[str]]:
    """The profile as plain data, and what was left out (one line each)."""
    read = _Reader(client)
    currencies: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "name": _text(r["name"]),
            "symbol": _text(r["symbol"]),
            "displaySymbol": _text(r.get("displaysymbol")),
            "precision": _int(r.get("currencyprecision")) or 0,
            "exchangeRate": _money(r.get("exchangerate") or 1),
            "isBaseCurrency": _flag(r.get("isbasecurrency")),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows(
            "SELECT id, name, symbol, displaysymbol, currencyprecision, exchangerate, "
            "isbasecurrency, isinactive FROM currency ORDER BY id"
        )
    ]
    by_symbol: dict[int, str] = {c["id"]: c["symbol"] for c in currencies}
    base: int | None = next((c["id"] for c in currencies if c["isBaseCurrency"]), None)
    subsidiaries: list[dict[str, Any]] = []
    for r in read.rows(
        "SELECT id, name, country, currency, parent, isinactive FROM subsidiary "
        "WHERE iselimination = 'F' ORDER BY id"
    ):
        if not r.get("country") or _int(r.get("currency")) is None:
            read.skipped.append(f"subsidiary {r['id']} {r.get('name')}: no country or currency")
            continue
        subsidiaries.append(
            {
                "id": int(r["id"]),
                "name": _text(r["name"]),
                "country": _text(r["country"]),
                "currency": _int(r["currency"]),
                "parent": _int(r.get("parent")),
                "isInactive": _flag(r.get("isinactive")),
            }
        )
    sub_ids: list[int] = [s["id"] for s in subsidiaries]
    known_subs = set(sub_ids)

    def subs(value: Any) -> list[int]:
        # An empty list means every subsidiary in NetSuite (INFERRED: "include children"
        # of the root); ids of skipped (elimination) subsidiaries are dropped.
        listed = [i for i in _ids(value) if i in known_subs]
        return listed or list(sub_ids)

    def one_sub(value: Any) -> int:
        found = _int(value)
        return found if found in known_subs else sub_ids[0]

    locations: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "name": _text(r["name"]),
            "subsidiary": one_sub(r.get("subsidiary")),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows("SELECT id, name, subsidiary, isinactive FROM location ORDER BY id")
    ]
    segments = {
        table: [
            {
                "id": int(r["id"]),
                "name": _text(r["name"]),
                "subsidiaries": subs(r.get("subsidiary")),
                "isInactive": _flag(r.get("isinactive")),
            }
            for r in read.rows(f"SELECT id, name, subsidiary, isinactive FROM {table} ORDER BY id")
        ]
        for table in ("department", "classification")
    }
    price_levels: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "name": _text(r["name"]),
            "discountPct": None if r.get("discountpct") in (None, "") else _money(r["discountpct"]),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows("SELECT id, name, discountpct, isinactive FROM pricelevel ORDER BY id")
    ]
    base_level = next((p["id"] for p in price_levels if p["name"] == "Base Price"), 1)
    terms: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "name": _text(r["name"]),
            "daysUntilNetDue": _int(r.get("daysuntilnetdue")) or 0,
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows("SELECT id, name, daysuntilnetdue, isinactive FROM term ORDER BY id")
    ]
    prices: dict[int, dict[int, Decimal]] = {}
    for r in read.rows(
        f"SELECT item, currency, unitprice FROM pricing WHERE pricelevel = {base_level}"
    ):
        prices.setdefault(int(r["item"]), {})[int(r["currency"])] = _money(r["unitprice"])
    items: list[dict[str, Any]] = []
    for r in read.rows(
        "SELECT id, itemid, itemtype, subtype, displayname, salesdescription, subsidiary, "
        "istaxable, isinactive FROM item ORDER BY id"
    ):
        # Purchase-only items are never sold on an order; kits and assemblies are not
        # modelled: both have no entry in NetSuite's item-type table here.
        kind = RECORD_TYPE_OF_CODE.get(_text(r.get("itemtype")))
        if kind is None or _text(r.get("subtype")) == "Purchase":
            read.skipped.append(
                f"item {r['id']} {r.get('itemid')}: type {r.get('itemtype')} "
                f"{r.get('subtype') or ''} is not sold on orders here".rstrip()
            )
            continue
        own = prices.get(int(r["id"]), {})
        items.append(
            {
                "id": int(r["id"]),
                "itemId": _text(r["itemid"]),
                "type": kind,
                "displayName": _text(r.get("displayname")),
                "description": _text(r.get("salesdescription")),
                "basePrice": own.get(base, Decimal(0)) if base is not None else Decimal(0),
                "currencyPrices": {
                    by_symbol[c]: p for c, p in own.items() if c != base and c in by_symbol
                },
                "subsidiaries": subs(r.get("subsidiary")),
                "isTaxable": _flag(r.get("istaxable")),
                "isInactive": _flag(r.get("isinactive")),
            }
        )
    ship_items: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "itemId": _text(r["itemid"]),
            "displayName": _text(r.get("displayname")),
            "description": _text(r.get("description")),
            "defaultCost": _money(r.get("rate")),
            "subsidiaries": subs(r.get("subsidiary")),
            "isTaxable": _flag(r.get("istaxable")),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows(
            "SELECT id, itemid, displayname, description, rate, subsidiary, istaxable, "
            "isinactive FROM shipitem ORDER BY id"
        )
    ]
    tax_items: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "itemId": _text(r["itemid"]),
            "description": _text(r.get("description")),
            "rate": _money(r.get("rate")),
            "subsidiary": one_sub(r.get("subsidiary")),
            "country": _text(r.get("country")) or "US",
            "state": _text(r.get("state")),
            "city": _text(r.get("city")),
            "zip": _text(r.get("zip")),
            "isExempt": _flag(r.get("exempt")),
            "isDefault": _flag(r.get("isdefault")),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows(
            "SELECT id, itemid, description, rate, subsidiary, country, state, city, zip, "
            "exempt, isdefault, isinactive FROM salestaxitem ORDER BY id"
        )
    ]
    tax_ids = {t["id"] for t in tax_items}
    tax_groups: list[dict[str, Any]] = [
        {
            "id": int(r["id"]),
            "itemId": _text(r["itemid"]),
            "description": _text(r.get("description")),
            "taxItems": [i for i in _ids(r.get("taxitems")) if i in tax_ids],
            "subsidiary": one_sub(r.get("subsidiary")),
            "country": _text(r.get("country")) or "US",
            "state": _text(r.get("state")),
            "city": _text(r.get("city")),
            "isDefault": _flag(r.get("isdefault")),
            "isInactive": _flag(r.get("isinactive")),
        }
        for r in read.rows(
            "SELECT id, itemid, description, taxitems, subsidiary, country, state, city, "
            "isdefault, isinactive FROM taxgroup ORDER BY id"
        )
    ]
    people = _customers(
        read,
        customers,
        known_subs,
        {c["id"] for c in currencies},
        tax_ids | {g["id"] for g in tax_groups},
        {t["id"] for t in terms},
        {p["id"] for p in price_levels},
    )
    credentials = [
        fake_credential("integration", INTEGRATION_ROLE, 1),
        fake_credential("administrator", ADMIN_ROLE, 2),
    ]
    data: dict[str, Any] = {
        "account": {
            "id": account_id,
            "name": name or f"Snapshot of {account_id}",
            "oneWorld": len(subsidiaries) > 1,
        },
        "currencies": currencies,
        "subsidiaries": subsidiaries,
        "locations": locations,
        "departments": segments["department"],
        "classes": segments["classification"],
        "priceLevels": price_levels,
        "terms": terms,
        "items": items,
        "shipItems": ship_items,
        "taxItems": tax_items,
        "taxGroups": tax_groups,
        "customers": people,
        # Role permissions are not readable through SuiteQL: the integration role gets what an
        # order integration needs, and an administrator role can do everything.
        "roles": [
            {
                "id": INTEGRATION_ROLE,
                "name": "Integration (snapshot)",
                "permissions": _INTEGRATION_PERMISSIONS,
            },
            {
                "id": ADMIN_ROLE,
                "name": "Administrator",
                "permissions": [{**p, "level": "full"} for p in _INTEGRATION_PERMISSIONS],
            },
        ],
        "credentials": {"tba": credentials},
    }
    stamp = now().isoformat(timespec="seconds")
    read.skipped.insert(0, f"snapshot of {account_id} taken {stamp}")
    return data, read.skipped


def _customers(
    read: _Reader,
    count: int,
    subsidiaries: set[int],
    currencies: set[int],
    tax_codes: set[int],
    terms: set[int],
    levels: set[int],
) -> list[dict[str, Any]]:
    if count <= 0:
        return []
    rows = read.rows(
        "SELECT * FROM (SELECT id, entityid, isperson, firstname, lastname, companyname, email, "
        "phone, subsidiary, currency, taxable, taxitem, terms, pricelevel, externalid "
        f"FROM customer WHERE isinactive = 'F' ORDER BY id DESC) WHERE ROWNUM <= {int(count)}"
    )
    people = []
    for r in sorted(rows, key=lambda row: int(row["id"])):
        sub, cur = _int(r.get("subsidiary")), _int(r.get("currency"))
        if sub not in subsidiaries or cur not in currencies:
            read.skipped.append(f"customer {r['id']}: subsidiary or currency not in the snapshot")
            continue

        def known(value: Any, ids: set[int]) -> int | None:
            found = _int(value)
            return found if found in ids else None

        people.append(
            {
                "id": int(r["id"]),
                "entityId": _text(r["entityid"]),
                "isPerson": _flag(r["isperson"]),
                "firstName": _text(r.get("firstname")),
                "lastName": _text(r.get("lastname")),
                "companyName": _text(r.get("companyname")),
                "email": _text(r.get("email")),
                "phone": _text(r.get("phone")),
                "subsidiary": sub,
                "currency": cur,
                "taxable": _flag(r.get("taxable")),
                "taxItem": known(r.get("taxitem"), tax_codes),
                "terms": known(r.get("terms"), terms),
                "priceLevel": known(r.get("pricelevel"), levels),
                "externalId": r.get("externalid") or None,
            }
        )
    return people


_HEADER = """\
# Account profile for the embedded sandbox, snapshotted from NetSuite account {account}
# by `harness sandbox snapshot` ({taken}).
#
# Reference data is the account's; role permissions, preferences and rules are defaults
# (SuiteQL cannot read them): adjust them to mirror the account. The credentials below are
# FAKE, made for the embedded sandbox; the account's own were not copied. The customers are a
# sample of real records: treat this file as you treat the account's data.
"""


def write_snapshot(data: dict[str, Any], path: str | Path) -> AccountProfile:
    """Write the profile YAML and load it back (the sandbox's own validation)."""
    target = Path(path)
    try:
        plain = AccountProfile.model_validate(data).model_dump(mode="json", exclude_defaults=True)
    except ValidationError as exc:
        raise SnapshotError(f"the account's data does not fit a profile:\n{exc}") from None
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    text = (
        _HEADER.format(account=data["account"]["id"], taken=taken)
        + "\n"
        + yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=100)
    )
    target.write_text(text, encoding="utf-8")
    try:
        return load_profile(target)
    except SandboxConfigError as exc:
        raise SnapshotError(f"the snapshot does not load as a profile:\n{exc}") from None


def snapshot_account(
    path: str | Path, *, customers: int = 20, name: str | None = None
) -> tuple[AccountProfile, list[str]]:
    """Snapshot the NetSuite account in NETSUITE_* into the profile at `path`; the profile
    and what was left out. An `AuthConfigError` says which setting is missing."""
    from harness.netsuite.client import NetSuiteClient

    client = NetSuiteClient.from_env()
    data, notes = snapshot(client, client.account_id, name=name, customers=customers)
    return write_snapshot(data, path), notes
