"""`harness doctor`: a preflight of a NetSuite target before any order is pushed.

The checklist integrators go through by hand (reference salesorder-semantics 7-9), as rows of
✓/✗ with a hint each: the credentials and realm answer, the role may use every record the
mapping needs, every SKU the catalogue sells (and every override of the mapping) names an
active item of the order's subsidiary, the ship items, tax codes, discount and fee items
exist, mandatory-field preferences are covered, the synced statuses make sense, and a test
order lands (see `landing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from harness.catalogue.spec import Catalogue
from harness.connector.interpret import subsidiary_for
from harness.connector.refdata import sql_text
from harness.landing.classify import classify
from harness.landing.failure import Failure
from harness.mapping import Mapping
from harness.netsuite.errors import NetSuiteError
from harness.sandbox.account import AccountProfile

# Which WooCommerce statuses mean an unpaid or dead order (reference salesorder-semantics 8.1).
UNPAID_STATUSES = frozenset({"pending", "failed", "cancelled", "refunded", "checkout-draft"})
# Fields the reference connector sets on every Sales Order, by the labels NetSuite's
# "Please enter value(s) for:" uses (INFERRED labels, as NetSuite's UI names the fields).
COVERED_LABELS = frozenset(
    {
        "customer",
        "entity",
        "subsidiary",
        "currency",
        "item",
        "items",
        "date",
        "tranDate",
        "quantity",
        "rate",
        "amount",
        "ship method",
        "po #",
        "external id",
    }
)


class DoctorClient(Protocol):
    """What the doctor reads a NetSuite account with (a `NetSuiteClient`)."""

    account_id: str

    def suiteql_all(self, q: str) -> list[dict[str, str]]: ...

    def list(
        self, record_type: str, *, q: str | None = None, limit: int = ...
    ) -> Iterable[str]: ...

    def create(self, record_type: str, body: dict[str, object]) -> str: ...


@dataclass(frozen=True)
class Check:
    """One row of the checklist."""

    section: str
    name: str
    ok: bool
    detail: str
    hint: str = ""
    checked: bool = True  # False: another failure kept it from being checked

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def blocked_by(cause: Check) -> list[Check]:
    """The rows a failed login keeps from being checked, each saying so (the cause is
    reported once, in its own row)."""
    because = f"not checked: {cause.name} failed (see above)"
    return [
        Check(section, name, False, because, checked=False)
        for section, name in (
            ("permissions", "role permissions"),
            ("permissions", "role may create salesOrder"),
            ("items", "SKUs of the catalogue"),
            ("reference data", "ship items, tax codes, discount and fee items"),
            ("required fields", "mandatory Sales Order fields"),
            ("landing", "test order"),
        )
    ]


def _refused(error: NetSuiteError) -> tuple[str, str]:
    """NetSuite's refusal as (what it said, what to change)."""
    cause = classify(Failure.from_error(error))
    return cause.summary, cause.hint


# -- connection and permissions ----------------------------------------------------------------


def check_auth(client: DoctorClient) -> Check:
    """A cheap authenticated call: one row of the subsidiary list."""
    name = f"credentials and realm ({client.account_id})"
    try:
        client.suiteql_all("SELECT id FROM subsidiary WHERE ROWNUM <= 1")
    except NetSuiteError as error:
        if error.status in (401, 0) or error.status >= 500:
            summary, hint = _refused(error)
            return Check("connection", name, False, summary, hint)
        # Answered, but refused the query: the login works, SuiteQL is the problem (below).
    return Check("connection", name, True, "NetSuite accepted the login")


# (record, how the connector uses it, the probe) for every record the mapping needs.
_PROBES: tuple[tuple[str, str, str], ...] = (
    ("salesOrder", "upserts Sales Orders, reads them back", "record"),
    ("customer", "finds and creates customers", "record"),
    ("item", "looks items up by SKU", "SELECT id FROM item WHERE ROWNUM <= 1"),
    ("shipitem", "looks ship items up by name", "SELECT id FROM shipitem WHERE ROWNUM <= 1"),
    ("salestaxitem", "looks tax codes up by name", "SELECT id FROM salestaxitem WHERE ROWNUM <= 1"),
    (
        "transaction",
        "finds orders by externalId (SuiteQL)",
        "SELECT id FROM transaction WHERE ROWNUM <= 1",
    ),
)


