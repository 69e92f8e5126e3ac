"""The record types the sandbox serves, described as data: REST names <-> SuiteQL columns.

Field names follow NetSuite's REST output (camelCase of the SuiteScript ids; where Oracle's
samples show another spelling, such as `addressbook`, that spelling). Every record type is
built once per account profile, because the profile's custom fields add columns.
"""

from __future__ import annotations

from decimal import Decimal

from harness.netsuite.itemtypes import ITEM_TYPES
from harness.sandbox.account import AccountProfile, CustomField
from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.store.recordtypes import (
    ANY_ITEM,
    CLASSIFICATION,
    CURRENCY,
    CUSTOMER,
    DEPARTMENT,
    DISCOUNT_ITEM,
    LOCATION,
    PRICE_LEVEL,
    SALES_TAX_ITEM,
    SHIP_ITEM,
    SUBSIDIARY,
    TAX_CODE,
    TERM,
    RecordType,
    SublistDef,
    SubrecordDef,
    f,
)
from harness.sandbox.store.schema import custom_field_table


def _address_fields() -> tuple[FieldDef, ...]:
    return (
        f("addressee", "addressee", Kind.TEXT, "Addressee"),
        f("attention", "attention", Kind.TEXT, "Attention"),
        f("addr1", "addr1", Kind.TEXT, "Address 1"),
        f("addr2", "addr2", Kind.TEXT, "Address 2"),
        f("addr3", "addr3", Kind.TEXT, "Address 3"),
        f("city", "city", Kind.TEXT, "City"),
        f("state", "state", Kind.TEXT, "State"),
        f("zip", "zip", Kind.TEXT, "Zip"),
        # ISO 3166 code on input and output, as the REST examples send `"country": "US"`.
        f("country", "country", Kind.TEXT, "Country"),
        f("addrPhone", "addrphone", Kind.TEXT, "Phone"),
        f("addrText", "addrtext", Kind.TEXT, "Address", readonly=True),
    )


def _common() -> tuple[FieldDef, ...]:
    return (
        f("externalId", "externalid", Kind.TEXT, "External ID"),
        f("isInactive", "isinactive", Kind.BOOLEAN, "Inactive", default=False),
        f("lastModifiedDate", "lastmodifieddate", Kind.DATETIME, "Last Modified", readonly=True),
    )


