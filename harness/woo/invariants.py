"""The arithmetic WooCommerce guarantees for an order it totalled (reference section 3).

`WC_Abstract_Order::calculate_totals` ties an order's numbers together; a plugin or a direct
database edit can break them, and then no connector can land the order "correctly". Each rule
that fails is reported with both numbers, so the harness can tell a broken order from a broken
connector.

Amounts WooCommerce formatted are compared exactly; per-rate taxes that older versions leave
unformatted ("0.545455") get one minor unit of slack per line, as their rounding may differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Protocol

from harness.money import minor_unit, round_half_up
from harness.woo.wire import decimals_of

if TYPE_CHECKING:
    from harness.woo.order import LineTax, WooOrder


RULES = (
    "limits",  # quantities, amounts and numbers within what a store can hold (see LIMITS)
    "total",  # total = R(Σ line totals + Σ fees + shipping_total + cart_tax + shipping_tax)
    "total_tax",  # total_tax = R(cart_tax + shipping_tax)
    "cart_tax",  # cart_tax = Σ tax_lines.tax_total
    "cart_tax.items",  # cart_tax = Σ line and fee taxes, each rounded
    "shipping_tax",  # shipping_tax = Σ tax_lines.shipping_tax_total
    "shipping_tax.items",  # shipping_tax = Σ shipping line taxes, each rounded
    "tax_line.tax_total",  # each rate's tax_total = Σ line and fee taxes of that rate
    "tax_line.shipping_tax_total",  # each rate's shipping_tax_total = Σ its shipping taxes
    "tax_line.per_rate",  # every rate a line uses has exactly one tax_lines entry
    "shipping_total",  # shipping_total = Σ shipping line totals
    "discount_total",  # discount_total = R(Σ line subtotals - Σ line totals)
    "discount_tax",  # discount_tax = R(Σ line subtotal_tax - Σ line total_tax)
    "line.total_tax",  # a line's total_tax = Σ its taxes, each rounded
    "line.subtotal_tax",  # a product line's subtotal_tax = Σ its subtotal taxes, each rounded
    "negative_fee",  # negative fees never take lines + fees + shipping below 0
    "refunds",  # Σ |refunds.total| <= total
    "vat_exempt",  # an order with meta is_vat_exempt = yes carries no tax
)
"""Every rule `find_violations` checks, by the name `InvariantViolation.rule` carries."""

# WooCommerce keeps an order's amounts as DECIMAL(26,8) (HPOS wc_orders.total_amount and
# tax_amount, wc_order_operational_data's shipping and discount amounts: OrdersTableDataStore.php
# get_database_schema in github.com/woocommerce/woocommerce), at most 18 digits before the
# point, and its analytics (wc_order_stats) as DOUBLE. INFERRED: NetSuite keeps amounts and
# quantities as doubles too (about 15 significant digits), so an amount past a trillion (13
# digits and cents) no longer adds up exactly in a Sales Order, and no store sells more than a
# million of one thing on one line.
MAX_QUANTITY = 10**6
MAX_AMOUNT = Decimal(10) ** 12
LIMITS = (
    f"a quantity of at most {MAX_QUANTITY:,} per line, amounts of at most "
    f"{MAX_AMOUNT:,} either way, finite numbers"
)
# The money fields of an order and of each kind of line, as the wire names them.
_ORDER_AMOUNTS = (
    "discount_total",
    "discount_tax",
    "shipping_total",
    "shipping_tax",
    "cart_tax",
    "total",
    "total_tax",
)
_LINE_AMOUNTS = {
    "line_items": ("subtotal", "subtotal_tax", "total", "total_tax", "price"),
    "shipping_lines": ("total", "total_tax"),
    "fee_lines": ("total", "total_tax"),
    "coupon_lines": ("discount", "discount_tax", "nominal_amount"),
    "tax_lines": ("tax_total", "shipping_tax_total"),
    "refunds": ("total",),
}


@dataclass(frozen=True)
class InvariantViolation:
    """One broken rule: what WooCommerce's arithmetic gives vs what the order states."""

    rule: str
    expected: Decimal
    actual: Decimal
    message: str


class _TaxedLine(Protocol):
    @property
    def total_tax(self) -> Decimal: ...

    @property
    def taxes(self) -> Sequence[LineTax]: ...


