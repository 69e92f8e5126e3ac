"""A WooCommerce REST v3 order (and refund): parsed strictly, written back exactly.

The harness computes what NetSuite should hold from what WooCommerce says, so the order must be
read faithfully: money strings become exact `Decimal`s, unknown plugin keys are kept, and
`parse(x).to_wire() == x` for any well-formed payload. Fields that decide the Sales Order
(identity, status, currency, every total, the parties and the lines) are required; fields that
only some WooCommerce versions or plugins emit are optional, and absent ones stay absent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticUndefined

from harness.woo.invariants import RULES, InvariantViolation, find_violations
from harness.woo.limits import JsonLimitError, check_depth, read_json
from harness.woo.wire import (
    MAX_DP,
    ColumnText,
    Country,
    Currency,
    Discount,
    Email,
    Flag,
    Id,
    ImageId,
    Money,
    Number,
    OptionalRawMoney,
    Quantity,
    RawMoney,
    RefundAmount,
    RefundQuantity,
    RefundTotal,
    Status,
    TaxStatus,
    Text,
    WooDate,
    WooOrderError,
    decimals_of,
    dotted,
    infer_dp,
    kind_of,
    problems_of,
    shown,
)


def load_json(data: str | bytes | bytearray) -> Any:
    """Parse JSON text within `read_json`'s limits; anything unreadable is a `WooOrderError`
    (at `<root>`, or at the value too long to read)."""
    try:
        # WooCommerce sends UTF-8 (RFC 8259); json.loads would also guess UTF-16/32 from bytes.
        return read_json(data)
    except UnicodeDecodeError as exc:
        raise WooOrderError([f"<root>: not valid JSON (not UTF-8 text: {exc.reason})"]) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise WooOrderError([f"<root>: not valid JSON ({exc.msg} at {where})"]) from None
    except JsonLimitError as exc:
        raise WooOrderError([str(exc)]) from None
    except ValueError as exc:
        raise WooOrderError([f"<root>: not valid JSON ({exc})"]) from None


ITEM_KINDS = ("line_items", "shipping_lines", "fee_lines", "coupon_lines", "tax_lines")
"""An order's item lists, whose ids come from one table."""

CORE_STATUSES = frozenset(
    {"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"}
)
"""The seven statuses every store has; `trash`, drafts and plugin slugs are also accepted."""


def _bounded(data: Any) -> Any:
    """A document given as Python values, held to the nesting limit JSON text is read with."""
    try:
        check_depth(data)
    except JsonLimitError as exc:
        raise WooOrderError([str(exc)]) from None
    return data


_ATOMS = frozenset({str, int, float, bool, Decimal, datetime, type(None)})


def deep_copied(value: Any) -> Any:
    """`value` copied as deep as `copy.deepcopy` goes, walking only what a parsed document
    or its JSON holds (models, lists, dicts, immutable leaves): a third of deepcopy's cost."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if isinstance(value, WooModel):
        return value.deep_copy()
    if kind is list:
        return [deep_copied(item) for item in value]
    if kind is dict:
        return {key: deep_copied(item) for key, item in value.items()}
    return copy.deepcopy(value)


class WooModel(BaseModel):
    """Every WooCommerce object: plugins add keys anywhere, and those keys must survive."""

    model_config = ConfigDict(extra="allow", validate_default=False)

    def deep_copy(self) -> Self:
        """`model_copy(deep=True)`, the same fields, extra keys, fields set and private state,
        sharing nothing mutable with this one (but leaves no two fields sharing one value)."""
        cls = type(self)
        made = cls.__new__(cls)
        extra, private = self.__pydantic_extra__, self.__pydantic_private__
        fields = {key: deep_copied(value) for key, value in self.__dict__.items()}
        object.__setattr__(made, "__dict__", fields)
        object.__setattr__(
            made, "__pydantic_extra__", None if extra is None else deep_copied(extra)
        )
        object.__setattr__(made, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        if private is not None:
            private = {k: deep_copied(v) for k, v in private.items() if v is not PydanticUndefined}
        object.__setattr__(made, "__pydantic_private__", private)
        return made


class MetaData(WooModel):
    """`{id, key, value}`; the value is any JSON (strings, numbers, objects)."""

    id: Id | None = None  # absent on meta posted without an id (INFERRED; responses carry one)
    key: Text
    value: Any
    display_key: Text | None = None
    display_value: Any = None


class Address(WooModel):
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    address_1: Text = ""
    address_2: Text = ""
    city: Text = ""
    state: Text = ""
    postcode: Text = ""
    country: Country = ""


class Billing(Address):
    email: Email | None = ""
    phone: Text = ""


class Shipping(Address):
    phone: Text | None = None  # only newer WooCommerce versions send `shipping.phone`


class LineTax(WooModel):
    """One rate's tax on one line; older versions leave the amounts unformatted."""

    id: Id
    total: RawMoney
    subtotal: OptionalRawMoney = None  # "" on shipping taxes, which have no subtotal


