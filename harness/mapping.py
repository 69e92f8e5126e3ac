"""The connector mapping as data: how a WooCommerce order should become a NetSuite Sales Order.

A mapping names NetSuite records the way people see them (item `itemId` = SKU, ship item
name, tax code name); the connector resolves names to internal ids through the account, so
one mapping works against the embedded sandbox and a real account alike. Loaded from YAML
with `file:line` errors (`load_mapping`). What the rules mean for one order is read by each
side with code of its own: the connector (`harness.connector.interpret`) and the expectation
(`harness.landing.mapping_reading`).
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from harness.data import data_file
from harness.yamlfile import ConfigFileError, load_model

DEFAULT_MAPPING = data_file("mappings", "demo.yaml")

# Placeholders a template may use: order fields named as they are, `number` (the order
# number, else its id), `billing_<part>` and the run's `prefix`.
PLAIN_FIELDS = (
    "id",
    "order_key",
    "customer_id",
    "currency",
    "status",
    "payment_method",
    "payment_method_title",
    "transaction_id",
    "customer_note",
    "created_via",
)
BILLING_PARTS = ("email", "first_name", "last_name", "company", "country")
TEMPLATE_FIELDS = frozenset(
    {*PLAIN_FIELDS, "number", *(f"billing_{part}" for part in BILLING_PARTS), "prefix"}
)


# What a write-back template may name besides the order's own fields: the Sales Order the
# order landed as (its internal id, and the number people see, e.g. `SO1042`).
SALES_ORDER_FIELDS = ("sales_order.id", "sales_order.tranId")
WRITE_BACK_FIELDS = TEMPLATE_FIELDS | frozenset(SALES_ORDER_FIELDS)


class MappingError(ConfigFileError):
    """A mapping file is invalid; `problems` are `file:line: message`."""


def _check_template(template: str, fields: frozenset[str] = TEMPLATE_FIELDS) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"not a valid template ({exc})") from None
    unknown = sorted({n for n in names if n not in fields})
    if unknown:
        allowed = ", ".join(sorted(fields))
        raise ValueError(f"unknown placeholder {{{unknown[0]}}} (expected one of: {allowed})")
    return template


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomerRules(_Strict):
    """How an order's buyer is matched to (or created as) a NetSuite customer."""

    match: Literal["email", "external-id"] = "email"
    # Trim and compare case-insensitively: WooCommerce keeps what the buyer typed.
    email_case_insensitive: bool = True
    email_trim: bool = True
    external_id_template: str = "woo-customer-{customer_id}"
    guests: Literal["create", "match-by-email", "default-customer"] = "match-by-email"
    guest_customer: str | None = Field(default=None, description="externalId or internal id")
    on_multiple_matches: Literal["fail", "first"] = "fail"

    @field_validator("external_id_template")
    @classmethod
    def _template(cls, v: str) -> str:
        return _check_template(v)

    @model_validator(mode="after")
    def _guest_customer_needed(self) -> CustomerRules:
        if self.guests == "default-customer" and not self.guest_customer:
            raise ValueError("guests: default-customer needs guest_customer (a customer id)")
        return self


class SubsidiaryRouting(_Strict):
    """Which subsidiary an order belongs to: by order currency or billing country."""

    by: Literal["currency", "country"] = "currency"
    routes: dict[str, int] = Field(default_factory=dict)
    default: int | None = None


class ItemRules(_Strict):
    """SKU -> item by `itemId`, with optional WooCommerce product / variation overrides."""

    match: Literal["sku"] = "sku"
    products: dict[int, str] = Field(default_factory=dict, description="product_id -> itemId")
    variations: dict[int, str] = Field(default_factory=dict, description="variation_id -> itemId")
    # Price level Custom (-1) keeps WooCommerce's rate; any other level re-sources it.
    price_level: Literal["custom", "base"] = "custom"


class ShippingRules(_Strict):
    """WooCommerce shipping `method_id` -> NetSuite ship item name."""

    methods: dict[str, str] = Field(default_factory=dict)
    default: str | None = None


