"""What an order's Sales Order must be: the expectation's parts, as `expect` computes them.

Lines keyed the way mismatches name them, the customer to land on (existing, new, or none when
the email is ambiguous), the tax codes the mapping sends, and the problems that keep an order
from landing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from harness.landing.refdata import CustomerRef, NamedRef
from harness.landing.verdict import Category
from harness.woo.order import Address

LineKind = Literal["product", "fee", "tax"]
CustomerMode = Literal["existing", "new", "ambiguous"]
DiscountStrategy = Literal["item", "net-price"]


@dataclass(frozen=True)
class ExpectedLine:
    """One Sales Order line that must exist."""

    key: str  # how mismatches name the line: the SKU, `fee:<name>`, `tax`
    item: NamedRef  # itemId and internal id (id None when the item does not resolve)
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    kind: LineKind = "product"
    source: str = ""  # where in the WooCommerce order, e.g. `line_items[0]`
    description: str = ""
    net_rate: Decimal | None = None  # WooCommerce's unit price after coupons (total / quantity)


@dataclass(frozen=True)
class ExpectedAddress:
    addr1: str
    city: str
    state: str
    zip: str
    country: str

    @classmethod
    def of(cls, address: Address) -> ExpectedAddress:
        return cls(
            addr1=address.address_1.strip(),
            city=address.city.strip(),
            state=address.state.strip(),
            zip=address.postcode.strip(),
            country=str(address.country).strip(),
        )

    @property
    def empty(self) -> bool:
        return not (self.addr1 or self.city)


@dataclass(frozen=True)
class ExpectedCustomer:
    """The Sales Order's customer: an existing one, a new one, or none (ambiguous email)."""

    mode: CustomerMode
    email: str  # normalized
    existing: CustomerRef | None = None
    candidates: tuple[CustomerRef, ...] = ()
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    external_id: str | None = None
    unique_email: bool = True  # after the push, exactly one customer may have this email

    @property
    def display(self) -> str:
        if self.existing is not None:
            return str(self.existing.ref)
        if self.mode == "ambiguous":
            ids = ", ".join(c.id for c in self.candidates)
            return f"none: {len(self.candidates)} customers share {self.email} ({ids})"
        name = self.company or f"{self.first_name} {self.last_name}".strip()
        return f"a new customer {name} <{self.email}>"


@dataclass(frozen=True)
class ExpectedTaxCode:
    """A WooCommerce tax rate and the NetSuite tax code the mapping sends it as."""

    rate_code: str
    woo_percent: Decimal | None
    code: NamedRef | None


@dataclass(frozen=True)
class ExpectedProblem:
    """Why this order cannot land as it is: the mapping or the account lacks something."""

    category: Category
    field: str
    summary: str
    hint: str
    # The hint for a connector the harness does not own: NetSuite records and fields and
    # WooCommerce data instead of the mapping's keys (None: `hint` already speaks so).
    store_hint: str | None = None

    def hint_for(self, own_connector: bool) -> str:
        return self.hint if own_connector or self.store_hint is None else self.store_hint


@dataclass(frozen=True)
class ExpectedLanding:
    """The Sales Order a WooCommerce order must become (or the reason it must not)."""

    order: str
    status: str
    should_sync: bool
    sync_statuses: tuple[str, ...]
    customer: ExpectedCustomer
    subsidiary: NamedRef | None
    currency: NamedRef | None
    precision: int
    lines: tuple[ExpectedLine, ...]
    shipping_method: NamedRef | None
    shipping_cost: Decimal
    discount_item: NamedRef | None
    discount_total: Decimal  # negative: the header discount NetSuite shows
    tax_total: Decimal
    total: Decimal
    billing_address: ExpectedAddress
    shipping_address: ExpectedAddress | None  # None: WooCommerce has none, not compared
    external_id: str
    other_ref_num: str
    price_level_custom: bool = True
    woo_shipping_methods: tuple[str, ...] = ()
    tax_codes: tuple[ExpectedTaxCode, ...] = ()
    problems: tuple[ExpectedProblem, ...] = field(default_factory=tuple)
    shipping_tax: Decimal = Decimal(0)  # WooCommerce's tax on shipping (0 for exempt orders)
    coupon_codes: tuple[str, ...] = ()
    discount_strategy: DiscountStrategy = "item"
    tax_per_line: bool = False  # the subsidiary taxes each line by its own taxCode
    tax_exempt: bool = False  # WooCommerce marked the order exempt (meta is_vat_exempt = yes)
    # The mapping's order.order_status: A (Pending Approval) or B (Pending Fulfillment, or any
    # later state); None: not compared.
    order_status: str | None = None

    @property
    def should_land(self) -> bool:
        """Synced by the mapping's rules and nothing in the way."""
        return self.should_sync and not self.problems

    @property
    def order_count(self) -> int:
        """Sales Orders that must exist for this WooCommerce order: exactly 1, or 0."""
        return 1 if self.should_land else 0

    def line(self, key: str) -> ExpectedLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def item_name(self, item_id: str) -> str | None:
        """The itemId of an expected line's item, by internal id (for messages)."""
        return next((ln.item.name for ln in self.lines if ln.item.id == item_id), None)