@dataclass(frozen=True)
class _Lines:
    """The order's taxed lines with their paths, so messages can name them."""

    items: list[tuple[str, _TaxedLine]]
    shipping: list[tuple[str, _TaxedLine]]

    @property
    def all(self) -> list[tuple[str, _TaxedLine]]:
        return self.items + self.shipping


class _Checker:
    def __init__(self, dp: int) -> None:
        self.dp = dp
        self.unit = minor_unit(dp)
        self.violations: list[InvariantViolation] = []

    def r(self, amount: Decimal) -> Decimal:
        return round_half_up(amount, self.dp)

    def show(self, amount: Decimal) -> str:
        return f"{self.r(amount):f}" if decimals_of(amount) <= self.dp else f"{amount:f}"

    def equal(
        self,
        rule: str,
        stated: str,
        actual: Decimal,
        expected: Decimal,
        how: str | Callable[[], str],
        slack: int = 0,
    ) -> None:
        """Report `rule` when `actual` differs from `expected` by more than `slack` minor units.
        `how` may be worked out only then: nearly every order holds every rule."""
        tolerance = self.unit * slack
        if abs(actual - expected) <= tolerance:
            return
        allowed = f" (allowed difference {tolerance:f})" if slack else ""
        said = how if isinstance(how, str) else how()
        message = (
            f"{rule}: {stated} is {self.show(actual)} but {said} = {self.show(expected)}{allowed}"
        )
        self.violations.append(InvariantViolation(rule, expected, actual, message))

    def taxes(self, taxes: Iterable[LineTax]) -> Decimal:
        """Σ per-rate taxes of a line, each rounded at dp as WooCommerce rounds per line."""
        return sum((self.r(tax.total) for tax in taxes), Decimal(0))

    def unformatted(self, taxes: Iterable[LineTax]) -> bool:
        """Older WooCommerce leaves per-rate taxes raw; their rounding may differ by a unit."""
        return any(decimals_of(tax.total) > self.dp for tax in taxes)


def _terms(checker: _Checker, parts: Iterable[tuple[str, Decimal]]) -> str:
    return " + ".join(f"{name} {checker.show(amount)}" for name, amount in parts)


def find_violations(order: WooOrder) -> list[InvariantViolation]:
    """Check every rule of reference section 3 on `order`; [] when all hold."""
    with localcontext() as context:
        context.prec = 60  # exact sums for any amount the wire types accept
        checker = _Checker(order.dp)
        lines = _Lines(
            items=[(f"line_items.{i}", line) for i, line in enumerate(order.line_items)]
            + [(f"fee_lines.{i}", fee) for i, fee in enumerate(order.fee_lines)],
            shipping=[(f"shipping_lines.{i}", ship) for i, ship in enumerate(order.shipping_lines)],
        )
        _check_limits(checker, order)
        if checker.violations:
            # Sums of values past the limits say nothing a person can act on.
            return checker.violations
        _check_totals(checker, order)
        _check_taxes(checker, order, lines)
        _check_lines(checker, order, lines)
        _check_rates(checker, order, lines)
        _check_fees_and_refunds(checker, order)
        return checker.violations


