"""The sandbox's record store: SQLite tables named and shaped like SuiteQL's.

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
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from harness.sandbox.account import AccountProfile, CustomField

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: the current time, in UTC."""
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always answers `at` (which must be timezone-aware), for reproducible runs."""
    if at.tzinfo is None:
        raise ValueError(f"fixed_clock needs an aware datetime, got naive {at.isoformat()}")
    return lambda: at


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
    createddate TIMESTAMP, lastmodifieddate TIMESTAMP
);
CREATE TABLE transactionline (
    "transaction" INTEGER NOT NULL, id INTEGER NOT NULL, linesequencenumber INTEGER NOT NULL,
    mainline BOOLEAN NOT NULL DEFAULT 'F', taxline BOOLEAN NOT NULL DEFAULT 'F',
    item INTEGER, itemtype TEXT, quantity REAL, rate REAL, foreignamount REAL, price INTEGER,
    memo TEXT, taxcode INTEGER, istaxable BOOLEAN, isclosed BOOLEAN NOT NULL DEFAULT 'F',
    entity INTEGER, subsidiary INTEGER, department INTEGER, class INTEGER, location INTEGER,
    PRIMARY KEY ("transaction", id)
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
    "entity": ("customer",),
    "item": ("item", "shipitem", "salestaxitem", "taxgroup"),
    "transaction": ("transaction",),
    "subsidiary": ("subsidiary",),
    "location": ("location",),
    "currency": ("currency",),
    "department": ("department",),
    "classification": ("classification",),
    "term": ("term",),
    "pricelevel": ("pricelevel",),
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


def tf(value: bool) -> str:
    """A Python bool as SuiteQL's `'T'`/`'F'`."""
    return "T" if value else "F"


def timestamp(moment: datetime) -> str:
    """An aware datetime as the stored UTC form `YYYY-MM-DDTHH:MM:SSZ`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_list(ids: list[int]) -> str:
    """A multi-select value as stored: `'1, 2'`."""
    return ", ".join(str(i) for i in ids)


def parse_id_list(text: str | None) -> list[int]:
    """The ids of a stored multi-select value (`'1, 2'` -> `[1, 2]`)."""
    if not text:
        return []
    return [int(part) for part in text.split(",") if part.strip()]


def format_address(parts: dict[str, str | None]) -> str:
    """An address's printable text, as NetSuite fills `addrText` (one part per line)."""
    city_line = " ".join(p for p in (parts.get("city"), parts.get("state"), parts.get("zip")) if p)
    lines = [
        parts.get("attention"),
        parts.get("addressee"),
        parts.get("addr1"),
        parts.get("addr2"),
        parts.get("addr3"),
        city_line,
        parts.get("country"),
    ]
    return "\n".join(line for line in lines if line)


