"""NetSuite's business rules for sales orders, run inside the save transaction.

They complete the protocol-level rules of `core.py` (required entity and lines, sourcing of
subsidiary/currency/terms in `sourcing.py`, line pricing, totals, status) with what a real
account enforces or does silently (reference salesorder-semantics 1.1-1.7, 2, 3, 4):

- the customer must be active; without multi-subsidiary customers the order's subsidiary and
  currency are the customer's (INFERRED answer: "Invalid subsidiary reference key S for
  entity N.", by analogy with the CONFIRMED item form);
- billing and shipping addresses come from the customer's default addresses unless sent;
- items, discount item, ship method and locations must be active and available in the
  order's subsidiary (answers in `refcheck.py`); a ship method must be a shipping item;
  another customer's subsidiary checks everything the order holds again;
- an inactive department, or one not assigned to the subsidiary, is silently dropped
  (CONFIRMED, the RESTlet warning "NetSuite ignored it on Sales Order");
- "Make Departments / Classes / Locations Mandatory": a header value or a value on every
  line satisfies it (INFERRED), else "Please enter value(s) for: Department, ...";
- a line's rate stands only at price level Custom (-1): sending another price level with a
  rate silently re-sources the rate from the price list (CONFIRMED: "setting rate before
  price ... gets silently overwritten"); a rate sent without a price level makes the line
  Custom, as typing a rate does in the UI;
- tax (`tax.py`): US subsidiaries use the header tax item and per-line `isTaxable`, others
  per-line tax codes; defaults come from the customer (a Tax Item taxes it even with Taxable
  unchecked) and the items, sent values win; a line's own tax settings are sourced again
  only with a new item or customer; a Discount item line that applies before tax lowers the
  taxable amount of the line before it.
"""

from __future__ import annotations

from decimal import Decimal

from harness.money import round_half_up
from harness.netsuite.itemtypes import ITEM_TYPE_OF_RECORD_TYPE
from harness.sandbox.account import AccountProfile
from harness.sandbox.resterror import RestError
from harness.sandbox.rules import refcheck
from harness.sandbox.rules.book import SaveContext, please_enter
from harness.sandbox.rules.refcheck import invalid_reference
from harness.sandbox.rules.sourcing import (
    CUSTOM_PRICE_LEVEL,
    CustomerFacts,
    currency_precision,
    customer_facts,
    entity_changed,
    header_changed,
    item_changed,
    line_changed,
)
from harness.sandbox.rules.tax import TaxableLine, TaxCode, TaxRounding, compute_tax
from harness.sandbox.rules.totals import ZERO, discount_total
from harness.sandbox.store.recordstore import Line, Record

DISCOUNT_TYPE = ITEM_TYPE_OF_RECORD_TYPE["discountItem"].code  # `item.itemtype` Discount

_ADDRESS_FIELDS = (
    "addressee",
    "attention",
    "addr1",
    "addr2",
    "addr3",
    "city",
    "state",
    "zip",
    "country",
    "addrPhone",
)
# Both default addresses in one read: each part is the address's key (NULL: none) and fields.
_ADDRESS_COLUMNS = ", ".join(
    f"{alias}.{column}"
    for alias in ("b", "s")
    for column in ("nkey", *(name.lower() for name in _ADDRESS_FIELDS))
)
_ADDRESSES_SQL = (
    f"SELECT {_ADDRESS_COLUMNS} FROM customer c"
    " LEFT JOIN entityaddress b ON b.nkey = c.defaultbillingaddress"
    " LEFT JOIN entityaddress s ON s.nkey = c.defaultshippingaddress"
    " WHERE c.id = ?"
)


def _header_sent(ctx: SaveContext, record: Record, name: str) -> bool:
    """A value set on create, or sent by this edit: the values the rules check."""
    if record.values.get(name) is None:
        return False
    return ctx.operation == "create" or name in record.given


# --- the customer ---------------------------------------------------------------------


def check_entity(ctx: SaveContext, record: Record) -> None:
    """An active customer whose subsidiary and currency the order uses."""
    values = record.values
    entity = values.get("entity")
    sent = {"entity", "subsidiary", "currency"} & record.given
    if entity is None or (ctx.operation == "edit" and not sent):
        return
    customer = customer_facts(ctx, entity)
    if customer is None or customer.is_inactive:
        raise RestError(400, [invalid_reference("entity", entity, "entity")])
    problems = [
        invalid_reference(name, values[name], name, entity=customer.id)
        for name, own in (("subsidiary", customer.subsidiary), ("currency", customer.currency))
        if own is not None and values.get(name) is not None and values[name] != own
    ]
    if problems:
        raise RestError(400, problems)


