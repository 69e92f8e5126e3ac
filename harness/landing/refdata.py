"""The account's reference data, as the landing check needs it: looked up by name, cached.

An expectation names NetSuite records the way the mapping does (item `itemId` = SKU, ship
item and tax code names, currency symbol) and needs their internal ids, flags and
subsidiaries. Every kind is resolved with one batched SuiteQL query for all the names still
unknown, and answers (including "no such record") are remembered for the life of the
instance, so a run of hundreds of orders asks NetSuite about each name once.

Customers are the exception to "cached for the run": connectors create them. They are cached
too, but `remember_customers` lets the caller replace what is known about one email.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Protocol, TypeGuard

# Oracle refuses IN lists longer than 1000 elements; stay well below.
_IN_LIST_LIMIT = 500


class QueryClient(Protocol):
    """What reference lookups need from a NetSuite client: SuiteQL rows as strings."""

    def suiteql_all(self, q: str) -> list[dict[str, str]]: ...


def askable(name: str) -> bool:
    """Whether a SuiteQL query can ask for `name`. A NUL character can't be carried by a
    SuiteQL literal, and NetSuite's text fields can't hold one (INFERRED): such a name names
    no record, and is not found without asking."""
    return "\x00" not in name


def sql_text(value: str) -> str:
    """A SuiteQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def normalize_email(email: str | None) -> str:
    """Trimmed and lower-cased: WooCommerce keeps what the buyer typed, NetSuite stores one."""
    return (email or "").strip().lower()


def _flag(value: str | None) -> bool:
    return (value or "").strip().upper() in {"T", "TRUE", "Y", "YES"}


def _ids(value: str | None) -> frozenset[str]:
    """A multi-select as SuiteQL shows it (`'1, 2'`)."""
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def _percent(value: str | None) -> Decimal | None:
    """A tax rate as SuiteQL may print it: `7.25`, `7.25%`."""
    if value is None:
        return None
    try:
        return Decimal(value.strip().rstrip("%").strip())
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class NamedRef:
    """A record shown the way people read it: name first, internal id after."""

    id: str | None
    name: str

    def __str__(self) -> str:
        if self.id is None:
            return self.name
        return f"{self.name} ({self.id})" if self.name else f"({self.id})"


def outside(subsidiary: NamedRef | None, subsidiaries: frozenset[str]) -> TypeGuard[NamedRef]:
    """Whether `subsidiary` is out of a record limited to `subsidiaries` (empty: not known)."""
    return bool(subsidiary and subsidiary.id and subsidiaries and subsidiary.id not in subsidiaries)


@dataclass(frozen=True)
class ItemRef:
    id: str
    itemid: str
    active: bool
    taxable: bool
    subsidiaries: frozenset[str]  # empty: unknown, not checked
    itemtype: str = ""

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.itemid)


@dataclass(frozen=True)
class ShipItemRef:
    id: str
    name: str
    active: bool
    subsidiaries: frozenset[str]

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.name)


@dataclass(frozen=True)
class TaxCodeRef:
    id: str
    name: str
    rate: Decimal | None
    active: bool
    group: bool = False

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.name)


@dataclass(frozen=True)
class CustomerRef:
    id: str
    email: str
    entity_id: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    is_person: bool | None = None
    subsidiary: str | None = None
    currency: str | None = None
    active: bool = True
    external_id: str | None = None

    @property
    def display(self) -> str:
        name = self.entity_id or self.company or f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if self.email else name

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.display)


@dataclass(frozen=True)
class SubsidiaryRef:
    id: str
    name: str
    currency: str | None
    active: bool

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.name)


@dataclass(frozen=True)
class CurrencyRef:
    id: str
    symbol: str
    name: str
    precision: int

    @property
    def ref(self) -> NamedRef:
        return NamedRef(self.id, self.symbol)


_CUSTOMER_COLUMNS = (
    "id, email, entityid, firstname, lastname, companyname, isperson, subsidiary, currency, "
    "isinactive, externalid"
)


def customer_from_row(row: dict[str, str]) -> CustomerRef:
    """A `customer` SuiteQL row (the columns of `_CUSTOMER_COLUMNS`) as a CustomerRef."""
    person = row.get("isperson")
    return CustomerRef(
        id=str(row["id"]),
        email=row.get("email") or "",
        entity_id=row.get("entityid") or "",
        first_name=row.get("firstname") or "",
        last_name=row.get("lastname") or "",
        company=row.get("companyname") or "",
        is_person=None if person is None else _flag(person),
        subsidiary=row.get("subsidiary"),
        currency=row.get("currency"),
        active=not _flag(row.get("isinactive")),
        external_id=row.get("externalid"),
    )


def customer_query(where: str) -> str:
    """The customer columns the landing check reads, for any condition."""
    return f"SELECT {_CUSTOMER_COLUMNS} FROM customer WHERE {where} ORDER BY id"


