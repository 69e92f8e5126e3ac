"""Values NetSuite refuses although each is well formed, and every missing field named at once.

A quantity, a tax rate or a shipping cost is read like any number (`store/fields.py`); whether
NetSuite takes *that* number on a sales order is checked here, once the body is applied:

- a line quantity must be positive: "Do not enter a negative quantity in a transaction"
  (Oracle help section_4588373194, Adding Items on a Sales Transaction). Zero is refused too:
  INFERRED, no source says what NetSuite does with 0 (some accounts may take it on their
  forms); a zero line sells nothing, and a connector sending one has dropped a quantity;
- a header tax rate is a percentage between 0 and 100 (INFERRED range);
- shipping and handling costs are not negative (INFERRED);
- a discount item line "adjusts the line value of the item preceding it" (reference
  salesorder-semantics 4.1, CONFIRMED), so it needs an item line before it (the answer's
  wording is INFERRED);
- a line amount (quantity x rate), and the header discount a percentage makes of the
  subtotal, stay within the 15 digits a number field holds (INFERRED, the limit every number
  of the body already has, `values.MAX_NUMBER`);
- "The total cannot be negative." (CONFIRMED text, Oracle help section_164206526447,
  Troubleshooting Negative Total Error): a header discount larger than the subtotal, say.

A value refused is answered as live REST reports answer an invalid value: HTTP 400 USER_ERROR,
"Error while accessing a resource. You have entered an Invalid Field Value <v> for the
following field: <f>." with `o:errorPath` naming it (reference netsuite-rest 3.4, fs:65814794604);
every such problem of one request is reported together.

`AllMissing` runs the required-field rules of a record type as one, so that the answer names
every missing field, "Please enter value(s) for: Customer, Department, Class." as NetSuite's
message lists them (reference salesorder-semantics 1.6, CONFIRMED), not only the first rule's.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, error_detail
from harness.sandbox.resterror import RestError, user_error
from harness.sandbox.rules.book import Rule, SaveContext
from harness.sandbox.rules.totals import ZERO, discount_total
from harness.sandbox.store.recordstore import Line, Record
from harness.sandbox.store.values import MAX_NUMBER

DISCOUNT = "Discount"  # `item.itemtype` of a discount item
MAX_TAX_RATE = Decimal(100)
_PLEASE_ENTER = BUSINESS_ERROR_PREFIX + "Please enter value(s) for: "


def invalid_value(value: object, field_id: str, path: str) -> dict[str, str]:
    """The `o:errorDetails` entry for a value NetSuite refuses on this record."""
    shown = format(value, "f") if isinstance(value, Decimal) else str(value)
    return error_detail(
        f"{BUSINESS_ERROR_PREFIX}You have entered an Invalid Field Value {shown} "
        f"for the following field: {field_id}.",
        "USER_ERROR",
        path=path,
    )


def _sent(ctx: SaveContext, given: set[str], values: dict[str, object], name: str) -> bool:
    """A value set on create, or sent by this edit: the values checked."""
    return values.get(name) is not None and (ctx.operation == "create" or name in given)


def _item_type(ctx: SaveContext, line: Line) -> object:
    found = ctx.lookup("item", line.values.get("item"))
    return found["itemtype"] if found else None


# --- before pricing: the values sent -------------------------------------------------------


def check_sales_order_values(ctx: SaveContext, record: Record) -> None:
    """Quantities, discount lines, tax rate, shipping and handling costs (all reported)."""
    problems: list[dict[str, str]] = []
    lines = record.lines("item")
    lines_changed = ctx.operation == "create" or any(
        line.key is None or line.given for line in lines
    )
    after_item = False  # an item line (not a discount) came before this one
    for index, line in enumerate(lines):
        path = f"item.items[{index}]"
        is_discount = _item_type(ctx, line) == DISCOUNT
        if is_discount and not after_item and lines_changed:
            problems.append(
                error_detail(
                    f"{BUSINESS_ERROR_PREFIX}The discount item on line {index + 1} has no "
                    "item line before it to discount. Put the item it discounts first.",
                    "USER_ERROR",
                    path=f"{path}.item",
                )
            )
        after_item = after_item or (not is_discount and line.values.get("item") is not None)
        quantity = line.values.get("quantity")
        if (
            "quantity" in line.given
            and isinstance(quantity, Decimal)
            and quantity <= ZERO
            and not is_discount
        ):
            problems.append(invalid_value(quantity, "quantity", f"{path}.quantity"))
    values = record.values
    rate = values.get("taxRate")
    if (
        _sent(ctx, record.given, values, "taxRate")
        and isinstance(rate, Decimal)
        and not ZERO <= rate <= MAX_TAX_RATE
    ):
        problems.append(invalid_value(rate, "taxrate", "taxRate"))
    for name in ("shippingCost", "handlingCost"):
        cost = values.get(name)
        if _sent(ctx, record.given, values, name) and isinstance(cost, Decimal) and cost < ZERO:
            problems.append(invalid_value(cost, name.lower(), name))
    if problems:
        raise RestError(400, problems)


# --- after pricing: the amounts computed ---------------------------------------------------


def check_amounts(ctx: SaveContext, record: Record) -> None:
    """Each line's amount (quantity x rate), and the header discount they make with the
    discount rate, within the digits an amount field holds."""
    problems = [
        invalid_value(amount, "amount", f"item.items[{index}].amount")
        for index, line in enumerate(record.lines("item"))
        if isinstance(amount := line.values.get("amount"), Decimal) and abs(amount) >= MAX_NUMBER
    ]
    values = record.values
    if not problems and values.get("discountItem") is not None:
        subtotal = sum((line.values.get("amount") or ZERO for line in record.lines("item")), ZERO)
        found = ctx.lookup("currency", values.get("currency"))
        precision = found["currencyprecision"] if found else None
        rate = values.get("discountRate")
        discount = discount_total(subtotal, rate, precision if isinstance(precision, int) else 2)
        if abs(discount) >= MAX_NUMBER:
            problems.append(invalid_value(rate, "discountrate", "discountRate"))
    if problems:
        raise RestError(400, problems)


def no_negative_total(ctx: SaveContext, record: Record) -> None:
    """After the totals: an order whose total is below zero is not saved."""
    del ctx
    total = record.values.get("total")
    if isinstance(total, Decimal) and total < ZERO:
        raise user_error("The total cannot be negative.", path="total")


# --- required fields, all named ------------------------------------------------------------


def _missing_labels(error: RestError) -> str | None:
    """The labels of a "Please enter value(s) for: A, B." refusal, or None for another one."""
    if error.status != 400 or len(error.details) != 1:
        return None
    detail = error.details[0].get("detail", "")
    if not detail.startswith(_PLEASE_ENTER) or not detail.endswith("."):
        return None
    return detail[len(_PLEASE_ENTER) : -1]


class AllMissing:
    """Rules run as one: each missing-field refusal is noted and the next rule runs, and the
    save is refused once, naming every missing field in rule order.

    Only the rules given are run this way (those a missing field does not break: the
    required-field checks and what runs between them). A refusal of another kind while
    fields are missing is answered with the missing fields, as it would have been before
    the later rule ran."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def __call__(self, ctx: SaveContext, record: Record) -> None:
        missing: list[str] = []
        for rule in self.rules:
            try:
                rule(ctx, record)
            except RestError as error:
                labels = _missing_labels(error)
                if labels is None:
                    if missing:
                        break
                    raise
                if labels not in missing:
                    missing.append(labels)
        if missing:
            raise user_error(f"Please enter value(s) for: {', '.join(missing)}.")
