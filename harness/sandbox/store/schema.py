"""The store's schema: SQLite tables named and shaped like SuiteQL's.

Records live in tables a SuiteQL query can name (`customer`, `item`, `transaction`,
`transactionline`, ...), with SuiteQL's value conventions: booleans are `'T'`/`'F'`, sales
order rows have `transaction.type = 'SalesOrd'`, header segments (subsidiary, department,
class, location) sit on the transaction's main line (`transactionline.mainline = 'T'`).
Declared column types tell the SuiteQL layer how to present values: `DATE` columns hold
`YYYY-MM-DD`, `TIMESTAMP` columns hold UTC `YYYY-MM-DDTHH:MM:SSZ`, `BOOLEAN` columns hold
`'T'`/`'F'`, `REAL` columns hold amounts already rounded to the currency's precision.

Choices not confirmed by a source (INFERRED), written here once:
- Sales lines store quantity and amount with the posting sign (negative), as SuiteQL shows
  them; the REST view shows them positive.
- Multi-subsidiary lists (items, departments, classes, ship items) are one text column of
  ids, `'1, 2'`.
- Header shipping, discount and tax amounts are plain `transaction` columns.
- A transaction made from another (an item fulfillment from a sales order) names it in
  `transaction.createdfrom`, and each of its lines names the order's line in `orderline`;
  the order's lines count what was fulfilled and billed (`quantityshiprecv`,
  `quantitybilled`, with the posting sign of `quantity`).
"""

from __future__ import annotations

import sqlite3

from harness.sandbox.account import AccountProfile, CustomField

