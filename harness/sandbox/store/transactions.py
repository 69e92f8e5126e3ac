"""The transaction record types: sales orders and the records made from them.

A sales order is what connectors write; item fulfillments, invoices and cash sales come from
one by `!transform` (see `harness.sandbox.records.transform`). All of them live in the
`transaction` and `transactionline` tables, told apart by SuiteQL's `type` code.
"""

from __future__ import annotations

from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.store.lengths import TRANSACTION_LENGTHS, TRANSACTION_LINE_LENGTHS, limited
from harness.sandbox.store.recordtypes import (
    ANY_ITEM,
    CLASSIFICATION,
    CURRENCY,
    CUSTOMER,
    DEPARTMENT,
    DISCOUNT_ITEM,
    LOCATION,
    PRICE_LEVEL,
    SHIP_ITEM,
    SUBSIDIARY,
    TAX_CODE,
    TERM,
    RecordType,
    SublistDef,
    SubrecordDef,
    address_fields,
    f,
)


def sales_order_type(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    """The sales order, with the account's custom body (`body`) and line (`line`) fields."""
    currency_of = "(SELECT {col} FROM currency WHERE id = t.currency)"
    return RecordType(
        name="salesOrder",
        table="transaction",
        discriminator=(("type", "SalesOrd"), ("recordtype", "salesorder")),
        has_mainline=True,
        is_transaction=True,
        display_column="tranid",
        created_column="createddate",
        fields=limited(
            (
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
            TRANSACTION_LENGTHS,
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
                fields=limited(
                    (
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
                    TRANSACTION_LINE_LENGTHS,
                ),
            ),
        ),
        subrecords=(
            SubrecordDef(
                "billingAddress", "transactionbillingaddress", "billingaddress", address_fields()
            ),
            SubrecordDef(
                "shippingAddress",
                "transactionshippingaddress",
                "shippingaddress",
                address_fields(),
            ),
        ),
    )