class Image(WooModel):
    id: ImageId
    src: Text = ""


class LineItem(WooModel):
    """A product line. `subtotal`/`total` are ex-tax before/after discounts."""

    id: Id
    name: ColumnText = ""
    product_id: Id
    variation_id: Id = 0
    quantity: Quantity
    tax_class: Text = ""
    subtotal: Money
    subtotal_tax: Money
    total: Money
    total_tax: Money
    taxes: list[LineTax] = Field(default_factory=list)
    meta_data: list[MetaData] = Field(default_factory=list)
    sku: Text | None = None
    price: Number | None = None
    image: Image | None = None
    parent_name: Text | None = None
    global_unique_id: Text | None = None


class RefundLineItem(LineItem):
    """A refunded line: the order line mirrored with negative quantity and amounts."""

    quantity: RefundQuantity


class TaxLine(WooModel):
    """One tax rate used by the order, with its cart and shipping tax."""

    id: Id
    rate_code: ColumnText = ""
    rate_id: Id
    label: Text = ""
    compound: Flag = False
    tax_total: Money
    shipping_tax_total: Money
    rate_percent: Number | None = None
    meta_data: list[MetaData] = Field(default_factory=list)


class ShippingLine(WooModel):
    id: Id
    method_title: ColumnText = ""
    method_id: Text
    instance_id: Text | None = None
    total: Money
    total_tax: Money
    taxes: list[LineTax] = Field(default_factory=list)
    meta_data: list[MetaData] = Field(default_factory=list)


class FeeLine(WooModel):
    """A fee; negative fees act as ad-hoc discounts."""

    id: Id
    name: ColumnText
    tax_class: Text = ""
    tax_status: TaxStatus = "taxable"
    total: Money
    total_tax: Money
    taxes: list[LineTax] = Field(default_factory=list)
    meta_data: list[MetaData] = Field(default_factory=list)


class CouponLine(WooModel):
    """A coupon; its discount is already spread onto the line totals."""

    id: Id
    code: ColumnText
    discount: Discount
    discount_tax: Discount
    discount_type: Text | None = None
    nominal_amount: Number | None = None
    free_shipping: Flag | None = None
    meta_data: list[MetaData] = Field(default_factory=list)