_SCHEMA = """
CREATE TABLE currency (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, symbol TEXT NOT NULL, displaysymbol TEXT,
    currencyprecision INTEGER NOT NULL DEFAULT 2, exchangerate REAL NOT NULL DEFAULT 1,
    isbasecurrency BOOLEAN NOT NULL DEFAULT 'F', isinactive BOOLEAN NOT NULL DEFAULT 'F',
    externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE subsidiary (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, fullname TEXT NOT NULL, country TEXT,
    currency INTEGER, parent INTEGER, iselimination BOOLEAN NOT NULL DEFAULT 'F',
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE location (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, fullname TEXT NOT NULL, subsidiary INTEGER,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE department (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, fullname TEXT NOT NULL, subsidiary TEXT,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE classification (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, fullname TEXT NOT NULL, subsidiary TEXT,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE term (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, daysuntilnetdue INTEGER,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE pricelevel (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, discountpct REAL,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE item (
    id INTEGER PRIMARY KEY, itemid TEXT NOT NULL, fullname TEXT, displayname TEXT,
    salesdescription TEXT, itemtype TEXT NOT NULL, subtype TEXT, subsidiary TEXT,
    istaxable BOOLEAN NOT NULL DEFAULT 'T', isinactive BOOLEAN NOT NULL DEFAULT 'F',
    externalid TEXT, createddate TIMESTAMP, lastmodifieddate TIMESTAMP
);
CREATE TABLE pricing (
    item INTEGER NOT NULL, pricelevel INTEGER NOT NULL, currency INTEGER NOT NULL,
    unitprice REAL NOT NULL, PRIMARY KEY (item, pricelevel, currency)
);
CREATE TABLE shipitem (
    id INTEGER PRIMARY KEY, itemid TEXT NOT NULL, displayname TEXT, description TEXT,
    rate REAL NOT NULL DEFAULT 0, subsidiary TEXT, istaxable BOOLEAN NOT NULL DEFAULT 'F',
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE salestaxitem (
    id INTEGER PRIMARY KEY, itemid TEXT NOT NULL, description TEXT, rate REAL NOT NULL,
    subsidiary INTEGER, country TEXT, state TEXT, city TEXT, zip TEXT,
    exempt BOOLEAN NOT NULL DEFAULT 'F', isdefault BOOLEAN NOT NULL DEFAULT 'F',
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE taxgroup (
    id INTEGER PRIMARY KEY, itemid TEXT NOT NULL, description TEXT, rate REAL NOT NULL,
    taxitems TEXT, subsidiary INTEGER, country TEXT, state TEXT, city TEXT,
    isdefault BOOLEAN NOT NULL DEFAULT 'F', isinactive BOOLEAN NOT NULL DEFAULT 'F',
    externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE customer (
    id INTEGER PRIMARY KEY, entityid TEXT NOT NULL, altname TEXT, isperson BOOLEAN NOT NULL,
    firstname TEXT, lastname TEXT, companyname TEXT, email TEXT, phone TEXT, comments TEXT,
    subsidiary INTEGER, currency INTEGER, taxable BOOLEAN NOT NULL DEFAULT 'T',
    taxitem INTEGER, terms INTEGER, pricelevel INTEGER,
    defaultbillingaddress INTEGER, defaultshippingaddress INTEGER,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT,
    datecreated TIMESTAMP, lastmodifieddate TIMESTAMP
);
CREATE TABLE customeraddressbook (
    entity INTEGER NOT NULL, id INTEGER NOT NULL, label TEXT,
    defaultbilling BOOLEAN NOT NULL DEFAULT 'F', defaultshipping BOOLEAN NOT NULL DEFAULT 'F',
    addressbookaddress INTEGER NOT NULL, PRIMARY KEY (entity, id)
);
CREATE TABLE entityaddress (
    nkey INTEGER PRIMARY KEY, recordowner INTEGER, addressee TEXT, attention TEXT,
    addr1 TEXT, addr2 TEXT, addr3 TEXT, city TEXT, state TEXT, zip TEXT, country TEXT,
    addrphone TEXT, addrtext TEXT
);
CREATE TABLE "transaction" (
    id INTEGER PRIMARY KEY, tranid TEXT, trandate DATE NOT NULL, type TEXT NOT NULL,
    recordtype TEXT NOT NULL, entity INTEGER, status TEXT, externalid TEXT, otherrefnum TEXT,
    memo TEXT, email TEXT, currency INTEGER, exchangerate REAL, terms INTEGER,
    shipmethod INTEGER, shippingcost REAL, handlingcost REAL, shipdate DATE,
    discountitem INTEGER, discountrate TEXT, discounttotal REAL,
    taxitem INTEGER, taxrate REAL, istaxable BOOLEAN, taxtotal REAL, shippingtaxcode INTEGER,
    subtotal REAL, foreigntotal REAL, customform TEXT,
    billingaddress INTEGER, shippingaddress INTEGER,
    promocode INTEGER, salesrep INTEGER, leadsource INTEGER, message TEXT, source TEXT,
    tobeemailed BOOLEAN, tobeprinted BOOLEAN, tobefaxed BOOLEAN, shipcomplete BOOLEAN,
    createdfrom INTEGER, shipstatus TEXT,
    createddate TIMESTAMP, lastmodifieddate TIMESTAMP
);
CREATE TABLE transactionline (
    "transaction" INTEGER NOT NULL, id INTEGER NOT NULL, linesequencenumber INTEGER NOT NULL,
    mainline BOOLEAN NOT NULL DEFAULT 'F', taxline BOOLEAN NOT NULL DEFAULT 'F',
    item INTEGER, itemtype TEXT, quantity REAL, rate REAL, foreignamount REAL, price INTEGER,
    memo TEXT, taxcode INTEGER, istaxable BOOLEAN, isclosed BOOLEAN NOT NULL DEFAULT 'F',
    entity INTEGER, subsidiary INTEGER, department INTEGER, class INTEGER, location INTEGER,
    orderline INTEGER, quantityshiprecv REAL, quantitybilled REAL,
    PRIMARY KEY ("transaction", id)
);
CREATE TABLE employee (
    id INTEGER PRIMARY KEY, entityid TEXT NOT NULL, firstname TEXT, lastname TEXT, email TEXT,
    phone TEXT, issalesrep BOOLEAN NOT NULL DEFAULT 'F', subsidiary INTEGER,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE campaign (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, campaignid TEXT,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE promotioncode (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, description TEXT, discount INTEGER, rate TEXT,
    isinactive BOOLEAN NOT NULL DEFAULT 'F', externalid TEXT, lastmodifieddate TIMESTAMP
);
CREATE TABLE transactionbillingaddress (
    nkey INTEGER PRIMARY KEY, recordowner INTEGER, addressee TEXT, attention TEXT,
    addr1 TEXT, addr2 TEXT, addr3 TEXT, city TEXT, state TEXT, zip TEXT, country TEXT,
    addrphone TEXT, addrtext TEXT
);
CREATE TABLE transactionshippingaddress (
    nkey INTEGER PRIMARY KEY, recordowner INTEGER, addressee TEXT, attention TEXT,
    addr1 TEXT, addr2 TEXT, addr3 TEXT, city TEXT, state TEXT, zip TEXT, country TEXT,
    addrphone TEXT, addrtext TEXT
);
"""

# Lookups a connector or a readback makes on every order must stay index-backed at 10,000+
# orders: by external id, document number, PO number, and (case-insensitive) email.
# The external-id index includes the type so that `eid:` lookups, which also filter on the
# type, prefer it over the (type, trandate) index (which would scan every sales order).
_INDEXES = """
CREATE INDEX transaction_externalid ON "transaction" (externalid, type);
CREATE INDEX transaction_tranid ON "transaction" (tranid);
CREATE INDEX transaction_otherrefnum ON "transaction" (otherrefnum);
CREATE INDEX transaction_entity ON "transaction" (entity);
CREATE INDEX transaction_type_trandate ON "transaction" (type, trandate);
CREATE INDEX transaction_email_lower ON "transaction" (lower(email));
CREATE INDEX transactionline_item ON transactionline (item);
CREATE INDEX transaction_createdfrom ON "transaction" (createdfrom);
CREATE INDEX customer_externalid ON customer (externalid);
CREATE INDEX customer_email ON customer (email);
CREATE INDEX customer_email_lower ON customer (lower(email));
CREATE INDEX customer_entityid ON customer (entityid);
CREATE INDEX item_itemid ON item (itemid);
CREATE INDEX item_itemid_lower ON item (lower(itemid));
CREATE INDEX item_externalid ON item (externalid);
"""

