"""The record types the sandbox serves, described as data: REST names <-> SuiteQL columns.

Field names follow NetSuite's REST output (camelCase of the SuiteScript ids; where Oracle's
samples show another spelling, such as `addressbook`, that spelling). Every record type is
built once per account profile, because the profile's custom fields add columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from harness.netsuite.itemtypes import ITEM_TYPES
from harness.sandbox.account import AccountProfile, CustomField
from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.store.lengths import ENTITY_LENGTHS, LIST_LENGTHS, limited
from harness.sandbox.store.recordtypes import (
    CURRENCY,
    DISCOUNT_ITEM,
    PRICE_LEVEL,
    SALES_TAX_ITEM,
    SUBSIDIARY,
    TAX_CODE,
    TERM,
    RecordType,
    SublistDef,
    SubrecordDef,
    address_fields,
    common_fields,
    f,
)
from harness.sandbox.store.schema import custom_field_table
from harness.sandbox.store.transactions import (
    cash_sale_type,
    invoice_type,
    item_fulfillment_type,
    sales_order_type,
)


def _customer(custom: tuple[FieldDef, ...]) -> RecordType:
    address = SubrecordDef(
        "addressbookaddress", "entityaddress", "addressbookaddress", address_fields()
    )
    return RecordType(
        name="customer",
        table="customer",
        is_entity=True,
        display_column="entityid",
        created_column="datecreated",
        fields=limited(
            (
                f("entityId", "entityid", Kind.TEXT, "Customer ID"),
                f("isPerson", "isperson", Kind.BOOLEAN, "Type", default=False),
                f("firstName", "firstname", Kind.TEXT, "First Name"),
                f("lastName", "lastname", Kind.TEXT, "Last Name"),
                f("companyName", "companyname", Kind.TEXT, "Company Name"),
                f("altName", "altname", Kind.TEXT, "Name", readonly=True),
                f("email", "email", Kind.TEXT, "Email"),
                f("phone", "phone", Kind.TEXT, "Phone"),
                f("comments", "comments", Kind.TEXT, "Comments"),
                f("subsidiary", "subsidiary", Kind.REF, "Primary Subsidiary", SUBSIDIARY),
                f("currency", "currency", Kind.REF, "Currency", CURRENCY),
                f("taxable", "taxable", Kind.BOOLEAN, "Taxable", default=True),
                f("taxItem", "taxitem", Kind.REF, "Tax Item", TAX_CODE),
                f("terms", "terms", Kind.REF, "Terms", TERM),
                f("priceLevel", "pricelevel", Kind.REF, "Price Level", PRICE_LEVEL),
                f("dateCreated", "datecreated", Kind.DATETIME, "Date Created", readonly=True),
                *common_fields(),
                *custom,
            ),
            ENTITY_LENGTHS,
        ),
        sublists=(
            SublistDef(
                name="addressbook",
                table="customeraddressbook",
                parent_column="entity",
                key_column="id",
                key_name="id",
                fields=limited(
                    (
                        f("label", "label", Kind.TEXT, "Label"),
                        f(
                            "defaultBilling",
                            "defaultbilling",
                            Kind.BOOLEAN,
                            "Default Billing",
                            default=False,
                        ),
                        f(
                            "defaultShipping",
                            "defaultshipping",
                            Kind.BOOLEAN,
                            "Default Shipping",
                            default=False,
                        ),
                    ),
                    LIST_LENGTHS,
                ),
                subrecord=address,
                default_links=(
                    ("defaultBilling", "defaultbillingaddress"),
                    ("defaultShipping", "defaultshippingaddress"),
                ),
            ),
        ),
    )


def _employee() -> RecordType:
    """An employee, for the order's sales rep (INFERRED: the fields a connector reads)."""
    return RecordType(
        name="employee",
        table="employee",
        is_entity=True,
        display_column="entityid",
        fields=limited(
            (
                f("entityId", "entityid", Kind.TEXT, "Name"),
                f("firstName", "firstname", Kind.TEXT, "First Name"),
                f("lastName", "lastname", Kind.TEXT, "Last Name"),
                f("email", "email", Kind.TEXT, "Email"),
                f("phone", "phone", Kind.TEXT, "Phone"),
                f("isSalesRep", "issalesrep", Kind.BOOLEAN, "Sales Rep", default=False),
                f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY),
                *common_fields(),
            ),
            ENTITY_LENGTHS,
        ),
    )


