"""What connectors read besides orders: products and variations, customers, coupons, taxes,
shipping methods, shaped as the v3 controllers serve them (the fields a connector maps).

Lists take the controllers' own arguments (`sku`, `email`, `code`, `search`, `include`,
`exclude`, paging); an unknown id is each controller's 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.woo.totals import format_money
from harness.woostore.catalogue import Coupon, Customer, Product, ShippingMethod, StoreData
from harness.woostore.errors import WooError
from harness.woostore.params import Params, ascii_digits

# INFERRED: the demo store's catalogue was set up before any order it takes.
CATALOGUE_CREATED = datetime(2024, 1, 2, 9, 0, 0)
Wire = dict[str, Any]


def _dates(utc_offset: timedelta) -> Wire:
    local = (CATALOGUE_CREATED + utc_offset).strftime("%Y-%m-%dT%H:%M:%S")
    gmt = CATALOGUE_CREATED.strftime("%Y-%m-%dT%H:%M:%S")
    return {"date_created": local, "date_created_gmt": gmt, "date_modified": local,
            "date_modified_gmt": gmt}


def _links(home: str, path: str, collection: str) -> Wire:
    api = f"{home}/wp-json/wc/v3"
    return {"self": [{"href": f"{api}/{path}"}], "collection": [{"href": f"{api}/{collection}"}]}


def _label(key: str) -> str:
    return key.removeprefix("pa_").replace("-", " ").replace("_", " ").title()


def _option(value: str) -> str:
    return value.upper() if len(value) <= 3 else value.title()


class Catalogue:
    """Renders and filters the store's catalogue data for one request's home URL."""

    def __init__(self, data: StoreData, home: str, utc_offset: timedelta) -> None:
        self.data = data
        self.home = home
        self.utc_offset = utc_offset

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.data.dp)

    # -- products ---------------------------------------------------------------------------

    def product(self, product: Product) -> Wire:
        variation = product.type == "variation"
        slug = product.name.lower().replace(" ", "-").replace(",", "")
        wire: Wire = {
            "id": product.id,
            "name": product.name,
            "slug": slug,
            "permalink": f"{self.home}/product/{slug}/",
            **_dates(self.utc_offset),
            "type": product.type,
            "status": "publish",
            "sku": product.sku,
            "price": self.money(product.price),
            "regular_price": self.money(product.price),
            "sale_price": "",
            "on_sale": False,
            "purchasable": True,
            "tax_status": "taxable" if product.taxable else "none",
            "tax_class": product.tax_class,
            "manage_stock": False,
            "stock_quantity": None,
            "stock_status": "instock",
            "parent_id": product.parent_id,
            "meta_data": [],
        }
        if variation:
            wire["attributes"] = [
                {"id": 0, "name": _label(key), "slug": key, "option": _option(value)}
                for key, value in product.attributes
            ]
            path = f"products/{product.parent_id}/variations/{product.id}"
            wire["_links"] = {**_links(self.home, path, f"products/{product.parent_id}/variations"),
                              "up": [{"href": f"{self.home}/wp-json/wc/v3/products/"
                                      f"{product.parent_id}"}]}
            return wire
        options: dict[str, list[str]] = {}
        for key, value in product.attributes:
            options.setdefault(key, []).append(_option(value))
        wire["attributes"] = [
            {"id": 0, "name": _label(key), "slug": key, "position": index, "visible": True,
             "variation": True, "options": values}
            for index, (key, values) in enumerate(options.items())
        ]
        wire["variations"] = list(product.variation_ids)
        wire["_links"] = _links(self.home, f"products/{product.id}", "products")
        return wire

    def products(self, params: Params, *, parent: int | None = None) -> list[Wire]:
        """`/products` (a `sku` list also finds variations, as WooCommerce's does) or a
        variable product's `/variations`."""
        skus = params.words("sku")
        search = (params.text("search") or "").lower()
        include, exclude = params.ids("include"), params.ids("exclude")
        kind = params.choice("type", ("simple", "grouped", "external", "variable"), "")
        order = params.choice("order", ("asc", "desc"), "desc")
        params.choice("orderby", ("date", "id", "include", "title", "slug", "price",
                                  "popularity", "rating", "menu_order", "modified"), "date")
        found = []
        for product in self.data.products.values():
            if parent is not None:
                if product.type != "variation" or product.parent_id != parent:
                    continue
            elif product.type == "variation" and not skus:
                continue
            if skus is not None and product.sku not in skus:
                continue
            if search and search not in product.name.lower() and search not in product.sku.lower():
                continue
            if (include and product.id not in include) or product.id in exclude:
                continue
            if kind and product.type != kind:
                continue
            found.append(product)
        found.sort(key=lambda p: p.id, reverse=order == "desc")
        return [self.product(product) for product in found]

    def product_by_id(self, product_id: int, *, parent: int | None = None) -> Wire:
        product = self.data.products.get(product_id)
        if parent is not None and (product is None or product.parent_id != parent):
            raise WooError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        if product is None:
            raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        return self.product(product)

    def variable_parent(self, product_id: int) -> None:
        if product_id not in self.data.products:
            raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")

    # -- customers --------------------------------------------------------------------------

    def customer(self, customer: Customer) -> Wire:
        address = {
            "first_name": customer.first_name, "last_name": customer.last_name,
            "company": customer.company, "address_1": customer.address_1, "address_2": "",
            "city": customer.city, "postcode": customer.postcode, "country": "", "state": "",
        }
        return {
            "id": customer.id,
            **_dates(self.utc_offset),
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "role": "customer",
            "username": customer.email.split("@", 1)[0],
            "billing": {**address, "email": customer.email, "phone": customer.phone},
            "shipping": {**address, "phone": ""},
            "is_paying_customer": True,
            "avatar_url": "",
            "meta_data": [],
            "_links": _links(self.home, f"customers/{customer.id}", "customers"),
        }

    def customers(self, params: Params) -> list[Wire]:
        email = params.email("email")
        role = params.choice("role", ("all", "administrator", "editor", "author", "contributor",
                                      "subscriber", "customer", "shop_manager"), "customer")
        search = (params.text("search") or "").lower()
        include, exclude = params.ids("include"), params.ids("exclude")
        order = params.choice("order", ("asc", "desc"), "asc")
        orderby = params.choice("orderby", ("id", "include", "name", "registered_date"), "name")
        found = [
            c for c in self.data.customers.values()
            if (email is None or c.email.lower() == email.lower())
            and role in ("all", "customer")
            and (not search or search in f"{c.email} {c.first_name} {c.last_name}".lower())
            and (not include or c.id in include) and c.id not in exclude
        ]
        key: Callable[[Customer], Any] = (lambda c: c.id) if orderby != "name" else (
            lambda c: (f"{c.first_name} {c.last_name}".strip() or c.email.split("@")[0]).lower()
        )
        found.sort(key=key, reverse=order == "desc")
        return [self.customer(c) for c in found]

    def customer_by_id(self, customer_id: int) -> Wire:
        found = self.data.customers.get(customer_id)
        if found is None:
            raise WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
        return self.customer(found)

    # -- coupons, taxes, shipping -----------------------------------------------------------

    def coupon(self, coupon: Coupon) -> Wire:
        return {
            "id": coupon.id, "code": coupon.code, "amount": self.money(coupon.amount),
            "status": "publish", **_dates(self.utc_offset), "discount_type": coupon.kind,
            "description": "", "date_expires": None, "date_expires_gmt": None,
            "usage_count": 0, "individual_use": False, "product_ids": [],
            "excluded_product_ids": [], "usage_limit": None, "usage_limit_per_user": None,
            "limit_usage_to_x_items": None, "free_shipping": False, "product_categories": [],
            "excluded_product_categories": [], "exclude_sale_items": False,
            "minimum_amount": self.money(Decimal(0)), "maximum_amount": self.money(Decimal(0)),
            "email_restrictions": [], "used_by": [], "meta_data": [],
            "_links": _links(self.home, f"coupons/{coupon.id}", "coupons"),
        }

    def coupons(self, params: Params) -> list[Wire]:
        code = (params.text("code") or "").lower()
        search = (params.text("search") or "").lower()
        found = [c for c in self.data.coupons.values()
                 if (not code or c.code == code) and (not search or search in c.code)]
        return [self.coupon(c) for c in sorted(found, key=lambda c: c.id, reverse=True)]

    def coupon_by_id(self, coupon_id: int) -> Wire:
        found = self.data.coupons.get(coupon_id)
        if found is None:
            raise WooError(404, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
        return self.coupon(found)

    def taxes(self, params: Params) -> list[Wire]:
        tax_class = params.text("class")
        order = params.choice("order", ("asc", "desc"), "asc")
        params.choice("orderby", ("id", "order", "priority"), "order")
        if tax_class not in (None, "", "standard"):
            return []
        rates = sorted(self.data.tax_rates, key=lambda r: r.rate_id, reverse=order == "desc")
        return [self._tax(index, rate) for index, rate in enumerate(rates)]

    def tax_by_id(self, rate_id: int) -> Wire:
        for index, rate in enumerate(self.data.tax_rates):
            if rate.rate_id == rate_id:
                return self._tax(index, rate)
        raise WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")

    def _tax(self, index: int, rate: Any) -> Wire:
        return {
            "id": rate.rate_id, "country": rate.country, "state": rate.state, "postcode": "",
            "city": "", "postcodes": [], "cities": [], "rate": f"{rate.percent:.4f}",
            "name": rate.name, "priority": rate.priority, "compound": rate.compound,
            "shipping": rate.shipping, "order": index, "class": "standard",
            "_links": _links(self.home, f"taxes/{rate.rate_id}", "taxes"),
        }

    def shipping_methods(self) -> list[Wire]:
        """`/shipping_methods`: the method types the store's shipping instances use."""
        seen: dict[str, ShippingMethod] = {}
        for method in self.data.shipping_methods:
            seen.setdefault(method.method_id, method)
        return [self._method_type(m) for m in seen.values()]

    def shipping_method(self, method_id: str) -> Wire:
        for method in self.data.shipping_methods:
            if method.method_id == method_id:
                return self._method_type(method)
        raise WooError(404, "woocommerce_rest_shipping_method_invalid", "Resource does not exist.")

    def _method_type(self, method: ShippingMethod) -> Wire:
        return {"id": method.method_id, "title": method.title, "description": "",
                "_links": _links(self.home, f"shipping_methods/{method.method_id}",
                                 "shipping_methods")}

    def zone_methods(self) -> list[Wire]:
        """`/shipping/zones/0/methods`: every instance, with its cost. INFERRED: the demo
        store's methods all sit in the zone for locations no other zone covers."""
        return [
            {
                "id": int(m.instance_id) if ascii_digits(m.instance_id) else index,
                "instance_id": int(m.instance_id) if ascii_digits(m.instance_id) else index,
                "title": m.title, "order": index, "enabled": True, "method_id": m.method_id,
                "method_title": m.title, "method_description": "",
                "settings": {"cost": {"id": "cost", "label": "Cost", "type": "text",
                                      "value": self.money(m.cost)}},
            }
            for index, m in enumerate(self.data.shipping_methods, start=1)
        ]