class RefundSummary(WooModel):
    """`refunds[]` inside an order: the refund id, its reason and its (negative) total."""

    id: Id
    reason: Text = ""
    total: RefundTotal
    _reason_key: str = PrivateAttr(default="reason")

    @model_validator(mode="wrap")
    @classmethod
    def _accept_docs_typo(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """The published docs example spells `reason` as `refund`; read it, write it back."""
        if isinstance(data, Mapping) and "refund" in data and "reason" not in data:
            renamed = {("reason" if key == "refund" else key): value for key, value in data.items()}
            summary = handler(renamed)
            summary._reason_key = "refund"
            return summary
        return handler(data)

    @model_serializer(mode="wrap")
    def _write_reason_key(self, handler: SerializerFunctionWrapHandler) -> Any:
        wire = handler(self)
        if self._reason_key != "reason" and isinstance(wire, dict):
            return {(self._reason_key if key == "reason" else key): v for key, v in wire.items()}
        return wire


class WireDocument(WooModel):
    """A top-level WooCommerce document: parsed strictly, written back at the store's decimals."""

    _dp_field: ClassVar[str] = "total"
    _noun: ClassVar[tuple[str, str]] = ("an order", "orders")
    _dp: int | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _remember_dp(self, info: ValidationInfo) -> Self:
        context = info.context
        dp = context.get("dp") if isinstance(context, dict) else None
        if isinstance(dp, int):
            self._dp = dp
        return self

    @property
    def dp(self) -> int:
        """The store's price decimals: given to `parse`, else read off the document's total."""
        if self._dp is not None:
            return self._dp
        return decimals_of(getattr(self, self._dp_field))

    @classmethod
    def parse(cls, data: str | bytes | Mapping[str, Any], *, dp: int | None = None) -> Self:
        """Validate one document (JSON text or a mapping); `WooOrderError` lists every fault."""
        raw = load_json(data) if isinstance(data, str | bytes | bytearray) else _bounded(data)
        if not isinstance(raw, Mapping):
            expected = f"expected {cls._noun[0]} as a JSON object"
            raise WooOrderError([f"<root>: not a JSON object (got {kind_of(raw)}, {expected})"])
        return cls._validate_one(raw, dp, ())

    @classmethod
    def parse_many(cls, data: str | bytes | Sequence[Any], *, dp: int | None = None) -> list[Self]:
        """Validate a JSON list of documents; problems are prefixed with the document's index."""
        raw = load_json(data) if isinstance(data, str | bytes | bytearray) else _bounded(data)
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            expected = f"expected a list of {cls._noun[1]}"
            raise WooOrderError([f"<root>: not a JSON list (got {kind_of(raw)}, {expected})"])
        documents: list[Self] = []
        problems: list[str] = []
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping):
                problems.append(
                    f"{index}: not a JSON object (got {kind_of(item)}, expected {cls._noun[0]})"
                )
                continue
            try:
                documents.append(cls._validate_one(item, dp, (index,)))
            except WooOrderError as exc:
                problems.extend(exc.problems)
        if problems:
            raise WooOrderError(problems)
        return documents

    @classmethod
    def _validate_one(cls, raw: Mapping[str, Any], dp: int | None, prefix: tuple[int, ...]) -> Self:
        if dp is not None and (isinstance(dp, bool) or not 0 <= dp <= MAX_DP):
            raise ValueError(f"dp: must be an integer from 0 to {MAX_DP} (got {dp!r})")
        store_dp = dp if dp is not None else infer_dp(raw.get(cls._dp_field))
        try:
            document = cls.model_validate(raw, context={"dp": store_dp})
        except ValidationError as exc:
            raise WooOrderError(problems_of(exc, cls, prefix)) from None
        problems = list(document.cross_field_problems(prefix))
        if problems:
            raise WooOrderError(problems)
        return document

    def cross_field_problems(self, prefix: tuple[int, ...] = ()) -> Iterator[str]:
        """What no single field shows: values that contradict each other (none here)."""
        return iter(())

    def to_wire(self) -> dict[str, Any]:
        """WooCommerce JSON again: money at `dp` decimals, unknown keys kept, absent ones absent."""
        wire: dict[str, Any] = self.model_dump(
            mode="json", by_alias=True, exclude_unset=True, context={"dp": self.dp}
        )
        return wire