def _item(rest_type: str, code: str, custom: tuple[FieldDef, ...]) -> RecordType:
    return RecordType(
        name=rest_type,
        table="item",
        discriminator=(("itemtype", code),),
        display_column="itemid",
        created_column="createddate",
        fields=limited(
            (
                f("itemId", "itemid", Kind.TEXT, "Item Name/Number"),
                f("displayName", "displayname", Kind.TEXT, "Display Name/Code"),
                f("description", "salesdescription", Kind.TEXT, "Description"),
                f("subsidiary", "subsidiary", Kind.MULTIREF, "Subsidiary", SUBSIDIARY),
                f("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable", default=True),
                f("createdDate", "createddate", Kind.DATETIME, "Date Created", readonly=True),
                *common_fields(),
                *custom,
            ),
            LIST_LENGTHS,
        ),
    )


def _simple(name: str, table: str, *fields: FieldDef, display: str = "name") -> RecordType:
    return RecordType(
        name=name,
        table=table,
        display_column=display,
        fields=limited((*fields, *common_fields()), LIST_LENGTHS),
    )


def _custom_fields(custom: Sequence[CustomField], table: str) -> tuple[FieldDef, ...]:
    kinds = {
        "text": Kind.TEXT,
        "integer": Kind.INTEGER,
        "decimal": Kind.FLOAT,
        "currency": Kind.MONEY,
        "checkbox": Kind.BOOLEAN,
        "date": Kind.DATE,
    }
    return tuple(
        FieldDef(c.id, c.id, kinds[c.type], c.label, custom=True)
        for c in custom
        if custom_field_table(c) == table
    )


def build_record_types(profile: AccountProfile) -> dict[str, RecordType]:
    """Every served record type, keyed by its lowercase name (URLs are case-insensitive).

    They depend on the profile's custom fields alone, and are frozen: a process makes them
    once per set of custom fields, however many sandboxes it builds (half the cost of
    building one)."""
    return dict(_record_types(tuple(profile.customFields)))


