"""The leaf value types of WooCommerce's REST JSON, and readable validation errors.

WooCommerce's JSON has exact types that differ from what a casual reader expects (money is a
string, `price` a number, `image.id` an int or a string), and a harness that explains why an
order is unusable must say which field was wrong, what it held and what was expected. Every leaf
type here validates strictly and names its expectation, so `problems_of` can turn a pydantic
error into `path: what was wrong (got X, expected Y)`.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    PlainSerializer,
    PlainValidator,
    SerializationInfo,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from harness.money import round_half_up
from harness.woo.limits import (
    MAX_EMAIL_CHARS,
    MAX_ID,
    TEXT_COLUMN_BYTES,
    column_problem,
    email_problem,
    text_problem,
)

MAX_DP = 8
"""The most decimals a store can be set to that this harness accepts (WooCommerce allows any)."""

# Amounts are bounded so that exact Decimal arithmetic never meets the context's precision.
# ASCII digits only: `\d` would also take "٥٠.٠٠", which Decimal reads as 50 but no store writes.
_MONEY_RE = re.compile(r"-?\d{1,20}(?:\.\d{1,20})?", re.ASCII)
_DATE_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", re.ASCII)
_STATUS_RE = re.compile(r"[a-z0-9_-]+")
_CURRENCY_RE = re.compile(r"[A-Z0-9]{3}")
_COUNTRY_RE = re.compile(r"(?:[A-Z]{2})?")
_FLOATS = Context(prec=400)  # enough digits for any double written out in full
_TENTH = Decimal("0.1")


class WooOrderError(ValueError):
    """A WooCommerce payload is unusable; `problems` lists every reason, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Expect:
    """Field metadata: what a valid value looks like, for `required field is missing` errors."""

    text: str


def format_money(amount: Decimal, dp: int) -> str:
    """An amount as WooCommerce prints it at `dp` decimals (`wc_format_decimal`)."""
    return f"{round_half_up(amount, dp):f}"


def decimals_of(amount: Decimal) -> int:
    """How many decimals an amount was written with ("29.35" -> 2, "528" -> 0)."""
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def money_example(dp: int | None) -> str:
    """`a decimal string like "12.50"`, at the store's decimals when they are known."""
    places = 2 if dp is None else dp
    return f'a decimal string like "{format_money(Decimal("12.5"), places)}"'


def infer_dp(text: object) -> int | None:
    """The store's decimals, read off a money string WooCommerce formatted (None if unusable)."""
    if not isinstance(text, str) or not _MONEY_RE.fullmatch(text):
        return None
    return len(text.partition(".")[2])


def _fail(kind: str, problem: str, expected: str) -> PydanticCustomError:
    return PydanticCustomError(f"woo_{kind}", problem, {"expected": expected})


def _context_dp(info: ValidationInfo | SerializationInfo) -> int | None:
    context = info.context
    dp = context.get("dp") if isinstance(context, dict) else None
    return dp if isinstance(dp, int) else None


def _parse_amount(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        # Python callers may pass a Decimal; it must fit the same bounds as a wire string.
        value = f"{value:f}" if value.is_finite() else ""
    if isinstance(value, str) and _MONEY_RE.fullmatch(value):
        return Decimal(value)
    return None


def _money(value: object, info: ValidationInfo) -> Decimal:
    dp = _context_dp(info)
    amount = _parse_amount(value)
    if amount is None:
        raise _fail("money", "not a money amount", money_example(dp))
    if dp is not None and round_half_up(amount, dp) != amount:
        places = "1 decimal" if dp == 1 else f"{dp} decimals"
        raise _fail("money_precision", "more decimals than the store uses", f"at most {places}")
    return amount


def _refund_total(value: object, info: ValidationInfo) -> Decimal:
    amount = _money(value, info)
    if amount > 0:
        # The order's refund summary is `'-' . amount` (V2CTL), so it is never positive.
        raise _fail("refund_total", "must be negative or zero", 'a string like "-10.00"')
    return amount


def _discount(value: object, info: ValidationInfo) -> Decimal:
    amount = _money(value, info)
    if amount < 0:
        # WC_Coupon::set_amount refuses a negative amount ("coupon_invalid_amount"), and a
        # coupon line holds what the coupon took off this order.
        raise _fail("discount", "must not be negative", 'an amount taken off, like "10.00"')
    return amount


def _refund_amount(value: object, info: ValidationInfo) -> Decimal:
    amount = _money(value, info)
    if amount < 0:
        raise _fail("refund_amount", "must not be negative", 'a string like "10.00"')
    return amount


def _raw_money(value: object) -> Decimal:
    amount = _parse_amount(value)
    if amount is None:
        raise _fail("raw_money", "not a tax amount", 'a decimal string like "0.545455"')
    return amount


def _optional_raw_money(value: object) -> Decimal | None:
    if value == "":
        return None
    amount = _parse_amount(value)
    if amount is None:
        raise _fail("raw_money", "not a tax amount", 'a decimal string like "0.545455" or ""')
    return amount


def _write_money(amount: Decimal, info: SerializationInfo) -> str:
    dp = _context_dp(info)
    return f"{amount:f}" if dp is None else format_money(amount, dp)


def _write_raw_money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:f}"


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _fail("number", "not a number", "a JSON number like 12.5")
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        # repr() is the shortest text that reads back as the same float, so nothing is invented;
        # at least one decimal place marks it as a float for `_write_number` (1e+16 -> ...0.0).
        number = Decimal(repr(value))
        return number if decimals_of(number) else number.quantize(_TENTH, context=_FLOATS)
    raise _fail("number", "not a number", "a JSON number like 12.5")


