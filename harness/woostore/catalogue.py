"""What the embedded store sells and knows: read from the catalogue's `store:` section.

The scenario catalogue (`harness/data/catalogue.yaml`) describes the demo store once, under
`store:` (products and their variations, tax rates, shipping methods, registered customers);
the coupons are the ones its scenarios apply. The store serves exactly that data, so what a
connector reads from the store matches the orders the catalogue makes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from harness.data import data_file
from harness.woo.cart import CouponKind, TaxRate
from harness.woo.orderspec import (
    DEFAULT_STORE_URL,
    CouponSpec,
    CustomerSpec,
    LineSpec,
    ShippingSpec,
    TaxRateSpec,
)
from harness.yamlfile import ConfigFileError, load_model

DEFAULT_CATALOGUE = data_file("catalogue.yaml")
FIRST_COUPON_ID = 501


class _StoreSection(BaseModel):
    """The catalogue's `store:` (the same fields `harness.catalogue` reads, as strictly)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str = DEFAULT_STORE_URL
    products: list[LineSpec] = Field(default_factory=list)
    tax_rates: list[TaxRateSpec] = Field(default_factory=list)
    shipping_methods: list[ShippingSpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)


class _ScenarioCoupons(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    coupons: list[CouponSpec] = Field(default_factory=list)


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    store: _StoreSection | None = None
    scenarios: list[_ScenarioCoupons] = Field(default_factory=list)


@dataclass(frozen=True)
class Product:
    """A product (`simple` or `variable`) or a variation of a variable one."""

    id: int
    name: str
    sku: str
    price: Decimal
    type: str = "simple"
    parent_id: int = 0
    taxable: bool = True
    tax_class: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    variation_ids: tuple[int, ...] = ()

    @property
    def parent_name(self) -> str | None:
        return self.name.split(" - ", 1)[0] if self.type == "variation" else None


@dataclass(frozen=True)
class Customer:
    """A registered WordPress user with the `customer` role."""

    id: int
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Coupon:
    id: int
    code: str
    kind: CouponKind
    amount: Decimal


@dataclass(frozen=True)
class ShippingMethod:
    """One shipping method instance (a method type set up in a zone)."""

    method_id: str
    title: str
    instance_id: str
    cost: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class StoreData:
    """Everything the store serves besides orders."""

    name: str
    url: str
    products: dict[int, Product] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    coupons: dict[int, Coupon] = field(default_factory=dict)
    tax_rates: tuple[TaxRate, ...] = ()
    shipping_methods: tuple[ShippingMethod, ...] = ()
    currency: str = "USD"
    dp: int = 2

    def by_sku(self, sku: str) -> Product | None:
        return next((p for p in self.products.values() if p.sku == sku), None)

    def coupon(self, code: str) -> Coupon | None:
        wanted = code.strip().lower()
        return next((c for c in self.coupons.values() if c.code == wanted), None)


def load_store_data(path: str | Path | None = None) -> StoreData:
    """The `store:` section of a catalogue file (default: the demo catalogue); a file without
    one, or with a mistake in it, is a `ConfigFileError` naming `file:line`."""
    source = Path(path) if path is not None else DEFAULT_CATALOGUE
    document = load_model(source, _CatalogueFile)
    if document.store is None:
        raise ConfigFileError(
            [
                f"{source}:1: store: section is missing (expected the store's name, url, "
                "products, tax_rates, shipping_methods and customers)"
            ]
        )
    coupons = (coupon for scenario in document.scenarios for coupon in scenario.coupons)
    return store_data(document.store, coupons)


def store_data(section: _StoreSection, coupons: Iterable[CouponSpec] = ()) -> StoreData:
    products = _products(section.products)
    customers = {
        spec.user_id: Customer(
            id=spec.user_id,
            email=spec.email or "",
            first_name=spec.first_name or "",
            last_name=spec.last_name or "",
            company=spec.company,
            address_1=spec.address_1 or "",
            city=spec.city or "",
            postcode=spec.postcode or "",
            phone=spec.phone or "",
        )
        for spec in section.customers
        if spec.user_id is not None
    }
    unique: dict[str, CouponSpec] = {}
    for coupon in coupons:
        unique.setdefault(coupon.code, coupon)
    by_id = {
        FIRST_COUPON_ID + index: Coupon(FIRST_COUPON_ID + index, spec.code, spec.type, spec.amount)
        for index, spec in enumerate(unique.values())
    }
    methods = tuple(
        ShippingMethod(m.method_id, m.title, m.instance_id, m.cost, m.taxable)
        for m in section.shipping_methods
    )
    return StoreData(
        name=section.name,
        url=section.url.rstrip("/"),
        products=products,
        customers=customers,
        coupons=by_id,
        tax_rates=tuple(rate.to_rate() for rate in section.tax_rates),
        shipping_methods=methods,
    )


def _products(lines: Iterable[LineSpec]) -> dict[int, Product]:
    """Products by id; a SKU listed twice (a price in another currency) keeps its first price.
    A variation's parent is the variable product its `product_id` names."""
    seen: dict[str, LineSpec] = {}
    for line in lines:
        seen.setdefault(line.sku, line)
    used = {line.product_id or 0 for line in seen.values()}
    used |= {line.variation_id for line in seen.values()}
    next_id = max(used, default=100) + 1
    products: dict[int, Product] = {}
    children: dict[int, list[Product]] = {}
    parents: dict[int, LineSpec] = {}
    for line in seen.values():
        if line.product_id is None:
            pid, next_id = next_id, next_id + 1
        else:
            pid = line.product_id
        if not line.variation_id:
            products[pid] = Product(
                pid, line.name or line.sku, line.sku, line.price,
                taxable=line.taxable, tax_class=line.tax_class,
            )
            continue
        variation = Product(
            line.variation_id, line.name or line.sku, line.sku, line.price, "variation", pid,
            line.taxable, line.tax_class, tuple(line.attributes.items()),
        )
        products[variation.id] = variation
        children.setdefault(pid, []).append(variation)
        parents.setdefault(pid, line)
    for pid, variations in children.items():
        first = parents[pid]
        attributes: dict[tuple[str, str], None] = {}
        for variation in variations:
            attributes.update(dict.fromkeys(variation.attributes))
        products[pid] = Product(
            pid,
            first.parent_name or first.sku,
            "",
            min(variation.price for variation in variations),
            "variable",
            taxable=first.taxable,
            tax_class=first.tax_class,
            attributes=tuple(attributes),
            variation_ids=tuple(variation.id for variation in variations),
        )
    return dict(sorted(products.items()))
