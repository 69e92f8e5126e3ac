"""WooCommerce's tax maths: the unrounded tax of each rate on an amount (`WC_Tax`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from harness.woo.cart import HUNDRED, ZERO, TaxRate


def exclusive_taxes(amount: Decimal, rates: Sequence[TaxRate]) -> list[Decimal]:
    """Unrounded tax per rate on a net amount (`WC_Tax::calc_exclusive_tax`).

    Compound rates apply to the amount plus every tax computed before them.
    """
    taxes = [ZERO] * len(rates)
    for index, rate in enumerate(rates):
        if not rate.compound:
            taxes[index] = amount * rate.percent / HUNDRED
    for index, rate in enumerate(rates):
        if rate.compound:
            taxes[index] = (amount + sum(taxes, ZERO)) * rate.percent / HUNDRED
    return taxes


def inclusive_taxes(gross: Decimal, rates: Sequence[TaxRate]) -> list[Decimal]:
    """Unrounded tax per rate contained in a gross amount (`WC_Tax::calc_inclusive_tax`).

    Compound rates come off first, then the regular rates share what is left.
    """
    regular = sum((r.percent for r in rates if not r.compound), ZERO)
    compound = sum((r.percent for r in rates if r.compound), ZERO)
    before_compound = gross / (1 + compound / HUNDRED)
    compound_tax = gross - before_compound
    taxes: list[Decimal] = []
    for rate in rates:
        if rate.compound:
            # WooCommerce gives every compound rate the whole compound part; with one compound
            # rate (the only case stores use) that is this share. INFERRED for several.
            taxes.append(compound_tax * rate.percent / compound if compound else ZERO)
        else:
            taxes.append(before_compound * (rate.percent / HUNDRED) / (1 + regular / HUNDRED))
    return taxes