# (table, column) -> (target table, display column), for SuiteQL's BUILTIN.DF and for
# refusing to delete a record that others still point at.
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("subsidiary", "currency"): ("currency", "name"),
    ("subsidiary", "parent"): ("subsidiary", "fullname"),
    ("location", "subsidiary"): ("subsidiary", "fullname"),
    ("salestaxitem", "subsidiary"): ("subsidiary", "fullname"),
    ("taxgroup", "subsidiary"): ("subsidiary", "fullname"),
    ("pricing", "item"): ("item", "itemid"),
    ("pricing", "pricelevel"): ("pricelevel", "name"),
    ("pricing", "currency"): ("currency", "name"),
    ("customer", "subsidiary"): ("subsidiary", "fullname"),
    ("customer", "currency"): ("currency", "name"),
    ("customer", "taxitem"): ("salestaxitem", "itemid"),
    ("customer", "terms"): ("term", "name"),
    ("customer", "pricelevel"): ("pricelevel", "name"),
    ("customeraddressbook", "entity"): ("customer", "entityid"),
    ("transaction", "entity"): ("customer", "entityid"),
    ("transaction", "currency"): ("currency", "name"),
    ("transaction", "terms"): ("term", "name"),
    ("transaction", "shipmethod"): ("shipitem", "itemid"),
    ("transaction", "discountitem"): ("item", "itemid"),
    ("transaction", "taxitem"): ("salestaxitem", "itemid"),
    ("transaction", "shippingtaxcode"): ("salestaxitem", "itemid"),
    ("transaction", "promocode"): ("promotioncode", "code"),
    ("transaction", "salesrep"): ("employee", "entityid"),
    ("transaction", "leadsource"): ("campaign", "title"),
    ("transaction", "createdfrom"): ("transaction", "tranid"),
    ("employee", "subsidiary"): ("subsidiary", "fullname"),
    ("promotioncode", "discount"): ("item", "itemid"),
    ("transactionline", "transaction"): ("transaction", "tranid"),
    ("transactionline", "item"): ("item", "itemid"),
    ("transactionline", "price"): ("pricelevel", "name"),
    ("transactionline", "taxcode"): ("salestaxitem", "itemid"),
    ("transactionline", "entity"): ("customer", "entityid"),
    ("transactionline", "subsidiary"): ("subsidiary", "fullname"),
    ("transactionline", "department"): ("department", "fullname"),
    ("transactionline", "class"): ("classification", "fullname"),
    ("transactionline", "location"): ("location", "fullname"),
}

# Internal ids are allocated per family, as NetSuite does: all entities share one sequence,
# all items (including ship and tax items) another, all transactions a third.
ID_FAMILIES: dict[str, tuple[str, ...]] = {
    "entity": ("customer", "employee"),
    "item": ("item", "shipitem", "salestaxitem", "taxgroup"),
    "transaction": ("transaction",),
    "subsidiary": ("subsidiary",),
    "location": ("location",),
    "currency": ("currency",),
    "department": ("department",),
    "classification": ("classification",),
    "term": ("term",),
    "pricelevel": ("pricelevel",),
    "campaign": ("campaign",),
    "promotioncode": ("promotioncode",),
    "address": ("entityaddress", "transactionbillingaddress", "transactionshippingaddress"),
}
FAMILY_OF_TABLE = {table: family for family, tables in ID_FAMILIES.items() for table in tables}

_CUSTOM_FIELD_TABLE = {
    "body": "transaction",
    "line": "transactionline",
    "entity": "customer",
    "item": "item",
}
_CUSTOM_FIELD_SQL_TYPE = {
    "text": "TEXT",
    "integer": "INTEGER",
    "decimal": "REAL",
    "currency": "REAL",
    "checkbox": "BOOLEAN",
    "date": "DATE",
}


def custom_field_table(field: CustomField) -> str:
    """The table holding a custom field's column (`custbody_*` -> `transaction`, ...)."""
    return _CUSTOM_FIELD_TABLE[field.applies_to]


def has_schema(conn: sqlite3.Connection) -> bool:
    """Whether `conn`'s database already holds the store's tables (a kept database file)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='transaction'")
    return row.fetchone() is not None


def create_schema(conn: sqlite3.Connection, profile: AccountProfile) -> None:
    """The tables and indexes, plus a column for each of the profile's custom fields."""
    conn.executescript(_SCHEMA + _INDEXES)
    for field in profile.customFields:
        table = custom_field_table(field)
        sql_type = _CUSTOM_FIELD_SQL_TYPE[field.type]
        conn.execute(f'ALTER TABLE "{table}" ADD COLUMN {field.id} {sql_type}')
