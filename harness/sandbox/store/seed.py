"""Seeding the store from the account profile: its reference data and customers.

The profile's currencies, subsidiaries, lists, items (with their prices), ship and tax items
and customers (with their addresses) become the account's initial records.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from harness.netsuite.itemtypes import ITEM_TYPE_OF_RECORD_TYPE
from harness.sandbox.account import AccountProfile
from harness.sandbox.store.values import format_address, id_list, tf


def _money(value: Decimal) -> float:
    return float(value)


def seed(conn: sqlite3.Connection, profile: AccountProfile, now: str) -> None:
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


def _seed_items(conn: sqlite3.Connection, profile: AccountProfile, now: str) -> None:
    currency_ids = {c.symbol: c.id for c in profile.currencies}
    base_currency = next(c.id for c in profile.currencies if c.isBaseCurrency)
    base_level = next((p.id for p in profile.priceLevels if p.name == "Base Price"), 1)
    for item in profile.items:
        code, subtype, _ = ITEM_TYPE_OF_RECORD_TYPE[item.type]
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
