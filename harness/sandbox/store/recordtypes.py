"""How the sandbox describes a record type as data: REST names <-> SuiteQL columns.

A `RecordType` names its table, body fields, sublists and subrecords; a `FieldDef` (see
`fields.py`) ties one REST field to its column. The record types themselves are written out
in `catalog.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.sandbox.store.fields import NO_REST_TYPE, FieldDef, Kind, RefSource, RefTarget
from harness.sandbox.store.lengths import ADDRESS_LENGTHS, EXTERNAL_ID_LENGTH, limited
from harness.sandbox.store.values import COUNTRY_CODES

# Record types the store keeps (SuiteQL reads them) but REST does not serve in this account:
# the sandbox models a legacy-tax account, and "REST web services do not support legacy tax
# features. To work with taxation through REST web services, you must have the SuiteTax
# feature enabled." (Oracle help article_0814121722, Sales Tax Item; reference
# salesorder-semantics 2.1). SuiteQL keeps its `salestaxitem` table (public SuiteQL such as
# "SELECT id FROM salestaxitem WHERE description = ?"). Tax groups stay: their REST record
# requires the Legacy Tax feature (Oracle help article_0225104240).
NOT_SERVED_OVER_REST: frozenset[str] = frozenset({"salestaxitem"})


def _target(table: str, display: str, rest_type: str | None, where: str = "") -> RefTarget:
    return RefTarget((RefSource(table, display, rest_type, where),))


CUSTOMER = _target("customer", "entityid", "customer")
SUBSIDIARY = _target("subsidiary", "fullname", "subsidiary")
CURRENCY = _target("currency", "name", "currency")
LOCATION = _target("location", "fullname", "location")
DEPARTMENT = _target("department", "fullname", "department")
CLASSIFICATION = _target("classification", "fullname", "classification")
TERM = _target("term", "name", "term")
PRICE_LEVEL = _target("pricelevel", "name", "priceLevel")
# Any item resolves, so that a non-shipping item is refused by the business rules with
# NetSuite's "Invalid shipmethod reference key N." rather than as an unknown value.
SHIP_ITEM = RefTarget(
    (RefSource("shipitem", "itemid", "shipItem"), RefSource("item", "itemid", None))
)
ANY_ITEM = _target("item", "itemid", None)
DISCOUNT_ITEM = _target("item", "itemid", "discountItem", "itemtype = 'Discount'")
SALES_TAX_ITEM = _target("salestaxitem", "itemid", NO_REST_TYPE)  # see NOT_SERVED_OVER_REST
# INFERRED qualifications: an inactive promotion, or an employee who is not a sales rep,
# is not a value the order's field takes.
PROMOTION_CODE = _target("promotioncode", "code", "promotionCode", "isinactive = 'F'")
SALES_REP = _target("employee", "entityid", "employee", "issalesrep = 'T'")
EMPLOYEE = _target("employee", "entityid", "employee")
CAMPAIGN = _target("campaign", "title", "campaign")
SALES_ORDER = _target("transaction", "tranid", "salesOrder", "type = 'SalesOrd'")
TAX_CODE = RefTarget(
    (
        RefSource("salestaxitem", "itemid", NO_REST_TYPE),
        RefSource("taxgroup", "itemid", "taxGroup"),
    )
)


def f(
    name: str,
    column: str,
    kind: Kind,
    label: str,
    target: RefTarget | None = None,
    *,
    readonly: bool = False,
    on_mainline: bool = False,
    negate: bool = False,
    choices: tuple[str, ...] = (),
    expr: str | None = None,
    default: object = None,
    max_length: int | None = None,
) -> FieldDef:
    """Shorthand for a `FieldDef`."""
    return FieldDef(
        name,
        column,
        kind,
        label,
        target,
        readonly=readonly,
        on_mainline=on_mainline,
        negate=negate,
        choices=choices,
        expr=expr,
        default=default,
        max_length=max_length,
    )


# --- field sets several record types share -------------------------------------------


def address_fields() -> tuple[FieldDef, ...]:
    """An address subrecord's fields (customer address book, transaction addresses)."""
    return limited(
        (
            f("addressee", "addressee", Kind.TEXT, "Addressee"),
            f("attention", "attention", Kind.TEXT, "Attention"),
            f("addr1", "addr1", Kind.TEXT, "Address 1"),
            f("addr2", "addr2", Kind.TEXT, "Address 2"),
            f("addr3", "addr3", Kind.TEXT, "Address 3"),
            f("city", "city", Kind.TEXT, "City"),
            f("state", "state", Kind.TEXT, "State"),
            f("zip", "zip", Kind.TEXT, "Zip"),
            # An ISO 3166 code on input, as `"US"` or in the reference form `{"id": "US"}`
            # (reference netsuite-rest 3.2: a client's salesOrder body sends
            # `shippingAddress.country: {id: "US"}`); shown as the code (Oracle's addressbook
            # sample, 3.3). Any other value is an Invalid Field Value.
            f("country", "country", Kind.ENUM, "Country", choices=COUNTRY_CODES),
            f("addrPhone", "addrphone", Kind.TEXT, "Phone"),
            f("addrText", "addrtext", Kind.TEXT, "Address", readonly=True),
        ),
        ADDRESS_LENGTHS,
    )