class Store:
    """One account's records in SQLite, shared by every request; call under `lock`.

    Seeded once from the profile; `reset()` restores that pristine state with SQLite's backup
    API, which for an account of this size takes well under a millisecond.
    """

    def __init__(
        self, profile: AccountProfile, *, path: str | Path | None = None, clock: Clock | None = None
    ) -> None:
        self.profile = profile
        self.clock: Clock = clock or utc_now
        self.zone = ZoneInfo(profile.account.timeZone)
        self.lock = threading.RLock()
        self._pristine = sqlite3.connect(":memory:", check_same_thread=False)
        _create_schema(self._pristine, profile)
        _seed(self._pristine, profile, timestamp(self.clock()))
        self._pristine.commit()
        # Two connections to one database: `conn` for the record service, `query_conn` for
        # SuiteQL, whose per-query authorizer would otherwise expire every statement the
        # record service keeps prepared. In memory, the `memdb` VFS lets both share it.
        target = (
            f"file:/harness-sandbox-{uuid.uuid4().hex}?vfs=memdb"
            if path is None
            else Path(path).resolve().as_uri()
        )
        self.conn = _connect(target)
        if path is None or not _has_schema(self.conn):
            self._pristine.backup(self.conn)
        self.query_conn = _connect(target)
        self.generation = 0  # bumped by reset(): caches of row data must start over
        self._next_ids: dict[str, int] = {}
        self._next_numbers: dict[str, int] = {}
        self._load_sequences()

    def close(self) -> None:
        self.query_conn.close()
        self.conn.close()
        self._pristine.close()

    def reset(self) -> None:
        """Back to the profile's initial state (all records created since are gone)."""
        with self.lock:
            self._pristine.backup(self.conn)
            self._load_sequences()
            self.generation += 1

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The current date in the account's time zone (NetSuite's default transaction date)."""
        return self.clock().astimezone(self.zone).date()

    def stamp(self) -> str:
        """The current time in stored form."""
        return timestamp(self.clock())

    def next_id(self, table: str) -> int:
        """The next internal id for `table`'s family: sequential and deterministic."""
        family = FAMILY_OF_TABLE[table]
        value = self._next_ids[family]
        self._next_ids[family] = value + 1
        return value

    def next_number(self, kind: str, prefix: str, start: int) -> str:
        """The next document number (`SO1001`, ...) for a numbering sequence."""
        value = self._next_numbers.get(kind, start)
        self._next_numbers[kind] = value + 1
        return f"{prefix}{value}"

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A database transaction: everything inside commits together or not at all."""
        with self.lock:
            self.conn.execute("BEGIN")
            saved_ids = dict(self._next_ids)
            saved_numbers = dict(self._next_numbers)
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                self._next_ids = saved_ids
                self._next_numbers = saved_numbers
                raise
            self.conn.execute("COMMIT")

    def _load_sequences(self) -> None:
        for family, tables in ID_FAMILIES.items():
            key = "nkey" if family == "address" else "id"
            highest = 0
            for table in tables:
                row = self.conn.execute(f'SELECT MAX({key}) FROM "{table}"').fetchone()
                highest = max(highest, row[0] or 0)
            self._next_ids[family] = highest + 1
        numbering = self.profile.preferences.salesOrderNumbering
        self._next_numbers = {"SalesOrd": _next_document_number(self.conn, numbering.prefix)}
        self._next_numbers["SalesOrd"] = max(self._next_numbers["SalesOrd"], numbering.nextNumber)
        customer_numbering = self.profile.preferences.customerNumbering
        if customer_numbering is not None:
            self._next_numbers["customer"] = customer_numbering.nextNumber


def _next_document_number(conn: sqlite3.Connection, prefix: str) -> int:
    highest = 0
    for (tranid,) in conn.execute(
        "SELECT tranid FROM \"transaction\" WHERE type = 'SalesOrd' AND tranid LIKE ?",
        (prefix + "%",),
    ):
        suffix = tranid[len(prefix) :]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return highest + 1


def _connect(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(
        uri, uri=True, check_same_thread=False, isolation_level=None, cached_statements=512
    )


def _has_schema(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='transaction'")
    return row.fetchone() is not None


def _create_schema(conn: sqlite3.Connection, profile: AccountProfile) -> None:
    conn.executescript(_SCHEMA + _INDEXES)
    for field in profile.customFields:
        table = custom_field_table(field)
        sql_type = _CUSTOM_FIELD_SQL_TYPE[field.type]
        conn.execute(f'ALTER TABLE "{table}" ADD COLUMN {field.id} {sql_type}')


def _money(value: Decimal) -> float:
    return float(value)


def _seed(conn: sqlite3.Connection, profile: AccountProfile, now: str) -> None:
    """Insert the profile's reference data and customers as the account's initial records."""
    subsidiary_names = {s.id: s.name for s in profile.subsidiaries}
    parents = {s.id: s.parent for s in profile.subsidiaries}

    def subsidiary_fullname(sub_id: int) -> str:
        names: list[str] = []
        current: int | None = sub_id
        while current is not None and len(names) < 20:
            names.append(subsidiary_names[current])
            current = parents.get(current)
        return " : ".join(reversed(names))

    conn.executemany(
        "INSERT INTO currency (id, name, symbol, displaysymbol, currencyprecision, exchangerate,"
        " isbasecurrency, isinactive, lastmodifieddate) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                c.id,
                c.name,
                c.symbol,
                c.displaySymbol,
                c.precision,
                float(c.exchangeRate),
                tf(c.isBaseCurrency),
                tf(c.isInactive),
                now,
            )
            for c in profile.currencies
        ],
    )
    conn.executemany(
        "INSERT INTO subsidiary (id, name, fullname, country, currency, parent, isinactive,"
        " lastmodifieddate) VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                s.id,
                s.name,
                subsidiary_fullname(s.id),
                s.country,
                s.currency,
                s.parent,
                tf(s.isInactive),
                now,
            )
            for s in profile.subsidiaries
        ],
    )
    conn.executemany(
        "INSERT INTO location (id, name, fullname, subsidiary, isinactive, lastmodifieddate)"
        " VALUES (?,?,?,?,?,?)",
        [(x.id, x.name, x.name, x.subsidiary, tf(x.isInactive), now) for x in profile.locations],
    )
    for table, segments in (
        ("department", profile.departments),
        ("classification", profile.classes),
    ):
        conn.executemany(
            f"INSERT INTO {table} (id, name, fullname, subsidiary, isinactive, lastmodifieddate)"
            " VALUES (?,?,?,?,?,?)",
            [
                (x.id, x.name, x.name, id_list(x.subsidiaries), tf(x.isInactive), now)
                for x in segments
            ],
        )
    conn.executemany(
        "INSERT INTO term (id, name, daysuntilnetdue, isinactive, lastmodifieddate)"
        " VALUES (?,?,?,?,?)",
        [(t.id, t.name, t.daysUntilNetDue, tf(t.isInactive), now) for t in profile.terms],
    )
    conn.executemany(
        "INSERT INTO pricelevel (id, name, discountpct, isinactive, lastmodifieddate)"
        " VALUES (?,?,?,?,?)",
        [
            (
                p.id,
                p.name,
                None if p.discountPct is None else float(p.discountPct),
                tf(p.isInactive),
                now,
            )
            for p in profile.priceLevels
        ],
    )
    _seed_items(conn, profile, now)
    _seed_customers(conn, profile, now)


_ITEM_TYPE_CODES = {
    "inventoryItem": ("InvtPart", None),
    "nonInventorySaleItem": ("NonInvtPart", "Sale"),
    "serviceSaleItem": ("Service", "Sale"),
    "otherChargeSaleItem": ("OthCharge", "Sale"),
    "discountItem": ("Discount", None),
    "giftCertificateItem": ("GiftCert", None),
}


def item_type_code(rest_type: str) -> tuple[str, str | None]:
    """SuiteQL's `item.itemtype` (and `subtype`) for a REST item record type."""
    return _ITEM_TYPE_CODES[rest_type]