class TaxRules(_Strict):
    """How WooCommerce tax is carried into NetSuite."""

    strategy: Literal["tax-code", "pass-through", "netsuite"] = "tax-code"
    codes: dict[str, str] = Field(
        default_factory=dict, description="WooCommerce rate_code (without priority) -> tax code"
    )
    exempt_code: str | None = None
    # A tax code belongs to one subsidiary: the exempt code per subsidiary, where it differs.
    exempt_codes: dict[int, str] = Field(default_factory=dict)
    pass_through_item: str | None = None
    # Subsidiaries taxed per line (VAT/GST style `taxCode` on each line); the others use the
    # US model: one header `taxItem` and a taxable flag per line.
    line_level_subsidiaries: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _strategy_needs(self) -> TaxRules:
        if self.strategy == "pass-through" and not self.pass_through_item:
            raise ValueError("strategy pass-through needs pass_through_item (an item name)")
        return self


class DiscountRules(_Strict):
    """How coupons reach the Sales Order.

    `item` (the default): all coupons become one header discount item (NetSuite allows one
    per order) and lines keep WooCommerce's price before coupons. `net-price`: the store
    books net revenue, so lines carry WooCommerce's price after coupons and there is no
    discount at all.
    """

    strategy: Literal["item", "net-price"] = "item"
    item: str | None = None

    @model_serializer(mode="wrap")
    def _default_strategy_unwritten(self, handler: SerializerFunctionWrapHandler) -> Any:
        """The default strategy is left out of a dump, so a mapping written before the option
        existed keeps its fingerprint (and the cassettes recorded with it stay fresh)."""
        data = handler(self)
        if self.strategy == "item" and isinstance(data, dict):
            data.pop("strategy", None)
        return data


class FeeRules(_Strict):
    """Fee lines become lines of an other-charge item."""

    item: str | None = None


class SyncRules(_Strict):
    """Which WooCommerce statuses are pushed at all, and what becomes of a Sales Order whose
    order is cancelled in WooCommerce after it landed: `keep` leaves it as it is, `close`
    closes every line (NetSuite then shows it Closed)."""

    statuses: list[str] = Field(default_factory=lambda: ["processing", "completed"])
    cancelled: Literal["keep", "close"] = "keep"

    @model_serializer(mode="wrap")
    def _default_cancelled_unwritten(self, handler: SerializerFunctionWrapHandler) -> Any:
        """`keep` (the default) is left out of a dump, so a mapping written before the option
        existed keeps its fingerprint."""
        data = handler(self)
        if self.cancelled == "keep" and isinstance(data, dict):
            data.pop("cancelled", None)
        return data


class OrderRules(_Strict):
    """Reference numbers and header defaults of the Sales Order."""

    external_id: str = "woo-{number}"
    other_ref_num: str = "{number}"
    memo: str | None = "{customer_note}"
    order_status: Literal["A", "B"] | None = "B"

    @field_validator("external_id", "other_ref_num", "memo")
    @classmethod
    def _templates(cls, v: str | None) -> str | None:
        return v if v is None else _check_template(v)


class SendRules(_Strict):
    """How the connector sends the Sales Order.

    Synchronously by default. `async: true`: as an asynchronous REST job
    (`Prefer: respond-async`) with an `X-NetSuite-Idempotency-Key` made from the request
    itself, so the same order sent twice (a retry, a repeated webhook) is refused by NetSuite
    as a duplicate key instead of being applied twice; the connector then reads the job first
    submitted for its result.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    asynchronous: bool = Field(default=False, alias="async")


class StatusChange(_Strict):
    """A status the connector moves the order to once it landed (e.g. processing ->
    completed), from any of the `from` statuses."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: list[str] = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)


