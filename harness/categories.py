"""The diagnosis categories (DESIGN.md section 3): the causes a store owner actually meets.

A leaf module, so the catalogue (which names the category a scenario must end in) and the
landing verdicts share one list without `woo` depending on `landing`.
"""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "auth",
    "permission",
    "required-field",
    "item-mapping",
    "customer-match",
    "tax",
    "shipping",
    "discount",
    "sync-rule",
    "script-or-workflow",
    "validation-rule",
    "governance",
    "transport",
    "invalid-order",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