def _seed_items(conn: sqlite3.Connection, profile: AccountProfile, now: str) -> None:
    currency_ids = {c.symbol: c.id for c in profile.currencies}
    base_currency = next(c.id for c in profile.currencies if c.isBaseCurrency)
    base_level = next((p.id for p in profile.priceLevels if p.name == "Base Price"), 1)
    for item in profile.items:
        code, subtype = item_type_code(item.type)
        conn.execute(
            "INSERT INTO item (id, itemid, fullname, displayname, salesdescription, itemtype,"
            " subtype, subsidiary, istaxable, isinactive, createddate, lastmodifieddate)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                item.id,
                item.itemId,
                item.itemId,
                item.displayName or None,
                item.description or None,
                code,
                subtype,
                id_list(item.subsidiaries),
                tf(item.isTaxable),
                tf(item.isInactive),
                now,
                now,
            ),
        )
        prices = [(base_currency, item.basePrice)]
        prices += [(currency_ids[code], price) for code, price in item.currencyPrices.items()]
        conn.executemany(
            "INSERT INTO pricing (item, pricelevel, currency, unitprice) VALUES (?,?,?,?)",
            [(item.id, base_level, currency, _money(price)) for currency, price in prices],
        )
    conn.executemany(
        "INSERT INTO shipitem (id, itemid, displayname, description, rate, subsidiary,"
        " istaxable, isinactive, lastmodifieddate) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                s.id,
                s.itemId,
                s.displayName or None,
                s.description or None,
                _money(s.defaultCost),
                id_list(s.subsidiaries),
                tf(s.isTaxable),
                tf(s.isInactive),
                now,
            )
            for s in profile.shipItems
        ],
    )
    conn.executemany(
        "INSERT INTO salestaxitem (id, itemid, description, rate, subsidiary, country, state,"
        " city, zip, exempt, isdefault, isinactive, lastmodifieddate)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                t.id,
                t.itemId,
                t.description or None,
                float(t.rate),
                t.subsidiary,
                t.country,
                t.state or None,
                t.city or None,
                t.zip or None,
                tf(t.isExempt),
                tf(t.isDefault),
                tf(t.isInactive),
                now,
            )
            for t in profile.taxItems
        ],
    )
    rates = {t.id: t.rate for t in profile.taxItems}
    conn.executemany(
        "INSERT INTO taxgroup (id, itemid, description, rate, taxitems, subsidiary, country,"
        " state, city, isdefault, isinactive, lastmodifieddate) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                g.id,
                g.itemId,
                g.description or None,
                float(sum(rates[i] for i in g.taxItems)),
                id_list(g.taxItems),
                g.subsidiary,
                g.country,
                g.state or None,
                g.city or None,
                tf(g.isDefault),
                tf(g.isInactive),
                now,
            )
            for g in profile.taxGroups
        ],
    )