def _write_number(number: Decimal) -> int | float:
    return float(number) if decimals_of(number) else int(number)


def _integer(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        if value > MAX_ID:
            raise _fail("id", "larger than any WooCommerce id", f"an integer up to {MAX_ID:,}")
        return value
    raise _fail("id", "not an id", "an integer >= 0")


def _quantity(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise _fail("quantity", "must be a positive integer", "an integer > 0")


def _refund_quantity(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
        return value
    raise _fail("quantity", "must be zero or a negative integer", "an integer <= 0")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _fail("text", "not a string", "a string")
    if (problem := text_problem(value)) is not None:
        raise _fail("text", problem, "UTF-8 text")
    return value


def _column_text(value: object) -> str:
    text = _text(value)
    if (problem := column_problem(text)) is not None:
        raise _fail("text_length", problem, f"at most {TEXT_COLUMN_BYTES:,} bytes (a TEXT column)")
    return text


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail("flag", "not a boolean", "true or false")


def _date(value: object) -> datetime:
    expected = "a date like 2017-03-22T16:28:02, or null"
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise _fail("date", "not a WooCommerce date", expected)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise _fail("date", "not a calendar date", expected) from None


def _write_date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _status(value: object) -> str:
    if isinstance(value, str) and _STATUS_RE.fullmatch(value):
        return value
    raise _fail("status", "not an order status", "a status slug like 'processing'")


def _currency(value: object) -> str:
    if isinstance(value, str) and _CURRENCY_RE.fullmatch(value):
        return value
    raise _fail("currency", "not a currency code", "3 capital letters or digits like 'USD'")


def _country(value: object) -> str:
    if isinstance(value, str) and _COUNTRY_RE.fullmatch(value):
        return value
    raise _fail("country", "not a country code", "an ISO 3166-1 alpha-2 code like 'US', or ''")


def _email(value: object) -> str:
    if not isinstance(value, str):
        raise _fail("email", "not an email address", "name@domain")
    problem = email_problem(value)
    if problem is not None:
        raise _fail("email", problem, "name@domain")
    if len(value) > MAX_EMAIL_CHARS:
        problem = f"{len(value):,} characters, longer than WooCommerce stores an email"
        raise _fail("email_length", problem, f"at most {MAX_EMAIL_CHARS} characters")
    return value


def _image_id(value: object) -> int | str:
    # The schema says integer, but real payloads carry "27765" or "" (reference 1.2).
    if isinstance(value, int) and not isinstance(value, bool):
        return _integer(value) if value >= 0 else value
    if isinstance(value, str):
        return _text(value)
    raise _fail("image_id", "not an image id", "an integer or a string")


def _tax_status(value: object) -> str:
    if value == "taxable" or value == "none":
        return value
    raise _fail("tax_status", "not a tax status", "'taxable' or 'none'")


Money = Annotated[
    Decimal,
    PlainValidator(_money),
    PlainSerializer(_write_money),
    Expect('a decimal string like "12.50"'),
]
"""A money string formatted at the store's decimals; parsed exactly, written back at `dp`."""
RefundTotal = Annotated[
    Decimal,
    PlainValidator(_refund_total),
    PlainSerializer(_write_money),
    Expect('a string like "-10.00"'),
]
Discount = Annotated[
    Decimal,
    PlainValidator(_discount),
    PlainSerializer(_write_money),
    Expect('a decimal string like "10.00"'),
]
"""A coupon line's `discount` and `discount_tax`: what it took off, never negative."""
RefundAmount = Annotated[
    Decimal,
    PlainValidator(_refund_amount),
    PlainSerializer(_write_money),
    Expect('a string like "10.00"'),
]
RawMoney = Annotated[
    Decimal,
    PlainValidator(_raw_money),
    PlainSerializer(_write_raw_money),
    Expect('a decimal string like "0.545455"'),
]
"""A per-rate tax amount, which older WooCommerce leaves unformatted ("0.9", "0.545455")."""
OptionalRawMoney = Annotated[
    Decimal | None,
    PlainValidator(_optional_raw_money),
    PlainSerializer(_write_raw_money),
    Expect('a decimal string like "0.545455" or ""'),
]
Number = Annotated[
    Decimal,
    PlainValidator(_number),
    PlainSerializer(_write_number),
    Expect("a JSON number like 12.5"),
]
"""A JSON number (`price`, `rate_percent`), kept exactly as the float or int it was."""
Id = Annotated[int, PlainValidator(_integer), Expect("an integer >= 0")]
Quantity = Annotated[int, PlainValidator(_quantity), Expect("an integer > 0")]
RefundQuantity = Annotated[int, PlainValidator(_refund_quantity), Expect("an integer <= 0")]
Text = Annotated[str, PlainValidator(_text), Expect("a string")]
ColumnText = Annotated[str, PlainValidator(_column_text), Expect("a string")]
"""Text WooCommerce keeps in a TEXT column (the customer note, an item's name)."""
Flag = Annotated[bool, PlainValidator(_flag), Expect("true or false")]
WooDate = Annotated[
    datetime,
    PlainValidator(_date),
    PlainSerializer(_write_date),
    Expect("a date like 2017-03-22T16:28:02, or null"),
]
Status = Annotated[str, PlainValidator(_status), Expect("a status slug like 'processing'")]
Currency = Annotated[str, PlainValidator(_currency), Expect("3 capital letters like 'USD'")]
Country = Annotated[str, PlainValidator(_country), Expect("an ISO 3166-1 alpha-2 code, or ''")]
Email = Annotated[str, PlainValidator(_email), Expect("name@domain")]
ImageId = Annotated[int | str, PlainValidator(_image_id), Expect("an integer or a string")]
TaxStatus = Annotated[str, PlainValidator(_tax_status), Expect("'taxable' or 'none'")]

Loc = tuple[str | int, ...]

_NATIVE_PROBLEMS: dict[str, tuple[str, str]] = {
    "model_type": ("not an object", "a JSON object"),
    "model_attributes_type": ("not an object", "a JSON object"),
    "dict_type": ("not an object", "a JSON object"),
    "list_type": ("not a list", "a JSON list"),
}


def dotted(loc: Loc) -> str:
    """`('line_items', 0, 'quantity')` -> `line_items.0.quantity` (`<root>` when empty)."""
    return ".".join(str(part) for part in loc) or "<root>"


def shown(value: object) -> str:
    """A short, safe rendering of a bad value for an error message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and value.bit_length() > 200:  # repr may refuse past 4,300 digits
        return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def kind_of(value: object) -> str:
    """The JSON kind of a parsed value, for `not a JSON object (got a list, ...)`."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _expectation(model: type[BaseModel], loc: Loc) -> str:
    """What the field at `loc` should hold, found by walking the model's annotations."""
    annotation: Any = model
    field_info = None
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            annotation = args[0] if args else Any
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return "a valid value"
        field_info = annotation.model_fields.get(part)
        if field_info is None:
            return "a valid value"
        annotation = field_info.annotation
    if field_info is not None:
        for item in field_info.metadata:
            if isinstance(item, Expect):
                return item.text
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a JSON object"
    if typing.get_origin(annotation) is list:
        return "a JSON list"
    return "a valid value"


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> `X`; anything else unchanged."""
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, _UNION_TYPE) and len(args) == 1:
        return args[0]
    return annotation


_UNION_TYPE = type(int | None)


def describe(error: ErrorDetails, model: type[BaseModel], prefix: Loc = ()) -> str:
    """One pydantic error as `path: what was wrong (got X, expected Y)`."""
    loc: Loc = tuple(error["loc"])
    path = dotted((*prefix, *loc))
    context = error.get("ctx") or {}
    if error["type"] == "missing":
        return f"{path}: required field is missing (expected {_expectation(model, loc)})"
    problem, expected = _NATIVE_PROBLEMS.get(error["type"], (error["msg"], ""))
    expected = str(context.get("expected") or expected or _expectation(model, loc))
    return f"{path}: {problem} (got {shown(error['input'])}, expected {expected})"


def problems_of(exc: ValidationError, model: type[BaseModel], prefix: Loc = ()) -> list[str]:
    """Every error of `exc`, described; `prefix` locates the document inside a list."""
    return [describe(error, model, prefix) for error in exc.errors(include_url=False)]


__all__ = [
    "MAX_DP",
    "ColumnText",
    "Country",
    "Currency",
    "Discount",
    "Email",
    "Expect",
    "Flag",
    "Id",
    "ImageId",
    "Money",
    "Number",
    "OptionalRawMoney",
    "Quantity",
    "RawMoney",
    "RefundAmount",
    "RefundQuantity",
    "RefundTotal",
    "Status",
    "TaxStatus",
    "Text",
    "WooDate",
    "WooOrderError",
    "decimals_of",
    "describe",
    "dotted",
    "format_money",
    "infer_dp",
    "kind_of",
    "money_example",
    "problems_of",
]