def source_addresses(ctx: SaveContext, record: Record) -> None:
    """Billing and shipping addresses from the customer's defaults, unless sent."""
    if not entity_changed(ctx, record) or record.values.get("entity") is None:
        return
    wanted = [name for name in ("billingAddress", "shippingAddress") if name not in record.given]
    if not wanted:
        return
    row = ctx.row(_ADDRESSES_SQL, record.values["entity"])
    width = 1 + len(_ADDRESS_FIELDS)
    for name, start in (("billingAddress", 0), ("shippingAddress", width)):
        if name not in wanted:
            continue
        part = row[start : start + width] if row is not None else None
        record.subrecords[name] = (
            None
            if part is None or part[0] is None
            else {key: value for key, value in zip(_ADDRESS_FIELDS, part[1:], strict=True) if value}
        )


# --- references, segments, mandatory preferences --------------------------------------


def check_references(ctx: SaveContext, record: Record) -> None:
    """Items, discount item, ship method and locations usable in the order's subsidiary.

    What the request set is checked; after another subsidiary (another customer) everything
    the order holds is, as it would be on create (INFERRED: refused, not silently dropped).
    """
    conn = ctx.store.conn
    values = record.values
    subsidiary = values.get("subsidiary")
    moved = ctx.previous is not None and header_changed(ctx, record, "subsidiary")
    problems: list[dict[str, str]] = []

    def note(problem: dict[str, str] | None) -> None:
        if problem is not None:
            problems.append(problem)

    def checked(name: str) -> bool:
        return _header_sent(ctx, record, name) or (moved and values.get(name) is not None)

    if checked("location"):
        key = values["location"]
        note(refcheck.location(conn, key).problem("location", key, "location", subsidiary))
    if checked("shipMethod"):
        key = values["shipMethod"]
        ship = refcheck.ship_item(ctx.lookup, key)
        # A ship method must be a shipping item; any other item is an invalid key.
        note(ship.problem("shipmethod", key, "shipMethod", subsidiary))
    if checked("discountItem"):
        key = values["discountItem"]
        discount = refcheck.item(ctx.lookup, key)
        note(discount.problem("discountitem", key, "discountItem", subsidiary))
    for index, line in enumerate(record.lines("item")):
        if not (line_changed(line) or moved):
            continue
        path = f"item.items[{index}]"
        key = line.values.get("item")
        if key is not None:
            note(refcheck.item(ctx.lookup, key).problem("item", key, f"{path}.item", subsidiary))
        key = line.values.get("location")
        if key is not None:
            note(
                refcheck.location(conn, key).problem(
                    "location", key, f"{path}.location", subsidiary
                )
            )
    if problems:
        raise RestError(400, problems)


def drop_unusable_departments(ctx: SaveContext, record: Record) -> None:
    """An inactive department, or one of another subsidiary, is dropped without a word."""
    conn = ctx.store.conn
    subsidiary = record.values.get("subsidiary")

    def usable(key: object) -> bool:
        found = refcheck.segment(conn, "department", key)
        return found.found and not found.is_inactive and subsidiary in found.subsidiaries

    if record.values.get("department") is not None and not usable(record.values["department"]):
        record.values["department"] = None
    for line in record.lines("item"):
        if line.values.get("department") is not None and not usable(line.values["department"]):
            line.values["department"] = None


def mandatory_segments(ctx: SaveContext, record: Record) -> None:
    """The "Make ... Mandatory" accounting preferences."""
    prefs = ctx.profile.preferences
    lines = record.lines("item")
    missing = [
        label
        for wanted, name, label in (
            (prefs.makeDepartmentsMandatory, "department", "Department"),
            (prefs.makeClassesMandatory, "class", "Class"),
            (prefs.makeLocationsMandatory, "location", "Location"),
        )
        if wanted
        and record.values.get(name) is None
        and not (lines and all(line.values.get(name) is not None for line in lines))
    ]
    please_enter(missing)


def price_level_wins(ctx: SaveContext, record: Record) -> None:
    """A rate stands only at price level Custom; another level re-sources it silently."""
    del ctx
    for line in record.lines("item"):
        given = line.given
        if "rate" not in given and "amount" not in given:
            continue
        if "price" in given and line.values.get("price") not in (None, CUSTOM_PRICE_LEVEL):
            for name in ("rate", "amount"):
                given.discard(name)
                line.values[name] = None
        elif "price" not in given:
            line.values["price"] = CUSTOM_PRICE_LEVEL