def _seed_customers(conn: sqlite3.Connection, profile: AccountProfile, now: str) -> None:
    nkey = 0
    for c in profile.customers:
        altname = c.companyName or " ".join(p for p in (c.firstName, c.lastName) if p)
        conn.execute(
            "INSERT INTO customer (id, entityid, altname, isperson, firstname, lastname,"
            " companyname, email, phone, subsidiary, currency, taxable, taxitem, terms,"
            " pricelevel, isinactive, externalid, datecreated, lastmodifieddate)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                c.id,
                c.entityId,
                altname or None,
                tf(c.isPerson),
                c.firstName or None,
                c.lastName or None,
                c.companyName or None,
                c.email or None,
                c.phone or None,
                c.subsidiary,
                c.currency,
                tf(c.taxable),
                c.taxItem,
                c.terms,
                c.priceLevel,
                tf(c.isInactive),
                c.externalId,
                now,
                now,
            ),
        )
        for line, address in enumerate(c.addresses, start=1):
            nkey += 1
            parts = address.model_dump()
            conn.execute(
                "INSERT INTO entityaddress (nkey, recordowner, addressee, attention, addr1,"
                " addr2, city, state, zip, country, addrphone, addrtext)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    nkey,
                    c.id,
                    address.addressee or None,
                    address.attention or None,
                    address.addr1 or None,
                    address.addr2 or None,
                    address.city or None,
                    address.state or None,
                    address.zip or None,
                    address.country,
                    address.addrPhone or None,
                    format_address(parts),
                ),
            )
            conn.execute(
                "INSERT INTO customeraddressbook (entity, id, label, defaultbilling,"
                " defaultshipping, addressbookaddress) VALUES (?,?,?,?,?,?)",
                (
                    c.id,
                    line,
                    address.label or None,
                    tf(address.defaultBilling),
                    tf(address.defaultShipping),
                    nkey,
                ),
            )
            if address.defaultBilling:
                conn.execute(
                    "UPDATE customer SET defaultbillingaddress = ? WHERE id = ?", (nkey, c.id)
                )
            if address.defaultShipping:
                conn.execute(
                    "UPDATE customer SET defaultshippingaddress = ? WHERE id = ?", (nkey, c.id)
                )