@lru_cache(maxsize=64)
def _record_types(custom: tuple[CustomField, ...]) -> dict[str, RecordType]:
    item_custom = _custom_fields(custom, "item")
    body, line = _custom_fields(custom, "transaction"), _custom_fields(custom, "transactionline")
    types = [
        _customer(_custom_fields(custom, "customer")),
        sales_order_type(body, line),
        item_fulfillment_type(body, line),
        invoice_type(body, line),
        cash_sale_type(body, line),
        _employee(),
        _simple(
            "campaign",
            "campaign",
            f("title", "title", Kind.TEXT, "Title"),
            f("campaignId", "campaignid", Kind.TEXT, "ID"),
            display="title",
        ),
        # INFERRED fields, after the legacy promotion code record: a code, the discount item
        # it applies and that item's rate.
        _simple(
            "promotionCode",
            "promotioncode",
            f("code", "code", Kind.TEXT, "Promotion Code"),
            f("description", "description", Kind.TEXT, "Description"),
            f("discount", "discount", Kind.REF, "Discount", DISCOUNT_ITEM),
            f("rate", "rate", Kind.RATE, "Rate"),
            display="code",
        ),
        *(_item(t.record_type, t.code, item_custom) for t in ITEM_TYPES),
        _simple(
            "shipItem",
            "shipitem",
            f("itemId", "itemid", Kind.TEXT, "Name"),
            f("displayName", "displayname", Kind.TEXT, "Display Name"),
            f("description", "description", Kind.TEXT, "Description"),
            # INFERRED: the flat shipping rate, under the generic `rate` name.
            f("rate", "rate", Kind.MONEY, "Shipping Rate", default=Decimal(0)),
            f("subsidiary", "subsidiary", Kind.MULTIREF, "Subsidiary", SUBSIDIARY),
            f("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable", default=False),
            display="itemid",
        ),
        _simple(
            "salesTaxItem",
            "salestaxitem",
            f("itemId", "itemid", Kind.TEXT, "Tax Name"),
            f("description", "description", Kind.TEXT, "Description"),
            f("rate", "rate", Kind.PERCENT, "Rate"),
            f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY),
            f("country", "country", Kind.TEXT, "Country"),
            f("state", "state", Kind.TEXT, "State"),
            f("city", "city", Kind.TEXT, "City"),
            f("zip", "zip", Kind.TEXT, "Zip"),
            f("exempt", "exempt", Kind.BOOLEAN, "Exempt", default=False),
            f("isDefault", "isdefault", Kind.BOOLEAN, "Default", default=False),
            display="itemid",
        ),
        _simple(
            "taxGroup",
            "taxgroup",
            f("itemId", "itemid", Kind.TEXT, "Tax Name"),
            f("description", "description", Kind.TEXT, "Description"),
            f("rate", "rate", Kind.PERCENT, "Rate", readonly=True, default=Decimal(0)),
            f("taxItems", "taxitems", Kind.MULTIREF, "Tax Items", SALES_TAX_ITEM),
            f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY),
            f("country", "country", Kind.TEXT, "Country"),
            f("state", "state", Kind.TEXT, "State"),
            f("city", "city", Kind.TEXT, "City"),
            f("isDefault", "isdefault", Kind.BOOLEAN, "Default", default=False),
            display="itemid",
        ),
        _simple(
            "subsidiary",
            "subsidiary",
            f("name", "name", Kind.TEXT, "Name"),
            f("fullName", "fullname", Kind.TEXT, "Name", readonly=True),
            f("parent", "parent", Kind.REF, "Subsidiary Of", SUBSIDIARY),
            f("country", "country", Kind.TEXT, "Country"),
            f("currency", "currency", Kind.REF, "Currency", CURRENCY),
            display="fullname",
        ),
        _simple(
            "location",
            "location",
            f("name", "name", Kind.TEXT, "Name"),
            f("fullName", "fullname", Kind.TEXT, "Name", readonly=True),
            f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY),
            display="fullname",
        ),
        _simple(
            "currency",
            "currency",
            f("name", "name", Kind.TEXT, "Name"),
            f("symbol", "symbol", Kind.TEXT, "ISO Code"),
            f("displaySymbol", "displaysymbol", Kind.TEXT, "Symbol"),
            f(
                "currencyPrecision",
                "currencyprecision",
                Kind.INTEGER,
                "Currency Precision",
                default=2,
            ),
            f(
                "exchangeRate",
                "exchangerate",
                Kind.FLOAT,
                "Default Exchange Rate",
                default=Decimal(1),
            ),
            f(
                "isBaseCurrency",
                "isbasecurrency",
                Kind.BOOLEAN,
                "Base Currency",
                readonly=True,
                default=False,
            ),
        ),
        _simple(
            "department",
            "department",
            f("name", "name", Kind.TEXT, "Name"),
            f("fullName", "fullname", Kind.TEXT, "Name", readonly=True),
            f("subsidiary", "subsidiary", Kind.MULTIREF, "Subsidiary", SUBSIDIARY),
            display="fullname",
        ),
        _simple(
            "classification",
            "classification",
            f("name", "name", Kind.TEXT, "Name"),
            f("fullName", "fullname", Kind.TEXT, "Name", readonly=True),
            f("subsidiary", "subsidiary", Kind.MULTIREF, "Subsidiary", SUBSIDIARY),
            display="fullname",
        ),
        _simple(
            "term",
            "term",
            f("name", "name", Kind.TEXT, "Terms"),
            f("daysUntilNetDue", "daysuntilnetdue", Kind.INTEGER, "Days Till Net Due"),
        ),
        _simple(
            "priceLevel",
            "pricelevel",
            f("name", "name", Kind.TEXT, "Price Level"),
            f("discountPct", "discountpct", Kind.PERCENT, "Markup/Discount %"),
        ),
    ]
    return {t.name.lower(): t for t in types}