@dataclass
class AccountRefs:
    """Items, ship items, tax codes, subsidiaries and currencies as looked up so far.

    Unlike customers, these don't change while orders land, so one run may share them across
    its landings (`ReferenceData(client, account=...)`): a catalogue run then asks NetSuite
    for each SKU once, not once per order.
    """

    items: dict[str, ItemRef | None] = field(default_factory=dict)
    ship_items: dict[str, ShipItemRef | None] = field(default_factory=dict)
    tax_codes: dict[str, TaxCodeRef | None] = field(default_factory=dict)
    subsidiaries: dict[str, SubsidiaryRef] | None = None
    currencies: dict[str, CurrencyRef] | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)


class ReferenceData:
    """Name -> record for items, ship items, tax codes, customers, subsidiaries, currencies."""

    _per_client: ClassVar[weakref.WeakKeyDictionary[object, ReferenceData]] = (
        weakref.WeakKeyDictionary()
    )
    _per_client_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, client: QueryClient, *, account: AccountRefs | None = None) -> None:
        self.client = client
        self._shared = account if account is not None else AccountRefs()
        self._lock = self._shared.lock
        self._customers: dict[str, tuple[CustomerRef, ...]] = {}
        self._customers_by_eid: dict[str, CustomerRef | None] = {}
        self.queries = 0  # SuiteQL requests made, for callers that watch their budget

    @property
    def account(self) -> AccountRefs:
        """The account's reference data this instance learnt (shareable; no customers)."""
        return self._shared

    @classmethod
    def for_client(cls, client: QueryClient) -> ReferenceData:
        """The instance shared by everyone using `client`: one cache per run and account."""
        with cls._per_client_lock:
            found = cls._per_client.get(client)
            if found is None:
                # The cache must not keep its key alive: it reaches the client weakly.
                found = cls(weakref.proxy(client))
                cls._per_client[client] = found
            return found

    # -- querying --------------------------------------------------------------------------

    def _rows(self, q: str) -> list[dict[str, str]]:
        self.queries += 1
        return self.client.suiteql_all(q)

    def _in_batches(self, template: str, values: Sequence[str]) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        values = [value for value in values if askable(value)]
        for start in range(0, len(values), _IN_LIST_LIMIT):
            chunk = values[start : start + _IN_LIST_LIMIT]
            rows.extend(self._rows(template.format(values=", ".join(map(sql_text, chunk)))))
        return rows

    @staticmethod
    def _unknown(names: Iterable[str], known: Mapping[str, object]) -> list[str]:
        return sorted({name for name in names if name and name not in known})

    # -- items -----------------------------------------------------------------------------

    def items(self, skus: Iterable[str]) -> dict[str, ItemRef]:
        """Items whose `itemId` is one of `skus` (exact match, as the mapping's SKU -> itemId)."""
        wanted = [sku for sku in skus if sku]
        with self._lock:
            missing = self._unknown(wanted, self._shared.items)
            if missing:
                rows = self._in_batches(
                    "SELECT id, itemid, itemtype, isinactive, istaxable, subsidiary FROM item "
                    "WHERE itemid IN ({values})",
                    missing,
                )
                for name in missing:
                    self._shared.items[name] = None
                for row in rows:
                    self._shared.items[row["itemid"]] = ItemRef(
                        id=str(row["id"]),
                        itemid=row["itemid"],
                        active=not _flag(row.get("isinactive")),
                        # Absent istaxable: taxable, as "Items Default to Taxable" (INFERRED).
                        taxable=_flag(row.get("istaxable", "T")),
                        subsidiaries=_ids(row.get("subsidiary")),
                        itemtype=row.get("itemtype") or "",
                    )
            return {sku: ref for sku in wanted if (ref := self._shared.items.get(sku)) is not None}

    def item(self, sku: str) -> ItemRef | None:
        return self.items([sku]).get(sku)

    # -- ship items and tax codes ----------------------------------------------------------

    def ship_items(self, names: Iterable[str]) -> dict[str, ShipItemRef]:
        wanted = [name for name in names if name]
        with self._lock:
            missing = self._unknown(wanted, self._shared.ship_items)
            if missing:
                rows = self._in_batches(
                    "SELECT id, itemid, isinactive, subsidiary FROM shipitem "
                    "WHERE itemid IN ({values})",
                    missing,
                )
                for name in missing:
                    self._shared.ship_items[name] = None
                for row in rows:
                    self._shared.ship_items[row["itemid"]] = ShipItemRef(
                        id=str(row["id"]),
                        name=row["itemid"],
                        active=not _flag(row.get("isinactive")),
                        subsidiaries=_ids(row.get("subsidiary")),
                    )
            return {n: ref for n in wanted if (ref := self._shared.ship_items.get(n)) is not None}

    def ship_item(self, name: str) -> ShipItemRef | None:
        return self.ship_items([name]).get(name)

    def tax_codes(self, names: Iterable[str]) -> dict[str, TaxCodeRef]:
        """Tax codes (sales tax items), then tax groups for names that are not codes."""
        wanted = [name for name in names if name]
        with self._lock:
            missing = self._unknown(wanted, self._shared.tax_codes)
            for table, group in (("salestaxitem", False), ("taxgroup", True)):
                if not missing:
                    break
                rows = self._in_batches(
                    f"SELECT id, itemid, rate, isinactive FROM {table} "
                    "WHERE itemid IN ({values})",
                    missing,
                )
                for row in rows:
                    self._shared.tax_codes[row["itemid"]] = TaxCodeRef(
                        id=str(row["id"]),
                        name=row["itemid"],
                        rate=_percent(row.get("rate")),
                        active=not _flag(row.get("isinactive")),
                        group=group,
                    )
                missing = [name for name in missing if name not in self._shared.tax_codes]
            for name in missing:
                self._shared.tax_codes[name] = None
            return {n: ref for n in wanted if (ref := self._shared.tax_codes.get(n)) is not None}

    def tax_code(self, name: str) -> TaxCodeRef | None:
        return self.tax_codes([name]).get(name)

    # -- customers -------------------------------------------------------------------------

    def customers(self, emails: Iterable[str]) -> dict[str, tuple[CustomerRef, ...]]:
        """Active customers per normalized email (trimmed, case-insensitive), lowest id first.

        Only active customers count: connectors look up `isinactive = 'F'` (reference 5).
        The stored email is compared lower-cased; NetSuite validates emails on save, so they
        carry no surrounding blanks (INFERRED), and `LOWER(email)` can use an index.
        """
        wanted = sorted({normalize_email(email) for email in emails} - {""})
        with self._lock:
            missing = [email for email in wanted if email not in self._customers]
            if missing:
                found: dict[str, list[CustomerRef]] = {email: [] for email in missing}
                rows = self._in_batches(
                    customer_query("LOWER(email) IN ({values}) AND isinactive = 'F'"), missing
                )
                for row in rows:
                    ref = customer_from_row(row)
                    found.setdefault(normalize_email(ref.email), []).append(ref)
                for email, refs in found.items():
                    self._customers[email] = tuple(sorted(refs, key=_by_id))
            return {email: self._customers.get(email, ()) for email in wanted}

    def customers_with_email(self, email: str) -> tuple[CustomerRef, ...]:
        return self.customers([email]).get(normalize_email(email), ())

    def remember_customers(self, email: str, customers: Iterable[CustomerRef]) -> None:
        """Replace what is known about one email (e.g. with what NetSuite held before a push)."""
        with self._lock:
            active = (c for c in customers if c.active)
            self._customers[normalize_email(email)] = tuple(sorted(active, key=_by_id))

    def customer_by_external_id(self, external_id: str) -> CustomerRef | None:
        with self._lock:
            if external_id not in self._customers_by_eid:
                rows = self._rows(customer_query(f"externalid = {sql_text(external_id)}"))
                self._customers_by_eid[external_id] = customer_from_row(rows[0]) if rows else None
            return self._customers_by_eid[external_id]

    # -- subsidiaries and currencies ---------------------------------------------------------

    def subsidiaries(self) -> dict[str, SubsidiaryRef]:
        """Every subsidiary by internal id (a handful per account: fetched whole, once)."""
        with self._lock:
            if self._shared.subsidiaries is None:
                rows = self._rows("SELECT id, name, currency, isinactive FROM subsidiary")
                self._shared.subsidiaries = {
                    str(row["id"]): SubsidiaryRef(
                        id=str(row["id"]),
                        name=row.get("name") or "",
                        currency=row.get("currency"),
                        active=not _flag(row.get("isinactive")),
                    )
                    for row in rows
                }
            return self._shared.subsidiaries

    def subsidiary(self, subsidiary_id: str | int | None) -> SubsidiaryRef | None:
        if subsidiary_id is None:
            return None
        return self.subsidiaries().get(str(subsidiary_id))

    def currencies(self) -> dict[str, CurrencyRef]:
        """Every currency by ISO symbol (`USD`), fetched whole, once."""
        with self._lock:
            if self._shared.currencies is None:
                rows = self._rows("SELECT id, name, symbol, currencyprecision FROM currency")
                self._shared.currencies = {}
                for row in rows:
                    symbol = (row.get("symbol") or "").upper()
                    precision = row.get("currencyprecision")
                    self._shared.currencies[symbol] = CurrencyRef(
                        id=str(row["id"]),
                        symbol=symbol,
                        name=row.get("name") or symbol,
                        precision=int(precision) if precision and precision.isdecimal() else 2,
                    )
            return self._shared.currencies

    def currency(self, symbol: str) -> CurrencyRef | None:
        return self.currencies().get(symbol.upper())


def _by_id(ref: CustomerRef) -> tuple[int, str]:
    return (int(ref.id) if ref.id.isdecimal() else 0, ref.id)
