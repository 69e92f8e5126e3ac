"""The transaction record types: sales orders and the records made from them.

A sales order is what connectors write; item fulfillments, invoices and cash sales come from
one by `!transform` (see `harness.sandbox.records.transform`). All of them live in the
`transaction` and `transactionline` tables, told apart by SuiteQL's `type` code.

Field names follow the REST samples where there are any (reference 3.2, 3.3: `shipComplete`,
`toBeEmailed`, `toBePrinted`, `promocode`, `otherRefNum`, `orderLine`, `itemreceive`); the
others are the camelCase of the SuiteScript ids (INFERRED, as the reference says of the
header fields it lists without a REST sample).
"""

from __future__ import annotations

from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.store.lengths import TRANSACTION_LENGTHS, TRANSACTION_LINE_LENGTHS, limited
from harness.sandbox.store.recordtypes import (
    ANY_ITEM,
    CAMPAIGN,
    CLASSIFICATION,
    CURRENCY,
    CUSTOMER,
    DEPARTMENT,
    DISCOUNT_ITEM,
    LOCATION,
    PRICE_LEVEL,
    PROMOTION_CODE,
    SALES_ORDER,
    SALES_REP,
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

# SuiteQL's `transaction.type` code and `recordtype` of each transaction record type.
SALES_ORDER_TYPE = ("SalesOrd", "salesorder")
ITEM_FULFILLMENT_TYPE = ("ItemShip", "itemfulfillment")
INVOICE_TYPE = ("CustInvc", "invoice")
CASH_SALE_TYPE = ("CashSale", "cashsale")

_CURRENCY_OF = "(SELECT {col} FROM currency WHERE id = t.currency)"


def _discriminator(codes: tuple[str, str]) -> tuple[tuple[str, object], ...]:
    return (("type", codes[0]), ("recordtype", codes[1]))


def _stamps() -> tuple[FieldDef, ...]:
    return (
        f("createdDate", "createddate", Kind.DATETIME, "Date Created", readonly=True),
        f("lastModifiedDate", "lastmodifieddate", Kind.DATETIME, "Last Modified", readonly=True),
    )


def _currency() -> tuple[FieldDef, ...]:
    return (
        f("currency", "currency", Kind.REF, "Currency", CURRENCY),
        f(
            "currencyName",
            "currency",
            Kind.TEXT,
            "Currency",
            readonly=True,
            expr=_CURRENCY_OF.format(col="name"),
        ),
        f(
            "currencySymbol",
            "currency",
            Kind.TEXT,
            "Currency",
            readonly=True,
            expr=_CURRENCY_OF.format(col="symbol"),
        ),
        f(
            "currencyPrecision",
            "currency",
            Kind.INTEGER,
            "Currency",
            readonly=True,
            expr=_CURRENCY_OF.format(col="currencyprecision"),
        ),
        f("exchangeRate", "exchangerate", Kind.FLOAT, "Exchange Rate"),
    )


def _segments() -> tuple[FieldDef, ...]:
    return (
        f("subsidiary", "subsidiary", Kind.REF, "Subsidiary", SUBSIDIARY, on_mainline=True),
        f("location", "location", Kind.REF, "Location", LOCATION, on_mainline=True),
        f("department", "department", Kind.REF, "Department", DEPARTMENT, on_mainline=True),
        f("class", "class", Kind.REF, "Class", CLASSIFICATION, on_mainline=True),
    )


def _sale_header() -> tuple[FieldDef, ...]:
    """What a sale (order, invoice, cash sale) says besides its lines and amounts."""
    return (
        f("externalId", "externalid", Kind.TEXT, "External ID"),
        f("otherRefNum", "otherrefnum", Kind.TEXT, "PO #"),
        f("memo", "memo", Kind.TEXT, "Memo"),
        f("email", "email", Kind.TEXT, "Email"),
        f("message", "message", Kind.TEXT, "Customer Message"),
        f("source", "source", Kind.TEXT, "Source"),
        f("salesRep", "salesrep", Kind.REF, "Sales Rep", SALES_REP),
        f("leadSource", "leadsource", Kind.REF, "Lead Source", CAMPAIGN),
        f("promoCode", "promocode", Kind.REF, "Promotion", PROMOTION_CODE),
        f("toBeEmailed", "tobeemailed", Kind.BOOLEAN, "To Be E-mailed", default=False),
        f("toBePrinted", "tobeprinted", Kind.BOOLEAN, "To Be Printed", default=False),
        f("toBeFaxed", "tobefaxed", Kind.BOOLEAN, "To Be Faxed", default=False),
        f("customForm", "customform", Kind.TEXT, "Custom Form"),
        *_currency(),
        *_segments(),
        f("terms", "terms", Kind.REF, "Terms", TERM),
        f("shipMethod", "shipmethod", Kind.REF, "Ship Via", SHIP_ITEM),
        f("shipDate", "shipdate", Kind.DATE, "Ship Date"),
    )


def _amounts() -> tuple[FieldDef, ...]:
    """Shipping, discount, tax and totals: the header amounts of a sale."""
    return (
        f("shippingCost", "shippingcost", Kind.MONEY, "Shipping Cost"),
        f("handlingCost", "handlingcost", Kind.MONEY, "Handling Cost"),
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
    )


def _address_texts() -> tuple[FieldDef, ...]:
    return tuple(
        f(
            name,
            column,
            Kind.TEXT,
            label,
            readonly=True,
            expr=f"(SELECT addrtext FROM {table} WHERE nkey = t.{column})",
        )
        for name, column, label, table in (
            ("billAddress", "billingaddress", "Billing Address", "transactionbillingaddress"),
            ("shipAddress", "shippingaddress", "Shipping Address", "transactionshippingaddress"),
        )
    )


def _addresses(*names: str) -> tuple[SubrecordDef, ...]:
    tables = {
        "billingAddress": ("transactionbillingaddress", "billingaddress"),
        "shippingAddress": ("transactionshippingaddress", "shippingaddress"),
    }
    return tuple(SubrecordDef(name, *tables[name], address_fields()) for name in names)


def _created_from() -> FieldDef:
    return f("createdFrom", "createdfrom", Kind.REF, "Created From", SALES_ORDER, readonly=True)


def _order_line() -> FieldDef:
    return f("orderLine", "orderline", Kind.INTEGER, "Order Line", readonly=True)


def _sale_lines(extra: tuple[FieldDef, ...]) -> SublistDef:
    return _item_sublist(
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
            *extra,
        )
    )