class WriteBack(_Strict):
    """What a pull-style connector writes back to the WooCommerce order once it landed: meta
    entries (key -> value template, e.g. `_netsuite_so_id: "{sales_order.id}"`), a note
    that must contain the `note` template's text, and a status change. Templates name the
    order's fields and `{sales_order.id}` / `{sales_order.tranId}`."""

    meta: dict[str, str] = Field(default_factory=dict)
    note: str | None = Field(default=None, min_length=1)
    status: StatusChange | None = None

    @field_validator("meta")
    @classmethod
    def _meta_templates(cls, v: dict[str, str]) -> dict[str, str]:
        for key, template in v.items():
            if not key.strip():
                raise ValueError("a meta key must not be empty")
            try:
                _check_template(template, WRITE_BACK_FIELDS)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return v

    @field_validator("note")
    @classmethod
    def _note_template(cls, v: str | None) -> str | None:
        return v if v is None else _check_template(v, WRITE_BACK_FIELDS)

    @property
    def declared(self) -> bool:
        return bool(self.meta or self.note or self.status)


class CustomFieldSource(_Strict):
    """A custom field's value: fixed, or read from the order (`meta:<key>` or an order field)."""

    value: str | int | float | bool | None = None
    source: str | None = Field(default=None, alias="from")

    @model_validator(mode="after")
    def _one_of(self) -> CustomFieldSource:
        if (self.value is None) == (self.source is None):
            raise ValueError("give exactly one of 'value' or 'from'")
        return self


class CustomFields(_Strict):
    """`custbody_*` header fields and `custcol_*` line fields."""

    body: dict[str, CustomFieldSource] = Field(default_factory=dict)
    line: dict[str, CustomFieldSource] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body_ids(cls, v: dict[str, CustomFieldSource]) -> dict[str, CustomFieldSource]:
        return _check_ids(v, "custbody_")

    @field_validator("line")
    @classmethod
    def _line_ids(cls, v: dict[str, CustomFieldSource]) -> dict[str, CustomFieldSource]:
        return _check_ids(v, "custcol_")


def _check_ids(fields: dict[str, CustomFieldSource], prefix: str) -> dict[str, CustomFieldSource]:
    for field_id in fields:
        if not field_id.startswith(prefix):
            raise ValueError(f"custom field id {field_id!r} must start with {prefix!r}")
    return fields


class Mapping(_Strict):
    """A complete WooCommerce -> NetSuite mapping."""

    account: str | None = None
    customer: CustomerRules = Field(default_factory=CustomerRules)
    subsidiaries: SubsidiaryRouting = Field(default_factory=SubsidiaryRouting)
    items: ItemRules = Field(default_factory=ItemRules)
    shipping: ShippingRules = Field(default_factory=ShippingRules)
    tax: TaxRules = Field(default_factory=TaxRules)
    discounts: DiscountRules = Field(default_factory=DiscountRules)
    fees: FeeRules = Field(default_factory=FeeRules)
    sync: SyncRules = Field(default_factory=SyncRules)
    order: OrderRules = Field(default_factory=OrderRules)
    send: SendRules = Field(default_factory=SendRules)
    custom_fields: CustomFields = Field(default_factory=CustomFields)
    write_back: WriteBack = Field(default_factory=WriteBack)

    @model_serializer(mode="wrap")
    def _default_send_unwritten(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        """Synchronous sending (the default) is left out of a dump, so a mapping written
        before the option existed keeps its fingerprint. So is the write-back in a JSON dump
        (a cassette's fingerprint): it goes to the store, and a cassette holds NetSuite's
        side; a Python dump keeps it, so a mapping made from one keeps its write-back."""
        data = handler(self)
        if not isinstance(data, dict):
            return data
        if self.send == SendRules():
            data.pop("send", None)
        if info.mode == "json" or not self.write_back.declared:
            data.pop("write_back", None)
        return data


def load_mapping(path: str | Path | None = None) -> Mapping:
    """Load and validate a mapping file (the demo store's by default)."""
    try:
        return load_model(path or DEFAULT_MAPPING, Mapping)
    except ConfigFileError as exc:
        raise MappingError(exc.problems) from None