def _customer(custom: tuple[FieldDef, ...]) -> RecordType:
    address = SubrecordDef(
        "addressbookaddress", "entityaddress", "addressbookaddress", _address_fields()
    )
    return RecordType(
        name="customer",
        table="customer",
        is_entity=True,
        display_column="entityid",
        created_column="datecreated",
        fields=(
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
            *_common(),
            *custom,
        ),
        sublists=(
            SublistDef(
                name="addressbook",
                table="customeraddressbook",
                parent_column="entity",
                key_column="id",
                key_name="id",
                fields=(
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
                subrecord=address,
                default_links=(
                    ("defaultBilling", "defaultbillingaddress"),
                    ("defaultShipping", "defaultshippingaddress"),
                ),
            ),
        ),
    )


def _sales_order(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    currency_of = "(SELECT {col} FROM currency WHERE id = t.currency)"
    return RecordType(
        name="salesOrder",
        table="transaction",
        discriminator=(("type", "SalesOrd"), ("recordtype", "salesorder")),
        has_mainline=True,
        is_transaction=True,
        display_column="tranid",
        created_column="createddate",
        fields=(
            f("tranId", "tranid", Kind.TEXT, "Order #"),
            f("tranDate", "trandate", Kind.DATE, "Date"),
            f("entity", "entity", Kind.REF, "Customer", CUSTOMER),
            f("orderStatus", "status", Kind.ENUM, "Status", choices=("A", "B")),
            f("status", "status", Kind.TEXT, "Status", readonly=True),
            f("externalId", "externalid", Kind.TEXT, "External ID"),
            f("otherRefNum", "otherrefnum", Kind.TEXT, "PO #"),
            f("memo", "memo", Kind.TEXT, "Memo"),
            f("email", "email", Kind.TEXT, "Email"),
            f("customForm", "customform", Kind.TEXT, "Custom Form"),
            f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY, on_mainline=True),
            f("currency", "currency", Kind.REF, "Currency", CURRENCY),
            f(
                "currencyName",
                "currency",
                Kind.TEXT,
                "Currency",
                readonly=True,
                expr=currency_of.format(col="name"),
            ),
            f(
                "currencySymbol",
                "currency",
                Kind.TEXT,
                "Currency",
                readonly=True,
                expr=currency_of.format(col="symbol"),
            ),
            f(
                "currencyPrecision",
                "currency",
                Kind.INTEGER,
                "Currency",
                readonly=True,
                expr=currency_of.format(col="currencyprecision"),
            ),
            f("exchangeRate", "exchangerate", Kind.FLOAT, "Exchange Rate"),
            f("location", "location", Kind.REF, "Location", LOCATION, on_mainline=True),
            f("department", "department", Kind.REF, "Department", DEPARTMENT, on_mainline=True),
            f("class", "class", Kind.REF, "Class", CLASSIFICATION, on_mainline=True),
            f("terms", "terms", Kind.REF, "Terms", TERM),
            f("shipMethod", "shipmethod", Kind.REF, "Ship Via", SHIP_ITEM),
            f("shippingCost", "shippingcost", Kind.MONEY, "Shipping Cost"),
            f("handlingCost", "handlingcost", Kind.MONEY, "Handling Cost"),
            f("shipDate", "shipdate", Kind.DATE, "Ship Date"),
            f("discountItem", "discountitem", Kind.REF, "Discount", DISCOUNT_ITEM),
            f("discountRate", "discountrate", Kind.RATE, "Rate"),
            f("discountTotal", "discounttotal", Kind.MONEY, "Discount", readonly=True),
            f("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable"),
            f("taxItem", "taxitem", Kind.REF, "Tax Item", TAX_CODE),
            f("taxRate", "taxrate", Kind.PERCENT, "Tax Rate"),
            f("taxTotal", "taxtotal", Kind.MONEY, "Tax", readonly=True),
            f("shippingTaxCode", "shippingtaxcode", Kind.REF, "Shipping Tax Code", TAX_CODE),
            f("subtotal", "subtotal", Kind.MONEY, "Subtotal", readonly=True),
            f("total", "foreigntotal", Kind.MONEY, "Total", readonly=True),
            f(
                "billAddress",
                "billingaddress",
                Kind.TEXT,
                "Billing Address",
                readonly=True,
                expr="(SELECT addrtext FROM transactionbillingaddress"
                " WHERE nkey = t.billingaddress)",
            ),
            f(
                "shipAddress",
                "shippingaddress",
                Kind.TEXT,
                "Shipping Address",
                readonly=True,
                expr="(SELECT addrtext FROM transactionshippingaddress"
                " WHERE nkey = t.shippingaddress)",
            ),
            f("createdDate", "createddate", Kind.DATETIME, "Date Created", readonly=True),
            f(
                "lastModifiedDate",
                "lastmodifieddate",
                Kind.DATETIME,
                "Last Modified",
                readonly=True,
            ),
            *body,
        ),
        sublists=(
            SublistDef(
                name="item",
                table="transactionline",
                parent_column="transaction",
                key_column="id",
                key_name="line",
                order_column="linesequencenumber",
                fixed=(("mainline", "F"), ("taxline", "F")),
                fields=(
                    f("item", "item", Kind.REF, "Item", ANY_ITEM),
                    f("itemType", "itemtype", Kind.TEXT, "Item Type", readonly=True),
                    f("quantity", "quantity", Kind.FLOAT, "Quantity", negate=True),
                    f("rate", "rate", Kind.FLOAT, "Rate"),
                    f("amount", "foreignamount", Kind.MONEY, "Amount", negate=True),
                    f("price", "price", Kind.REF, "Price Level", PRICE_LEVEL),
                    f("description", "memo", Kind.TEXT, "Description"),
                    f("taxCode", "taxcode", Kind.REF, "Tax Code", TAX_CODE),
                    f("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable"),
                    f("department", "department", Kind.REF, "Department", DEPARTMENT),
                    f("class", "class", Kind.REF, "Class", CLASSIFICATION),
                    f("location", "location", Kind.REF, "Location", LOCATION),
                    f("isClosed", "isclosed", Kind.BOOLEAN, "Closed", default=False),
                    *line,
                ),
            ),
        ),
        subrecords=(
            SubrecordDef(
                "billingAddress", "transactionbillingaddress", "billingaddress", _address_fields()
            ),
            SubrecordDef(
                "shippingAddress",
                "transactionshippingaddress",
                "shippingaddress",
                _address_fields(),
            ),
        ),
    )


def _item(rest_type: str, code: str, custom: tuple[FieldDef, ...]) -> RecordType:
    return RecordType(
        name=rest_type,
        table="item",
        discriminator=(("itemtype", code),),
        display_column="itemid",
        created_column="createddate",
        fields=(
            f("itemId", "itemid", Kind.TEXT, "Item Name/Number"),
            f("displayName", "displayname", Kind.TEXT, "Display Name/Code"),
            f("description", "salesdescription", Kind.TEXT, "Description"),
            f("subsidiary", "subsidiary", Kind.MULTIREF, "Subsidiary", SUBSIDIARY),
            f("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable", default=True),
            f("createdDate", "createddate", Kind.DATETIME, "Date Created", readonly=True),
            *_common(),
            *custom,
        ),
    )


def _simple(name: str, table: str, *fields: FieldDef, display: str = "name") -> RecordType:
    return RecordType(name=name, table=table, display_column=display, fields=(*fields, *_common()))


def _custom_fields(custom: list[CustomField], table: str) -> tuple[FieldDef, ...]:
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
    """Every served record type, keyed by its lowercase name (URLs are case-insensitive)."""
    custom = profile.customFields
    item_custom = _custom_fields(custom, "item")
    types = [
        _customer(_custom_fields(custom, "customer")),
        _sales_order(
            _custom_fields(custom, "transaction"), _custom_fields(custom, "transactionline")
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