def check_permissions(client: DoctorClient) -> list[Check]:
    """Probe each record the connector needs with a read (REST collection or SuiteQL)."""
    checks = []
    for record, use, probe in _PROBES:
        name = f"role may read {record}"
        try:
            if probe == "record":
                next(iter(client.list(record, limit=1)), None)
            else:
                client.suiteql_all(probe)
        except NetSuiteError as error:
            summary, hint = _refused(error)
            checks.append(
                Check("permissions", name, False, f"the connector {use}: {summary}", hint)
            )
            continue
        checks.append(Check("permissions", name, True, f"the connector {use}"))
    return checks


def check_sales_order_create(client: DoctorClient) -> tuple[Check, list[str]]:
    """A create that can never succeed (no customer, no lines) shows both the role's right to
    create Sales Orders and the fields the account demands. NetSuite checks the permission
    before the fields (INFERRED), so a 403 here is the permission, a 400 the fields."""
    try:
        made = client.create("salesOrder", {})
    except NetSuiteError as error:
        failure = Failure.from_error(error)
        cause = classify(failure)
        if cause.category == "required-field":
            return Check(
                "permissions",
                "role may create salesOrder",
                True,
                "an empty test order was refused for missing fields, not access",
            ), _labels(failure.message)
        summary, hint = cause.summary, cause.hint
        return Check("permissions", "role may create salesOrder", False, summary, hint), []
    return Check(
        "permissions",
        "role may create salesOrder",
        True,
        f"NetSuite accepted an empty Sales Order ({made}): delete it",
    ), []


def _labels(message: str) -> list[str]:
    _, _, tail = message.partition(":")
    return [part.strip(" .") for part in tail.split(",") if part.strip(" .")]


# -- reference data ----------------------------------------------------------------------------


def _by_itemid(
    client: DoctorClient,
    table: str,
    names: Iterable[str],
    columns: str = "id, itemid, isinactive, subsidiary",
) -> dict[str, dict[str, str]]:
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = client.suiteql_all(
        f"SELECT {columns} FROM {table} WHERE itemid IN ({', '.join(map(sql_text, wanted))})"
    )
    return {row["itemid"]: row for row in rows}