class WooOrder(WireDocument):
    """`GET /wp-json/wc/v3/orders/<id>` (and the `order.*` webhook body)."""

    id: Id
    parent_id: Id = 0
    number: Text = ""
    order_key: Text = ""
    created_via: Text = ""
    version: Text = ""
    status: Status
    currency: Currency
    date_created: WooDate | None = None
    date_created_gmt: WooDate | None = None
    date_modified: WooDate | None = None
    date_modified_gmt: WooDate | None = None
    discount_total: Money
    discount_tax: Money
    shipping_total: Money
    shipping_tax: Money
    cart_tax: Money
    total: Money
    total_tax: Money
    prices_include_tax: Flag
    customer_id: Id  # 0 = guest
    customer_ip_address: Text = ""
    customer_user_agent: Text = ""
    customer_note: ColumnText = ""
    billing: Billing
    shipping: Shipping
    payment_method: Text = ""
    payment_method_title: Text = ""
    transaction_id: Text = ""
    date_paid: WooDate | None = None
    date_paid_gmt: WooDate | None = None
    date_completed: WooDate | None = None
    date_completed_gmt: WooDate | None = None
    cart_hash: Text = ""
    meta_data: list[MetaData] = Field(default_factory=list)
    line_items: list[LineItem]
    tax_lines: list[TaxLine]
    shipping_lines: list[ShippingLine]
    fee_lines: list[FeeLine]
    coupon_lines: list[CouponLine]
    refunds: list[RefundSummary] = Field(default_factory=list)  # absent from Subscriptions' docs
    payment_url: Text | None = None
    currency_symbol: Text | None = None  # added by WooCommerce Admin, not by the v3 schema
    is_editable: Flag | None = None
    needs_payment: Flag | None = None
    needs_processing: Flag | None = None

    def cross_field_problems(self, prefix: tuple[int, ...] = ()) -> Iterator[str]:
        """Item ids used twice: WooCommerce numbers every line, shipping, fee, coupon and tax
        item of every order from one table (woocommerce_order_items, BIGINT UNSIGNED
        auto_increment primary key), so no two items of an order share an id."""
        first_use: dict[int, str] = {}
        for kind in ITEM_KINDS:
            for index, item in enumerate(getattr(self, kind)):
                path = dotted((*prefix, kind, index, "id"))
                if item.id == 0:  # INFERRED: an item not saved yet has no id
                    continue
                if item.id in first_use:
                    yield (
                        f"{path}: the same item id as {first_use[item.id]} (got {shown(item.id)}, "
                        "expected an id no other item of the order has)"
                    )
                else:
                    first_use[item.id] = path

    def meta(self, key: str, default: Any = None) -> Any:
        """The value of the first order meta entry named `key`."""
        return next((entry.value for entry in self.meta_data if entry.key == key), default)

    @property
    def is_vat_exempt(self) -> bool:
        """Core's exemption flag, copied to order meta at checkout (`is_vat_exempt` = "yes")."""
        return bool(self.meta("is_vat_exempt") == "yes")

    @property
    def is_guest(self) -> bool:
        return self.customer_id == 0

    def check_invariants(self) -> list[InvariantViolation]:
        """Every arithmetic rule WooCommerce's `calculate_totals` guarantees that fails here."""
        return find_violations(self)


class WooRefund(WireDocument):
    """`GET /wp-json/wc/v3/orders/<id>/refunds/<refund_id>`."""

    _dp_field: ClassVar[str] = "amount"
    _noun: ClassVar[tuple[str, str]] = ("a refund", "refunds")

    id: Id
    date_created: WooDate | None = None
    date_created_gmt: WooDate | None = None
    amount: RefundAmount
    reason: Text = ""
    refunded_by: Id = 0
    refunded_payment: Flag = False
    meta_data: list[MetaData] = Field(default_factory=list)
    line_items: list[RefundLineItem] = Field(default_factory=list)


__all__ = [
    "CORE_STATUSES",
    "ITEM_KINDS",
    "RULES",
    "Address",
    "Billing",
    "CouponLine",
    "FeeLine",
    "Image",
    "InvariantViolation",
    "LineItem",
    "LineTax",
    "MetaData",
    "RefundLineItem",
    "RefundSummary",
    "Shipping",
    "ShippingLine",
    "TaxLine",
    "WooOrder",
    "WooOrderError",
    "WooRefund",
    "deep_copied",
]