def _beyond(checker: _Checker, path: str, value: object, limit: Decimal, what: str) -> None:
    """Report `path` when `value` is not finite or is beyond `limit` either way."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return
    amount = Decimal(value)
    if amount.is_finite() and abs(amount) <= limit:
        return
    shown = f"{amount:f}" if amount.is_finite() else str(amount)
    if len(shown) > 40:  # 1e308 written out has 309 digits
        shown = f"{amount:.3E}"
    problem = "is not a finite number" if not amount.is_finite() else f"is {shown}"
    message = (
        f"limits: {path} {problem}, more than a store can hold ({what}); "
        "a plugin or an import wrote a value no checkout makes"
    )
    checker.violations.append(InvariantViolation("limits", limit, amount, message))


_MONEY_LIMIT = f"at most {MAX_AMOUNT:,} either way"
_QUANTITY_LIMIT = f"at most {MAX_QUANTITY:,} per line"


def _within(value: object, limit: Decimal) -> bool:
    """What `_beyond` passes over, told without naming the field (most values are)."""
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) <= limit
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= limit
    return True


def _check_limits(checker: _Checker, order: WooOrder) -> None:
    """Quantities, amounts and numbers a store can really hold, each named by its field."""
    money = _MONEY_LIMIT
    for name in _ORDER_AMOUNTS:
        if not _within(value := getattr(order, name), MAX_AMOUNT):
            _beyond(checker, name, value, MAX_AMOUNT, money)
    for kind, names in _LINE_AMOUNTS.items():
        for index, line in enumerate(getattr(order, kind)):
            for name in names:
                if not _within(value := getattr(line, name, None), MAX_AMOUNT):
                    _beyond(checker, f"{kind}[{index}].{name}", value, MAX_AMOUNT, money)
            for number, tax in enumerate(getattr(line, "taxes", ())):
                for name in ("total", "subtotal"):
                    if not _within(value := getattr(tax, name), MAX_AMOUNT):
                        path = f"{kind}[{index}].taxes[{number}].{name}"
                        _beyond(checker, path, value, MAX_AMOUNT, money)
            rate = line.rate_percent if kind == "tax_lines" else None
            if rate is not None and not _within(rate, MAX_AMOUNT):
                _beyond(
                    checker, f"tax_lines[{index}].rate_percent", rate, MAX_AMOUNT,
                    "a finite percentage",
                )
    most = Decimal(MAX_QUANTITY)
    for index, item in enumerate(order.line_items):
        if not _within(item.quantity, most):
            _beyond(checker, f"line_items[{index}].quantity", item.quantity, most, _QUANTITY_LIMIT)


def _check_totals(checker: _Checker, order: WooOrder) -> None:
    items = sum((line.total for line in order.line_items), Decimal(0))
    fees = sum((fee.total for fee in order.fee_lines), Decimal(0))
    parts = [
        ("lines", items),
        ("fees", fees),
        ("shipping_total", order.shipping_total),
        ("cart_tax", order.cart_tax),
        ("shipping_tax", order.shipping_tax),
    ]
    # The discount is already inside the line totals, so it is not subtracted again.
    expected = checker.r(sum((amount for _, amount in parts), Decimal(0)))
    checker.equal("total", "total", order.total, expected, lambda: _terms(checker, parts))
    tax_parts = [("cart_tax", order.cart_tax), ("shipping_tax", order.shipping_tax)]
    expected_tax = checker.r(order.cart_tax + order.shipping_tax)
    checker.equal(
        "total_tax", "total_tax", order.total_tax, expected_tax, lambda: _terms(checker, tax_parts)
    )
    shipping = sum((checker.r(ship.total) for ship in order.shipping_lines), Decimal(0))
    checker.equal(
        "shipping_total", "shipping_total", order.shipping_total, shipping, "Σ shipping_lines.total"
    )
    subtotals = sum((line.subtotal for line in order.line_items), Decimal(0))
    discount = checker.r(subtotals - items)
    checker.equal(
        "discount_total",
        "discount_total",
        order.discount_total,
        discount,
        lambda: f"Σ line subtotal {checker.show(subtotals)} - Σ line total {checker.show(items)}",
    )
    subtotal_tax = sum((line.subtotal_tax for line in order.line_items), Decimal(0))
    total_tax = sum((line.total_tax for line in order.line_items), Decimal(0))
    discount_tax = checker.r(subtotal_tax - total_tax)
    checker.equal(
        "discount_tax",
        "discount_tax",
        order.discount_tax,
        discount_tax,
        lambda: (
            f"Σ line subtotal_tax {checker.show(subtotal_tax)}"
            f" - Σ line total_tax {checker.show(total_tax)}"
        ),
    )


def _check_taxes(checker: _Checker, order: WooOrder, lines: _Lines) -> None:
    stated_cart = sum((tax_line.tax_total for tax_line in order.tax_lines), Decimal(0))
    checker.equal("cart_tax", "cart_tax", order.cart_tax, stated_cart, "Σ tax_lines.tax_total")
    stated_ship = sum((tax_line.shipping_tax_total for tax_line in order.tax_lines), Decimal(0))
    checker.equal(
        "shipping_tax",
        "shipping_tax",
        order.shipping_tax,
        stated_ship,
        "Σ tax_lines.shipping_tax_total",
    )
    for rule, field, group, stated in (
        ("cart_tax.items", "cart_tax", lines.items, order.cart_tax),
        ("shipping_tax.items", "shipping_tax", lines.shipping, order.shipping_tax),
    ):
        computed = sum((checker.taxes(line.taxes) for _, line in group), Decimal(0))
        slack = sum(1 for _, line in group if checker.unformatted(line.taxes))
        names = "line and fee" if field == "cart_tax" else "shipping line"
        how = f"Σ {names} taxes (each rounded to {checker.dp} decimals)"
        checker.equal(rule, field, stated, computed, how, slack)


def _check_lines(checker: _Checker, order: WooOrder, lines: _Lines) -> None:
    for path, line in lines.all:
        slack = 1 if checker.unformatted(line.taxes) else 0
        how = f"Σ {path}.taxes[].total (each rounded)"
        computed = checker.taxes(line.taxes)
        checker.equal("line.total_tax", f"{path}.total_tax", line.total_tax, computed, how, slack)
    for index, item in enumerate(order.line_items):
        subtotals = [tax.subtotal for tax in item.taxes if tax.subtotal is not None]
        if len(subtotals) != len(item.taxes):
            continue
        path = f"line_items.{index}"
        computed = sum((checker.r(amount) for amount in subtotals), Decimal(0))
        slack = 1 if any(decimals_of(amount) > checker.dp for amount in subtotals) else 0
        how = f"Σ {path}.taxes[].subtotal (each rounded)"
        checker.equal(
            "line.subtotal_tax", f"{path}.subtotal_tax", item.subtotal_tax, computed, how, slack
        )


def _check_rates(checker: _Checker, order: WooOrder, lines: _Lines) -> None:
    rate_counts = Counter(tax_line.rate_id for tax_line in order.tax_lines)
    used: dict[int, str] = {}
    for path, line in lines.all:
        for tax in line.taxes:
            used.setdefault(tax.id, path)
    for rate_id, first_user in sorted(used.items()):
        count = rate_counts.get(rate_id, 0)
        if count != 1:
            message = (
                f"tax_line.per_rate: rate {rate_id} (used by {first_user}) has {count} tax_lines "
                "entries but WooCommerce keeps exactly 1 per rate"
            )
            checker.violations.append(
                InvariantViolation("tax_line.per_rate", Decimal(1), Decimal(count), message)
            )
    for index, tax_line in enumerate(order.tax_lines):
        path = f"tax_lines.{index}"
        for rule, field, group, stated in (
            ("tax_line.tax_total", "tax_total", lines.items, tax_line.tax_total),
            (
                "tax_line.shipping_tax_total",
                "shipping_tax_total",
                lines.shipping,
                tax_line.shipping_tax_total,
            ),
        ):
            rated = [[tax for tax in line.taxes if tax.id == tax_line.rate_id] for _, line in group]
            computed = sum((checker.taxes(taxes) for taxes in rated), Decimal(0))
            slack = sum(1 for taxes in rated if checker.unformatted(taxes))
            how = f"Σ taxes of rate {tax_line.rate_id} (each rounded)"
            checker.equal(rule, f"{path}.{field}", stated, computed, how, slack)


def _check_fees_and_refunds(checker: _Checker, order: WooOrder) -> None:
    if any(fee.total < 0 for fee in order.fee_lines):
        items = sum((line.total for line in order.line_items), Decimal(0))
        fees = sum((fee.total for fee in order.fee_lines), Decimal(0))
        base = items + fees + order.shipping_total
        if base < 0:
            message = (
                f"negative_fee: lines {checker.show(items)} + fees {checker.show(fees)} + "
                f"shipping_total {checker.show(order.shipping_total)} = {checker.show(base)}, "
                "but WooCommerce caps negative fees so this is never below 0"
            )
            checker.violations.append(InvariantViolation("negative_fee", Decimal(0), base, message))
    refunded = sum((abs(refund.total) for refund in order.refunds), Decimal(0))
    # INFERRED (reference 3.11): refunds never exceed what was charged.
    if refunded > order.total:
        message = (
            f"refunds: Σ |refunds.total| is {checker.show(refunded)} but the order total is "
            f"{checker.show(order.total)}, the most that can be refunded"
        )
        checker.violations.append(InvariantViolation("refunds", order.total, refunded, message))
    if order.is_vat_exempt and order.total_tax != 0:
        message = (
            f"vat_exempt: total_tax is {checker.show(order.total_tax)} but the order is VAT "
            "exempt (meta is_vat_exempt = yes), so WooCommerce removes every tax"
        )
        checker.violations.append(
            InvariantViolation("vat_exempt", Decimal(0), order.total_tax, message)
        )