# --- tax ------------------------------------------------------------------------------


def customer_is_taxed(customer: CustomerFacts | None) -> bool:
    """Whether selecting the customer makes the order taxable.

    CONFIRMED (reference line 131; Oracle help section_N2038835, "Setting U.S. Tax
    Preferences"): in a U.S. edition account without Advanced Taxes a customer is not
    taxable only if Taxable is unchecked AND Tax Item is blank; "If Tax Item field has a
    value, the tax lookup returns that value instead of not taxable even if the Taxable box
    isn't checked". With Advanced Taxes (always on in OneWorld accounts, Oracle help
    chapter_N1803438) the customer's Tax Item likewise "will always use the selected tax
    code" (section_N1796705), so both legacy editions answer alike and the account profile
    needs no switch. SuiteTax (no header tax item at all) is not modelled.
    """
    return customer is not None and (customer.taxable or customer.tax_item is not None)


class SalesTax:
    """Tax defaults, tax code checks and the order's `taxTotal` (see `tax.py`)."""

    def __init__(self, profile: AccountProfile) -> None:
        self.rounding = profile.preferences.taxRounding
        self.before_tax = {item.id for item in profile.items if item.applyBeforeTax}

    def __call__(self, ctx: SaveContext, record: Record) -> None:
        values = record.values
        subsidiary = values.get("subsidiary")
        found = ctx.lookup("subsidiary", subsidiary)
        country = found["country"] if found else None
        customer = customer_facts(ctx, values.get("entity"))
        problems: list[dict[str, str]] = []
        lines = record.lines("item")
        if country == "US":
            rates = self._us_rates(ctx, record, customer, problems)
        else:
            rates = self._per_line_rates(ctx, record, customer, problems)
        shipping_rate = self._shipping_rate(ctx, record, customer, problems, country)
        if problems:
            raise RestError(400, problems)
        precision = currency_precision(ctx, record.values.get("currency"))
        amounts = [line.values.get("amount") or ZERO for line in lines]
        subtotal = round_half_up(sum(amounts, ZERO), precision)
        discount = ZERO
        if values.get("discountItem") is not None:
            discount = discount_total(subtotal, values.get("discountRate"), precision)
        bases = self._line_discounts(lines, amounts, rates)
        result = compute_tax(
            [TaxableLine(base, rate) for base, rate in zip(bases, rates, strict=True)],
            rounding=TaxRounding(precision, self.rounding.level, self.rounding.method),
            discount=discount,
            discount_before_tax=values.get("discountItem") in self.before_tax,
            shipping=round_half_up(values.get("shippingCost") or ZERO, precision),
            shipping_rate=shipping_rate,
        )
        values["taxTotal"] = result.total

    def _line_discounts(
        self, lines: list[Line], amounts: list[Decimal], rates: list[Decimal | None]
    ) -> list[Decimal]:
        """Taxable amounts after Discount item lines; `rates` of discount lines become None.

        CONFIRMED (reference line 196): a Discount item line "adjusts the line value of the
        item preceding it", and with Apply Before Sales Tax it lowers that line's taxable
        amount (line 198). INFERRED: "preceding" skips other discount lines; the taxable
        amount never goes below zero; a discount after tax, or with no line before it, leaves
        every taxable amount alone; a discount line is never taxed itself.
        """
        bases = list(amounts)
        target: int | None = None
        for index, line in enumerate(lines):
            if line.values.get("itemType") != DISCOUNT_TYPE:
                target = index
                continue
            rates[index] = None
            before_tax = line.values.get("item") in self.before_tax
            if before_tax and target is not None and bases[target] > 0:
                bases[target] = max(bases[target] + amounts[index], ZERO)
        return bases

    def _item_taxable(self, ctx: SaveContext, line: Line) -> bool:
        found = ctx.lookup("item", line.values.get("item"))
        return found is not None and found["istaxable"] == "T"

    def _code(
        self,
        ctx: SaveContext,
        key: object,
        field_id: str,
        path: str,
        checked: bool,
        subsidiary: object,
        problems: list[dict[str, str]],
    ) -> TaxCode | None:
        if key is None:
            return None
        code = refcheck.tax_code(ctx.row, key)
        if checked:
            sub = subsidiary if isinstance(subsidiary, int) else None
            problem = refcheck.tax_code_problem(code, key, field_id, path, sub)
            if problem is not None:
                problems.append(problem)
                return None
        return code

    def _us_rates(
        self,
        ctx: SaveContext,
        record: Record,
        customer: CustomerFacts | None,
        problems: list[dict[str, str]],
    ) -> list[Decimal | None]:
        """Header tax item (sourced from the customer) and per-line Taxable flags."""
        values, given = record.values, record.given
        changed = entity_changed(ctx, record)
        if "taxItem" not in given and (changed or values.get("taxItem") is None):
            values["taxItem"] = customer.tax_item if customer else None
        if "isTaxable" not in given and (
            changed or "taxItem" in given or values.get("isTaxable") is None
        ):
            # An explicitly chosen tax item overrides the customer's exemption: NetSuite
            # taxes the order without complaint (the "exempt customer taxed" case).
            overridden = "taxItem" in given and values.get("taxItem") is not None
            values["isTaxable"] = overridden or customer_is_taxed(customer)
        code = self._code(
            ctx,
            values.get("taxItem"),
            "taxitem",
            "taxItem",
            "taxItem" in given,
            values.get("subsidiary"),
            problems,
        )
        # The tax item's rate, unless a rate was sent (now or earlier, for the same item).
        code_changed = changed or "taxItem" in given
        if values.get("taxRate") is None or ("taxRate" not in given and code_changed):
            values["taxRate"] = code.rate if code else None
        rate = values["taxRate"] if values.get("isTaxable") and code else None
        result: list[Decimal | None] = []
        for line in record.lines("item"):
            if "isTaxable" not in line.given and (
                item_changed(ctx, line) or line.values.get("isTaxable") is None
            ):
                line.values["isTaxable"] = self._item_taxable(ctx, line)
            # INFERRED: without per-line tax codes a US order ignores a line's tax code.
            line.values["taxCode"] = None
            result.append(rate if line.values.get("isTaxable") else None)
        return result

    def _per_line_rates(
        self,
        ctx: SaveContext,
        record: Record,
        customer: CustomerFacts | None,
        problems: list[dict[str, str]],
    ) -> list[Decimal | None]:
        """A tax code per line, defaulting to the customer's for taxable items.

        The header takes no tax item: one sent must still be a code of the subsidiary's
        nexus, as a line's is (a US code: "Invalid taxitem reference key 301 for subsidiary
        2.", the form live integrations log for codes, e.g. "Invalid taxcode reference key N
        for subsidiary S" in fylein/fyle-netsuite-api:apps/netsuite/errors_reference.py;
        INFERRED for the header). One left from a US customer before is cleared.
        """
        values, given = record.values, record.given
        changed = entity_changed(ctx, record)
        if "taxItem" in given:
            self._code(
                ctx,
                values.get("taxItem"),
                "taxitem",
                "taxItem",
                True,
                values.get("subsidiary"),
                problems,
            )
        elif changed:
            values["taxItem"] = None
        # Oracle (section_N1796705.html, Advanced Taxes): the customer's Tax Item, when set,
        # "will always use the selected tax code" on its transactions.
        default = customer.tax_item if customer else None
        values["taxRate"] = None
        result: list[Decimal | None] = []
        for index, line in enumerate(record.lines("item")):
            if "taxCode" not in line.given and (item_changed(ctx, line) or changed):
                line.values["taxCode"] = default if self._item_taxable(ctx, line) else None
            code = self._code(
                ctx,
                line.values.get("taxCode"),
                "taxcode",
                f"item.items[{index}].taxCode",
                "taxCode" in line.given,
                record.values.get("subsidiary"),
                problems,
            )
            result.append(code.rate if code else None)
        return result

    def _shipping_rate(
        self,
        ctx: SaveContext,
        record: Record,
        customer: CustomerFacts | None,
        problems: list[dict[str, str]],
        country: object,
    ) -> Decimal | None:
        """The order's shipping tax code if sent; else the header rate for taxable ship items."""
        values = record.values
        if values.get("shippingTaxCode") is not None:
            code = self._code(
                ctx,
                values["shippingTaxCode"],
                "shippingtaxcode",
                "shippingTaxCode",
                "shippingTaxCode" in record.given,
                values.get("subsidiary"),
                problems,
            )
            return code.rate if code else None
        found = ctx.lookup("shipitem", values.get("shipMethod"))
        if found is None or found["istaxable"] != "T":
            return None
        if country == "US":
            rate: Decimal | None = values.get("taxRate")
            return rate if values.get("isTaxable") else None
        if customer is None or customer.tax_item is None:
            return None
        code = refcheck.tax_code(ctx.row, customer.tax_item)
        return code.rate if code else None