def _item_sublist(fields: tuple[FieldDef, ...]) -> SublistDef:
    return SublistDef(
        name="item",
        table="transactionline",
        parent_column="transaction",
        key_column="id",
        key_name="line",
        order_column="linesequencenumber",
        fixed=(("mainline", "F"), ("taxline", "F")),
        fields=limited(fields, TRANSACTION_LINE_LENGTHS),
    )


def _transaction(
    name: str,
    codes: tuple[str, str],
    fields: tuple[FieldDef, ...],
    lines: SublistDef,
    subrecords: tuple[SubrecordDef, ...],
    transformed_from: str | None = None,
) -> RecordType:
    return RecordType(
        name=name,
        table="transaction",
        discriminator=_discriminator(codes),
        has_mainline=True,
        is_transaction=True,
        display_column="tranid",
        created_column="createddate",
        fields=limited(fields, TRANSACTION_LENGTHS),
        sublists=(lines,),
        subrecords=subrecords,
        transformed_from=transformed_from,
    )


def sales_order_type(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    """The sales order, with the account's custom body (`body`) and line (`line`) fields."""
    return _transaction(
        "salesOrder",
        SALES_ORDER_TYPE,
        (
            f("tranId", "tranid", Kind.TEXT, "Order #"),
            f("tranDate", "trandate", Kind.DATE, "Date"),
            f("entity", "entity", Kind.REF, "Customer", CUSTOMER),
            # Input takes A (Pending Approval) and B (Pending Fulfillment); fulfilling and
            # billing move the order on (D, E, F, G: see `records/transform.py`).
            f("orderStatus", "status", Kind.ENUM, "Status", choices=("A", "B")),
            f("status", "status", Kind.TEXT, "Status", readonly=True),
            f("shipComplete", "shipcomplete", Kind.BOOLEAN, "Ship Complete", default=False),
            *_sale_header(),
            *_amounts(),
            *_address_texts(),
            *_stamps(),
            *body,
        ),
        _sale_lines(
            (
                f("isClosed", "isclosed", Kind.BOOLEAN, "Closed", default=False),
                f(
                    "quantityFulfilled",
                    "quantityshiprecv",
                    Kind.FLOAT,
                    "Fulfilled",
                    readonly=True,
                    negate=True,
                ),
                f(
                    "quantityBilled",
                    "quantitybilled",
                    Kind.FLOAT,
                    "Invoiced",
                    readonly=True,
                    negate=True,
                ),
                *line,
            )
        ),
        _addresses("billingAddress", "shippingAddress"),
    )


def item_fulfillment_type(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    """An item fulfillment: the order's lines that ship, and how many of each."""
    return _transaction(
        "itemFulfillment",
        ITEM_FULFILLMENT_TYPE,
        (
            f("tranId", "tranid", Kind.TEXT, "Ref No."),
            f("tranDate", "trandate", Kind.DATE, "Date"),
            f("entity", "entity", Kind.REF, "Customer", CUSTOMER, readonly=True),
            _created_from(),
            # INFERRED codes: A Picked, B Packed, C Shipped (the UI's order of the statuses).
            f("shipStatus", "shipstatus", Kind.ENUM, "Status", choices=("A", "B", "C")),
            f("externalId", "externalid", Kind.TEXT, "External ID"),
            f("memo", "memo", Kind.TEXT, "Memo"),
            f(
                "subsidiary",
                "subsidiary",
                Kind.REF,
                "Subsidiary",
                SUBSIDIARY,
                on_mainline=True,
                readonly=True,
            ),
            f("shipMethod", "shipmethod", Kind.REF, "Ship Via", SHIP_ITEM),
            *_address_texts()[1:],
            *_stamps(),
            *body,
        ),
        _item_sublist(
            (
                f("item", "item", Kind.REF, "Item", ANY_ITEM, readonly=True),
                f("itemType", "itemtype", Kind.TEXT, "Item Type", readonly=True),
                f("quantity", "quantity", Kind.FLOAT, "Quantity", negate=True),
                f("description", "memo", Kind.TEXT, "Description"),
                f("location", "location", Kind.REF, "Location", LOCATION),
                _order_line(),
                *line,
            )
        ),
        _addresses("shippingAddress"),
        transformed_from="salesOrder",
    )


def _bill_type(
    name: str, codes: tuple[str, str], body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]
) -> RecordType:
    return _transaction(
        name,
        codes,
        (
            f("tranId", "tranid", Kind.TEXT, "Invoice #"),
            f("tranDate", "trandate", Kind.DATE, "Date"),
            f("entity", "entity", Kind.REF, "Customer", CUSTOMER),
            _created_from(),
            f("status", "status", Kind.TEXT, "Status", readonly=True),
            *_sale_header(),
            *_amounts(),
            *_address_texts(),
            *_stamps(),
            *body,
        ),
        _sale_lines((_order_line(), *line)),
        _addresses("billingAddress", "shippingAddress"),
        transformed_from="salesOrder",
    )


def invoice_type(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    """An invoice: the order's billable lines, billed on account."""
    return _bill_type("invoice", INVOICE_TYPE, body, line)


def cash_sale_type(body: tuple[FieldDef, ...], line: tuple[FieldDef, ...]) -> RecordType:
    """A cash sale: the order's billable lines, paid at once."""
    return _bill_type("cashSale", CASH_SALE_TYPE, body, line)