def _subs(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def landing_skus(catalogue: Catalogue, mapping: Mapping) -> dict[str, set[int]]:
    """SKU -> the subsidiaries it must be sold in, from the scenarios expected to land and the
    mapping's product/variation overrides (which must exist in the routed subsidiaries)."""
    wanted: dict[str, set[int]] = {}
    for spec in catalogue.scenarios:
        if spec.expect != "landed":
            continue
        sub = subsidiary_for(mapping, spec.currency, spec.billing.country)
        for line in spec.lines:
            if line.sku:
                wanted.setdefault(line.sku, set()).update({sub} if sub is not None else set())
    routed = set(mapping.subsidiaries.routes.values())
    for item_id in [*mapping.items.products.values(), *mapping.items.variations.values()]:
        wanted.setdefault(item_id, set()).update(routed)
    return wanted


def check_items(client: DoctorClient, catalogue: Catalogue, mapping: Mapping) -> list[Check]:
    wanted = landing_skus(catalogue, mapping)
    try:
        found = _by_itemid(client, "item", wanted)
    except NetSuiteError as error:
        summary, hint = _refused(error)
        return [Check("items", "SKUs", False, summary, hint)]
    checks = []
    for sku in sorted(wanted):
        row = found.get(sku)
        name = f"SKU {sku}"
        if row is None:
            checks.append(
                Check(
                    "items",
                    name,
                    False,
                    "no item has this Item Name/Number",
                    "Create the item, or map the SKU to an existing item "
                    "(items.products / items.variations in the mapping).",
                )
            )
            continue
        if row.get("isinactive") == "T":
            checks.append(
                Check(
                    "items",
                    name,
                    False,
                    f"item {row['id']} is inactive",
                    "Reactivate the item, or map the SKU to an active one.",
                )
            )
            continue
        sells = _subs(row.get("subsidiary"))
        missing = sorted(str(s) for s in wanted[sku] if sells and str(s) not in sells)
        if missing:
            checks.append(
                Check(
                    "items",
                    name,
                    False,
                    f"item {row['id']} is not sold in subsidiary {', '.join(missing)}",
                    f"Add subsidiary {', '.join(missing)} to the item's Subsidiary field.",
                )
            )
            continue
        checks.append(Check("items", name, True, f"item {row['id']}, active"))
    return checks


def _named(
    client: DoctorClient, section: str, what: str, table: str, names: Sequence[str], hint: str
) -> list[Check]:
    if not names:
        return []
    try:
        found = _by_itemid(client, table, names, "id, itemid, isinactive")
    except NetSuiteError as error:
        summary, fix = _refused(error)
        return [Check(section, what, False, summary, fix)]
    checks = []
    for name in sorted(set(names)):
        row = found.get(name)
        if row is None:
            checks.append(Check(section, f"{what} {name}", False, "does not exist", hint))
        elif row.get("isinactive") == "T":
            checks.append(Check(section, f"{what} {name}", False, f"{row['id']} is inactive", hint))
        else:
            checks.append(Check(section, f"{what} {name}", True, f"id {row['id']}"))
    return checks


def check_reference_data(client: DoctorClient, mapping: Mapping) -> list[Check]:
    ship = [*mapping.shipping.methods.values(), *filter(None, [mapping.shipping.default])]
    taxes = [*mapping.tax.codes.values(), *filter(None, [mapping.tax.exempt_code])]
    checks = _named(
        client,
        "shipping",
        "ship item",
        "shipitem",
        ship,
        "Create the shipping item, or fix shipping.methods in the mapping.",
    )
    tax_rows = _named(
        client,
        "tax",
        "tax code",
        "salestaxitem",
        taxes,
        "Create the tax code, or fix tax.codes in the mapping.",
    )
    # A tax group is as good as a tax code: look the missing ones up there.
    missing = [c.name.removeprefix("tax code ") for c in tax_rows if not c.ok]
    groups = {c.name: c for c in _named(client, "tax", "tax code", "taxgroup", missing, "")}
    checks += [
        groups.get(c.name, c) if not c.ok and groups.get(c.name, c).ok else c for c in tax_rows
    ]
    others = [
        name
        for name in (mapping.discounts.item, mapping.fees.item, mapping.tax.pass_through_item)
        if name
    ]
    checks += _named(
        client,
        "discounts and fees",
        "item",
        "item",
        others,
        "Create the item, or fix discounts.item / fees.item in the mapping.",
    )
    return checks


# -- account rules -----------------------------------------------------------------------------


def check_mandatory_from_profile(profile: AccountProfile, mapping: Mapping) -> list[Check]:
    prefs = profile.preferences
    checks = []
    for flag, label in (
        (prefs.makeDepartmentsMandatory, "Department"),
        (prefs.makeClassesMandatory, "Class"),
        (prefs.makeLocationsMandatory, "Location"),
    ):
        if flag:
            checks.append(
                Check(
                    "required fields",
                    label,
                    False,
                    f"'Make {label}s Mandatory' is on and the mapping sets no {label.lower()}",
                    f"Turn the preference off, or have the connector send a {label.lower()}.",
                )
            )
    set_by_mapping = set(mapping.custom_fields.body) | set(mapping.custom_fields.line)
    for field in profile.customFields:
        if field.mandatory and field.applies_to in ("body", "line"):
            ok = field.id in set_by_mapping
            checks.append(
                Check(
                    "required fields",
                    f"{field.label} ({field.id})",
                    ok,
                    "set by the mapping" if ok else "mandatory, and the mapping does not set it",
                    "" if ok else f"Add {field.id} under custom_fields in the mapping.",
                )
            )
    if not checks:
        checks.append(
            Check(
                "required fields",
                "mandatory preferences",
                True,
                "no mandatory department, class, location or custom field",
            )
        )
    return checks


def check_mandatory_from_probe(labels: Sequence[str]) -> list[Check]:
    uncovered = [label for label in labels if label.lower() not in COVERED_LABELS]
    if not uncovered:
        shown = ", ".join(labels) or "nothing beyond the customer"
        return [
            Check(
                "required fields",
                "mandatory fields",
                True,
                f"NetSuite asked for {shown}: the connector sends it",
            )
        ]
    return [
        Check(
            "required fields",
            label,
            False,
            "NetSuite requires it on a Sales Order; the connector does not send it",
            f"Send {label} (mapping or connector), or make it optional in NetSuite "
            "(Setup > Accounting > Accounting Preferences, or the field's definition).",
        )
        for label in uncovered
    ]


def check_statuses(mapping: Mapping) -> Check:
    statuses = mapping.sync.statuses
    unpaid = sorted(set(statuses) & UNPAID_STATUSES)
    if unpaid:
        return Check(
            "sync rules",
            "synced statuses",
            False,
            f"the mapping syncs {', '.join(unpaid)} orders, which are unpaid or dead",
            "Sync processing (and completed / on-hold if wanted) only.",
        )
    if "processing" not in statuses:
        return Check(
            "sync rules",
            "synced statuses",
            False,
            f"the mapping syncs {', '.join(statuses) or 'nothing'} but not processing "
            "(paid orders)",
            "Add processing to sync.statuses.",
        )
    return Check("sync rules", "synced statuses", True, ", ".join(statuses))