def common_fields() -> tuple[FieldDef, ...]:
    """External id, inactive flag and last-modified date, on every list and item."""
    return (
        f("externalId", "externalid", Kind.TEXT, "External ID", max_length=EXTERNAL_ID_LENGTH),
        f("isInactive", "isinactive", Kind.BOOLEAN, "Inactive", default=False),
        f("lastModifiedDate", "lastmodifieddate", Kind.DATETIME, "Last Modified", readonly=True),
    )


@dataclass(frozen=True, eq=False)  # identity: hashed on every cached lookup
class SubrecordDef:
    """An inline subrecord (an address) kept in its own table, linked by `nkey`."""

    name: str
    table: str
    link_column: str  # column of the owning row holding the subrecord's nkey
    fields: tuple[FieldDef, ...]
    text_column: str = "addrtext"


@dataclass(frozen=True, eq=False)  # identity: hashed on every cached lookup
class SublistDef:
    """A sublist (order lines, address book) stored as rows keyed by (parent, line id)."""

    name: str
    table: str
    parent_column: str
    key_column: str
    key_name: str  # REST property addressing a line: `line` for items, `id` for the address book
    fields: tuple[FieldDef, ...]
    fixed: tuple[tuple[str, object], ...] = ()  # columns every line row carries
    order_column: str | None = None
    subrecord: SubrecordDef | None = None
    # (line flag, parent column): the parent column points at the flagged line's subrecord.
    default_links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, eq=False)  # identity: hashed on every cached lookup
class RecordType:
    name: str  # canonical REST name, e.g. `salesOrder`
    table: str
    fields: tuple[FieldDef, ...]
    discriminator: tuple[tuple[str, object], ...] = ()
    sublists: tuple[SublistDef, ...] = ()
    subrecords: tuple[SubrecordDef, ...] = ()
    has_mainline: bool = False
    is_transaction: bool = False
    is_entity: bool = False
    display_column: str = "name"
    created_column: str | None = None
    modified_column: str | None = "lastmodifieddate"
    # The record type this one is made from by `!transform` (item fulfillments, invoices and
    # cash sales from a sales order); the sandbox makes such records only that way.
    transformed_from: str | None = None
    by_name: dict[str, FieldDef] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({fd.name.lower(): fd for fd in self.fields})

    def body_field(self, name: str) -> FieldDef | None:
        """A body field by its name, matched case-insensitively."""
        return self.by_name.get(name.lower())

    def sublist(self, name: str) -> SublistDef | None:
        lowered = name.lower()
        return next((s for s in self.sublists if s.name.lower() == lowered), None)

    def subrecord(self, name: str) -> SubrecordDef | None:
        lowered = name.lower()
        return next((s for s in self.subrecords if s.name.lower() == lowered), None)
